"""Q16 in words: every Boolean function is computed by a network of perceptrons, with the
exhaustive check's counts. Facts from q16_perceptron.py (results/q16.json)."""
from __future__ import annotations


def render(facts: dict) -> dict[str, str]:
    named = facts["named_functions"]
    largest = max(row["n"] for row in named)
    return {"Q16": (
        "**Yes.** A *single* perceptron cannot compute XOR, but a network of them computes every Boolean function. "
        "Construction: one hidden threshold unit per row of the truth table on which the function is 1, with weight "
        "+1 for each input that is 1 in that row, −1 for each input that is 0, and bias 0.5 − (number of ones), so it "
        # tested: tests/test_theory.py::test_every_boolean_function_is_computed,
        #         tests/test_theory.py::test_a_broken_construction_is_detected
        "fires on exactly that row; one output unit with weights 1 and bias −0.5 ORs them. It needs at most 2ⁿ hidden "
        "units (the function that is always 1); parity needs 2ⁿ⁻¹ with this construction.\n\n"
        "`q16_perceptron.py` builds this network for every function and compares it with the truth table: "
        + ", ".join(f"{e['exact']:,} of {e['functions']:,} functions of {n} input{'s' * (int(n) > 1)} exact"
                    for n, e in facts["exhaustive"].items())
        + ". Parity and majority: " + ", ".join(
            f"{x['function']} n={x['n']} with {x['hidden_units']} hidden units {'exact' if x['correct'] else 'WRONG'}"
            for x in named if x["n"] in (4, largest)) + ".")}


def corrections(facts: dict) -> list[tuple[str, str, str]]:
    largest = max(int(n) for n in facts["exhaustive"])
    return [("Q16", "No", f"Yes, checked on every function of up to {largest} inputs")]
