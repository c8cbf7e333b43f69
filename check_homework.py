"""Check your own homework: point the key at a student's repository and get back what is right,
what is off (each slip at the student's own line, with its fix), and the measured slip that most
likely explains a DogSet number.

    python check_homework.py PATH [PATH ...] [--dogset DIR] [--term auto] [--seeds 0 1] [--out runs/check/]

Each PATH is a repository in the course's layout (src/models.py, src/run_model.py,
data/my_dataset.py). Its .py files are copied to a temporary folder and run in a child process
(checker/probe.py) with a time limit per step: part 1 checks each network's weights and output,
part 2 finds slips by running the code, part 3 (with DogSet) trains the dog networks with the
student's own run_model at the term's settings and sets the numbers beside the key's. Terms
differ (the CNN's stride and pooling, the stopping rule, batch size and learning rate): by default
a repository is held to this homework's rules unless only another term's CNN builds, and every
report says which rules it checked against. This isolates errors, not attacks: run only code you
would run yourself.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from checker import part3_figure, report
from checker.compare import compare
from checker.gradescope import find_repository, load_rubric
from checker.gradescope import results as gradescope_results
from checker.diagnose import DOG_NETWORKS, diagnose, dogset_steps, loading_steps, steps
from checker.runner import Limits, run_steps
from checker.status import EXIT_STATUS, status
from checker.terms import TERMS, TermChoice, choose
from data.dogs import DogsDataset, locate_dogset
from common.errors import UserError
from common.cli import positive_float, positive_int, run_main
from common.outputs import atomic_write, write_json

RESULTS = Path(__file__).resolve().parent / "results"
RUBRIC = Path(__file__).resolve().parent / "gradescope" / "rubric.json"
EPILOG = """exit status: 0 every repository was checked in full and nothing is off; 1 a slip was found;
2 a check that was asked for could not run in some repository (or bad input). --out holds
NAME.md and NAME.json per repository, written as each finishes, and summary.json.

Each student's process runs with one thread, --memory-limit and --output-limit, and each step
under its time limit. This runs the student's code with your rights: it isolates errors, not
attacks. Run only code you would run yourself; to grade a class, run each submission in its own
container (make gradescope builds Gradescope's autograder)."""


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=EPILOG)
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="a student's repository")
    parser.add_argument("--dogset", help="DogSet folder for part 3 (default: $DOGSET_DIR, else data/DogSet; "
                                         "without one part 3 is skipped)")
    parser.add_argument("--term", choices=["auto", *TERMS], default="auto",
                        help="the rules to check against: 'homework' (this key's: CNN kernel 5 stride 2, stop after 3 "
                             "epochs in a row), 'pool' (the max-pool term's: kernel 5 stride 1 with 2x2 max-pool, stop "
                             "after 1 epoch) or 'auto' (homework's, unless only another term's CNN builds) "
                             "(default: auto)")
    parser.add_argument("--patience", type=positive_int, help="epochs in a row without a decrease before stopping "
                                                              "(default: the term's)")
    parser.add_argument("--conv-kernel", type=positive_int, help="the CNN's kernel size (default: the term's)")
    parser.add_argument("--conv-stride", type=positive_int, help="the CNN's stride (default: the term's)")
    parser.add_argument("--conv-pool", type=int, help="max-pool size after each conv, 0 for none (default: the term's)")
    parser.add_argument("--batch-size", type=positive_int, help="part 3's batch size (default: the term's)")
    parser.add_argument("--lr", type=positive_float, help="part 3's learning rate (default: the term's)")
    parser.add_argument("--seeds", nargs="+", type=int, default=[0], help="seeds for part 3 (default: 0)")
    parser.add_argument("--out", type=Path, default=Path("runs/check"), help="where the Markdown and JSON reports go "
                                                                              "(default: runs/check)")
    parser.add_argument("--timeout-train", type=positive_float, default=600,
                        help="time limit in seconds per part-3 training run (default 600; part 3 trains both dog "
                             "networks per seed, which takes minutes: the README gives the measured time)")
    parser.add_argument("--timeout", type=positive_float, default=30,
                        help="time limit in seconds per other step (default 30; parts 1-2 take a few seconds)")
    parser.add_argument("--memory-limit", type=positive_float, default=4,
                        help="GiB of address space for each student's process (default 4)")
    parser.add_argument("--output-limit", type=positive_int, default=1024,
                        help="KiB a student's process may print before it is stopped (default 1024)")
    parser.add_argument("--gradescope", type=Path, metavar="RESULTS_JSON",
                        help="also write Gradescope's results.json for the one PATH, scored by --rubric; PATH may "
                             "be a submission folder holding the repository at any depth")
    parser.add_argument("--rubric", type=Path, default=RUBRIC,
                        help="points per check for --gradescope (default: gradescope/rubric.json, the course's split)")
    parser.add_argument("--jobs", type=positive_int, default=min(2, os.cpu_count() or 1),
                        help="repositories checked side by side, each in its own child process (default: %(default)s)")
    parser.add_argument("--epochs", type=positive_int, help=argparse.SUPPRESS)  # tests: a tiny part 3
    return parser.parse_args(argv)


