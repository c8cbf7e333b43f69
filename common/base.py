"""The leaf every other module may import: the repository root, the user-error type and
path helpers. It imports nothing of the project, so importing it is free of cycles."""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


class UserError(Exception):
    """Bad input the user can fix (a missing file, a corrupt image, an impossible value).

    `common.cli.run_main` prints it as one `error: ...` line and exits with status 2.
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


def flags_differing_from_defaults(settings, ignore: tuple[str, ...] = ("threads",)) -> list[str]:
    """'--epochs 2'-style notes for every field of a settings dataclass that differs from the
    class's defaults (the homework's), leaving out `ignore` (threads change speed, not answers)."""
    defaults = type(settings)()
    return [f"--{f.name.replace('_', '-')} {getattr(settings, f.name)}" for f in dataclasses.fields(settings)
            if f.name not in ignore and getattr(settings, f.name) != getattr(defaults, f.name)]
