"""The appendix in words and figures: the ladder from the homework's CNN to a modern small CNN,
rung by rung, each test accuracy with its test-sample interval and each rung's provenance.
Facts from beyond_dog_cnn.py (results/beyond.json)."""
from __future__ import annotations

import statistics

from answers.dogs import data_note
from answers.words import in_words, near_cut, seed_list, sentence, rounded_difference
from common.stats import wilson_interval

WATCHED = 2  # the recall of this many breeds is followed (watched_breeds says which)
BALANCED = 1.1  # class weights within this ratio of each other leave the loss practically unweighted
GAP_CUTS = (0.8, 1.2)  # rung 5's final loss gap against rung 2's: below 0.8× it narrows, above 1.2× it widens
GAP_MARGIN = 0.1  # a ratio (as shown) within this of a cut is borderline: one seed could flip the verdict


def description(step: int, recipes: dict) -> str:
    """What rung `step` changed, against the rung before (rung 5 builds on rung 2)."""
    augmented = recipes.get("5", {})
    return {0: "homework CNN, SGD lr 0.001, homework stopping rule (Q15)",
            1: "same CNN, Adam lr 1e-3, best validation weights restored",
            2: "modern small CNN (BatchNorm, 4 blocks), AdamW + one-cycle, best weights",
            3: "rung 2 + horizontal-flip averaging at test time",
            4: "rung 3 + class weights (1/√count) + label smoothing 0.1",
            5: f"rung 2 + random {augmented.get('crop_padding')}-px crops and flips while training, "
               f"{augmented.get('epochs')} epochs (no test-time averaging)"}[step]


def changes(step: int, recipes: dict) -> list[str]:
    """Everything rung `step` changes against the rung it builds on (rung 5 on rung 2, every other
    rung on the one before), as `beyond_dog_cnn.py` trains it: the ladder can credit a rung's gain
    to one change only when this names one."""
    modern, augmented = recipes.get("2", {}), recipes.get("5", {})
    return {1: ["the optimizer (Adam instead of SGD)",
                "the weights tested (the best validation epoch's instead of the last)"],
            2: ["the network", "the optimizer (AdamW with weight decay)", "a one-cycle schedule",
                f"batch {modern.get('batch_size')}",
                f"a fixed {modern.get('epochs')} epochs instead of the stopping rule"],
            3: ["flip averaging at test time"],
            4: ["class weights", "label smoothing"],
            5: ["data augmentation",
                f"{augmented.get('epochs')} epochs instead of {modern.get('epochs')}"]}.get(step, [])


def separable(ladder: list[dict], recipes: dict) -> str:
    """What the ladder can and cannot tell apart: the rungs that change one thing, and the rungs
    whose gain belongs to several changes together."""
    several = [r["step"] for r in ladder if len(changes(r["step"], recipes)) > 1]
    single = [r["step"] for r in ladder if len(changes(r["step"], recipes)) == 1]
    # tested: tests/test_beyond.py::test_the_ladder_names_what_each_rung_changes_and_what_it_cannot_separate,
    #         tests/test_beyond.py::test_flip_averaging_is_the_mean_of_the_two_passes
    text = [f"Rung {s} changes one thing ({changes(s, recipes)[0]}), so its gain is that change's" for s in single]
    if several:
        text.append("every other rung changes several things at once, and its gain belongs to them together, not "
                    "to any one of them: " + "; ".join(f"rung {s} {in_words(changes(s, recipes))}" for s in several))
    return sentence("; ".join(text)) + "." if text else ""


def shown(value: float) -> float:
    """A fraction as the percentage the sheet shows (1 decimal)."""
    return round(100 * value, 1)


def interval(accuracy: float, total: int) -> str:
    """'[60.9–66.1%]': the 95% Wilson interval of one model scoring `accuracy` on `total` test images."""
    low, high = wilson_interval(round(accuracy * total), total)
    return f"[{shown(low):.1f}–{shown(high):.1f}%]"


def with_interval(accuracy: float, total: int) -> str:
    """'63.5% [60.9–66.1%]': a test accuracy and its test-sample interval."""
    return f"{shown(accuracy):.1f}% {interval(accuracy, total)}"


