"""Q1–Q3, the theory questions, with Q2's claims checked numerically.

Q1 (tensors) and Q3 (why torch.Tensor) are explained in words. For Q2, the script builds a small network (3 → 4 → 2, tanh) in float64, computes the gradient of its loss
with autograd (reverse-mode automatic differentiation, i.e. back-propagation), compares
every entry with a central finite difference (L(θ + h) − L(θ − h)) / 2h, then takes one
gradient-descent step θ ← θ − lr·∇θ L and shows the loss going down. Writes results/q02.json.
"""
from __future__ import annotations

import torch
from torch import nn

from common.answer_sheet import finish
from common.cli import base_parser, positive_float, run_main
from common.outputs import choose_destination, write_json

Q1 = ("A tensor is an n-dimensional array of numbers of one type: a scalar has 0 dimensions, a vector 1, a matrix 2, "
      "a batch of RGB images 4 (`[N, C, H, W]`). A `torch.Tensor` stores its values in one block of memory and "
      "describes them with a `dtype`, a `shape` and `strides` (so reshaping, transposing and slicing are views without "
      "copies), lives on a `device` (CPU or GPU), and can record the operations applied to it for automatic "
      "differentiation (`requires_grad`). Every input, weight, activation and gradient in the scripts here is one.")
Q2 = ("Automatic differentiation computes exact derivatives of a program by applying the chain rule to each elementary "
      "operation it performs. In PyTorch, `autograd` records the operations of the forward pass as a graph; "
      "`loss.backward()` walks that graph from the loss back to the inputs, multiplying local derivatives (reverse-mode "
      "autodiff), and leaves dL/dθ in each parameter's `.grad`. Back-propagation *is* reverse-mode automatic "
      "differentiation applied to a neural network's loss: one backward pass costs about as much as the forward pass, "
      "whatever the number of parameters. Gradient descent is the separate step that *uses* those gradients: "
      "θ ← θ − lr·∇θL (`torch.optim.SGD`). Autodiff/back-propagation answer \"which way is downhill\"; gradient descent "
      "takes the step.")
Q3 = ("A NumPy array has no gradient tracking and runs only on the CPU. A `torch.Tensor` offers the same array "
      "operations plus (1) autograd: operations on tensors with `requires_grad=True` build the graph that `backward()` "
      "differentiates, which is what training needs; (2) devices: `.to('cuda')` moves data and computation to a GPU "
      "with the same code; (3) the ecosystem: `nn.Module` layers, losses, optimizers and `DataLoader` all take and "
      "return tensors. Conversion is cheap when needed: `torch.from_numpy` and `.numpy()` share memory on the CPU.")
DEFAULT_LR = 0.1


def finite_difference_gradients(model: nn.Module, loss_of, h: float = 1e-6) -> list[torch.Tensor]:
    """Central-difference estimate of dL/dθ for every parameter entry."""
    gradients = []
    with torch.no_grad():
        for parameter in model.parameters():
            gradient = torch.zeros_like(parameter)
            flat, flat_gradient = parameter.view(-1), gradient.view(-1)
            for i in range(flat.numel()):
                original = flat[i].item()
                flat[i] = original + h
                up = loss_of().item()
                flat[i] = original - h
                down = loss_of().item()
                flat[i] = original
                flat_gradient[i] = (up - down) / (2 * h)
            gradients.append(gradient)
    return gradients


def main() -> None:
    parser = base_parser(__doc__)
    parser.add_argument("--lr", type=positive_float, default=DEFAULT_LR,
                        help="learning rate of the gradient-descent step (default: %(default)s)")
    args = parser.parse_args()
    dest = choose_destination(args.out, [f"--{name} {value}" for name, value, default in
                                         (("seed", args.seed, 0), ("lr", args.lr, DEFAULT_LR)) if value != default])
    torch.manual_seed(args.seed)
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2)).double()
    x, y = torch.randn(8, 3, dtype=torch.float64), torch.randint(0, 2, (8,))

    def loss_of() -> torch.Tensor:
        return nn.functional.cross_entropy(model(x), y)

    loss = loss_of()
    loss.backward()  # back-propagation: reverse-mode autodiff through the graph autograd recorded
    numeric = finite_difference_gradients(model, loss_of)
    errors = [float((p.grad - g).abs().max()) for p, g in zip(model.parameters(), numeric)]
    scale = max(float(g.abs().max()) for g in numeric)
    with torch.no_grad():
        for p in model.parameters():
            p -= args.lr * p.grad  # one step of gradient descent
        after = loss_of().item()
    parameters = sum(p.numel() for p in model.parameters())
    check = (f"`q02_autograd.py` checks this on a 3-4-2 tanh network: autograd's gradient of all {parameters} parameters "
             f"agrees with central finite differences to {max(errors):.1e} (largest gradient {scale:.2f}), and one "
             f"gradient-descent step with lr {args.lr:g} lowers the loss from {loss.item():.4f} to {after:.4f}.")
    answers = {"Q1": Q1, "Q2": f"{Q2}\n\n{check}", "Q3": Q3}
    write_json(dest.folder / "results" / "q02.json", {
        "script": "q02_autograd.py", "seeds": [args.seed], "answers": answers,
        "parameters": parameters, "max_abs_difference": max(errors), "largest_gradient": scale,
        "loss_before": loss.item(), "loss_after_one_step": after, "lr": args.lr,
    })
    print(f"Q2: {check}")
    finish(dest)


if __name__ == "__main__":
    run_main(main)
