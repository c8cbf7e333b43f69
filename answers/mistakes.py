"""The "Common mistakes" appendix in words and one figure: for each slip, the answer it changes,
the correct and the mistaken test accuracy over the seeds with their test-sample intervals, what
a student running the slip observes, how it differs from the correct recipe (paired by seed),
and which rows the old answer sheet's DogSet numbers are consistent with. Facts from
mistakes.py (results/mistakes.json)."""
from __future__ import annotations

import math
import statistics
from typing import Sequence

from answers.words import agree, in_words, pct_spread, plural, sample_half_width, rounded_difference, span
from common.stats import mean_sd, wilson_interval
from rules.verdicts import (INVALID, MIN_EFFECT, OLD_SHEET_TEST_IMAGES, consistent_rows, measurable, old_sheet_fits,
                            old_sheet_sides, paired_differences, same_images, t_quantile, test_count, verdict,
                            widened_range)

SLIPS = {
    "view_not_permute": "images reshaped with `x.view(-1, 3, 64, 64)` instead of permuted",
    "no_normalisation": "raw 0–255 pixels, not normalised",
    "relu_output": "a ReLU after the output layer",
    "softmax_output": "a softmax layer before `CrossEntropyLoss`",
    "no_zero_grad": "`optimizer.zero_grad()` forgotten",
    "no_shuffle": "`shuffle=False`",
    "stopper_never_fires": "the stopping rule created inside the epoch loop",
    "stop_on_test": "early stopping on the test set instead of the validation set",
    "eval_forgotten": "`model.eval()` forgotten before testing",
    "one_network": "one network created once and trained across all four sizes",
}
SHORT = {  # the figure's labels
    "view_not_permute": "view instead of permute", "no_normalisation": "raw 0–255 pixels",
    "relu_output": "ReLU after the output", "softmax_output": "softmax before the loss",
    "no_zero_grad": "zero_grad() forgotten", "no_shuffle": "shuffle=False", "stopper_never_fires": "stopping rule in the loop",
    "stop_on_test": "early stopping on test", "eval_forgotten": "model.eval() forgotten", "one_network": "one network",
}
NETWORKS = {"Dog_Classifier_FC": "MLP", "Dog_Classifier_Conv": "CNN", "Digit_Classifier": "MNIST MLP"}
CHANCE = 0.15  # a mean test accuracy below this is worded as near chance (or the majority-class rate)



# --- numbers as shown -------------------------------------------------------------------------

def shown(value: float) -> float:
    """A fraction as the percentage the sheet shows (1 decimal)."""
    return round(100 * value, 1)


def per_seed(values: Sequence[float]) -> str:
    """'m ± s% (a, b, c)': mean ± sd over seeds, then each seed."""
    return f"{pct_spread(values)} ({', '.join(f'{shown(v):.1f}' for v in values)})"


def mean_interval(values: Sequence[float], total: int) -> tuple[float, float]:
    """95% Wilson interval of one model scoring the seeds' mean accuracy on `total` test images."""
    return wilson_interval(round(statistics.fmean(values) * total), total)


def interval_words(low: float, high: float) -> str:
    """'22.6–29.9%'."""
    return f"{shown(low):.1f}–{shown(high):.1f}%"


def accuracy_cell(values: Sequence[float], total: int) -> str:
    """Mean ± sd over seeds, each seed, and in brackets the test-sample interval."""
    return f"{per_seed(values)} [{interval_words(*mean_interval(values, total))}]"


# --- the paired comparison ----------------------------------------------------------------------

def paired_words(correct: Sequence[float], mistaken: Sequence[float]) -> str:
    """'−4.3 ± 0.9 points': the mean paired difference (from the unrounded accuracies) ± its standard error."""
    differences = paired_differences(correct, mistaken)
    change = rounded_difference(100 * statistics.fmean(mistaken), 100 * statistics.fmean(correct))
    if len(differences) < 2:
        return f"{change} points"
    return f"{change} ± {100 * mean_sd(differences)[1] / math.sqrt(len(differences)):.1f} points"


