"""mistakes.py: each slip differs from the homework's recipe in exactly its stated way, the
correct recipe is q11's and q15's weight for weight, and the appendix words its symptoms from
the facts."""
import dataclasses
import json
from pathlib import Path

import pytest
import torch
from torch import nn

import mistakes
import q06_mnist_acc
import q11_dog_mlp
import q15_dog_cnn
from answers import mistakes as words
from rules import verdicts
from conftest import call_main
from data.dogs import DogsDataset
from harness.dog_runs import DogSplits
from q11_dog_mlp import dog_tensors as dog_splits
from models import Dog_Classifier_Conv, Dog_Classifier_FC
from my_dataset import MyDataset
from mistakes import Slip, SGDWithoutZeroGrad, build, one_network_for_every_size, raw_pixels, train, view_not_permute


def slip(**changes) -> Slip:
    """A Slip of q11's HOMEWORK: its MLP without a mistake, with `changes` made."""
    return Slip(**{**dataclasses.asdict(q11_dog_mlp.HOMEWORK), "network": Dog_Classifier_FC, "mistake": None, **changes})


@pytest.fixture(scope="module")
def dogs(dogset_dir) -> DogsDataset:
    return DogsDataset(dogset_dir, quiet=True)


def weights(model: nn.Module) -> list[torch.Tensor]:
    return [p.detach().clone() for p in model.parameters()]


@pytest.mark.parametrize("network, homework", [(Dog_Classifier_FC, q11_dog_mlp.train),
                                               (Dog_Classifier_Conv, q15_dog_cnn.train)])
def test_without_a_slip_the_recipe_is_the_homeworks(dogs, network, homework):
    splits = dog_splits(dogs)
    ours, history = train(splits, 0, slip(epochs=3, network=network))
    theirs, their_history = homework(splits, 0, dataclasses.replace(q11_dog_mlp.HOMEWORK, epochs=3))
    assert all(torch.equal(a, b) for a, b in zip(ours.parameters(), theirs.parameters()))
    assert history.val_loss == their_history.val_loss


def test_view_scrambles_the_images_while_permute_does_not(dogs):
    x = dogs.get_train_examples()[0]
    permuted, viewed = dog_splits(dogs).train.x, view_not_permute(dogs).train.x
    assert torch.equal(permuted, torch.from_numpy(x).permute(0, 3, 1, 2))  # channel c of pixel (h, w) stays there
    assert viewed.shape == permuted.shape and not torch.equal(viewed, permuted)
    assert torch.equal(viewed.flatten(1), torch.from_numpy(x).flatten(1))  # the same numbers in file order...
    assert not torch.equal(viewed[:, 0], torch.from_numpy(x)[..., 0])  # ...so "channel 0" mixes all three


def test_raw_pixels_are_the_images_0_to_255_unnormalised(dogs):
    raw = raw_pixels(dogs).train.x
    assert torch.equal(raw, torch.from_numpy(dogs.raw_images("train")).permute(0, 3, 1, 2).float())
    assert raw.max() > 1 and raw.min() >= 0 and torch.equal(raw, raw.round())


def test_without_zero_grad_the_gradients_accumulate():
    torch.manual_seed(0)
    model, x, y = nn.Linear(4, 3), torch.randn(8, 4), torch.tensor([0, 1, 2, 0, 1, 2, 0, 1])
    optimizer = SGDWithoutZeroGrad(model.parameters(), lr=0.0)
    grads = []
    for _ in range(2):
        optimizer.zero_grad()  # the call a student forgot does nothing here
        nn.functional.cross_entropy(model(x), y).backward()
        optimizer.step()
        grads.append(model.weight.grad.clone())
    assert torch.allclose(grads[1], 2 * grads[0])


def test_the_output_slips_change_what_the_loss_sees():
    torch.manual_seed(0)
    x = torch.randn(5, 3, 64, 64)
    softmax = build(slip(mistake="softmax_output"))(x)
    assert torch.allclose(softmax.sum(dim=1), torch.ones(5)) and softmax.min() >= 0  # probabilities, not logits
    relu = build(slip(mistake="relu_output"))(x)
    assert relu.min() == 0 and (relu == 0).any(dim=1).all()  # negative logits are cut to 0
    assert build(slip())(x).min() < 0  # the homework's network outputs logits


