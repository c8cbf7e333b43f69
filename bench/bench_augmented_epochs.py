"""How many epochs the augmented rung of the beyond ladder needs: rung 5's recipe (rung 2's
network and AdamW + one-cycle, with random 4-pixel crops and flips while training) trained
for each epoch count given, side by side in one-thread processes as the ladder trains, on the
same seed. Prints the test accuracy without and with flip averaging, the epoch of the lowest
validation loss and the training time of each: the numbers behind AUGMENTED_EPOCHS.

    python bench/bench_augmented_epochs.py --dogset PATH [--epochs 24 40 48] [--out FOLDER]

Each count is its own schedule (one-cycle spreads its warm-up and decay over the whole run),
so every count is a separate training from scratch. Models go to FOLDER/checkpoints (default:
a temporary folder), never to the ladder's own checkpoints.
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from beyond_dog_cnn import (AUGMENTED_EPOCHS, CROP_PADDING, ModernRecipe, flip_averaged_proba, test_accuracy, train_modern,  # noqa: E402
                            train_recipes_side_by_side)
from harness.dog_runs import load_dogset, predict_proba  # noqa: E402
from q15_dog_cnn import dog_tensors  # noqa: E402
from common.outputs import Destination  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dogset", type=Path, default=None)
    parser.add_argument("--epochs", type=int, nargs="+", default=[24, AUGMENTED_EPOCHS, 48])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    data = load_dogset(args.dogset, None, quiet=True)
    dest = Destination(args.out or Path(tempfile.mkdtemp(prefix="augmented-epochs-")), committed=False)
    recipes = [dataclasses.replace(ModernRecipe(), epochs=n, crop_padding=CROP_PADDING) for n in args.epochs]
    started = time.perf_counter()
    train_recipes_side_by_side(data, args.seed, recipes, dest, threads=1, jobs=args.jobs)  # one recipe: none here
    trained = [train_modern(data, args.seed, recipe, dest, threads=1) for recipe in recipes]
    print(f"trained {len(recipes)} schedule{'s' * (len(recipes) > 1)} in {(time.perf_counter() - started) / 60:.1f} "
          f"min ({data.summary()}; seed {args.seed})\n")
    x_test = dog_tensors(data).test.x
    print("| epochs | test accuracy | with flip averaging | lowest validation loss (epoch) | training (s) |")
    print("|---:|---:|---:|---:|---:|")
    for recipe, (model, record) in zip(recipes, trained):
        best = min(record["history"], key=lambda h: h["val_loss"])
        print(f"| {recipe.epochs} | {test_accuracy(predict_proba(model, x_test), data.testY):.1%} | "
              f"{test_accuracy(flip_averaged_proba(model, x_test), data.testY):.1%} | "
              f"{best['val_loss']:.3f} ({best['epoch']}) | {record['train_seconds']:.0f} |", flush=True)


if __name__ == "__main__":
    main()
