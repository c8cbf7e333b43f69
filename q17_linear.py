"""Q17: a network whose activations are all linear is no more powerful than one linear layer.

Each layer computes W·x + b, and a composition of affine maps is an affine map:
W3(W2(W1x + b1) + b2) + b3 = (W3W2W1)x + (W3W2b1 + W3b2 + b3). So any depth of linear
layers draws a single hyperplane, and cannot represent XOR (or parity), which no single
hyperplane separates.

The script shows it: (1) a deep linear network's outputs equal those of the single affine
map made by multiplying its layers; (2) a deep linear network trained on XOR, with the
output thresholded at 0, classifies at most 3 of the 4 points, from several random starts;
(3) a small ReLU network learns all 4. Writes results/q17.json; the words are in answers/q17.py.
"""
from __future__ import annotations

import torch
from torch import nn

from answers.sheet import publish
from common.cli import positive_int, run_main
from harness.cli import base_parser, flags_off_homework
from common.outputs import choose_destination
from common.runtime import run_metadata

DEFAULT_STARTS, DEFAULT_STEPS = 5, 1000

XOR_X = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = torch.tensor([0.0, 1.0, 1.0, 0.0])


def deep_linear(widths: list[int]) -> nn.Sequential:
    """Linear layers with nothing (identity activation) between them."""
    return nn.Sequential(*[nn.Linear(a, b) for a, b in zip(widths, widths[1:])])


def small_relu(hidden: int = 8) -> nn.Sequential:
    return nn.Sequential(nn.Linear(2, hidden), nn.ReLU(), nn.Linear(hidden, 1))


def collapse(model: nn.Sequential) -> tuple[torch.Tensor, torch.Tensor]:
    """(W, b) of the single affine map x ↦ W·x + b equal to a stack of Linear layers."""
    first = model[0]
    weight, bias = first.weight.detach().clone(), first.bias.detach().clone()
    for layer in list(model)[1:]:
        weight = layer.weight.detach() @ weight
        bias = layer.weight.detach() @ bias + layer.bias.detach()
    return weight, bias


def train_on_xor(model: nn.Module, steps: int = 1000, lr: float = 0.05) -> int:
    """Train with Adam on the 4 XOR points (logistic loss); returns how many the thresholded output gets right."""
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.BCEWithLogitsLoss()
    for _ in range(steps):
        optimizer.zero_grad()
        loss_fn(model(XOR_X).squeeze(1), XOR_Y).backward()
        optimizer.step()
    with torch.no_grad():
        return int(((model(XOR_X).squeeze(1) > 0).float() == XOR_Y).sum())


DEEP_LINEAR_WIDTHS = [2, 16, 16, 16, 1]


def measure(seed: int, starts: int, steps: int) -> dict:
    """Q17's facts from `seed`: how exactly the deep linear network collapses to one affine map,
    and how many XOR points each network classifies after training from `starts` random starts."""
    torch.manual_seed(seed)
    with torch.no_grad():
        model = deep_linear(DEEP_LINEAR_WIDTHS).double()
        x = torch.randn(1000, 2, dtype=torch.float64)
        weight, bias = collapse(model)
        collapse_error = float((model(x) - (x @ weight.T + bias)).abs().max())
    linear_correct, relu_correct = [], []
    for start in range(starts):
        torch.manual_seed(seed + start)
        linear_correct.append(train_on_xor(deep_linear(DEEP_LINEAR_WIDTHS), steps))
        torch.manual_seed(seed + start)
        relu_correct.append(train_on_xor(small_relu(), steps))
    return {"deep_linear_widths": DEEP_LINEAR_WIDTHS, "collapse_max_abs_error": collapse_error,
            "collapsed_weight": weight.tolist(), "collapsed_bias": bias.tolist(), "starts": starts, "steps": steps,
            "xor_correct_deep_linear": linear_correct, "xor_correct_relu": relu_correct}


def main() -> None:
    parser = base_parser(__doc__)
    parser.add_argument("--starts", type=positive_int, default=DEFAULT_STARTS,
                        help="random starts per network (default: %(default)s)")
    parser.add_argument("--steps", type=positive_int, default=DEFAULT_STEPS,
                        help="Adam steps per training run (default: %(default)s)")
    args = parser.parse_args()
    reasons = flags_off_homework(parser, args)
    dest = choose_destination(args.out, reasons)
    publish(dest, "q17", {"seeds": [args.seed], "not_homework": "; ".join(reasons),
                          **measure(args.seed, args.starts, args.steps), "meta": run_metadata()})


if __name__ == "__main__":
    run_main(main)
