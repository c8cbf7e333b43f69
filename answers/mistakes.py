"""The "Common mistakes" appendix in words and one figure: for each slip, the answer it changes,
the correct and the mistaken value over the seeds, epochs and stopping, the symptom a student
would see, and which rows the old answer sheet's DogSet numbers are consistent with. Facts
from mistakes.py (results/mistakes.json)."""
from __future__ import annotations

import math
import statistics

from answers.words import pct_spread, plural, span
from harness.stats import mean_sd

SLIPS = {
    "view_not_permute": "images reshaped with `x.view(-1, 3, 64, 64)` instead of permuted",
    "no_normalisation": "raw 0–255 pixels, not normalised",
    "relu_output": "a ReLU after the output layer",
    "softmax_output": "a softmax layer before `CrossEntropyLoss`",
    "no_zero_grad": "`optimizer.zero_grad()` forgotten",
    "no_shuffle": "`shuffle=False` (the csv is ordered by breed)",
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
CHANCE = 0.15  # a mean test accuracy below this is "near chance" for 10 classes
MIN_EFFECT = 0.01  # and a difference under 1 point is never called an effect
OLD_SHEET_MARGIN = 0.01  # the old numbers are matched against a row's per-seed range widened by 1 point


def measurable(correct: list[float], mistaken: list[float]) -> bool:
    """True when the means differ by more than 2 standard errors of their difference and by at
    least MIN_EFFECT: with a few seeds, anything less is not told apart from seed noise."""
    (mc, sc), (mm, sm) = mean_sd(correct), mean_sd(mistaken)
    standard_error = math.sqrt(sc ** 2 / len(correct) + sm ** 2 / len(mistaken))
    return abs(mm - mc) >= MIN_EFFECT and abs(mm - mc) > 2 * standard_error


def symptoms(row: dict, cap: int) -> list[str]:
    """What a student running the slip would see, from its runs' facts, as labels."""
    side = row["mistaken"]
    if not row["trained"]:
        return ["identical"] if row["identical"] else ([] if not measurable(row["correct"]["test_acc"], side["test_acc"])
                                                       else ["effect"])
    found = []
    if any(side["diverged"]):
        found.append("diverges")
    if statistics.fmean(side["test_acc"]) < CHANCE:
        found.append("near_chance")
    finished = [e for e, d in zip(side["epochs"], side["diverged"]) if not d]
    if finished and all(e == cap for e in finished) and not any(side["stopped_early"]) \
            and any(row["correct"]["stopped_early"]):  # a symptom only where the homework's recipe does stop
        found.append("never_stops")
    elif all(side["stopped_early"]) and max(side["epochs"]) <= 10:
        found.append("stops_early")
    rises = [min(range(len(v)), key=v.__getitem__) + 1 for v in side["val_loss"]
             if v and v[-1] > 1.05 * min(v) and not any(math.isnan(x) for x in v)]
    if len(rises) == len(side["val_loss"]) and rises:
        found.append("val_rises")
    if measurable(row["correct"]["test_acc"], side["test_acc"]):
        found.append("effect")
    return found


def symptom_words(row: dict, cap: int) -> str:
    side, found = row["mistaken"], symptoms(row, cap)
    words = []
    if not row["trained"]:
        return ("none: the same accuracy in every seed" if "identical" in found else
                "the test accuracy changes" if "effect" in found else "no measurable effect on the test accuracy")
    if "diverges" in found:
        at = [e + 1 for e, d in zip(side["epochs"], side["diverged"]) if d]
        words.append(f"the loss turns nan at epoch {span(at)} ({plural(len(at), 'seed')})")
    if "near_chance" in found:
        words.append("accuracy near chance (10%)")
    if "never_stops" in found:
        words.append(f"never stops: all {cap} epochs")
    if "stops_early" in found:
        words.append(f"stops after {span(side['epochs'])} epochs")
    if "val_rises" in found:
        rises = [min(range(len(v)), key=v.__getitem__) + 1 for v in side["val_loss"]]
        words.append(f"validation loss rises from epoch {span(rises)}")
    if "effect" in found:
        change = statistics.fmean(side["test_acc"]) - statistics.fmean(row["correct"]["test_acc"])
        words.append(f"test accuracy {100 * change:+.1f} points")
    else:
        words.append("no measurable effect on the test accuracy")
    return "; ".join(words)


def per_seed(values: list[float]) -> str:
    return f"{pct_spread(values)} ({', '.join(f'{100 * v:.1f}' for v in values)})"


def epochs_words(side: dict) -> str:
    if "epochs" not in side:
        return "(the correct models, not retrained)"
    stopped = sum(side["stopped_early"])
    return f"{span(side['epochs'])} (rule fired in {stopped} of {len(side['epochs'])})"


def consistent_rows(facts: dict, network: str) -> list[str]:
    """The rows of `network` (its correct recipe as 'homework') consistent with the old sheet's
    number: the same epoch count (all 100 = every seed ran the cap; fewer = every seed stopped
    early, the old count within the seeds' range) and the old accuracy within the per-seed range
    widened by OLD_SHEET_MARGIN on each side."""
    old, cap = facts["old_sheet"][network], facts["settings"]["epochs"]
    candidates = [r for r in facts["rows"] if r["network"] == network and r["trained"]]
    sides = [("homework", candidates[0]["correct"])] if candidates else []
    sides += [(r["id"], r["mistaken"]) for r in candidates]
    matches = []
    for name, side in sides:
        if old["epochs"] == cap:
            epochs_match = all(e == cap for e in side["epochs"]) and not any(side["stopped_early"] + side["diverged"])
        else:
            epochs_match = all(side["stopped_early"]) and min(side["epochs"]) <= old["epochs"] <= max(side["epochs"])
        low, high = min(side["test_acc"]) - OLD_SHEET_MARGIN, max(side["test_acc"]) + OLD_SHEET_MARGIN
        if epochs_match and low <= old["test_acc"] <= high:
            matches.append(name)
    return matches


def old_sheet_paragraph(facts: dict) -> str:
    parts = []
    for network, old in facts["old_sheet"].items():
        matches = consistent_rows(facts, network)
        named = " and ".join(SLIPS.get(m, "the homework's recipe") for m in matches)
        parts.append(f"its {NETWORKS[network]} at {100 * old['test_acc']:.2f}% after {old['epochs']} epochs is "
                     + (f"consistent with {named}" if matches else "consistent with none of the rows"))
    return ("**The old answer sheet.** A row is consistent with one of its DogSet numbers when its runs trained the "
            "same number of epochs (100: every seed ran the cap; fewer: every seed stopped early and the old count lies "
            f"within the seeds' range) and the old accuracy lies within its per-seed range widened by "
            f"{100 * OLD_SHEET_MARGIN:.0f} point on each side. By that rule, " + "; ".join(parts) + ". The old sheet "
            "ran on the course's own DogSet, not this rebuilt one, so a match says only that the slip would produce "
            "such numbers, not that it did.")


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
    effect = (f"no measurable effect at the largest size (after {epochs} epochs on each set the network has long "
              "fitted it, so what came before changes little)" if not measurable(last_correct, last_mistaken) else
              f"at {sizes[-1]:,} examples it reads {pct_spread(last_mistaken)} against {pct_spread(last_correct)}")
    return (f"With one network carried across the sizes, the point at {sizes[0]:,} {start}, but every later point has "
            f"also trained on the smaller sets before it, {len(sizes) * epochs} epochs in all by the last: {effect}. "
            "The curve then no longer answers Q6's question, what a network learns from n examples, even where the "
            "numbers barely move.")


def why_quiet(facts: dict) -> list[str]:
    """The reasons behind rows with no effect, each said only when the measurement shows it."""
    by = {(r["id"], r["network"]): r for r in facts["rows"]}
    notes = []
    mlp, cnn = by.get(("view_not_permute", "Dog_Classifier_FC")), by.get(("view_not_permute", "Dog_Classifier_Conv"))
    if mlp and cnn and not measurable(mlp["correct"]["test_acc"], mlp["mistaken"]["test_acc"]) \
            and measurable(cnn["correct"]["test_acc"], cnn["mistaken"]["test_acc"]):
        notes.append("`view` instead of `permute` hurts the CNN and not the MLP: a fully connected layer sees a fixed "
                     "reordering of its inputs as just another order of the same numbers, while the CNN's kernels "
                     "look at neighbouring pixels of one channel, which the reshape tears apart.")
    evaluation = by.get(("eval_forgotten", "Dog_Classifier_FC"))
    if evaluation and evaluation["identical"]:
        notes.append("`model.eval()` only changes layers that behave differently in training, such as dropout and "
                     "batch norm; these networks have none, so forgetting it changes no prediction.")
    return notes


def render(facts: dict) -> dict[str, str]:
    cap = facts["settings"]["epochs"]
    rows = [r for r in facts["rows"] if r["id"] != "one_network"]
    q6 = next(r for r in facts["rows"] if r["id"] == "one_network")
    table = ["| slip | answer | correct test accuracy | with the slip | epochs with the slip | what a student sees |",
             "|---|---|---:|---:|---|---|"]
    for r in rows:
        table.append(f"| {SLIPS[r['id']]} ({NETWORKS[r['network']]}) | {r['answer']} | {per_seed(r['correct']['test_acc'])} "
                     f"| {per_seed(r['mistaken']['test_acc'])} | {epochs_words(r['mistaken'])} | {symptom_words(r, cap)} |")
    n = len(facts["seeds"])
    return {"Mistakes": "\n".join([
        f"Each row changes one line of the homework's recipe the way students do, trains through the same loop on the "
        f"same {plural(n, 'seed')}, and compares with the correct recipe (test accuracy as mean ± sd, then each seed). "
        f"An effect counts as measurable when the means differ by more than two standard errors and by at least "
        f"{100 * MIN_EFFECT:.0f} point; below that, seeds alone move the number as much.", "",
        *table, "",
        *[note + "\n" for note in why_quiet(facts)],
        "**Q6, one network for every size** (balanced 1,000-image test set, mean ± sd, then each seed):", "",
        *q6_table(q6), "", q6_words(q6, facts["mnist_settings"]["epochs"]), "",
        old_sheet_paragraph(facts),
    ])}


def draw(facts: dict) -> dict:
    """One figure: for each affected answer, the correct value and each mistake, mean ± sd."""
    from harness.plots import plt

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
        effect = [measurable(r["correct"]["test_acc"], r["mistaken"]["test_acc"]) for r in rows]
        colours = ["tab:green"] + ["tab:red" if e else "lightgrey" for e in effect]
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
        ax.set(title=f"{answer}: DogSet {NETWORKS[rows[0]['network']]} test accuracy",
               xlabel="test accuracy (%); dotted: chance; red: measurable effect, grey: none")
    fig.suptitle(f"Common mistakes: mean ± sd over {plural(len(facts['seeds']), 'seed')} (dots: each seed)")
    fig.tight_layout()
    return {"mistakes.png": fig}
