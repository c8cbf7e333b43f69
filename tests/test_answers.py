"""The words of the answer sheet: each verdict on crafted facts, comparisons that never call
equal numbers different, the sheet re-rendered from the committed facts without torch, and
results files that hold facts, not paragraphs."""
import json
import os
import shutil
import subprocess
import sys

import pytest

from answers import dogs, q04, q06, q08
from answers.words import agree, compare, pct_spread, sentence, span
from conftest import REPO


# --- small wording helpers ------------------------------------------------------------------

def test_equal_as_shown_is_about_the_same():
    assert compare(55.91, 55.94, "{:.1f}", "more", "less", "same") == "same"
    assert compare(55.96, 55.94, "{:.1f}", "more", "less", "same") == "more"
    assert compare(55.84, 55.94, "{:.1f}", "more", "less", "same") == "less"


def test_single_seed_and_ties():
    assert pct_spread([0.3]) == "30.0%" and pct_spread([0.3, 0.5]) == "40.0 ± 14.1%"
    assert agree(1, 1) == "the one seed run" and agree(5, 5) == "all 5 seeds" and agree(0, 5) == "0 of 5 seeds"
    assert span([3, 3, 3]) == "3" and span([3.04, 2.96], "{:.1f}") == "3.0"
    assert sentence("collie (195 training images)") == "Collie (195 training images)"


# --- Q5: within or outside the timing noise -----------------------------------------------

def q5_facts(full_us_per_step: float, step_costs_us: tuple[float, float], relative_error: float = -0.05) -> dict:
    runs = [{"size": 500, "train_seconds_per_seed": [1.0, 1.2]}, {"size": 1000, "train_seconds_per_seed": [2.0, 2.2]}]
    # 500 examples, batch 10, 100 epochs: 5,000 steps, so 1.0 s is 200 µs per step; the timed range is 200–240 µs.
    full = {"full_us_per_step": full_us_per_step, "cpu_caches": {"L3": "32768K"}, "relative_error": relative_error,
            "step_costs": [{"n": 2000, "train_tensor_bytes": 2000 * 3144, "us_per_step": step_costs_us[0],
                            "us_per_step_runs": [step_costs_us[0]] * 3},
                           {"n": 60000, "train_tensor_bytes": 60000 * 3144, "us_per_step": step_costs_us[1],
                            "us_per_step_runs": [step_costs_us[1] * 0.99, step_costs_us[1], step_costs_us[1] * 1.01]}]}
    full["verdict"] = q04.judge_extrapolation(runs, full, batch_size=10, epochs=100)
    return full


def test_q5_within_the_noise():
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
    assert "no effect of the data outgrowing the CPU's caches" in inside
    assert "lies above that whole range" in dearer and "no longer fit in the 32768K L3 cache" in dearer
    assert "under-predict, as it did here." in dearer


# --- Q7: trends with a non-monotone seed ----------------------------------------------------

def q7_runs(per_seed: list[list[float]]) -> list[dict]:
    """Runs over three sizes from per-seed accuracies [seed][size]."""
    runs = []
    for k, size in enumerate((500, 1000, 1500)):
        values = [seed[k] for seed in per_seed]
        runs.append({"size": size, "test_acc_per_seed": values, "test_acc_mean": sum(values) / len(values),
                     "test_acc_sd": 0.01})
    return runs


def test_q7_counts_a_non_monotone_seed():
    runs = q7_runs([[0.80, 0.85, 0.90], [0.80, 0.86, 0.84], [0.81, 0.84, 0.88]])
    verdict = q06.judge_q7(runs, test_size=1000)
    assert verdict["trends"]["test_acc"]["monotone_seeds"] == 2
    assert verdict["clear_gain"] is True
    text = q06.answer_q7({"runs": runs, "test_examples": 1000, "test_examples_all": None, "verdict": verdict})
    assert "it increases at every step in 2 of 3 seeds" in text and "More training data clearly helps" in text


def test_q7_a_gain_within_the_noise_says_so():
    runs = q7_runs([[0.80, 0.8001, 0.8002], [0.80, 0.80, 0.80]])
    verdict = q06.judge_q7(runs, test_size=1000)
    assert verdict["clear_gain"] is False
    text = q06.answer_q7({"runs": runs, "test_examples": 1000, "test_examples_all": None, "verdict": verdict})
    assert "stays about the same" in text and "within the noise" in text


# --- Q12/Q15: overfitting, its onset, or still improving ------------------------------------

