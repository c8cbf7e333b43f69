"""Evaluation cost per image of the homework's DogSet networks at batch sizes 32–1,024, on one
torch thread as the training processes run, and of the input gradient that q18's attacks take.
Chooses the batch size of the evaluation loaders (EVAL_BATCH in common/runtime.py) and of q18's attacks.

    python bench/bench_evaluate.py [--repeats 5]

Random inputs of DogSet's shape (the cost does not depend on the pixel values); median of
--repeats passes over 1,344 images (the validation set's size).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from common.runtime import torch_threads  # noqa: E402
from models import Dog_Classifier_Conv, Dog_Classifier_FC  # noqa: E402

IMAGES = 1344
BATCHES = (32, 64, 128, 256, 512, 1024)


def per_image_us(run, x: torch.Tensor, batch: int, repeats: int) -> float:
    """Median µs per image of `run` over `x` in batches of `batch`."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for i in range(0, len(x), batch):
            run(x[i:i + batch])
        times.append((time.perf_counter() - start) / len(x) * 1e6)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    torch.manual_seed(0)
    x = torch.randn(IMAGES, 3, 64, 64)
    models = {"MLP": Dog_Classifier_FC().eval(), "CNN": Dog_Classifier_Conv().eval()}

    def forward(model):
        return lambda batch: model(batch)

    def input_gradient(model):
        def run(batch):
            batch = batch.clone().requires_grad_(True)
            torch.autograd.grad(model(batch).logsumexp(1).sum(), batch)
        return run

    print(f"µs per image, median of {args.repeats} passes over {IMAGES:,} images, 1 torch thread")
    print("| batch | " + " | ".join(f"{name} forward" for name in models) + " | CNN input gradient |")
    print("|---:|" + "---:|" * (len(models) + 1))
    with torch_threads(1), torch.no_grad():
        for batch in BATCHES:
            cells = [per_image_us(forward(m), x, batch, args.repeats) for m in models.values()]
            with torch.enable_grad():
                cells.append(per_image_us(input_gradient(models["CNN"]), x, batch, args.repeats))
            print(f"| {batch:,} | " + " | ".join(f"{c:.1f}" for c in cells) + " |", flush=True)


if __name__ == "__main__":
    main()
