"""Where a run's files go, and writing them so that nothing is ever half-written.

The committed answer key (ANSWERS.md, results/, figures/ at the repository root) is replaced
only by a homework run on full data; any other run writes to runs/trial/ (git-ignored)
unless --out names a folder. Every file is written to a temporary file first and moved into
place with os.replace (atomic on one file system); temporary files a killed run left
behind are removed by the next write. No plotting here: writing JSON never imports
matplotlib.
"""
from __future__ import annotations

import hashlib
import json
import os
import platform
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import torch

from common.base import REPO_ROOT, UserError, check_writable_dir

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


def atomic_write(path: Path, write: Callable[[Path], None]) -> Path:
    """Call write(tmp) on a temporary file beside `path`, then move it over `path`, with the
    permissions a plain open() would give (mode 0666 less the umask)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(path)
    tmp = path.parent / f".{path.name}.{os.getpid()}.tmp"
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    finally:
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


def content_key(*parts: Any) -> str:
    """A short hash of settings and data: numpy arrays and tensors by their bytes, the rest by JSON."""
    digest = hashlib.sha256()
    for part in parts:
        if hasattr(part, "tobytes"):
            array = part.numpy() if isinstance(part, torch.Tensor) else part
            digest.update(f"{array.dtype}{array.shape}".encode())
            digest.update(array.tobytes())
        else:
            digest.update(json.dumps(part, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:16]


def save_checkpoint(path: Path, key: str, model: torch.nn.Module, record: dict) -> Path:
    """torch.save the model's weights with the key of the settings and data that produced them."""
    payload = {"key": key, "state_dict": {k: v.detach().cpu() for k, v in model.state_dict().items()},
               "record": record}
    return atomic_write(path, lambda tmp: torch.save(payload, tmp))


def load_checkpoint(path: Path, key: str, model: torch.nn.Module) -> dict | None:
    """Load the weights saved at `path` into `model` and return their record, if they were
    saved by `save_checkpoint` under the same key and fit the model; else None (retrain).
    A corrupt or foreign file (a list, a tensor, another model) is ignored, never a crash."""
    if not path.exists():
        return None
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
        if not (isinstance(payload, dict) and payload.get("key") == key and isinstance(payload.get("record"), dict)):
            return None
        model.load_state_dict(payload["state_dict"])
    except Exception:  # noqa: BLE001 - anything unreadable means: train again
        return None
    return payload["record"]


def cpu_model() -> str:
    """The CPU's marketing name, for results files (timings mean little without it)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def cpu_caches() -> dict[str, str]:
    """Cache sizes of CPU 0 as the kernel reports them, e.g. {'L1d': '32K', 'L2': '512K', 'L3': '32768K'}."""
    caches = {}
    for index in sorted(Path("/sys/devices/system/cpu/cpu0/cache").glob("index*")):
        try:
            level, kind = (index / "level").read_text().strip(), (index / "type").read_text().strip()
            size = (index / "size").read_text().strip()
        except OSError:
            continue
        caches[f"L{level}" + {"Data": "d", "Instruction": "i"}.get(kind, "")] = size
    return caches


def run_metadata(device: torch.device) -> dict:
    """Where and how a run happened: recorded in every results file."""
    return {
        "date_utc": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M"),
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        "device": str(device),
        "cpu": cpu_model(),
        "torch": torch.__version__,
        "python": platform.python_version(),
    }


def pick_device() -> torch.device:
    """CUDA when present, else CPU."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")
