"""Q6–Q7: test accuracy of the MNIST MLP against training-set size, over several seeds.

Trains one Digit_Classifier per training-set size (500, 1,000, 1,500, 2,000) and seed (0–4)
with `train` below, Q4's recipe, and tests it on the homework's balanced 1,000-image test set
(100 per digit, drawn with the seed from the MNIST test file) and on all 10,000 MNIST test
images. A model that q04_mnist_time.py already trained with the same recipe, settings, data
and code is loaded from checkpoints/ instead (a test checks the two recipes read the same).

The homework on this screen: HOMEWORK holds its settings (the flags default to them), `train`
the recipe and `evaluate_on_test` the test pass. The images reach `train` and the test pass as
MyDataset rows of 784 floats in [0, 1] (load_data.as_features: each 28×28 image flattened,
pixel/255). Writes results/q06.json and figures/q06_accuracy.png; the words are in
answers/q06.py. Everything imported from harness/ is plumbing a reader may skip; it calls
`train` and `evaluate_on_test` and never changes their arithmetic.
"""
from __future__ import annotations

import torch
from torch import nn
from torch.utils.data import DataLoader

from answers.q06 import judge_q7
from answers.sheet import publish
from common.cli import run_main
from harness.drivers import start_mnist_question
from harness.mnist_runs import MnistSettings, train_one_size
from common.stats import mean_sd
from load_data import read_mnist
from models import Digit_Classifier
from my_dataset import MyDataset
from run_model import History, evaluate, fit

HOMEWORK = MnistSettings(epochs=100, batch_size=10, lr=0.01, test_per_class=100)  # the flags' defaults


def train(train_set: MyDataset, seed: int, settings: MnistSettings = HOMEWORK) -> tuple[nn.Module, History]:
    """Q4's recipe, which Q6 tests: a fresh network for every training set."""
    torch.manual_seed(seed)
    model = Digit_Classifier()  # 784 → 128 → 64 → 10
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=settings.lr)  # lr 0.01
    loader = DataLoader(train_set, batch_size=settings.batch_size, shuffle=True,  # batch 10
                        generator=torch.Generator().manual_seed(seed))
    return model, fit(model, loader, loss_fn, optimizer, epochs=settings.epochs)  # 100 epochs


def evaluate_on_test(model: nn.Module, test_set: MyDataset) -> float:
    """The test pass: accuracy over the test images, in eval mode and without gradients, of the
    weights after the last (100th) epoch."""
    return evaluate(model, DataLoader(test_set, batch_size=256))[1]


def main() -> None:
    run = start_mnist_question(__doc__, HOMEWORK)
    settings, seeds, args = run.settings, run.seeds, run.args
    runs = []
    for size in run.sizes:
        trained = [train_one_size(Digit_Classifier, train, args.mnist_dir, size, seed, settings, run.dest.checkpoints,
                                  reuse=True, threads=args.threads, test=evaluate_on_test) for seed in seeds]
        row = {"size": size, "reused_checkpoints": sum(t.reused for t in trained)}
        for key, values in (("test_acc", [t.test_acc for t in trained]),
                            ("test_acc_all", [t.test_acc_all for t in trained])):
            if None not in values:
                row[f"{key}_per_seed"] = values
                row[f"{key}_mean"], row[f"{key}_sd"] = mean_sd(values)
        runs.append(row)
        print(f"n = {size:5d}: balanced test accuracy per seed {[f'{a:.1%}' for a in row['test_acc_per_seed']]} "
              f"({row['reused_checkpoints']} of {len(seeds)} from q04's checkpoints)", flush=True)
    test_size = 10 * settings.test_per_class
    mnist = read_mnist(args.mnist_dir)
    publish(run.dest, "q06", {**run.common_facts(), "test_examples": test_size,
                              "test_examples_all": None if mnist.is_fallback else len(mnist.test_labels),
                              "runs": runs, "verdict": judge_q7(runs, test_size)})


if __name__ == "__main__":
    run_main(main)
