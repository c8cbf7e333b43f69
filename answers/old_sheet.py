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


def epochs_match(old_epochs: int, side: dict, cap: int) -> bool:
    """The old run's epoch count fits the side's: at the cap, every seed ran the cap; below it,
    every seed stopped early and the old count lies within the seeds' range."""
    if old_epochs == cap:
        return all(e == cap for e in side["epochs"]) and not any(side["stopped_early"] + side["diverged"])
    return all(side["stopped_early"]) and min(side["epochs"]) <= old_epochs <= max(side["epochs"])


def same_images(dogset: dict) -> bool:
    """Whether the key's DogSet is the one the old sheet was tested on (the course's, 555 test images)."""
    return not dogset.get("rebuilt") and dogset["counts"]["test"] == OLD_SHEET_TEST_IMAGES


def correction(question: str, facts: dict) -> tuple[str, str, str]:
    """The corrections-table row of Q11's or Q15's test accuracy: the old number against the
    key's seeds by the appendix's rule, in accuracy (their range widened by the test-sample
    interval) and in epochs."""
    old = OLD_SHEET[facts["network"]]
    said = (f"{100 * old['test_acc']:.2f}% test accuracy ({round(old['test_acc'] * OLD_SHEET_TEST_IMAGES)} of "
            f"{OLD_SHEET_TEST_IMAGES}) after {old['epochs']} epochs")
    if not same_images(facts["dogset"]):
        return question, said, "not comparable: this key ran on other test images"
    runs = facts["per_seed"]
    accuracies, epochs = [run["test_acc"] for run in runs], [run["epochs_trained"] for run in runs]
    side = {"epochs": epochs, "stopped_early": [run["stopped_early"] for run in runs], "diverged": [False] * len(runs)}
    total = facts["dogset"]["counts"]["test"]
    low, high = widened_range(accuracies, total)
    accuracy_fits, epochs_fit = low <= old["test_acc"] <= high, epochs_match(old["epochs"], side, facts["settings"]["epochs"])
    if accuracy_fits and epochs_fit:
        verdict = "**right** within the noise of seeds and test images, in accuracy and in epochs"
    elif accuracy_fits:
        cap = facts["settings"]["epochs"]
        verdict = (f"the accuracy is within the noise of seeds and test images, but the epochs do not fit: under the "
                   f"homework's stopping rule every seed of the key stops after {min(epochs)}–{max(epochs)} epochs, while "
                   f"the old key reports {old['epochs']}"
                   + (", the cap: it may quote the cap rather than its run's count, or its run did not stop by the "
                      "rule (the appendix \"Common mistakes\" names the measured slips that fit the latter)"
                      if old["epochs"] == cap else
                      " (the appendix \"Common mistakes\" names the measured slips that fit both)"))
    else:
        verdict = (("too low" if old["test_acc"] < low else "too high") + " for seed or test-sample noise: most likely "
                   "a slip in the old code (the appendix \"Common mistakes\" names the measured slips that fit it)")
    return (question, said,
            f"{verdict}; the key's recipe reaches {100 * min(accuracies):.1f}–{100 * max(accuracies):.1f}% over "
            f"{len(accuracies)} seeds ({100 * low:.1f}–{100 * high:.1f}% with each model's 95% test-sample interval) in "
            f"{min(epochs)}–{max(epochs)} epochs. Rule: an old number fits when its accuracy lies in that widened range "
            f"and its epoch count fits the seeds' (at the cap only if every seed ran to the cap)")
