"""What to run in the child (the steps) and what its outcomes mean: findings, notes and the checks
that could not run.

A finding is a slip or an unfinished piece of the skeleton, named by an id of checker/slips.py,
with the student's `where` (file:line, or the function where no line could be found); a note
is what the checker did about the environment; `not_run` holds each check that was asked for and
could not run, with its reason (a crash the finding names, a file missing, a hang, a limit hit),
one line each. The counts to meet come from the
key's own networks (models.py) and, for the CNN, from the term's design (checker/terms.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from checker import rules
from checker.runner import Step
from checker.terms import Term, TermChoice
from models import Digit_Classifier, Dog_Classifier_FC, count_parameters

NETWORKS = ("Digit_Classifier", "Dog_Classifier_FC", "Dog_Classifier_Conv")
DOG_NETWORKS = ("Dog_Classifier_FC", "Dog_Classifier_Conv")
FILES = {"models": "src/models.py", "run_model": "src/run_model.py", "my_dataset": "data/my_dataset.py"}
LOOP_STEPS = {"training": "run_model's training step", "stopping": "run_model's stopping rule",
              "without_validation": "run_model without a validation set", "test_pass": "run_model's test pass"}
TRAINING_SLIPS = {"textbook": [], "no_zero_grad": ["no_zero_grad"], "summed_loss": ["summed_loss"],
                  "summed_loss+no_zero_grad": ["summed_loss", "no_zero_grad"]}
# what the scripted checks should get back (checker/probe.py: 6 training images, 1 wrong, in batches of 4 and 2;
# 3 validation images, 1 wrong, in one batch; 5 test images, 2 wrong, in batches of 4 and 1, the short one wrong)
EXPECTED_ACCURACY = {"training": (500 / 6, 75.0), "validation": (200 / 3, 200 / 3), "test": (60.0, 37.5)}  # (right, per-batch)
CRASHES = ("crash", "crash_batch", "test_needs_other_sets", "no_valid_crash", "unfinished", "dataset_crash",
           "network_init_crash", "import_error")
EXPECTED_LOSS = {"training": rules.TRAIN[0], "validation": rules.VALID[0], "test": 1.0}


@dataclass
class Diagnosis:
    """Everything parts 1 and 2 found, in the shape report.py and check_homework.py's JSON read."""

    term: Term
    term_reason: str
    term_fixed: bool
    networks: dict = field(default_factory=dict)
    facts: dict = field(default_factory=dict)
    findings: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    not_run: list = field(default_factory=list)
    checked: list = field(default_factory=list)
    dogset_runs: list = field(default_factory=list)

    def add(self, finding_id: str, **fields: object) -> None:
        """One finding; one already reported at the same line is not reported again (a crash at
        the same line as another crash, a slip of the same id: `loop_flattens` adds its parts)."""
        key = self._key({"id": finding_id, **fields})
        same = next((f for f in self.findings if self._key(f) == key), None)
        if same is None:
            self.findings.append({"id": finding_id, **fields})
        elif finding_id == "loop_flattens":
            same["parts"] += [p for p in fields["parts"] if p not in same["parts"]]  # type: ignore[attr-defined]

    @staticmethod
    def _key(finding: dict) -> tuple:
        if finding["id"] in CRASHES:
            return ("crash", finding.get("where"), finding.get("error"))
        if finding["id"] in ("loop_flattens", "eval_forgotten", "no_grad_missing", "accuracy_not_percent"):
            return (finding["id"],)
        return (finding["id"], finding.get("where"), finding.get("network"))

    def as_dict(self) -> dict:
        term = {"name": self.term.name, "title": self.term.title, "rules": self.term.words(), "reason": self.term_reason,
                "patience": self.term.patience, "fixed": self.term_fixed}
        return {"term": term,
                "networks": self.networks, "facts": self.facts, "findings": self.findings, "notes": self.notes,
                "not_run": self.not_run, "checked": self.checked, "dogset_runs": self.dogset_runs}

    def cannot(self, check: str, reason: str) -> None:
        """A check that was asked for and could not run, once."""
        if not any(entry["check"] == check for entry in self.not_run):
            self.not_run.append({"check": check, "reason": reason})


def loading_steps(timeout: float, choice: TermChoice, networks: tuple[str, ...]) -> list[Step]:
    """The imports, then each network built (the CNN with each term's arguments, the chosen term's first)."""
    conv_args = [[name, [list(map(list, a)) for a in args]] for name, args in choice.conv_args()]
    return ([Step(f"import {m}", "import", {"module": m}, timeout) for m in FILES]
            + [Step(n, "structure", {"network": n, "conv_args": conv_args}, timeout) for n in networks])


