"""A checked repository as Gradescope's results.json: one test per rubric item, scored by the
rubric, with the findings that cost each item its points and why.

The rubric (gradescope/rubric.json, the course's split by default: each network 10, the training
step 20, the test pass 20, run_model's modes and stopping rule 20) gives each item its points.
A finding costs the whole item it belongs to (`item_of`), unless the rubric lists it under
`no_cost` (harmless to these networks' numbers, said but free); a check of an item that could
not run scores 0 and says so. Imports neither torch nor the student's code.
"""
from __future__ import annotations

import json
from pathlib import Path

from checker.report import bullet, note_words
from checker.slips import SLIPS

NETWORKS = ("Digit_Classifier", "Dog_Classifier_FC", "Dog_Classifier_Conv")
LOOP = ("run_model", "train", "test")
NOT_RUN_ITEMS = {"src/models.py": NETWORKS, "src/run_model.py": LOOP, "data/my_dataset.py": LOOP,
                 "run_model's training step": ("train",), "run_model's stopping rule": ("run_model",),
                 "run_model without a validation set": ("run_model",), "run_model's test pass": ("test",),
                 "the repository": NETWORKS + LOOP}


def load_rubric(path: Path) -> dict:
    """The rubric file: {'items': {name: {'points', 'title'}}, 'no_cost': [...], 'visibility': ...}."""
    rubric = json.loads(path.read_text())
    if set(rubric["items"]) != set(NETWORKS + LOOP):
        raise ValueError(f"{path}: the rubric's items must be {', '.join(NETWORKS + LOOP)}")
    return rubric


def item_of(finding: dict) -> tuple[str, ...]:
    """The rubric items a finding belongs to."""
    entry = SLIPS[finding["id"]]
    if finding.get("network"):
        return (finding["network"],)
    if finding["id"] == "import_error":
        return NOT_RUN_ITEMS[finding["file"]]
    if finding["id"] == "unfinished":
        named = next((n for n in NETWORKS if n in finding["what"]), None)
        return (named,) if named else LOOP
    part = finding.get("part") or ("test" if "test" in finding.get("parts", []) else None)
    if entry.check in ("accuracy", "loss", "loop_shapes", "test_pass") and part:
        return ("test",) if part in ("test", "validation") else ("train",)
    if entry.check == "crash":
        if finding["id"] == "test_needs_other_sets" or finding.get("mode") == "test":
            return ("test",)
        return ("train",) if finding.get("function") == "_train" or finding["id"] == "crash_batch" else ("run_model",)
    if finding["id"] == "test_returns_wrong":
        return ("test",)
    return {"training": ("train",), "loop_shapes": ("train",)}.get(entry.check, ("run_model",))


def results(name: str, diagnosis: dict, verdict: str, rubric: dict, seconds: float) -> dict:
    """Gradescope's results.json for one repository."""
    found = {item: {"charged": [], "free": [], "blocked": []} for item in rubric["items"]}
    for finding in diagnosis["findings"]:
        if SLIPS[finding["id"]].kind == "note":
            continue
        for item in item_of(finding):
            found[item]["free" if finding["id"] in rubric["no_cost"] else "charged"].append(bullet(finding, diagnosis))
    for entry in diagnosis["not_run"]:
        for item in NOT_RUN_ITEMS.get(entry["check"], (entry["check"],) if entry["check"] in rubric["items"] else ()):
            found[item]["blocked"].append(f"{entry['check']} could not be checked: {entry['reason']}.")
    tests = []
    for number, (item, spec) in enumerate(rubric["items"].items(), 1):
        lost = bool(found[item]["charged"] or found[item]["blocked"])
        lines = ([f"Not checked, so no points: {b}" for b in found[item]["blocked"]]
                 + [f"Costs this item's {spec['points']} points: {c}" for c in found[item]["charged"]]
                 + [f"Said, at no cost (the rubric's `no_cost`): {c}" for c in found[item]["free"]])
        tests.append({"name": spec["title"], "number": str(number), "score": 0 if lost else spec["points"],
                      "max_score": spec["points"], "status": "failed" if lost else "passed",
                      "output": "\n\n".join(lines) or "Nothing off that the checks can see.", "output_format": "md",
                      "visibility": rubric["visibility"]})
    notes = "".join(f"\n\n- {note_words(n)}" for n in diagnosis["notes"])
    return {"execution_time": round(seconds), "output": verdict + notes, "output_format": "md",
            "visibility": rubric["visibility"], "stdout_visibility": "hidden", "tests": tests}


def find_repository(submission: Path) -> Path | None:
    """The folder holding src/models.py in a submission, the shallowest one (a student may zip a
    parent folder); None when there is none."""
    found = sorted(submission.rglob("src/models.py"), key=lambda p: (len(p.parts), str(p)))
    found = [p for p in found if "__MACOSX" not in p.parts]
    return found[0].parent.parent if found else None
