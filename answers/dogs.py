"""What Q11/Q12 and Q15 say about DogSet training runs, shared so that both read their curves
the same way: the data note, the protocol, the headline, the reading of the curves across
seeds with its verdicts, and the loss and accuracy figures."""
from __future__ import annotations

import statistics

from answers.words import (agree, borderline, near_cut, tie_note, pct_spread, plural, sample_half_width, sample_noise,
                           seed_list, seed_spread, rounded_difference, span)
from common.stats import mean_sd


NEAR_PEAK = 0.01  # "within 1 point" of the best validation accuracy
OVERFIT_CUT = 0.01  # overfitting: the last validation loss more than 1% above its minimum
OVERFIT_MARGIN = 0.0025  # a seed within a quarter of a point of that cut makes the count borderline: another
# CPU's rounding, which changes the trajectory, moves the last validation loss by about that much
GAP_SHARE = 0.1  # the gap opens: validation loss above training loss by more than 10% of it


def data_note(dogset: dict) -> str:
    """The data line of a DogSet answer: source, folder and split sizes; a rebuilt stand-in
    (facts say `rebuilt`) says so, the course's own set needs no note."""
    c = dogset["counts"]
    note = f"{dogset['source']} (`{dogset['path']}`), train {c['train']:,} / valid {c['valid']:,} / test {c['test']:,}"
    if dogset["rebuilt"]:
        note += " — a rebuilt stand-in for the course's DogSet (see its SOURCE.md), so numbers differ from the course's"
    return note


def describe_dog(settings: dict) -> str:
    """The homework's DogSet protocol, from its settings."""
    return (f"batch {settings['batch_size']}, SGD lr {settings['lr']:g}, CrossEntropyLoss, at most {settings['epochs']} "
            f"epochs, stop when the validation loss has not decreased by more than {settings['min_delta']:g} for "
            f"{settings['patience']} epochs in a row")


def largest_fall(values: list[float]) -> float:
    """The largest drop from one value to the next (0.0 when they never fall)."""
    return max([a - b for a, b in zip(values, values[1:])] + [0.0])


def analyse_history(history: list[dict]) -> dict:
    """One run's evidence: where validation loss bottoms out and how far above that minimum it
    ends (`val_loss_rise`, relative), how the training loss moves from there (its largest rise
    from one epoch to the next), where the train/validation gap opens (validation loss above
    training loss by more than 10% of the validation loss), the first epoch validation accuracy
    comes within 1 point of its peak and how far below the peak it falls from then on, how the
    training accuracy moves from that epoch (its largest fall from one epoch to the next), and
    the verdict: `overfits` (the last validation loss more than 1% above its minimum),
    `improving` (the minimum is in the last epoch) or `onset` (flattened within 1% of it)."""
    val = [h["val_loss"] for h in history]
    train_loss = [h["train_loss"] for h in history]
    val_acc = [h["val_acc"] for h in history]
    train_acc = [h["train_acc"] for h in history]
    best = min(range(len(val)), key=val.__getitem__)
    gaps = [v - t for v, t in zip(val, train_loss)]
    opens = next((h["epoch"] for h, g in zip(history, gaps) if g > GAP_SHARE * h["val_loss"]), None)
    peak = max(range(len(val_acc)), key=val_acc.__getitem__)
    near = next(i for i, a in enumerate(val_acc) if a >= val_acc[peak] - NEAR_PEAK - 1e-9)
    rise = val[-1] / val[best] - 1
    state = "overfits" if rise > OVERFIT_CUT else "improving" if best == len(val) - 1 else "onset"
    return {
        "epochs": len(history), "best_val_loss_epoch": history[best]["epoch"], "best_val_loss": val[best],
        "final_val_loss": val[-1], "val_loss_rise": rise, "train_loss_at_best_val": train_loss[best],
        "final_train_loss": train_loss[-1], "train_loss_largest_rise": largest_fall([-t for t in train_loss[best:]]),
        "gap_opens_epoch": opens, "gap_final": gaps[-1], "best_val_acc": val_acc[peak],
        "best_val_acc_epoch": history[peak]["epoch"], "val_acc_near_peak_epoch": history[near]["epoch"],
        "val_acc_largest_drop": val_acc[peak] - min(val_acc[near:]), "train_acc_at_near_peak": train_acc[near],
        "final_train_acc": train_acc[-1], "train_acc_largest_dip": largest_fall(train_acc[near:]), "state": state,
    }