def step_gain(rung: dict, baseline: dict) -> str:
    """A rung's test accuracy minus its baseline's, in points, as the two are shown."""
    return rounded_difference(100 * rung["test_acc"], 100 * baseline["test_acc"])


def provenance(r: dict) -> str:
    """Where a rung's model comes from: from its `trained` and `reused_from` facts when recorded,
    else from its epochs (0: not trained) and its `reused` flag."""
    source = r.get("reused_from")
    if not r.get("trained", r["epochs"] > 0):
        return f"not trained: {source}'s model, tested differently" if source else "not trained: a test-time change only"
    if source or r.get("reused"):
        return f"a saved model reused, trained by {source}" if source else "a saved model reused, trained in an earlier run"
    return "trained from scratch in this run"


def rung_list(steps: list[int]) -> str:
    """'rung 3' or 'rungs 1, 2 and 4'."""
    if len(steps) == 1:
        return f"rung {steps[0]}"
    return "rungs " + ", ".join(map(str, steps[:-1])) + f" and {steps[-1]}"


def provenance_sentence(ladder: list[dict]) -> str:
    """Every rung's provenance, rungs of the same provenance together."""
    groups: dict[str, list[int]] = {}
    for r in ladder:
        groups.setdefault(provenance(r), []).append(r["step"])
    return "Where each model comes from: " + "; ".join(f"{rung_list(steps)}: {how}" for how, steps in groups.items()) + "."


def time_sentence(facts: dict, ladder: list[dict]) -> str:
    """The training times the rungs recorded and, when the facts hold it, the run's wall time."""
    recorded = sum(r["train_seconds"] for r in ladder)
    wall = facts.get("wall_seconds")
    return (f"The recorded training times add up to {recorded / 60:.1f} min, each as recorded when its model trained "
            f"(a reused model's in its earlier run; rungs 2, 4 and 5 in {facts['jobs']} processes side by side)"
            + (f"; this run took {wall / 60:.1f} min of wall time." if wall is not None else "."))


def class_weights(counts: dict[str, int]) -> dict[str, float]:
    """Rung 4's loss weight of each breed: 1/√(training count), scaled to mean 1 (as beyond_dog_cnn.class_weights)."""
    raw = {breed: count ** -0.5 for breed, count in counts.items() if count > 0}
    mean = statistics.fmean(raw.values())
    return {breed: weight / mean for breed, weight in raw.items()}


def balanced(counts: dict[str, int]) -> bool:
    """The training counts leave rung 4's class weights within BALANCED of each other."""
    weights = class_weights(counts).values()
    return max(weights) <= BALANCED * min(weights)


def watched_breeds(facts: dict) -> list[str]:
    """The WATCHED breeds whose recall the appendix follows, in the facts' order: those with the
    fewest training images (the largest class weights), or, when the breeds are nearly balanced,
    those rung 2 recognises worst."""
    baseline = next(r for r in facts["ladder"] if r["step"] == 2)["recall"]
    counts = {b: n for b, n in facts["train_counts"].items() if b in baseline}
    key = baseline.get if balanced(facts["train_counts"]) else counts.get
    chosen = sorted(counts, key=key)[:WATCHED]
    return [b for b in counts if b in chosen]


def weights_sentence(facts: dict, watched: list[str]) -> str:
    """Why these breeds are watched, and how unequal rung 4's class weights are, from the training counts."""
    counts = facts["train_counts"]
    weights = class_weights(counts)
    if balanced(counts):
        baseline = next(r for r in facts["ladder"] if r["step"] == 2)["recall"]
        return sentence(" and ".join(f"{b} (recall {baseline[b]:.2f})" for b in watched)
                        + " are the breeds rung 2 recognises worst. The breeds are nearly balanced "
                          f"({min(counts.values())}–{max(counts.values())} training images each), so rung 4's class "
                          # tested: tests/test_beyond.py::test_the_class_weights_are_stated_to_three_decimals,
                          #         tests/test_beyond.py::test_class_weights_follow_the_training_counts
                          f"weights range only from {min(weights.values()):.3f} to {max(weights.values()):.3f}, none further "
                          f"than {max(abs(w - 1) for w in weights.values()):.1%} from 1; no rung separates them from "
                          f"the label smoothing.")
    named = " and ".join(f"{b} ({counts[b]} training images)" for b in watched)
    return sentence(f"{named} have the fewest training images (median of all breeds: "
                    f"{statistics.median(counts.values()):.0f}); rung 4's class weights give them "
                    + " and ".join(f"{weights[b]:.2f}" for b in watched) + " times the mean weight.")


