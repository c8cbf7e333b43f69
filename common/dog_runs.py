"""The DogSet protocol shared by Q11 (MLP) and Q15 (CNN), and reused by Q9 and Q18:
batch 32, CrossEntropyLoss, SGD lr 0.001, at most 100 epochs, stopping when the
validation loss has failed to decrease by more than 1e-4 for 3 epochs in a row."""
from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import torch
from torch import nn

from common.cli import positive_float, positive_int
from common.models import count_parameters, dog_cnn, dog_mlp
from common.outputs import load_checkpoint, pick_device, save_checkpoint
from common.plots import plt
from common.training import PlateauStopper, evaluate, fit, seeded
from data.dogs import DogsDataset
from my_dataset import MyDataset

MODELS: dict[str, Callable[[], nn.Module]] = {"mlp": dog_mlp, "cnn": dog_cnn}


def add_dog_arguments(parser: argparse.ArgumentParser) -> None:
    """The DogSet homework settings as flags, defaulting to the homework's values."""
    parser.add_argument("--dogset", type=Path, default=None,
                        help="DogSet folder with dogs.csv and images/ (default: $DOGSET_DIR, else data/DogSet)")
    parser.add_argument("--cache-dir", type=Path, default=None,
                        help="where decoded images are cached (default: $DOGSET_CACHE, else .cache/dogset)")
    parser.add_argument("--epochs", type=positive_int, default=100, help="epoch cap")
    parser.add_argument("--batch-size", type=positive_int, default=32)
    parser.add_argument("--lr", type=positive_float, default=0.001)
    parser.add_argument("--patience", type=positive_int, default=3,
                        help="stop after this many epochs in a row without enough improvement")
    parser.add_argument("--min-delta", type=float, default=1e-4,
                        help="a decrease of the validation loss by at most this much does not count")


def load_dogset(args: argparse.Namespace) -> DogsDataset:
    return DogsDataset(args.dogset, cache_dir=args.cache_dir, quiet=args.quiet)


def as_tensors(x, y) -> MyDataset:
    """[N, 64, 64, 3] images as the [N, 3, 64, 64] tensors both networks take."""
    return MyDataset(torch.from_numpy(x).permute(0, 3, 1, 2).contiguous(), y)


@dataclass
class TrainedDogModel:
    kind: str
    model: nn.Module
    history: list[dict]
    stop_reason: str
    train_seconds: float
    test_acc: float
    reused: bool


def checkpoint_config(args: argparse.Namespace, kind: str, data: DogsDataset) -> dict:
    return {"model": kind, "epochs": args.epochs, "batch_size": args.batch_size, "lr": args.lr,
            "patience": args.patience, "min_delta": args.min_delta, "seed": args.seed, "data": data.fingerprint}


def train_dog_model(args: argparse.Namespace, kind: str, data: DogsDataset, *, reuse: bool) -> TrainedDogModel:
    """Train the `kind` ('mlp' or 'cnn') network with the homework protocol, or, with `reuse`,
    load the checkpoint an earlier run saved under args.out with identical settings and data."""
    device = pick_device()
    model = seeded(MODELS[kind], args.seed, device)
    config = checkpoint_config(args, kind, data)
    path = Path(args.out) / "checkpoints" / f"dog_{kind}.pt"
    saved = load_checkpoint(path, config) if reuse else None
    test = as_tensors(*data.get_test_examples()).to(device)
    if saved is not None:
        model.load_state_dict(saved["state_dict"])
        return TrainedDogModel(kind, model, saved["history"], saved["stop_reason"], saved["train_seconds"],
                               evaluate(model, test)[1], reused=True)
    result = fit(
        model, as_tensors(*data.get_train_examples()), epochs=args.epochs, batch_size=args.batch_size, lr=args.lr,
        seed=args.seed, val=as_tensors(*data.get_validation_examples()),
        stopper=PlateauStopper(args.min_delta, args.patience), track_train_acc=True,
        progress=not args.quiet, desc=f"DogSet {kind}",
    )
    history = result.history_dicts()
    save_checkpoint(path, {"config": config, "state_dict": {k: v.cpu() for k, v in model.state_dict().items()},
                           "history": history, "stop_reason": result.stop_reason,
                           "train_seconds": result.train_seconds})
    return TrainedDogModel(kind, model, history, result.stop_reason, result.train_seconds,
                           evaluate(model, test)[1], reused=False)


