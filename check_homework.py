"""Check your own homework: point the key at a student's repository and get back what is right,
what is off, and the measured slip that most likely explains it.

    python check_homework.py PATH [PATH ...] [--dogset DIR] [--seeds 0 1] [--out runs/check/]

Each PATH is a repository in the course's layout (src/models.py, src/run_model.py,
data/my_dataset.py). Its .py files are copied to a temporary folder and run in a child process
(checker/probe.py) with a time limit per step: part 1 checks each network's weights and output,
part 2 finds slips by running the code, part 3 (with DogSet) trains the dog networks with the
student's own run_model at the homework's settings and sets the numbers beside the key's. This
isolates errors, not attacks: run only code you would run yourself.
"""
from __future__ import annotations

import argparse
import json
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from checker import report
from checker.compare import compare
from checker.diagnose import diagnose, dogset_steps, steps
from checker.runner import run_steps
from data.dogs import DogsDataset, locate_dogset
from q11_dog_mlp import HOMEWORK

RESULTS = Path(__file__).resolve().parent / "results"


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="a student's repository")
    parser.add_argument("--dogset", help="DogSet folder for part 3 (default: $DOGSET_DIR, else data/DogSet; "
                                         "without one part 3 is skipped)")
    parser.add_argument("--seeds", nargs="+", type=int, default=[0], help="seeds for part 3 (default: 0)")
    parser.add_argument("--out", type=Path, default=Path("runs/check"), help="where the Markdown and JSON reports go")
    parser.add_argument("--timeout-train", type=float, default=600, help="seconds per part-3 training run (default 600)")
    parser.add_argument("--timeout", type=float, default=30, help="seconds per other step (default 30)")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                        help="repositories checked side by side, each in its own child process (default: %(default)s)")
    parser.add_argument("--epochs", type=int, default=HOMEWORK.epochs, help=argparse.SUPPRESS)  # tests: a tiny part 3
    return parser.parse_args(argv)


def export_dogset(folder: Path, dest: Path) -> tuple[str, str]:
    """DogSet's normalised channels-last arrays as one .npz the child reads, and its fingerprint."""
    dogs = DogsDataset(folder, quiet=True)
    path = dest / "dogset.npz"
    np.savez(path, **{f"{part}{axis}": getattr(dogs, f"{part}{axis}") for part in ("train", "valid", "test") for axis in "XY"})
    return str(path), dogs.fingerprint


def check(path: Path, workdir: Path, dogset: tuple[str, str] | None, args: argparse.Namespace) -> tuple[dict, list | None]:
    """(diagnosis, part 3 comparison or None) for one repository."""
    if not path.is_dir():
        return {"networks": {}, "facts": {}, "findings": [], "problems": [f"{path} is not a folder"], "dogset_runs": []}, None
    settings = {"epochs": args.epochs, "batch_size": HOMEWORK.batch_size, "lr": HOMEWORK.lr, "min_delta": HOMEWORK.min_delta}
    plan = steps(args.timeout) + (dogset_steps(dogset[0], args.seeds, settings, args.timeout_train) if dogset else [])
    diagnosis = diagnose(run_steps(path, plan, workdir))
    if not dogset:
        return diagnosis, None
    scale = diagnosis["facts"].get("accuracy_scale", 100)
    runs = [{**run, "test_acc": run["accuracy"] / scale} for run in diagnosis["dogset_runs"]]
    return diagnosis, compare(runs, {f["id"] for f in diagnosis["findings"]}, dogset[1], RESULTS)


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    folder = locate_dogset(args.dogset)
    note = "" if args.epochs == HOMEWORK.epochs else f" (not the homework's settings: {args.epochs} epochs)"
    args.out.mkdir(parents=True, exist_ok=True)
    names: list[str] = []
    for index, path in enumerate(args.paths):
        name = path.resolve().name
        names.append(name if name not in names else f"{name}-{index + 1}")
    with tempfile.TemporaryDirectory(prefix="check_homework-") as tmp:
        dogset = export_dogset(folder, Path(tmp)) if folder else None
        for name in names:
            (Path(tmp) / name).mkdir()
        with ThreadPoolExecutor(max(1, args.jobs)) as pool:  # each check waits on its own child process
            results = list(pool.map(lambda item: check(item[0], Path(tmp) / item[1], dogset, args),
                                    zip(args.paths, names)))
    rows = []
    for path, name, (diagnosis, compared) in zip(args.paths, names, results):
        text = report.markdown(name, str(path), diagnosis, compared, note)
        print(text)
        (args.out / f"{name}.md").write_text(text)
        (args.out / f"{name}.json").write_text(json.dumps(
            {"path": str(path), **diagnosis, "part3": compared, "verdict": report.verdict(name, diagnosis, compared)},
            indent=1))
        rows.append((name, diagnosis, compared))
    if len(rows) > 1:
        table = report.summary(rows)
        print(table)
        (args.out / "summary.md").write_text(table)
    print(f"reports written to {args.out}/")


if __name__ == "__main__":
    main()
