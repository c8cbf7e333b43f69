"""The old answer sheet's DogSet numbers and the rule that compares a number with the key's
seeds: shared by the corrections table (answers/q11.py, answers/q15.py) and the mistakes
appendix (answers/mistakes.py), so both apply one rule."""
from __future__ import annotations

from typing import Sequence

from harness.stats import wilson_interval

OLD_SHEET_TEST_IMAGES = 555  # the old sheet's accuracies are multiples of 1/555 (122/555, 145/555)
OLD_SHEET = {"Dog_Classifier_FC": {"test_acc": 0.2198, "epochs": 100},  # Q11: 122 of 555 after 100 epochs
             "Dog_Classifier_Conv": {"test_acc": 0.2613, "epochs": 65}}  # Q15: 145 of 555 after 65 epochs


def widened_range(values: Sequence[float], total: int) -> tuple[float, float]:
    """The per-seed range widened by the test-sample interval: from the lowest seed's 95% Wilson
    lower bound to the highest seed's upper bound, on `total` test images."""
    return (wilson_interval(round(min(values) * total), total)[0],
            wilson_interval(round(max(values) * total), total)[1])


def same_images(dogset: dict) -> bool:
    """Whether the key's DogSet is the one the old sheet was tested on (the course's, 555 test images)."""
    return not dogset.get("rebuilt") and dogset["counts"]["test"] == OLD_SHEET_TEST_IMAGES


def correction(question: str, facts: dict) -> tuple[str, str, str]:
    """The corrections-table row of Q11's or Q15's test accuracy: the old number against the
    key's seeds, their range widened by the test-sample interval, and their epochs."""
    old = OLD_SHEET[facts["network"]]
    said = (f"{100 * old['test_acc']:.2f}% test accuracy ({round(old['test_acc'] * OLD_SHEET_TEST_IMAGES)} of "
            f"{OLD_SHEET_TEST_IMAGES}) after {old['epochs']} epochs")
    if not same_images(facts["dogset"]):
        return question, said, "not comparable: this key ran on other test images"
    accuracies = [run["test_acc"] for run in facts["per_seed"]]
    epochs = [run["epochs_trained"] for run in facts["per_seed"]]
    total = facts["dogset"]["counts"]["test"]
    low, high = widened_range(accuracies, total)
    place = ("inside" if low <= old["test_acc"] <= high else "below" if old["test_acc"] < low else "above")
    verdict = {"inside": "**right** within the noise of seeds and test images",
               "below": "too low for seed or test-sample noise: most likely a slip in the old code (the "
                        "appendix \"Common mistakes\" names the measured slips that fit it)",
               "above": "higher than seed or test-sample noise allows for this recipe"}[place]
    return (question, said,
            f"{verdict}; the key's recipe reaches {100 * min(accuracies):.1f}–{100 * max(accuracies):.1f}% over "
            f"{len(accuracies)} seeds, {100 * low:.1f}–{100 * high:.1f}% with each model's 95% test-sample interval, "
            f"in {min(epochs)}–{max(epochs)} epochs")
