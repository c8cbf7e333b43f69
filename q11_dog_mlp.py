"""Q10–Q12: an MLP (12288 → 128 → 64 → 10, ReLU) on DogSet.

Q10 counts the network's weights from the model. Q11 trains it with the homework protocol
(batch 32, SGD lr 0.001, CrossEntropyLoss, at most 100 epochs, stop when the validation
loss has not decreased by more than 1e-4 for 3 epochs in a row) and plots loss and
accuracy per epoch. Q12 reads those curves.

Writes figures/q11_loss.png, figures/q11_accuracy.png and results/q11.json.
"""
from __future__ import annotations

from common.cli import base_parser, run_main
from common.dog_runs import add_dog_arguments, run_experiment, weight_count


def q10_formula() -> int:
    """Connection weights of 12288 → 128 → 64 → 10, by hand."""
    return 64 * 64 * 3 * 128 + 128 * 64 + 64 * 10


def main() -> None:
    parser = base_parser(__doc__)
    add_dog_arguments(parser)
    args = parser.parse_args()
    count = weight_count("mlp")
    q10 = (f"64·64·3·128 + 128·64 + 64·10 = {q10_formula():,} connection weights (counted from the model: "
           f"{count['weights']:,}), plus {count['biases']} biases (128 + 64 + 10) = {count['parameters']:,} "
           f"trainable parameters.")
    run_experiment(args, "mlp", "q11", "DogSet MLP", {"Q10": q10}, {"weights": count, "q10_formula": q10_formula()})


if __name__ == "__main__":
    run_main(main)