def judge_curves(per_seed: list[dict]) -> dict:
    """Q12's (and Q15's) verdicts across seeds: each seed's analysis, how many seeds overfit,
    show the onset or still improve, how many fell more than 1 point below their validation
    accuracy peak after first coming within 1 point of it, how many the plateau rule stopped,
    and whether restoring the best-validation weights would change the test accuracy by more
    than the seed spread."""
    analyses = [analyse_history(run["history"]) for run in per_seed]
    last = [run["test_acc"] for run in per_seed]
    diff = [run["test_acc_best_weights"] - run["test_acc"] for run in per_seed]
    late = max(per_seed, key=lambda run: run["epochs_trained"] - run["best_val_loss_epoch"])
    return {"analyses": analyses, "seeds": len(per_seed),
            "overfits_in": sum(a["state"] == "overfits" for a in analyses),
            "onset_in": sum(a["state"] == "onset" for a in analyses),
            "improving_in": sum(a["state"] == "improving" for a in analyses),
            "val_acc_fell_back_in": sum(a["val_acc_largest_drop"] > NEAR_PEAK + 1e-9 for a in analyses),
            "stopped_by_rule": sum(run["stopped_early"] for run in per_seed),
            "latest_stop": {"seed": late["seed"], "epochs": late["epochs_trained"],
                            "after_best": late["epochs_trained"] - late["best_val_loss_epoch"]},
            "best_weights_gain_mean": mean_sd(diff)[0], "best_weights_gain_sd": mean_sd(diff)[1],
            "best_weights_better_in": sum(d > 0 for d in diff),
            "best_weights_within_spread": abs(mean_sd(diff)[0]) <= mean_sd(last)[1]}


def movement(start: list[float], end: list[float], setbacks: list[float], rising: bool, path: str,
             largest: str) -> str:
    """How a curve moved in every seed, from per-seed `start` and `end` values and each seed's
    largest step the other way (`setbacks`): 'stayed the same (<path>)' when no seed moved at all,
    'kept rising, <path>' only when no seed ever stepped back, else 'rose overall, <path>, but not at every epoch (falls of up to <largest>)' when every
    seed still ended higher, else 'went <path>, with falls of up to <largest> from one epoch to the
    next'. `path` shows the values ('from a to b'), `largest` the largest setback as shown;
    rising=False words a falling curve."""
    steady, verb, against = ("kept rising", "rose", "falls") if rising else ("kept falling", "fell", "rises")
    if max(setbacks) == 0:
        return f"stayed the same ({path})" if list(start) == list(end) else f"{steady}, {path}"
    if all(e > s if rising else e < s for s, e in zip(start, end)):
        return f"{verb} overall, {path}, but not at every epoch ({against} of up to {largest})"
    return f"went {path}, with {against} of up to {largest} from one epoch to the next"


