"""Q13 in words: the Conv2d output shape worked out per dimension. Facts from
q13_conv_shape.py (results/q13.json)."""
from __future__ import annotations


def explain_dimension(size: int, kernel: int, stride: int, padding: int, dilation: int, out: int) -> str:
    """The formula for one dimension with the numbers put in; `out` is what q13_conv_shape.py computed."""
    return (f"⌊({size} + 2·{padding} − {dilation}·({kernel} − 1) − 1) / {stride}⌋ + 1 = "
            f"⌊{size + 2 * padding - dilation * (kernel - 1) - 1}/{stride}⌋ + 1 = {out}")


def render(facts: dict) -> dict[str, str]:
    case = facts["case"]
    dims = [f"- {axis}: " + explain_dimension(case["input_shape"][2 + i], case["kernel_size"][i], case["stride"][i],
                                              case["padding"][i], case["dilation"][i], facts["formula_shape"][2 + i])
            for axis, i in (("H", 0), ("W", 1))]
    formula, actual = facts["formula_shape"], facts["torch_shape"]
    return {"Q13": "\n".join([
        f"Input {case['input_shape']}, out_channels {case['out_channels']}, kernel {case['kernel_size']}, "
        f"stride {case['stride']}, padding {case['padding']}, dilation {case['dilation']}. Per "
        "dimension, out = ⌊(in + 2·padding − dilation·(kernel − 1) − 1) / stride⌋ + 1:", "", *dims, "",
        f"Output shape **{formula}**; `torch.nn.Conv2d` on a real tensor gives {actual}"
        + (" (they agree)." if formula == actual else " — they DISAGREE."),
    ])}
