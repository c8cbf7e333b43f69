"""Q10–Q12 in words and figures: the DogSet MLP's weight count, its training over seeds and
the reading of its curves. Facts from q11_dog_mlp.py (results/q11.json)."""
from __future__ import annotations

from answers.old_sheet import correction
from answers.dogs import data_note, describe_dog, draw_histories, reading, training_summary


def render(facts: dict) -> dict[str, str]:
    count = facts["weights"]
    return {
        "Q10": (f"64·64·3·128 + 128·64 + 64·10 = **{facts['q10_formula']:,} connection weights** (counted from the "
                f"model: {count['weights']:,}), plus {count['biases']} biases (128 + 64 + 10) = "
                f"**{count['parameters']:,} trainable parameters**. The biases are trained too, so they belong in the "
                f"count."),
        "Q11": (f"Data: {data_note(facts['dogset'])}.\n\nProtocol: {describe_dog(facts['settings'])}.\n\n"
                f"{training_summary(facts)}"),
        "Q12": f"{reading(facts)}\n\nRead from the recorded histories in `results/q11.json`.",
    }


def corrections(facts: dict) -> list[tuple[str, str, str]]:
    count = facts["weights"]
    return [("Q10", "1,581,696 weights, without the 202 biases",
             f"{count['weights']:,} weights + {count['biases']} biases = {count['parameters']:,} parameters"),
            correction("Q11", facts),
            ("Q12", "described training curves it never produced", "reads the recorded curves of every seed")]


def draw(facts: dict) -> dict:
    return draw_histories(facts, "q11", "DogSet MLP")