# --- what the runs show -------------------------------------------------------------------------

def finished(side: dict) -> tuple[list[int], list[bool]]:
    """(epochs, stopped early) of the seeds that did not diverge."""
    kept = [(e, s) for e, s, d in zip(side["epochs"], side["stopped_early"], side["diverged"]) if not d]
    return [e for e, _ in kept], [s for _, s in kept]


def still_falling_at_cap(side: dict, cap: int) -> bool:
    """Every seed ran all `cap` epochs without diverging and had its lowest validation loss in the last."""
    return (not any(side["diverged"]) and bool(side["val_loss"])
            and all(len(v) == cap and v[-1] == min(v) for v in side["val_loss"]))


def rising_from(side: dict) -> list[int] | None:
    """Each seed's epoch of lowest validation loss when every seed ended more than 5% above it, else None."""
    losses = side["val_loss"]
    if not losses or any(not v or any(math.isnan(x) for x in v) or v[-1] <= 1.05 * min(v) for v in losses):
        return None
    return [min(range(len(v)), key=v.__getitem__) + 1 for v in losses]


def replays_without_stopping(row: dict, cap: int) -> bool:
    """The slip's runs are the correct recipe's, epoch for epoch, up to where its rule fired, and
    then run on to the cap without ever stopping: training without early stopping."""
    correct, side = row["correct"], row["mistaken"]
    return (all(correct["stopped_early"]) and not any(side["stopped_early"] + side["diverged"])
            and all(e == cap for e in side["epochs"])
            and all(m[:len(c)] == c for c, m in zip(correct["val_loss"], side["val_loss"], strict=True)))


def single_breed_rate(values: Sequence[float], counts: Sequence[int]) -> bool:
    """Every seed scored, within one image, the largest breed's share of the test set: what a
    network predicting that breed for every image scores."""
    total = sum(counts)
    return all(abs(v * total - max(counts)) <= 1 for v in values)


def accuracy_level(values: Sequence[float], facts: dict) -> str | None:
    """The accuracy a student sees, worded when it is near 1 in 10: the majority-class rate when
    the facts' per-breed test counts show it, near chance otherwise."""
    if statistics.fmean(values) >= CHANCE:
        return None
    counts = facts.get("test_class_counts")
    if counts is None:
        return "accuracy near 10%, what guessing or predicting one breed for every image scores"
    if single_breed_rate(values, counts):
        return (f"accuracy at the majority-class rate ({shown(max(counts) / sum(counts)):.1f}%), what a network "
                "predicting one breed for every image scores")
    return f"accuracy near chance ({shown(1 / len(counts)):.0f}% for guessing)"


def epochs_observed(side: dict, cap: int) -> str | None:
    """How long the seeds that did not diverge trained, and whether the rule stopped them."""
    epochs, stopped = finished(side)
    if not epochs:
        return None
    if not any(stopped) and all(e == cap for e in epochs):
        return f"runs all {cap} epochs: the stopping rule never fires"
    if all(stopped):
        return f"stops after {span(epochs)} epochs"
    return f"{span(epochs)} epochs (the rule fired in {sum(stopped)} of {len(epochs)})"


def observed(row: dict, facts: dict) -> str:
    """What a student running the slip sees, with no correct run to compare with: how long it
    trains, how its losses behave and the accuracy it reaches."""
    if not row["trained"]:
        return "nothing unusual: the correct training, tested in training mode"
    side, cap = row["mistaken"], facts["settings"]["epochs"]
    seen = []
    nan_at = [e + 1 for e, d in zip(side["epochs"], side["diverged"]) if d]
    if nan_at:
        seen.append(f"the loss turns nan at epoch {span(nan_at)} ({plural(len(nan_at), 'seed')})")
    seen.append(epochs_observed(side, cap))
    if still_falling_at_cap(side, cap):
        n = len(side["val_loss"])
        seen.append(f"the validation loss still falls at epoch {cap} in {agree(n, n)}")
    rises = rising_from(side)
    if rises:
        seen.append(f"the validation loss rises from epoch {span(rises)}")
    seen.append(accuracy_level(side["test_acc"], facts))
    return "; ".join(s for s in seen if s)


