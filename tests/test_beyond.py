"""The beyond-the-homework ladder's pieces, on tiny data."""
import numpy as np
import pytest
import torch

from beyond_dog_cnn import (Augmented, class_weights, flip_averaged_proba, in_channels_last, modern_dog_cnn,
                            random_crop_flip)
from harness.dog_runs import predict_proba
from models import Dog_Classifier_Conv, count_parameters
from my_dataset import MyDataset


@pytest.mark.parametrize("build, parameters", [(Dog_Classifier_Conv, 68_138), (modern_dog_cnn, 391_466),
                                               (lambda: in_channels_last(modern_dog_cnn()), 391_466)])
def test_each_rung_model_builds_and_counts_its_parameters(build, parameters):
    model = build()
    weights, biases = count_parameters(model)
    assert weights + biases == sum(p.numel() for p in model.parameters()) == parameters
    assert model.eval()(torch.zeros(2, 3, 64, 64)).shape == (2, 10)


def test_channels_last_changes_memory_order_not_values():
    torch.manual_seed(0)
    plain = modern_dog_cnn().eval()
    fast = in_channels_last(modern_dog_cnn()).eval()
    fast[1].load_state_dict(plain.state_dict())
    x = torch.randn(3, 3, 64, 64)
    assert torch.allclose(plain(x), fast(x), atol=1e-5)


def test_flip_averaging_is_the_mean_of_the_two_passes():
    torch.manual_seed(0)
    model = modern_dog_cnn().eval()
    x = torch.randn(4, 3, 64, 64)
    expected = (predict_proba(model, x) + predict_proba(model, torch.flip(x, dims=[3]))) / 2
    assert torch.allclose(flip_averaged_proba(model, x), expected)
    assert not torch.allclose(flip_averaged_proba(model, x), predict_proba(model, x))


def test_class_weights_follow_the_training_counts():
    labels = np.repeat(np.arange(10), [400, 100, 25, 100, 100, 100, 100, 100, 100, 0])
    weights = class_weights(labels)
    assert weights[9] == 0 and weights[:9].mean() == pytest.approx(1.0)
    assert weights[2] / weights[1] == pytest.approx(2.0)  # 4× fewer images → 2× the weight
    assert weights[0] / weights[1] == pytest.approx(0.5)


def test_augmentation_crops_and_mirrors_images_not_labels():
    torch.manual_seed(0)
    x = torch.randn(16, 3, 64, 64)
    data = Augmented(MyDataset(x, torch.arange(16) % 10), random_crop_flip(pad=4))
    first, second = [torch.stack([data[i][0] for i in range(16)]) for _ in range(2)]
    assert first.shape == x.shape and not torch.equal(first, x) and not torch.equal(first, second)  # new each epoch
    assert [int(data[i][1]) for i in range(16)] == [i % 10 for i in range(16)]
    mirror = Augmented(MyDataset(x, torch.zeros(16)), random_crop_flip(pad=0))
    fetched = [mirror[i][0] for i in range(16)]
    flipped = [i for i in range(16) if not torch.equal(fetched[i], x[i])]
    assert 0 < len(flipped) < 16  # about half are mirrored...
    for i in flipped:
        assert torch.equal(fetched[i], x[i].flip(2))  # ...left–right: the width axis, never up–down


# --- the appendix's words (answers/beyond.py), from crafted facts ------------------------------

BALANCED_COUNTS = {"samoyed": 770, "golden_retriever": 788, "collie": 738, "dalmatian": 760}


def ladder_rung(step: int, acc: float, recall: dict[str, float], **provenance) -> dict:
    history = [{"epoch": 1, "train_loss": 1.0, "val_loss": 1.2}] if step in (2, 4, 5) else None
    return {"step": step, "params": 1, "epochs": 0 if step == 3 else 10, "train_seconds": 0.0 if step == 3 else 60.0,
            "test_acc": acc, "test_acc_flip_averaged": acc + 0.01 if step == 5 else None, "recall": recall,
            "history": history, **provenance}


def ladder_facts(train_counts=None, **extra) -> dict:
    """A ladder on the course's 555 test images in which flip averaging alone (rung 3) cuts
    golden_retriever's recall from 0.30 to 0.20 and rung 4 brings it to 0.32."""
    recall = {2: 0.30, 3: 0.20, 4: 0.32}
    ladder = [ladder_rung(step, acc, {"golden_retriever": recall.get(step, 0.1), "collie": 0.2, "samoyed": 0.5,
                                      "dalmatian": 0.6})
              for step, acc in ((0, 0.2966), (1, 0.3104), (2, 0.60), (3, 0.61), (4, 0.62), (5, 0.70))]
    ladder[0]["reused"] = True
    return {"ladder": ladder, "homework_reference": {"mean": 0.2966, "sd": 0.007, "seeds": [0, 1, 2, 3, 4]},
            "seeds": [0], "jobs": 2, "train_counts": train_counts or BALANCED_COUNTS,
            "recipes": {"2": {"epochs": 16, "batch_size": 64, "max_lr": 3e-3, "weight_decay": 0.05},
                        "5": {"epochs": 48, "crop_padding": 4}},
            "dogset": {"source": "DogSet (the course's own copy)", "path": "x",
                       "counts": {"train": 7665, "valid": 2000, "test": 555}, "rebuilt": False}, **extra}


