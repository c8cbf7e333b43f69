"""Q10–Q12: an MLP (12288 → 128 → 64 → 10, ReLU) on DogSet, over several seeds.

Q10 counts the network's weights by hand and from the model. Q11 trains it with the
homework protocol (batch 32, SGD lr 0.001, CrossEntropyLoss, at most 100 epochs, stop when
the validation loss has not decreased by more than 1e-4 for 3 epochs in a row), once per
seed, and plots loss and accuracy per epoch. Q12 reads those curves across the seeds.

Writes figures/q11_loss.png, figures/q11_accuracy.png and results/q11.json.
"""
from __future__ import annotations

from common.answer_sheet import finish
from common.cli import add_dog_flags, base_parser, run_main, seeds_note, settings_from, unique_seeds
from common.dog_report import data_note, reading, training_summary, write_training_results
from common.dog_runs import DogSettings, load_dogset, train_seeds, weight_count
from common.outputs import choose_destination


def q10_formula() -> int:
    """Connection weights of 12288 → 128 → 64 → 10, by hand."""
    return 64 * 64 * 3 * 128 + 128 * 64 + 64 * 10


def main() -> None:
    parser = base_parser(__doc__, seeds=True)
    add_dog_flags(parser, DogSettings())
    args = parser.parse_args()
    settings, seeds = settings_from(DogSettings, args), unique_seeds(args.seeds)
    data = load_dogset(args.dogset, args.cache_dir, args.quiet)
    reasons = settings.differences_from_homework() + seeds_note(seeds)
    dest = choose_destination(args.out, reasons)
    print(f"Data: {data.summary()}; {settings.describe()}; seeds {list(seeds)}")
    count = weight_count("mlp")
    if count["weights"] != q10_formula():
        raise SystemExit(f"the hand count {q10_formula():,} disagrees with the model's {count['weights']:,} weights")
    trained = train_seeds("mlp", data, seeds, settings, dest.checkpoints, progress=not args.quiet, jobs=args.jobs)
    answers = {
        "Q10": (f"64·64·3·128 + 128·64 + 64·10 = **{q10_formula():,} connection weights** (counted from the model: "
                f"{count['weights']:,}), plus {count['biases']} biases (128 + 64 + 10) = **{count['parameters']:,} "
                f"trainable parameters**. The biases are trained too, so they belong in the count."),
        "Q11": f"Data: {data_note(data)}.\n\nProtocol: {settings.describe()}.\n\n{training_summary(trained, data, settings)}",
        "Q12": (reading(trained) + "\n\nRead from the recorded histories in `results/q11.json`."),
    }
    write_training_results(dest, "q11", "q11_dog_mlp.py", "DogSet MLP", trained, data, settings, reasons, answers, {
        "corrections": [
            {"question": "Q10", "old": "1,581,696 weights, without the 202 biases",
             "now": f"{count['weights']:,} weights + {count['biases']} biases = {count['parameters']:,} parameters"},
            {"question": "Q12", "old": "described training curves it never produced",
             "now": "reads the recorded curves of every seed"}],
        "weights": count})
    for question, answer in answers.items():
        print(f"\n{question}: {answer}")
    finish(dest)


if __name__ == "__main__":
    run_main(main)
