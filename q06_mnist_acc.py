"""Q6–Q7: test accuracy of the MNIST MLP against training-set size.

Evaluates one MLP per training-set size (500, 1,000, 1,500, 2,000 by default) on a balanced
1,000-example subset (100 per digit) of the MNIST test file. Models that q04_mnist_time.py
already trained with the same settings and data are loaded from checkpoints/; any other
size is trained here with the same shared code.

Writes figures/q06_accuracy.png and results/q06.json.
"""
from __future__ import annotations

from common.cli import base_parser, run_main
from common.mnist_runs import add_mnist_arguments, check_sizes, data_title, train_size
from common.outputs import pick_device, run_metadata, save_figure, settings_of, write_json
from common.plots import plt


def describe_trend(sizes: list[int], accuracies: list[float], test_examples: int) -> str:
    """Q7's answer, worded from the measured accuracies and their sampling noise."""
    steps = [(a1 - a0) * 100 for a0, a1 in zip(accuracies, accuracies[1:])]
    first, last = accuracies[0] * 100, accuracies[-1] * 100
    mean = sum(accuracies) / len(accuracies)
    error = 100 * (mean * (1 - mean) / test_examples) ** 0.5  # one standard error of an accuracy
    if all(g > 0 for g in steps):
        shape = "rises with every larger training set"
    elif last > first:
        shape = "rises overall, though not at every step"
    else:
        shape = "does not rise with more training data"
    text = (f"Test accuracy {shape}: from {first:.1f}% with {sizes[0]:,} examples to {last:.1f}% with {sizes[-1]:,} "
            f"(steps between consecutive sizes: {', '.join(f'{g:+.1f}' for g in steps)} points).")
    text += (f" On {test_examples:,} test images each accuracy is uncertain by about ±{error:.1f} points (one "
             f"standard error), so ")
    if last - first > 3 * error:
        text += (f"the individual steps are noisy, but the overall gain of {last - first:.1f} points is far outside the "
                 f"noise: more training data clearly helps, and the curve has not levelled off by {sizes[-1]:,} examples.")
    else:
        text += "the measured differences are within the noise: these sizes are too close together to show a trend."
    return text


def main() -> None:
    parser = base_parser(__doc__)
    add_mnist_arguments(parser)
    args = parser.parse_args()
    sizes = check_sizes(args.sizes)
    runs = [train_size(args, size, reuse=True) for size in sizes]
    source = runs[0].source
    accuracies = [r.test_acc for r in runs]
    test_size = 10 * args.test_per_class
    for r in runs:
        print(f"n = {r.size:5d}: test accuracy {r.test_acc:.1%} ({'checkpoint from q04' if r.reused else 'trained now'})")
    answer = describe_trend(sizes, accuracies, test_size)

    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    errors = [100 * (a * (1 - a) / test_size) ** 0.5 for a in accuracies]
    ax.errorbar(sizes, [a * 100 for a in accuracies], yerr=errors, fmt="o-", capsize=4,
                label="test accuracy ± one standard error")
    ax.legend(loc="lower right")
    for n, acc in zip(sizes, accuracies):
        ax.annotate(f"{acc:.1%}", (n, acc * 100), textcoords="offset points", xytext=(7, -3), ha="left")
    ax.set(xlabel="training examples", ylabel=f"test accuracy on {test_size:,} balanced test images (%)",
           title="MNIST MLP: test accuracy against training-set size")
    ax.margins(y=0.15)
    fig.suptitle(f"Data: {data_title(source)}. {args.epochs} epochs, SGD lr {args.lr}, batch {args.batch_size}, "
                 f"seed {args.seed}", fontsize=9, y=0.0, va="top")
    save_figure(fig, args.out / "figures" / "q06_accuracy.png")
    write_json(args.out / "results" / "q06.json", {
        "question": "Q6-Q7", "data_source": source, "settings": settings_of(args), "test_examples": test_size,
        "runs": [{"size": r.size, "test_acc": r.test_acc, "reused_checkpoint": r.reused} for r in runs],
        "q7_answer": answer, "meta": run_metadata(pick_device()),
    })
    print(f"\nRan on {data_title(source)}; test set: {test_size:,} balanced images.")
    print("Q6: " + ", ".join(f"{r.size:,} examples → {r.test_acc:.1%}" for r in runs) + ".")
    print(f"Q7: {answer}")


if __name__ == "__main__":
    run_main(main)
