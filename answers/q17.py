"""Q17 in words: linear layers collapse into one affine map, so depth adds no power; XOR shows
it. Facts from q17_linear.py (results/q17.json)."""
from __future__ import annotations


def render(facts: dict) -> dict[str, str]:
    linear, relu = facts["xor_correct_deep_linear"], facts["xor_correct_relu"]
    return {"Q17": (
        "**No.** Linear layers compose into one affine map: W₃(W₂(W₁x + b₁) + b₂) + b₃ = (W₃W₂W₁)x + "
        "(W₃W₂b₁ + W₃b₂ + b₃). Whatever the depth, the network is a single linear model, so with a threshold it "
        "separates classes by one hyperplane. XOR has no such hyperplane: w·(0,1) + b > 0 and w·(1,0) + b > 0 sum to "
        "w₁ + w₂ + 2b > 0, while w·(0,0) + b ≤ 0 and w·(1,1) + b ≤ 0 sum to w₁ + w₂ + 2b ≤ 0, a contradiction.\n\n"
        f"`q17_linear.py`: a linear network with widths {facts['deep_linear_widths']} equals its collapsed single affine "
        f"map up to {facts['collapse_max_abs_error']:.1e} on 1,000 random inputs. Trained on XOR from {facts['starts']} "
        f"random starts, the deep linear network classifies {linear} of the 4 points "
        f"({'never' if max(linear) < 4 else 'SOMETIMES'} all 4), while a 2-8-1 ReLU network classifies {relu}.")}


def corrections(facts: dict) -> list[tuple[str, str, str]]:
    return [("Q17", "Yes", "No: the layers collapse to one affine map")]
