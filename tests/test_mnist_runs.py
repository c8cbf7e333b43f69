"""Small helpers of the MNIST experiment."""
import pytest

from common.cli import UserError
from common.mnist_runs import check_sizes, seconds_to_hm


def test_check_sizes_sorts_and_rejects_unbalanced_sizes():
    assert check_sizes([2000, 500, 500, 1000]) == [500, 1000, 2000]
    with pytest.raises(UserError, match=r"\[505\]: each size must be a multiple of 10"):
        check_sizes([500, 505])


def test_seconds_to_hours_and_minutes():
    assert seconds_to_hm(176.4) == "0 h 02 min 56 s"
    assert seconds_to_hm(3909) == "1 h 05 min 09 s"
