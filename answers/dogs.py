"""What Q11/Q12 and Q15 say about DogSet training runs, shared so that both read their curves
the same way: the data note, the protocol, the headline, the reading of the curves across
seeds with its verdicts, and the loss and accuracy figures."""
from __future__ import annotations

import statistics

from answers.words import agree, pct_spread, plural, seed_list, span
from harness.stats import mean_sd


def data_note(dogset: dict) -> str:
    """The data line of a DogSet answer; a rebuilt stand-in says so."""
    c = dogset["counts"]
    note = f"{dogset['source']} (`{dogset['path']}`), train {c['train']:,} / valid {c['valid']:,} / test {c['test']:,}"
    if dogset["rebuilt"]:
        note += (" — a rebuilt stand-in for the course's DogSet (see its SOURCE.md): same breeds and image format, other "
                 "split sizes and fewer collies and golden retrievers, so numbers differ from the course's")
    return note


def describe_dog(settings: dict) -> str:
    """The homework's DogSet protocol, from its settings."""
    return (f"batch {settings['batch_size']}, SGD lr {settings['lr']:g}, CrossEntropyLoss, at most {settings['epochs']} "
            f"epochs, stop when the validation loss has not decreased by more than {settings['min_delta']:g} for "
            f"{settings['patience']} epochs in a row")


def analyse_history(history: list[dict]) -> dict:
    """One run's evidence: where validation loss bottoms out, where the train/validation gap
    opens (validation loss above training loss by more than 10% of the validation loss),
    from which epoch validation accuracy is within 1 point of its best, and the verdict:
    `overfits` (the last validation loss more than 1% above its minimum), `improving` (the
    minimum is in the last epoch) or `onset` (flattened within 1% of the minimum)."""
    val = [h["val_loss"] for h in history]
    best = min(range(len(val)), key=val.__getitem__)
    gaps = [h["val_loss"] - h["train_loss"] for h in history]
    opens = next((h["epoch"] for h, g in zip(history, gaps) if g > 0.1 * h["val_loss"]), None)
    best_acc = max(range(len(history)), key=lambda i: history[i]["val_acc"])
    plateau = next(h["epoch"] for h in history if h["val_acc"] >= history[best_acc]["val_acc"] - 0.01)
    state = ("overfits" if val[-1] > val[best] * 1.01 else "improving" if best == len(val) - 1 else "onset")
    return {
        "epochs": len(history), "best_val_loss_epoch": history[best]["epoch"], "best_val_loss": val[best],
        "final_val_loss": val[-1], "final_train_loss": history[-1]["train_loss"], "gap_opens_epoch": opens,
        "gap_final": gaps[-1], "best_val_acc": history[best_acc]["val_acc"], "best_val_acc_epoch": history[best_acc]["epoch"],
        "val_acc_plateau_epoch": plateau, "final_train_acc": history[-1]["train_acc"], "state": state,
    }


def judge_curves(per_seed: list[dict]) -> dict:
    """Q12's (and Q15's) verdicts across seeds: each seed's analysis, how many seeds overfit,
    show the onset or still improve, how many the plateau rule stopped, and whether restoring
    the best-validation weights would change the test accuracy by more than the seed spread."""
    analyses = [analyse_history(run["history"]) for run in per_seed]
    last = [run["test_acc"] for run in per_seed]
    diff = [run["test_acc_best_weights"] - run["test_acc"] for run in per_seed]
    late = max(per_seed, key=lambda run: run["epochs_trained"] - run["best_val_loss_epoch"])
    return {"analyses": analyses, "seeds": len(per_seed),
            "overfits_in": sum(a["state"] == "overfits" for a in analyses),
            "onset_in": sum(a["state"] == "onset" for a in analyses),
            "improving_in": sum(a["state"] == "improving" for a in analyses),
            "stopped_by_rule": sum(run["stopped_early"] for run in per_seed),
            "latest_stop": {"seed": late["seed"], "epochs": late["epochs_trained"],
                            "after_best": late["epochs_trained"] - late["best_val_loss_epoch"]},
            "best_weights_gain_mean": mean_sd(diff)[0], "best_weights_gain_sd": mean_sd(diff)[1],
            "best_weights_better_in": sum(d > 0 for d in diff),
            "best_weights_within_spread": abs(mean_sd(diff)[0]) <= mean_sd(last)[1]}


