"""How long `check_homework.py` takes with part 3: checks the correct fixture repository
(tests/homework_fixtures/correct) on DogSet with 1 seed, MLP and CNN at the homework's settings,
and stores the wall time in results/check_time.json, which the README's measured section quotes.

    DOGSET_DIR=../shared/data/DogSet python bench/bench_check.py
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from data.dogs import locate_dogset  # noqa: E402
from harness.outputs import write_json  # noqa: E402
from harness.runtime import cpu_model  # noqa: E402


def main() -> None:
    if locate_dogset() is None:
        sys.exit("bench_check.py needs DogSet: set DOGSET_DIR")
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        run = subprocess.run([sys.executable, "check_homework.py", "tests/homework_fixtures/correct", "--out", out],
                             cwd=REPO, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        if run.returncode != 0:
            sys.exit(f"check_homework.py failed: {run.stderr.strip().splitlines()[-1:]}")
        report = json.loads((Path(out) / "correct.json").read_text())
    part3 = [{"network": n["network"], "epochs": [r["epochs"] for r in n["runs"]],
              "test_acc": [r["test_acc"] for r in n["runs"]]} for n in report["part3"] or []]
    write_json(REPO / "results" / "check_time.json", {
        "seconds": seconds, "repository": "tests/homework_fixtures/correct", "seeds": [0], "part3": part3,
        "meta": {"date_utc": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M"), "cpu": cpu_model()}})
    print(f"check_homework.py with part 3: {seconds:.0f} s; wrote results/check_time.json")


if __name__ == "__main__":
    main()
