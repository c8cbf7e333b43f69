"""How a run uses the CPU (torch threads), and the machine facts every results file records
(timings mean little without the CPU that produced them)."""
from __future__ import annotations

import contextlib
import os
import platform
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import torch

from common.paths import shown_command

# The batch of every test and prediction pass: bench/bench_evaluate.py measures 128–256 as the
# fastest for the CNN on one thread.
EVAL_BATCH = 256


@contextlib.contextmanager
def torch_threads(threads: int | None) -> Iterator[None]:
    """Run the block with `threads` torch threads (None: leave as is), then restore the
    previous count, so one run's setting never leaks into the next model."""
    previous = torch.get_num_threads()
    if threads is not None:
        torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def cpu_model() -> str:
    """The CPU's marketing name."""
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


def run_metadata() -> dict:
    """Where and how a run happened: recorded in every results file."""
    return {
        "date_utc": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M"),
        "command": shown_command(sys.argv),
        "device": "cpu",
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "torch": torch.__version__,
        "python": platform.python_version(),
    }
