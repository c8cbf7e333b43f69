"""The words of the answer sheet: each verdict on crafted facts, comparisons that never call
equal numbers different, the sheet re-rendered from the committed facts without torch, and
results files that hold facts, not paragraphs."""
import json
import shutil

import pytest

from answers import dogs, q02, q04, q06, q08, q15, q18
from answers.words import (agree, borderline, compare, near_cut, pct_spread, sample_half_width, sample_noise, sentence,
                           rounded_difference, span)
from conftest import REPO, assert_facts_not_paragraphs, render_without_torch


# --- small wording helpers ------------------------------------------------------------------

def test_equal_as_shown_is_about_the_same():
    assert compare(55.91, 55.94, "{:.1f}", "more", "less", "same") == "same"
    assert compare(55.96, 55.94, "{:.1f}", "more", "less", "same") == "more"
    assert compare(55.84, 55.94, "{:.1f}", "more", "less", "same") == "less"


def test_one_seed_and_tied_values_are_worded_plainly():
    assert pct_spread([0.3]) == "30.0%" and pct_spread([0.3, 0.5]) == "40.0 ± 14.1%"
    assert agree(1, 1) == "the one seed run" and agree(5, 5) == "all 5 seeds" and agree(0, 5) == "0 of 5 seeds"
    assert agree(0, 1) == "no seed (one seed run)"  # a single seed that does not agree is never "the one seed run"
    assert span([3, 3, 3]) == "3" and span([3.04, 2.96], "{:.1f}") == "3.0"
    assert sentence("collie (195 training images)") == "Collie (195 training images)"


def test_a_difference_is_rounded_once_from_the_unrounded_values():
    """31.04 and 29.66 show as 31.0 and 29.7, but their difference is 1.38: +1.4, never the +1.3 of
    the rounded numbers (the sheet's "from the unrounded accuracies")."""
    assert rounded_difference(31.04, 29.66) == "+1.4"
    assert rounded_difference(29.66, 31.04) == "-1.4" and rounded_difference(30.04, 29.96) == "+0.1"
    assert rounded_difference(30.01, 30.03) == "+0.0"  # a difference that rounds to zero reads +0.0, never -0.0
    assert rounded_difference(0.5, 0.25, digits=2) == "+0.25"


def test_a_count_at_its_cut_is_worded_as_borderline():
    assert borderline(3, 5, []) == "3 of 5 seeds"
    assert borderline(3, 5, ["seed 2 ends 0.98% above"]) == "3 of 5 seeds (borderline: seed 2 ends 0.98% above)"
    assert near_cut(0.0098, 0.01, 0.001) and not near_cut(0.008, 0.01, 0.001)
    assert near_cut(0.001, 0.0, 1 / 1000)  # exactly one image of 1,000 away: near


def test_one_models_test_sample_interval():
    # 95% Wilson interval: about ±3.7 points at 28% on 555 images (1.96 standard errors of 1.9 points each)
    assert sample_half_width(0.28, 555) == pytest.approx(3.7, abs=0.05)
    assert sample_noise(0.28, 555) == "one model's 95% test-sample interval on 555 images ≈ ±3.7 points"


# --- Q5: within or outside the timing noise -----------------------------------------------

def q5_facts(full_us_per_step: float, step_costs_us: tuple[float, float], relative_error: float = -0.05,
             l3: str | None = "32768K") -> dict:
    runs = [{"size": 500, "train_seconds_per_seed": [1.0, 1.2]}, {"size": 1000, "train_seconds_per_seed": [2.0, 2.2]}]
    # 500 examples, batch 10, 100 epochs: 5,000 steps, so 1.0 s is 200 µs per step; the timed range is 200–240 µs.
    full = {"full_us_per_step": full_us_per_step, "cpu_caches": {"L3": l3} if l3 else {}, "relative_error": relative_error,
            "step_costs": [{"n": 2000, "train_tensor_bytes": 2000 * 3144, "us_per_step": step_costs_us[0],
                            "us_per_step_runs": [step_costs_us[0]] * 3},
                           {"n": 60000, "train_tensor_bytes": 60000 * 3144, "us_per_step": step_costs_us[1],
                            "us_per_step_runs": [step_costs_us[1] * 0.99, step_costs_us[1], step_costs_us[1] * 1.01]}]}
    full["verdict"] = q04.judge_extrapolation(runs, full, batch_size=10, epochs=100)
    return full