def loss_sentences(curves: dict) -> list[str]:
    """The stop epochs, the validation minimum and the training loss from there, and the gap."""
    analyses, n, by_rule = curves["analyses"], curves["seeds"], curves["stopped_by_rule"]
    start, end = [a["train_loss_at_best_val"] for a in analyses], [a["final_train_loss"] for a in analyses]
    rises = [a["train_loss_largest_rise"] for a in analyses]
    train = movement(start, end, rises, False, f"from {span(start, '{:.3f}')} to {span(end, '{:.3f}')}",
                     f"{max(rises):.2g}")
    if n == 1:
        stops = "stopped by the plateau rule" if by_rule else "stopped at the epoch cap"
    else:
        stops = f"{agree(by_rule, n)} stopped by the plateau rule{'' if by_rule == n else ', the rest at the epoch cap'}"
    lowest = (f"The validation loss was lowest at epoch {span([a['best_val_loss_epoch'] for a in analyses])} "
              f"({span([a['best_val_loss'] for a in analyses], '{:.3f}')})")
    if all(a["best_val_loss_epoch"] == a["epochs"] for a in analyses):  # nothing was trained past the minimum
        after = f"{lowest}, the last epoch trained."
    else:
        after = (f"{lowest} and ended at {span([a['final_val_loss'] for a in analyses], '{:.3f}')}, while from that "
                 f"minimum on the training loss {train}.")
    epochs = span([a["epochs"] for a in analyses])
    text = [f"Training ran {epochs} epoch{'' if epochs == '1' else 's'} ({stops}). {after}"]
    opens = [a["gap_opens_epoch"] for a in analyses if a["gap_opens_epoch"] is not None]
    if opens:
        text.append(f"The gap between validation and training loss opens (more than 10% of the validation loss) at epoch "
                    f"{span(opens)} in {agree(len(opens), n)} and reaches {span([a['gap_final'] for a in analyses], '{:.3f}')} "
                    f"at the end.")
    else:
        text.append(f"Training and validation loss stay close throughout in {agree(n, n)}.")
    return text


def accuracy_sentences(curves: dict, seeds: list[int], valid_images: int) -> list[str]:
    """Where validation accuracy first came within 1 point of its peak, whether it stayed there
    (a seed within one validation image of the 1-point cut makes that count borderline), and how
    the training accuracy moved from that epoch on."""
    analyses, n, fell = curves["analyses"], curves["seeds"], curves["val_acc_fell_back_in"]
    drops = [a["val_acc_largest_drop"] for a in analyses]
    near = [f"seed {seed}'s largest fall below its peak, {100 * drop:.2f} points, is within one validation image of the cut"
            for seed, drop in zip(seeds, drops) if near_cut(drop, NEAR_PEAK, 1 / valid_images)]
    text = [f"Validation accuracy peaked at {span([100 * a['best_val_acc'] for a in analyses], '{:.1f}')}% (epoch "
            f"{span([a['best_val_acc_epoch'] for a in analyses])}) and first came within 1 point of its peak at epoch "
            f"{span([a['val_acc_near_peak_epoch'] for a in analyses])}."]
    if fell:
        fallen = [100 * d for d in drops if d > NEAR_PEAK + 1e-9]
        text.append(f"It did not stay there: afterwards it fell more than 1 point below its peak again in "
                    f"{borderline(fell, n, near)}, as far as {span(fallen, '{:.2f}')} points below "
                    f"it.")
    else:
        text.append(f"It stayed within 1 point of its peak from then on in {borderline(n, n, near)}.")
    start, end = [100 * a["train_acc_at_near_peak"] for a in analyses], [100 * a["final_train_acc"] for a in analyses]
    dips = [100 * a["train_acc_largest_dip"] for a in analyses]
    train = movement(start, end, dips, True, f"from {span(start, '{:.1f}')}% to {span(end, '{:.1f}')}%",
                     f"{max(dips):.2f} points")
    if any(a["val_acc_near_peak_epoch"] < a["epochs"] for a in analyses):  # some epochs follow it
        text.append(f"From that first epoch within 1 point, the training accuracy during the epoch {train}.")
    return text


def verdict_sentence(curves: dict, seeds: list[int]) -> str:
    """The verdict counts; a seed within a tenth of a point of the 1% cut makes the overfitting
    count (or, with no seed overfitting, the onset count) borderline."""
    n = curves["seeds"]
    near = [f"seed {seed} ends {100 * a['val_loss_rise']:.2f}% above its minimum" for seed, a in
            zip(seeds, curves["analyses"]) if near_cut(a["val_loss_rise"], OVERFIT_CUT, OVERFIT_MARGIN)]
    near = [f"{', '.join(near)}, against the 1% cut"] if near else []
    overfits, onset = curves["overfits_in"], curves["onset_in"]
    verdict = [f"overfitting (the last validation loss more than 1% above its minimum: past that minimum the network "
               f"fits the training images better while generalising worse) in {borderline(overfits, n, near)}"
               ] if overfits else []
    if onset:
        verdict.append(f"the onset of overfitting (the validation loss flattened within 1% of its minimum while the "
                       f"training loss went on down) in {borderline(onset, n, [] if overfits else near)}")
    if curves["improving_in"]:
        verdict.append(f"still improving on held-out data (lowest validation loss in the last epoch: not overfitting "
                       f"yet) in {agree(curves['improving_in'], n)}")
    return "Verdict: " + "; ".join(verdict) + "."


