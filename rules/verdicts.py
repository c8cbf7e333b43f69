"""The rules that decide a verdict, each with its stated cuts, in one place: the words (answers/)
and the checker (checker/) both import them, so the answer sheet and a student's report apply
one rule.

- The old-sheet rule: a number fits a side (the key's recipe, or a slip's runs) when its accuracy
  lies in the side's per-seed range widened by the test-sample interval and its epoch count fits
  the side's.
- The paired t-rule: a slip's effect is measurable when its mean difference from the correct
  recipe, paired by seed, is at least MIN_EFFECT and its 95% t interval excludes 0.
- The mistakes verdicts: each row of the appendix is invalid, identical, measurable or not.
"""
from __future__ import annotations

import math
from typing import Sequence

from common.stats import mean_sd, wilson_interval

# --- the old answer sheet -----------------------------------------------------------------------

OLD_SHEET_TEST_IMAGES = 555  # the old sheet's accuracies are multiples of 1/555 (122/555, 145/555)
OLD_SHEET = {"Dog_Classifier_FC": {"test_acc": 0.2198, "epochs": 100},  # Q11: 122 of 555 after 100 epochs
             "Dog_Classifier_Conv": {"test_acc": 0.2613, "epochs": 65}}  # Q15: 145 of 555 after 65 epochs


def widened_range(values: Sequence[float], total: int) -> tuple[float, float]:
    """The per-seed range widened by the test-sample interval: from the lowest seed's 95% Wilson
    lower bound to the highest seed's upper bound, on `total` test images."""
    return (wilson_interval(round(min(values) * total), total)[0],
            wilson_interval(round(max(values) * total), total)[1])


def epochs_match(old_epochs: int, side: dict, cap: int) -> bool:
    """The old run's epoch count fits the side's: at the cap, every seed ran the cap; below it,
    every seed stopped early and the old count lies within the seeds' range."""
    if old_epochs == cap:
        return all(e == cap for e in side["epochs"]) and not any(side["stopped_early"] + side["diverged"])
    return all(side["stopped_early"]) and min(side["epochs"]) <= old_epochs <= max(side["epochs"])


def same_images(dogset: dict) -> bool:
    """Whether the key's DogSet is the one the old sheet was tested on (the course's, 555 test images)."""
    return not dogset.get("rebuilt") and dogset["counts"]["test"] == OLD_SHEET_TEST_IMAGES


def test_count(facts: dict) -> int:
    """How many test images the key's DogSet holds."""
    return facts["dogset"]["counts"]["test"]


def old_sheet_sides(facts: dict, network: str) -> list[tuple[str, dict]]:
    """('homework', the correct recipe) and (slip id, its runs) for every trained row of `network`."""
    rows = [r for r in facts["rows"] if r["network"] == network and r["trained"]]
    return ([("homework", rows[0]["correct"])] if rows else []) + [(r["id"], r["mistaken"]) for r in rows]


def old_sheet_fits(facts: dict, network: str) -> list[tuple[str, bool, bool]]:
    """Per side of `network`: (name, the old accuracy lies within its widened range, the old epochs match)."""
    old, cap, total = facts["old_sheet"][network], facts["settings"]["epochs"], test_count(facts)
    fits = []
    for name, side in old_sheet_sides(facts, network):
        low, high = widened_range(side["test_acc"], total)
        fits.append((name, low <= old["test_acc"] <= high, epochs_match(old["epochs"], side, cap)))
    return fits


def consistent_rows(facts: dict, network: str) -> list[str]:
    """The sides of `network` consistent with the old sheet's number by the stated rule: the old
    accuracy within the side's widened range and the same epoch count."""
    return [name for name, accuracy, epochs in old_sheet_fits(facts, network) if accuracy and epochs]


# --- the paired t-rule --------------------------------------------------------------------------

MIN_EFFECT = 0.01  # a paired difference under 1 point is never called an effect
T95 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228)  # two-sided 95% t, 1–10 df


def paired_differences(correct: Sequence[float], mistaken: Sequence[float]) -> list[float]:
    """Per seed, the slip's accuracy minus the correct recipe's with the same seed (the same
    initial weights and batch order)."""
    return [m - c for c, m in zip(correct, mistaken, strict=True)]


def t_quantile(degrees: int) -> float:
    """Two-sided 95% Student t quantile; beyond 10 degrees of freedom the 10-df value (conservative)."""
    return T95[min(degrees, len(T95)) - 1]


def measurable(correct: Sequence[float], mistaken: Sequence[float]) -> bool:
    """True when the mean paired difference is at least MIN_EFFECT and its 95% t interval over
    the seeds excludes 0 (needs 2 seeds or more): anything less is not told apart from seed noise."""
    differences = paired_differences(correct, mistaken)
    if len(differences) < 2:
        return False
    mean, sd = mean_sd(differences)
    return abs(mean) >= MIN_EFFECT and abs(mean) > t_quantile(len(differences) - 1) * sd / math.sqrt(len(differences))


# --- the mistakes verdicts ----------------------------------------------------------------------

INVALID = {  # slips that spoil the answer whatever they do to the number, and why
    "stop_on_test": "the test images chose when to stop, so the test accuracy is no longer an unbiased estimate of "
                    "accuracy on new images",
}


def verdict(row: dict) -> str:
    """'invalid' (whatever the numbers), 'identical', 'measurable' or 'not measurable'."""
    if row["id"] in INVALID:
        return "invalid"
    if not row["trained"] and row["identical"]:
        return "identical"
    return "measurable" if measurable(row["correct"]["test_acc"], row["mistaken"]["test_acc"]) else "not measurable"
