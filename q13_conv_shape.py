"""Q13: the output shape of torch.nn.Conv2d, computed by formula and confirmed by PyTorch.

The formula lives in common/shapes.py (Q14's network sizes its linear layer with it); this
script works the homework's case out, checks it against a real Conv2d, and prints the shape
chain of Q14's network. Writes results/q13.json; the words are in answers/q13.py.
"""
from __future__ import annotations

import torch

from answers.sheet import publish
from common.cli import base_parser, run_main
from common.models import DOG_IMAGE_SHAPE, dog_cnn
from common.outputs import choose_destination
from common.shapes import conv2d_output_shape

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
    x = torch.zeros(1, *DOG_IMAGE_SHAPE)
    chain = [list(x.shape)]
    print(f"  input {list(x.shape)}")
    for layer in dog_cnn():
        x = layer(x)
        chain.append(list(x.shape))
        print(f"  {layer.__class__.__name__:<8} → {list(x.shape)}")
    if actual != shape:
        raise SystemExit(f"formula {list(shape)} and torch.nn.Conv2d {list(actual)} disagree")
    publish(dest, "q13", {"case": {k: list(v) if isinstance(v, tuple) else v for k, v in case.items()},
                          "formula_shape": list(shape), "torch_shape": list(actual), "q14_chain": chain})


if __name__ == "__main__":
    run_main(main)
