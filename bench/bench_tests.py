"""How long `make test` takes here: runs the test suite once (with .venv in place) and stores
the wall time and the count of passed tests in results/test_time.json, which the README's
measured section quotes; it rewrites that section (answers/readme.py).

    python bench/bench_tests.py
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from answers.readme import update_readme  # noqa: E402
from common.outputs import write_json  # noqa: E402
from common.runtime import run_metadata  # noqa: E402


def make_test_command() -> tuple[dict[str, str], list[str]]:
    """(environment settings, pytest's arguments) of the Makefile's test target, so that this
    times what `make test` runs."""
    recipe = re.search(r"^test:.*\n\t((?:\w+=\S+ )*)\$\(PY\) -m pytest(.*)$", (REPO / "Makefile").read_text(),
                       re.MULTILINE)
    if recipe is None:
        sys.exit("error: no `$(PY) -m pytest` line under the Makefile's test target")
    return dict(setting.split("=", 1) for setting in recipe.group(1).split()), recipe.group(2).split()


def main() -> None:
    environment, args = make_test_command()
    started = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "pytest", *args, "-q"], cwd=REPO, capture_output=True, text=True,
                         env={**os.environ, **environment})
    seconds = time.perf_counter() - started
    summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else ""
    passed = re.search(r"(\d+) passed", summary)
    if run.returncode != 0 or passed is None:
        sys.exit(f"the test suite did not pass ({summary or 'no summary'}); nothing written")
    write_json(REPO / "results" / "test_time.json", {
        "seconds": seconds, "passed": int(passed.group(1)), "summary": summary,
        "meta": run_metadata()})
    update_readme(REPO)
    print(f"{summary}: {seconds:.0f} s; wrote results/test_time.json and the README's measured section")


if __name__ == "__main__":
    main()
