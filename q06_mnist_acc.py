"""Q6–Q7: test accuracy of the MNIST MLP against training-set size, over several seeds.

Evaluates one MLP per training-set size (500, 1,000, 1,500, 2,000) and seed (0–4) on the
homework's balanced 1,000-image test set (100 per digit, drawn with the seed from the MNIST
test file) and on all 10,000 MNIST test images. Models that q04_mnist_time.py already
trained with the same settings, data and code are loaded from checkpoints/; any other is
trained here with the same shared code.

Writes results/q06.json and figures/q06_accuracy.png; the words are in answers/q06.py.
"""
from __future__ import annotations

from answers.q06 import judge_q7
from answers.sheet import publish
from common.cli import run_main
from common.drivers import start_mnist_question
from common.mnist_runs import train_one_size
from common.stats import mean_sd
from load_data import read_mnist


def main() -> None:
    run = start_mnist_question(__doc__)
    settings, seeds, args = run.settings, run.seeds, run.args
    runs = []
    for size in run.sizes:
        trained = [train_one_size(args.mnist_dir, size, seed, settings, run.dest.checkpoints, reuse=True,
                                  progress=not args.quiet) for seed in seeds]
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
