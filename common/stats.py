"""Summaries across seeds: every trained answer states its mean, its spread and how many
seeds agree."""
from __future__ import annotations

import statistics
from typing import Sequence


def mean_sd(values: Sequence[float]) -> tuple[float, float]:
    """(mean, sample standard deviation); the sd is 0 for a single value."""
    values = list(values)
    return statistics.fmean(values), statistics.stdev(values) if len(values) > 1 else 0.0


def summary(values: Sequence[float]) -> dict:
    """mean, sd, min, max of per-seed values, for results files."""
    mean, sd = mean_sd(values)
    return {"mean": mean, "sd": sd, "min": min(values), "max": max(values)}


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
    """'all 5 seeds', 'every seed' for one, or '3 of 5 seeds'."""
    if total == 1:
        return "the one seed run"
    return f"all {total} seeds" if count == total else f"{count} of {total} seeds"
