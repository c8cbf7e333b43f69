"""What Q11/Q12 and Q15 report about DogSet training runs, shared so that both read their
curves the same way: the numbers of each seed's history, a reading worded from them across
seeds, the figures, and the data note every DogSet answer carries."""
from __future__ import annotations

import statistics

from common.dog_runs import DogSettings, TrainedDogModel
from common.outputs import Destination, pick_device, run_metadata, write_json
from common.plots import plt, save_figure
from common.stats import agree, mean_sd, pct_spread, seed_list
from data.dogs import DogsDataset


def data_note(data: DogsDataset) -> str:
    """The data line of a DogSet answer; a rebuilt stand-in says so."""
    c = data.counts()
    note = f"{data.source} (`{data.path}`), train {c['train']:,} / valid {c['valid']:,} / test {c['test']:,}"
    if "rebuilt" in data.source:
        note += (" — a rebuilt stand-in for the course's DogSet (see its SOURCE.md): same breeds and image format, other "
                 "split sizes and fewer collies and golden retrievers, so numbers differ from the course's")
    return note


def analyse_history(history: list[dict]) -> dict:
    """One run's evidence: where validation loss bottoms out, where the train/validation gap
    opens (validation loss above training loss by more than 10% of the validation loss),
    from which epoch validation accuracy is within 1 point of its best."""
    val = [h["val_loss"] for h in history]
    best = min(range(len(val)), key=val.__getitem__)
    gaps = [h["val_loss"] - h["train_loss"] for h in history]
    opens = next((h["epoch"] for h, g in zip(history, gaps) if g > 0.1 * h["val_loss"]), None)
    best_acc = max(range(len(history)), key=lambda i: history[i]["val_acc"])
    plateau = next(h["epoch"] for h in history if h["val_acc"] >= history[best_acc]["val_acc"] - 0.01)
    return {
        "epochs": len(history), "best_val_loss_epoch": history[best]["epoch"], "best_val_loss": val[best],
        "final_val_loss": val[-1], "final_train_loss": history[-1]["train_loss"], "gap_opens_epoch": opens,
        "gap_final": gaps[-1], "best_val_acc": history[best_acc]["val_acc"], "best_val_acc_epoch": history[best_acc]["epoch"],
        "val_acc_plateau_epoch": plateau, "train_acc_at_plateau": history[plateau - 1]["train_acc"],
        "final_train_acc": history[-1]["train_acc"], "final_val_acc": history[-1]["val_acc"],
        "overfits": val[-1] > val[best] * 1.01,
    }


def span(values: list[float], fmt: str = "{:.0f}") -> str:
    """'a' or 'a–b' for the range of per-seed values."""
    low, high = fmt.format(min(values)), fmt.format(max(values))
    return low if low == high else f"{low}–{high}"