def test_q5_reads_a_full_run_inside_the_timing_noise_as_within_noise():
    verdict = q5_facts(220, (200, 202))["verdict"]
    assert verdict["full_cost"] == "within_noise" and verdict["timed_us_per_step"] == pytest.approx([200, 240])
    assert verdict["cache_effect"] is False


def test_q5_outside_the_noise_and_the_cache_effect():
    verdict = q5_facts(300, (200, 280))["verdict"]
    assert verdict["full_cost"] == "dearer" and verdict["cache_effect"] is True  # 188 MiB outgrow a 32 MiB L3
    assert q5_facts(150, (200, 202))["verdict"]["full_cost"] == "cheaper"


def q5_sheet(full: dict) -> str:
    full.update(seed=0, size=60000, train_seconds=1300.0, fit_us_per_step=210.0, step_cost_repeats=3,
                step_cost_min_steps=5000, test_acc=0.97, test_acc_all=0.97, test_images_all=10000)
    runs = [{"size": 2000, "train_seconds_median": 40.0}]
    return q04.answer_q5({"settings": {"epochs": 100, "batch_size": 10}, "predicted_seconds_60000": 1250.0,
                          "full": full, "runs": runs})


def test_q5_words_follow_the_verdicts():
    inside, dearer = q5_sheet(q5_facts(220, (200, 202))), q5_sheet(q5_facts(300, (200, 280)))
    assert "lies inside that range, so the error is within the machine's timing noise" in inside
    assert "changes by +1%, within that spread, although the 180 MiB of training tensors outgrow the 32 MiB L3" in inside
    assert "no effect of the data outgrowing the caches shows at these sizes" in inside
    assert "lies above that whole range" in dearer and "no longer fit in the 32 MiB L3 cache" in dearer
    assert "under-predict, as it did here." in dearer


def test_q5_makes_no_cache_claim_where_the_data_never_outgrew_the_cache():
    """On a CPU whose L3 holds even the largest training tensors, the sizes cannot test the cache."""
    fits = q5_facts(220, (200, 202), l3="307200K")
    assert fits["verdict"]["cache_effect"] is False
    text = q5_sheet(fits)
    assert "Even the largest training tensors here (180 MiB) fit in the 300 MiB L3 cache" in text
    assert "cannot show an effect of the data outgrowing the caches" in text and "no effect" not in text
    assert "307200K" not in text
    risen = q5_sheet(q5_facts(220, (200, 280), l3="307200K"))  # a rise the cache cannot explain
    assert "changes by +40%, more than that spread. Even the largest" in risen and "no longer fit" not in risen
    assert "reports no L3 size" in q5_sheet(q5_facts(220, (200, 202), l3=None))
    assert "Even the smallest training tensors here (6 MiB) exceed the 4 MiB L3" in q5_sheet(q5_facts(220, (200, 202),
                                                                                                       l3="4096K"))


# --- Q7: trends with a non-monotone seed ----------------------------------------------------

def q7_runs(per_seed: list[list[float]]) -> list[dict]:
    """Runs over the sizes 500, 1000, ... from per-seed accuracies [seed][size]."""
    runs = []
    for k, size in enumerate(range(500, 500 * (len(per_seed[0]) + 1), 500)):
        values = [seed[k] for seed in per_seed]
        runs.append({"size": size, "test_acc_per_seed": values, "test_acc_mean": sum(values) / len(values),
                     "test_acc_sd": 0.01})
    return runs


def test_q7_counts_a_non_monotone_seed():
    runs = q7_runs([[0.80, 0.85, 0.90], [0.80, 0.86, 0.84], [0.81, 0.84, 0.88]])
    verdict = q06.judge_q7(runs, test_size=1000)
    assert verdict["trends"]["test_acc"]["monotone_seeds"] == 2
    assert verdict["clear_gain"] is True
    text = q7_words(runs, verdict)
    assert "it increases at every step in 2 of 3 seeds," in text and "More training data clearly helps" in text


def test_q7_a_gain_within_the_noise_says_so():
    runs = q7_runs([[0.80, 0.8001, 0.8002], [0.80, 0.80, 0.80]])
    verdict = q06.judge_q7(runs, test_size=1000)
    assert verdict["clear_gain"] is False
    text = q7_words(runs, verdict)
    assert "stays about the same" in text and "within the noise" in text


def q7_words(runs: list[dict], verdict: dict) -> str:
    return q06.answer_q7({"runs": runs, "test_examples": 1000, "test_examples_all": None, "verdict": verdict,
                          "seeds": list(range(len(runs[0]["test_acc_per_seed"])))})


