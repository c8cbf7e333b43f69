"""The appendix in words and figures: the ladder from the homework's CNN to a modern small CNN,
rung by rung. Facts from beyond_dog_cnn.py (results/beyond.json)."""
from __future__ import annotations

import statistics

from answers.dogs import data_note
from answers.words import sentence

WATCHED_BREEDS = ("collie", "golden_retriever")  # the breeds the stand-in DogSet has fewest of


def render(facts: dict) -> dict[str, str]:
    ladder, reference, recipe, seed = facts["ladder"], facts["homework_reference"], facts["recipe"], facts["seeds"][0]
    watched = [b for b in WATCHED_BREEDS if b in ladder[0]["recall"]]
    header = ("| rung | what changed | parameters | epochs | training (s) | test accuracy | "
              + " | ".join(f"{b} recall" for b in watched) + " |")
    rows = [f"| {r['step']} | {r['description']} | {r['params']:,} | {r['epochs'] or '—'} | "
            f"{r['train_seconds']:.0f} | **{r['test_acc']:.1%}** | "
            + " | ".join(f"{r['recall'][b]:.2f}" for b in watched) + " |" for r in ladder]
    steps = [f"rung {b['step']} {100 * (b['test_acc'] - a['test_acc']):+.1f} points" for a, b in zip(ladder, ladder[1:])]
    best = max(ladder, key=lambda r: r["test_acc"])
    training = sum(r["train_seconds"] for r in ladder)
    text = [f"Data: {data_note(facts['dogset'])}. Every rung is trained from scratch on this CPU with seed {seed} (one "
            f"seed: differences of a point or two between rungs are within seed-to-seed noise; the homework CNN's spread "
            f"over seeds is the reference)." + (f" The homework's CNN (Q15) reaches {100 * reference['mean']:.1f} ± "
                                                f"{100 * reference['sd']:.1f}% over {len(reference['seeds'])} seeds."
                                                if reference else ""), "", header,
            "|---:|---|---:|---:|---:|---:|" + "---:|" * len(watched), *rows, "",
            f"What each rung bought, against the rung before: {'; '.join(steps)}. The best rung, {best['step']}, reaches "
            f"**{best['test_acc']:.1%}**, {best['test_acc'] / ladder[0]['test_acc']:.1f}× the homework protocol's "
            f"{ladder[0]['test_acc']:.1%} on the same images"
            + (": the homework's low accuracy is the recipe's (plain SGD at lr 0.001, a stopping rule that fires on noise, "
               "a network without normalisation), not the data's." if best["test_acc"] >= 2 * ladder[0]["test_acc"] else "."),
            f"Rungs 2 and 4 train {recipe['epochs']} epochs of batch {recipe['batch_size']} with AdamW (max lr "
            f"{recipe['max_lr']:g}, weight decay {recipe['weight_decay']:g}) on a one-cycle schedule, keeping the weights "
            f"of the epoch with the lowest validation loss. Training the rungs took {training / 60:.1f} min in all, as "
            f"recorded when each trained (rungs 2 and 4 side by side, so the wall time was shorter)."]
    if watched:
        before, after = ladder[3]["recall"], ladder[-1]["recall"]
        counts = facts["train_counts"]
        text.append(sentence(" and ".join(f"{b} ({counts[b]} training images)" for b in watched)
                             + f" are the breeds the stand-in DogSet has fewest of (median of all breeds: "
                               f"{statistics.median(counts.values()):.0f}); weighting the loss by the inverse square root "
                               f"of each breed's training count moves their recall from "
                             + ", ".join(f"{before[b]:.2f} to {after[b]:.2f} ({b})" for b in watched)
                             + f", at an overall accuracy of {ladder[-1]['test_acc']:.1%} against "
                               f"{ladder[3]['test_acc']:.1%} (both with flip averaging)."))
    return {"Beyond": "\n".join(text)}


def subtitle(facts: dict) -> str:
    return f"Data: {facts['data']}; seed {facts['seeds'][0]}"


def draw(facts: dict) -> dict:
    """figures/beyond_accuracy.png and beyond_recall.png from the facts."""
    import numpy as np

    from common.plots import plt

    ladder, reference = facts["ladder"], facts["homework_reference"]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    labels = [f"{r['step']}: {r['description']}" for r in ladder]
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

    shown = [r for r in ladder if r["step"] in (0, 2, 4)]
    breeds = list(shown[0]["recall"])
    recall, ax = plt.subplots(figsize=(8, 5))
    height = 0.8 / len(shown)
    for i, r in enumerate(shown):
        ax.barh(np.arange(len(breeds)) + i * height, [r["recall"][b] for b in breeds], height,
                label=f"rung {r['step']}: {r['test_acc']:.1%} overall", color=f"C{r['step']}")
    ax.set_yticks(np.arange(len(breeds)) + height * (len(shown) - 1) / 2, breeds)
    ax.invert_yaxis()
    ax.set(xlabel="recall on the test set", xlim=(0, 1), title="Per-breed recall: homework CNN, modern CNN, class-weighted")
    ax.legend(fontsize=8, loc="lower right")
    recall.suptitle(subtitle(facts), fontsize=8, y=0.0, va="top")
    recall.tight_layout()
    return {"beyond_accuracy.png": fig, "beyond_recall.png": recall}
