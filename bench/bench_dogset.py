"""Benchmark: DogSet loading (first decode and cached reload) and one training epoch of
the Q11 MLP and the Q15 CNN with the homework protocol (batch 32, SGD lr 0.001).

    python bench/bench_dogset.py [--dogset PATH] [--repeats 3]

Uses a fresh cache folder for the first load, so the decode is really measured.
Prints medians over the repeats.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402
from torch import nn  # noqa: E402

from common.dog_runs import MODELS, image_dataset  # noqa: E402
from common.training import PlainSGD, seeded, train_one_epoch  # noqa: E402
from data.dogs import DogsDataset  # noqa: E402


def timed(function) -> tuple[float, object]:
    start = time.perf_counter()
    value = function()
    return time.perf_counter() - start, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dogset", type=Path, default=None)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        first, data = timed(lambda: DogsDataset(args.dogset, cache_dir=cache, quiet=True))
        reloads = [timed(lambda: DogsDataset(args.dogset, cache_dir=cache, quiet=True))[0] for _ in range(args.repeats)]
    print(f"data: {data.summary()}; torch {torch.__version__}, {torch.get_num_threads()} threads")
    print(f"  first load (decode {sum(data.counts().values()):,} PNGs, write cache): {first:.2f} s")
    print(f"  reload from cache: median {statistics.median(reloads):.2f} s (all: {', '.join(f'{t:.2f}' for t in reloads)})")
    train = image_dataset(*data.get_train_examples())
    for kind, factory in MODELS.items():
        model = seeded(factory, 0)
        optimizer, generator = PlainSGD(model.parameters(), lr=0.001), torch.Generator().manual_seed(0)
        epochs = [timed(lambda: train_one_epoch(model, train, nn.CrossEntropyLoss(), optimizer, 32, generator))[0]
                  for _ in range(args.repeats)]
        print(f"  one {kind.upper()} epoch ({len(train):,} images, batch 32): median {statistics.median(epochs):.2f} s "
              f"(all: {', '.join(f'{t:.2f}' for t in epochs)})")


if __name__ == "__main__":
    main()
