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
from torch.utils.data import DataLoader  # noqa: E402

from data.dogs import DogsDataset  # noqa: E402
from q11_dog_mlp import HOMEWORK, dog_tensors  # noqa: E402
from models import Dog_Classifier_Conv, Dog_Classifier_FC  # noqa: E402
from run_model import train_epoch  # noqa: E402


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
    train = dog_tensors(data).train
    for network in (Dog_Classifier_FC, Dog_Classifier_Conv):
        torch.manual_seed(0)
        model = network()
        optimizer = torch.optim.SGD(model.parameters(), lr=HOMEWORK.lr)
        loader = DataLoader(train, batch_size=HOMEWORK.batch_size, shuffle=True, generator=torch.Generator().manual_seed(0))
        epochs = [timed(lambda: train_epoch(model, loader, nn.CrossEntropyLoss(), optimizer))[0]
                  for _ in range(args.repeats)]
        print(f"  one {network.__name__} epoch ({len(train):,} images, batch {HOMEWORK.batch_size}): median {statistics.median(epochs):.2f} s "
              f"(all: {', '.join(f'{t:.2f}' for t in epochs)})")


if __name__ == "__main__":
    main()
