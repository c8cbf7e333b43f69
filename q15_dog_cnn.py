"""Q14–Q15: a small convolutional network on DogSet.

Q14's network is Conv2d(3, 16, 5, stride 2) → ReLU → Conv2d(16, 32, 5, stride 2) → ReLU →
flatten → Linear(32·13·13, 10); only kernel_size and stride are set, every other Conv2d
argument keeps its default. Its shapes come from q13_conv_shape.conv2d_output_shape.
Q15 trains it with the same protocol as Q11 and plots loss and accuracy per epoch.

Writes figures/q15_loss.png, figures/q15_accuracy.png and results/q15.json.
"""
from __future__ import annotations

from common.cli import base_parser, run_main
from common.dog_runs import add_dog_arguments, run_experiment, weight_count
from common.models import DOG_CNN_CHANNELS, DOG_CNN_KERNEL, DOG_CNN_STRIDE, DOG_IMAGE_SHAPE
from q13_conv_shape import conv2d_output_shape


def q14_design() -> dict:
    """Shapes and the hand-written weight formula of the chosen network."""
    c1, c2 = DOG_CNN_CHANNELS
    k, s = DOG_CNN_KERNEL, DOG_CNN_STRIDE
    first = conv2d_output_shape((1, *DOG_IMAGE_SHAPE), c1, k, s)
    second = conv2d_output_shape(first, c2, k, s)
    flat = second[1] * second[2] * second[3]
    formula = c1 * 3 * k * k + c2 * c1 * k * k + flat * 10
    return {"channels": [c1, c2], "kernel_size": k, "stride": s, "shapes": [list(first), list(second)],
            "flattened": flat, "weights_formula": formula, "biases_formula": c1 + c2 + 10}


def main() -> None:
    parser = base_parser(__doc__)
    add_dog_arguments(parser)
    args = parser.parse_args()
    design, count = q14_design(), weight_count("cnn")
    c1, c2 = design["channels"]
    k, s = design["kernel_size"], design["stride"]
    (_, _, h1, w1), (_, _, h2, w2) = design["shapes"]
    q14 = (f"Conv2d(3, {c1}, kernel_size={k}, stride={s}) → ReLU → Conv2d({c1}, {c2}, kernel_size={k}, stride={s}) → "
           f"ReLU → flatten → Linear({design['flattened']}, 10). Shapes: 64×64 → {h1}×{w1} → {h2}×{w2} "
           f"(floor((64 − {k})/{s}) + 1 = {h1}, floor(({h1} − {k})/{s}) + 1 = {h2}). Why: {k}×{k} kernels with stride "
           f"{s} halve the resolution at each layer without padding, so the second layer already sees a "
           f"{k + (k - 1) * s}×{k + (k - 1) * s} patch of the image and the flattened map stays small; the channels "
           f"double as the resolution halves. Weights: {c1}·3·{k}·{k} + {c2}·{c1}·{k}·{k} + {design['flattened']}·10 = "
           f"{design['weights_formula']:,} (counted from the model: {count['weights']:,}), plus {count['biases']} "
           f"biases = {count['parameters']:,} parameters, {1_581_696 / count['weights']:.0f}× fewer weights than "
           f"the Q10 MLP.")
    if count["weights"] != design["weights_formula"]:
        raise SystemExit(f"weight formula {design['weights_formula']} disagrees with the model ({count['weights']})")
    run_experiment(args, "cnn", "q15", "DogSet CNN", {"Q14": q14}, {"weights": count, "q14_design": design})


if __name__ == "__main__":
    run_main(main)