def test_q7_a_seed_tied_at_one_step_makes_the_count_borderline():
    runs = q7_runs([[0.80, 0.85, 0.89, 0.891], [0.81, 0.86, 0.89, 0.89], [0.80, 0.84, 0.88, 0.90]])
    verdict = q06.judge_q7(runs, test_size=1000)
    text = q7_words(runs, verdict)
    assert verdict["trends"]["test_acc"]["monotone_seeds"] == 2
    assert ("increases at every step in 2 of 3 seeds (borderline: seed 0 moves by at most one test image from 1,500 "
            "to 2,000 examples; seed 1 does not move from 1,500 to 2,000 examples)") in text


def test_q7_says_diminishing_returns_and_a_last_step_within_noise_not_that_the_curve_still_rises():
    # steps +5.0, +3.7, +0.7 points; the last one +0.7 ± 1.5 over three seeds is within two standard errors (1.7)
    runs = q7_runs([[0.80, 0.85, 0.89, 0.91], [0.81, 0.86, 0.89, 0.88], [0.80, 0.85, 0.89, 0.90]])
    text = q7_words(runs, q06.judge_q7(runs, test_size=1000))
    assert ("the mean changes by +5.0, +3.7, +0.7 points (differences of the unrounded means), each step smaller than "
            "the one before") in text
    assert "each step adds less than the one before (diminishing returns)" in text
    assert "cannot tell whether the curve is still rising at 2,000 examples" in text and "has not levelled" not in text
    steady = q7_runs([[0.80, 0.85, 0.89, 0.93], [0.81, 0.86, 0.90, 0.94], [0.80, 0.85, 0.89, 0.93]])
    assert "the curve is still rising at 2,000 examples." in q7_words(steady, q06.judge_q7(steady, test_size=1000))


def test_q7_gain_is_rounded_once_from_the_unrounded_means():
    runs = q7_runs([[0.8504, 0.8646], [0.8504, 0.8646]])  # shown 85.0% and 86.5%; the gain 1.42 shows +1.4
    text = q7_words(runs, q06.judge_q7(runs, test_size=1000))
    assert "from 85.0 ± 0.0% with 500 examples to 86.5 ± 0.0% with 1,000" in text and "set is +1.4 ± 0.0 points" in text


def test_q7_on_one_seed_claims_no_spread_and_no_rise_it_did_not_see():
    """A trial run of one seed and two sizes whose accuracy falls (10.24% to 10.16%, shown alike):
    no '± 0.0' spread, no 'the one seed run' for a rise that did not happen, no 'each step smaller'
    with a single step, and two ends that print alike are about the same, not 'falls'."""
    runs = q7_runs([[0.1024, 0.1016]])
    text = q7_words(runs, q06.judge_q7(runs, test_size=1000))
    assert "stays about the same from 10.2% with 500 examples to 10.2% with 1,000 (one seed)" in text
    assert "increases at every step in no seed (one seed run)" in text
    assert "± 0.0" not in text and "over seeds" not in text and "each step smaller" not in text
    assert "one seed shows nothing of the training run's own variation" in text
    clear = q7_runs([[0.50, 0.80]])  # one seed, a gain far beyond the test sample's noise
    text = q7_words(clear, q06.judge_q7(clear, test_size=1000))
    assert "well beyond the test sample's noise (one seed: the training run's own variation is not measured)" in text
    assert "both noises" not in text and "there is one step, too few to show a shape" in text
    assert "too close together" not in q7_words(runs, q06.judge_q7(runs, test_size=1000))  # no unmeasured cause


def test_two_numbers_that_print_alike_compare_as_the_same_even_across_zero():
    assert compare(-0.04, 0.0, "{:.1f}", "more", "less", "same") == "same"  # '-0.0' is '0.0'
    assert compare(-0.06, 0.0, "{:.1f}", "more", "less", "same") == "less"


# --- Q12/Q15: overfitting, its onset, or still improving ------------------------------------

def history(val_losses: list[float], val_acc: list[float] | None = None, train_acc: list[float] | None = None,
            train_loss: list[float] | None = None) -> list[dict]:
    """One seed's history; by default a flat validation accuracy and steadily improving training numbers."""
    n = len(val_losses)
    val_acc = val_acc or [0.3] * n
    train_acc = train_acc or [0.3 + 0.01 * e for e in range(1, n + 1)]
    train_loss = train_loss or [2.0 - 0.1 * e for e in range(1, n + 1)]
    return [{"epoch": e, "train_loss": t, "val_loss": v, "val_acc": a, "train_acc": ta}
            for e, (v, a, ta, t) in enumerate(zip(val_losses, val_acc, train_acc, train_loss), 1)]


