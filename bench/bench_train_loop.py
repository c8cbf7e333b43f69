"""Benchmark: the project's training loop against a plain DataLoader loop on the Q4 workload.

All variants train the Q4 MLP (784→128→64→10, CrossEntropyLoss, SGD lr 0.01, batch 10) on a
balanced 2,000-example MNIST set:
  * the plain loop, `DataLoader(MyDataset(x, y), batch_size=10, shuffle=True)` with
    torch.optim.SGD, at torch's default thread count (what a student would write),
  * the same plain loop with `--threads` threads (default 1, as the MNIST scripts use),
  * the project's loop (common.training.train_one_epoch with PlainSGD) with `--threads`.
Each variant runs `--epochs` epochs per repeat, and the repeats alternate between the
variants so that machine noise hits all alike. Prints the median µs per optimisation step
of each and the ratios.

    python bench/bench_train_loop.py [--mnist-dir PATH] [--repeats 5] [--epochs 3] [--threads 1]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402
from torch import nn  # noqa: E402
from torch.utils.data import DataLoader  # noqa: E402

from common.models import mnist_mlp  # noqa: E402
from common.training import PlainSGD, seeded, train_one_epoch  # noqa: E402
from load_data import load_mnist_data  # noqa: E402
from my_dataset import MyDataset  # noqa: E402

BATCH, LR = 10, 0.01


def plain_loop(dataset: MyDataset, epochs: int) -> float:
    """The textbook loop: DataLoader(shuffle=True), one example per __getitem__. Returns seconds."""
    model = seeded(mnist_mlp, 0)
    loss_fn, optimizer = nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=LR)
    loader = DataLoader(dataset, batch_size=BATCH, shuffle=True)
    start = time.perf_counter()
    for _ in range(epochs):
        for x, y in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
    return time.perf_counter() - start


def project_loop(dataset: MyDataset, epochs: int) -> float:
    """common.training.train_one_epoch, as fit() runs it. Returns seconds."""
    model = seeded(mnist_mlp, 0)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = PlainSGD(model.parameters(), lr=LR)
    generator = torch.Generator().manual_seed(0)
    start = time.perf_counter()
    for _ in range(epochs):
        train_one_epoch(model, dataset, loss_fn, optimizer, BATCH, generator)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mnist-dir", type=Path, default=None)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    default_threads = torch.get_num_threads()
    split = load_mnist_data(200, mnist_folder=args.mnist_dir, quiet=True)
    dataset = MyDataset(split.train_features, split.train_targets)
    steps = args.epochs * -(-len(dataset) // BATCH)
    variants = {
        f"plain loop, {default_threads} threads (default)": (plain_loop, default_threads),
        f"plain loop, {args.threads} thread(s)": (plain_loop, args.threads),
        f"project loop, {args.threads} thread(s)": (project_loop, args.threads),
    }
    timings: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(args.repeats):
        for name, (loop, threads) in variants.items():
            torch.set_num_threads(threads)
            timings[name].append(loop(dataset, args.epochs) / steps * 1e6)
    print(f"data: {split.source}; {len(dataset)} examples, batch {BATCH}, {steps} steps per repeat, "
          f"{args.repeats} repeats, torch {torch.__version__}")
    medians = {name: statistics.median(values) for name, values in timings.items()}
    for name, value in medians.items():
        print(f"  {name:<32} median {value:7.1f} µs/step  (all: {', '.join(f'{v:.0f}' for v in timings[name])})")
    plain_default, plain_same, project = medians.values()
    print(f"  project loop vs plain loop as written (default threads): {plain_default / project:.2f}× faster")
    print(f"  project loop vs plain loop at the same thread count:     {plain_same / project:.2f}× faster")


if __name__ == "__main__":
    main()
