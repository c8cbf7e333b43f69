"""Q14–Q15 in words and figures: the CNN's design, shapes and weight count, its training over
seeds, the reading of its curves and the seed-by-seed comparison with the MLP. Facts from
q15_dog_cnn.py (results/q15.json)."""
from __future__ import annotations

from answers.dogs import data_note, describe_dog, draw_histories, reading, training_summary
from answers.words import agree
from harness.stats import mean_sd


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


def compare_with_mlp(facts: dict) -> str:
    """Per-seed paired differences with the MLP of results/q11.json, when it ran on the same data and seeds."""
    mlp = facts["mlp"]
    if mlp is None:
        return "_Run `q11_dog_mlp.py` on the same DogSet first for the per-seed comparison with the MLP._"
    pairs = [(run["seed"], run["test_acc"], mlp["test_acc"][str(run["seed"])]) for run in facts["per_seed"]
             if str(run["seed"]) in mlp["test_acc"]]
    if not pairs:
        return "_The MLP results hold none of these seeds; run both scripts with the same --seeds to compare them._"
    diff = [c - m for _, c, m in pairs]
    mean, sd = mean_sd(diff)
    cnn_parameters = facts["weights"]["parameters"]
    return ("Against the MLP of Q11, seed by seed on the same data (CNN − MLP test accuracy): "
            + ", ".join(f"seed {s} {100 * (c - m):+.1f}" for s, c, m in pairs)
            + f" points; mean {100 * mean:+.1f} ± {100 * sd:.1f}. The CNN wins in {agree(sum(d > 0 for d in diff), len(pairs))}, "
              f"with {cnn_parameters:,} parameters against the MLP's {mlp['parameters']:,} "
              f"({mlp['parameters'] / cnn_parameters:.0f}× fewer)."
            + (" Convolutions share each small filter across the whole image, so the CNN learns local patterns wherever "
               "they appear with far fewer weights." if mean > 0 else ""))


def render(facts: dict) -> dict[str, str]:
    return {
        "Q14": answer_q14(facts["q14_design"], facts["weights"], facts["mlp_weights"]),
        "Q15": "\n\n".join([f"Data: {data_note(facts['dogset'])}.",
                            f"Protocol: the same as Q11: {describe_dog(facts['settings'])}.",
                            training_summary(facts), reading(facts), compare_with_mlp(facts)]),
    }


def corrections(facts: dict) -> list[tuple[str, str, str]]:
    design, count = facts["q14_design"], facts["weights"]
    return [("Q14", "6 and 10 channels: 6·3·5·5 + 10·6·5·5 + 10·13·13·10 = 18,850 weights (plus 26 biases), without "
                    "training it",
             f"{design['channels'][0]} and {design['channels'][1]} channels, {count['weights']:,} weights + "
             f"{count['biases']} biases, trained and tested")]


def draw(facts: dict) -> dict:
    return draw_histories(facts, "q15", "DogSet CNN")