def difference(row: dict, facts: dict) -> str:
    """How the slip's runs differ from the correct recipe's on the same seeds, and its verdict."""
    correct, side, cap = row["correct"], row["mistaken"], facts["settings"]["epochs"]
    judged = verdict(row)
    if judged == "identical":
        return "none: the same accuracy in every seed"
    change = paired_words(correct["test_acc"], side["test_acc"])
    words = []
    if row["trained"] and replays_without_stopping(row, cap):
        words.append(f"exactly training without early stopping: the correct runs epoch for epoch until their rule "
                     f"fires (epoch {span(correct['epochs'])}), then on to {cap}")
    elif row["trained"] and still_falling_at_cap(side, cap) and all(correct["stopped_early"]):
        words.append(f"slower learning: still improving at the {cap}-epoch cap, where the correct runs stop after "
                     f"{span(correct['epochs'])} epochs, so the gap depends on that cap")
    if judged == "invalid":
        words.append(f"{change}, but invalid whatever the number: {INVALID[row['id']]}")
    else:
        words.append(f"{change}" + (" (measurable)" if judged == "measurable" else ": not measurable"))
    return "; ".join(words)


def slip_name(row_id: str, facts: dict) -> str:
    """The slip's name; `shuffle=False` says how the csv orders the training images when the facts record it."""
    name = SLIPS[row_id]
    in_order = facts.get("train_rows_in_breed_order")
    if row_id == "no_shuffle" and in_order is not None:
        name += (" (the csv lists the training images breed by breed)" if in_order
                 else " (the csv's rows are in no breed order)")
    return name


def verdict_paragraph(rows: list[dict], facts: dict) -> str:
    """The rows grouped by verdict, so that an invalid slip is never read as harmless."""
    groups = {"measurable": "A measurable effect", "not measurable": f"No measurable effect with "
              f"{plural(len(facts['seeds']), 'seed')} (an effect smaller than the rule detects may remain)",
              "identical": "The same accuracy in every seed",
              "invalid": "Invalid whatever the accuracy"}
    parts = []
    for key, title in groups.items():
        named = [f"{slip_name(r['id'], facts)} ({NETWORKS[r['network']]})" for r in rows if verdict(r) == key]
        if named:
            parts.append(f"{title}: {'; '.join(named)}.")
    return "**Verdicts.** " + " ".join(parts)


def why_quiet(facts: dict) -> list[str]:
    """The reasons behind rows with no effect, each said only when the measurement shows it."""
    by = {(r["id"], r["network"]): r for r in facts["rows"]}
    notes = []
    mlp, cnn = by.get(("view_not_permute", "Dog_Classifier_FC")), by.get(("view_not_permute", "Dog_Classifier_Conv"))
    if mlp and cnn and not measurable(mlp["correct"]["test_acc"], mlp["mistaken"]["test_acc"]) \
            and measurable(cnn["correct"]["test_acc"], cnn["mistaken"]["test_acc"]):
        notes.append("`view` instead of `permute` hurts the CNN and not the MLP: a fully connected layer sees a fixed "
                     "reordering of its inputs as just another order of the same numbers, while the CNN's kernels "
                     # tested: tests/test_mistakes.py::test_view_scrambles_the_images_while_permute_does_not
                     "look at neighbouring pixels of one channel, which the reshape tears apart.")
    evaluation = by.get(("eval_forgotten", "Dog_Classifier_FC"))
    if evaluation and evaluation["identical"]:
        notes.append("`model.eval()` only changes layers that behave differently in training, such as dropout and "
                     # tested: tests/test_mistakes.py::test_forgetting_eval_cannot_change_these_networks
                     "batch norm; these networks have none, so forgetting it changes no prediction.")
    return notes


