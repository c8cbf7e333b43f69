"""What to run in the child (the steps) and what its outcomes mean (findings and problems).

A finding is a slip, named by an id that checker/report.py words; a problem is a check that
could not run (a missing file, an error, a hang), one line each. The counts to meet come from
the key's own networks (models.py) and the CNN's from the Q13 formula (q13_conv_shape.py).
"""
from __future__ import annotations

from functools import cache

from checker import rules
from checker.runner import Step
from models import Digit_Classifier, Dog_Classifier_FC, count_parameters
from q13_conv_shape import conv2d_output_shape

NETWORKS = ("Digit_Classifier", "Dog_Classifier_FC", "Dog_Classifier_Conv")
DOG_NETWORKS = ("Dog_Classifier_FC", "Dog_Classifier_Conv")
FILES = {"models": "src/models.py", "run_model": "src/run_model.py", "my_dataset": "data/my_dataset.py"}
LOOP_STEPS = {"training": "run_model's training step", "stopping": "run_model's stopping rule",
              "test_pass": "run_model's test pass"}
TRAINING_SLIPS = {"textbook": [], "no_zero_grad": ["no_zero_grad"], "summed_loss": ["summed_loss"],
                  "summed_loss+no_zero_grad": ["summed_loss", "no_zero_grad"]}


def steps(timeout: float) -> list[Step]:
    """Parts 1 and 2: imports, each network's structure and output, then run_model's loop."""
    return ([Step(f"import {m}", "import", {"module": m}, timeout) for m in FILES]
            + [Step(n, "structure", {"network": n}, timeout) for n in NETWORKS]
            + [Step("training", "training", {}, timeout),
               Step("stopping", "stopping", {"train": rules.TRAIN, "valid": rules.VALID, "epochs": rules.EPOCH_CAP}, timeout),
               Step("test_pass", "test_pass", {}, timeout)])


def dogset_steps(dogset: str, seeds: list[int], settings: dict, timeout: float) -> list[Step]:
    """Part 3: each dog network trained by the student's run_model, once per seed."""
    return [Step(f"DogSet {n} seed {s}", "train_dogset", {"network": n, "seed": s, "dogset": dogset, "settings": settings},
                 timeout) for n in DOG_NETWORKS for s in seeds]


@cache
def homework_counts() -> dict[str, tuple[int, int]]:
    """(weights, biases) of Q4's and Q10's networks, counted on the key's own models."""
    return {"Digit_Classifier": count_parameters(Digit_Classifier()),
            "Dog_Classifier_FC": count_parameters(Dog_Classifier_FC())}


def counted(parameters: list) -> tuple[int, int]:
    """(weights, biases) from [name, shape] pairs, as models.count_parameters counts."""
    sizes = [(name, _product(shape)) for name, shape in parameters]
    return (sum(n for name, n in sizes if name.endswith("weight")), sum(n for name, n in sizes if name.endswith("bias")))


def _product(shape: list[int]) -> int:
    total = 1
    for size in shape:
        total *= size
    return total


def conv_formula(layers: list[dict]) -> dict | None:
    """The Q13/Q14 count for a CNN's layers: each Conv2d's (and pooling layer's) output shape by
    the Q13 formula from [3, 64, 64], each conv's in·out·kh·kw weights, and the first linear
    layer fed the flattened last shape. None when the formula does not apply."""
    shape, weights, biases, chain, flat_seen = (1, 3, 64, 64), 0, 0, [], False
    try:
        for layer in layers:
            if layer["type"] == "Linear":
                weights += (layer["in"] if flat_seen else shape[1] * shape[2] * shape[3]) * layer["out"]
                biases += layer["out"] if layer["bias"] else 0
                flat_seen = True
            elif flat_seen or isinstance(layer["padding"], str):
                return None
            elif layer["type"] == "Conv2d":
                shape = conv2d_output_shape(shape, layer["out"], layer["kernel"], layer["stride"], layer["padding"], layer["dilation"])
                weights += layer["in"] // layer["groups"] * layer["out"] * layer["kernel"][0] * layer["kernel"][1]
                biases += layer["out"] if layer["bias"] else 0
                chain.append(list(shape[1:]))
            else:
                shape = conv2d_output_shape(shape, shape[1], layer["kernel"], layer["stride"], layer["padding"], layer["dilation"])
                chain.append(list(shape[1:]))
    except ValueError:
        return None
    return {"weights": weights, "biases": biases, "chain": chain}


