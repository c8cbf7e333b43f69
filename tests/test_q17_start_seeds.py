"""Q17's words hold on any machine: a count that rounding can flip changes with the random starts
just as it does with the CPU, so an answer rendered from runs with different start seeds must
say the same thing once its numbers are masked. Q17 reports per-start outcomes; Q16 is
exhaustive and involves nothing random."""
import re

import pytest

from answers import q17
from common.runtime import torch_threads
from q17_linear import measure

STARTS, STEPS = 2, 300  # small settings: seconds, and still enough for the ReLU network to solve XOR


def q17_facts(seed: int, starts: int = STARTS, steps: int = STEPS) -> dict:
    """The facts q17_linear.py's main() publishes, measured by its own `measure` from `seed`."""
    return measure(seed, starts, steps)


def masked(text: str) -> str:
    """`text` with every number replaced by '#'."""
    return re.sub(r"\d+(?:\.\d+)?(?:e[+-]?\d+)?", "#", text)


@pytest.fixture(scope="module")
def runs_from_three_start_seeds() -> dict[int, dict]:
    with torch_threads(1):
        return {seed: q17_facts(seed) for seed in (0, 11, 1234)}


def test_q17_words_do_not_depend_on_the_starts(runs_from_three_start_seeds):
    words = {seed: q17.render(facts)["Q17"] for seed, facts in runs_from_three_start_seeds.items()}
    assert len({masked(text) for text in words.values()}) == 1, words
    assert "never classifies all 4 points" in words[0] and "classifies all 4 points from every start" in words[0]


def test_the_per_start_counts_do_vary_so_the_test_has_teeth(runs_from_three_start_seeds):
    """The deep linear network's counts differ between starts (the rounding the words avoid)."""
    counts = {c for facts in runs_from_three_start_seeds.values() for c in facts["xor_correct_deep_linear"]}
    assert len(counts) > 1 and max(counts) < 4


def test_q17_would_report_a_broken_measurement():
    facts = q17_facts(0, starts=1, steps=1)
    facts["xor_correct_deep_linear"] = [4]
    assert "which no affine map can do" in q17.render(facts)["Q17"]
