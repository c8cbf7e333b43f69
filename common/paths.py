"""The repository root and path helpers: which folder a flag or variable names, and proving a
folder writable before anything runs."""
from __future__ import annotations

import os
from pathlib import Path

from common.errors import UserError

REPO_ROOT = Path(__file__).resolve().parent.parent


def resolve_dir(given: str | Path | None, variable: str, default: Path) -> tuple[Path, bool]:
    """(folder, named): the folder given by flag, else by environment variable, else the
    default; `named` says whether the user named it (flag or variable) rather than defaulted."""
    named = given or os.environ.get(variable)
    return (Path(named), True) if named else (default, False)


def shown_path(path: str | Path) -> str:
    """`path` as results files and answer sheets record it: relative to the repository root
    (`../shared/data/DogSet`, `data/mnist`), so that a committed key names no folder of the
    machine that made it and reads the same from any clone."""
    return os.path.relpath(Path(path).absolute(), REPO_ROOT)


def shown_command(argv: list[str]) -> str:
    """A command line as results files record it: the script's name, then its arguments with
    every absolute path (alone or after `--flag=`) shown by `shown_path`."""
    def shown(arg: str) -> str:
        flag, equals, value = arg.rpartition("=") if arg.startswith("--") else ("", "", arg)
        return f"{flag}{equals}{shown_path(value)}" if os.path.isabs(value) else arg
    return " ".join([Path(argv[0]).name, *map(shown, argv[1:])])


def check_can_be_dir(path: Path, what: str) -> None:
    """Check, creating nothing, that `path` is or can become a writable folder: it is no file, and
    its nearest existing folder is writable. `--out` is checked so when parsed (common.cli's
    folder_path), before data is read or cached; `check_writable_dir` proves it for sure later."""
    if path.exists() and not path.is_dir():
        raise UserError(f"{what} {path}: is a file, expected a folder")
    existing = next(p for p in (path, *path.parents) if p.exists())
    if not existing.is_dir():
        raise UserError(f"{what} {path}: {existing} is a file, expected a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise UserError(f"{what} {path}: not writable ({existing} is read-only)")


def check_writable_dir(path: Path, what: str) -> Path:
    """Create `path` if needed and prove it writable by writing and removing a probe file;
    a user error naming `what` (e.g. '--out') otherwise."""
    check_can_be_dir(path, what)
    probe = path / f".write-probe-{os.getpid()}"
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        raise UserError(f"{what} {path}: not writable ({error.strerror or error})") from None
    return path
