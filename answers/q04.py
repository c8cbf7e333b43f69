"""Q4–Q5 in words and figures: training time against set size, the extrapolation to 60,000
examples, and the verdict on its error. Facts from q04_mnist_time.py (results/q04.json)."""
from __future__ import annotations

import re

from answers.mnist import describe_mnist
from answers.words import plural

FULL_SIZE = 60_000


def cache_bytes(size: str) -> int:
    """'32768K' → 33554432."""
    number, unit = re.fullmatch(r"(\d+)([KMG]?)", size).groups()
    return int(number) * {"": 1, "K": 2**10, "M": 2**20, "G": 2**30}[unit]


def binary_size(size: int) -> str:
    """Bytes as '180 MiB', or as '512 KiB' below one MiB (which would round to '0 MiB' or '1 MiB')."""
    return f"{size / 2**20:,.0f} MiB" if size >= 2**20 else f"{size / 2**10:,.0f} KiB"


def l3_relation(full: dict) -> str:
    """Where the step-cost sizes' training tensors lie against the L3 cache the CPU reports:
    `unknown` (no L3 size), `fits` (even the largest fits, so no size tests the cache),
    `outgrows` (the smallest fits, the largest does not) or `exceeds` (even the smallest does not)."""
    l3 = full["cpu_caches"].get("L3")
    if not l3:
        return "unknown"
    small, large = full["step_costs"][0]["train_tensor_bytes"], full["step_costs"][-1]["train_tensor_bytes"]
    return ("fits" if large <= cache_bytes(l3) else "outgrows" if small <= cache_bytes(l3) else "exceeds")


def beyond_spread(rise: float, spread: float) -> bool:
    """Whether a change in the step cost is larger than its repeats' spread (and than 5%)."""
    return abs(rise) > max(spread, 0.05)


