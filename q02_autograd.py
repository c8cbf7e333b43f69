"""Q2: automatic differentiation, back-propagation and gradient descent, checked numerically.

Builds a small network (3 → 4 → 2, tanh) in float64, computes the gradient of its loss
with autograd (reverse-mode automatic differentiation, i.e. back-propagation), compares
every entry with a central finite difference (L(θ + h) − L(θ − h)) / 2h, then takes one
gradient-descent step θ ← θ − lr·∇θ L and shows the loss going down. Writes results/q02.json.
"""
from __future__ import annotations

import torch
from torch import nn

from common.cli import base_parser, positive_float, run_main
from common.outputs import write_json


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
    parser.add_argument("--lr", type=positive_float, default=0.1, help="learning rate of the gradient-descent step")
    args = parser.parse_args()
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
    write_json(args.out / "results" / "q02.json", {
        "question": "Q2", "parameters": sum(p.numel() for p in model.parameters()),
        "max_abs_difference": max(errors), "largest_gradient": scale, "loss_before": loss.item(),
        "loss_after_one_step": after, "lr": args.lr,
    })
    print(f"Q2: autograd vs finite differences on all {sum(p.numel() for p in model.parameters())} parameters of a "
          f"3-4-2 network: largest difference {max(errors):.1e} (largest gradient {scale:.2f}).")
    print(f"    One gradient-descent step with lr {args.lr}: loss {loss.item():.4f} → {after:.4f}.")


if __name__ == "__main__":
    run_main(main)
