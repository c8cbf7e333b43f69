"""The question scripts' flags (harness/cli.py): --sizes checked before anything trains, and the
one place that says which flags differ from the homework's, which decides where a run writes."""
import pytest

import q04_mnist_time
from common.errors import UserError
from harness.cli import add_mnist_flags, base_parser, flags_off_homework
from harness.mnist_runs import HOMEWORK_SIZES, check_sizes


def test_check_sizes_sorts_and_rejects_unbalanced_sizes():
    assert check_sizes([2000, 500, 500, 1000]) == [500, 1000, 2000]
    with pytest.raises(UserError, match=r"--sizes 505: each size must be a multiple of 10"):
        check_sizes([500, 505])


def parser():
    p = base_parser("q04", seeds="many")
    add_mnist_flags(p, q04_mnist_time.HOMEWORK, HOMEWORK_SIZES)
    p.add_argument("--full", action="store_true")
    return p


@pytest.mark.parametrize("argv, notes", [
    ([], ["without --full"]),
    (["--full", "--threads", "2", "--quiet", "--mnist-dir", "x"], []),  # speed and paths change no answer
    (["--full", "--sizes", "2000", "1000", "1500", "500", "500"], []),  # the same sizes in another order
    (["--full", "--epochs", "2", "--lr", "0.1"], ["--epochs 2", "--lr 0.1"]),
    (["--full", "--seeds", "3"], ["--seeds 3"]),
    (["--full", "--seeds", "0", "1", "2", "3", "4", "4"], []),
])
def test_every_flag_off_the_homework_is_named_and_no_other(argv, notes):
    p = parser()
    assert flags_off_homework(p, p.parse_args(argv), homework={"full": True}) == notes