# --- Q6 ----------------------------------------------------------------------------------------

def q6_table(row: dict) -> list[str]:
    lines = ["| training examples | q06's recipe | one network for every size |", "|---:|---:|---:|"]
    for i, size in enumerate(row["sizes"]):
        correct = [seed[i] for seed in row["correct"]["test_acc_per_size"]]
        mistaken = [seed[i] for seed in row["mistaken"]["test_acc_per_size"]]
        lines.append(f"| {size:,} | {per_seed(correct)} | {per_seed(mistaken)} |")
    return lines


def q6_words(row: dict, epochs: int) -> str:
    correct_first = [seed[0] for seed in row["correct"]["test_acc_per_size"]]
    first = [seed[0] for seed in row["mistaken"]["test_acc_per_size"]]
    last_correct = [seed[-1] for seed in row["correct"]["test_acc_per_size"]]
    last_mistaken = [seed[-1] for seed in row["mistaken"]["test_acc_per_size"]]
    sizes = row["sizes"]
    start = ("is the correct one, seed for seed" if first == correct_first else
             f"already differs ({pct_spread(first)} against {pct_spread(correct_first)})")
    effect = ("no measurable effect at the largest size" if not measurable(last_correct, last_mistaken) else
              f"at {sizes[-1]:,} examples it reads {pct_spread(last_mistaken)} against {pct_spread(last_correct)}")
    return (f"With one network carried across the sizes, the point at {sizes[0]:,} {start}, but every later point has "
            f"also trained on the smaller sets before it, {len(sizes) * epochs} epochs in all by the last: {effect}. "
            "The curve then no longer answers Q6's question, what a network learns from n examples, even where the "
            "numbers barely move.")


# --- the old answer sheet -----------------------------------------------------------------------

def side_name(name: str, facts: dict) -> str:
    return "the homework's recipe" if name == "homework" else slip_name(name, facts)


def same_test_images(facts: dict) -> bool:
    """The key ran on the course's own DogSet, whose 555 test images the old sheet scored."""
    return same_images(facts["dogset"])


def old_number_words(facts: dict, network: str) -> str:
    """One old number against the key's recipe and every row of its network, by the stated rule."""
    old, total = facts["old_sheet"][network], test_count(facts)
    old_correct = round(old["test_acc"] * OLD_SHEET_TEST_IMAGES)
    homework = old_sheet_sides(facts, network)[0][1]
    low, high = widened_range(homework["test_acc"], total)
    place = "below" if old["test_acc"] < low else "above" if old["test_acc"] > high else "within"
    matches = consistent_rows(facts, network)
    named = in_words([side_name(m, facts) for m in matches])
    seeds = span([shown(v) for v in homework["test_acc"]], "{:.1f}")
    text = (f"Its {NETWORKS[network]} at {100 * old['test_acc']:.2f}% ({old_correct} of {OLD_SHEET_TEST_IMAGES} test "
            f"images; 95% interval {interval_words(*wilson_interval(old_correct, OLD_SHEET_TEST_IMAGES))}) after "
            f"{old['epochs']} epochs lies {place} the widened range of the key's recipe, which reaches {seeds}% over "
            f"{plural(len(homework['test_acc']), 'seed')} (widened: {interval_words(low, high)}) in "
            f"{span(homework['epochs'])} epochs. "
            # tested: tests/test_mistakes.py::test_the_old_sheet_is_matched_by_the_stated_rule
            + (f"Taking its {old['epochs']} epochs, the cap, as its run's count (it may quote the cap), by the rule it "
               f"is consistent with " if old["epochs"] == facts["settings"]["epochs"] else
               "By the rule it is consistent with ")
            + (named + (", which this number cannot tell apart" if len(matches) > 1 else "") if matches
               else "none of the rows"))
    by_accuracy_only = [side_name(name, facts) for name, accuracy, epochs in old_sheet_fits(facts, network)
                        if accuracy and not epochs]
    if by_accuracy_only:
        text += f"; its accuracy alone would also fit {in_words(by_accuracy_only, '; ')}, whose epochs do not"
    return text + "."


