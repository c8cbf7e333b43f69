"""Part 3 as a picture: per dog network, the student's validation loss and accuracy per epoch over
the band of the key's seeds (lowest to highest of the seeds still training at each epoch), and
their test accuracy, counted by the key's test pass, with its 95% interval beside the key's range."""
from __future__ import annotations

from pathlib import Path

from common.plots import plt, save_figure

STUDENT, KEY = "tab:red", "tab:blue"


def draw(name: str, compared: list[dict], path: Path) -> Path | None:
    """The PNG at `path`, one row per network trained; None when part 3 trained nothing."""
    if not compared:
        return None
    fig, axes = plt.subplots(len(compared), 3, figsize=(13, 3.6 * len(compared)), squeeze=False)
    for row, network in zip(axes, compared):
        band = network["key_curves"]
        for ax, curve, label in ((row[0], "valid_loss", "validation loss"), (row[1], "valid_acc", "validation accuracy")):
            low, high = zip(*band[curve])
            scale = 100 if curve == "valid_acc" else 1
            ax.fill_between(band["epochs"], [scale * v for v in low], [scale * v for v in high], color=KEY, alpha=0.25,
                            label=f"the key's {network['key_seeds']} seeds (lowest to highest)")
            for run in network["runs"]:
                values = [None if v is None else scale * v for v in run[curve]]
                ax.plot(range(1, len(values) + 1), values, color=STUDENT, label=f"yours, seed {run['seed']}")
            ax.set(xlabel="epoch", ylabel=label + (" (%)" if scale == 100 else ""), title=f"{network['network']}: {label}")
            ax.legend(fontsize=8)
        test_accuracy(row[2], network)
    fig.suptitle(f"{name}: part 3 against the key", fontsize=12)
    fig.tight_layout()
    return save_figure(fig, path)


def test_accuracy(ax: plt.Axes, network: dict) -> None:
    """The key's per-seed range (and widened by the test-sample interval) beside each of the student's runs."""
    low, high = (100 * v for v in network["key_test_acc"])
    wide_low, wide_high = (100 * v for v in network["key_widened"])
    ax.bar(0, wide_high - wide_low, bottom=wide_low, width=0.5, color=KEY, alpha=0.2, label="key, widened by the interval")
    ax.bar(0, max(high - low, 0.2), bottom=low, width=0.5, color=KEY, alpha=0.6, label="key, seeds' range")
    for index, run in enumerate(network["runs"], 1):
        accuracy = 100 * run["test_acc"]
        ax.errorbar(index, accuracy, yerr=[[accuracy - 100 * run["interval"][0]], [100 * run["interval"][1] - accuracy]],
                    fmt="o", color=STUDENT, capsize=4, label="yours, with its 95% interval" if index == 1 else None)
    ax.set_xticks(range(len(network["runs"]) + 1),
                  ["key"] + [f"seed {run['seed']}\n{run['right']}/{run['test_count']}" for run in network["runs"]])
    ax.set(ylabel="test accuracy (%)", title=f"{network['network']}: test accuracy", xlim=(-0.6, len(network["runs"]) + 0.6))
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3)
