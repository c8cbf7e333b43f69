"""Benchmark: the loop the homework uses (the textbook one) against faster hand-rolled loops,
on the Q4 workload.

All variants train Digit_Classifier (784→128→64→10, CrossEntropyLoss, SGD lr 0.01, batch 10)
on a balanced 2,000-example MNIST set:
  * the homework's loop: q04_mnist_time.train, i.e. `DataLoader(MyDataset(x, y), batch_size=10,
    shuffle=True)` + torch.optim.SGD through run_model.fit, on `--threads` threads (default 1,
    as the MNIST scripts use it) and at torch's default thread count (as a student runs it);
  * sliced batches: one shuffled index per epoch, each batch cut out of the tensors with
    index_select (no per-example __getitem__ and collation), with torch.optim.SGD;
  * sliced batches with the SGD update as one fused `torch._foreach_add_` call (the loop this
    project used before it switched to the textbook one).
Each variant runs `--epochs` epochs per repeat, and the repeats alternate between the
variants so that machine noise hits all alike. Prints the median µs per optimisation step of
each, relative to the homework's loop.

    python bench/bench_train_loop.py [--mnist-dir PATH] [--repeats 5] [--epochs 3] [--threads 1]
"""
from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402
from torch import nn  # noqa: E402

import run_model  # noqa: E402
from load_data import load_mnist_data  # noqa: E402
from models import Digit_Classifier  # noqa: E402
from my_dataset import MyDataset  # noqa: E402
from q04_mnist_time import HOMEWORK, train  # noqa: E402

BATCH, LR = HOMEWORK.batch_size, HOMEWORK.lr


def homework_loop(dataset: MyDataset, epochs: int) -> float:
    """q04's recipe as the scripts run it. Returns the seconds of its training epochs."""
    return train(dataset, 0, dataclasses.replace(HOMEWORK, epochs=epochs))[1].train_seconds


def sliced_loop(dataset: MyDataset, epochs: int, fused_update: bool = False) -> float:
    """Batches sliced out of the tensors; torch.optim.SGD, or with `fused_update` one
    `_foreach_add_` call. Returns seconds."""
    torch.manual_seed(0)
    model = Digit_Classifier()
    loss_fn, optimizer = nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=LR)
    params = list(model.parameters())
    generator = torch.Generator().manual_seed(0)
    start = time.perf_counter()
    for _ in range(epochs):
        for index in torch.randperm(len(dataset), generator=generator).split(BATCH):
            optimizer.zero_grad()
            loss = loss_fn(model(dataset.x.index_select(0, index)), dataset.y.index_select(0, index))
            loss.backward()
            if fused_update:
                with torch.no_grad():
                    torch._foreach_add_(params, [p.grad for p in params], alpha=-LR)
            else:
                optimizer.step()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mnist-dir", type=Path, default=None)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    run_model.progress_bars = False
    default_threads = torch.get_num_threads()
    split = load_mnist_data(200, mnist_folder=args.mnist_dir, quiet=True)
    dataset = MyDataset(split.train_features, split.train_targets)
    steps = args.epochs * -(-len(dataset) // BATCH)
    variants = {
        f"homework loop (DataLoader + optim.SGD), {args.threads} thread(s)": (homework_loop, args.threads),
        f"homework loop, {default_threads} threads (torch's default)": (homework_loop, default_threads),
        f"sliced batches + optim.SGD, {args.threads} thread(s)": (sliced_loop, args.threads),
        f"sliced batches + fused update, {args.threads} thread(s)":
            (lambda d, e: sliced_loop(d, e, fused_update=True), args.threads),
    }
    timings: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(args.repeats):
        for name, (loop, threads) in variants.items():
            torch.set_num_threads(threads)
            timings[name].append(loop(dataset, args.epochs) / steps * 1e6)
    print(f"data: {split.source}; {len(dataset)} examples, batch {BATCH}, {steps} steps per repeat, "
          f"{args.repeats} repeats, torch {torch.__version__}")
    medians = {name: statistics.median(values) for name, values in timings.items()}
    homework = next(iter(medians.values()))
    for name, value in medians.items():
        print(f"  {name:<58} median {value:7.1f} µs/step, {value / homework:.2f}× the homework loop's time  "
              f"(all: {', '.join(f'{v:.0f}' for v in timings[name])})")


if __name__ == "__main__":
    main()