DOGSET = {"source": "DogSet", "path": "data/DogSet", "counts": {"train": 7665, "valid": 2000, "test": 555},
          "rebuilt": False}


def dog_run(seed: int, test_acc: float, best_acc: float, *args, **kwargs) -> dict:
    """One seed's entry of results/q11.json from `history(*args, **kwargs)`."""
    steps = history(*args, **kwargs)
    best = min(steps, key=lambda h: h["val_loss"])["epoch"]
    return {"seed": seed, "history": steps, "epochs_trained": len(steps), "best_val_loss_epoch": best,
            "stopped_early": True, "test_acc": test_acc, "test_acc_best_weights": best_acc}


def q12_words(runs: list[dict]) -> str:
    return dogs.reading({"per_seed": runs, "dogset": DOGSET})


@pytest.mark.parametrize("val_losses, state", [
    ([2.0, 1.8, 1.7, 1.9, 2.1], "overfits"),  # ends 24% above its minimum
    ([2.0, 1.8, 1.7, 1.705, 1.71], "onset"),  # flat within 1% of the minimum
    ([2.0, 1.8, 1.7, 1.6, 1.5], "improving"),  # lowest in the last epoch
])
def test_each_validation_curve_gets_its_overfitting_state(val_losses, state):
    assert dogs.analyse_history(history(val_losses))["state"] == state


def test_curve_verdicts_across_seeds_and_their_words():
    runs = [{"seed": s, "history": history(v), "epochs_trained": 5, "best_val_loss_epoch": 3, "stopped_early": s != 2,
             "test_acc": 0.30 + 0.01 * s, "test_acc_best_weights": 0.305 + 0.01 * s}
            for s, v in enumerate([[2.0, 1.8, 1.7, 1.9, 2.1], [2.0, 1.8, 1.7, 1.705, 1.71], [2.0, 1.8, 1.7, 1.6, 1.5]])]
    curves = dogs.judge_curves(runs)
    assert (curves["overfits_in"], curves["onset_in"], curves["improving_in"], curves["stopped_by_rule"]) == (1, 1, 1, 2)
    assert curves["best_weights_better_in"] == 3 and curves["best_weights_within_spread"] is True
    text = q12_words(runs)
    assert "Verdict: overfitting (the last validation loss more than 1% above its minimum" in text
    assert "generalising worse) in 1 of 3 seeds; the onset of overfitting (" in text
    assert "went on down) in 1 of 3 seeds; still improving on held-out data (" in text
    assert "not overfitting yet) in 1 of 3 seeds." in text and "2 of 3 seeds stopped by the plateau rule" in text
    assert "training loss kept falling" in text and "stayed within 1 point of its peak from then on in all 3 seeds" in text


def test_validation_accuracy_that_falls_back_is_not_called_a_plateau():
    """Coming within 1 point of the peak once is not staying there: the words say how far it fell back."""
    fell = [dog_run(0, 0.30, 0.30, [2.0, 1.9, 1.8, 1.7, 1.75, 1.8], val_acc=[0.20, 0.25, 0.295, 0.30, 0.27, 0.26])]
    text = q12_words(fell)
    assert "first came within 1 point of its peak at epoch 3" in text
    assert "It did not stay there: afterwards it fell more than 1 point below its peak again in the one seed run" in text
    assert "in the one seed run, as far as 4.00 points below it." in text
    assert " on;" not in text and "from then on in" not in text
    held = [dog_run(0, 0.30, 0.30, [2.0, 1.9, 1.8, 1.7], val_acc=[0.20, 0.295, 0.30, 0.291])]
    assert "stayed within 1 point of its peak from then on in the one seed run." in q12_words(held)


def test_a_fall_back_at_one_validation_image_from_the_cut_is_borderline():
    # 1.05 points below the peak: one validation image (0.05 points of 2,000) from the 1-point cut
    runs = [dog_run(0, 0.30, 0.30, [2.0, 1.9, 1.8, 1.7], val_acc=[0.25, 0.30, 0.295, 0.2895])]
    assert ("in the one seed run (borderline: seed 0's largest fall below its peak, 1.05 points, is within one "
            "validation image of the cut)" in q12_words(runs))