def restore_best(facts: dict, curves: dict) -> str:
    """Training past the validation minimum, and what the lowest-validation-loss weights would
    have scored: their difference from the homework's number, paired by seed on the same test
    images (a seed within one test image of a tie makes 'better in' borderline), set against
    both noises of that number: its spread over seeds and one model's test-sample interval."""
    runs, total = facts["per_seed"], facts["dogset"]["counts"]["test"]
    last, best = [run["test_acc"] for run in runs], [run["test_acc_best_weights"] for run in runs]
    change = rounded_difference(100 * mean_sd(best)[0], 100 * mean_sd(last)[0])
    spread, half = 100 * mean_sd(last)[1], sample_half_width(mean_sd(last)[0], total)
    ties = [tie_note(run["seed"], run["test_acc_best_weights"], run["test_acc"]) for run in runs
            if near_cut(run["test_acc_best_weights"] - run["test_acc"], 0.0, 1 / total)]
    late, n = curves["latest_stop"], curves["seeds"]
    if len(runs) == 1:
        judged = (f"That is {'within' if abs(float(change)) <= float(f'{half:.1f}') else 'more than'} one model's "
                  f"test-sample interval (±{half:.1f} points on {total:,} images); one seed shows no spread over seeds.")
    elif abs(float(change)) <= float(f"{spread:.1f}"):
        judged = (f"That is within the spread of the homework's number across seeds ({spread:.1f} points), and within "
                  f"one model's test-sample interval (±{half:.1f} points on {total:,} images): the answer stands either "
                  f"way.")
    elif abs(float(change)) <= float(f"{half:.1f}"):
        judged = (f"That is more than the spread across seeds ({spread:.1f} points) but within one model's test-sample "
                  f"interval (±{half:.1f} points on {total:,} images): small beside the noise the number carries anyway, "
                  f"so the answer stands either way.")
    else:
        judged = (f"That is more than both the spread over seeds ({spread:.1f} points) and one model's test-sample "
                  f"interval (±{half:.1f} points): the last epoch's weights, which the homework's rule keeps, "
                  + ("cost accuracy here." if float(change) > 0 else "are the better ones here."))
    # tested: tests/test_training.py::test_the_stopping_rule_on_crafted_loss_sequences
    past = (f"seed {late['seed']} stopped at epoch {late['epochs']}, {late['after_best']} epochs after its lowest "
            f"validation loss" if late["after_best"] else "here no seed trained past its minimum")
    return (f"The homework's rule compares each epoch with the one before, so a noisy validation loss can keep training "
            f"past its minimum ({past}). The weights of the lowest-validation-loss epoch (what Keras' "
            # tested: tests/test_training.py::test_the_best_weights_are_a_copy_taken_at_the_best_epoch_not_the_last_weights,
            #         tests/test_training.py::test_best_weights_are_those_of_the_lowest_validation_loss
            f"`restore_best_weights` keeps) reach {pct_spread(best)} test accuracy against {pct_spread(last)} for the "
            f"last epoch's, the homework's number: a difference of {change}"
            # tested: tests/test_answers.py::test_the_restore_best_difference_is_rounded_once_and_ties_are_borderline
            f"{seed_spread(100 * curves['best_weights_gain_sd'], n)} points (from the unrounded accuracies), paired by seed on the same "
            f"test images, better in "
            f"{borderline(curves['best_weights_better_in'], n, ties)}. {judged}")