def old_sheet_paragraph(facts: dict) -> str:
    """The old sheet's DogSet numbers compared with the key and each slip, the rule and what it can tell."""
    total = test_count(facts)
    half = max(sample_half_width(old["test_acc"], total) for old in facts["old_sheet"].values())
    spread = max(100 * mean_sd(r[side]["test_acc"])[1] for r in facts["rows"] if "test_acc" in r["mistaken"]
                 for side in ("correct", "mistaken"))
    size = "larger than" if half > 1.5 * spread else "about as large as" if half > spread / 1.5 else "smaller than"
    data = (f"The old sheet and this key scored the same {total} test images." if same_test_images(facts) else
            f"The old sheet ran on the course's own DogSet ({OLD_SHEET_TEST_IMAGES} test images), not on this one "
            f"({total:,}), so the comparison is indirect.")
    return ("**The old answer sheet.** Rule: a row is consistent with an old number when the old accuracy lies within "
            "the row's per-seed range widened by the test-sample interval (from the lowest seed's 95% Wilson lower bound "
            "to the highest seed's upper bound) and its runs trained the same number of epochs (at the cap: every seed "
            "ran the cap; fewer: every seed stopped early and the old count lies within the seeds' range). "
            + data + " " + " ".join(old_number_words(facts, network) for network in facts["old_sheet"]
                                    if old_sheet_sides(facts, network)) + " "
            f"What this can tell: on {total:,} test images one model's accuracy carries a 95% interval of about "
            f"±{half:.1f} points, {size} the largest seed spread here ({spread:.1f} points), "
            f"and the range over {plural(len(facts['seeds']), 'seed')} is only a rough guide (another seed may well fall "
            "outside it). "
            "So an old number rules out a row whose widened range misses it or whose epochs differ; it cannot pick "
            "between rows that both fit, and a fit says only that the slip produces such a number, not that the old "
            "sheet made it.")


# --- the appendix -------------------------------------------------------------------------------

def render(facts: dict) -> dict[str, str]:
    total = test_count(facts)
    rows = [r for r in facts["rows"] if r["id"] != "one_network"]
    q6 = next(r for r in facts["rows"] if r["id"] == "one_network")
    table = ["| slip | answer | correct test accuracy | with the slip | what the student observes | "
             "difference from the correct recipe |", "|---|---|---:|---:|---|---|"]
    for r in rows:
        table.append(f"| {slip_name(r['id'], facts)} ({NETWORKS[r['network']]}) | {r['answer']} | "
                     f"{accuracy_cell(r['correct']['test_acc'], total)} | {accuracy_cell(r['mistaken']['test_acc'], total)} "
                     f"| {observed(r, facts)} | {difference(r, facts)} |")
    n = len(facts["seeds"])
    t = f", t = {t_quantile(n - 1):.2f} for {n} seeds" if n > 1 else ""
    return {"Mistakes": "\n".join([
        # tested: tests/test_mistakes.py::test_without_a_slip_the_recipe_is_the_homeworks
        f"Each row changes one line of the homework's recipe the way students do, trains through the same loop on the "
        f"same {plural(n, 'seed')}, and compares with the correct recipe. Test accuracy is given as mean ± sd over the "
        f"seeds, then each seed, and in brackets the 95% Wilson interval of one model at that mean (rounded to whole images) on the {total:,} test "
        f"images (the test-sample noise the seeds do not show). What the student observes needs no correct run to "
        f"compare with; the difference from the correct recipe does. Differences are paired by seed (the slip's run "
        f"minus the correct run with the same seed, hence the same initial weights and batch order), shown as mean ± "
        # tested: tests/test_mistakes.py::test_differences_are_rounded_once_from_the_unrounded_accuracies
        f"standard error, and computed from the unrounded accuracies (so one can differ by 0.1 from the difference of "
        f"the means shown). An effect counts as measurable when it is at least "
        f"{100 * MIN_EFFECT:.0f} point and its 95% t interval (mean ± t × standard error{t}) excludes 0; a slip that "
        f"lets the test set steer training is invalid whatever the number.", "",
        *table, "",
        verdict_paragraph(rows, facts), "",
        *[note + "\n" for note in why_quiet(facts)],
        "**Q6, one network for every size** (balanced 1,000-image test set, mean ± sd, then each seed):", "",
        *q6_table(q6), "", q6_words(q6, facts["mnist_settings"]["epochs"]), "",
        old_sheet_paragraph(facts),
    ])}