@pytest.mark.parametrize("train_acc, words", [
    ([0.30, 0.32, 0.34, 0.36], "kept rising, from 30.0% to 36.0%."),
    ([0.30, 0.30, 0.30, 0.30], "stayed the same (from 30.0% to 30.0%)."),  # flat: never "kept rising"
    ([0.30, 0.32, 0.31, 0.36], "rose overall, from 30.0% to 36.0%, but not at every epoch (falls of up to 1.00 points)."),
    ([0.30, 0.32, 0.31, 0.29], "went from 30.0% to 29.0%, with falls of up to 2.00 points from one epoch to the next."),
])
def test_training_accuracy_kept_rising_only_when_it_did(train_acc, words):
    runs = [dog_run(0, 0.30, 0.30, [2.0, 1.9, 1.8, 1.7], train_acc=train_acc)]
    assert f"From that first epoch within 1 point, the training accuracy during the epoch {words}" in q12_words(runs)


def test_training_loss_kept_falling_only_when_it_did():
    runs = [dog_run(0, 0.30, 0.30, [2.0, 1.8, 1.7, 1.72, 1.75], train_loss=[2.0, 1.8, 1.6, 1.65, 1.5])]
    assert ("from that minimum on the training loss fell overall, from 1.600 to 1.500, but not at every epoch (rises of "
            "up to 0.05)") in q12_words(runs)


def test_a_seed_at_the_overfitting_cut_makes_the_verdict_borderline():
    runs = [dog_run(0, 0.30, 0.30, [2.0, 1.8, 1.7, 1.7166]), dog_run(1, 0.30, 0.30, [2.0, 1.8, 1.7, 1.9])]
    text = q12_words(runs)
    assert "in 1 of 2 seeds (borderline: seed 0 ends 0.98% above its minimum, against the 1% cut)" in text
    alone = q12_words(runs[:1])
    assert "went on down) in the one seed run (borderline: seed 0 ends 0.98% above its minimum" in alone


@pytest.mark.parametrize("last, best, verdict", [
    ((0.30, 0.32), (0.305, 0.325), "That is within the spread of the homework's number across seeds (1.4 points)"),
    ((0.300, 0.302), (0.320, 0.322), "more than the spread across seeds (0.1 points) but within one model's test-sample "
                                     "interval (±3.8 points on 555 images)"),
    ((0.300, 0.302), (0.350, 0.352), "the last epoch's weights, which the homework's rule keeps, cost accuracy here."),
    ((0.350, 0.352), (0.300, 0.302), "the last epoch's weights, which the homework's rule keeps, are the better ones here."),
])
def test_the_restore_best_comparison_against_both_noises(last, best, verdict):
    runs = [dog_run(s, a, b, [2.0, 1.8, 1.7, 1.75]) for s, (a, b) in enumerate(zip(last, best))]
    text = q12_words(runs)
    assert verdict in text and "paired by seed on the same test images" in text


def test_the_restore_best_difference_is_rounded_once_and_ties_are_borderline():
    runs = [dog_run(0, 0.2966, 0.3104, [2.0, 1.8, 1.7]), dog_run(1, 0.2966, 0.3104 - 0.0138 + 1 / 555, [2.0, 1.8, 1.7])]
    text = q12_words(runs)
    best, last = pct_spread([0.3104, 0.2966 + 1 / 555]), pct_spread([0.2966, 0.2966])
    assert f"reach {best} test accuracy against {last}" in text
    assert f"a difference of {rounded_difference(100 * (0.3104 + 0.2966 + 1 / 555) / 2, 29.66)} ±" in text
    assert "better in all 2 seeds (borderline: seed 1 is within one test image of a tie)" in text


def q15_facts(cnn: list[float], mlp: list[float]) -> dict:
    return {"per_seed": [{"seed": s, "test_acc": a} for s, a in enumerate(cnn)], "dogset": DOGSET,
            "weights": {"parameters": 68138},
            "mlp": {"test_acc": {str(s): a for s, a in enumerate(mlp)}, "parameters": 1581898}}


def test_cnn_against_mlp_differences_are_rounded_once_from_the_unrounded_accuracies():
    text = q15.compare_with_mlp(q15_facts([0.3104, 0.30], [0.2966, 0.30 - 1 / 555]))
    assert "seed 0 +1.4, seed 1 +0.2 points" in text  # 1.38, never 31.0 − 29.7
    assert "the CNN reaches 30.5 ± 0.7% against the MLP's 29.7 ± 0.1%: a difference of +0.8 ±" in text
    assert "paired by seed" in text and "on the same 555 test images" in text
    assert "The CNN wins in all 2 seeds (borderline: seed 1 is within one test image of a tie)" in text


