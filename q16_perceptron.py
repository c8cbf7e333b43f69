"""Q16: every Boolean function can be computed by a network of perceptrons.

Construction (the disjunctive normal form as a network): one hidden threshold unit per
input row on which the function is true, firing only on exactly that row (an AND of
literals: weight +1 for an input that must be 1, −1 for one that must be 0, bias
0.5 − number of ones), and one output unit that ORs the hidden units (weights 1, bias
−0.5). A function that is never true gets no hidden units and outputs 0.

The script builds that network for every Boolean function of 3 inputs (256) and of 4
inputs (65,536), plus parity and majority for larger n, and checks every output against
the truth table. Writes results/q16.json; the words are in answers/q16.py.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from answers.sheet import publish
from common.errors import UserError
from common.cli import positive_int, run_main
from harness.cli import base_parser, flags_off_homework
from common.outputs import choose_destination
from common.runtime import run_metadata

DEFAULT_MAX_N = 10
DEFAULT_EXHAUSTIVE_N = 4  # every function of 1 to 4 inputs: 4 + 16 + 256 + 65,536 networks
MEMORY_LIMIT = 2 * 2**30  # bytes the largest check may take


def memory_needed(n: int) -> int:
    """Bytes of the largest arrays checking parity of n inputs takes: the [2^n, 2^(n−1)] float64
    hidden pre-activations and their int64 step, plus the weights."""
    return 2 * 8 * 2**n * 2 ** (n - 1) + 8 * 2 ** (n - 1) * n


def all_inputs(n: int) -> np.ndarray:
    """All 2^n binary input rows, [2^n, n], in counting order."""
    return np.array(list(itertools.product((0, 1), repeat=n)), dtype=np.int64)


def step(z: np.ndarray) -> np.ndarray:
    """The perceptron's threshold activation: 1 where z > 0, else 0."""
    return (z > 0).astype(np.int64)


@dataclass
class PerceptronNetwork:
    """Threshold units: hidden = step(x·W1ᵀ + b1), output = step(hidden·w2 + b2)."""

    w1: np.ndarray  # [hidden, n]
    b1: np.ndarray  # [hidden]
    w2: np.ndarray  # [hidden]
    b2: float

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return step(step(x @ self.w1.T + self.b1) @ self.w2 + self.b2)

    @property
    def hidden_units(self) -> int:
        return len(self.b1)


def build_network(truth_table: np.ndarray) -> PerceptronNetwork:
    """The two-layer perceptron network that computes the function with this truth table
    (one output per row of all_inputs(n))."""
    n = int(np.log2(len(truth_table)))
    if 2 ** n != len(truth_table):
        raise ValueError(f"a truth table needs 2^n rows, got {len(truth_table)}")
    true_rows = all_inputs(n)[np.asarray(truth_table, dtype=bool)]
    return PerceptronNetwork(
        w1=2.0 * true_rows - 1.0,  # +1 for inputs that must be 1, −1 for inputs that must be 0
        b1=0.5 - true_rows.sum(axis=1),  # fires only when every required 1 is on and every 0 is off
        w2=np.ones(len(true_rows)),
        b2=-0.5,  # OR: fires when at least one hidden unit fires
    )


def verify_all_functions(n: int) -> tuple[int, int]:
    """Build and check the network for every one of the 2^(2^n) functions of n inputs;
    returns (functions checked, functions computed exactly)."""
    x = all_inputs(n)
    checked = exact = 0
    for table in itertools.product((0, 1), repeat=2 ** n):
        table = np.array(table)
        exact += bool(np.array_equal(build_network(table)(x), table))
        checked += 1
    return checked, exact


NAMED_FUNCTIONS = {
    "parity": lambda x: x.sum(axis=1) % 2,
    "majority": lambda x: (2 * x.sum(axis=1) > x.shape[1]).astype(np.int64),
}


def main() -> None:
    parser = base_parser(__doc__, seeds="none")
    parser.add_argument("--max-n", type=positive_int, default=DEFAULT_MAX_N,
                        help="largest n for parity and majority (default: %(default)s)")
    parser.add_argument("--exhaustive-n", type=positive_int, choices=range(1, 5), default=DEFAULT_EXHAUSTIVE_N,
                        metavar="{1..4}", help="check every function of up to this many inputs (default: %(default)s)")
    args = parser.parse_args()
    if memory_needed(args.max_n) > MEMORY_LIMIT:
        largest = max(n for n in range(2, 64) if memory_needed(n) <= MEMORY_LIMIT)
        raise UserError(f"--max-n {args.max_n}: checking parity would take about {memory_needed(args.max_n) / 2**30:,.0f} "
                        f"GiB; at most {largest} fits the {MEMORY_LIMIT / 2**30:.0f} GiB limit")
    reasons = flags_off_homework(parser, args)
    dest = choose_destination(args.out, reasons)
    exhaustive = {n: verify_all_functions(n) for n in range(1, args.exhaustive_n + 1)}
    named = []
    for name, function in NAMED_FUNCTIONS.items():
        for n in range(2, args.max_n + 1):
            x = all_inputs(n)
            net = build_network(function(x))
            named.append({"function": name, "n": n, "hidden_units": net.hidden_units,
                          "correct": bool(np.array_equal(net(x), function(x)))})
    all_correct = all(e == c for c, e in exhaustive.values()) and all(row["correct"] for row in named)
    if not all_correct:
        raise SystemExit("some networks disagree with their truth tables")
    publish(dest, "q16", {"not_homework": "; ".join(reasons), "all_correct": all_correct,
                          "exhaustive": {str(n): {"functions": c, "exact": e} for n, (c, e) in exhaustive.items()},
                          "named_functions": named, "meta": run_metadata()})


if __name__ == "__main__":
    run_main(main)
