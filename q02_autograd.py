"""Q1–Q3, the theory questions, with Q2's claims measured.

For Q2 the script builds a small network (3 → 4 → 2, tanh) in float64, computes the gradient of
its loss with autograd (reverse-mode automatic differentiation, i.e. back-propagation),
compares every entry with a central finite difference (L(θ + h) − L(θ − h)) / 2h, and takes one
gradient-descent step θ ← θ − lr·∇θ L to show the loss going down. It then times the forward
and the backward pass separately on the homework's MNIST MLP (batch 10) and DogSet CNN
(batch 32), on one torch thread as they train, and counts the multiply-adds each pass needs.

Writes results/q02.json; the words are in answers/q02.py.
"""
from __future__ import annotations

import statistics
import time

import torch
from torch import nn

from answers.sheet import publish
from common.cli import positive_float, positive_int, run_main
from harness.cli import base_parser, flags_off_homework
from common.outputs import choose_destination
from common.runtime import run_metadata, torch_threads
from models import Digit_Classifier, Dog_Classifier_Conv

DEFAULT_LR = 0.1
TIMING_REPEATS = 7  # medians of 7 timed blocks of TIMING_STEPS passes each
TIMING_STEPS = 50


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


def multiply_adds(model: nn.Module, x: torch.Tensor) -> dict[str, int]:
    """Multiply-adds of one forward and one backward pass on `x`, counted layer by layer.

    A Linear or Conv2d layer costs (output elements) × (inputs per output) multiply-adds
    forward. Backward it costs as much again for its weights' gradient and, except for the
    first layer (the input needs no gradient), as much again for its input's gradient."""
    layers = []
    hooks = [m.register_forward_hook(lambda m, i, o: layers.append(
        o.numel() * (m.in_features if isinstance(m, nn.Linear) else m.weight[0].numel())))
        for m in model.modules() if isinstance(m, (nn.Linear, nn.Conv2d))]
    with torch.no_grad():
        model(x)
    for hook in hooks:
        hook.remove()
    return {"forward": sum(layers), "backward": sum(layers) + sum(layers[1:]), "first_layer_share": layers[0] / sum(layers)}


def time_passes(model: nn.Module, x: torch.Tensor, y: torch.Tensor, steps: int = TIMING_STEPS) -> dict:
    """Median µs of one forward pass (network and loss) and of one backward pass, timed
    separately over TIMING_REPEATS blocks of `steps` passes on one thread."""
    loss_fn = nn.CrossEntropyLoss()
    forward, backward = [], []
    with torch_threads(1):
        for _ in range(3):  # warm-up
            loss_fn(model(x), y).backward()
        for _ in range(TIMING_REPEATS):
            spent_forward = spent_backward = 0.0
            for _ in range(steps):
                model.zero_grad(set_to_none=True)
                start = time.perf_counter()
                loss = loss_fn(model(x), y)
                middle = time.perf_counter()
                loss.backward()
                spent_forward += middle - start
                spent_backward += time.perf_counter() - middle
            forward.append(spent_forward / steps * 1e6)
            backward.append(spent_backward / steps * 1e6)
    return {"forward_us": statistics.median(forward), "backward_us": statistics.median(backward),
            "ratio": statistics.median(b / f for f, b in zip(forward, backward)),
            "forward_us_runs": forward, "backward_us_runs": backward}


def measure_backward_cost(seed: int, steps: int = TIMING_STEPS) -> list[dict]:
    """Q2's cost claim, measured on the homework's two trained networks at their batch sizes."""
    rows = []
    for name, build, shape, batch in (("MNIST MLP 784→128→64→10", Digit_Classifier, (784,), 10),
                                      ("DogSet CNN of Q14", Dog_Classifier_Conv, (3, 64, 64), 32)):
        torch.manual_seed(seed)
        model = build()
        x, y = torch.randn(batch, *shape), torch.randint(0, 10, (batch,))
        rows.append({"network": name, "batch": batch, "threads": 1, "repeats": TIMING_REPEATS, "steps": steps,
                     "multiply_adds": multiply_adds(model, x), **time_passes(model, x, y, steps)})
    return rows


def main() -> None:
    parser = base_parser(__doc__)
    parser.add_argument("--lr", type=positive_float, default=DEFAULT_LR,
                        help="learning rate of the gradient-descent step (default: %(default)s)")
    parser.add_argument("--timing-steps", type=positive_int, default=TIMING_STEPS,
                        help=f"passes in each of the {TIMING_REPEATS} timed blocks (default: %(default)s)")
    args = parser.parse_args()
    reasons = flags_off_homework(parser, args)
    dest = choose_destination(args.out, reasons)
    torch.manual_seed(args.seed)
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2)).double()
    x, y = torch.randn(8, 3, dtype=torch.float64), torch.randint(0, 2, (8,))

    def loss_of() -> torch.Tensor:
        return nn.functional.cross_entropy(model(x), y)

    loss = loss_of()
    loss.backward()  # back-propagation: reverse-mode autodiff through the graph autograd recorded
    numeric = finite_difference_gradients(model, loss_of)
    errors = [float((p.grad - g).abs().max()) for p, g in zip(model.parameters(), numeric)]
    with torch.no_grad():
        for p in model.parameters():
            p -= args.lr * p.grad  # one step of gradient descent
        after = loss_of().item()
    print("Q2: timing forward and backward passes on one thread ...", flush=True)
    publish(dest, "q02", {
        "seeds": [args.seed], "not_homework": "; ".join(reasons),
        "parameters": sum(p.numel() for p in model.parameters()), "max_abs_difference": max(errors),
        "largest_gradient": max(float(g.abs().max()) for g in numeric), "loss_before": loss.item(),
        "loss_after_one_step": after, "lr": args.lr, "backward_cost": measure_backward_cost(args.seed, args.timing_steps),
        "meta": run_metadata(),
    })


if __name__ == "__main__":
    run_main(main)