@pytest.mark.parametrize("rebuilt", [True, False])
def test_the_data_note_describes_the_stand_in_only_when_the_facts_say_so(rebuilt):
    note = dogs.data_note({**DOGSET, "rebuilt": rebuilt})
    assert ("stand-in" in note) is rebuilt and "train 7,665 / valid 2,000 / test 555" in note
    for stand_in in ("collie", "golden", "sorted", "1,300", "imbalance", "unbalanced"):
        assert stand_in not in note


def test_a_dogset_test_accuracy_states_both_noises():
    runs = [{**dog_run(s, a, a, [2.0, 1.8, 1.7]), "train_seconds": 10.0} for s, a in enumerate([0.27, 0.28, 0.29])]
    text = dogs.training_summary({"per_seed": runs, "settings": {"threads": 1}, "dogset": DOGSET})
    assert "**Test accuracy: 28.0 ± 1.0%** over 3 seeds" in text
    assert "one model's 95% test-sample interval on 555 images ≈ ±3.7 points" in text


def test_a_one_seed_dogset_answer_claims_no_spread_and_nothing_past_a_last_epoch_minimum():
    """A trial run of one seed whose validation loss is lowest in its last epoch and whose CNN
    loses to the MLP: no '± 0.0', no 'spread over seeds' beside the test noise, no 'the rest at
    the epoch cap', nothing 'from that minimum on', and no win claimed."""
    run = {**dog_run(0, 0.13, 0.13, [2.3, 2.29], [0.1, 0.2]), "train_seconds": 1.0, "stopped_early": False}
    summary = dogs.training_summary({"per_seed": [run], "settings": {"threads": 1}, "dogset": DOGSET})
    reading = q12_words([run])
    assert "second noise beside the spread" not in summary
    assert "Training ran 2 epochs (stopped at the epoch cap). The validation loss was lowest at epoch 2 (2.290), the " \
           "last epoch trained." in reading
    assert "from that minimum on" not in reading and "From that first epoch within 1 point" not in reading
    assert "± 0.0" not in reading and "one seed shows no spread over seeds" in reading
    assert "past its minimum (here no seed trained past its minimum)" in reading
    assert "Training ran 1 epoch (" in q12_words([{**dog_run(0, 0.13, 0.13, [2.3], [0.2]), "stopped_early": False}])
    versus = q15.compare_with_mlp(q15_facts([0.033], [0.133]))
    assert "a difference of -10.0 points, paired by seed" in versus and "The CNN wins in no seed (one seed run)" in versus


# --- Q2: the backward pass's cost, as the table shows it ---------------------------------------

def cost_row(network: str, forward_us: float, backward_us: float, ratio: float, macs: tuple[int, int, float]) -> dict:
    return {"network": network, "batch": 10, "repeats": 7, "steps": 50, "forward_us": forward_us,
            "backward_us": backward_us, "ratio": ratio,
            "multiply_adds": {"forward": macs[0], "backward": macs[1], "first_layer_share": macs[2]}}


def test_q2_states_the_measured_times_and_labels_the_ratio():
    rows = [cost_row("MNIST MLP 784→128→64→10", 94.28, 145.78, 1.5338, (1091840, 1180160, 0.919)),
            cost_row("DogSet CNN of Q14", 4873.7, 9033.9, 1.8992, (105512960, 176465920, 0.328))]
    text = q02.backward_cost(rows)
    assert "| 94 | 146 | **1.53×** | 1.08× | 92% |" in text  # 146/94 is 1.55: the column says what 1.53 is
    assert "backward / forward, measured (median of the blocks' ratios)" in text
    assert "can differ a little from the ratio of the two medians shown" in text
    assert "the MLP's backward pass does 1.08× the multiply-adds of its forward pass and takes 1.53× its time" in text
    assert "least for the MLP, whose first layer holds 92% of its multiply-adds" in text
    assert "the MLP's 94 µs forward and 146 µs backward" in text and "few tens" not in text
    assert "of the forward pass's rate" not in text


# --- Q18: one model's clean accuracy with its test-sample interval -------------------------------

