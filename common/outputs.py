"""Where a run's files go, and writing them so that nothing is ever half-written.

The committed answer key (ANSWERS.md, results/, figures/ at the repository root) is replaced
only by a homework run on full data; any other run writes to runs/trial/ (git-ignored)
unless --out names a folder. Every file is written to a temporary file first and moved into
place with os.replace (atomic on one file system); temporary files a killed run left
behind are removed by the next write. A write that fails (disk full, a file over the size
limit) is a user error naming the file and the cause, and leaves the file as it was.
Neither torch nor matplotlib is imported here, so the answer sheet can be rendered on a
machine without them.
"""
from __future__ import annotations

import json
import os
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from common.errors import UserError
from common.paths import REPO_ROOT, check_writable_dir

TRIAL_DIR = REPO_ROOT / "runs" / "trial"
CHECKPOINT_DIR = REPO_ROOT / "checkpoints"


@dataclass(frozen=True)
class Destination:
    """The folder a run writes to, and whether that is the committed answer key."""

    folder: Path
    committed: bool
    why_not_committed: str = ""

    @property
    def checkpoints(self) -> Path:
        """Trained models are a cache keyed by content, shared by every run that writes to the repository
        or runs/trial; an explicit --out keeps its own."""
        return CHECKPOINT_DIR if self.folder.resolve() in (REPO_ROOT, TRIAL_DIR.resolve()) else self.folder / "checkpoints"


def choose_destination(out: Path | None, not_homework: list[str]) -> Destination:
    """An explicit --out wins; else the repository when nothing in `not_homework` (the reasons
    this run is not the homework on full data) applies, else runs/trial. Checked writable now,
    before any training."""
    if out is not None:
        folder = check_writable_dir(out, "--out")
        committed = folder.resolve() == REPO_ROOT
        return Destination(folder, committed)
    if not not_homework:
        return Destination(REPO_ROOT, True)
    return Destination(check_writable_dir(TRIAL_DIR, "runs/trial"), False, "; ".join(not_homework))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _remove_stale_temporaries(path: Path) -> None:
    """Delete `.NAME.PID.tmp` files beside `path` whose process no longer runs (a killed earlier run)."""
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        pid = stale.name[len(path.name) + 2:-len(".tmp")]
        try:
            os.kill(int(pid), 0)
        except (ValueError, ProcessLookupError):
            stale.unlink(missing_ok=True)
        except PermissionError:
            pass  # another user's live process


def _os_error_behind(error: BaseException) -> OSError | None:
    """The OSError that `error` is, or was raised from or while handling (torch.save reports a
    full disk as a RuntimeError raised while handling one); None when there is none."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, OSError):
            return error
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return None


def atomic_write(path: Path, write: Callable[[Path], None]) -> Path:
    """Call write(tmp) on a temporary file beside `path`, then move it over `path`, with the
    permissions a plain open() would give (mode 0666 less the umask). A failure caused by the
    file system is a UserError naming `path` and the cause; `path` is then left as it was."""
    tmp = path.parent / f".{path.name}.{os.getpid()}.tmp"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_temporaries(path)
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except Exception as error:
        cause = _os_error_behind(error)
        if cause is None:
            raise
        left = "the previous version is left as it was" if path.exists() else "nothing was written"
        raise UserError(f"cannot write {path}: {cause.strerror or cause}; {left}") from error
    finally:
        with suppress(OSError):  # the next write removes what is left
            tmp.unlink(missing_ok=True)
    return path


def write_json(path: Path, data: Any) -> Path:
    """Write `data` as indented JSON, atomically."""
    return atomic_write(path, lambda tmp: tmp.write_text(json.dumps(data, indent=2) + "\n"))


def read_json(path: Path) -> Any:
    """A JSON file's contents, None when it does not exist, a user error naming it when it does not parse."""
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UserError(f"{path}: not a readable results file ({error}); rerun the script that writes it") from None
