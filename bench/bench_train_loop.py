"""Benchmark: the project's training loop against a plain DataLoader loop on the Q4 workload.

Both train the Q4 MLP (784→128→64→10, CrossEntropyLoss, SGD lr 0.01, batch 10) on a
balanced 2,000-example MNIST set. Each variant runs `--epochs` epochs per repeat, and
the repeats alternate between the variants so that machine noise hits both alike.
Prints the median µs per optimisation step of each and their ratio.

    python bench/bench_train_loop.py [--mnist-dir PATH] [--repeats 5] [--epochs 3]
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
    args = parser.parse_args()
    split = load_mnist_data(200, mnist_folder=args.mnist_dir, quiet=True)
    dataset = MyDataset(split.train_features, split.train_targets)
    steps = args.epochs * -(-len(dataset) // BATCH)
    timings: dict[str, list[float]] = {"plain DataLoader loop": [], "project loop": []}
    for _ in range(args.repeats):
        timings["plain DataLoader loop"].append(plain_loop(dataset, args.epochs) / steps * 1e6)
        timings["project loop"].append(project_loop(dataset, args.epochs) / steps * 1e6)
    print(f"data: {split.source}; {len(dataset)} examples, batch {BATCH}, {steps} steps per repeat, "
          f"{args.repeats} repeats, torch {torch.__version__}, {torch.get_num_threads()} threads")
    medians = {name: statistics.median(values) for name, values in timings.items()}
    for name, value in medians.items():
        print(f"  {name:<22} median {value:7.1f} µs/step  (all: {', '.join(f'{v:.0f}' for v in timings[name])})")
    print(f"  speed-up: {medians['plain DataLoader loop'] / medians['project loop']:.2f}×")


if __name__ == "__main__":
    main()
