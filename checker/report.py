"""The check's words: one verdict paragraph per repository, its Markdown report and a summary
table for several. Imports neither torch nor the student's code: it words the diagnosis only,
each finding from its one entry in checker/slips.py."""
from __future__ import annotations

from checker import rules
from checker.status import EXIT_STATUS, status
from checker.slips import SLIPS

INPUT_NOTES = {"flat": "takes only flat [N, 12288] input, which is fine (the course's own test feeds it so); "
                       "the checker flattened DogSet's images for it",
               "channels_first": "expects channels-first [N, 3, 64, 64]: permute DogSet's channels-last images with "
                                 "x.permute(0, 3, 1, 2) before it, never view; the checker did so"}
COURSE_INPUT = {"Digit_Classifier": "[N, 784]", "Dog_Classifier_FC": "[N, 64, 64, 3]", "Dog_Classifier_Conv": "[N, 64, 64, 3]"}
CHECKS = {"training": "the training step", "stopping": "the stopping rule", "test_pass": "the test pass"}
RELATIVE_TO_TERM = ("stop_patience_1", "stop_patience_3", "stop_on_train_loss_patience_1", "stop_on_train_loss_patience_3")


def pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def shape_chain(chain: list) -> str:
    return " → ".join(str(s) for s in [[3, 64, 64], *chain])


def fields(finding: dict, diagnosis: dict) -> dict:
    """What a finding's templates may name: its own fields, its network's counts and the term's rules."""
    network = finding.get("network") or ""
    facts = diagnosis["networks"].get(network) or {}
    expected = facts.get("expected")
    term = diagnosis["term"]
    tried = "; ".join(f"{t['input']}: " + (f"{t['crash']['type']} at {t['crash']['where']}" if "crash" in t
                                          else f"gives {t['gives']}") for t in facts.get("tried", [])[:2])
    design = ""
    if network == "Dog_Classifier_Conv" and facts.get("design_chain"):
        design = f"shapes {shape_chain(facts['design_chain'])}; yours: {shape_chain(facts.get('chain') or [])}"
    return {"network": network, "weights": facts.get("weights", 0), "biases": facts.get("biases", 0),
            "expected": f"{expected[0]:,} + {expected[1]:,}" if expected else "", "tried": tried or "no input worked",
            "course": COURSE_INPUT.get(network, ""), "design": design, "term": term["title"],
            "patience": term["patience"], "cap": rules.EPOCH_CAP, "found_name": "", "what": "", "ratio": 0.0,
            "homework": 0, "epochs": 0, "parts_words": " and ".join(finding.get("parts", [])),
            **{k: v for k, v in finding.items() if k != "id"},
            "where": finding.get("where") or "(no line found)"}


def finding_words(finding: dict, diagnosis: dict) -> tuple[str, str, str]:
    """(what is off, what to change, the key's line) for one finding."""
    entry = SLIPS[finding["id"]]
    values = fields(finding, diagnosis)
    off, fix, key = (text.format(**values) for text in (entry.off, entry.fix, entry.key))
    if finding["id"] in RELATIVE_TO_TERM and not diagnosis["term"]["fixed"]:
        fix += (f" (a slip only by the stopping rule of {values['term']}; if your term's rule differs, give `--term pool` "
                "or `--patience N`)")
    return off, fix, key


def bullet(finding: dict, diagnosis: dict) -> str:
    off, fix, key = finding_words(finding, diagnosis)
    return f"{off[0].upper()}{off[1:]}. **Fix:** {fix}." + (f" Compare with {key}." if key else "")


def note_words(note: dict) -> str:
    entry = SLIPS[note["id"]]
    values = {"error": "", "package": "", "numpy": "", "found": "", "how": "", "args": ["", ""], **note}
    if isinstance(values["error"], dict):
        error = values["error"]
        values["error"] = f"{error['type']}: {error['message']}" + (f" at {error['where']}" if error.get("where") else "")
    return f"{entry.off.format(**values)}: {entry.fix.format(**values)}."


