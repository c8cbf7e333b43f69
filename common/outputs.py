"""Writing results, figures and checkpoints so that a failed or interrupted run never
leaves a half-written file: everything goes to a temporary file first and is then
moved into place with os.replace, which is atomic on one file system."""
from __future__ import annotations

import json
import os
import platform
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import torch

from common.plots import plt


def atomic_write(path: Path, write: Callable[[Path], None]) -> Path:
    """Call write(tmp) on a temporary file beside `path`, then move it over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def write_json(path: Path, data: Any) -> Path:
    """Write `data` as indented JSON, atomically."""
    return atomic_write(path, lambda tmp: tmp.write_text(json.dumps(data, indent=2) + "\n"))


def read_json(path: Path) -> Any:
    """Read a JSON file, or None when it does not exist."""
    return json.loads(path.read_text()) if path.exists() else None


def save_figure(fig: plt.Figure, path: Path) -> Path:
    """Save a matplotlib figure as PNG, atomically, and close it."""
    try:
        return atomic_write(path, lambda tmp: fig.savefig(tmp, format="png", dpi=120, bbox_inches="tight"))
    finally:
        plt.close(fig)


def save_checkpoint(path: Path, payload: dict) -> Path:
    """torch.save a dict (state_dict plus the settings that produced it), atomically."""
    return atomic_write(path, lambda tmp: torch.save(payload, tmp))


def load_checkpoint(path: Path, config: dict) -> dict | None:
    """The checkpoint at `path` if it was trained with exactly `config`, else None."""
    if not path.exists():
        return None
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception:  # a corrupt or foreign file is simply not reused
        return None
    return payload if payload.get("config") == config else None


def cpu_model() -> str:
    """The CPU's marketing name, for results files (timings mean little without it)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def run_metadata(device: torch.device) -> dict:
    """Where and how a run happened: recorded in every results file."""
    return {
        "date_utc": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M"),
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        "device": str(device),
        "cpu": cpu_model(),
        "torch_threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "python": platform.python_version(),
    }


def settings_of(args) -> dict:
    """An argparse namespace as JSON-ready settings (paths as strings), for results files."""
    return {key: str(value) if isinstance(value, Path) else value for key, value in vars(args).items()}


def pick_device() -> torch.device:
    """CUDA when present, else CPU."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")
