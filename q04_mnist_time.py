"""Q4–Q5: training time of the MNIST MLP against training-set size, and its extrapolation to
all 60,000 examples.

One fresh MLP (784→128→64→10) per size, trained with the homework's settings (SGD lr 0.01,
batch 10, 100 epochs, CrossEntropyLoss). The wall time of the training epochs is measured
with time.time(); loading data is not counted. A straight line time = a + b·n is fitted and
extrapolated to n = 60,000; `--full` then trains on all 60,000 to check the prediction.

Writes figures/q04_training_time.png, figures/q04_loss_curves.png and results/q04.json.
"""
from __future__ import annotations

import numpy as np

from common.cli import base_parser, run_main
from common.mnist_runs import add_mnist_arguments, check_sizes, data_title, seconds_to_hm, train_full, train_size
from common.outputs import pick_device, run_metadata, save_figure, settings_of, write_json
from common.plots import plt

FULL_SIZE = 60_000


def fit_line(sizes: list[int], seconds: list[float]) -> tuple[float, float]:
    """(a, b) of the least-squares line seconds = a + b·n."""
    b, a = np.polyfit(sizes, seconds, 1)
    return float(a), float(b)


def plot_times(runs: list[dict], a: float, b: float, full: dict | None, title: str):
    sizes = [r["size"] for r in runs]
    seconds = [r["train_seconds"] for r in runs]
    panels = 2 if full else 1
    fig, axes = plt.subplots(1, panels, figsize=(6 * panels, 4.2), squeeze=False)
    ax = axes[0][0]
    grid = np.linspace(0, max(sizes) * 1.05, 50)
    ax.plot(sizes, seconds, "o", label="measured")
    ax.plot(grid, a + b * grid, "-", label=f"fit: {a:.2f} s + {b * 1000:.2f} ms × n")
    ax.set(xlabel="training examples n", ylabel=f"training time for {runs[0]['epochs']} epochs (s)",
           title="Training time against training-set size")
    ax.legend()
    if full:
        ax = axes[0][1]
        grid = np.linspace(0, FULL_SIZE * 1.05, 50)
        ax.plot(grid / 1000, (a + b * grid) / 60, "-", label="fit extrapolated")
        ax.plot(np.array(sizes) / 1000, np.array(seconds) / 60, "o", label="measured (fit points)")
        ax.plot([FULL_SIZE / 1000], [full["train_seconds"] / 60], "s", color="C3", label="measured, all 60,000")
        ax.set(xlabel="training examples (thousands)", ylabel="training time (min)",
               title=f"Q5: predicted {full['predicted_seconds'] / 60:.1f} min, measured {full['train_seconds'] / 60:.1f} "
                     f"min ({full['relative_error']:+.1%})")
        ax.legend()
    fig.suptitle(title, fontsize=9, y=0.0, va="top")
    return fig


def plot_losses(runs: list[dict], full: dict | None, title: str):
    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    for r in runs:
        ax.plot(range(1, len(r["losses"]) + 1), r["losses"], label=f"n = {r['size']}")
    if full:
        ax.plot(range(1, len(full["losses"]) + 1), full["losses"], "--", label=f"n = {full['size']}")
    ax.set(xlabel="epoch", ylabel="training loss (mean cross-entropy per batch)", yscale="log",
           title="MNIST MLP: training loss per epoch")
    ax.legend()
    fig.suptitle(title, fontsize=9, y=0.0, va="top")
    return fig


def main() -> None:
    parser = base_parser(__doc__)
    add_mnist_arguments(parser)
    parser.add_argument("--full", action="store_true",
                        help="also train on all 60,000 training images to check the extrapolation (needs the IDX files)")
    args = parser.parse_args()
    sizes = check_sizes(args.sizes)
    if len(sizes) < 2:
        parser.error("--sizes needs at least two different sizes to fit a line")
    runs = []
    for size in sizes:
        trained = train_size(args, size, reuse=False)
        runs.append({"size": size, "epochs": args.epochs, "train_seconds": trained.train_seconds,
                     "losses": trained.losses, "test_acc": trained.test_acc})
        print(f"n = {size:5d}: {trained.train_seconds:6.1f} s for {args.epochs} epochs, "
              f"final loss {trained.losses[-1]:.4f}")
    source = trained.source
    a, b = fit_line(sizes, [r["train_seconds"] for r in runs])
    predicted = a + b * FULL_SIZE
    full = None
    if args.full:
        full = train_full(args)
        full["predicted_seconds"] = predicted
        full["relative_error"] = (predicted - full["train_seconds"]) / full["train_seconds"]
    title = f"Data: {data_title(source)}. SGD lr {args.lr}, batch {args.batch_size}, seed {args.seed}, {pick_device()}"
    results = {
        "question": "Q4-Q5", "data_source": source, "settings": settings_of(args),
        "runs": runs, "fit": {"a_seconds": a, "b_seconds_per_example": b},
        "predicted_seconds_60000": predicted, "full": full, "meta": run_metadata(pick_device()),
    }
    write_json(args.out / "results" / "q04.json", results)
    save_figure(plot_times(runs, a, b, full, title), args.out / "figures" / "q04_training_time.png")
    save_figure(plot_losses(runs, full, title), args.out / "figures" / "q04_loss_curves.png")

    threads = results["meta"]["torch_threads"]
    print(f"\nRan on {data_title(source)}, {pick_device()}, {threads} thread{'s' * (threads != 1)}.")
    print("Q4: training time for " + ", ".join(f"{r['size']} examples {r['train_seconds']:.1f} s" for r in runs)
          + f"; it grows linearly, about {b * 1000:.2f} ms per extra example ({b * 1000 / args.epochs * 1000:.1f} µs "
          f"per example per epoch), with an intercept of {a:.2f} s.")
    print(f"Q5: the line predicts {predicted:.0f} s = {seconds_to_hm(predicted)} for all {FULL_SIZE:,} examples.")
    if full:
        print(f"    Measured on all {FULL_SIZE:,}: {full['train_seconds']:.0f} s = {seconds_to_hm(full['train_seconds'])}; "
              f"the prediction is off by {full['relative_error']:+.1%}. Test accuracy of that model: {full['test_acc']:.1%}.")


if __name__ == "__main__":
    run_main(main)
