"""Q13: the Conv2d shape function against torch.nn.Conv2d."""
import random

import pytest
import torch

from q13_conv_shape import HOMEWORK_CASE, conv2d_output_shape, receptive_field


def test_the_formula_gives_the_homeworks_case_16_3_17_23():
    assert conv2d_output_shape(**HOMEWORK_CASE) == (16, 3, 17, 23)


def test_matches_torch_on_random_configurations():
    rng = random.Random(0)
    checked = 0
    while checked < 150:
        k, s, p, d = ((rng.randint(1, 7), rng.randint(1, 7)), (rng.randint(1, 4), rng.randint(1, 4)),
                      (rng.randint(0, 4), rng.randint(0, 4)), (rng.randint(1, 3), rng.randint(1, 3)))
        shape = (rng.randint(1, 3), rng.randint(1, 4), rng.randint(1, 40), rng.randint(1, 40))
        try:
            expected = conv2d_output_shape(shape, 5, k, s, p, d)
        except ValueError:
            with pytest.raises(RuntimeError):
                torch.nn.Conv2d(shape[1], 5, k, s, p, d)(torch.zeros(shape))
            continue
        actual = tuple(torch.nn.Conv2d(shape[1], 5, k, s, p, d)(torch.zeros(shape)).shape)
        assert actual == expected, (shape, k, s, p, d)
        checked += 1


def test_ints_and_pairs_agree():
    assert conv2d_output_shape((1, 3, 20, 20), 4, 3, 2, 1, 1) == conv2d_output_shape((1, 3, 20, 20), 4, (3, 3), (2, 2), (1, 1), (1, 1))


@pytest.mark.parametrize("kwargs, message", [
    (dict(kernel_size=0), "kernel_size must be >= 1"),
    (dict(kernel_size=3, stride=(1, 0)), "stride must be >= 1"),
    (dict(kernel_size=3, dilation=0), "dilation must be >= 1"),
    (dict(kernel_size=3, padding=-1), "padding must be >= 0"),
    (dict(kernel_size=9), "output size 0 < 1"),
    (dict(kernel_size=(1, 2, 3)), "kernel_size must be an int or a pair"),
])
def test_impossible_conv_arguments_are_refused_with_their_reason(kwargs, message):
    with pytest.raises(ValueError, match=message):
        conv2d_output_shape((1, 3, 8, 8), 2, **kwargs)


def test_receptive_field_of_the_q14_network():
    assert receptive_field([(5, 2), (5, 2)]) == 13  # 5 + (5 − 1)·2
    assert receptive_field([(3, 1)] * 3) == 7
