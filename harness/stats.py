"""Summaries across seeds: every trained answer states its mean and its spread."""
from __future__ import annotations

import statistics
from typing import Sequence


def mean_sd(values: Sequence[float]) -> tuple[float, float]:
    """(mean, sample standard deviation); the sd is 0 for a single value."""
    values = list(values)
    return statistics.fmean(values), statistics.stdev(values) if len(values) > 1 else 0.0