class Spy(nn.Module):
    """A tiny network that records the labels it is trained on and the inputs it is evaluated on."""

    trained_on: list[torch.Tensor] = []
    evaluated_on: list[torch.Tensor] = []

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3 * 64 * 64, 10)

    def forward(self, x):
        (Spy.trained_on if self.training else Spy.evaluated_on).append(x[:, 0, 0, 0].clone())
        return self.fc(x.flatten(1))


def spy_splits() -> DogSplits:
    """Every partition's images carry their index in pixel (0, 0, 0); the train set is ordered."""
    def part(n, offset):
        x = torch.zeros(n, 3, 64, 64)
        x[:, 0, 0, 0] = torch.arange(n) + offset
        return MyDataset(x, torch.arange(n) % 10)
    return DogSplits(part(64, 0), part(20, 1000), part(20, 2000))


def spied(mistake, epochs=2, lr=0.001):
    Spy.trained_on, Spy.evaluated_on = [], []
    _, history = train(spy_splits(), 0, slip(epochs=epochs, lr=lr, network=Spy, mistake=mistake))
    return torch.cat(Spy.trained_on).long().tolist(), torch.cat(Spy.evaluated_on).long().tolist(), history


def test_no_shuffle_trains_in_file_order_and_shuffle_does_not():
    in_order, _, _ = spied("no_shuffle")
    shuffled, _, _ = spied(None)
    assert in_order == list(range(64)) * 2
    assert sorted(shuffled[:64]) == list(range(64)) and shuffled[:64] != list(range(64))


def test_stopping_on_the_test_set_watches_the_test_images():
    _, watched, _ = spied("stop_on_test")
    _, homework, _ = spied(None)
    assert set(watched) == set(range(2000, 2020)) and set(homework) == set(range(1000, 1020))


def test_a_stopping_rule_made_inside_the_loop_never_fires():
    *_, fires = spied(None, epochs=10, lr=0.0)  # lr 0: the validation loss never moves
    *_, never = spied("stopper_never_fires", epochs=10, lr=0.0)
    assert fires.stopped_early and len(fires.train_loss) == 4
    assert not never.stopped_early and len(never.train_loss) == 10


def test_a_diverging_slip_is_a_result_not_an_error(dogs):
    model, history = train(dog_splits(dogs), 0, slip(epochs=5, lr=1e12, mistake="no_zero_grad"))
    assert history.stop_reason == "diverged" and len(history.train_loss) < 5 and history.best_state is not None


def test_one_network_for_every_size_keeps_its_weights_across_sizes(mnist_dir, monkeypatch):
    seen = []
    real_fit = mistakes.fit

    def recording_fit(model, *args, **kwargs):
        seen.append((id(model), weights(model)))
        history = real_fit(model, *args, **kwargs)
        seen.append((id(model), weights(model)))
        return history

    monkeypatch.setattr(mistakes, "fit", recording_fit)
    accuracies = one_network_for_every_size(mnist_dir, (50, 100), 0, dataclasses.replace(q06_mnist_acc.HOMEWORK, epochs=2))
    (first, _), (_, after_first), (second, before_second), _ = seen
    assert len(accuracies) == 2 and first == second  # one model object...
    assert all(torch.equal(a, b) for a, b in zip(after_first, before_second))  # ...continuing where it stopped


def row(mistaken, correct=(0.28, 0.27, 0.28), epochs=(45, 44, 40), stopped=(True, True, True), diverged=(False,) * 3,
        val_loss=None, identifier="relu_output"):
    """A crafted row of the MLP: the correct runs stop after 45, 44 and 40 epochs with a falling validation loss."""
    falling = [[1.0 - 0.001 * i for i in range(e)] for e in (45, 44, 40)]
    side = {"test_acc": list(mistaken), "epochs": list(epochs), "stopped_early": list(stopped),
            "diverged": list(diverged), "val_loss": val_loss or [[1.0 - 0.001 * i for i in range(e)] for e in epochs]}
    homework = {"test_acc": list(correct), "epochs": [45, 44, 40], "stopped_early": [True] * 3,
                "diverged": [False] * 3, "val_loss": falling}
    return {"id": identifier, "network": "Dog_Classifier_FC", "answer": "Q11", "trained": True, "correct": homework,
            "mistaken": side}


