"""Q13: the output shape of torch.nn.Conv2d, computed by formula and confirmed by PyTorch.

Run it to see the homework's case worked out, and the shape chain of Q14's network.
"""
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


def conv2d_output_shape(
    input_shape: Sequence[int],
    out_channels: int,
    kernel_size: IntOrPair,
    stride: IntOrPair = 1,
    padding: IntOrPair = 0,
    dilation: IntOrPair = 1,
) -> tuple[int, int, int, int]:
    """(N, C_out, H_out, W_out) of Conv2d on an (N, C_in, H, W) input.

    Per spatial dimension, as in PyTorch's documentation:
        out = floor((in + 2·padding − dilation·(kernel − 1) − 1) / stride) + 1
    """
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
        value = math.floor((size + 2 * p - d * (k - 1) - 1) / s) + 1
        if value < 1:
            raise ValueError(
                f"output size {value} < 1: input {size} with padding {p} is smaller than the dilated kernel {d * (k - 1) + 1}"
            )
        out.append(value)
    return (n, out_channels, out[0], out[1])


def explain_dimension(size: int, k: int, s: int, p: int, d: int) -> str:
    """The formula written out with numbers for one dimension."""
    value = math.floor((size + 2 * p - d * (k - 1) - 1) / s) + 1
    return f"floor(({size} + 2·{p} − {d}·({k} − 1) − 1) / {s}) + 1 = floor({size + 2 * p - d * (k - 1) - 1}/{s}) + 1 = {value}"


HOMEWORK_CASE = dict(
    input_shape=(16, 3, 32, 32), out_channels=3, kernel_size=(8, 4), stride=(2, 2), padding=(4, 8), dilation=(1, 1)
)


def main() -> None:
    import torch

    from common.cli import base_parser
    from common.models import DOG_IMAGE_SHAPE, dog_cnn
    from common.outputs import write_json

    args = base_parser(__doc__).parse_args()
    case = HOMEWORK_CASE
    shape = conv2d_output_shape(**case)
    print("Q13: Conv2d(in=3, out=3, kernel=(8, 4), stride=(2, 2), padding=(4, 8), dilation=(1, 1)) on [16, 3, 32, 32]")
    for axis, i in (("H", 0), ("W", 1)):
        print(f"  {axis}_out = " + explain_dimension(
            case["input_shape"][2 + i], case["kernel_size"][i], case["stride"][i], case["padding"][i], case["dilation"][i]))
    torch.manual_seed(args.seed)
    conv = torch.nn.Conv2d(3, case["out_channels"], case["kernel_size"], case["stride"], case["padding"], case["dilation"])
    actual = tuple(conv(torch.zeros(case["input_shape"])).shape)
    print(f"  formula: {list(shape)}   torch.nn.Conv2d: {list(actual)}   {'agree' if actual == shape else 'DISAGREE'}")

    print("Q14 network, shape chain for one 64×64 RGB image:")
    model = dog_cnn()
    x = torch.zeros(1, *DOG_IMAGE_SHAPE)
    chain = [list(x.shape)]
    print(f"  input {list(x.shape)}")
    for layer in model:
        x = layer(x)
        chain.append(list(x.shape))
        print(f"  {layer.__class__.__name__:<8} → {list(x.shape)}")
    write_json(args.out / "results" / "q13.json", {
        "case": {k: list(v) if isinstance(v, tuple) else v for k, v in case.items()},
        "formula_shape": list(shape), "torch_shape": list(actual), "q14_chain": chain,
    })
    if actual != shape:
        raise SystemExit("formula and torch.nn.Conv2d disagree")


if __name__ == "__main__":
    from common.cli import run_main

    run_main(main)