def reading(facts: dict) -> str:
    """The curves read across seeds: stop epochs, validation minimum, the gap, the verdict, and
    what restoring the best-validation weights would have given."""
    v = facts["curves"]
    analyses, n = v["analyses"], v["seeds"]
    by_rule = v["stopped_by_rule"]
    text = [f"Training ran {span([a['epochs'] for a in analyses])} epochs ({agree(by_rule, n)} stopped by the plateau "
            f"rule{'' if by_rule == n else ', the rest at the epoch cap'}). The validation loss was lowest at epoch "
            f"{span([a['best_val_loss_epoch'] for a in analyses])} ({span([a['best_val_loss'] for a in analyses], '{:.3f}')}) "
            f"and ended at {span([a['final_val_loss'] for a in analyses], '{:.3f}')}, while the training loss kept falling "
            f"to {span([a['final_train_loss'] for a in analyses], '{:.3f}')}."]
    opens = [a["gap_opens_epoch"] for a in analyses if a["gap_opens_epoch"] is not None]
    if opens:
        text.append(f"The gap between validation and training loss opens (more than 10% of the validation loss) at epoch "
                    f"{span(opens)} in {agree(len(opens), n)} and reaches {span([a['gap_final'] for a in analyses], '{:.3f}')} "
                    f"at the end.")
    else:
        text.append(f"Training and validation loss stay close throughout in {agree(n, n)}.")
    text.append(f"Validation accuracy peaked at {span([100 * a['best_val_acc'] for a in analyses], '{:.1f}')}% and was "
                f"within 1 point of its best from epoch {span([a['val_acc_plateau_epoch'] for a in analyses])} on; from "
                f"there the training accuracy during the epoch kept rising, to "
                f"{span([100 * a['final_train_acc'] for a in analyses], '{:.1f}')}%.")
    verdict = [f"overfitting in {agree(v['overfits_in'], n)} (the last validation loss more than 1% above its minimum: "
               f"past that minimum the network fits the training images better while generalising worse)"
               ] if v["overfits_in"] else []
    if v["onset_in"]:
        verdict.append(f"the onset of overfitting in {agree(v['onset_in'], n)} (the validation loss had flattened within "
                       f"1% of its minimum while the training loss kept falling)")
    if v["improving_in"]:
        verdict.append(f"still improving on held-out data in {agree(v['improving_in'], n)} (lowest validation loss in the "
                       f"last epoch: not overfitting yet)")
    text.append("Verdict: " + "; ".join(verdict) + ".")
    last = [run["test_acc"] for run in facts["per_seed"]]
    best = [run["test_acc_best_weights"] for run in facts["per_seed"]]
    late, spread = v["latest_stop"], mean_sd(last)[1]
    text.append(f"The homework's rule compares each epoch with the one before, so a noisy validation loss can keep training "
                f"past its minimum (seed {late['seed']} stopped at epoch {late['epochs']}, {late['after_best']} epochs "
                f"after its lowest validation loss). The weights of the lowest-validation-loss epoch (what Keras' "
                f"`restore_best_weights` keeps) reach {pct_spread(best)} test accuracy against {pct_spread(last)} for the "
                f"last epoch's, the homework's number: a difference of {100 * v['best_weights_gain_mean']:+.1f} ± "
                f"{100 * v['best_weights_gain_sd']:.1f} points, better in {agree(v['best_weights_better_in'], n)}. "
                + (f"That is within the spread of the homework's number across seeds ({100 * spread:.1f} points): the "
                   f"answer stands either way." if v["best_weights_within_spread"] else
                   f"That is more than the spread of the homework's number across seeds ({100 * spread:.1f} points): "
                   f"stopping by the previous epoch costs accuracy here."))
    return " ".join(text)


def training_summary(facts: dict) -> str:
    """The headline of a DogSet training answer: test accuracy over seeds and the epochs it took."""
    runs, threads = facts["per_seed"], facts["settings"]["threads"]
    test = [run["test_acc"] for run in runs]
    seconds = [run["train_seconds"] / run["epochs_trained"] for run in runs]
    return (f"**Test accuracy: {pct_spread(test)}** over {plural(len(runs), 'seed')} "
            f"(per seed: {', '.join(f'{100 * a:.1f}' for a in test)}%) on {facts['dogset']['counts']['test']:,} test "
            f"images; chance is 10%. Training took {span([run['epochs_trained'] for run in runs])} epochs, "
            f"{statistics.median(seconds):.1f} s of training per epoch (median; {plural(threads, 'torch thread')} per "
            f"process, seeds trained side by side). A seed fixes the initial weights and the shuffling order; the split "
            f"into train, valid and test is DogSet's own and the same for every seed.")


CURVE_NAMES = {"train_loss": "training loss", "val_loss": "validation loss",
               "train_acc": "training accuracy during the epoch", "val_acc": "validation accuracy"}


def draw_histories(facts: dict, prefix: str, title: str) -> dict:
    """figures/{prefix}_loss.png and _accuracy.png: every seed against epoch, the median seed
    (by test accuracy; the lower middle for an even count) drawn strongest, each stop marked."""
    from harness.plots import plt

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
