"""Q10–Q12: an MLP (12288 → 128 → 64 → 10, ReLU) on DogSet, over several seeds.

Q10 counts the network's weights by hand and from the model. Q11 trains it with the
homework protocol (batch 32, SGD lr 0.001, CrossEntropyLoss, at most 100 epochs, stop when
the validation loss has not decreased by more than 1e-4 for 3 epochs in a row), once per
seed, and plots loss and accuracy per epoch. Q12 reads those curves across the seeds.

Writes results/q11.json, figures/q11_loss.png and figures/q11_accuracy.png; the words are in
answers/q11.py.
"""
from __future__ import annotations

from common.cli import run_main
from common.dog_runs import weight_count
from common.drivers import run_dog_question


def q10_formula() -> int:
    """Connection weights of 12288 → 128 → 64 → 10, by hand."""
    return 64 * 64 * 3 * 128 + 128 * 64 + 64 * 10


def checked_count() -> dict:
    """The hand count, refused if the model disagrees with it."""
    if weight_count("mlp")["weights"] != q10_formula():
        raise SystemExit(f"the hand count {q10_formula():,} disagrees with the model's {weight_count('mlp')['weights']:,}")
    return {"q10_formula": q10_formula()}


def main() -> None:
    run_dog_question(__doc__, "q11", "mlp", checked_count, lambda trained, data, dest: {})


if __name__ == "__main__":
    run_main(main)
