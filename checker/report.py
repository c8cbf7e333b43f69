"""The check's words: one verdict paragraph per repository, its Markdown report and a summary
table for several. Imports neither torch nor the student's code: it words the diagnosis only."""
from __future__ import annotations

from checker import rules

STOP_LINE = ("run_model.py: EarlyStopping.step() (counter +1 when previous − loss ≤ min_delta, else 0; stop at 3), "
             "fed the validation loss in fit()")
# finding id → (what is off, what to change, the line of the key's recipe to compare with)
SLIPS = {
    "wrong_count": ("{network} has {weights:,} weights + {biases:,} biases, the homework's {expected}",
                    "use the homework's layer sizes", "models.py: {network}'s layers and weight formula"),
    "cnn_count_mismatch": ("{network} has {weights:,} weights + {biases:,} biases, the Q13/Q14 formula gives {expected} "
                           "for its layers", "check the layer sizes against the Q13 formula",
                           "q15_dog_cnn.py: q14_design(), with q13_conv_shape.conv2d_output_shape"),
    "wrong_output": ("{network} gives no [N, 10] output for the course's input ({tried})",
                     "make forward() return [N, 10] logits", "models.py: {network}.forward"),
    "relu_output": ("{network}'s output is never negative over random inputs: a ReLU on the output layer",
                    "return the last linear layer's output as it is", "models.py: Dog_Classifier_FC.forward, `return self.fc3(x)`"),
    "softmax_output": ("{network}'s output rows sum to 1: a softmax before CrossEntropyLoss, which applies log-softmax itself",
                       "return logits", "models.py: Dog_Classifier_FC.forward, `return self.fc3(x)`"),
    "view_not_permute": ("{network}'s first Conv2d receives x.view(N, 3, 64, 64) of the channels-last images, which "
                         "mixes pixels and channels", "use x.permute(0, 3, 1, 2)",
                         "q15_dog_cnn.py: dog_tensors(), `.permute(0, 3, 1, 2)`"),
    "no_zero_grad": ("run_model's training step accumulates gradients across batches (optimizer.zero_grad() is missing)",
                     "call optimizer.zero_grad() before each batch", "run_model.py: train_epoch(), `optimizer.zero_grad()`"),
    "summed_loss": ("run_model's training step uses the loss summed over the batch, so each step is batch-size times "
                    "too large", "use nn.CrossEntropyLoss() with its default mean",
                    "q11_dog_mlp.py: train(), `loss_fn = nn.CrossEntropyLoss()`"),
    "wrong_lr": ("run_model's step is {ratio:.3g} times the SGD step for the learning_rate it is given",
                 "pass learning_rate to torch.optim.SGD", "q11_dog_mlp.py: train(), `torch.optim.SGD(model.parameters(), lr=settings.lr)`"),
    "not_sgd_step": ("run_model's training step is not plain SGD on the mean cross-entropy in the given batch order",
                     "use torch.optim.SGD, nn.CrossEntropyLoss and the shuffle argument",
                     "run_model.py: train_epoch()"),
    "stop_after_1_epoch": ("run_model stops after the first epoch without a validation-loss decrease of more than "
                           "stop_thr; the homework waits for 3 in a row", "stop at 3 epochs in a row", STOP_LINE),
    "stop_no_reset": ("run_model's stopping counter is not reset when the validation loss decreases",
                      "reset the counter to 0 after a decrease of more than stop_thr", STOP_LINE),
    "stop_ignores_min_delta": ("run_model counts a decrease smaller than stop_thr (1e-4) as a decrease",
                               "count an epoch unless the loss fell by more than stop_thr", STOP_LINE),
    "stop_on_train_loss": ("run_model's stopping rule watches the training loss, not the validation loss",
                           "compare loss['valid'], not loss['train']", STOP_LINE),
    "stop_on_train_loss_after_1_epoch": ("run_model stops on the training loss after one epoch without a decrease",
                                         "watch loss['valid'] and wait for 3 epochs in a row", STOP_LINE),
    "stop_never": ("run_model never stops early (all {cap} epochs, with the validation loss flat from epoch 5)",
                   "stop after 3 epochs in a row without a decrease of more than stop_thr", STOP_LINE),
    "stop_other": ("run_model stopped after {epochs} epochs where the homework's rule stops after {homework}",
                   "stop after 3 epochs in a row without a validation-loss decrease of more than stop_thr", STOP_LINE),
    "eval_forgotten": ("the test pass runs the model in training mode (model.eval() is missing; no effect on these "
                       "networks, which have no dropout or batch norm)", "call model.eval() before testing",
                       "run_model.py: evaluate(), `model.eval()`"),
    "accuracy_not_percent": ("run_model's test pass returns the accuracy {accuracy:g} for 3 of 4 right, not 75 (percent)",
                             "return the accuracy in percent", "the course's run_model docstring"),
}
INPUT_NOTES = {"flat": "takes only flat [N, 12288] input, which is fine (the course's own test feeds it so); "
                       "the checker flattened DogSet's images for it",
               "channels_first": "expects channels-first [N, 3, 64, 64]: permute DogSet's channels-last images with "
                                 "x.permute(0, 3, 1, 2) before it, never view; the checker did so"}
