"""Q13: the output shape of torch.nn.Conv2d, computed by formula and confirmed by PyTorch.

The formula lives in common/shapes.py (Q14's network sizes its linear layer with it); this
script works the homework's case out by hand, checks it against a real Conv2d, and prints
the shape chain of Q14's network. Writes results/q13.json.
"""
from __future__ import annotations

import torch

from common.answer_sheet import finish
from common.cli import base_parser, run_main
from common.models import DOG_IMAGE_SHAPE, dog_cnn
from common.outputs import choose_destination, write_json
from common.shapes import conv2d_output_shape, explain_dimension

HOMEWORK_CASE = dict(
    input_shape=(16, 3, 32, 32), out_channels=3, kernel_size=(8, 4), stride=(2, 2), padding=(4, 8), dilation=(1, 1)
)


def answer(case: dict, formula: tuple, actual: tuple) -> str:
    dims = [f"- {axis}: " + explain_dimension(case["input_shape"][2 + i], case["kernel_size"][i], case["stride"][i],
                                              case["padding"][i], case["dilation"][i]) for axis, i in (("H", 0), ("W", 1))]
    return "\n".join([
        f"Input {list(case['input_shape'])}, out_channels {case['out_channels']}, kernel {list(case['kernel_size'])}, "
        f"stride {list(case['stride'])}, padding {list(case['padding'])}, dilation {list(case['dilation'])}. Per "
        "dimension, out = ⌊(in + 2·padding − dilation·(kernel − 1) − 1) / stride⌋ + 1:", "", *dims, "",
        f"Output shape **{list(formula)}**; `torch.nn.Conv2d` on a real tensor gives {list(actual)}"
        + (" (they agree)." if formula == actual else " — they DISAGREE."),
    ])


def main() -> None:
    args = base_parser(__doc__).parse_args()
    dest = choose_destination(args.out, [f"--seed {args.seed}"] if args.seed else [])
    case = HOMEWORK_CASE
    shape = conv2d_output_shape(**case)
    torch.manual_seed(args.seed)
    conv = torch.nn.Conv2d(3, case["out_channels"], case["kernel_size"], case["stride"], case["padding"], case["dilation"])
    actual = tuple(conv(torch.zeros(case["input_shape"])).shape)
    text = answer(case, shape, actual)
    print(f"Q13: {text}\n\nQ14 network, shape chain for one 64×64 RGB image:")
    x = torch.zeros(1, *DOG_IMAGE_SHAPE)
    chain = [list(x.shape)]
    print(f"  input {list(x.shape)}")
    for layer in dog_cnn():
        x = layer(x)
        chain.append(list(x.shape))
        print(f"  {layer.__class__.__name__:<8} → {list(x.shape)}")
    write_json(dest.folder / "results" / "q13.json", {
        "script": "q13_conv_shape.py", "answers": {"Q13": text},
        "case": {k: list(v) if isinstance(v, tuple) else v for k, v in case.items()},
        "formula_shape": list(shape), "torch_shape": list(actual), "q14_chain": chain,
    })
    if actual != shape:
        raise SystemExit("formula and torch.nn.Conv2d disagree")
    finish(dest)


if __name__ == "__main__":
    run_main(main)
