"""Q10–Q12: an MLP (12288 → 128 → 64 → 10, ReLU) on DogSet, over several seeds.

Q10 counts the network's weights by hand and from the model. Q11 trains it once per seed
with `train` below: Dog_Classifier_FC (models.py), CrossEntropyLoss, SGD lr 0.001, a
shuffling DataLoader of batch 32, at most 100 epochs of run_model.fit, stopping when the
validation loss has not decreased by more than 1e-4 for 3 epochs in a row. It plots loss and
accuracy per epoch; Q12 reads those curves across the seeds.

The whole homework is on this screen: `dog_tensors` turns DogSet into tensors, `train` is the
recipe and `evaluate_on_test` the test pass; HOMEWORK holds the homework's settings, which the
flags default to. Writes results/q11.json, figures/q11_loss.png and figures/q11_accuracy.png;
the words are in answers/q11.py. Everything imported from harness/ is plumbing a reader may
skip: it calls these three functions once per seed, trains the seeds side by side in worker
processes, reuses saved models and publishes the facts. It never changes the arithmetic: a
seed gives the same model alone or among others.
"""
from __future__ import annotations

import torch
from torch import nn
from torch.utils.data import DataLoader

from data.dogs import DogsDataset
from common.cli import run_main
from harness.dog_runs import DogScript, DogSettings, DogSplits, weight_count
from harness.drivers import run_dog_question
from models import Dog_Classifier_FC
from my_dataset import MyDataset
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
    """Q11's recipe for one seed."""
    torch.manual_seed(seed)  # the seed fixes the initial weights...
    model = Dog_Classifier_FC()  # 12288 → 128 → 64 → 10
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
    also tests the weights of the lowest validation loss (fit keeps a copy) for Q12."""
    return evaluate(model, DataLoader(test_set, batch_size=256))[1]


SCRIPT = DogScript(Dog_Classifier_FC, dog_tensors, train, evaluate_on_test, HOMEWORK)


def q10_formula() -> int:
    """Connection weights of 12288 → 128 → 64 → 10, by hand."""
    return 64 * 64 * 3 * 128 + 128 * 64 + 64 * 10


def checked_count() -> dict:
    """The hand count, refused if the model disagrees with it."""
    counted = weight_count(Dog_Classifier_FC)["weights"]
    if counted != q10_formula():
        raise SystemExit(f"the hand count {q10_formula():,} disagrees with the model's {counted:,}")
    return {"q10_formula": q10_formula()}


def main() -> None:
    run_dog_question(__doc__, "q11", SCRIPT, checked_count, lambda trained, data, dest: {})


if __name__ == "__main__":
    run_main(main)