COURSE_INPUT = {"Digit_Classifier": "[N, 784]", "Dog_Classifier_FC": "[N, 64, 64, 3]", "Dog_Classifier_Conv": "[N, 64, 64, 3]"}


def pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def finding_words(finding: dict, diagnosis: dict) -> tuple[str, str, str]:
    """(what is off, what to change, the key's line) for one finding."""
    network = finding.get("network") or ""
    facts = diagnosis["networks"].get(network) or {}
    expected = facts.get("expected")
    fields = {"network": network, "weights": facts.get("weights", 0), "biases": facts.get("biases", 0),
              "expected": f"{expected[0]:,} + {expected[1]:,}" if expected else "", "tried": "; ".join(facts.get("tried", [])),
              "ratio": finding.get("ratio", 0.0), "epochs": finding.get("epochs", 0), "cap": rules.EPOCH_CAP,
              "homework": rules.RULES["homework"](), "accuracy": finding.get("accuracy", 0.0)}
    return tuple(text.format(**fields) for text in SLIPS[finding["id"]])  # type: ignore[return-value]


def structure_lines(diagnosis: dict) -> list[str]:
    """Part 1, one line per network class."""
    lines = []
    for network, facts in diagnosis["networks"].items():
        if facts is None:
            lines.append(f"{network}: not in src/models.py")
            continue
        expected = facts["expected"]
        count = f"{facts['weights']:,} weights + {facts['biases']:,} biases"
        if expected:
            source = "the Q13/Q14 formula" if network == "Dog_Classifier_Conv" else "the homework's"
            count += f" ({source}: {expected[0]:,} + {expected[1]:,})"
        if facts.get("formula"):
            count += f"; shapes by Q13 {' → '.join(str(s) for s in [[3, 64, 64], *facts['formula']['chain']])}"
        made = f"built with kernel_size {facts['args'][0]}, stride {facts['args'][1]}; " if facts["args"] else ""
        taken = ("no [N, 10] output for the course's input" if facts["input"] is None else
                 f"[N, 10] for the course's {COURSE_INPUT[network]}" if facts["input"] == "course" else
                 INPUT_NOTES[facts["input"]])
        shapes = ", ".join(f"{name} {shape}" for name, shape in facts["parameters"])
        lines.append(f"{network}: {made}{count}; {taken}. Parameters: {shapes}")
    return lines


def part3_lines(compared: list[dict], settings_note: str) -> list[str]:
    lines = []
    for network in compared:
        key = (f"the key's {network['key_seeds']} seeds: {pct(network['key_test_acc'][0])}–{pct(network['key_test_acc'][1])} "
               f"in {network['key_epochs'][0]}–{network['key_epochs'][1]} epochs (widened by the test-sample interval: "
               f"{pct(network['key_widened'][0])}–{pct(network['key_widened'][1])})")
        for run in network["runs"]:
            text = (f"{network['network']}, seed {run['seed']}: test accuracy {pct(run['test_acc'])} "
                    f"(95% interval {pct(run['interval'][0])}–{pct(run['interval'][1])}) after {run['epochs']} epochs; {key}: "
                    + ("within it" if run["fits_key"] else "outside it"))
            if not run["fits_key"]:
                named = [m["name"] + (" (found in your code)" if m["found_in_code"] else "") for m in run["matches"]]
                text += ("; by the mistakes appendix's rule it fits " + "; ".join(named) if named
                         else "; it fits none of the measured slips")
            lines.append(text + ("" if network["same_dogset"] else " (the key ran on other DogSet files: compare with care)"))
    return [line + settings_note for line in lines]