def crafted_facts(*rows, test=555, rebuilt=False, **extra):
    """Mistakes facts around crafted rows, on the course's 555 test images unless told otherwise."""
    return {"settings": {"epochs": 100}, "seeds": [0, 1, 2], "rows": list(rows),
            "dogset": {"counts": {"train": 7665, "valid": 2000, "test": test}, "rebuilt": rebuilt},
            "old_sheet": {"Dog_Classifier_FC": {"test_acc": 0.2198, "epochs": 100}}, **extra}


COURSE_TEST_COUNTS = [66, 60, 55, 50, 46, 58, 54, 56, 55, 55]  # 555 images, 46–66 a breed


@pytest.mark.parametrize("crafted, expected", [
    (row((0.10, 0.10, 0.10), epochs=(2, 3, 2), diverged=(True, True, True), stopped=(False,) * 3),
     "the loss turns nan at epoch 3–4 (3 seeds); accuracy near 10%, what guessing or predicting one breed for every "
     "image scores"),
    (row((0.20, 0.21, 0.22), epochs=(100, 100, 100), stopped=(False,) * 3),
     "runs all 100 epochs: the stopping rule never fires; the validation loss still falls at epoch 100 in all 3 seeds"),
    (row((0.25, 0.25, 0.25), epochs=(4, 4, 5)), "stops after 4–5 epochs"),
    (row((0.22, 0.21, 0.22), val_loss=[[1.0, 0.8, 0.9, 1.2]] * 3),
     "stops after 40–45 epochs; the validation loss rises from epoch 2"),
])
def test_what_the_student_observes_needs_no_correct_run(crafted, expected):
    assert words.observed(crafted, crafted_facts(crafted)) == expected
    assert "points" not in expected  # a difference from the correct recipe is not something a student observes


def test_one_breed_for_every_image_is_the_majority_class_rate_not_chance():
    majority = row([66 / 555, 65 / 555, 66 / 555])  # within one image of the largest breed's 66
    seen = words.observed(majority, crafted_facts(majority, test_class_counts=COURSE_TEST_COUNTS))
    assert "accuracy at the majority-class rate (11.9%)" in seen and "chance" not in seen
    low = row([0.09, 0.08, 0.09])
    assert "accuracy near chance" in words.observed(low, crafted_facts(low, test_class_counts=COURSE_TEST_COUNTS))
    unknown = words.observed(majority, crafted_facts(majority))  # no per-breed counts: neither claimed
    assert "guessing or predicting one breed" in unknown and "majority" not in unknown


@pytest.mark.parametrize("correct, mistaken, expected", [
    ((0.20, 0.30, 0.40), (0.185, 0.285, 0.385), True),  # 1.5 points less in every seed: unpaired, seeds would hide it
    ((0.28, 0.27, 0.28), (0.30, 0.24, 0.29), False),  # the seeds disagree in sign
    ((0.28, 0.27, 0.28), (0.275, 0.265, 0.275), False),  # consistent, but under 1 point
    ((0.28, 0.28, 0.27), (0.2492, 0.2492, 0.2592), False),  # −2.4 ± 0.7: past 2 standard errors, inside t = 4.30
    ((0.28,), (0.10,), False),  # one seed: no standard error, nothing measurable
])
def test_measurable_is_a_paired_t_interval_over_seeds(correct, mistaken, expected):
    assert verdicts.measurable(list(correct), list(mistaken)) is expected


def test_differences_are_rounded_once_from_the_unrounded_accuracies():
    crafted = row((0.3104, 0.3104, 0.3104), correct=(0.2966, 0.2966, 0.2966))
    assert words.difference(crafted, crafted_facts(crafted)) == "+1.4 ± 0.0 points (measurable)"  # 1.38, not 31.0 − 29.7
    assert "31.0 ± 0.0%" in words.accuracy_cell(crafted["mistaken"]["test_acc"], 555)