def structure_lines(diagnosis: dict) -> list[str]:
    """Part 1, one line per network class."""
    lines = []
    for network, facts in diagnosis["networks"].items():
        if facts is None:
            lines.append(f"{network}: not in src/models.py")
            continue
        if not facts.get("parameters"):
            lines.append(f"{network}: could not be built (see part 2)")
            continue
        expected = facts["expected"]
        count = f"{facts['weights']:,} weights + {facts['biases']:,} biases"
        source = f"the design of {diagnosis['term']['title']}" if network == "Dog_Classifier_Conv" else "the homework's"
        count += f" ({source}: {expected[0]:,} + {expected[1]:,})"
        if network == "Dog_Classifier_Conv" and facts.get("chain"):
            count += f"; shapes {shape_chain(facts['chain'])}"
        made = f"built with kernel_size {facts['args'][0]}, stride {facts['args'][1]}; " if facts["args"] else ""
        taken = ("no [N, 10] output for the course's input" if facts["input"] is None else
                 f"[N, 10] for the course's {COURSE_INPUT[network]}" if facts["input"] == "course" else
                 INPUT_NOTES[facts["input"]])
        shapes = ", ".join(f"{name} {shape}" for name, shape in facts["parameters"])
        lines.append(f"{network}: {made}{count}; {taken}. Parameters: {shapes}")
    return lines


def slips(diagnosis: dict) -> list[dict]:
    return [f for f in diagnosis["findings"] if SLIPS[f["id"]].kind == "slip"]


def unfinished(diagnosis: dict) -> list[dict]:
    return [f for f in diagnosis["findings"] if SLIPS[f["id"]].kind == "unfinished"]


def right_things(diagnosis: dict) -> list[str]:
    """What ran and showed nothing off."""
    found_networks = {f.get("network") for f in diagnosis["findings"]}
    right = [f"{n}'s weight count and output" for n, f in diagnosis["networks"].items()
             if f and f.get("parameters") and n not in found_networks]
    checks_found = {SLIPS[f["id"]].check for f in diagnosis["findings"]}
    for check, words in CHECKS.items():
        if check in diagnosis["checked"] and check not in checks_found and not (
                check == "test_pass" and checks_found & {"accuracy", "loss", "returns"}):
            right.append(words)
    return right


def verdict(name: str, diagnosis: dict, compared: list[dict] | None) -> str:
    """One plain paragraph: what is right, how much is off (listed once, in part 2), what could not be checked."""
    parts = [f"**{name}.**", f"Checked against {diagnosis['term']['rules']} ({diagnosis['term']['reason']})."]
    right = right_things(diagnosis)
    if right:
        parts.append("Right: " + ", ".join(right) + ".")
    found = slips(diagnosis)
    if found:
        parts.append(f"Off: {len(found)} slip{'s' if len(found) != 1 else ''}, each listed in part 2 with its line "
                     "and its fix.")
    todo = unfinished(diagnosis)
    if todo:
        parts.append("Unfinished: " + ", ".join(f["what"] for f in todo) + " still raise NotImplementedError, as the "
                     "course's skeleton does.")
    if diagnosis["notes"]:
        parts.append(f"The checker worked around {len(diagnosis['notes'])} thing{'s' if len(diagnosis['notes']) != 1 else ''} "
                     "of the environment, not of your code (listed below).")
    if diagnosis["not_run"]:
        parts.append("Could not check: " + "; ".join(f"{n['check']} ({n['reason']})" for n in diagnosis["not_run"]) + ".")
    if compared is None:
        parts.append("Part 3 was skipped: no DogSet (give --dogset or set DOGSET_DIR).")
    elif compared:
        fits = all(r["fits_key"] for n in compared for r in n["runs"])
        parts.append("DogSet: " + ("every run lies within the key's spread." if fits else "a run lies outside the key's spread (see part 3)."))
    if not diagnosis["findings"] and not diagnosis["not_run"]:
        parts.append("Nothing to change that these checks can see.")
    return " ".join(parts)


def part3_lines(compared: list[dict], settings_note: str) -> list[str]:
    lines = []
    for network in compared:
        key = (f"the key's {network['key_seeds']} seeds: {pct(network['key_test_acc'][0])}–{pct(network['key_test_acc'][1])} "
               f"in {network['key_epochs'][0]}–{network['key_epochs'][1]} epochs (widened by the test-sample interval: "
               f"{pct(network['key_widened'][0])}–{pct(network['key_widened'][1])})")
        for run in network["runs"]:
            own = ""
            if run["own_accuracy"] is not None and abs(run["own_accuracy"] - run["test_acc"]) > 0.0005:
                own = (f"; your own test pass says {run['own_accuracy_words']}, which differs: see part 2's findings "
                       "on the test pass")
            text = (f"{network['network']}, seed {run['seed']}: {run['right']} of {run['test_count']} test images right "
                    f"by the key's test pass, {pct(run['test_acc'])} (95% interval {pct(run['interval'][0])}–"
                    f"{pct(run['interval'][1])}), after {run['epochs']} epochs{own}; {key}: "
                    + ("within it" if run["fits_key"] else "outside it"))
            if not run["fits_key"]:
                text += "; " + explanation(run)
            lines.append(text + ("" if network["same_dogset"] else " (the key ran on other DogSet files: compare with care)"))
    return [line + settings_note for line in lines]