def reading(facts: dict) -> str:
    """The curves read across seeds: stop epochs, validation minimum, the gap, validation and
    training accuracy, the verdict, and what restoring the best-validation weights would have
    given. The reading is judged afresh from the stored per-seed histories by `judge_curves`
    (the function that stored `facts["curves"]`), so the words follow this module's rules."""
    curves = judge_curves(facts["per_seed"])
    seeds = [run["seed"] for run in facts["per_seed"]]
    return " ".join([*loss_sentences(curves), *accuracy_sentences(curves, seeds, facts["dogset"]["counts"]["valid"]),
                     verdict_sentence(curves, seeds), restore_best(facts, curves)])


def training_summary(facts: dict) -> str:
    """The headline of a DogSet training answer: test accuracy over seeds with both its noises
    (the seed spread and one model's test-sample interval), and the epochs it took."""
    runs, threads = facts["per_seed"], facts["settings"]["threads"]
    test, total = [run["test_acc"] for run in runs], facts["dogset"]["counts"]["test"]
    seconds = [run["train_seconds"] / run["epochs_trained"] for run in runs]
    return (f"**Test accuracy: {pct_spread(test)}** over {plural(len(runs), 'seed')} "
            f"(per seed: {', '.join(f'{100 * a:.1f}' for a in test)}%; {sample_noise(mean_sd(test)[0], total)}"
            f"{', a second noise beside the spread over seeds' if len(runs) > 1 else ''}); chance is 10%. Training took "
            f"{span([run['epochs_trained'] for run in runs])} epochs, "
            f"{statistics.median(seconds):.1f} s of training per epoch (median; {plural(threads, 'torch thread')} per "
            # tested: tests/test_scripts.py::test_one_seed_reproduces_its_part_of_the_five_seed_run,
            #         tests/test_training.py::test_few_epochs_lower_the_loss_and_the_seed_repeats_exactly,
            #         tests/test_claims.py::test_the_dogset_split_takes_no_seed
            f"process, seeds trained side by side). A seed fixes the initial weights and the shuffling order; the split "
            f"into train, valid and test is DogSet's own and the same for every seed.")


CURVE_NAMES = {"train_loss": "training loss", "val_loss": "validation loss",
               "train_acc": "training accuracy during the epoch", "val_acc": "validation accuracy"}


def draw_histories(facts: dict, prefix: str, title: str) -> dict:
    """figures/{prefix}_loss.png and _accuracy.png: every seed against epoch, the median seed
    (by test accuracy; the lower middle for an even count) drawn strongest, each stop marked."""
    from common.plots import plt

    runs = facts["per_seed"]
    strong = sorted(runs, key=lambda run: run["test_acc"])[(len(runs) - 1) // 2]
    subtitle = (f"Data: {facts['data']}\n{describe_dog(facts['settings'])}; {seed_list(facts['seeds'])}")
    figures = {}
    for what, keys, ylabel in (("loss", ("train_loss", "val_loss"), "cross-entropy loss"),
                               ("accuracy", ("train_acc", "val_acc"), "accuracy (%)")):
        fig, ax = plt.subplots(figsize=(7, 4.4))
        scale = 100 if what == "accuracy" else 1
        for run in sorted(runs, key=lambda run: run is strong):
            epochs = [h["epoch"] for h in run["history"]]
            bold = run is strong
            for key, color in zip(keys, ("C0", "C1")):
                values = [scale * h[key] for h in run["history"]]
                label = f"{CURVE_NAMES[key]} (seed {run['seed']}, the median)" if bold else None
                ax.plot(epochs, values, color=color, alpha=1.0 if bold else 0.3, linewidth=1.8 if bold else 0.9,
                        label=label)
                ax.plot(epochs[-1], values[-1], "|", color=color, markersize=10, alpha=1.0 if bold else 0.5)
        if what == "accuracy":
            ax.axhline(10, color="grey", linestyle="--", linewidth=0.8, label="chance (10 breeds)")
        ax.plot([], [], "|", color="grey", label="where each seed stopped (faint: other seeds)")
        ax.set(xlabel="epoch", ylabel=ylabel, title=f"{title}: {what}, {plural(len(runs), 'seed')}")
        ax.legend(fontsize=8)
        fig.suptitle(subtitle, fontsize=8, y=0.0, va="top")
        figures[f"{prefix}_{what}.png"] = fig
    return figures
