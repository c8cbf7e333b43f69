"""Q6–Q7 in words and figures: test accuracy against training-set size over seeds, and what
the trend says against the two kinds of noise. Facts from q06_mnist_acc.py (results/q06.json)."""
from __future__ import annotations

import numpy as np

from answers.mnist import describe_mnist
from answers.words import borderline, compare, near_cut, pct_spread, seed_list, seed_spread, rounded_difference
from common.stats import mean_sd


def increasing(values: list[float]) -> bool:
    return all(b > a for a, b in zip(values, values[1:]))


def judge_trend(runs: list[dict], key: str) -> dict:
    """One test set's trend over sizes across seeds: how many seeds rise at every step, and the
    gain from the smallest to the largest set (mean and sd over seeds, as fractions)."""
    per_seed = np.array([r[f"{key}_per_seed"] for r in runs]).T  # [seed, size]
    gains = per_seed[:, -1] - per_seed[:, 0]
    return {"monotone_seeds": int(sum(increasing(list(row)) for row in per_seed)), "seeds": len(per_seed),
            "gain_mean": float(gains.mean()), "gain_sd": float(gains.std(ddof=1)) if len(gains) > 1 else 0.0}


def judge_q7(runs: list[dict], test_size: int) -> dict:
    """The verdicts of Q7: the trend on each test set, the test sample's standard error, and
    whether the mean gain is beyond three of them (`clear_gain`)."""
    mean_acc = float(np.mean([r["test_acc_mean"] for r in runs]))
    error = (mean_acc * (1 - mean_acc) / test_size) ** 0.5
    gain = runs[-1]["test_acc_mean"] - runs[0]["test_acc_mean"]
    trends = {key: judge_trend(runs, key) for key in ("test_acc", "test_acc_all") if f"{key}_per_seed" in runs[0]}
    return {"trends": trends, "standard_error": error, "gain": gain, "clear_gain": gain > 3 * error}


def shown_gain(runs: list[dict], key: str) -> str:
    """The mean accuracy's change from the smallest to the largest set, in points, from the unrounded means."""
    return rounded_difference(100 * mean_sd(runs[-1][f"{key}_per_seed"])[0], 100 * mean_sd(runs[0][f"{key}_per_seed"])[0])


def shown_steps(runs: list[dict], key: str) -> list[str]:
    """The mean accuracy's change from each size to the next, in points, from the unrounded means."""
    means = [100 * mean_sd(r[f"{key}_per_seed"])[0] for r in runs]
    return [rounded_difference(b, a) for a, b in zip(means, means[1:])]


def last_step(runs: list[dict], key: str, test_size: int) -> dict:
    """The step from the second-largest to the largest set, paired by seed: its mean as shown,
    its sd over seeds, its noise (two standard errors of the paired mean; for one seed, two
    binomial standard errors of a difference of two accuracies on `test_size` images) and
    whether the mean lies within that noise."""
    steps = [100 * (b - a) for a, b in zip(runs[-2][f"{key}_per_seed"], runs[-1][f"{key}_per_seed"])]
    sd = mean_sd(steps)[1]
    if len(steps) > 1:
        noise, rule = 2 * sd / len(steps) ** 0.5, "two standard errors of the paired mean"
    else:
        accuracy = runs[-1][f"{key}_per_seed"][0]
        noise = 2 * 100 * (2 * accuracy * (1 - accuracy) / test_size) ** 0.5
        rule = f"two standard errors of a difference of two accuracies on {test_size:,} images"
    shown = shown_steps(runs, key)[-1]
    return {"shown": shown, "sd": sd, "noise": noise, "rule": rule,
            "within": abs(float(shown)) <= float(f"{noise:.1f}")}


def diminishing(steps: list[str]) -> bool:
    """Whether each shown step adds less than the one before (it takes two steps to tell)."""
    return len(steps) >= 2 and all(float(b) < float(a) for a, b in zip(steps, steps[1:]))