def test_each_accuracy_cell_states_the_test_sample_interval():
    assert words.accuracy_cell([145 / 555, 145 / 555], 555) == "26.1 ± 0.0% (26.1, 26.1) [22.6–29.9%]"


@pytest.mark.parametrize("mistaken", [(0.28, 0.27, 0.28), (0.31, 0.30, 0.31)])
def test_early_stopping_on_test_is_invalid_and_never_listed_as_harmless(mistaken):
    cheat, quiet = row(mistaken, identifier="stop_on_test"), row((0.281, 0.272, 0.276))
    facts = crafted_facts(cheat, quiet)
    assert verdicts.verdict(cheat) == "invalid"
    assert "invalid whatever the number: the test images chose when to stop" in words.difference(cheat, facts)
    harmless, invalid = words.verdict_paragraph([cheat, quiet], facts).split("Invalid whatever the accuracy")
    assert "early stopping on the test set" in invalid and "early stopping" not in harmless
    assert "a ReLU after the output layer" in harmless


def test_a_slip_still_learning_at_the_cap_is_worded_as_slower_learning():
    falling = [[2.0 - 0.001 * i for i in range(100)]] * 3  # other losses than the correct runs', still falling
    slow = row((0.23, 0.24, 0.22), epochs=(100,) * 3, stopped=(False,) * 3, val_loss=falling, identifier="softmax_output")
    assert words.difference(slow, crafted_facts(slow)).startswith(
        "slower learning: still improving at the 100-epoch cap, where the correct runs stop after 40–45 epochs, so the "
        "gap depends on that cap; -4.7 ± ")


def test_a_stopping_rule_inside_the_loop_is_worded_as_no_early_stopping():
    correct = row((0.0,) * 3)["correct"]
    replay = [v + [0.9 + 0.01 * i for i in range(100 - len(v))] for v in correct["val_loss"]]
    inside = row((0.25, 0.25, 0.25), epochs=(100,) * 3, stopped=(False,) * 3, val_loss=replay,
                 identifier="stopper_never_fires")
    assert words.difference(inside, crafted_facts(inside)).startswith(
        "exactly training without early stopping: the correct runs epoch for epoch until their rule fires (epoch "
        "40–45), then on to 100; ")
    other = row((0.25, 0.25, 0.25), epochs=(100,) * 3, stopped=(False,) * 3, val_loss=[[2.0] + v[1:] for v in replay])
    assert "without early stopping" not in words.difference(other, crafted_facts(other))


def test_forgetting_eval_is_worded_from_whether_anything_changed():
    same = {"id": "eval_forgotten", "network": "Dog_Classifier_FC", "trained": False, "identical": True,
            "correct": {"test_acc": [0.3, 0.3]}, "mistaken": {"test_acc": [0.3, 0.3]}}
    assert words.difference(same, crafted_facts(same)) == "none: the same accuracy in every seed"
    moved = {**same, "identical": False, "mistaken": {"test_acc": [0.1, 0.1]}}
    assert words.difference(moved, crafted_facts(moved)) == "-20.0 ± 0.0 points (measurable)"


@pytest.mark.parametrize("in_order, expected", [(None, "`shuffle=False`"),
                                                (True, "`shuffle=False` (the csv lists the training images breed by breed)"),
                                                (False, "`shuffle=False` (the csv's rows are in no breed order)")])
def test_the_csv_order_is_said_only_as_the_facts_record_it(in_order, expected):
    facts = crafted_facts() if in_order is None else crafted_facts(train_rows_in_breed_order=in_order)
    assert words.slip_name("no_shuffle", facts) == expected


def old_sheet_rows():
    """Two slips that fit 21.98% after 100 epochs, one that misses it, one that fits it but stops early."""
    cap = {"epochs": (100, 100, 100), "stopped": (False,) * 3}
    return [row((0.21, 0.22, 0.23), identifier="no_shuffle", **cap),
            row((0.23, 0.24, 0.25), identifier="softmax_output", **cap),  # above 21.98, within its widened range
            row((0.30, 0.31, 0.32), identifier="stop_on_test", **cap),
            row((0.22, 0.22, 0.22), identifier="relu_output")]


