"""The leaf every other module may import: the repository root, the user-error type and
path helpers. It imports nothing of the project, so importing it is free of cycles."""
from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


class UserError(Exception):
    """Bad input the user can fix (a missing file, a corrupt image, an impossible value).

    `harness.cli.run_main` prints it as one `error: ...` line and exits with status 2.
    """


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
