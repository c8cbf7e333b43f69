"""Small helpers of the MNIST experiment."""
import pytest

from common.base import UserError
from common.mnist_runs import MnistSettings, check_sizes


def test_check_sizes_sorts_and_rejects_unbalanced_sizes():
    assert check_sizes([2000, 500, 500, 1000]) == [500, 1000, 2000]
    with pytest.raises(UserError, match=r"--sizes 505: each size must be a multiple of 10"):
        check_sizes([500, 505])


def test_settings_know_what_differs_from_the_homework():
    assert MnistSettings().differences_from_homework() == []
    assert MnistSettings(threads=2).differences_from_homework() == []  # threads change speed, not the answer
    assert MnistSettings(epochs=2, lr=0.1).differences_from_homework() == ["--epochs 2", "--lr 0.1"]
