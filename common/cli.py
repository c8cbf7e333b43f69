"""Command-line plumbing shared by every question script.

Every script builds its parser from `base_parser` (so --seed, --quiet and --out mean the
same thing everywhere) and runs its `main` through `run_main`, which turns bad input into
one line on stderr and a non-zero exit instead of a traceback.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable

REPO_ROOT = Path(__file__).resolve().parent.parent


class UserError(Exception):
    """Bad input the user can fix (a missing file, a corrupt image, an impossible value).

    `run_main` prints it as a single `error: ...` line and exits with status 2.
    """


def base_parser(description: str) -> argparse.ArgumentParser:
    """A parser with the flags every question script shares."""
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed for subsets, weights and shuffling")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    parser.add_argument(
        "--out", type=Path, default=REPO_ROOT,
        help="folder that receives figures/, results/ and checkpoints/",
    )
    return parser


def positive_int(text: str) -> int:
    """argparse type: an integer >= 1."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {text}")
    return value


def positive_float(text: str) -> float:
    """argparse type: a float > 0."""
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a number > 0, got {text}")
    return value


def run_main(main: Callable[[], None]) -> None:
    """Run a script's main(); user errors and Ctrl-C become one line and a non-zero exit."""
    try:
        main()
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("interrupted: files already in place were left untouched", file=sys.stderr)
        sys.exit(130)


def defaults_namespace(add_arguments: Callable[[argparse.ArgumentParser], None], **overrides) -> argparse.Namespace:
    """The defaults of a group of flags as a namespace, with some values replaced.

    Lets one script (q18) drive code that expects another script's settings (the MNIST
    and DogSet protocols) without redeclaring their flags.
    """
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    namespace = parser.parse_args([])
    for key, value in overrides.items():
        setattr(namespace, key, value)
    return namespace