def steps(timeout: float, choice: TermChoice) -> list[Step]:
    """Parts 1 and 2: imports, each network's structure and output, then run_model's loop."""
    return (loading_steps(timeout, choice, NETWORKS)
            + [Step("training", "training", {}, timeout),
               Step("stopping", "stopping", {"train": rules.TRAIN, "valid": rules.VALID, "epochs": rules.EPOCH_CAP}, timeout),
               Step("without_validation", "without_validation", {}, timeout),
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


def error_words(crash: dict) -> str:
    return crash["type"] + (f" ({crash['message']})" if crash.get("message") else "")


def crash_finding(diagnosis: Diagnosis, crash: dict, what: str, finding_id: str = "crash", **fields: object) -> None:
    """A crash in the student's code: 'unfinished' for the skeleton's NotImplementedError, else
    `finding_id`; an allocation past the memory limit is the limit's, and its check did not run."""
    if crash.get("limit") == "memory":
        diagnosis.cannot(what.strip("`"), f"it used more than the memory limit ({crash['memory'] / (1 << 30):g} GiB) at "
                                          f"{crash['where'] or 'a line outside your code'}")
    elif crash["type"] == "NotImplementedError":
        diagnosis.add("unfinished", what=what if what.startswith("`") else f"`{what}`", where=crash["where"],
                      error=crash["type"])
    else:
        diagnosis.add(finding_id, where=crash["where"], error=error_words(crash), function=crash.get("function"), **fields)


def matches_design(attempt: dict, term: Term) -> bool:
    design = term.cnn_design()
    return (attempt.get("input") is not None and attempt["chain"] == design["chain"]
            and counted(attempt["parameters"]) == (design["weights"], design["biases"]))


def pick_attempt(attempts: list[dict], choice: TermChoice) -> dict:
    """The CNN built with the chosen term's arguments when it runs (and, unless the term is fixed,
    matches that term's design or no other term's build does); else the first that runs or builds."""
    runs = [a for a in attempts if a.get("input") is not None]
    own = attempts[0]
    if own in runs and (choice.fixed or matches_design(own, choice.term)):
        return own
    if not choice.fixed:
        fitting = [a for a in runs if matches_design(a, choice.others[a["term"]])]
        if fitting:
            return fitting[0]
    return (runs or [a for a in attempts if "parameters" in a] or attempts)[0]


def network_findings(diagnosis: Diagnosis, choice: TermChoice, name: str, result: dict) -> None:
    """Part 1 and the model slips of part 2 for one network class the child built."""
    attempts = result["attempts"]
    chosen = pick_attempt(attempts, choice) if name == "Dog_Classifier_Conv" else attempts[0]
    if "crash" in chosen:
        arguments = ", ".join(map(str, chosen["args"]))
        crash_finding(diagnosis, chosen["crash"], name, "network_init_crash", network=name, arguments=arguments)
        diagnosis.cannot(name, f"it could not be built: it raises at {chosen['crash']['where']} (see part 2)")
        diagnosis.networks[name] = {"built": False}
        return
    if chosen["term"] not in (None, choice.term.name):
        found = choice.others[chosen["term"]]
        if choice.fixed:
            first = attempts[0].get("crash") or (attempts[0].get("crashes") or [{"type": "no [N, 10] output", "where": None}])[0]
            diagnosis.add("cnn_other_term", network=name, where=first.get("where"), error=error_words(first),
                          found=found.title, found_name=found.name)
        else:
            how = ("matches the design of {} with its arguments".format(found.title) if matches_design(chosen, found)
                   else "builds and runs only with the arguments of {}".format(found.title))
            choice.term, choice.reason = choice.term.with_cnn_of(found), f"{choice.reason}; its CNN {how}"
            diagnosis.notes.append({"id": "term_detected", "found": found.title, "how": how, "args": chosen["args"]})
    weights, biases = counted(chosen["parameters"])
    facts = {"weights": weights, "biases": biases, "input": chosen["input"], "args": chosen["args"],
             "parameters": chosen["parameters"], "tried": chosen["tried"], "chain": chosen.get("chain")}
    diagnosis.networks[name] = facts
    if name == "Dog_Classifier_Conv":
        design = choice.term.cnn_design()
        facts["expected"], facts["design_chain"] = [design["weights"], design["biases"]], design["chain"]
        if (weights, biases) != (design["weights"], design["biases"]) or (chosen["input"] and chosen["chain"] != design["chain"]):
            diagnosis.add("cnn_count_mismatch", network=name, where=None)
    else:
        facts["expected"] = list(homework_counts()[name])
        if (weights, biases) != homework_counts()[name]:
            diagnosis.add("wrong_count", network=name, where=None)
    if chosen["input"] is None:
        crash = next(iter(chosen["crashes"]), None)
        diagnosis.add("wrong_output", network=name, where=crash["where"] if crash else None)
        return
    diagnosis.checked.append(f"output:{name}")
    crashes = chosen["crashes"] if chosen["input"] == "course" else []
    if chosen["strided"]:
        view = next(c for c in crashes if c["strided"] is False and "view" in c["message"])
        diagnosis.add("view_after_conv", network=name, where=view["where"])
    if chosen["batch"] == 1 and crashes:
        diagnosis.add("batch_size_one", network=name, where=crashes[0]["where"], error=error_words(crashes[0]))
    if chosen["rows_sum_to_one"]:
        diagnosis.add("softmax_output", network=name, where=chosen["last_op_where"], op=chosen["last_op"])
    elif chosen["never_negative"]:
        diagnosis.add("relu_output", network=name, where=chosen["last_op_where"], op=chosen["last_op"])
    if chosen["first_conv"] is not None:
        diagnosis.checked.append(f"first_conv:{name}")
        facts["first_conv"] = chosen["first_conv"]
    if chosen["first_conv"] == "view":
        diagnosis.add("view_not_permute", network=name, where=(chosen["to_channels_first"] or {}).get("where"))


def where_words(crash: dict) -> str:
    """'`_train` in src/run_model.py': the student's function that crashed."""
    file = (crash.get("where") or "").rsplit(":", 1)[0]
    return f"`{crash['function']}` in {file}" if crash.get("function") and file else "`run_model`"


def run_crashes(diagnosis: Diagnosis, result: dict, mode: str) -> None:
    """The crashes a run_model check met and ran around: at batch size 1, or with every set given."""
    for crash in result.get("crashes", [])[:1]:
        if result.get("given_sets"):
            crash_finding(diagnosis, crash, where_words(crash), "test_needs_other_sets")
        elif result.get("batch_size") == 1 and crash.get("batch_size") != 1:
            crash_finding(diagnosis, crash, where_words(crash), "crash_batch", mode=mode)
        else:
            crash_finding(diagnosis, crash, where_words(crash), mode=mode)


def training_findings(diagnosis: Diagnosis, result: dict) -> None:
    run_crashes(diagnosis, result, "train")
    best = min(result["distances"], key=result["distances"].get)
    optimizer = (result["optimizers"] or [{}])[0]
    if result["distances"][best] <= 1e-5 and not (best == "textbook" and result["batch_size"] == 1 and result["summed_loss_calls"]):
        diagnosis.facts["training"] = best
        diagnosis.checked.append("training")
        for finding_id in TRAINING_SLIPS[best]:
            if finding_id == "no_zero_grad":
                diagnosis.add(finding_id, where=(result["step_lines"] or ["`run_model`'s training loop"])[0])
            else:
                summed = [loss["where"] for loss in result["losses"] if loss["reduction"] == "sum"]
                diagnosis.add(finding_id, where=(summed + result["summed_loss_calls"] + ["`run_model`'s training loop"])[0])
        return
    diagnosis.facts["training"] = None
    if "ratio" not in result:
        if result["summed_loss_calls"] or any(loss["reduction"] == "sum" for loss in result["losses"]):
            summed = [loss["where"] for loss in result["losses"] if loss["reduction"] == "sum"]
            diagnosis.add("summed_loss", where=(summed + result["summed_loss_calls"])[0])
        return
    diagnosis.checked.append("training")
    plain = result["off_line"] <= 1e-4 * max(1.0, abs(result["ratio"]))
    diagnosis.add("wrong_lr" if plain else "not_sgd_step", ratio=result["ratio"], where=optimizer.get("where"),
                  optimizer=optimizer.get("type", "none"))


def stopping_findings(diagnosis: Diagnosis, result: dict) -> None:
    run_crashes(diagnosis, result, "train")
    term = diagnosis.term
    diagnosis.checked.append("stopping")
    homework = rules.rules(term.patience, term.min_delta)["homework"]
    rule = rules.rule_for(result["epochs"], term.patience, term.min_delta)
    diagnosis.facts |= {"stopping_epochs": result["epochs"], "homework_stop": homework}
    if rule != "homework":
        diagnosis.add(rule, where=(result["stop_lines"] or ["`run_model`'s epoch loop"])[0], epochs=result["epochs"],
                      homework=homework)
    returned = result["returned"]
    keys = returned.get("keys") or []
    if not (returned["type"] == "tuple" and len(returned["items"]) == 3 and returned["items"][0] == "Module"
            and all(k and {"train", "valid"} <= set(k) for k in keys[1:])):
        diagnosis.add("train_returns_wrong", where=result["returned_at"], returned=returned_words(returned))
    flattened = [part for part, seen in result["seen"].items() if any(s != [64, 64, 3] for s in seen["shapes"])]
    if flattened:
        diagnosis.add("loop_flattens", parts=["training" if p == "train" else "validation" for p in flattened],
                      where=(result["flatten_lines"] or ["`run_model`'s loop"])[0])
    number_findings(diagnosis, result["numbers"])
    diagnosis.facts["validation_pass"] = result["seen"]["valid"]
    diagnosis.facts["numbers"] = result["numbers"]


def returned_words(returned: dict) -> str:
    if returned["type"] == "NoneType":
        return "nothing (None)"
    if returned["type"] != "tuple":
        return f"a {returned['type']}"
    return "(" + ", ".join(returned["items"]) + ")"


def number_findings(diagnosis: Diagnosis, numbers: dict) -> None:
    """The losses and accuracies run_model reports against what the scripted model makes them: a
    loss that is not the mean over the set; an accuracy held in a tensor, given as a fraction,
    averaged per batch or otherwise wrong. Each at the student's line that made the number."""
    for name, number in numbers.items():
        if number is None:
            continue
        part, what = name.split()
        where = number["where"] or f"`run_model`'s {part} {what}"
        value = number["value"]
        if number["type"] != "number":
            diagnosis.add("accuracy_tensor" if what == "accuracy" else "loss_tensor", part=part, type=number["type"],
                          where=where)
        if value is None:
            continue
        if what == "loss":
            if abs(value - EXPECTED_LOSS[part]) > 1e-3:
                diagnosis.add("loss_not_mean", part=part, got=value, expected=EXPECTED_LOSS[part], where=where)
            continue
        right, per_batch = EXPECTED_ACCURACY[part]
        percent = 100 * value if 0 < value <= 1 else value
        if 0 < value <= 1:
            diagnosis.add("accuracy_not_percent", part=part, got=value, right=right, where=where)
        if abs(percent - per_batch) < 0.5 and abs(per_batch - right) > 0.5:
            diagnosis.add("accuracy_per_batch", part=part, got=value, right=right, where=where)
        elif abs(percent - right) >= 0.5:
            diagnosis.add("accuracy_wrong", part=part, got=value, right=right, where=where)


def test_findings(diagnosis: Diagnosis, result: dict | None) -> None:
    """The test pass (None when it crashed however it was run); where it never calls the model (a
    test mode that returns nothing, or crashes), the validation pass of the stopping check stands
    in for the mode and autograd checks."""
    if result is None:
        result = {"model_lines": [], "shapes": [], "numbers": {}}
    else:
        run_crashes(diagnosis, result, "test")
        returned = result["returned"]
        if not (returned["type"] == "tuple" and len(returned["items"]) == 2):
            diagnosis.add("test_returns_wrong", where=result["returned_at"], returned=returned_words(returned))
    called = bool(result["model_lines"])
    validation = diagnosis.facts.get("validation_pass") or {}
    if called or validation.get("where"):
        diagnosis.checked.append("test_pass")
        training = result["forward_in_training_mode"] if called else any(validation["training"])
        grad = result["grad_enabled"] if called else any(validation["grad"])
        where = (result["model_lines"] if called else sorted(set(filter(None, validation["where"]))) or [None])[0]
        if training:
            diagnosis.add("eval_forgotten", where=where, part="test" if called else "validation")
        if grad:
            diagnosis.add("no_grad_missing", where=where, part="test" if called else "validation")
    if any(s != [64, 64, 3] for s in result["shapes"]):
        diagnosis.add("loop_flattens", parts=["test"], where=(result["model_lines"] or [None])[0])
    number_findings(diagnosis, result["numbers"])
    diagnosis.facts["numbers"] = diagnosis.facts.get("numbers", {}) | result["numbers"]
    accuracy = (result["numbers"].get("test accuracy") or {}).get("value")
    if accuracy is not None:
        diagnosis.facts["accuracy_scale"] = 100 if accuracy > 1 else 1


def step_not_run(diagnosis: Diagnosis, name: str, outcome: dict) -> None:
    """Why a step's check could not run, unless it ran: a file missing, a step the child never
    finished (a hang, a limit, the child's death), an error outside the student's code, or a step
    that needed one that failed."""
    what = FILES.get(name.removeprefix("import "), LOOP_STEPS.get(name, name))
    status = outcome["status"]
    if status == "done" and outcome["result"].get("missing") and name != "import my_dataset":
        diagnosis.cannot(what, "the file is missing")
    elif status == "crash":
        diagnosis.cannot(what, f"the checker's child process died: {outcome['error']}")
    elif status == "error" and not outcome["error"]["where"] and not outcome["error"].get("limit"):
        diagnosis.cannot(what, error_words(outcome["error"]))
    elif status == "timeout":
        diagnosis.cannot(what, f"it did not finish within {outcome['limit']:g} s (an endless loop or a very slow "
                               "step?); it was stopped and the checks after it did not run")
    elif status == "output":
        diagnosis.cannot(what, f"it printed more than {outcome['limit'] >> 10:,} KiB; it was stopped and the checks "
                               "after it did not run")
    elif status == "not_run":
        diagnosis.cannot(what, "a step before it was stopped, so it did not run")
    elif status == "skip":
        needed = outcome["reason"].removeprefix("needs ")
        diagnosis.cannot(what, f"it needs {FILES.get(needed, f'`{needed}`')}, which could not be loaded or built")


def step_crash(diagnosis: Diagnosis, name: str, crash: dict) -> None:
    """A step that the student's code stopped outright, even when run around: its crash, and the check not run."""
    if crash.get("limit"):
        crash_finding(diagnosis, crash, FILES.get(name.removeprefix("import "), LOOP_STEPS.get(name, name)))
        return
    if name.startswith("import "):
        crash_finding(diagnosis, crash, f"`{FILES[name.removeprefix('import ')]}`", "import_error",
                      file=FILES[name.removeprefix("import ")])
        return
    mode = {"training": "train", "stopping": "train", "without_validation": "train", "test_pass": "test"}.get(name, name)
    crash_finding(diagnosis, crash, where_words(crash), "no_valid_crash" if name == "without_validation" else "crash",
                  mode=mode)
    diagnosis.cannot(LOOP_STEPS.get(name, name), f"it crashed at {crash['where']} (see part 2)")


FINDINGS = {"training": training_findings, "stopping": stopping_findings, "test_pass": test_findings}


def diagnose(outcome: dict[str, dict], choice: TermChoice) -> dict:
    """The child's outcomes as a Diagnosis dict (see Diagnosis.as_dict)."""
    diagnosis = Diagnosis(choice.term, choice.reason, choice.fixed)
    for name, result in outcome.items():
        step_not_run(diagnosis, name, result)
        diagnosis.notes += [n for n in result.get("notes", []) if n["id"] not in {m["id"] for m in diagnosis.notes}]
        if result["status"] == "error" and (result["error"]["where"] or result["error"].get("limit")):
            step_crash(diagnosis, name, result["error"])
            if name == "test_pass":
                test_findings(diagnosis, None)
        if result["status"] != "done":
            continue
        if "dataset_crash" in result["result"]:
            crash_finding(diagnosis, result["result"]["dataset_crash"], "`MyDataset` in data/my_dataset.py",
                          "dataset_crash")
        if name in NETWORKS:
            if result["result"]["present"]:
                network_findings(diagnosis, choice, name, result["result"])
            else:
                diagnosis.networks[name] = None
                diagnosis.add("network_missing", network=name, where="src/models.py")
            diagnosis.term, diagnosis.term_reason = choice.term, choice.reason
        elif name == "without_validation":
            if result["result"]["crash"]:
                crash = result["result"]["crash"]
                crash_finding(diagnosis, crash, where_words(crash), "no_valid_crash")
        elif name in FINDINGS:
            FINDINGS[name](diagnosis, result["result"])
        elif name.startswith("DogSet "):
            diagnosis.dogset_runs.append({"network": name.split()[1], "seed": int(name.split()[-1]), **result["result"]})
    return diagnosis.as_dict()
