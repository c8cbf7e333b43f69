"""The old sheet's DogSet numbers against the key's seeds: one rule, in the corrections table."""
from answers.old_sheet import correction
from rules.verdicts import same_images, widened_range


def q11_facts(accuracies, epochs=(100, 100, 100), test=555, rebuilt=False) -> dict:
    return {"network": "Dog_Classifier_FC", "dogset": {"counts": {"test": test}, "rebuilt": rebuilt},
            "settings": {"epochs": 100},
            "per_seed": [{"test_acc": a, "epochs_trained": e, "stopped_early": e < 100} for a, e in zip(accuracies, epochs)]}


def test_an_old_number_inside_the_widened_range_is_right_within_the_noise():
    _, said, measured = correction("Q11", q11_facts([0.20, 0.22, 0.24]))
    assert said == "21.98% test accuracy (122 of 555) after 100 epochs"
    assert measured.startswith("**right** within the noise") and "in 100–100 epochs" in measured


def test_an_old_number_that_fits_in_accuracy_but_not_in_epochs_is_not_right():
    """The old MLP reports 100 epochs, the cap; the key's rule stops every seed earlier. The old
    key may only quote the cap, so the sheet says what the facts show, not that its run ran on."""
    _, _, measured = correction("Q11", q11_facts([0.20, 0.22, 0.24], epochs=(40, 33, 44)))
    assert "**right**" not in measured and "the epochs do not fit" in measured and "after 33–44 epochs" in measured
    assert "it may quote the cap rather than its run's count" in measured
    assert "did not stop as the homework says" not in measured


def test_an_old_count_below_the_cap_is_not_said_to_quote_it():
    facts = q11_facts([0.20, 0.22, 0.24], epochs=(40, 33, 44))
    facts["settings"]["epochs"] = 200
    measured = correction("Q11", facts)[2]
    assert "the epochs do not fit" in measured and "quote the cap" not in measured


def test_an_old_number_below_it_points_to_a_slip():
    _, _, measured = correction("Q11", q11_facts([0.30, 0.31, 0.32]))
    low, _ = widened_range([0.30, 0.31, 0.32], 555)
    assert 0.2198 < low and measured.startswith("too low for seed or test-sample noise")
    assert "**right**" not in measured


def test_other_test_images_are_not_compared():
    assert not same_images({"counts": {"test": 1300}, "rebuilt": True})
    assert correction("Q11", q11_facts([0.2], test=1300, rebuilt=True))[2].startswith("not comparable")