def recall_sentence(facts: dict, watched: list[str]) -> str:
    """Rung 4's recall of the watched breeds against rung 2, the same network before any test-time
    trick, with what flip averaging alone (rung 3) did, and how few images a breed's recall rests on."""
    by_step = {r["step"]: r for r in facts["ladder"]}
    plain, flipped, weighted = (by_step[s]["recall"] for s in (2, 3, 4))
    per_breed = facts["dogset"]["counts"]["test"] / len(by_step[0]["recall"])
    return ("Against rung 2, the same network before any test-time trick (rung 4 adds the class weights, the label "
            "smoothing and rung 3's flip averaging), their recall is, rung 2 then rung 4, "
            + ", ".join(f"{plain[b]:.2f} then {weighted[b]:.2f} ({b})" for b in watched)
            + f", at an overall accuracy of {shown(by_step[4]['test_acc']):.1f}% against "
              f"{shown(by_step[2]['test_acc']):.1f}%. " + flip_moves(plain, flipped, watched)
            + f" A breed's recall rests "
              f"on about {per_breed:.0f} test images on average, so one image moves it by about {1 / per_breed:.2f}, "
              f"and one seed cannot tell apart changes of a few images.")


def flip_moves(plain: dict[str, float], flipped: dict[str, float], watched: list[str]) -> str:
    """What flip averaging alone (rung 3) did to the watched breeds' recall, naming only those it moved."""
    moved = [b for b in watched if f"{flipped[b]:.2f}" != f"{plain[b]:.2f}"]
    if not moved:
        return "Flip averaging alone (rung 3) left their recall as it was."
    return ("Flip averaging alone (rung 3) moved " + in_words([f"{b}'s recall to {flipped[b]:.2f}" for b in moved])
            + ", so a change measured from rung 3 would credit the training with undoing it.")


def gap(history: list[dict]) -> float:
    """Validation minus training loss in the last epoch."""
    return history[-1]["val_loss"] - history[-1]["train_loss"]


def cure(ladder: list[dict], total: int, recipes: dict) -> str:
    """The sentence that ties rung 5 back to Q12/Q15's diagnosis, from the two rungs' histories:
    whether augmentation narrowed the final gap between validation and training loss (GAP_CUTS,
    borderline within GAP_MARGIN of a cut), and whether it lowered the validation loss itself."""
    plain, augmented = (next(r for r in ladder if r["step"] == step) for step in (2, 5))
    if not (plain["history"] and augmented["history"]):
        return ""
    lowest = {r["step"]: min(h["val_loss"] for h in r["history"]) for r in (plain, augmented)}
    ratio = gap(augmented["history"]) / gap(plain["history"]) if gap(plain["history"]) > 0 else 1.0
    width = "narrows" if ratio < GAP_CUTS[0] else "widens" if ratio > GAP_CUTS[1] else "barely changes"
    as_shown = round(ratio, 2)
    near = [cut for cut in GAP_CUTS if near_cut(as_shown, cut, GAP_MARGIN)]
    edge = f"; borderline: the ratio {as_shown:.2f} lies within {GAP_MARGIN} of the cut at {near[0]}" if near else ""
    longer = recipes["5"]["epochs"] != recipes["2"]["epochs"]
    return (f"Data augmentation is the usual cure for overfitting, the pattern Q12 and Q15 look for: the training loss "
            f"keeps falling while the validation loss stops improving. Rung 5 adds it to rung 2"
            + (f", and also trains {recipes['5']['epochs']} epochs against rung 2's {recipes['2']['epochs']}" if longer
               else "") + f". On this one seed it {width} the gap between "
            f"validation and training loss (after the last epoch {gap(augmented['history']):+.2f} against "
            f"{gap(plain['history']):+.2f} for rung 2; rung 5's training loss is measured on augmented images{edge}) and "
            + (f"lowers the validation loss itself: its lowest is {lowest[5]:.3f} against {lowest[2]:.3f}"
               if lowest[5] < lowest[2] else
               f"does not lower the validation loss: its lowest is {lowest[5]:.3f} against {lowest[2]:.3f}")
            + f". Test accuracy: {with_interval(augmented['test_acc'], total)} against "
              f"{with_interval(plain['test_acc'], total)}, both without test-time averaging "
              f"({with_interval(augmented['test_acc_flip_averaged'], total)} for rung 5 with flip averaging, for "
              f"comparison only)."
            + (f" No rung trains rung 2's recipe for {recipes['5']['epochs']} epochs without augmentation, so the ladder "
               # tested: tests/test_beyond.py::test_the_ladder_names_what_each_rung_changes_and_what_it_cannot_separate
               f"cannot tell how much of this is the augmentation and how much the longer schedule." if longer else ""))


