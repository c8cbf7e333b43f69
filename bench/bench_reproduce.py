"""What one seed and the whole reproduction cost, read from the last `make reproduce` (its
results/*.json; nothing is rerun): Q4's four MNIST models per seed, the DogSet MLP and CNN per
seed, and each step of run_all.py.

    python bench/bench_reproduce.py [--out FOLDER]   # default: the repository's results/
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def load(folder: Path, name: str) -> dict | None:
    path = folder / "results" / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=REPO)
    folder = parser.parse_args().out
    q04, run_all = load(folder, "q04"), load(folder, "run_all")
    if q04:
        per_seed = [sum(run["train_seconds_per_seed"][i] for run in q04["runs"]) for i in range(len(q04["seeds"]))]
        print(f"Q4, the {len(q04['runs'])} MNIST models of one seed: median {statistics.median(per_seed):.1f} s "
              f"(per seed: {', '.join(f'{s:.1f}' for s in per_seed)}) on {q04['meta']['cpu']}")
        if q04.get("full"):
            print(f"Q5, all 60,000 examples: {q04['full']['train_seconds']:.0f} s")
    for name, label in (("q11", "DogSet MLP"), ("q15", "DogSet CNN")):
        result = load(folder, name)
        if result:
            seconds = [run["train_seconds"] for run in result["per_seed"]]
            print(f"{label}, one seed: median {statistics.median(seconds):.0f} s of training "
                  f"(per seed: {', '.join(f'{s:.0f}' for s in seconds)})")
    if run_all:
        print(f"run_all.py, {len(run_all['seeds'])} seeds: {run_all['total_seconds'] / 60:.1f} min in all; "
              + ", ".join(f"{script} {seconds:.0f} s" for script, seconds in run_all["step_seconds"].items()))
    if not (q04 or run_all):
        sys.exit(f"no results in {folder / 'results'}; run `make reproduce` first")


if __name__ == "__main__":
    main()
