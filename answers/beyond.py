"""The appendix in words and figures: the ladder from the homework's CNN to a modern small CNN,
rung by rung. Facts from beyond_dog_cnn.py (results/beyond.json)."""
from __future__ import annotations

import statistics

from answers.dogs import data_note
from answers.words import sentence

WATCHED_BREEDS = ("collie", "golden_retriever")  # the breeds the stand-in DogSet has fewest of


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


def gap(history: list[dict]) -> float:
    """Validation minus training loss in the last epoch."""
    return history[-1]["val_loss"] - history[-1]["train_loss"]


def cure(ladder: list[dict]) -> str:
    """The sentence that ties rung 5 back to Q12/Q15's diagnosis, from the two rungs' histories:
    whether augmentation narrowed the final gap between validation and training loss (by more
    than a fifth), and whether it lowered the validation loss itself."""
    plain, augmented = (next(r for r in ladder if r["step"] == step) for step in (2, 5))
    if not (plain["history"] and augmented["history"]):
        return ""
    lowest = {r["step"]: min(h["val_loss"] for h in r["history"]) for r in (plain, augmented)}
    ratio = gap(augmented["history"]) / gap(plain["history"]) if gap(plain["history"]) > 0 else 1.0
    width = "narrows" if ratio < 0.8 else "widens" if ratio > 1.2 else "barely changes"
    return (f"Q12 and Q15 diagnose overfitting: the training loss keeps falling while the validation loss stops "
            f"improving. Rung 5 applies the usual cure, data augmentation. It {width} the gap between validation and "
            f"training loss (after the last epoch {gap(augmented['history']):+.2f} against {gap(plain['history']):+.2f} "
            f"for rung 2; rung 5's training loss is measured on augmented images) and "
            + (f"lowers the validation loss itself: its lowest is {lowest[5]:.3f} against {lowest[2]:.3f}"
               if lowest[5] < lowest[2] else
               f"does not lower the validation loss: its lowest is {lowest[5]:.3f} against {lowest[2]:.3f}")
            + f". Test accuracy: {augmented['test_acc']:.1%} against {plain['test_acc']:.1%}, both without test-time "
              f"averaging ({augmented['test_acc_flip_averaged']:.1%} for rung 5 with flip averaging, for comparison "
              f"only).")


def render(facts: dict) -> dict[str, str]:
    ladder, reference, seed = facts["ladder"], facts["homework_reference"], facts["seeds"][0]
    recipes, recipe = facts["recipes"], facts["recipes"]["2"]
    watched = [b for b in WATCHED_BREEDS if b in ladder[0]["recall"]]
    header = ("| rung | what changed | parameters | epochs | training (s) | test accuracy | with flip averaging | "
              + " | ".join(f"{b} recall" for b in watched) + " |")
    rows = [f"| {r['step']} | {description(r['step'], recipes)} | {r['params']:,} | {r['epochs'] or '—'} | "
            f"{r['train_seconds']:.0f} | **{r['test_acc']:.1%}** | "
            + (f"{r['test_acc_flip_averaged']:.1%} | " if r["test_acc_flip_averaged"] is not None
               else "(included) | " if r["step"] in (3, 4) else "— | ")
            + " | ".join(f"{r['recall'][b]:.2f}" for b in watched) + " |" for r in ladder]
    before = {5: 2}  # rung 5 builds on rung 2; every other rung on the one before it
    by_step = {r["step"]: r for r in ladder}
    steps = [f"rung {r['step']} {100 * (r['test_acc'] - by_step[before.get(r['step'], r['step'] - 1)]['test_acc']):+.1f} "
             f"points" + (" (against rung 2)" if r["step"] in before else "") for r in ladder[1:]]
    best = max(ladder, key=lambda r: r["test_acc"])
    training = sum(r["train_seconds"] for r in ladder)
    text = [f"Data: {data_note(facts['dogset'])}. Every rung is trained from scratch on this CPU with seed {seed} (one "
            f"seed: differences of a point or two between rungs are within seed-to-seed noise; the homework CNN's spread "
            f"over seeds is the reference)." + (f" The homework's CNN (Q15) reaches {100 * reference['mean']:.1f} ± "
                                                f"{100 * reference['sd']:.1f}% over {len(reference['seeds'])} seeds."
                                                if reference else ""), "", header,
            "|---:|---|---:|---:|---:|---:|---:|" + "---:|" * len(watched), *rows, "",
            f"What each rung bought, against the rung before: {'; '.join(steps)}. The best rung, {best['step']}, reaches "
            f"**{best['test_acc']:.1%}**, {best['test_acc'] / ladder[0]['test_acc']:.1f}× the homework protocol's "
            f"{ladder[0]['test_acc']:.1%} on the same images"
            + (": the homework's low accuracy is the recipe's (plain SGD at lr 0.001, a stopping rule that fires on noise, "
               "a network without normalisation), not the data's." if best["test_acc"] >= 2 * ladder[0]["test_acc"] else "."),
            f"Rungs 2 and 4 train {recipe['epochs']} epochs of batch {recipe['batch_size']} with AdamW (max lr "
            f"{recipe['max_lr']:g}, weight decay {recipe['weight_decay']:g}) on a one-cycle schedule, keeping the weights "
            f"of the epoch with the lowest validation loss; rung 5 the same for {recipes['5']['epochs']} epochs. Training "
            f"the rungs took {training / 60:.1f} min in all, as recorded when each trained (rungs 2, 4 and 5 in "
            f"{facts['jobs']} processes side by side, so the wall time was shorter)."]
    if watched:
        before, after = by_step[3]["recall"], by_step[4]["recall"]
        counts = facts["train_counts"]
        text.append(sentence(" and ".join(f"{b} ({counts[b]} training images)" for b in watched)
                             + f" are the breeds the stand-in DogSet has fewest of (median of all breeds: "
                               f"{statistics.median(counts.values()):.0f}); weighting the loss by the inverse square root "
                               f"of each breed's training count moves their recall from "
                             + ", ".join(f"{before[b]:.2f} to {after[b]:.2f} ({b})" for b in watched)
                             + f", at an overall accuracy of {by_step[4]['test_acc']:.1%} against "
                               f"{by_step[3]['test_acc']:.1%} (both with flip averaging)."))
    if 5 in by_step:
        text += ["", cure(ladder)]
    return {"Beyond": "\n".join(text)}


