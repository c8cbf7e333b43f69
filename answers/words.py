"""Small wording helpers every renderer shares: spreads over seeds, seed lists, agreement
counts, ranges, and comparisons that say "about the same" when the shown numbers are equal."""
from __future__ import annotations

from typing import Sequence

from harness.stats import mean_sd


def pct_spread(values: Sequence[float], digits: int = 1) -> str:
    """Fractions as 'm ± s%' over seeds (just 'm%' for one seed)."""
    mean, sd = mean_sd(values)
    return f"{100 * mean:.{digits}f}%" if len(values) == 1 else f"{100 * mean:.{digits}f} ± {100 * sd:.{digits}f}%"


def seed_list(seeds: Sequence[int]) -> str:
    """'seed 0' or 'seeds 0–4' (consecutive) or 'seeds 0, 3, 7'."""
    seeds = list(seeds)
    if len(seeds) == 1:
        return f"seed {seeds[0]}"
    if seeds == list(range(seeds[0], seeds[0] + len(seeds))):
        return f"seeds {seeds[0]}–{seeds[-1]}"
    return "seeds " + ", ".join(map(str, seeds))


def agree(count: int, total: int) -> str:
    """'all 5 seeds', 'the one seed run', or '3 of 5 seeds'."""
    if total == 1:
        return "the one seed run"
    return f"all {total} seeds" if count == total else f"{count} of {total} seeds"


def span(values: Sequence[float], fmt: str = "{:.0f}") -> str:
    """'a' or 'a–b' for the range of per-seed values, as shown with `fmt`."""
    low, high = fmt.format(min(values)), fmt.format(max(values))
    return low if low == high else f"{low}–{high}"


def plural(count: int, noun: str) -> str:
    """'1 seed', '5 seeds'."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def compare(value: float, reference: float, fmt: str, more: str, less: str, same: str) -> str:
    """`more`, `less` or `same` by how `value` compares with `reference` *as shown* with `fmt`:
    two numbers that print alike are called the same, never "more (55.9 vs 55.9)"."""
    shown, shown_reference = fmt.format(value), fmt.format(reference)
    if shown == shown_reference:
        return same
    return more if value > reference else less


def sentence(text: str) -> str:
    """`text` with its first letter capitalised (a sentence may open with a breed's name)."""
    return text[:1].upper() + text[1:]