def test_q18_states_the_clean_accuracys_test_sample_interval():
    sweep = [{"eps": e, "clean_acc": 0.30, "fgsm_acc": a, "pgd_acc": a, "targeted_pgd_success": 0.1,
              "max_linf_applied": e} for e, a in ((0.0, 0.30), (4 / 255, 0.10))]
    target = {"name": "DogSet CNN", "train_size": None, "reused_from": "q15", "data": "DogSet", "test_images": 555,
              "sweep": sweep}
    text = q18.describe_target(target)
    assert "Clean accuracy 30.0% (one model's 95% test-sample interval on 555 images ≈ ±3.8 points" in text


# --- Q9: equal statistics read as equal ------------------------------------------------------

def test_q9_two_equal_statistics_are_about_the_same():
    q9 = {"breed": "golden_retriever", "seeds": [0, 1], "breed_mean_brightness": 120.2, "breed_mean_contrast": 55.94}
    image = {"filename": "000400.png", "p_true": 0.002, "seeds_ranking_it_in_their_hardest_3": 2, "predicted": "dalmatian",
             "p_predicted": 0.34, "brightness": 120.4, "contrast": 55.91}
    text = q08.describe_image(1, image, q9)
    assert "about as bright as the breed's average" in text and "about the same contrast (std 55.9 vs 55.9)" in text
    image.update(brightness=125.3, contrast=72.5)
    text = q08.describe_image(1, image, q9)
    assert "brighter than the breed's average by 5 grey levels" in text and "more contrast (std 72.5 vs 55.9)" in text


def test_q9_claims_no_cause_it_did_not_measure():
    """The key measures each hard image's brightness and contrast only: it says so, and never
    that the image's colours, lighting or framing match another breed's."""
    q9 = {"breed": "chihuahua", "breed_train_images": 738, "median_train_images_other_breeds": 775.0,
          "validation_predicted_as_breed_mean": 93, "validation_images": 2000}
    for counts in ([738, 775, 780], [100, 775, 780]):  # short of examples or not
        text = " ".join(q08.cause({**q9, "breed_train_images": counts[0]}, counts))
        assert "not measured here" in text and "framing" not in text and "typical pictures" not in text


def test_q9_on_a_tiny_dogset_claims_no_confusion_or_shortage_it_did_not_see():
    """A hard image the seeds still predict as its own breed is not 'taken for' it, and a breed
    tied with the median of the others is not short of examples."""
    q9 = {"breed": "samoyed", "seeds": [0], "breed_mean_brightness": 100.0, "breed_mean_contrast": 50.0}
    image = {"filename": "000004.png", "p_true": 0.4, "seeds_ranking_it_in_their_hardest_3": 1, "predicted": "samoyed",
             "p_predicted": 0.4, "brightness": 100.0, "contrast": 50.0}
    text = q08.describe_image(1, image, q9)
    assert "still predicted samoyed (mean p = 0.40)" in text and "taken for" not in text
    close = q08.describe_image(1, {**image, "brightness": 132.77}, {**q9, "breed_mean_brightness": 132.39})
    assert "about as bright as the breed's average" in close and "by 0 grey levels" not in close  # shown 133 vs 132
    apart = q08.describe_image(1, {**image, "brightness": 100.4}, {**q9, "breed_mean_brightness": 99.6})
    assert "brighter than the breed's average by 1 grey level" in apart  # shown 100 vs 100, a difference of 0.8
    tied = {"breed": "samoyed", "breed_train_images": 8, "median_train_images_other_breeds": 8.0,
            "validation_predicted_as_breed_mean": 4, "validation_images": 8}
    words = " ".join(q08.cause(tied, [8, 8]))
    assert "It is not short of examples: 8 training images against a median of 8" in words and "0% below" not in words


# --- the committed sheet, from facts, without torch ----------------------------------------

def test_the_committed_sheet_rerenders_byte_for_byte_without_torch(tmp_path):
    shutil.copytree(REPO / "results", tmp_path / "results")
    shutil.copytree(REPO / "figures", tmp_path / "figures")
    process = render_without_torch("--out", str(tmp_path))
    assert process.returncode == 0, process.stderr[-2000:]
    assert (tmp_path / "ANSWERS.md").read_text() == (REPO / "ANSWERS.md").read_text()


def test_committed_results_hold_facts_not_paragraphs():
    assert_facts_not_paragraphs(REPO / "results")  # the quick run's: tests/test_scripts.py


# --- the appendix ------------------------------------------------------------------------------

