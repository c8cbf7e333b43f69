"""Q4–Q5: training time of the MNIST MLP against training-set size, and its extrapolation to
all 60,000 examples.

The recipe is `train` below: a fresh Digit_Classifier (models.py) per size and seed,
CrossEntropyLoss, SGD lr 0.01, a shuffling DataLoader of batch 10 over MyDataset, 100 epochs
of run_model.fit, one model at a time on one torch thread. The wall time of the training
epochs is measured; loading data and testing are not. A straight line
time = a + b·n is fitted through the median time of each size over the seeds and
extrapolated to n = 60,000. `--full` then trains one model on all 60,000 to check the
prediction, and measures the cost of one SGD step at growing n to explain the error.

Writes results/q04.json, figures/q04_training_time.png and figures/q04_loss_curves.png; the
words are in answers/q04.py. The committed answer needs real MNIST, the homework settings,
seeds 0–4 and --full.

Everything imported from harness/ is plumbing a reader may skip (flags, which subsets each
seed draws, saved models, where results go); it calls `train` and never changes its arithmetic.
"""
from __future__ import annotations

import dataclasses
import statistics

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader

from answers.q04 import judge_extrapolation
from answers.sheet import publish
from common.errors import UserError
from common.cli import run_main
from harness.drivers import start_mnist_question
from harness.mnist_runs import FULL_SIZE, MnistSettings, full_training_set, train_full, train_one_size
from common.runtime import cpu_caches, torch_threads
from models import Digit_Classifier
from my_dataset import MyDataset
from run_model import History, fit


HOMEWORK = MnistSettings(epochs=100, batch_size=10, lr=0.01, test_per_class=100)  # the flags' defaults


def train(train_set: MyDataset, seed: int, settings: MnistSettings = HOMEWORK) -> tuple[nn.Module, History]:
    """Q4's recipe for one training set."""
    torch.manual_seed(seed)  # the seed fixes the initial weights...
    model = Digit_Classifier()  # 784 → 128 → 64 → 10
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=settings.lr)  # lr 0.01
    loader = DataLoader(train_set, batch_size=settings.batch_size, shuffle=True,  # batch 10, a new order each epoch...
                        generator=torch.Generator().manual_seed(seed))  # ...fixed by the seed
    return model, fit(model, loader, loss_fn, optimizer, epochs=settings.epochs)  # 100 epochs, no early stopping


STEP_COST_SIZES = (2_000, 5_000, 10_000, 20_000, 60_000)
STEP_COST_MIN_STEPS = 5_000  # about 3 s per measurement, long enough to average out timer noise
STEP_COST_REPEATS = 3


def fit_line(sizes: list[int], seconds: list[float]) -> tuple[float, float]:
    """(a, b) of the least-squares line seconds = a + b·n."""
    b, a = np.polyfit(sizes, seconds, 1)
    return float(a), float(b)


def measure_step_costs(mnist_dir, settings: MnistSettings, seed: int, sizes: tuple[int, ...],
                       threads: int) -> tuple[list[dict], float]:
    """µs per SGD step when training on n random examples of the full training set, for each n
    below its size and for all of it: the median of STEP_COST_REPEATS runs of at least
    STEP_COST_MIN_STEPS steps, a fresh model each time, the same threads as Q4. The sizes take
    turns within each repeat, so a slow spell of this shared machine hits them all alike.
    Returns the rows and the seconds of training they took."""
    full = full_training_set(mnist_dir)
    rng = np.random.default_rng(seed)
    subsets = {n: rng.permutation(len(full))[:n] for n in sorted({s for s in sizes if s < len(full)} | {len(full)})}
    costs: dict[int, list[float]] = {n: [] for n in subsets}
    spent = 0.0
    for _ in range(STEP_COST_REPEATS):
        for n, index in subsets.items():
            data = MyDataset(full.x[index], full.y[index])
            steps_per_epoch = -(-n // settings.batch_size)
            epochs = max(1, -(-STEP_COST_MIN_STEPS // steps_per_epoch))
            with torch_threads(threads):
                _, history = train(data, seed, dataclasses.replace(settings, epochs=epochs))
            costs[n].append(history.train_seconds / (epochs * steps_per_epoch) * 1e6)
            spent += history.train_seconds
    return [{"n": n, "train_tensor_bytes": int(n * (28 * 28 * 4 + 8)), "us_per_step": statistics.median(costs[n]),
             "us_per_step_runs": costs[n]} for n in subsets], spent


def check_flags(args, sizes: list[int]) -> None:
    """Before training: a line needs two sizes, and --full needs the IDX files."""
    if len(sizes) < 2:
        raise UserError("--sizes needs at least two different sizes to fit a line")
    if args.full:
        full_training_set(args.mnist_dir)


def main() -> None:
    run = start_mnist_question(__doc__, HOMEWORK, lambda parser: parser.add_argument(
        "--full", action="store_true",
        help="also train on all 60,000 training images to check the extrapolation (needs the IDX files)"),
        check=check_flags, homework={"full": True})
    settings, seeds, sizes, args = run.settings, run.seeds, run.sizes, run.args
    per_size = {size: [] for size in sizes}
    for seed in seeds:
        for size in sizes:
            trained = train_one_size(Digit_Classifier, train, args.mnist_dir, size, seed, settings,
                                     run.dest.checkpoints, reuse=False, threads=args.threads)
            per_size[size].append(trained)
            print(f"seed {seed} n = {size:5d}: {trained.train_seconds:6.1f} s for {settings.epochs} epochs, "
                  f"final loss {trained.losses[-1]:.4f}", flush=True)
    runs = [{"size": size, "epochs": settings.epochs, "seeds": list(seeds),
             "train_seconds_per_seed": [t.train_seconds for t in trained_list],
             "train_seconds_median": statistics.median(t.train_seconds for t in trained_list),
             "final_loss_median": statistics.median(t.losses[-1] for t in trained_list),
             "losses_per_seed": [t.losses for t in trained_list]} for size, trained_list in per_size.items()]
    a, b = fit_line(sizes, [r["train_seconds_median"] for r in runs])
    full = None
    if args.full:
        full = train_full(train, args.mnist_dir, seeds[0], settings, threads=args.threads)
        steps = -(-full["size"] // settings.batch_size) * settings.epochs
        step_costs, step_cost_seconds = measure_step_costs(args.mnist_dir, settings, seeds[0], STEP_COST_SIZES,
                                                             args.threads)
        full.update(predicted_seconds=a + b * full["size"],
                    fit_us_per_step=b * settings.batch_size / settings.epochs * 1e6,
                    full_us_per_step=full["train_seconds"] / steps * 1e6,
                    step_costs=step_costs, step_cost_train_seconds=step_cost_seconds, step_cost_repeats=STEP_COST_REPEATS, step_cost_min_steps=STEP_COST_MIN_STEPS,
                    cpu_caches=cpu_caches())
        full["relative_error"] = (full["predicted_seconds"] - full["train_seconds"]) / full["train_seconds"]
        full["verdict"] = judge_extrapolation(runs, full, settings.batch_size, settings.epochs)
    publish(run.dest, "q04", {**run.common_facts(), "runs": runs, "fit": {"a_seconds": a, "b_seconds_per_example": b},
                              "predicted_seconds_60000": a + b * FULL_SIZE, "full": full})


if __name__ == "__main__":
    run_main(main)
