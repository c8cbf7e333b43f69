"""Q18 in words and figures: how an adversarial example comes from ∇ₓL, and how far accuracy
falls with ε for each attacked model. Facts from q18_adversarial.py (results/q18.json)."""
from __future__ import annotations

from answers.words import plural, sample_noise

METHOD = ("Training follows ∇_W L(x, y; W), the gradient with respect to the **weights**. To attack, hold the weights "
          "fixed and take the gradient with respect to the **input**, ∇ₓ L(x, y; W), which says how to change each pixel "
          "to increase the loss. The fast gradient sign method (FGSM) takes one step of size ε in its sign: "
          "x' = clip(x + ε·sign(∇ₓL), 0, 1), so no pixel moves by more than ε. PGD repeats smaller steps and projects "
          "back into the ε-ball each time, which finds stronger perturbations; a targeted variant instead *decreases* "
          "the loss of a chosen wrong class. One explanation, not tested here (Goodfellow et al., 2015): a network is close "
          "to linear in its input, so many tiny coordinated changes add up to a large change of the output.")


def target_label(target: dict) -> str:
    """'MNIST MLP (n = 2,000, checkpoint from q04)' from an attacked model's facts."""
    parts = ([f"n = {target['train_size']:,}"] if target["train_size"] else []) + [
        f"checkpoint from {target['reused_from']}" if target["reused_from"] else "trained now"]
    return f"{target['name']} ({', '.join(parts)})"


def eps_label(eps: float) -> str:
    """ε as 'k/255' when it is a whole number of 8-bit grey levels below 0.1, else as a decimal."""
    levels = eps * 255
    return f"{levels:.0f}/255" if eps < 0.1 and abs(levels - round(levels)) < 1e-6 else f"{eps:g}"


def describe_target(target: dict) -> str:
    rows = target["sweep"]
    clean = rows[0]["clean_acc"]
    halved = next((x for x in rows if x["pgd_acc"] <= clean / 2), None)
    summary = (f"The smallest ε in the sweep that at least halves the accuracy under PGD is {halved['eps']:.4f} (at most "
               f"{halved['eps'] * 255:.1f} of 255 grey levels per pixel): {clean:.1%} → {halved['pgd_acc']:.1%}."
               if halved else "No ε in this sweep halves the accuracy.")
    # tested: tests/test_scripts.py::test_q8_q9_and_q18_results
    within = sum(x["max_linf_applied"] <= x["eps"] + 1e-6 for x in rows)
    return "\n".join([
        f"**{target_label(target)}** — data: {target['data']}; {target['test_images']:,} test images. Clean accuracy "
        f"{clean:.1%} ({sample_noise(clean, target['test_images'])}; one seed's model, so no spread over seeds). "
        f"{summary} The "
        f"largest change applied stays within ε (to 1e-6, float32's rounding) for {within} of {len(rows)} values of ε.", "",
        "| ε | FGSM accuracy | PGD accuracy | targeted PGD success | largest change applied |", "|---:|---:|---:|---:|---:|",
        *[f"| {x['eps']:.4f} | {x['fgsm_acc']:.1%} | {x['pgd_acc']:.1%} | {x['targeted_pgd_success']:.1%} | "
          f"{x['max_linf_applied']:.4f} |" for x in rows]])


def render(facts: dict) -> dict[str, str]:
    targets, seed = facts["targets"], facts["seeds"][0]
    whose = (f"Both networks are the models of seed {seed}." if len(targets) == 2 else
             f"The {plural(len(targets), 'network')} {'is the model' if len(targets) == 1 else 'are the models'} of "
             f"seed {seed}.")
    if targets and all(t.get("weights") == "last epoch" for t in targets):
        # tested: tests/test_training.py::test_the_dogset_harness_never_changes_the_arithmetic,
        #         tests/test_training.py::test_the_best_weights_are_a_copy_taken_at_the_best_epoch_not_the_last_weights
        whose += (" Each is attacked with the weights of its last training epoch, the weights the homework tests, "
                  "not the copy of its lowest-validation-loss weights.")
    return {"Q18": "\n\n".join([METHOD, f"{whose} PGD takes {facts['pgd_steps']} steps of α = "
                                        f"{facts['pgd_alpha_per_eps']:g}·ε."] + [describe_target(t) for t in targets])}


def draw(facts: dict) -> dict:
    """figures/q18_accuracy_vs_eps.png from the facts."""
    from common.plots import plt

    targets = facts["targets"]
    fig, axes = plt.subplots(1, len(targets), figsize=(6 * len(targets), 4.3), squeeze=False)
    for target, ax in zip(targets, axes[0]):
        rows = target["sweep"]
        eps = [r["eps"] for r in rows]
        scale, unit = (255, " (in 1/255 steps)") if max(eps) < 0.1 else (1, "")
        ax.plot([e * scale for e in eps], [100 * r["fgsm_acc"] for r in rows], "o-", label="FGSM (1 step)")
        ax.plot([e * scale for e in eps], [100 * r["pgd_acc"] for r in rows], "s-", label=f"PGD ({facts['pgd_steps']} steps)")
        ax.set(xlabel=f"ε, largest change per pixel{unit}", ylabel=f"test accuracy on {target['test_images']:,} images (%)",
               title=target_label(target), ylim=(-2, 102))
        ax.legend()
        ax.text(0.01, -0.2, f"Data: {target['data']}", transform=ax.transAxes, fontsize=7, va="top")
    fig.tight_layout()
    return {"q18_accuracy_vs_eps.png": fig}
