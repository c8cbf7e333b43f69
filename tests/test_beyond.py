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
