"""The output shape of torch.nn.Conv2d by formula: Q13's answer, and how Q14's network sizes
its linear layer."""
from __future__ import annotations

import math
from typing import Sequence

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
