"""Q14–Q15: a small convolutional network on DogSet, over several seeds, against Q11's MLP.

Q14's network is models.Dog_Classifier_Conv: Conv2d(3, 16, 5, stride 2) → ReLU →
Conv2d(16, 32, 5, stride 2) → ReLU → flatten → Linear(32·13·13, 10); only kernel_size and
stride are set, every other Conv2d argument keeps its default. Its shapes are worked out
with q13_conv_shape.py's formula and checked against the model. Q15 trains it once per seed
with `train` below, Q11's recipe with this network: CrossEntropyLoss, SGD lr 0.001, a
shuffling DataLoader of batch 32, at most 100 epochs, the same stopping rule. It plots loss
and accuracy per epoch and compares each seed with the MLP of the same seed.

As in q11_dog_mlp.py the whole homework is on this screen: `dog_tensors` (the same
preparation as Q11's, and a test keeps the two equal), `train`, `evaluate_on_test` and the
HOMEWORK settings. Writes results/q15.json, figures/q15_loss.png and figures/q15_accuracy.png;
the words are in answers/q15.py. Everything imported from harness/ is plumbing a reader may
skip (see q11_dog_mlp.py); it calls these functions and never changes their arithmetic.
"""
from __future__ import annotations

import torch
from torch import nn
from torch.utils.data import DataLoader

from data.dogs import DogsDataset
from common.cli import run_main
from harness.dog_runs import DogScript, DogSettings, DogSplits, TrainedDogModel, weight_count
from harness.drivers import run_dog_question
from common.outputs import Destination, read_json
from models import Dog_Classifier_Conv, Dog_Classifier_FC
from my_dataset import MyDataset
from q13_conv_shape import conv2d_output_shape, receptive_field
from run_model import EarlyStopping, History, evaluate, fit

HOMEWORK = DogSettings(epochs=100, batch_size=32, lr=0.001, patience=3, min_delta=1e-4)  # the flags' defaults


def dog_tensors(dogs: DogsDataset) -> DogSplits:
    """DogSet's three partitions as the [N, 3, 64, 64] float tensors the networks take."""
    def partition(x, y) -> MyDataset:
        # x: [N, 64, 64, 3] floats, each channel normalised as (pixel/255 − mean)/std with the mean
        # and std of the *training* images (dogs.mean, dogs.std), the same for all three partitions
        images = torch.from_numpy(x).permute(0, 3, 1, 2).contiguous()  # channels last → first: permute, never view
        return MyDataset(images, y)
    return DogSplits(partition(*dogs.get_train_examples()), partition(*dogs.get_validation_examples()),
                     partition(*dogs.get_test_examples()))


def train(data: DogSplits, seed: int, settings: DogSettings = HOMEWORK) -> tuple[nn.Module, History]:
    """Q15's recipe for one seed: Q11's, with the convolutional network."""
    torch.manual_seed(seed)  # the seed fixes the initial weights...
    model = Dog_Classifier_Conv()  # two 5×5 convolutions with stride 2, then Linear(5408, 10)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=settings.lr)  # lr 0.001
    train_loader = DataLoader(data.train, batch_size=settings.batch_size, shuffle=True,  # batch 32, a new order
                              generator=torch.Generator().manual_seed(seed))  # each epoch, fixed by the seed
    val_loader = DataLoader(data.valid, batch_size=256)
    stopper = EarlyStopping(patience=settings.patience, min_delta=settings.min_delta)  # 3 epochs without a decrease > 1e-4
    return model, fit(model, train_loader, loss_fn, optimizer, settings.epochs, val_loader, stopper)  # ≤ 100 epochs


def evaluate_on_test(model: nn.Module, test_set: MyDataset) -> float:
    """The test pass: accuracy over the test images, in eval mode and without gradients. The
    homework tests the weights of the last epoch trained, and so does the key; the harness
    also tests the weights of the lowest validation loss (fit keeps a copy) for Q15."""
    return evaluate(model, DataLoader(test_set, batch_size=256))[1]


SCRIPT = DogScript(Dog_Classifier_Conv, dog_tensors, train, evaluate_on_test, HOMEWORK)


def q14_design() -> dict:
    """Shapes and the hand-written weight formula of the network, from its two Conv2d layers."""
    model = Dog_Classifier_Conv()
    c1, c2 = model.conv1.out_channels, model.conv2.out_channels
    (k, _), (s, _) = model.conv1.kernel_size, model.conv1.stride
    first = conv2d_output_shape((1, 3, 64, 64), c1, k, s)
    second = conv2d_output_shape(first, c2, k, s)
    flat = second[1] * second[2] * second[3]
    return {"channels": [c1, c2], "kernel_size": k, "stride": s, "shapes": [list(first), list(second)],
            "flattened": flat, "weights_formula": c1 * 3 * k * k + c2 * c1 * k * k + flat * 10,
            "biases_formula": c1 + c2 + 10, "receptive_field": receptive_field([(k, s), (k, s)])}


def checked_design() -> dict:
    """Q14's design, refused if the model disagrees with its hand-written weight formula."""
    design, count = q14_design(), weight_count(Dog_Classifier_Conv)
    if count["weights"] != design["weights_formula"]:
        raise SystemExit(f"weight formula {design['weights_formula']} disagrees with the model ({count['weights']})")
    return {"q14_design": design, "mlp_weights": weight_count(Dog_Classifier_FC)["weights"]}


def mlp_on_same_data(trained: list[TrainedDogModel], data: DogsDataset, dest: Destination) -> dict:
    """The MLP's per-seed test accuracy from results/q11.json, when it ran on the same DogSet bytes."""
    q11 = read_json(dest.folder / "results" / "q11.json")
    if not q11 or q11.get("dogset", {}).get("fingerprint") != data.fingerprint:
        return {"mlp": None}
    return {"mlp": {"test_acc": {str(run["seed"]): run["test_acc"] for run in q11["per_seed"]},
                    "parameters": q11["weights"]["parameters"]}}


def main() -> None:
    run_dog_question(__doc__, "q15", SCRIPT, checked_design, mlp_on_same_data)


if __name__ == "__main__":
    run_main(main)
