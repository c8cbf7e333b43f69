"""Q18: adversarial examples from the gradient of the loss with respect to the *input*.

Training uses ∇_W L(x, y; W) to change the weights; an attack keeps the weights fixed and
uses ∇_x L(x, y; W) to change the image, by a step too small to matter to a person:
  FGSM:  x' = clip(x + ε·sign(∇_x L), 0, 1)                        (one step)
  PGD:   x ← clip(Π_ε(x + α·sign(∇_x L)), 0, 1), repeated            (Π_ε: back into the L∞ ball of radius ε)
  targeted PGD: the same, descending the loss of a chosen wrong class instead.

Attacks the Q4 MNIST MLP (2,000 training examples, homework settings; loaded from
checkpoints/ when q04 saved it, else trained) and, when DogSet is available, the Q15 CNN,
on pixels in [0, 1]. Writes figures/q18_examples.png, figures/q18_accuracy_vs_eps.png and
results/q18.json.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from common.cli import UserError, base_parser, defaults_namespace, positive_int, run_main
from common.mnist_runs import add_mnist_arguments, data_title, test_set, train_size
from common.outputs import pick_device, run_metadata, save_figure, settings_of, write_json
from common.plots import plt

MNIST_EPS = [0.0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3]
DOG_EPS = [0.0, 1 / 255, 2 / 255, 4 / 255, 8 / 255, 16 / 255]


def input_gradient(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """∇_x of the summed cross-entropy loss, with the weights held fixed (works under no_grad too)."""
    with torch.enable_grad():
        x = x.clone().requires_grad_(True)
        loss = nn.functional.cross_entropy(model(x), y, reduction="sum")
        (gradient,) = torch.autograd.grad(loss, x)
    return gradient


def fgsm(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float) -> torch.Tensor:
    """Fast gradient sign method: one step of size ε up the loss, clipped to the pixel range [0, 1]."""
    return (x + eps * input_gradient(model, x, y).sign()).clamp(0.0, 1.0).detach()


def pgd(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float, steps: int = 10,
        targeted: bool = False) -> torch.Tensor:
    """Projected gradient descent (iterative FGSM): `steps` signed steps of α = 2.5·ε/steps,
    each projected back into the L∞ ball of radius ε around x and into [0, 1]. With
    `targeted`, y holds the target classes and the loss of those is decreased instead."""
    alpha = 2.5 * eps / steps
    direction = -1.0 if targeted else 1.0
    adversarial = x.clone()
    for _ in range(steps):
        adversarial = adversarial + direction * alpha * input_gradient(model, adversarial, y).sign()
        adversarial = torch.min(torch.max(adversarial, x - eps), x + eps).clamp(0.0, 1.0).detach()
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
    return float((model(x).argmax(dim=1) == y).float().mean())


@dataclass
class Target:
    """One attacked model with its test images (pixels in [0, 1]) and how to show them."""

    name: str
    model: nn.Module
    x: torch.Tensor
    y: torch.Tensor
    eps: list[float]
    labels: list[str]
    data: str
    image_shape: tuple[int, int, int]  # (channels, height, width) for display


def sweep(target: Target, steps: int) -> list[dict]:
    """Accuracy under FGSM and PGD, targeted PGD success, and the applied L∞ size, for every ε."""
    rows = []
    wrong_class = (target.y + 1) % 10
    clean_acc = accuracy(target.model, target.x, target.y)
    for eps in target.eps:
        x_fgsm = fgsm(target.model, target.x, target.y, eps)
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


def mnist_target(args) -> Target:
    settings = defaults_namespace(add_mnist_arguments, mnist_dir=args.mnist_dir, epochs=args.mnist_epochs,
                                  seed=args.seed, quiet=args.quiet, out=args.out)
    trained = train_size(settings, args.mnist_size, reuse=True)
    test, source = test_set(settings)
    model = nn.Sequential(trained.model).eval()
    return Target(f"MNIST MLP (n = {args.mnist_size:,}, {'checkpoint from q04' if trained.reused else 'trained now'})",
                  model, test.x.to(pick_device()), test.y.to(pick_device()), MNIST_EPS, [str(d) for d in range(10)],
                  data_title(source), (1, 28, 28))


def dog_target(args) -> Target | None:
    from common.dog_runs import add_dog_arguments, load_dogset, train_dog_model
    from data.dogs import DogSetError, resolve_dogset_dir

    settings = defaults_namespace(add_dog_arguments, dogset=args.dogset, cache_dir=args.cache_dir,
                                  epochs=args.dog_epochs, seed=args.seed, quiet=args.quiet, out=args.out)
    try:
        data = load_dogset(settings)
    except DogSetError:
        if args.dogset is not None:
            raise
        print(f"note: no DogSet at {resolve_dogset_dir(args.dogset)}; attacking the MNIST MLP only")
        return None
    trained = train_dog_model(settings, "cnn", data, reuse=True)
    model = nn.Sequential(Normalise(data.mean, data.std), trained.model).to(pick_device()).eval()
    pixels = torch.from_numpy(data.raw_images("test")).permute(0, 3, 1, 2).float().div(255.0)
    return Target(f"DogSet CNN ({'checkpoint from q15' if trained.reused else 'trained now'})", model,
                  pixels.to(pick_device()), torch.from_numpy(data.testY).to(pick_device()), DOG_EPS,
                  [data.get_semantic_label(k) for k in range(10)], data.summary(), (3, 64, 64))


def eps_label(eps: float) -> str:
    """ε as 'k/255' when it is a whole number of 8-bit grey levels below 0.1, else as a decimal."""
    levels = eps * 255
    return f"{levels:.0f}/255" if eps < 0.1 and abs(levels - round(levels)) < 1e-6 else f"{eps:g}"


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
        ax[0].set_title(f"{t.name.split(' (')[0]}: original\npredicted {t.labels[int(p_clean.argmax())]} "
                        f"({float(p_clean.max()):.0%})", fontsize=8)
        show(ax[1], delta / (2 * eps) + 0.5, "gray")
        ax[1].set_title(f"perturbation ε·sign(∇ₓL), ε = {eps_label(eps)}\n(grey = 0, scaled ×{1 / (2 * eps):.0f})", fontsize=8)
        show(ax[2], x_adv.cpu(), "gray")
        ax[2].set_title(f"adversarial (FGSM)\npredicted {t.labels[int(p_adv.argmax())]} ({float(p_adv.max()):.0%}); "
                        f"true {t.labels[int(t.y[i])]}", fontsize=8)
    fig.tight_layout()
    return fig


def plot_sweeps(targets: list[Target], sweeps: dict[str, list[dict]]):
    fig, axes = plt.subplots(1, len(targets), figsize=(6 * len(targets), 4.3), squeeze=False)
    for t, ax in zip(targets, axes[0]):
        rows = sweeps[t.name]
        eps = [r["eps"] for r in rows]
        scale, unit = (255, " (in 1/255 steps)") if max(eps) < 0.1 else (1, "")
        ax.plot([e * scale for e in eps], [100 * r["fgsm_acc"] for r in rows], "o-", label="FGSM (1 step)")
        ax.plot([e * scale for e in eps], [100 * r["pgd_acc"] for r in rows], "s-", label="PGD (10 steps)")
        ax.set(xlabel=f"ε, largest change per pixel{unit}", ylabel=f"test accuracy on {len(t.y):,} images (%)",
               title=t.name, ylim=(-2, 102))
        ax.legend()
        ax.text(0.01, -0.2, f"Data: {t.data}", transform=ax.transAxes, fontsize=7, va="top")
    fig.tight_layout()
    return fig


def main() -> None:
    parser = base_parser(__doc__)
    parser.add_argument("--mnist-dir", default=None, help="MNIST folder (default: $MNIST_DIR, else data/mnist)")
    parser.add_argument("--mnist-size", type=positive_int, default=2000, help="training examples of the MNIST MLP")
    parser.add_argument("--mnist-epochs", type=positive_int, default=100, help="its training epochs")
    parser.add_argument("--dogset", default=None, help="DogSet folder (default: $DOGSET_DIR, else data/DogSet; "
                                                         "skipped when absent)")
    parser.add_argument("--cache-dir", default=None, help="DogSet decode cache folder")
    parser.add_argument("--dog-epochs", type=positive_int, default=100, help="epoch cap of the DogSet CNN")
    parser.add_argument("--no-dogset", action="store_true", help="attack only the MNIST MLP")
    parser.add_argument("--pgd-steps", type=positive_int, default=10)
    args = parser.parse_args()
    if args.mnist_size % 10:
        raise UserError(f"--mnist-size {args.mnist_size}: must be a multiple of 10")
    targets = [mnist_target(args)]
    dog = None if args.no_dogset else dog_target(args)
    targets += [dog] if dog else []
    sweeps = {}
    for t in targets:
        sweeps[t.name] = sweep(t, args.pgd_steps)
        print(f"{t.name} on {t.data}:")
        for r in sweeps[t.name]:
            print(f"  ε = {r['eps']:.4f}: FGSM {r['fgsm_acc']:6.1%}  PGD {r['pgd_acc']:6.1%}  "
                  f"targeted PGD hits {r['targeted_pgd_success']:6.1%}  max |x' − x| = {r['max_linf_applied']:.4f}")
    eps_for = {targets[0].name: 0.1, **({dog.name: 4 / 255} if dog else {})}
    save_figure(plot_examples(targets, eps_for), args.out / "figures" / "q18_examples.png")
    save_figure(plot_sweeps(targets, sweeps), args.out / "figures" / "q18_accuracy_vs_eps.png")
    write_json(args.out / "results" / "q18.json", {
        "question": "Q18", "settings": settings_of(args), "pgd_alpha": "2.5·ε/steps",
        "targets": [{"name": t.name, "data": t.data, "test_images": len(t.y), "sweep": sweeps[t.name]} for t in targets],
        "meta": run_metadata(pick_device()),
    })
    for t in targets:
        clean, strongest = sweeps[t.name][0], sweeps[t.name][-1]
        print(f"Q18, {t.name.split(' (')[0]}: accuracy {clean['clean_acc']:.1%} on clean images; with every pixel moved by "
              f"at most ε = {eps_label(strongest['eps'])} along the input gradient it falls to {strongest['fgsm_acc']:.1%} "
              f"(FGSM) and {strongest['pgd_acc']:.1%} (PGD).")


if __name__ == "__main__":
    run_main(main)