def seeds_sentence(facts: dict, total: int) -> str:
    """What the seeds and the test images can tell apart, with the homework CNN's reference."""
    reference, seeds = facts["homework_reference"], facts["seeds"]
    text = (f"Each test accuracy is followed by its 95% test-sample interval (Wilson) on the {total:,} test images. "
            f"Each rung ran {seed_list(seeds)} only, so it shows no seed spread; differences of a point or two between "
            "rungs are within test-sample noise alone, and the rungs' seed noise is not measured.")
    if reference:
        text += (f" The homework's CNN (Q15) reaches {shown(reference['mean']):.1f} ± {shown(reference['sd']):.1f}% "
                 f"over {len(reference['seeds'])} seeds {interval(reference['mean'], total)}.")
    return text


def render(facts: dict) -> dict[str, str]:
    ladder, total = facts["ladder"], facts["dogset"]["counts"]["test"]
    recipes, recipe = facts["recipes"], facts["recipes"]["2"]
    watched = watched_breeds(facts)
    header = ("| rung | what changed | parameters | epochs | training (s) | test accuracy [95% interval] | "
              "with flip averaging | " + " | ".join(f"{b} recall" for b in watched) + " |")
    rows = [f"| {r['step']} | {description(r['step'], recipes)} | {r['params']:,} | {r['epochs'] or '—'} | "
            f"{r['train_seconds']:.0f} | **{with_interval(r['test_acc'], total)}** | "
            + (f"{with_interval(r['test_acc_flip_averaged'], total)} | " if r["test_acc_flip_averaged"] is not None
               else "(included) | " if r["step"] in (3, 4) else "— | ")
            + " | ".join(f"{r['recall'][b]:.2f}" for b in watched) + " |" for r in ladder]
    before = {5: 2}  # rung 5 builds on rung 2; every other rung on the one before it
    by_step = {r["step"]: r for r in ladder}
    steps = [f"rung {r['step']} {step_gain(r, by_step[before.get(r['step'], r['step'] - 1)])} points"
             + (" (against rung 2)" if r["step"] in before else "") for r in ladder[1:]]
    best, first = max(ladder, key=lambda r: r["test_acc"]), ladder[0]
    text = [f"Data: {data_note(facts['dogset'])}. {seeds_sentence(facts, total)} {provenance_sentence(ladder)}", "",
            header, "|---:|---|---:|---:|---:|---:|---:|" + "---:|" * len(watched), *rows, "",
            # tested: tests/test_beyond.py::test_gains_are_rounded_once_from_the_unrounded_accuracies
            f"What each rung bought, against the rung before (from the unrounded accuracies): {'; '.join(steps)}. "
            f"The best rung, {best['step']}, reaches "
            f"**{shown(best['test_acc']):.1f}%**, {shown(best['test_acc']) / shown(first['test_acc']):.1f}× the homework "
            f"protocol's {shown(first['test_acc']):.1f}% on the same images"
            + (": the homework's low accuracy is its network's and training recipe's, not the data's. The ladder "
               "cannot split the two: the big step is rung 2, where the network and the recipe change together."
               if best["test_acc"] >= 2 * first["test_acc"] else ".") + " " + separable(ladder, recipes),
            f"Rungs 2 and 4 train {recipe['epochs']} epochs of batch {recipe['batch_size']} with AdamW (max lr "
            # tested: tests/test_training.py::test_best_weights_are_those_of_the_lowest_validation_loss
            f"{recipe['max_lr']:g}, weight decay {recipe['weight_decay']:g}) on a one-cycle schedule, keeping the weights "
            f"of the epoch with the lowest validation loss; rung 5 the same for {recipes['5']['epochs']} epochs. "
            + time_sentence(facts, ladder)]
    if watched:
        text.append(weights_sentence(facts, watched) + " " + recall_sentence(facts, watched))
    if 5 in by_step:
        text += ["", cure(ladder, total, recipes)]
    return {"Beyond": "\n".join(text)}


