"""Runs a student's code in a child process, in a temporary copy, with a time limit per step.

The child (checker/probe.py) writes a line of JSON as each step starts and ends; this module
watches those lines, kills the child's whole process group when a step outlives its limit, and
returns every step's outcome, so that a hang or a crash costs one step, never the report. The
child runs under limits: an address-space limit (`Limits.memory`, default 4 GiB; an allocation
beyond it fails in the student's code, which the child records), a cap on what it prints (the
child is stopped past it) and one thread for each of torch, OpenMP and MKL. This isolates errors,
not attacks: the student's code runs with the user's rights, and can write what it likes.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

PROBE = Path(__file__).with_name("probe.py")
STARTUP_LIMIT = 120.0  # seconds for the child to import torch, and between steps: the checker's own work
SKIPPED_FOLDERS = {".git", ".venv", "venv", "env", "__pycache__", "site-packages", "node_modules"}


@dataclass(frozen=True)
class Limits:
    """What one repository's child process may use: bytes of address space and of printed output."""

    memory: int = 4 << 30
    output: int = 1 << 20


@dataclass
class Step:
    """One check the child runs: `kind` names a function of probe.STEPS, `limit` is in seconds."""

    name: str
    kind: str
    params: dict = field(default_factory=dict)
    limit: float = 30.0


def copy_python_files(repo: Path, dest: Path) -> Path:
    """The repository's .py files, in their folders, under `dest` (data and .git stay behind)."""
    for path in repo.rglob("*.py"):
        relative = path.relative_to(repo)
        if SKIPPED_FOLDERS & set(relative.parts[:-1]) or not path.is_file():
            continue
        (dest / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest / relative)
    dest.mkdir(parents=True, exist_ok=True)
    return dest


def read_events(path: Path) -> list[dict]:
    """The complete JSON lines the child has written so far."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines(keepends=True) if line.endswith("\n")]


def last_output_line(log: Path) -> str:
    lines = [line for line in log.read_text(errors="replace").splitlines() if line.strip()] if log.exists() else []
    return lines[-1].strip()[:200] if lines else ""


def run_steps(repo: Path, steps: list[Step], workdir: Path, limits: Limits = Limits()) -> dict[str, dict]:
    """Each step's outcome: {'status': 'done', 'result': ...}, 'error' (with 'error'), 'skip',
    'timeout', 'output' (printed past the cap), 'crash' (with 'error') or 'not_run'; a 'startup'
    entry when the child never began."""
    copy = copy_python_files(repo, workdir / "repo")
    plan, records, log = workdir / "plan.json", workdir / "records.jsonl", workdir / "output.log"
    plan.write_text(json.dumps([{"name": s.name, "kind": s.kind, "params": s.params} for s in steps]))
    seconds = {s.name: s.limit for s in steps}
    outcome: dict[str, dict] = {s.name: {"status": "not_run"} for s in steps}
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "PYTHONPATH": "", "CHECKER_MEMORY_LIMIT": str(limits.memory),  # the child sets its own limits,
           "CHECKER_OUTPUT_LIMIT": str(limits.output)}  # and the runner stops one that prints on and on
    with open(log, "wb") as output:
        process = subprocess.Popen([sys.executable, str(PROBE), str(plan), str(records)], cwd=copy, env=env,
                                   stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        seen, since, current, timed_out, printed = 0, time.monotonic(), None, None, None
        while process.poll() is None:
            events = read_events(records)
            if len(events) > seen:
                seen, since = len(events), time.monotonic()
                current = events[-1]["step"] if events[-1]["event"] == "start" else None
            if time.monotonic() - since > (seconds[current] if current else STARTUP_LIMIT):
                timed_out = current or "startup"
            elif log.stat().st_size > limits.output:
                latest = read_events(records)  # again: the step may have started since the read above
                printed = latest[-1]["step"] if latest else "startup"
            if timed_out or printed:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                break
            time.sleep(0.05)
    for event in read_events(records):
        if event["event"] == "start":
            outcome[event["step"]] = {"status": "crash", "error": f"the process ended (exit status {process.returncode})"
                                      + (f"; it last printed: {last_output_line(log)}" if last_output_line(log) else "")}
        else:
            outcome[event["step"]] = {"status": event["event"], **{k: v for k, v in event.items() if k not in ("event", "step")}}
    if not read_events(records) and process.returncode and not (timed_out or printed):
        outcome["startup"] = {"status": "crash", "error": f"exit status {process.returncode}: {last_output_line(log)}"}
    if timed_out:
        outcome[timed_out] = {"status": "timeout", "limit": seconds.get(timed_out, STARTUP_LIMIT)}
    if printed:
        outcome[printed] = {"status": "output", "limit": limits.output}
    return outcome
