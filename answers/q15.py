"""Q14–Q15 in words and figures: the CNN's design, shapes and weight count, its training over
seeds, the reading of its curves and the seed-by-seed comparison with the MLP. Facts from
q15_dog_cnn.py (results/q15.json)."""
from __future__ import annotations

from answers.old_sheet import correction
from answers.dogs import data_note, describe_dog, draw_histories, reading, training_summary
from answers.words import borderline, near_cut, pct_spread, rounded_difference, seed_spread, tie_note
from common.stats import mean_sd


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
    """Per-seed paired differences with the MLP of results/q11.json, when it ran on the same data
    and seeds: both networks are scored on the same test images, so each seed's difference is
    read from the two accuracies shown, and a seed within one test image of a tie makes the win
    count borderline."""
    mlp = facts["mlp"]
    if mlp is None:
        return "_Run `q11_dog_mlp.py` on the same DogSet first for the per-seed comparison with the MLP._"
    pairs = [(run["seed"], run["test_acc"], mlp["test_acc"][str(run["seed"])]) for run in facts["per_seed"]
             if str(run["seed"]) in mlp["test_acc"]]
    if not pairs:
        return "_The MLP results hold none of these seeds; run both scripts with the same --seeds to compare them._"
    total = facts["dogset"]["counts"]["test"]
    cnn, base = [c for _, c, _ in pairs], [m for _, _, m in pairs]
    change = rounded_difference(100 * mean_sd(cnn)[0], 100 * mean_sd(base)[0])
    ties = [tie_note(s, c, m) for s, c, m in pairs if near_cut(c - m, 0.0, 1 / total)]
    cnn_parameters = facts["weights"]["parameters"]
    return (f"Against the MLP of Q11, seed by seed on the same {total:,} test images (CNN − MLP test accuracy): "
            + ", ".join(f"seed {s} {rounded_difference(100 * c, 100 * m)}" for s, c, m in pairs)
            + f" points. {'Over these seeds' if len(pairs) > 1 else 'In this seed'} the CNN reaches {pct_spread(cnn)} against the MLP's {pct_spread(base)}: a "
              f"difference of {change}{seed_spread(100 * mean_sd([c - m for c, m in zip(cnn, base)])[1], len(pairs))} points, paired "
              # tested: tests/test_answers.py::test_cnn_against_mlp_differences_are_rounded_once_from_the_unrounded_accuracies
              f"by seed (each difference from the unrounded accuracies). The CNN wins in "
              f"{borderline(sum(c > m for c, m in zip(cnn, base)), len(pairs), ties)}, with "
              f"{cnn_parameters:,} parameters against the MLP's {mlp['parameters']:,} "
              f"({mlp['parameters'] / cnn_parameters:.0f}× fewer)."
            + " Each convolution shares its small filters across every position of the image, so its weights do "
              "not grow with the image's size.")


def render(facts: dict) -> dict[str, str]:
    return {
        "Q14": answer_q14(facts["q14_design"], facts["weights"], facts["mlp_weights"]),
        "Q15": "\n\n".join([f"Data: {data_note(facts['dogset'])}.",
                            f"Protocol: the same as Q11: {describe_dog(facts['settings'])}.",
                            training_summary(facts), reading(facts), compare_with_mlp(facts)]),
    }


OLD_SHEET_Q14 = {"channels": (6, 10), "weights": 18_850}  # the old answer sheet's Q14 design and its count


def conv_weights(channels: tuple[int, int], design: dict) -> int:
    """Weights of Q14's network with `channels`, at this key's kernel size and second-layer map size."""
    (c1, c2), k = channels, design["kernel_size"]
    _, _, h2, w2 = design["shapes"][1]
    return c1 * 3 * k * k + c2 * c1 * k * k + c2 * h2 * w2 * 10


def corrections(facts: dict) -> list[tuple[str, str, str]]:
    """Q14 against the old sheet: its count checked for its own 6/10-channel design, beside this key's design."""
    design, count = facts["q14_design"], facts["weights"]
    old = conv_weights(OLD_SHEET_Q14["channels"], design)
    verdict = ("**right** for its own design" if old == OLD_SHEET_Q14["weights"]
               else f"its own design has {old:,} weights by the same formula")
    return [("Q14", "6 and 10 channels: 6·3·5·5 + 10·6·5·5 + 10·13·13·10 = 18,850 weights (plus 26 biases), without "
                    "training it",
             f"{verdict}; this key's design has {design['channels'][0]} and {design['channels'][1]} channels, "
             f"{count['weights']:,} weights + {count['biases']} biases, trained and tested"),
            correction("Q15", facts)]


def draw(facts: dict) -> dict:
    return draw_histories(facts, "q15", "DogSet CNN")
