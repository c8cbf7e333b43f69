"""Q14–Q15: a small convolutional network on DogSet, over several seeds, against Q11's MLP.

Q14's network is Conv2d(3, 16, 5, stride 2) → ReLU → Conv2d(16, 32, 5, stride 2) → ReLU →
flatten → Linear(32·13·13, 10); only kernel_size and stride are set, every other Conv2d
argument keeps its default. Its shapes come from common/shapes.py, the formula that
answers Q13. Q15 trains it with the same protocol as Q11, once per seed, plots loss and
accuracy per epoch, and compares each seed with the MLP of the same seed.

Writes results/q15.json, figures/q15_loss.png and figures/q15_accuracy.png; the words are in
answers/q15.py.
"""
from __future__ import annotations

from common.cli import run_main
from common.dog_runs import TrainedDogModel, weight_count
from common.drivers import run_dog_question
from common.models import DOG_CNN_CHANNELS, DOG_CNN_KERNEL, DOG_CNN_STRIDE, DOG_IMAGE_SHAPE
from common.outputs import Destination, read_json
from common.shapes import conv2d_output_shape, receptive_field
from data.dogs import DogsDataset


def q14_design() -> dict:
    """Shapes and the hand-written weight formula of the chosen network."""
    c1, c2 = DOG_CNN_CHANNELS
    k, s = DOG_CNN_KERNEL, DOG_CNN_STRIDE
    first = conv2d_output_shape((1, *DOG_IMAGE_SHAPE), c1, k, s)
    second = conv2d_output_shape(first, c2, k, s)
    flat = second[1] * second[2] * second[3]
    return {"channels": [c1, c2], "kernel_size": k, "stride": s, "shapes": [list(first), list(second)],
            "flattened": flat, "weights_formula": c1 * 3 * k * k + c2 * c1 * k * k + flat * 10,
            "biases_formula": c1 + c2 + 10, "receptive_field": receptive_field([(k, s), (k, s)])}


def checked_design() -> dict:
    """Q14's design, refused if the model disagrees with its hand-written weight formula."""
    design, count = q14_design(), weight_count("cnn")
    if count["weights"] != design["weights_formula"]:
        raise SystemExit(f"weight formula {design['weights_formula']} disagrees with the model ({count['weights']})")
    return {"q14_design": design, "mlp_weights": weight_count("mlp")["weights"]}


def mlp_on_same_data(trained: list[TrainedDogModel], data: DogsDataset, dest: Destination) -> dict:
    """The MLP's per-seed test accuracy from results/q11.json, when it ran on the same DogSet bytes."""
    q11 = read_json(dest.folder / "results" / "q11.json")
    if not q11 or q11.get("dogset", {}).get("fingerprint") != data.fingerprint:
        return {"mlp": None}
    return {"mlp": {"test_acc": {str(run["seed"]): run["test_acc"] for run in q11["per_seed"]},
                    "parameters": q11["weights"]["parameters"]}}


def main() -> None:
    run_dog_question(__doc__, "q15", "cnn", checked_design, mlp_on_same_data)


if __name__ == "__main__":
    run_main(main)
