"""The command line every command shares: argparse types that reject impossible values up front,
a parser whose errors are one line, and `run_main`, which turns bad input into one line on stderr
and exit status 2."""
from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path
from typing import Callable

from common.errors import UserError
from common.paths import check_can_be_dir

MAX_SEED = 2**63 - 1  # torch.manual_seed and numpy's default_rng both take any seed in 0..2^63−1


def positive_int(text: str) -> int:
    """argparse type: an integer >= 1."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {text}")
    return value


def seed_int(text: str) -> int:
    """argparse type: a seed torch and numpy both accept."""
    value = int(text)
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"expected an integer from 0 to {MAX_SEED}, got {text}")
    return value


def positive_float(text: str) -> float:
    """argparse type: a finite float > 0."""
    value = float(text)
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"expected a finite number > 0, got {text}")
    return value


def non_negative_float(text: str) -> float:
    """argparse type: a finite float >= 0."""
    value = float(text)
    if not (math.isfinite(value) and value >= 0):
        raise argparse.ArgumentTypeError(f"expected a finite number >= 0, got {text}")
    return value


def folder_path(text: str) -> Path:
    """argparse type: a folder that exists or can be made and written (checked creating nothing,
    so a bad --out fails before any data is read or cached)."""
    try:
        check_can_be_dir(Path(text), "folder")
    except UserError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return Path(text)


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a bad flag is one `error: ...` line and exit 2 (no usage dump)."""

    def error(self, message: str):
        print(f"error: {message}", file=sys.stderr)
        sys.exit(2)


def run_main(main: Callable[[], None]) -> None:
    """Run a script's main(); user errors and Ctrl-C become one line and a non-zero exit."""
    try:
        main()
    except BrokenPipeError:  # output piped into `head`: what was read is shown, the rest goes nowhere
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
    except Exception as error:  # noqa: BLE001 - re-raised unless it is the user's to fix
        # A diverging run (run_model.TrainingDiverged: try a smaller --lr) counts as bad input too;
        # run_model is looked up, not imported, so that torch-free scripts stay torch-free.
        diverged = getattr(sys.modules.get("run_model"), "TrainingDiverged", ())
        if not isinstance(error, (UserError, diverged)):
            raise
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("interrupted: files already in place were left untouched", file=sys.stderr)
        sys.exit(130)