def history(val_losses: list[float]) -> list[dict]:
    return [{"epoch": e, "train_loss": 2.0 - 0.1 * e, "val_loss": v, "val_acc": 0.3, "train_acc": 0.3 + 0.01 * e}
            for e, v in enumerate(val_losses, 1)]


@pytest.mark.parametrize("val_losses, state", [
    ([2.0, 1.8, 1.7, 1.9, 2.1], "overfits"),  # ends 24% above its minimum
    ([2.0, 1.8, 1.7, 1.705, 1.71], "onset"),  # flat within 1% of the minimum
    ([2.0, 1.8, 1.7, 1.6, 1.5], "improving"),  # lowest in the last epoch
])
def test_curve_states(val_losses, state):
    assert dogs.analyse_history(history(val_losses))["state"] == state


def test_curve_verdicts_across_seeds_and_their_words():
    runs = [{"seed": s, "history": history(v), "epochs_trained": 5, "best_val_loss_epoch": 3, "stopped_early": s != 2,
             "test_acc": 0.30 + 0.01 * s, "test_acc_best_weights": 0.305 + 0.01 * s}
            for s, v in enumerate([[2.0, 1.8, 1.7, 1.9, 2.1], [2.0, 1.8, 1.7, 1.705, 1.71], [2.0, 1.8, 1.7, 1.6, 1.5]])]
    curves = dogs.judge_curves(runs)
    assert (curves["overfits_in"], curves["onset_in"], curves["improving_in"], curves["stopped_by_rule"]) == (1, 1, 1, 2)
    assert curves["best_weights_better_in"] == 3 and curves["best_weights_within_spread"] is True
    text = dogs.reading({"curves": curves, "per_seed": runs})
    assert "Verdict: overfitting in 1 of 3 seeds" in text and "the onset of overfitting in 1 of 3 seeds" in text
    assert "still improving on held-out data in 1 of 3 seeds" in text and "2 of 3 seeds stopped by the plateau rule" in text


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


# --- the committed sheet, from facts, without torch ----------------------------------------

BLOCK_TORCH = ("import sys, runpy; "
               "sys.modules['torch'] = None; "  # `import torch` now raises ImportError
               "sys.argv = ['make_answers.py', *sys.argv[1:]]; runpy.run_path('make_answers.py', run_name='__main__')")


def test_the_committed_sheet_rerenders_byte_for_byte_without_torch(tmp_path):
    shutil.copytree(REPO / "results", tmp_path / "results")
    shutil.copytree(REPO / "figures", tmp_path / "figures")
    process = subprocess.run([sys.executable, "-c", BLOCK_TORCH, "--out", str(tmp_path)], cwd=REPO,
                             capture_output=True, text=True)
    assert process.returncode == 0, process.stderr[-2000:]
    assert (tmp_path / "ANSWERS.md").read_text() == (REPO / "ANSWERS.md").read_text()


def test_figures_redraw_from_the_facts_without_torch(quick_run, tmp_path):
    shutil.copytree(quick_run[0] / "results", tmp_path / "results")
    process = subprocess.run([sys.executable, "-c", BLOCK_TORCH, "--out", str(tmp_path), "--figures"], cwd=REPO,
                             capture_output=True, text=True, env={**os.environ, "DOGSET_DIR": ""})
    assert process.returncode == 0, process.stderr[-2000:]
    drawn = {p.name for p in (tmp_path / "figures").glob("*.png")}
    assert drawn == {"q04_training_time.png", "q04_loss_curves.png", "q06_accuracy.png", "q08_counts.png",
                     "q11_loss.png", "q11_accuracy.png", "q15_loss.png", "q15_accuracy.png", "q18_accuracy_vs_eps.png"}
    assert "q08_samples.png and q09_challenging.png" in process.stdout  # not this run's DogSet: left alone


def strings(value):
    """Every string inside a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


@pytest.mark.parametrize("where", ["committed", "quick"])
def test_results_hold_facts_not_paragraphs(where, quick_run):
    folder = REPO if where == "committed" else quick_run[0]
    for path in sorted((folder / "results").glob("*.json")):
        for text in strings(json.loads(path.read_text())):
            assert len(text) <= 200 and ". " not in text, (path.name, text[:120])


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
    assert f"It {width} the gap between validation and training loss" in text
    assert "does not lower the validation loss: its lowest is 1.000 against 0.900" in text
    assert "Collie (195 training images) and golden_retriever (164 training images)" in text  # a sentence starts capitalised
    assert "rung 5 +10.0 points (against rung 2)" in text and "| 5 | rung 2 + random 4-px crops" in text