def near_ties(runs: list[dict], key: str, seeds: list[int], test_size: int) -> list[str]:
    """Seeds whose smallest step from one size to the next lies within one test image of zero:
    one image could make them rise at every step or not, so the count of such seeds is borderline."""
    near = []
    for k, seed in enumerate(seeds):
        values = [r[f"{key}_per_seed"][k] for r in runs]
        steps = [b - a for a, b in zip(values, values[1:])]
        smallest = min(range(len(steps)), key=steps.__getitem__)
        if near_cut(steps[smallest], 0.0, 1 / test_size):
            how = "does not move" if steps[smallest] == 0 else "moves by at most one test image"
            near.append(f"seed {seed} {how} from {runs[smallest]['size']:,} to {runs[smallest + 1]['size']:,} examples")
    return near


def trend(runs: list[dict], key: str, verdict: dict, label: str, seeds: list[int], test_size: int) -> str:
    """One test set's trend: first and last accuracy, the seeds rising at every step (borderline
    when a seed's smallest step is within one test image of zero), the gain, the steps between
    sizes and whether the last one stands out from its noise."""
    first, last = runs[0], runs[-1]
    if len(runs) < 2:
        return f"On {label}, only one training-set size ({first['size']:,} examples) was run: there is no trend to read."
    one_seed = len(seeds) == 1
    gain = shown_gain(runs, key)
    # Two ends that print alike are "about the same", whatever the sign of their unrounded difference.
    verb = compare(100 * mean_sd(last[f"{key}_per_seed"])[0], 100 * mean_sd(first[f"{key}_per_seed"])[0], "{:.1f}",
                   "rises", "falls", "stays about the same")
    steps, final = shown_steps(runs, key), last_step(runs, key, test_size)
    monotone = borderline(verdict["monotone_seeds"], verdict["seeds"], near_ties(runs, key, seeds, test_size))
    last_shown = f"{final['shown']} points" if one_seed else f"{final['shown']} ± {final['sd']:.1f} points over seeds"
    return (f"On {label}, accuracy {verb} from {pct_spread(first[f'{key}_per_seed'])} with {first['size']:,} examples to "
            f"{pct_spread(last[f'{key}_per_seed'])} with {last['size']:,} "
            f"({'one seed' if one_seed else 'mean ± sd over seeds'}); it increases at every "
            f"step in {monotone}, and the gain from the smallest to the largest set is {gain}{seed_spread(100 * verdict['gain_sd'], len(seeds))} points. "
            f"From one size to the next the mean changes by {', '.join(steps)} "
            # tested: tests/test_answers.py::test_q7_gain_is_rounded_once_from_the_unrounded_means,
            #         tests/test_answers.py::test_a_difference_is_rounded_once_from_the_unrounded_values
            f"points (differences of the unrounded means){', each step smaller than the one before' if diminishing(steps) else ''}; the last step, "
            f"{last_shown}, is {'within' if final['within'] else 'beyond'} its "
            f"noise ({final['rule']}, {final['noise']:.1f} points).")


def conclusion(runs: list[dict], verdict: dict, sets: list[tuple[str, str, int]], seeds: int) -> str:
    """Q7's conclusion: whether more data clearly helps, and what the steps say about the shape of
    the curve on the least noisy test set (the last of `sets`, as (key, label, test size))."""
    if len(runs) < 2:
        return "Run several sizes (`--sizes`) to see a trend."
    if not verdict["clear_gain"]:
        return "The measured differences are within the noise: this run shows no trend."
    key, label, test_size = sets[-1]
    size, final = runs[-1]["size"], last_step(runs, key, test_size)
    steps = shown_steps(runs, key)
    shrinking = diminishing(steps)
    shape = ("each step adds less than the one before (diminishing returns)" if shrinking else
             "the steps do not shrink" if len(steps) > 1 else "there is one step, too few to show a shape")
    tail = (f"the last step is within its noise, so these sizes cannot tell whether the curve is still rising at "
            f"{size:,} examples" if final["within"] else f"the last step is beyond its noise: the curve is still rising at "
            f"{size:,} examples{', if more slowly' if shrinking else ''}")
    noises = ("both noises" if seeds > 1 else
              "the test sample's noise (one seed: the training run's own variation is not measured)")
    return (f"More training data clearly helps: the mean gain of {shown_gain(runs, 'test_acc')} points on the balanced "
            f"set is well beyond {noises}. On {label}, {shape}, and {tail}.")