def network_findings(name: str, result: dict) -> tuple[dict, list[dict]]:
    """(facts, findings) for one network class the child built."""
    weights, biases = counted(result["parameters"])
    facts = {"weights": weights, "biases": biases, "input": result["input"], "args": result["args"],
             "parameters": result["parameters"], "tried": result["tried"]}
    findings = []
    if name == "Dog_Classifier_Conv":
        facts["formula"] = formula = conv_formula(result["layers"])
        expected = (formula["weights"], formula["biases"]) if formula else None
    else:
        expected = homework_counts()[name]
    facts["expected"] = list(expected) if expected else None
    if expected and (weights, biases) != tuple(expected):
        findings.append({"id": "cnn_count_mismatch" if name == "Dog_Classifier_Conv" else "wrong_count", "network": name})
    if result["input"] is None:
        findings.append({"id": "wrong_output", "network": name})
        return facts, findings
    if result["rows_sum_to_one"]:
        findings.append({"id": "softmax_output", "network": name})
    elif result["never_negative"]:
        findings.append({"id": "relu_output", "network": name})
    if result["first_conv"] == "view":
        findings.append({"id": "view_not_permute", "network": name})
    facts["first_conv"] = result["first_conv"]
    return facts, findings


def loop_findings(name: str, result: dict) -> tuple[dict, list[dict]]:
    """(facts, findings) for one of run_model's checks."""
    if name == "training":
        best = min(result["distances"], key=result["distances"].get)
        if result["distances"][best] <= 1e-5:
            return {"training": best}, [{"id": i} for i in TRAINING_SLIPS[best]]
        plain = result["off_line"] <= 1e-4 * max(1.0, abs(result["ratio"]))
        return {"training": None, "ratio": result["ratio"]}, [{"id": "wrong_lr" if plain else "not_sgd_step",
                                                                 "ratio": result["ratio"]}]
    if name == "stopping":
        rule = rules.rule_for(result["epochs"])
        facts = {"stopping_epochs": result["epochs"], "homework_stop": rules.RULES["homework"](),
                 "returns_model_loss_acc": result["returns_model_loss_acc"]}
        return facts, ([] if rule == "homework" else [{"id": rule, "epochs": result["epochs"]}])
    percent = abs(result["accuracy"] - 75) < 0.5
    findings = [{"id": "eval_forgotten"}] if result["forward_in_training_mode"] else []
    if not percent:
        findings.append({"id": "accuracy_not_percent", "accuracy": result["accuracy"]})
    return {"accuracy_scale": 100 if percent or result["accuracy"] > 1 else 1}, findings


def problem_line(name: str, outcome: dict) -> str | None:
    """One line for a step that could not run, or None."""
    what = FILES.get(name.removeprefix("import "), LOOP_STEPS.get(name, name))
    if outcome["status"] == "done" and outcome["result"].get("missing"):
        return f"{what} is missing"
    if outcome["status"] in ("error", "crash"):
        where = "run_model's checks" if name in LOOP_STEPS else what
        return f"{where}: {outcome['error']}"
    if outcome["status"] == "timeout":
        return (f"{what} did not finish within {outcome['limit']:g} s (an endless loop or a very slow step?); "
                "it was stopped and the checks after it did not run")
    return None


def diagnose(outcome: dict[str, dict]) -> dict:
    """The child's outcomes as {'networks', 'facts', 'findings', 'problems', 'dogset_runs'}."""
    networks, facts, findings, problems, dogset_runs = {}, {}, [], [], []
    for name, result in outcome.items():
        line = problem_line(name, result)
        if line and line not in problems:
            problems.append(line)
        if result["status"] != "done":
            continue
        if name in NETWORKS:
            if result["result"]["present"]:
                networks[name], found = network_findings(name, result["result"])
                findings += found
            else:
                networks[name] = None
        elif name in LOOP_STEPS:
            more, found = loop_findings(name, result["result"])
            facts |= more
            findings += found
        elif name.startswith("DogSet "):
            dogset_runs.append({"network": name.split()[1], "seed": int(name.split()[-1]), **result["result"]})
    return {"networks": networks, "facts": facts, "findings": findings, "problems": problems, "dogset_runs": dogset_runs}