def beyond_words(facts: dict) -> str:
    from answers import beyond
    return beyond.render(facts)["Beyond"]


def test_the_recall_gain_is_measured_against_the_rung_before_any_test_time_trick():
    text = beyond_words(ladder_facts())
    assert "Against rung 2, the same network before any test-time trick" in text
    assert "0.30 then 0.32 (golden_retriever)" in text
    assert "0.20 to 0.32" not in text  # not against rung 3, whose flip averaging alone cut it
    assert "Flip averaging alone (rung 3) moved golden_retriever's recall to 0.20" in text


def test_no_rung_is_said_to_be_trained_from_scratch_unless_it_was():
    text = beyond_words(ladder_facts())
    assert "Every rung is trained from scratch" not in text
    assert "rung 0: a saved model reused, trained in an earlier run" in text
    assert "rungs 1, 2, 4 and 5: trained from scratch in this run" in text and "rung 3: not trained" in text
    facts = ladder_facts()
    facts["ladder"][0]["reused_from"] = "q15_dog_cnn.py"
    facts["ladder"][3].update(trained=False, reused_from="rung 2")
    recorded = beyond_words(facts)
    assert "rung 0: a saved model reused, trained by q15_dog_cnn.py" in recorded
    assert "rung 3: not trained: rung 2's model, tested differently" in recorded


def test_each_test_accuracy_carries_its_interval_and_the_reference_its_spread():
    text = beyond_words(ladder_facts())
    assert "| **29.7% [26.1–33.7%]** |" in text and "71.0% [67.1–74.6%]" in text  # rung 0, rung 5 flip-averaged
    assert "The homework's CNN (Q15) reaches 29.7 ± 0.7% over 5 seeds [26.1–33.7%]" in text
    assert "on the 555 test images" in text


def test_gains_are_rounded_once_from_the_unrounded_accuracies():
    text = beyond_words(ladder_facts())
    assert "against the rung before (from the unrounded accuracies): rung 1 +1.4 points" in text  # 1.38, not 31.0 − 29.7


def test_the_data_is_described_from_the_facts_never_as_the_stand_in():
    text = beyond_words(ladder_facts())
    for stand_in in ("stand-in", "sorted by breed", "1,300", "imbalanced", "fewest of"):
        assert stand_in not in text
    assert "Golden_retriever (recall 0.30) and collie (recall 0.20) are the breeds rung 2 recognises worst" in text
    assert "nearly balanced (738–788 training images each)" in text and "no rung separates them from the label smoothing" in text
    unbalanced = beyond_words(ladder_facts({**BALANCED_COUNTS, "golden_retriever": 164, "collie": 195}))
    assert "Golden_retriever (164 training images) and collie (195 training images) have the fewest" in unbalanced
    assert "nearly balanced" not in unbalanced


def test_the_wall_time_is_stated_only_when_recorded():
    assert "wall time" not in beyond_words(ladder_facts())
    assert "this run took 41.0 min of wall time" in beyond_words(ladder_facts(wall_seconds=2460.0))


def test_the_ladder_names_what_each_rung_changes_and_what_it_cannot_separate():
    text = beyond_words(ladder_facts())
    assert "Rung 3 changes one thing (flip averaging at test time), so its gain is that change's" in text
    assert "rung 4 class weights and label smoothing" in text
    assert "rung 5 data augmentation and 48 epochs instead of 16" in text
    assert "also trains 48 epochs against rung 2's 16" in text
    assert "cannot tell how much of this is the augmentation and how much the longer schedule" in text
    facts = ladder_facts()
    facts["recipes"]["5"]["epochs"] = 16  # augmentation alone: nothing left to confound
    same = beyond_words(facts)
    assert "longer schedule" not in same and "also trains" not in same


def test_the_class_weights_are_stated_to_three_decimals():
    """0.986–1.019 on the course's counts: two decimals once made it 0.99–1.02."""
    from answers.beyond import class_weights

    weights = class_weights(BALANCED_COUNTS)
    text = beyond_words(ladder_facts())
    assert f"range only from {min(weights.values()):.3f} to {max(weights.values()):.3f}" in text
    largest = max(abs(w - 1) for w in weights.values())  # what the weights can do, stated as arithmetic
    assert f"none further than {largest:.1%} from 1" in text and "can change little" not in text
