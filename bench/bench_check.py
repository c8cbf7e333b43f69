"""How long `check_homework.py` takes: checks the correct fixture repository
(tests/homework_fixtures/correct) once without data (parts 1–2) and once on DogSet with part 3
(1 seed, MLP and CNN at the homework's settings), and stores both wall times in
results/check_time.json, which the README's measured section quotes.

    DOGSET_DIR=../shared/data/DogSet python bench/bench_check.py
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from answers.readme import update_readme  # noqa: E402
from data.dogs import locate_dogset  # noqa: E402
from common.outputs import write_json  # noqa: E402
from common.runtime import run_metadata  # noqa: E402

REPOSITORY = "tests/homework_fixtures/correct"


def timed_check(out: str, with_dogset: bool) -> tuple[float, dict]:
    """(wall seconds, the report) of check_homework.py on the correct fixture, with or without DogSet."""
    env = dict(os.environ) if with_dogset else {k: v for k, v in os.environ.items() if k != "DOGSET_DIR"}
    started = time.perf_counter()
    run = subprocess.run([sys.executable, "check_homework.py", REPOSITORY, "--out", out], cwd=REPO, env=env,
                         capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if run.returncode != 0:
        sys.exit(f"check_homework.py failed: {run.stderr.strip().splitlines()[-1:]}")
    return seconds, json.loads((Path(out) / "correct.json").read_text())


def main() -> None:
    if locate_dogset() is None:
        sys.exit("bench_check.py needs DogSet: set DOGSET_DIR")
    with tempfile.TemporaryDirectory() as first, tempfile.TemporaryDirectory() as second:
        parts_1_2, _ = timed_check(first, with_dogset=False)
        seconds, report = timed_check(second, with_dogset=True)
    part3 = [{"network": n["network"], "epochs": [r["epochs"] for r in n["runs"]],
              "test_acc": [r["test_acc"] for r in n["runs"]]} for n in report["part3"] or []]
    write_json(REPO / "results" / "check_time.json", {
        "seconds_parts_1_2": parts_1_2, "seconds": seconds, "repository": REPOSITORY, "seeds": [0], "part3": part3,
        "meta": run_metadata()})
    update_readme(REPO)
    print(f"check_homework.py: parts 1–2 {parts_1_2:.0f} s; with part 3 {seconds:.0f} s; wrote results/check_time.json "
          "and the README's measured section")


if __name__ == "__main__":
    main()