def judge_extrapolation(runs: list[dict], full: dict, batch_size: int, epochs: int) -> dict:
    """Q5's verdicts from the timings: whether the full run's cost per step lies inside the range
    of the timed Q4 runs (`within_noise`, else `dearer` or `cheaper`), and whether the step cost
    rose with n by more than its repeats spread while the data outgrew the L3 cache (`cache_effect`)."""
    timed = [1e6 * seconds / ((-(-r["size"] // batch_size)) * epochs)
             for r in runs for seconds in r["train_seconds_per_seed"]]
    low, high, cost = min(timed), max(timed), full["full_us_per_step"]
    costs = full["step_costs"]
    rise = costs[-1]["us_per_step"] / costs[0]["us_per_step"] - 1
    spread = max((max(c["us_per_step_runs"]) - min(c["us_per_step_runs"])) / c["us_per_step"] for c in costs)
    return {"timed_us_per_step": [low, high], "timed_runs": len(timed),
            "full_cost": "within_noise" if low <= cost <= high else "dearer" if cost > high else "cheaper",
            "step_cost_rise": rise, "step_cost_repeat_spread": spread,
            "cache_effect": rise > 0 and beyond_spread(rise, spread) and l3_relation(full) == "outgrows"}


EDGE = 0.02  # a cost outside the timed range by at most this fraction is at its edge: one more run could cover it


def at_the_edge(cost: float, low: float, high: float) -> str | None:
    """The words for a full-run cost just outside the timed runs' range (borderline), else None."""
    if low <= cost <= high:
        return None
    bound, side = (high, "highest") if cost > high else (low, "lowest")
    if abs(cost - bound) / bound > EDGE:
        return None
    return (f"The full run's {cost:.0f} µs lies just outside that range, within {EDGE:.0%} of its {side} run's "
            f"{bound:.0f} µs: borderline, as one more timed run could reach it, so this measure cannot tell whether "
            f"the full run was {'dearer' if cost > high else 'cheaper'} per step than the runs the line was fitted on.")


def cache_test(full: dict) -> str:
    """Whether the step-cost sizes could show the data outgrowing the L3 cache on this machine,
    and what they show."""
    verdict, costs = full["verdict"], full["step_costs"]
    small, large = costs[0], costs[-1]
    rise = verdict["step_cost_rise"]
    change = (f"From {small['n']:,} to {large['n']:,} examples the cost changes by {rise:+.0%}, "
              + ("more than that spread" if beyond_spread(rise, verdict["step_cost_repeat_spread"]) else "within that spread"))
    relation = l3_relation(full)
    l3 = binary_size(cache_bytes(full["cpu_caches"]["L3"])) if relation != "unknown" else None
    if verdict["cache_effect"]:
        return (f"{change}: the {binary_size(large['train_tensor_bytes'])} of training tensors no longer fit in the {l3} L3 cache "
                f"this CPU reports, which the {binary_size(small['train_tensor_bytes'])} of {small['n']:,} examples do, so randomly "
                f"drawn batches come more often from main memory. That makes a line fitted on 500–2,000 examples "
                f"under-predict" + (", as it did here." if full["relative_error"] < 0 else
                                    "; here the timing noise outweighed it and the line over-predicted."))
    if relation == "outgrows":
        return (f"{change}, although the {binary_size(large['train_tensor_bytes'])} of training tensors outgrow the {l3} L3 cache "
                f"this CPU reports and the {binary_size(small['train_tensor_bytes'])} of {small['n']:,} examples fit in it: no "
                f"effect of the data outgrowing the caches shows at these sizes.")
    why = {"unknown": "This CPU reports no L3 size, so whether the data outgrew its caches is unknown",
           "fits": f"Even the largest training tensors here ({binary_size(large['train_tensor_bytes'])}) fit in the {l3} L3 cache "
                   f"this CPU reports, so on this machine these sizes cannot show an effect of the data outgrowing the "
                   f"caches (a CPU with a smaller L3 would test it)",
           "exceeds": f"Even the smallest training tensors here ({binary_size(small['train_tensor_bytes'])}) exceed the {l3} L3 "
                      f"cache this CPU reports, so these sizes cannot compare data in the cache with data outside it"}
    return f"{change}. {why[relation]}."


def answer_q4(f: dict) -> str:
    settings, meta, seeds = f["settings"], f["meta"], f["seeds"]
    rows = [f"| {r['size']:,} | {r['train_seconds_median']:.1f} | {min(r['train_seconds_per_seed']):.1f}–"
            f"{max(r['train_seconds_per_seed']):.1f} | {r['final_loss_median']:.4f} |" for r in f["runs"]]
    a, b = f["fit"]["a_seconds"], f["fit"]["b_seconds_per_example"]
    return "\n".join([
        f"MLP 784→128→64→10, {describe_mnist(settings)}; each model timed alone on {meta['cpu']} "
        f"({plural(settings['threads'], 'torch thread')}, torch {meta['torch']}, {meta['device']}); "
        f"{plural(len(seeds), 'seed')} per size. The time is that of the textbook loop a student writes (`train` in "
        f"`q04_mnist_time.py`: a shuffling `DataLoader` over `MyDataset` and `torch.optim.SGD`), batching included; "
        # tested: tests/test_training.py::test_fit_times_the_training_epochs_alone
        f"reading the IDX files and testing are not timed.", "",
        "| training examples | median training time (s) | range over seeds (s) | median final training loss |",
        "|---:|---:|---:|---:|", *rows, "",
        f"Training time grows linearly with the number of examples: each epoch performs n/{settings['batch_size']} "
        f"identical SGD steps, so the time is (steps per epoch) × (epochs) × (time per step). The least-squares line "
        f"through the medians is **{a:.2f} s + {b * 1000:.2f} ms × n**, about {b / settings['epochs'] * 1e6:.1f} µs per "
        f"example per epoch. The seeds change which examples are drawn, the initial weights and the order, not the number "
        f"of steps, so their spread at each size is most likely timing noise of this shared machine.",
    ])


def answer_q5(f: dict) -> str:
    settings, predicted, full = f["settings"], f["predicted_seconds_60000"], f["full"]
    text = (f"The fitted line predicts **{predicted:.0f} s ({predicted / 60:.1f} min)** for all {FULL_SIZE:,} examples "
            f"and {settings['epochs']} epochs.")
    if full is None:
        return text + "\n\n_Not checked against a full run: `python q04_mnist_time.py --full` needs the MNIST IDX files._"
    verdict = full["verdict"]
    low, high = verdict["timed_us_per_step"]
    cost = full["full_us_per_step"]
    text += (f"\n\nChecked, not guessed: one model (seed {full['seed']}) trained on all {full['size']:,} examples with "
             f"the same settings took **{full['train_seconds']:.0f} s ({full['train_seconds'] / 60:.1f} min)**, so the "
             f"line's prediction is off by **{full['relative_error']:+.1%}**. The number of SGD steps is known exactly "
             f"(n / {settings['batch_size']} per epoch), so the error is in the cost per step: the line's slope amounts "
             f"to {full['fit_us_per_step']:.0f} µs per step, the full run averaged {cost:.0f} µs.")
    largest = f["runs"][-1]
    proportional = largest["train_seconds_median"] * full["size"] / largest["size"]
    text += (f" (Scaling the median {largest['size']:,}-example time in proportion, × {full['size'] / largest['size']:g}, "
             f"predicts {proportional:.0f} s, off by {(proportional - full['train_seconds']) / full['train_seconds']:+.1%}.)")
    text += (f" On this shared machine the cost of a step varies from run to run: the {verdict['timed_runs']} timed Q4 runs "
             f"cost {low:.0f}–{high:.0f} µs per step. " + (at_the_edge(cost, low, high) or {
                 "within_noise": f"The full run's {cost:.0f} µs lies inside that range, so the error is within the "
                                 f"machine's timing noise.",
                 "dearer": f"The full run's {cost:.0f} µs lies above that whole range: it was genuinely dearer per step "
                           f"than the runs the line was fitted on.",
                 "cheaper": f"The full run's {cost:.0f} µs lies below that whole range: it was genuinely cheaper per step "
                            f"than the runs the line was fitted on."}[verdict["full_cost"]]))
    text += ("\n\nDoes a step get dearer as the data grows? Training on n random examples, the sizes taking turns, "
             f"median of {full['step_cost_repeats']} runs of at least {full['step_cost_min_steps']:,} steps: " + ", ".join(
                 f"{c['us_per_step']:.0f} µs at n = {c['n']:,} ({binary_size(c['train_tensor_bytes'])} of training tensors)"
                 for c in full["step_costs"]) + f"; the repeats of one size spread (range over median) by up to "
                 f"{verdict['step_cost_repeat_spread']:.0%}. {cache_test(full)}")
    text += (f"\n\nThe {full['size']:,}-example model reaches {full['test_acc']:.1%} on its seed's balanced Q6 test set and "
             f"{full['test_acc_all']:.1%} on all {full['test_images_all']:,} MNIST test images.")
    return text


def render(facts: dict) -> dict[str, str]:
    return {"Q4": answer_q4(facts), "Q5": answer_q5(facts)}


def corrections(facts: dict) -> list[tuple[str, str, str]]:
    full = facts["full"]
    if not full:
        return []
    return [("Q5", "about 15 minutes, not measured",
             f"measured {full['train_seconds']:.0f} s on all 60,000 (the line predicted {full['predicted_seconds']:.0f} s)")]


def subtitle(facts: dict) -> str:
    return (f"Data: {facts['data']}. {describe_mnist(facts['settings'])}, seeds {facts['seeds']}, "
            f"{facts['meta']['device']}")


def draw(facts: dict) -> dict:
    """figures/q04_training_time.png and q04_loss_curves.png from the facts."""
    import numpy as np

    from common.plots import plt

    runs, full = facts["runs"], facts["full"]
    a, b = facts["fit"]["a_seconds"], facts["fit"]["b_seconds_per_example"]
    panels = 3 if full else 1
    fig, axes = plt.subplots(1, panels, figsize=(5.6 * panels, 4.3), squeeze=False)
    ax = axes[0][0]
    sizes = [r["size"] for r in runs]
    for r in runs:
        ax.plot([r["size"]] * len(r["train_seconds_per_seed"]), r["train_seconds_per_seed"], "o", color="C0", alpha=0.3,
                markersize=4)
    ax.plot(sizes, [r["train_seconds_median"] for r in runs], "D", color="C0", label="median over seeds (faint: each seed)")
    grid = np.linspace(0, max(sizes) * 1.05, 50)
    ax.plot(grid, a + b * grid, "-", color="C1", label=f"fit: {a:.2f} s + {b * 1000:.2f} ms × n")
    ax.set(xlabel="training examples n", ylabel=f"training time for {runs[0]['epochs']} epochs (s)",
           title="Q4: training time against training-set size")
    ax.legend(fontsize=8)
    if full:
        ax = axes[0][1]
        grid = np.linspace(0, FULL_SIZE * 1.05, 50)
        ax.plot(grid / 1000, (a + b * grid) / 60, "-", color="C1", label="fit extrapolated")
        ax.plot(np.array(sizes) / 1000, np.array([r["train_seconds_median"] for r in runs]) / 60, "D", color="C0",
                label="medians (fit points)")
        ax.plot([full["size"] / 1000], [full["train_seconds"] / 60], "s", color="C3", label=f"measured, all {full['size']:,}")
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
                ax.text(cache_bytes(size) / 2**20, 5, f" {name} {binary_size(cache_bytes(size))}", fontsize=7, va="bottom")
        ax.set(xscale="log", xlabel="training tensors (MiB, log scale)", ylabel="µs per SGD step",
               title="Q5: cost per step as the data grows",
               ylim=(0, 1.2 * max(full["fit_us_per_step"], *(c["us_per_step"] for c in costs))))
        ax.legend(fontsize=8)
    fig.suptitle(subtitle(facts), fontsize=9, y=0.0, va="top")
    fig.tight_layout()

    losses_fig, ax = plt.subplots(figsize=(6.5, 4.2))
    for i, r in enumerate(runs):
        for k, losses in enumerate(r["losses_per_seed"]):
            ax.plot(range(1, len(losses) + 1), losses, color=f"C{i}", alpha=1.0 if k == 0 else 0.25,
                    linewidth=1.5 if k == 0 else 0.8, label=f"n = {r['size']:,}" if k == 0 else None)
    if full:
        ax.plot(range(1, len(full["losses"]) + 1), full["losses"], "--", color="black", label=f"n = {full['size']:,}")
    ax.set(xlabel="epoch", ylabel="training loss (mean cross-entropy per batch)", yscale="log",
           title="MNIST MLP: training loss per epoch (first seed strong, others faint)")
    ax.legend()
    losses_fig.suptitle(subtitle(facts), fontsize=9, y=0.0, va="top")
    return {"q04_training_time.png": fig, "q04_loss_curves.png": losses_fig}
