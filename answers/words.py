"""Small wording helpers every renderer shares: spreads over seeds, seed lists, agreement
counts (marked borderline when a member sits at the cut), ranges, differences that agree with
the rounded numbers shown beside them, a test sample's own noise, and comparisons that say
"about the same" when the shown numbers are equal."""
from __future__ import annotations

from typing import Sequence

from common.stats import mean_sd, wilson_interval


def pct_spread(values: Sequence[float], digits: int = 1) -> str:
    """Fractions as 'm ± s%' over seeds (just 'm%' for one seed)."""
    mean, sd = mean_sd(values)
    return f"{100 * mean:.{digits}f}%" if len(values) == 1 else f"{100 * mean:.{digits}f} ± {100 * sd:.{digits}f}%"


def seed_spread(sd: float, seeds: int) -> str:
    """' ± sd' (a spread over seeds, one decimal), or nothing for one seed, which has none to show."""
    return f" ± {sd:.1f}" if seeds > 1 else ""


def seed_list(seeds: Sequence[int]) -> str:
    """'seed 0' or 'seeds 0–4' (consecutive) or 'seeds 0, 3, 7'."""
    seeds = list(seeds)
    if len(seeds) == 1:
        return f"seed {seeds[0]}"
    if seeds == list(range(seeds[0], seeds[0] + len(seeds))):
        return f"seeds {seeds[0]}–{seeds[-1]}"
    return "seeds " + ", ".join(map(str, seeds))


def agree(count: int, total: int) -> str:
    """'all 5 seeds', '3 of 5 seeds', or for a single seed 'the one seed run' (count 1) and
    'no seed (one seed run)' (count 0)."""
    if total == 1:
        return "the one seed run" if count == 1 else "no seed (one seed run)"
    return f"all {total} seeds" if count == total else f"{count} of {total} seeds"


def borderline(count: int, total: int, near: Sequence[str]) -> str:
    """`agree(count, total)`, marked borderline when `near` is not empty: `near` names the
    members that sit within a small margin of the cut that decides the count (one seed, one
    image, a machine's rounding could move them across it), e.g. '3 of 5 seeds (borderline:
    seed 2 ends 0.98% above, against the 1% cut)'. A count without that mark holds on any
    machine; one with it is stated as the borderline verdict it is."""
    text = agree(count, total)
    return f"{text} (borderline: {'; '.join(near)})" if near else text


def tie_note(seed: int, value: float, other: float) -> str:
    """'seed 2 ties exactly' or 'seed 2 is within one test image of a tie', for a near tie."""
    return f"seed {seed} ties exactly" if value == other else f"seed {seed} is within one test image of a tie"


def near_cut(value: float, cut: float, margin: float) -> bool:
    """Whether `value` lies within `margin` of `cut` (the rule behind `borderline`); a hair of
    slack keeps a value exactly one margin away, such as one image in a count, near."""
    return abs(value - cut) <= margin + 1e-9


def rounded_difference(value: float, reference: float, digits: int = 1) -> str:
    """`value` − `reference`, signed, rounded once from the unrounded values (31.04 against 29.66
    gives '+1.4', although the two show as 31.0 and 29.7): a difference never carries the
    rounding of the numbers beside it, and the sheet says so where it sets them side by side."""
    return f"{round(value - reference, digits) + 0.0:+.{digits}f}"  # + 0.0 turns -0.0 into 0.0


def sample_half_width(accuracy: float, total: int) -> float:
    """One model's test-sample noise in points: half the width of the 95% Wilson interval of
    `accuracy` measured on `total` images (about 3.8 at 30% on 555 images). The spread over
    seeds does not include it."""
    low, high = wilson_interval(round(accuracy * total), total)
    return 50 * (high - low)


def sample_noise(accuracy: float, total: int) -> str:
    """"one model's 95% test-sample interval on 555 images ≈ ±3.8 points"."""
    return (f"one model's 95% test-sample interval on {total:,} images ≈ "
            f"±{sample_half_width(accuracy, total):.1f} points")


def span(values: Sequence[float], fmt: str = "{:.0f}") -> str:
    """'a' or 'a–b' for the range of per-seed values, as shown with `fmt`."""
    low, high = fmt.format(min(values)), fmt.format(max(values))
    return low if low == high else f"{low}–{high}"


def in_words(names: list[str], separator: str = ", ") -> str:
    """'a', 'a and b', or 'a, b and c' (with `separator` between the first ones)."""
    if len(names) < 2:
        return "".join(names)
    return separator.join(names[:-1]) + " and " + names[-1]


def plural(count: int, noun: str) -> str:
    """'1 seed', '5 seeds'."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _unsigned_zero(shown: str) -> str:
    """'-0.0' as '0.0': a sign in front of nothing but zeros."""
    return shown[1:] if shown.startswith("-") and not any(c in "123456789" for c in shown) else shown


def compare(value: float, reference: float, fmt: str, more: str, less: str, same: str) -> str:
    """`more`, `less` or `same` by how `value` compares with `reference` *as shown* with `fmt`:
    two numbers that print alike are called the same, never "more (55.9 vs 55.9)", and a
    negative number that prints as zero ("-0.0") is zero."""
    shown, shown_reference = _unsigned_zero(fmt.format(value)), _unsigned_zero(fmt.format(reference))
    if shown == shown_reference:
        return same
    return more if value > reference else less


def sentence(text: str) -> str:
    """`text` with its first letter capitalised (a sentence may open with a breed's name)."""
    return text[:1].upper() + text[1:]