def analyse_history(history: list[dict]) -> dict:
    """Q12's evidence from the per-epoch history: where validation loss bottoms out,
    where the train/validation gap opens, where validation accuracy stops improving.

    The gap "opens" at the first epoch where the validation loss exceeds the training
    loss by more than 10% of the validation loss; validation accuracy "stops improving"
    at the first epoch from which it is within 1 point of its best.
    """
    val = [h["val_loss"] for h in history]
    best = min(range(len(val)), key=val.__getitem__)
    gaps = [h["val_loss"] - h["train_loss"] for h in history]
    opens = next((h["epoch"] for h, g in zip(history, gaps) if g > 0.1 * h["val_loss"]), None)
    best_acc = max(range(len(history)), key=lambda i: history[i]["val_acc"])
    plateau = next(h["epoch"] for h in history if h["val_acc"] >= history[best_acc]["val_acc"] - 0.01)
    return {
        "best_val_loss_epoch": history[best]["epoch"], "best_val_loss": val[best],
        "final_val_loss": val[-1], "final_train_loss": history[-1]["train_loss"],
        "gap_first_epoch": gaps[0], "gap_at_best": gaps[best], "gap_final": gaps[-1], "gap_opens_epoch": opens,
        "best_val_acc_epoch": history[best_acc]["epoch"], "best_val_acc": history[best_acc]["val_acc"],
        "val_acc_plateau_epoch": plateau, "train_acc_at_plateau": history[plateau - 1]["train_acc"],
        "final_val_acc": history[-1]["val_acc"], "final_train_acc": history[-1]["train_acc"],
        "epochs": len(history),
    }


def describe_history(a: dict, stop_reason: str) -> str:
    """The Q12-style reading of a training run, worded from `analyse_history`'s numbers."""
    parts = [f"Training ran {a['epochs']} epochs and stopped because {stop_reason}."]
    if a["best_val_loss_epoch"] < a["epochs"]:
        parts.append(f"The validation loss was lowest at epoch {a['best_val_loss_epoch']} ({a['best_val_loss']:.3f}) "
                     f"and ended at {a['final_val_loss']:.3f}, while the training loss kept falling to "
                     f"{a['final_train_loss']:.3f}.")
    else:
        parts.append(f"The validation loss was still at its lowest in the last epoch ({a['best_val_loss']:.3f}); "
                     f"the training loss ended at {a['final_train_loss']:.3f}.")
    if a["gap_opens_epoch"] is not None:
        parts.append(f"The gap between validation and training loss opens at epoch {a['gap_opens_epoch']} "
                     f"(more than 10% of the validation loss) and reaches {a['gap_final']:.3f} at the end.")
    else:
        parts.append(f"Training and validation loss stay close throughout (final gap {a['gap_final']:.3f}).")
    parts.append(f"Validation accuracy reached its best, {a['best_val_acc']:.1%}, in epoch {a['best_val_acc_epoch']}, but "
                 f"was already within 1 point of it from epoch {a['val_acc_plateau_epoch']} on; from there training "
                 f"accuracy kept rising, from {a['train_acc_at_plateau']:.1%} to {a['final_train_acc']:.1%}.")
    if a["final_val_loss"] > a["best_val_loss"] * 1.01:
        parts.append("Together this is overfitting: past the validation minimum the network fits the training "
                     "images better and better while generalising worse.")
    elif a["best_val_loss_epoch"] < a["epochs"]:
        parts.append("The validation loss had flattened out (its last value is within 1% of its minimum) while the "
                     "training loss kept falling: the network has stopped learning what generalises and is starting to "
                     "overfit, which is where the stopping rule ended training.")
    else:
        parts.append("The network was still improving on held-out data: it is not overfitting yet.")
    return " ".join(parts)