def explanation(run: dict) -> str:
    """Why a run lies outside the key's spread: part 2's findings first, then the measured slips it fits."""
    said = run["explained_by"]
    named = [m["name"] for m in run["matches"]]
    if said and named:
        return "; ".join(said) + "; by the mistakes appendix's rule it also fits " + "; ".join(named)
    if said:
        return "; ".join(said)
    if named:
        return "by the mistakes appendix's rule it fits " + "; ".join(named)
    if run["found"]:
        return ("no single measured slip fits; part 2 found " + ", ".join(run["found"]) + " together, a combination "
                "the mistakes appendix did not measure")
    return "it fits none of the measured slips, and part 2 found none that the appendix measured"


def markdown(name: str, path: str, diagnosis: dict, compared: list[dict] | None, settings_note: str,
             figure: str | None = None) -> str:
    """The repository's full report; `figure` is part 3's picture beside it."""
    lines = [f"# Checking {name}", "", f"`{path}`", "", verdict(name, diagnosis, compared), "", "## Part 1: structure", ""]
    lines += [f"- {line}" for line in structure_lines(diagnosis)] or ["- no network could be built"]
    lines += ["", "## Part 2: slips found by running", ""]
    lines += [f"- {bullet(f, diagnosis)}" for f in slips(diagnosis) + unfinished(diagnosis)] or ["- none"]
    if diagnosis["notes"]:
        lines += ["", "## What the checker did about the environment", ""] + [f"- {note_words(n)}" for n in diagnosis["notes"]]
    if diagnosis["not_run"]:
        lines += ["", "## Could not check", ""] + [f"- {n['check']}: {n['reason']}" for n in diagnosis["not_run"]]
    lines += ["", "## Part 3: DogSet against the key", ""]
    lines += (["- skipped: no DogSet (give --dogset or set DOGSET_DIR)"] if compared is None else
              [f"- {line}" for line in part3_lines(compared, settings_note)] or ["- no dog network could be trained"])
    if figure:
        lines += ["", f"![Part 3: the validation curves over the key's band, and the test accuracy]({figure})"]
    return "\n".join(lines) + "\n"


def summary(rows: list[tuple[str, dict, list[dict] | None]]) -> str:
    """One table row per repository: a TA checking a section. A check that did not run reads
    'not checked', never 'none'."""
    lines = ["| repository | status | term | slips found | unfinished | not checked | DogSet |",
             "|---|---|---|---|---|---|---|"]
    for name, diagnosis, compared in rows:
        incomplete = status(diagnosis) == "incomplete"
        found = ", ".join(f["id"] for f in slips(diagnosis)) or ("none in what ran" if incomplete else "none")
        todo = ", ".join(f["what"].replace("`", "") for f in unfinished(diagnosis)) or "none"
        not_checked = ", ".join(n["check"] for n in diagnosis["not_run"]) or "none"
        dogset = ("skipped" if compared is None else
                  "; ".join(f"{n['network']} {', '.join(pct(r['test_acc']) for r in n['runs'])}"
                            + ("" if all(r["fits_key"] for r in n["runs"]) else " (outside)") for n in compared)
                  or "not checked")
        lines.append(f"| {name} | {status(diagnosis)} | {diagnosis['term']['name']} | {found} | {todo} | {not_checked} | "
                     f"{dogset} |")
    return "\n".join(lines) + "\n"


def summary_entry(name: str, path: str, diagnosis: dict) -> dict:
    """One repository in summary.json: what a TA's script reads."""
    return {"name": name, "path": path, "status": status(diagnosis), "exit_status": EXIT_STATUS[status(diagnosis)],
            "term": diagnosis["term"]["name"], "findings": [f["id"] for f in diagnosis["findings"] if SLIPS[f["id"]].kind != "note"],
            "notes": [n["id"] for n in diagnosis["notes"]], "not_run": diagnosis["not_run"],
            "report": f"{name}.md"}