def test_the_old_sheet_is_matched_by_the_stated_rule():
    facts = crafted_facts(*old_sheet_rows())
    assert verdicts.consistent_rows(facts, "Dog_Classifier_FC") == ["no_shuffle", "softmax_output"]
    text = words.old_sheet_paragraph(facts)
    assert "widened by the test-sample interval" in text
    assert ("lies below the widened range of the key's recipe, which reaches 27.0–28.0% over 3 seeds (widened: "
            "23.5–31.8%)") in text
    assert "consistent with `shuffle=False` and a softmax layer before `CrossEntropyLoss`, which this number cannot " \
           "tell apart" in text
    assert "its accuracy alone would also fit a ReLU after the output layer, whose epochs do not" in text
    assert "(122 of 555 test images; 95% interval 18.7–25.6%)" in text
    assert "Taking its 100 epochs, the cap, as its run's count (it may quote the cap)" in text  # the old MLP's 100
    assert "Taking its 65 epochs" not in text  # the old CNN's 65 is a count, not the cap


def test_the_old_sheet_hedge_follows_the_data():
    same = words.old_sheet_paragraph(crafted_facts(*old_sheet_rows()))
    assert "scored the same 555 test images" in same and "indirect" not in same
    stand_in = words.old_sheet_paragraph(crafted_facts(*old_sheet_rows(), test=1300, rebuilt=True))
    assert "not on this one (1,300), so the comparison is indirect" in stand_in


def test_the_committed_appendix_states_its_method_and_intervals():
    facts = json.loads((Path(__file__).parent.parent / "results" / "mistakes.json").read_text())
    text = words.render(facts)["Mistakes"]
    assert "paired by seed" in text and "95% t interval" in text and "Wilson interval" in text
    table = [line for line in text.splitlines() if line.startswith("| ") and ("(MLP)" in line or "(CNN)" in line)]
    assert table and all(line.count("%]") == 2 for line in table)  # both accuracies carry their interval


def test_a_quick_run_writes_every_row_with_per_seed_facts(tmp_path, monkeypatch, capsys, mnist_dir, dogset_dir):
    status, out, err = call_main(monkeypatch, capsys, "mistakes.py", "--quick", "--seeds", "0", "1", "--jobs", "1",
                                 "--quiet", "--dogset", str(dogset_dir), "--mnist-dir", str(mnist_dir),
                                 "--out", str(tmp_path))
    assert status == 0, err
    facts = json.loads((tmp_path / "results" / "mistakes.json").read_text())
    assert len(facts["rows"]) >= 9 and {r["answer"] for r in facts["rows"]} == {"Q6", "Q11", "Q15"}
    for r in facts["rows"]:
        per_seed = r["mistaken"].get("test_acc") or r["mistaken"]["test_acc_per_size"]
        assert len(per_seed) == 2, r["id"]
        if r["trained"] and "epochs" in r["mistaken"]:
            assert len(r["mistaken"]["epochs"]) == len(r["mistaken"]["stopped_early"]) == 2
    sheet = (tmp_path / "ANSWERS.md").read_text()
    assert "## Common mistakes and what they do" in sheet and "figures/mistakes.png" in sheet
    assert (tmp_path / "figures" / "mistakes.png").exists()


@pytest.mark.parametrize("network, shape", [(Dog_Classifier_FC, (4, 3, 64, 64)), (Dog_Classifier_Conv, (4, 3, 64, 64))])
def test_forgetting_eval_cannot_change_these_networks(network, shape):
    """model.eval() switches dropout and batch norm; the homework's networks have neither, so the
    eval_forgotten row can only read 'the same accuracy' (mistakes.py measures it all the same)."""
    torch.manual_seed(0)
    model, x = network(), torch.randn(shape)
    assert not any(isinstance(m, (nn.Dropout, nn.BatchNorm2d, nn.BatchNorm1d)) for m in model.modules())
    with torch.no_grad():
        assert torch.equal(model.train()(x), model.eval()(x))
