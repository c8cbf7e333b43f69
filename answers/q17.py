"""Q17 in words: linear layers collapse into one affine map, so depth adds no power; XOR shows
it. Facts from q17_linear.py (results/q17.json).

The words state only what holds from every start on every machine. The deep linear network's
best fit to XOR is the constant w = 0, b = 0, so its trained logits end near 0 and how many of
the 4 points a start classifies (2 or 3, say) is the sign of leftover rounding: the sheet says
"never all 4", not the per-start counts."""
from __future__ import annotations

from answers.words import plural


def relu_outcome(correct: list[int]) -> str:
    """What the ReLU network reached over its starts: 'classifies all 4 points from every start',
    else from how many starts it did."""
    solved = sum(c == 4 for c in correct)
    if solved == len(correct):
        return "classifies all 4 points from every start"
    return f"classifies all 4 points from {solved} of its {plural(len(correct), 'start')}"


def linear_outcome(correct: list[int]) -> str:
    """'never classifies all 4 points', the machine-independent fact; a start that reached all 4
    would contradict the proof above, and the words say so."""
    if max(correct) < 4:
        return "never classifies all 4 points"
    return (f"classifies all 4 points from {sum(c == 4 for c in correct)} of its {plural(len(correct), 'start')}, "
            f"which no affine map can do: the measurement is broken")


def render(facts: dict) -> dict[str, str]:
    return {"Q17": (
        "**No.** Linear layers compose into one affine map: W₃(W₂(W₁x + b₁) + b₂) + b₃ = (W₃W₂W₁)x + "
        "(W₃W₂b₁ + W₃b₂ + b₃). Whatever the depth, the network is a single linear model, so with a threshold it "
        "separates classes by one hyperplane. XOR has no such hyperplane: w·(0,1) + b > 0 and w·(1,0) + b > 0 sum to "
        "w₁ + w₂ + 2b > 0, while w·(0,0) + b ≤ 0 and w·(1,1) + b ≤ 0 sum to w₁ + w₂ + 2b ≤ 0, a contradiction.\n\n"
        f"`q17_linear.py`: a linear network with widths {facts['deep_linear_widths']} equals its collapsed single affine "
        f"map up to {facts['collapse_max_abs_error']:.1e} on 1,000 random inputs. Trained on XOR from "
        f"{plural(facts['starts'], 'random start')}, the deep linear network "
        f"{linear_outcome(facts['xor_correct_deep_linear'])}, while a 2-8-1 ReLU network "
        f"{relu_outcome(facts['xor_correct_relu'])}. How many points the linear network gets right is not a result: "
        f"under the logistic loss the best affine map for XOR is w = 0, b = 0 (probability ½ for every point), so its "
        f"trained outputs end near 0 and which side of 0 each lands on is leftover rounding, different from one start "
        f"to the next.")}


def corrections(facts: dict) -> list[tuple[str, str, str]]:
    return [("Q17", "Yes", "No: the layers collapse to one affine map")]