def subtitle(facts: dict) -> str:
    return f"Data: {facts['data']}; seed {facts['seeds'][0]}"


def draw(facts: dict) -> dict:
    """figures/beyond_accuracy.png and beyond_recall.png from the facts."""
    import numpy as np

    from harness.plots import plt

    ladder, reference = facts["ladder"], facts["homework_reference"]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    labels = [f"{r['step']}: {description(r['step'], facts['recipes'])}" for r in ladder]
    ax.barh(labels, [100 * r["test_acc"] for r in ladder], color=[f"C{r['step']}" for r in ladder])
    for i, r in enumerate(ladder):
        ax.text(100 * r["test_acc"] + 0.5, i, f"{r['test_acc']:.1%}", va="center", fontsize=9)
    if reference:
        ax.axvline(100 * reference["mean"], color="black", linestyle="--",
                   label=f"homework CNN, {len(reference['seeds'])}-seed mean ({100 * reference['mean']:.1f}%)")
        ax.legend(loc="lower right", fontsize=8)
    ax.axvline(10, color="grey", linestyle=":", linewidth=0.8)
    ax.invert_yaxis()
    ax.set(xlabel="test accuracy (%)", xlim=(0, 100), title="Beyond the homework: test accuracy per rung (one seed)")
    ax.tick_params(axis="y", labelsize=7)
    fig.suptitle(subtitle(facts), fontsize=8, y=0.0, va="top")
    fig.tight_layout()

    shown = [r for r in ladder if r["step"] in (0, 2, 4, 5)]
    breeds = list(shown[0]["recall"])
    recall, ax = plt.subplots(figsize=(8, 5))
    height = 0.8 / len(shown)
    for i, r in enumerate(shown):
        ax.barh(np.arange(len(breeds)) + i * height, [r["recall"][b] for b in breeds], height,
                label=f"rung {r['step']}: {r['test_acc']:.1%} overall", color=f"C{r['step']}")
    ax.set_yticks(np.arange(len(breeds)) + height * (len(shown) - 1) / 2, breeds)
    ax.invert_yaxis()
    ax.set(xlabel="recall on the test set", xlim=(0, 1), title="Per-breed recall: homework CNN, modern CNN, class-weighted, augmented")
    ax.legend(fontsize=8, loc="lower right")
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