def verdict(name: str, diagnosis: dict, compared: list[dict] | None) -> str:
    """One plain paragraph: what is right, what is off and what to change, with the key's line."""
    checked = [f"{n}'s weight count and output" for n, f in diagnosis["networks"].items()
               if f and not any(x.get("network") == n for x in diagnosis["findings"])]
    facts = diagnosis["facts"]
    loop_ok = {"the training step": facts.get("training") == "textbook",
               "the stopping rule": "stopping_epochs" in facts and facts["stopping_epochs"] == facts["homework_stop"],
               "the test pass": "accuracy_scale" in facts and not any(
                   f["id"] in ("eval_forgotten", "accuracy_not_percent") for f in diagnosis["findings"])}
    right = checked + [what for what, ok in loop_ok.items() if ok]
    parts = [f"**{name}.**"]
    if right:
        parts.append("Right: " + ", ".join(right) + ".")
    for finding in diagnosis["findings"]:
        off, change, line = finding_words(finding, diagnosis)
        parts.append(f"Off: {off}; change: {change} (compare with {line}).")
    if diagnosis["problems"]:
        parts.append("Could not check: " + "; ".join(diagnosis["problems"]) + ".")
    if compared is None:
        parts.append("Part 3 was skipped: no DogSet (give --dogset or set DOGSET_DIR).")
    elif compared:
        fits = all(r["fits_key"] for n in compared for r in n["runs"])
        parts.append("DogSet: " + ("every run lies within the key's spread." if fits else "a run lies outside the key's spread (see part 3)."))
    if not diagnosis["findings"] and not diagnosis["problems"]:
        parts.append("Nothing to change that these checks can see.")
    return " ".join(parts)


def markdown(name: str, path: str, diagnosis: dict, compared: list[dict] | None, settings_note: str) -> str:
    """The repository's full report."""
    lines = [f"# Checking {name}", "", f"`{path}`", "", verdict(name, diagnosis, compared), "", "## Part 1: structure", ""]
    lines += [f"- {line}" for line in structure_lines(diagnosis)] or ["- no network could be built"]
    lines += ["", "## Part 2: slips found by running", ""]
    lines += [f"- {finding_words(f, diagnosis)[0]}" for f in diagnosis["findings"]] or ["- none"]
    if diagnosis["problems"]:
        lines += ["", "## Could not check", ""] + [f"- {p}" for p in diagnosis["problems"]]
    lines += ["", "## Part 3: DogSet against the key", ""]
    lines += (["- skipped: no DogSet (give --dogset or set DOGSET_DIR)"] if compared is None else
              [f"- {line}" for line in part3_lines(compared, settings_note)] or ["- no dog network could be trained"])
    return "\n".join(lines) + "\n"


def summary(rows: list[tuple[str, dict, list[dict] | None]]) -> str:
    """One table row per repository: a TA checking a section."""
    lines = ["| repository | networks | slips found | could not check | DogSet |", "|---|---|---|---|---|"]
    for name, diagnosis, compared in rows:
        networks = ", ".join(n for n, f in diagnosis["networks"].items() if f) or "none"
        slips = ", ".join(f["id"] for f in diagnosis["findings"]) or "none"
        dogset = ("skipped" if compared is None else
                  "; ".join(f"{n['network']} {', '.join(pct(r['test_acc']) for r in n['runs'])}"
                            + ("" if all(r["fits_key"] for r in n["runs"]) else " (outside)") for n in compared) or "none")
        lines.append(f"| {name} | {networks} | {slips} | {len(diagnosis['problems'])} | {dogset} |")
    return "\n".join(lines) + "\n"
