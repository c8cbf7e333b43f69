"""What the last `make reproduce` cost, read from its results/*.json (nothing is rerun): each
step of run_all.py, the training seconds its script recorded, and the time outside training.

    python bench/bench_reproduce.py [--out FOLDER]   # default: the repository's results/

Machines of one kind differ by up to 2× per training step, so besides the total this reports
the time outside training: wall time minus the training seconds the scripts record. For q04
that is the epochs of Q4's models, Q5's 60,000-example run and its step-cost runs. For q11 and
q15 it is the wall time of their training phase, with its per-epoch validation and the idle
core while the fifth seed trains alone; the sum of the seeds' epoch times divided by the two
processes is shown beside it. q06, q08 and q18 reuse saved models: their time is all outside
training (q18's is the attacks).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def load(folder: Path, name: str) -> dict | None:
    path = folder / "results" / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def training_seconds(folder: Path, script: str) -> float:
    """Wall seconds of training that `script`'s facts record (0 for scripts that train nothing)."""
    name = script.split("_")[0]
    facts = load(folder, name)
    if not facts:
        return 0.0
    if name == "q04":
        full = facts.get("full") or {}
        return (sum(sum(run["train_seconds_per_seed"]) for run in facts["runs"]) + full.get("train_seconds", 0.0)
                + full.get("step_cost_train_seconds", 0.0))
    if name in ("q11", "q15"):
        return facts["training_wall_seconds"]
    return 0.0


def epoch_seconds_per_process(folder: Path, script: str) -> float | None:
    """q11/q15: the seeds' recorded epoch times, summed and divided by the processes that trained them."""
    facts = load(folder, script.split("_")[0])
    if not facts or "per_seed" not in facts:
        return None
    return sum(run["train_seconds"] for run in facts["per_seed"]) / min(facts["jobs"], len(facts["per_seed"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=REPO)
    folder = parser.parse_args().out
    run_all = load(folder, "run_all")
    if not run_all:
        sys.exit(f"no results/run_all.json in {folder}; run `make reproduce` first")
    print(f"run_all.py, seeds {run_all['seeds']}{' (--quick)' if run_all['quick'] else ''}\n")
    print("| script | wall (s) | training (s) | outside training (s) | epochs alone, per process (s) |\n"
          "|---|---:|---:|---:|---:|")
    total_training = 0.0
    for script, wall in run_all["step_seconds"].items():
        training = min(training_seconds(folder, script), wall)
        total_training += training
        epochs = epoch_seconds_per_process(folder, script)
        print(f"| {script} | {wall:.0f} | {training:.0f} | {wall - training:.0f} | "
              f"{'' if epochs is None else f'{epochs:.0f}'} |")
    total = run_all["total_seconds"]
    print(f"| **total** | **{total:.0f}** ({total / 60:.1f} min) | {total_training:.0f} | "
          f"{total - total_training:.0f} ({(total - total_training) / total:.0%}) | |")


if __name__ == "__main__":
    main()