def rung(step: int, acc: float, history: list[tuple[float, float]] | None = None) -> dict:
    return {"step": step, "params": 1, "epochs": len(history or []), "train_seconds": 10.0, "test_acc": acc,
            "test_acc_flip_averaged": acc + 0.02 if step == 5 else None, "recall": {"collie": 0.2, "golden_retriever": 0.3},
            "history": [{"epoch": e, "train_loss": t, "val_loss": v} for e, (t, v) in enumerate(history or [], 1)] or None}


@pytest.mark.parametrize("final, width", [((0.9, 1.0), "narrows"), ((0.5, 1.0), "barely changes")])
def test_the_appendix_ties_rung_5_back_to_q12(final, width):
    from answers import beyond

    ladder = [rung(0, 0.3), rung(1, 0.33), rung(2, 0.6, [(1.0, 1.5), (0.4, 0.9)]), rung(3, 0.62), rung(4, 0.63),
              rung(5, 0.7, [(1.2, 1.4), final])]
    facts = {"ladder": ladder, "homework_reference": None, "seeds": [0], "jobs": 2, "train_counts": {"collie": 195,
             "golden_retriever": 164, "samoyed": 700}, "recipes": {"2": {"epochs": 16, "batch_size": 64, "max_lr": 3e-3,
             "weight_decay": 0.05}, "5": {"epochs": 48, "crop_padding": 4}},
             "dogset": {"source": "DogSet", "path": "x", "counts": {"train": 1, "valid": 1, "test": 1}, "rebuilt": False}}
    text = beyond.render(facts)["Beyond"]
    assert f"On this one seed it {width} the gap between validation and training loss" in text
    assert "does not lower the validation loss: its lowest is 1.000 against 0.900" in text
    assert "Collie (195 training images) and golden_retriever (164 training images)" in text  # a sentence starts capitalised
    assert "rung 5 +10.0 points (against rung 2)" in text and "| 5 | rung 2 + random 4-px crops" in text

RECIPES = {"2": {"epochs": 16}, "5": {"epochs": 40}}  # rung 5 trains longer than rung 2, as on the ladder


def test_a_gap_ratio_near_the_cut_is_borderline_and_flip_averaging_names_only_the_breeds_it_moved():
    from answers import beyond

    plain = rung(2, 0.6, [(1.0, 1.5), (0.40, 1.12)])  # final gap +0.72
    near = beyond.cure([plain, rung(5, 0.7, [(1.2, 1.4), (0.40, 0.91)])], 555, RECIPES)  # +0.51: ratio 0.71
    clear = beyond.cure([plain, rung(5, 0.7, [(1.2, 1.4), (0.40, 0.70)])], 555, RECIPES)  # +0.30: ratio 0.42
    assert "narrows" in near and "borderline: the ratio 0.71 lies within 0.1 of the cut at 0.8" in near
    assert "narrows" in clear and "borderline" not in clear
    moved = beyond.flip_moves({"collie": 0.49, "chihuahua": 0.50}, {"collie": 0.49, "chihuahua": 0.53},
                              ["collie", "chihuahua"])
    assert moved.startswith("Flip averaging alone (rung 3) moved chihuahua's recall to 0.53") and "collie" not in moved
    assert "left their recall as it was" in beyond.flip_moves({"collie": 0.4}, {"collie": 0.4}, ["collie"])

def test_q5_calls_a_full_run_just_outside_the_timed_range_borderline():
    """869 µs against timed runs of 711–867 µs is no evidence of a dearer step: one more run could reach it."""
    from answers.q04 import at_the_edge

    assert at_the_edge(800, 711, 867) is None  # inside: the within-noise words apply
    assert "borderline" in at_the_edge(869, 711, 867) and "dearer" in at_the_edge(869, 711, 867)
    assert "cheaper" in at_the_edge(700, 711, 867)
    assert at_the_edge(950, 711, 867) is None  # well outside: the dearer words apply


def test_cache_sizes_below_one_mib_are_shown_in_kib():
    """The Q5 figure's L2 line once read 'L2 0 MiB' for the 512K this CPU reports."""
    from answers.q04 import binary_size, cache_bytes

    assert binary_size(cache_bytes("512K")) == "512 KiB" and binary_size(cache_bytes("32768K")) == "32 MiB"
    assert binary_size(180 * 2**20) == "180 MiB"


def test_q18_names_the_weights_it_attacks():
    from answers import q18

    facts = json.loads((REPO / "results" / "q18.json").read_text())
    for target in facts["targets"]:
        target["weights"] = "last epoch"
    assert "weights of its last training epoch" in q18.render(facts)["Q18"]