def plot_history(history: list[dict], title: str, subtitle: str):
    """(loss figure, accuracy figure) against epoch."""
    epochs = [h["epoch"] for h in history]
    best = min(history, key=lambda h: h["val_loss"])["epoch"]
    loss_fig, ax = plt.subplots(figsize=(6.5, 4.2))
    ax.plot(epochs, [h["train_loss"] for h in history], label="training loss")
    ax.plot(epochs, [h["val_loss"] for h in history], label="validation loss")
    ax.axvline(best, color="grey", linestyle=":", label=f"lowest validation loss (epoch {best})")
    ax.set(xlabel="epoch", ylabel="cross-entropy loss", title=f"{title}: loss")
    ax.legend()
    loss_fig.suptitle(subtitle, fontsize=8, y=0.0, va="top")
    acc_fig, ax = plt.subplots(figsize=(6.5, 4.2))
    ax.plot(epochs, [100 * h["train_acc"] for h in history], label="training accuracy")
    ax.plot(epochs, [100 * h["val_acc"] for h in history], label="validation accuracy")
    ax.axhline(10, color="grey", linestyle="--", linewidth=0.8, label="chance (10 breeds)")
    ax.set(xlabel="epoch", ylabel="accuracy (%)", title=f"{title}: accuracy")
    ax.legend()
    acc_fig.suptitle(subtitle, fontsize=8, y=0.0, va="top")
    return loss_fig, acc_fig


def weight_count(kind: str) -> dict:
    """Connection weights and biases of a DogSet network, counted from the model."""
    weights, biases = count_parameters(MODELS[kind]())
    return {"weights": weights, "biases": biases, "parameters": weights + biases}


def run_experiment(args: argparse.Namespace, kind: str, prefix: str, title: str,
                   answers: dict[str, str], extra: dict) -> dict:
    """What q11 and q15 share: load DogSet, train with the protocol, write
    figures/{prefix}_loss.png, figures/{prefix}_accuracy.png and results/{prefix}.json,
    and print the answers (`answers` come first, the Q12-style reading last)."""
    from common.outputs import run_metadata, save_figure, settings_of, write_json

    data = load_dogset(args)
    print(f"Data: {data.summary()}")
    trained = train_dog_model(args, kind, data, reuse=False)
    analysis = analyse_history(trained.history)
    reading = describe_history(analysis, trained.stop_reason)
    subtitle = f"Data: {data.summary()}\nSGD lr {args.lr}, batch {args.batch_size}, seed {args.seed}; {trained.stop_reason}"
    loss_fig, acc_fig = plot_history(trained.history, title, subtitle)
    results = {
        "question": prefix, "model": kind, "data_path": str(data.path), "data_source": data.source,
        "partition_counts": data.counts(), "settings": settings_of(args), **extra,
        "history": trained.history, "epochs_trained": len(trained.history), "stop_reason": trained.stop_reason,
        "train_seconds": trained.train_seconds, "seconds_per_epoch": trained.train_seconds / len(trained.history),
        "test_acc": trained.test_acc, "analysis": analysis, "reading": reading, "answers": answers,
        "meta": run_metadata(pick_device()),
    }
    write_json(args.out / "results" / f"{prefix}.json", results)
    save_figure(loss_fig, args.out / "figures" / f"{prefix}_loss.png")
    save_figure(acc_fig, args.out / "figures" / f"{prefix}_accuracy.png")
    for question, answer in answers.items():
        print(f"{question}: {answer}")
    print(f"Trained {len(trained.history)} epochs in {trained.train_seconds:.0f} s; test accuracy "
          f"{trained.test_acc:.1%} on {data.counts()['test']:,} test images.")
    print(f"Reading of the curves: {reading}")
    return results