def median_seed(trained: list[TrainedDogModel]) -> TrainedDogModel:
    """The run whose test accuracy is the median (the lower middle for an even count): the one drawn strongest."""
    ranked = sorted(trained, key=lambda t: t.test_acc)
    return ranked[(len(ranked) - 1) // 2]


def reading(trained: list[TrainedDogModel]) -> str:
    """The curves read across seeds: stop epochs, validation minimum, the gap, the verdict, and
    what restoring the best-validation weights would have given."""
    analyses = [analyse_history(t.history) for t in trained]
    n = len(trained)
    by_rule = sum("cap" not in t.stop_reason for t in trained)
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
        text.append("Training and validation loss stay close throughout in every seed.")
    text.append(f"Validation accuracy peaked at {span([100 * a['best_val_acc'] for a in analyses], '{:.1f}')}% and was "
                f"within 1 point of its best from epoch {span([a['val_acc_plateau_epoch'] for a in analyses])} on; from "
                f"there training accuracy kept rising, to {span([100 * a['final_train_acc'] for a in analyses], '{:.1f}')}%.")
    overfit = sum(a["overfits"] for a in analyses)
    improving = sum(a["best_val_loss_epoch"] == a["epochs"] for a in analyses)
    flat = n - overfit - improving
    verdict = [f"overfitting in {agree(overfit, n)} (the last validation loss more than 1% above its minimum: past that "
               f"minimum the network fits the training images better while generalising worse)"] if overfit else []
    if flat:
        verdict.append(f"the onset of overfitting in {agree(flat, n)} (the validation loss had flattened within 1% of its "
                       f"minimum while the training loss kept falling)")
    if improving:
        verdict.append(f"still improving on held-out data in {agree(improving, n)} (lowest validation loss in the last "
                       f"epoch: not overfitting yet)")
    text.append("Verdict: " + "; ".join(verdict) + ".")
    last = [t.test_acc for t in trained]
    best = [t.test_acc_best for t in trained]
    diff = [b - a for a, b in zip(last, best)]
    late = max(trained, key=lambda t: len(t.history) - t.best_epoch)
    spread = mean_sd(last)[1]
    gain, gain_sd = mean_sd(diff)
    text.append(f"The homework's rule compares each epoch with the one before, so a noisy validation loss can keep training "
                f"past its minimum (seed {late.seed} stopped at epoch {len(late.history)}, "
                f"{len(late.history) - late.best_epoch} epochs after its lowest validation loss). The weights of the "
                f"lowest-validation-loss epoch (what Keras' `restore_best_weights` keeps) reach {pct_spread(best)} test "
                f"accuracy against {pct_spread(last)} for the last epoch's, the homework's number: a difference of "
                f"{100 * gain:+.1f} ± {100 * gain_sd:.1f} points, better in {agree(sum(d > 0 for d in diff), n)}. "
                + (f"That is within the spread of the homework's number across seeds ({100 * spread:.1f} points): the "
                   f"answer stands either way." if abs(gain) <= spread else
                   f"That is more than the spread of the homework's number across seeds ({100 * spread:.1f} points): "
                   f"stopping by the previous epoch costs accuracy here."))
    return " ".join(text)


CURVE_NAMES = {"train_loss": "training loss", "val_loss": "validation loss", "train_acc": "training accuracy",
               "val_acc": "validation accuracy"}


def plot_histories(trained: list[TrainedDogModel], title: str, subtitle: str):
    """(loss figure, accuracy figure) against epoch: every seed, the median seed drawn strongest,
    each seed's stop epoch marked."""
    strong = median_seed(trained)
    figures = []
    for what, keys, ylabel in (("loss", ("train_loss", "val_loss"), "cross-entropy loss"),
                               ("accuracy", ("train_acc", "val_acc"), "accuracy (%)")):
        fig, ax = plt.subplots(figsize=(7, 4.4))
        scale = 100 if what == "accuracy" else 1
        for t in sorted(trained, key=lambda t: t is strong):
            epochs = [h["epoch"] for h in t.history]
            bold = t is strong
            for key, color in zip(keys, ("C0", "C1")):
                values = [scale * h[key] for h in t.history]
                label = f"{CURVE_NAMES[key]} (seed {t.seed}, the median)" if bold else None
                ax.plot(epochs, values, color=color, alpha=1.0 if bold else 0.3, linewidth=1.8 if bold else 0.9,
                        label=label)
                ax.plot(epochs[-1], values[-1], "|", color=color, markersize=10, alpha=1.0 if bold else 0.5)
        if what == "accuracy":
            ax.axhline(10, color="grey", linestyle="--", linewidth=0.8, label="chance (10 breeds)")
        ax.plot([], [], "|", color="grey", label="where each seed stopped (faint: other seeds)")
        ax.set(xlabel="epoch", ylabel=ylabel, title=f"{title}: {what}, {len(trained)} seeds")
        ax.legend(fontsize=8)
        fig.suptitle(subtitle, fontsize=8, y=0.0, va="top")
        figures.append(fig)
    return figures


def training_summary(trained: list[TrainedDogModel], data: DogsDataset, settings: DogSettings) -> str:
    """The headline of a DogSet training answer: test accuracy over seeds and the epochs it took."""
    test = [t.test_acc for t in trained]
    seconds = [t.train_seconds / len(t.history) for t in trained]
    return (f"**Test accuracy: {pct_spread(test)}** over {len(trained)} seed{'s' * (len(trained) > 1)} "
            f"(per seed: {', '.join(f'{100 * a:.1f}' for a in test)}%) on {data.counts()['test']:,} test images; chance is "
            f"10%. Training took {span([len(t.history) for t in trained])} epochs, "
            f"{statistics.median(seconds):.1f} s of training per epoch (median; {settings.threads} torch thread"
            f"{'s' * (settings.threads > 1)} per process, seeds trained side by side). A seed fixes the initial weights and the "
            f"shuffling order; the split into train, valid and test is DogSet's own and the same for every seed.")


def write_training_results(dest: Destination, prefix: str, script: str, title: str, trained: list[TrainedDogModel],
                           data: DogsDataset, settings: DogSettings, reasons: list[str], answers: dict[str, str],
                           extra: dict) -> None:
    """What q11 and q15 write: figures/{prefix}_loss.png and _accuracy.png, and results/{prefix}.json
    holding the answers, every seed's run and the mean and sd of their test accuracy."""
    seeds = [t.seed for t in trained]
    subtitle = f"Data: {data.summary()}\n{settings.describe()}; {seed_list(seeds)}"
    loss_fig, acc_fig = plot_histories(trained, title, subtitle)
    save_figure(loss_fig, dest.folder / "figures" / f"{prefix}_loss.png")
    save_figure(acc_fig, dest.folder / "figures" / f"{prefix}_accuracy.png")
    test = [t.test_acc for t in trained]
    figures = [[f"{prefix}_loss.png", "training and validation loss per epoch"],
               [f"{prefix}_accuracy.png", "training and validation accuracy per epoch"]]
    write_json(dest.folder / "results" / f"{prefix}.json", {
        "script": script, "data": data.summary(), "data_fingerprint": data.fingerprint, "seeds": seeds,
        "not_homework": "; ".join(reasons), "settings": settings.__dict__, "answers": answers,
        "figures": {question: figures for question in answers if question in ("Q11", "Q15")}, **extra,
        "partition_counts": data.counts(), "per_seed": [t.summary() for t in trained],
        "test_acc_mean": mean_sd(test)[0], "test_acc_sd": mean_sd(test)[1], "meta": run_metadata(pick_device()),
    })
