"""Q10–Q12: an MLP (12288 → 128 → 64 → 10, ReLU) on DogSet, over several seeds.

Q10 counts the network's weights by hand and from the model. Q11 trains it once per seed
with `train` below: Dog_Classifier_FC (models.py), CrossEntropyLoss, SGD lr 0.001, a
shuffling DataLoader of batch 32, at most 100 epochs of run_model.fit, stopping when the
validation loss has not decreased by more than 1e-4 for 3 epochs in a row. It plots loss and
accuracy per epoch; Q12 reads those curves across the seeds.

Writes results/q11.json, figures/q11_loss.png and figures/q11_accuracy.png; the words are in
answers/q11.py. Everything imported from harness/ is plumbing a reader may skip: it hands
`train` the DogSet partitions as MyDatasets of [N, 3, 64, 64] images, trains the seeds side by
side in worker processes, reuses saved models and publishes the facts. It never changes the
arithmetic: a seed gives the same model alone or among others.
"""
from __future__ import annotations

import torch
from torch import nn
from torch.utils.data import DataLoader

from harness.cli import run_main
from harness.dog_runs import DogSettings, DogSplits, weight_count
from harness.drivers import run_dog_question
from models import Dog_Classifier_FC
from run_model import EarlyStopping, History, fit


def train(data: DogSplits, seed: int, s: DogSettings = DogSettings()) -> tuple[nn.Module, History]:
    """Q11's recipe for one seed; DogSettings' defaults are the homework's."""
    torch.manual_seed(seed)  # the seed fixes the initial weights...
    model = Dog_Classifier_FC()  # 12288 → 128 → 64 → 10
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=s.lr)  # lr 0.001
    train_loader = DataLoader(data.train, batch_size=s.batch_size, shuffle=True,  # batch 32, a new order each epoch...
                              generator=torch.Generator().manual_seed(seed))  # ...fixed by the seed
    val_loader = DataLoader(data.valid, batch_size=256)
    stopper = EarlyStopping(patience=s.patience, min_delta=s.min_delta)  # 3 epochs without a decrease > 1e-4
    return model, fit(model, train_loader, loss_fn, optimizer, s.epochs, val_loader, stopper)  # at most 100 epochs


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
    run_dog_question(__doc__, "q11", Dog_Classifier_FC, train, checked_count, lambda trained, data, dest: {})


if __name__ == "__main__":
    run_main(main)
