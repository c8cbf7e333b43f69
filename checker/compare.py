"""Part 3: a student's DogSet numbers beside the key's 5-seed spread, explained by part 2's findings
first and then by the measured slips.

The student's trained model is scored by the key's test pass (images right out of the test set's
size); the student's own test figure is shown beside it where the two differ. The key's spread is
read from results/q11.json (MLP) and results/q15.json (CNN); the slips from results/mistakes.json.
Whether a number fits a side is the mistakes appendix's stated rule (rules/verdicts.py: the
accuracy within the side's per-seed range widened by the test-sample interval, and the same epoch
count). A measured slip that part 2 checked for and did not find is never named.
"""
from __future__ import annotations

import json
from pathlib import Path

from answers.mistakes import slip_name
from checker.slips import SLIPS
from common.stats import wilson_interval
from rules.verdicts import consistent_rows, epochs_match, widened_range

KEY_RESULTS = {"Dog_Classifier_FC": "q11.json", "Dog_Classifier_Conv": "q15.json"}
NOT_THE_STUDENTS = {"no_normalisation"}  # the checker hands run_model DogSet already normalised


def read(results: Path, name: str) -> dict | None:
    path = results / name
    return json.loads(path.read_text()) if path.is_file() else None


def key_side(key: dict) -> dict:
    """The key's per-seed runs in the shape the appendix's rule reads."""
    runs = key["per_seed"]
    return {"test_acc": [r["test_acc"] for r in runs], "epochs": [r["epochs_trained"] for r in runs],
            "stopped_early": [r["stopped_early"] for r in runs], "diverged": [False] * len(runs)}


def key_band(key: dict) -> dict:
    """Per epoch, the lowest and highest validation loss and accuracy over the key's seeds still
    training at that epoch (each seed stops at its own epoch)."""
    histories = [r["history"] for r in key["per_seed"]]
    longest = max(len(h) for h in histories)
    band: dict = {"epochs": list(range(1, longest + 1))}
    for name, column in (("valid_loss", "val_loss"), ("valid_acc", "val_acc")):
        at = [[h[e][column] for h in histories if e < len(h)] for e in range(longest)]
        band[name] = [[min(values), max(values)] for values in at]
    return band


def ruled_out(row: str, network: str, diagnosis: dict) -> bool:
    """Whether part 2 checked for the slip of a mistakes row on this network and found it absent."""
    found = {f["id"] for f in diagnosis["findings"] if f.get("network") in (None, network)}
    for finding_id, entry in SLIPS.items():
        if entry.row == row and finding_id not in found and entry.check.format(network=network) in diagnosis["checked"]:
            return True
    return row in NOT_THE_STUDENTS


def explained_by(network: str, epochs: int, side: dict, diagnosis: dict) -> list[str]:
    """Part 2's findings that explain a run's epoch count, in the words of their `explains`."""
    outside = not min(side["epochs"]) <= epochs <= max(side["epochs"])
    return [SLIPS[f["id"]].explains.format(epochs=epochs) for f in diagnosis["findings"]
            if SLIPS[f["id"]].explains and outside and f.get("network") in (None, network)]


def compare_run(network: str, run: dict, diagnosis: dict, key: dict, mistakes: dict | None) -> dict:
    """One trained run: its key-scored accuracy and interval, whether it fits the key's spread, and
    what explains it where it does not."""
    side, cap = key_side(key), key["settings"]["epochs"]
    accuracy, epochs = run["right"] / run["test_count"], run["epochs"]
    low, high = widened_range(side["test_acc"], key["dogset"]["counts"]["test"])
    fits_key = low <= accuracy <= high and epochs_match(epochs, side, cap)
    matches, explained, found = [], [], []
    if not fits_key:
        explained = explained_by(network, epochs, side, diagnosis)
        if mistakes:
            rows = consistent_rows({**mistakes, "old_sheet": {network: {"test_acc": accuracy, "epochs": epochs}}}, network)
            in_code = {SLIPS[f["id"]].row for f in diagnosis["findings"] if SLIPS[f["id"]].row}
            matches = [{"id": r, "name": slip_name(r, mistakes) + (" (found in your code)" if r in in_code else ""),
                        "found_in_code": r in in_code}
                       for r in sorted(rows, key=lambda r: r not in in_code)
                       if r != "homework" and not ruled_out(r, network, diagnosis)]
        found = [f["id"] for f in diagnosis["findings"] if SLIPS[f["id"]].kind == "slip"
                 and f.get("network") in (None, network)]
    scale = diagnosis["facts"].get("accuracy_scale", 100)
    own = run.get("own_accuracy")
    return {"seed": run["seed"], "right": run["right"], "test_count": run["test_count"], "test_acc": accuracy,
            "interval": list(wilson_interval(run["right"], run["test_count"])), "epochs": epochs, "fits_key": fits_key,
            "own_accuracy": own / scale if own is not None else None,
            "own_accuracy_words": ("" if own is None else f"{own:.4g}%" if scale == 100 else f"{own:.4g} (a fraction)"),
            "matches": matches, "explained_by": explained, "found": found,
            "valid_loss": run.get("valid_loss", []),
            "valid_acc": [None if v is None else v / scale for v in run.get("valid_acc", [])]}


def compare(diagnosis: dict, fingerprint: str, results: Path) -> list[dict]:
    """Per dog network trained: the key's range and each seed's comparison."""
    mistakes = read(results, "mistakes.json")
    compared = []
    for network, name in KEY_RESULTS.items():
        mine = [r for r in diagnosis["dogset_runs"] if r["network"] == network]
        key = read(results, name)
        if not mine or key is None:
            continue
        side = key_side(key)
        compared.append({
            "network": network, "key_curves": key_band(key), "key_test_acc": [min(side["test_acc"]), max(side["test_acc"])],
            "key_epochs": [min(side["epochs"]), max(side["epochs"])], "key_seeds": len(side["epochs"]),
            "key_widened": list(widened_range(side["test_acc"], key["dogset"]["counts"]["test"])),
            "same_dogset": key["dogset"].get("fingerprint") == fingerprint,
            "runs": [compare_run(network, r, diagnosis, key, mistakes) for r in mine]})
    return compared
