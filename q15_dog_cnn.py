"""Q14–Q15: a small convolutional network on DogSet, over several seeds, against Q11's MLP.

Q14's network is Conv2d(3, 16, 5, stride 2) → ReLU → Conv2d(16, 32, 5, stride 2) → ReLU →
flatten → Linear(32·13·13, 10); only kernel_size and stride are set, every other Conv2d
argument keeps its default. Its shapes come from common/shapes.py, the formula that
answers Q13. Q15 trains it with the same protocol as Q11, once per seed, plots loss and
accuracy per epoch, and compares each seed with the MLP of the same seed.

Writes figures/q15_loss.png, figures/q15_accuracy.png and results/q15.json.
"""
from __future__ import annotations

from common.answer_sheet import finish
from common.cli import add_dog_flags, base_parser, run_main, seeds_note, settings_from, unique_seeds
from common.dog_report import data_note, reading, training_summary, write_training_results
from common.dog_runs import DogSettings, load_dogset, train_seeds, weight_count
from common.models import DOG_CNN_CHANNELS, DOG_CNN_KERNEL, DOG_CNN_STRIDE, DOG_IMAGE_SHAPE
from common.outputs import choose_destination, read_json
from common.shapes import conv2d_output_shape, receptive_field
from common.stats import agree, mean_sd


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


def answer_q14(design: dict, count: dict, mlp_weights: int) -> str:
    c1, c2 = design["channels"]
    k, s, field = design["kernel_size"], design["stride"], design["receptive_field"]
    (_, _, h1, w1), (_, _, h2, w2) = design["shapes"]
    return (f"Conv2d(3, {c1}, kernel_size={k}, stride={s}) → ReLU → Conv2d({c1}, {c2}, kernel_size={k}, stride={s}) → "
            f"ReLU → flatten → Linear({design['flattened']}, 10). Shapes: 64×64 → {h1}×{w1} → {h2}×{w2} "
            f"(⌊(64 − {k})/{s}⌋ + 1 = {h1}, ⌊({h1} − {k})/{s}⌋ + 1 = {h2}). Why: {k}×{k} kernels with stride {s} halve "
            f"the resolution at each layer without padding, so each output of the second layer sees a {field}×{field} "
            f"patch of the image and the flattened map stays small; the channels double as the resolution halves. "
            f"Weights: {c1}·3·{k}·{k} + {c2}·{c1}·{k}·{k} + {design['flattened']}·10 = **{design['weights_formula']:,}** "
            f"(counted from the model: {count['weights']:,}), plus {count['biases']} biases = {count['parameters']:,} "
            f"parameters, {mlp_weights / count['weights']:.0f}× fewer weights than the Q10 MLP.")


def compare_with_mlp(cnn: list, q11: dict | None, fingerprint: str) -> str:
    """Per-seed paired differences with the MLP of results/q11.json, when it ran on the same data and seeds."""
    if not q11 or q11.get("data_fingerprint") != fingerprint:
        return "_Run `q11_dog_mlp.py` on the same DogSet first for the per-seed comparison with the MLP._"
    mlp = {run["seed"]: run["test_acc"] for run in q11["per_seed"]}
    pairs = [(t.seed, t.test_acc, mlp[t.seed]) for t in cnn if t.seed in mlp]
    if not pairs:
        return "_The MLP results hold none of these seeds; run both scripts with the same --seeds to compare them._"
    diff = [c - m for _, c, m in pairs]
    mean, sd = mean_sd(diff)
    wins = sum(d > 0 for d in diff)
    return ("Against the MLP of Q11, seed by seed on the same data (CNN − MLP test accuracy): "
            + ", ".join(f"seed {s} {100 * (c - m):+.1f}" for s, c, m in pairs)
            + f" points; mean {100 * mean:+.1f} ± {100 * sd:.1f}. The CNN wins in {agree(wins, len(pairs))}, with "
            f"{weight_count('cnn')['parameters']:,} parameters against the MLP's {q11['weights']['parameters']:,} "
            f"({q11['weights']['parameters'] / weight_count('cnn')['parameters']:.0f}× fewer)."
            + (" Convolutions share each small filter across the whole image, so the CNN learns local patterns wherever "
               "they appear with far fewer weights." if mean > 0 else ""))


def main() -> None:
    parser = base_parser(__doc__, seeds=True)
    add_dog_flags(parser, DogSettings())
    args = parser.parse_args()
    settings, seeds = settings_from(DogSettings, args), unique_seeds(args.seeds)
    design, count = q14_design(), weight_count("cnn")
    if count["weights"] != design["weights_formula"]:
        raise SystemExit(f"weight formula {design['weights_formula']} disagrees with the model ({count['weights']})")
    data = load_dogset(args.dogset, args.cache_dir, args.quiet)
    reasons = settings.differences_from_homework() + seeds_note(seeds)
    dest = choose_destination(args.out, reasons)
    print(f"Data: {data.summary()}; {settings.describe()}; seeds {list(seeds)}")
    trained = train_seeds("cnn", data, seeds, settings, dest.checkpoints, progress=not args.quiet, jobs=args.jobs)
    q11 = read_json(dest.folder / "results" / "q11.json")
    answers = {
        "Q14": answer_q14(design, count, weight_count("mlp")["weights"]),
        "Q15": "\n\n".join([f"Data: {data_note(data)}.", f"Protocol: the same as Q11: {settings.describe()}.",
                            training_summary(trained, data, settings), reading(trained),
                            compare_with_mlp(trained, q11, data.fingerprint)]),
    }
    write_training_results(dest, "q15", "q15_dog_cnn.py", "DogSet CNN", trained, data, settings, reasons, answers, {
        "corrections": [{"question": "Q14", "old": "6 and 10 channels: 6·3·5·5 + 10·6·5·5 + 10·13·13·10 = 18,850 "
                                                   "weights (plus 26 biases), without training it",
                         "now": f"{design['channels'][0]} and {design['channels'][1]} channels, {count['weights']:,} "
                                f"weights + {count['biases']} biases, trained and tested"}],
        "weights": count, "q14_design": design})
    for question, answer in answers.items():
        print(f"\n{question}: {answer}")
    finish(dest)


if __name__ == "__main__":
    run_main(main)