def answer_q6(f: dict) -> str:
    runs, test_size, all_size = f["runs"], f["test_examples"], f["test_examples_all"]
    header = f"| training examples | balanced {test_size:,} test images |" + (
        f" all {all_size:,} test images |" if all_size else "") + " per seed, balanced set |"
    rows = [f"| {r['size']:,} | {pct_spread(r['test_acc_per_seed'])} |"
            + (f" {pct_spread(r['test_acc_all_per_seed'])} |" if all_size else "")
            + " " + ", ".join(f"{100 * a:.1f}" for a in r["test_acc_per_seed"]) + " |" for r in runs]
    caption = ("Test accuracy, mean ± sample standard deviation over seeds; each seed draws its own balanced training "
               "subsets, initial weights, shuffling order and balanced test set." if len(f["seeds"]) > 1 else
               "Test accuracy of one seed, which draws the balanced training subsets, initial weights, shuffling order "
               "and balanced test set.")
    return "\n".join([caption, "", header,
        "|---:|---:|" + ("---:|" if all_size else "") + "---|", *rows])


def answer_q7(f: dict) -> str:
    runs, test_size, all_size, verdict = f["runs"], f["test_examples"], f["test_examples_all"], f["verdict"]
    error = 100 * verdict["standard_error"]
    sets = [("test_acc", f"the balanced {test_size:,} test images", test_size)]
    if all_size:
        sets.append(("test_acc_all", f"all {all_size:,} test images", all_size))
    text = [trend(runs, key, verdict["trends"][key], label, f["seeds"], size) for key, label, size in sets]
    if len(f["seeds"]) == 1:
        text.append(f"Each accuracy on {test_size:,} test images is uncertain by about ±{error:.1f} points (one standard "
                    f"error); one seed shows nothing of the training run's own variation.")
    elif all_size:
        sd_small = np.mean([r["test_acc_sd"] for r in runs]) * 100
        sd_all = np.mean([r["test_acc_all_sd"] for r in runs]) * 100
        change = compare(sd_all, sd_small, "{:.1f}", f"rises from {sd_small:.1f} to {sd_all:.1f} points",
                         f"falls from {sd_small:.1f} to {sd_all:.1f} points", f"stays at about {sd_all:.1f} points")
        text.append(f"Two kinds of noise are mixed on the balanced set: the training run's (which examples, which "
                    f"initial weights, which order) and the test sample's, about ±{error:.1f} points (one standard error "
                    f"on {test_size:,} images). Scoring the same models on all {all_size:,} images removes most of the "
                    f"second: the spread across seeds {change} on average, and what remains is mostly the training "
                    f"run's own variation.")
    else:
        text.append(f"Each accuracy on {test_size:,} test images is uncertain by about ±{error:.1f} points (one standard "
                    f"error); the spread across seeds mixes that with the training run's own variation.")
    text.append(conclusion(runs, verdict, sets, len(f["seeds"])))
    return " ".join(text)


def render(facts: dict) -> dict[str, str]:
    return {"Q6": answer_q6(facts), "Q7": answer_q7(facts)}


def draw(facts: dict) -> dict:
    """figures/q06_accuracy.png from the facts."""
    from common.plots import plt

    runs, test_size, all_size = facts["runs"], facts["test_examples"], facts["test_examples_all"]
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
    fig.suptitle(f"Data: {facts['data']}. {describe_mnist(facts['settings'])}, {seed_list(facts['seeds'])}",
                 fontsize=8, y=0.0, va="top")
    return {"q06_accuracy.png": fig}
