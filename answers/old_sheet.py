"""The corrections table's row for the old answer sheet's DogSet numbers (Q11 and Q15), in words:
the old number against the key's seeds by the old-sheet rule of rules/verdicts.py, which the
mistakes appendix (answers/mistakes.py) and the checker apply too."""
from __future__ import annotations

from rules.verdicts import OLD_SHEET, OLD_SHEET_TEST_IMAGES, epochs_match, same_images, widened_range


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
                   # tested: tests/test_old_sheet.py::test_an_old_number_that_fits_in_accuracy_but_not_in_epochs_is_not_right,
                   #         tests/test_old_sheet.py::test_an_old_count_below_the_cap_is_not_said_to_quote_it
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
