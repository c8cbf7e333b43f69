"""What makes the beyond ladder's modern CNN fast on this CPU: one training step (forward,
backward, AdamW) of a batch of 64 images, in PyTorch's default memory order and in
channels-last order, on 1 thread and on all cores. Reports the median of several steps
after a warm-up, and the epoch time it implies for the shared DogSet's 6,126 training images.

    python bench/bench_modern_cnn.py [--steps 10]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402

from beyond_dog_cnn import in_channels_last, modern_dog_cnn  # noqa: E402

TRAIN_IMAGES = 6_126
BATCH = 64


def step_seconds(channels_last: bool, threads: int, steps: int) -> float:
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = in_channels_last(modern_dog_cnn()) if channels_last else modern_dog_cnn()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    x, y = torch.randn(BATCH, 3, 64, 64), torch.randint(0, 10, (BATCH,))
    times = []
    for i in range(steps + 3):
        start = time.perf_counter()
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(model(x), y).backward()
        optimizer.step()
        if i >= 3:  # the first steps pick their kernels
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=10)
    args = parser.parse_args()
    cores = torch.get_num_threads()
    results = {}
    for channels_last in (False, True):
        for threads in sorted({1, cores}):
            results[channels_last, threads] = step_seconds(channels_last, threads, args.steps)
            seconds = results[channels_last, threads]
            print(f"{'channels-last' if channels_last else 'default order':>14}, {threads} thread{'s' * (threads > 1)}: "
                  f"{seconds * 1000:6.0f} ms per step of {BATCH} → {seconds * -(-TRAIN_IMAGES // BATCH):5.1f} s per epoch")
    print(f"channels-last speed-up at {cores} threads: {results[False, cores] / results[True, cores]:.2f}×")


if __name__ == "__main__":
    main()