def export_dogset(folder: Path, dest: Path) -> tuple[str, str]:
    """DogSet's normalised channels-last arrays as one .npz the child reads, and its fingerprint."""
    dogs = DogsDataset(folder, quiet=True)
    path = dest / "dogset.npz"
    np.savez(path, **{f"{part}{axis}": getattr(dogs, f"{part}{axis}") for part in ("train", "valid", "test") for axis in "XY"})
    return str(path), dogs.fingerprint


def part3(path: Path, workdir: Path, diagnosis: dict, choice: TermChoice, dogset: tuple[str, str],
          args: argparse.Namespace) -> list[dict]:
    """Part 3 in a second child, once part 2 has settled the term: the dog networks trained at its settings."""
    chosen = choice.term
    settings = {"epochs": args.epochs or chosen.epochs, "batch_size": chosen.batch_size, "lr": chosen.lr,
                "min_delta": chosen.min_delta}
    plan = (loading_steps(args.timeout, choice, DOG_NETWORKS)
            + dogset_steps(dogset[0], args.seeds, settings, args.timeout_train))
    outcome = run_steps(path, plan, workdir, limits(args))
    runs = []
    for name, result in outcome.items():
        if not name.startswith("DogSet "):
            continue
        if result["status"] == "done":
            runs.append({"network": name.split()[1], "seed": int(name.split()[-1]), **result["result"]})
        elif result["status"] != "not_run":
            diagnosis["not_run"].append({"check": f"part 3, {name}", "reason": f"could not train: {part3_failure(result)}"})
    diagnosis["dogset_runs"] = runs
    return compare(diagnosis, dogset[1], RESULTS)


def limits(args: argparse.Namespace) -> Limits:
    return Limits(memory=int(args.memory_limit * (1 << 30)), output=args.output_limit << 10)


def part3_failure(outcome: dict) -> str:
    """Why a part-3 training run did not finish, in a few words."""
    if outcome["status"] == "timeout":
        return f"stopped after {outcome['limit']:g} s, the limit per training run (--timeout-train)"
    if outcome["status"] == "skip":
        return outcome["reason"]
    error = outcome["error"]
    if isinstance(error, dict):
        return f"{error['type']}: {error['message']}" + (f" at {error['where']}" if error.get("where") else "")
    return str(error)


def check(path: Path, workdir: Path, dogset: tuple[str, str] | None, args: argparse.Namespace) -> tuple[dict, list | None]:
    """(diagnosis, part 3 comparison or None) for one repository."""
    choice = choose(path, args.term, patience=args.patience, conv_kernel=args.conv_kernel,
                    conv_stride=args.conv_stride, conv_pool=args.conv_pool, batch_size=args.batch_size, lr=args.lr)
    if not path.is_dir():
        empty = diagnose({}, choice)
        empty["not_run"].append({"check": "the repository", "reason": f"{path} is not a folder"})
        return empty, None
    diagnosis = diagnose(run_steps(path, steps(args.timeout, choice), workdir / "parts12", limits(args)), choice)
    if not dogset:
        return diagnosis, None
    return diagnosis, part3(path, workdir / "part3", diagnosis, choice, dogset, args)