COLOURS = {"measurable": "tab:red", "not measurable": "lightgrey", "identical": "lightgrey", "invalid": "tab:orange"}


def draw(facts: dict) -> dict:
    """One figure: for each affected answer, the correct value and each mistake, mean ± sd."""
    from common.plots import plt

    q6 = next(r for r in facts["rows"] if r["id"] == "one_network")
    panels = [a for a in ("Q11", "Q15") if any(r["answer"] == a for r in facts["rows"])]
    counts = [sum(r["answer"] == a for r in facts["rows"]) + 1 for a in panels]
    fig, axes = plt.subplots(1, 1 + len(panels), figsize=(15, 1.5 + 0.45 * max(counts + [8])),
                             gridspec_kw={"width_ratios": [1.2] + [1] * len(panels)})
    ax = axes[0]
    for name, label, style in (("correct", "q06's recipe", "o-"), ("mistaken", "one network for every size", "s--")):
        values = list(zip(*q6[name]["test_acc_per_size"]))
        means = [100 * statistics.fmean(v) for v in values]
        sds = [100 * (statistics.stdev(v) if len(v) > 1 else 0) for v in values]
        ax.errorbar(q6["sizes"], means, yerr=sds, fmt=style, capsize=4, label=label)
    ax.set(title="Q6: MNIST test accuracy", xlabel="training examples", ylabel="test accuracy (%)")
    ax.legend(fontsize=8)
    for ax, answer in zip(axes[1:], panels):
        rows = [r for r in facts["rows"] if r["answer"] == answer]
        labels = ["homework recipe"] + [SHORT[r["id"]] for r in rows]
        sides = [rows[0]["correct"]["test_acc"]] + [r["mistaken"]["test_acc"] for r in rows]
        colours = ["tab:green"] + [COLOURS[verdict(r)] for r in rows]
        means = [100 * statistics.fmean(v) for v in sides]
        sds = [100 * (statistics.stdev(v) if len(v) > 1 else 0) for v in sides]
        ax.barh(range(len(sides)), means, xerr=sds, capsize=3, color=colours, height=0.6)
        for i, values in enumerate(sides):
            ax.plot([100 * v for v in values], [i] * len(values), "k.", markersize=4)
            ax.text(means[i] + sds[i] + 0.5, i, f"{means[i]:.1f}", va="center", fontsize=8)
        ax.axvline(10, color="grey", linestyle=":")
        ax.set_yticks(range(len(sides)), labels, fontsize=9)
        ax.set_ylim(len(sides) - 0.5, -0.5)
        ax.set_xlim(0, max(means) + max(sds) + 6)
        ax.set(title=f"{answer}: DogSet {NETWORKS[rows[0]['network']]} test accuracy", xlabel="test accuracy (%)")
    fig.suptitle(f"Common mistakes: mean ± sd over {plural(len(facts['seeds']), 'seed')} (dots: each seed)")
    fig.text(0.5, 0.01, "bars: green the homework's recipe; red a measurable effect (paired by seed); grey none; "
             "orange invalid whatever the number; dotted line: 10%", ha="center", fontsize=9)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return {"mistakes.png": fig}
