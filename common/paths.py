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


def check_writable_dir(path: Path, what: str) -> Path:
    """Create `path` if needed and prove it writable by writing and removing a probe file;
    a user error naming `what` (e.g. '--out') otherwise."""
    if path.exists() and not path.is_dir():
        raise UserError(f"{what} {path}: is a file, expected a folder")
    probe = path / f".write-probe-{os.getpid()}"
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        raise UserError(f"{what} {path}: not writable ({error.strerror or error})") from None
    return path