def repository_names(paths: list[Path]) -> list[str]:
    names: list[str] = []
    for index, path in enumerate(paths):
        name = path.resolve().name
        names.append(name if name not in names else f"{name}-{index + 1}")
    return names


class Reports:
    """--out's files, each written as soon as its repository is checked, so that a run stopped
    midway keeps what is done: NAME.md, NAME.json and summary.json (and summary.md at the end)."""

    def __init__(self, out: Path, note: str) -> None:
        self.out, self.note, self.entries, self.lock = out, note, {}, threading.Lock()

    def write(self, name: str, path: Path, diagnosis: dict, compared: list | None) -> str:
        figure = part3_figure.draw(name, compared, self.out / f"{name}_part3.png") if compared else None
        text = report.markdown(name, str(path), diagnosis, compared, self.note, figure.name if figure else None)
        atomic_write(self.out / f"{name}.md", lambda tmp: tmp.write_text(text))
        write_json(self.out / f"{name}.json", {"path": str(path), **diagnosis, "part3": compared,
                                               "verdict": report.verdict(name, diagnosis, compared)})
        with self.lock:
            self.entries[name] = report.summary_entry(name, str(path), diagnosis)
            worst = max((e["exit_status"] for e in self.entries.values()), default=0)
            write_json(self.out / "summary.json", {"exit_status": worst, "repositories": list(self.entries.values())})
        return text


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    folder = locate_dogset(args.dogset)
    if args.out.exists() and not args.out.is_dir():
        raise UserError(f"--out {args.out} is a file; give a folder for the reports")
    if args.gradescope and len(args.paths) != 1:
        raise UserError("--gradescope writes one submission's results.json: give one PATH")
    rubric = load_rubric(args.rubric) if args.gradescope else None
    paths = [find_repository(args.paths[0]) or args.paths[0]] if args.gradescope else args.paths
    note = "" if args.epochs is None else f" (not the term's settings: {args.epochs} epochs)"
    args.out.mkdir(parents=True, exist_ok=True)
    names, reports, started = repository_names(paths), Reports(args.out, note), time.monotonic()

    def check_and_write(path: Path, name: str) -> tuple[dict, list | None, str]:
        diagnosis, compared = check(path, Path(tmp) / name, dogset, args)
        return diagnosis, compared, reports.write(name, path, diagnosis, compared)

    with tempfile.TemporaryDirectory(prefix="check_homework-") as tmp:
        dogset = export_dogset(folder, Path(tmp)) if folder else None
        for name in names:
            (Path(tmp) / name).mkdir()
        with ThreadPoolExecutor(args.jobs) as pool:  # each check waits on its own child process
            results = list(pool.map(check_and_write, paths, names))
    texts = [text for _, _, text in results]
    if len(results) > 1:
        texts.append(report.summary([(name, d, c) for name, (d, c, _) in zip(names, results)]))
        atomic_write(args.out / "summary.md", lambda tmp: tmp.write_text(texts[-1]))
    if args.gradescope:
        diagnosis, compared, _ = results[0]
        write_json(args.gradescope, gradescope_results(names[0], diagnosis, report.verdict(names[0], diagnosis, compared),
                                                       rubric, time.monotonic() - started))
    print("\n".join(texts) + f"\nreports written to {args.out}/", flush=True)
    if not args.gradescope:  # Gradescope reads results.json; a non-zero exit would read as the autograder failing
        sys.exit(max(EXIT_STATUS[status(d)] for d, _, _ in results))


if __name__ == "__main__":
    run_main(main)