def subtitle(facts: dict) -> str:
    return f"Data: {facts['data']}; seed {facts['seeds'][0]}"


def draw(facts: dict) -> dict:
    """figures/beyond_accuracy.png and beyond_recall.png from the facts."""
    import numpy as np

    from common.plots import plt

    ladder, reference = facts["ladder"], facts["homework_reference"]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    labels = [f"{r['step']}: {description(r['step'], facts['recipes'])}" for r in ladder]
    ax.barh(labels, [100 * r["test_acc"] for r in ladder], color=[f"C{r['step']}" for r in ladder])
    for i, r in enumerate(ladder):
        ax.text(100 * r["test_acc"] + 0.5, i, f"{r['test_acc']:.1%}", va="center", fontsize=9)
    if reference:
        ax.axvline(100 * reference["mean"], color="black", linestyle="--",
                   label=f"Q15's {len(reference['seeds'])}-seed mean ({100 * reference['mean']:.1f}%)")
        ax.legend(loc="upper right", fontsize=8)  # beside rung 0, the shortest bar
    ax.axvline(10, color="grey", linestyle=":", linewidth=0.8)
    ax.invert_yaxis()
    ax.set(xlabel="test accuracy (%)", xlim=(0, 100), title="Beyond the homework: test accuracy per rung (one seed)")
    ax.tick_params(axis="y", labelsize=7)
    fig.suptitle(subtitle(facts), fontsize=8, y=0.0, va="top")
    fig.tight_layout()

    shown = [r for r in ladder if r["step"] in (0, 2, 4, 5)]
    breeds = list(shown[0]["recall"])
    recall, ax = plt.subplots(figsize=(9.5, 5))
    height = 0.8 / len(shown)
    for i, r in enumerate(shown):
        ax.barh(np.arange(len(breeds)) + i * height, [r["recall"][b] for b in breeds], height,
                label=f"rung {r['step']}: {r['test_acc']:.1%} overall", color=f"C{r['step']}")
    ax.set_yticks(np.arange(len(breeds)) + height * (len(shown) - 1) / 2, breeds)
    ax.invert_yaxis()
    ax.set(xlabel="recall on the test set", xlim=(0, 1), title="Per-breed recall: homework CNN, modern CNN, class-weighted, augmented")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))  # outside: every bar starts at 0
    recall.suptitle(subtitle(facts), fontsize=8, y=0.0, va="top")
    recall.tight_layout()

    curves, ax = plt.subplots(figsize=(7.5, 4.5))
    by_step = {r["step"]: r for r in ladder}
    for step, color in ((2, "C2"), (5, "C5")):
        run = by_step.get(step)
        if run is None or not run["history"]:
            continue
        epochs = [h["epoch"] for h in run["history"]]
        ax.plot(epochs, [h["train_loss"] for h in run["history"]], "--", color=color,
                label=f"rung {run['step']}: training loss" + (" (augmented images)" if run["step"] == 5 else ""))
        ax.plot(epochs, [h["val_loss"] for h in run["history"]], "-", color=color, label=f"rung {run['step']}: validation loss")
    ax.set(xlabel="epoch", ylabel="cross-entropy loss",
           title="Does augmentation close the gap Q15 measured? Rung 2 against rung 5 (one seed)")
    ax.legend(fontsize=8)
    curves.suptitle(subtitle(facts), fontsize=8, y=0.0, va="top")
    curves.tight_layout()
    return {"beyond_accuracy.png": fig, "beyond_recall.png": recall, "beyond_curves.png": curves}
