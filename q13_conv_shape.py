"""Q13: the output shape of torch.nn.Conv2d, computed by formula and confirmed by PyTorch.

The formula is `conv2d_output_shape` below (q15_dog_cnn.py works out Q14's shapes with it).
This script works the homework's case out, checks it against a real Conv2d, and prints the
shape chain of Q14's network, models.Dog_Classifier_Conv. Writes results/q13.json; the words
are in answers/q13.py.
"""
from __future__ import annotations

import math
from typing import Sequence

import torch
from torch.nn import functional as F

from answers.sheet import publish
from common.cli import run_main
from harness.cli import base_parser
from common.outputs import choose_destination
from common.runtime import run_metadata
from models import Dog_Classifier_Conv

IntOrPair = int | Sequence[int]


def _pair(name: str, value: IntOrPair) -> tuple[int, int]:
    """An int or a pair as an (h, w) pair of ints."""
    pair = (value, value) if isinstance(value, int) else tuple(value)
    if len(pair) != 2 or not all(isinstance(v, int) for v in pair):
        raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}")
    return pair  # type: ignore[return-value]


def conv_output_size(size: int, kernel: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    """One spatial dimension, as in PyTorch's documentation:
    out = floor((in + 2·padding − dilation·(kernel − 1) − 1) / stride) + 1."""
    return math.floor((size + 2 * padding - dilation * (kernel - 1) - 1) / stride) + 1


def conv2d_output_shape(
    input_shape: Sequence[int],
    out_channels: int,
    kernel_size: IntOrPair,
    stride: IntOrPair = 1,
    padding: IntOrPair = 0,
    dilation: IntOrPair = 1,
) -> tuple[int, int, int, int]:
    """(N, C_out, H_out, W_out) of Conv2d on an (N, C_in, H, W) input."""
    if len(input_shape) != 4:
        raise ValueError(f"input_shape must be (N, C_in, H, W), got {tuple(input_shape)}")
    if out_channels < 1:
        raise ValueError(f"out_channels must be >= 1, got {out_channels}")
    kernel, strides, pads, dils = (
        _pair("kernel_size", kernel_size), _pair("stride", stride),
        _pair("padding", padding), _pair("dilation", dilation),
    )
    for name, pair, low in (("kernel_size", kernel, 1), ("stride", strides, 1), ("dilation", dils, 1), ("padding", pads, 0)):
        if min(pair) < low:
            raise ValueError(f"{name} must be >= {low}, got {pair}")
    n, _, *spatial = input_shape
    out = []
    for size, k, s, p, d in zip(spatial, kernel, strides, pads, dils):
        value = conv_output_size(size, k, s, p, d)
        if value < 1:
            raise ValueError(
                f"output size {value} < 1: input {size} with padding {p} is smaller than the dilated kernel {d * (k - 1) + 1}"
            )
        out.append(value)
    return (n, out_channels, out[0], out[1])


def receptive_field(layers: Sequence[tuple[int, int]]) -> int:
    """Side of the input patch one output pixel sees after conv layers given as (kernel, stride)."""
    field, jump = 1, 1
    for kernel, stride in layers:
        field += (kernel - 1) * jump
        jump *= stride
    return field


HOMEWORK_CASE = dict(
    input_shape=(16, 3, 32, 32), out_channels=3, kernel_size=(8, 4), stride=(2, 2), padding=(4, 8), dilation=(1, 1)
)


def main() -> None:
    args = base_parser(__doc__, seeds="none").parse_args()
    dest = choose_destination(args.out, [])
    case = HOMEWORK_CASE
    shape = conv2d_output_shape(**case)
    conv = torch.nn.Conv2d(3, case["out_channels"], case["kernel_size"], case["stride"], case["padding"], case["dilation"])
    actual = tuple(conv(torch.zeros(case["input_shape"])).shape)
    print("Q14 network, shape chain for one 64×64 RGB image:")
    model = Dog_Classifier_Conv()
    x = torch.zeros(1, 3, 64, 64)
    chain = [list(x.shape)]
    print(f"  input {list(x.shape)}")
    for name, layer in (("Conv2d", model.conv1), ("ReLU", F.relu), ("Conv2d", model.conv2), ("ReLU", F.relu),
                        ("Flatten", lambda t: t.flatten(1)), ("Linear", model.fc)):  # the steps of its forward()
        x = layer(x)
        chain.append(list(x.shape))
        print(f"  {name:<8} → {list(x.shape)}")
    if actual != shape:
        raise SystemExit(f"formula {list(shape)} and torch.nn.Conv2d {list(actual)} disagree")
    publish(dest, "q13", {"case": {k: list(v) if isinstance(v, tuple) else v for k, v in case.items()},
                          "formula_shape": list(shape), "torch_shape": list(actual), "q14_chain": chain, "meta": run_metadata()})


if __name__ == "__main__":
    run_main(main)
