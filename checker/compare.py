"""Part 3: a student's DogSet numbers beside the key's 5-seed spread and the measured slips.

The key's spread is read from results/q11.json (MLP) and results/q15.json (CNN); the slips from
results/mistakes.json. Whether a number fits a side is the mistakes appendix's stated rule
(answers/mistakes.py: the accuracy within the side's per-seed range widened by the test-sample
interval, and the same epoch count), applied to the student's number in place of the old sheet's.
"""
from __future__ import annotations

import json
from pathlib import Path

from answers.mistakes import consistent_rows, slip_name
from answers.old_sheet import epochs_match, widened_range
from harness.stats import wilson_interval

KEY_RESULTS = {"Dog_Classifier_FC": "q11.json", "Dog_Classifier_Conv": "q15.json"}
CODE_TO_ROW = {"relu_output": "relu_output", "softmax_output": "softmax_output", "view_not_permute": "view_not_permute",
               "no_zero_grad": "no_zero_grad", "stop_never": "stopper_never_fires", "eval_forgotten": "eval_forgotten"}


def read(results: Path, name: str) -> dict | None:
    path = results / name
    return json.loads(path.read_text()) if path.is_file() else None


def key_side(key: dict) -> dict:
    """The key's per-seed runs in the shape the appendix's rule reads."""
    runs = key["per_seed"]
    return {"test_acc": [r["test_acc"] for r in runs], "epochs": [r["epochs_trained"] for r in runs],
            "stopped_early": [r["stopped_early"] for r in runs], "diverged": [False] * len(runs)}


def compare_run(network: str, accuracy: float, epochs: int, test_count: int, found: set[str],
                key: dict, mistakes: dict | None) -> dict:
    """One trained run: its interval, whether it fits the key's spread, and the slips it fits,
    those part 2 found in the code first."""
    side, cap = key_side(key), key["settings"]["epochs"]
    low, high = widened_range(side["test_acc"], key["dogset"]["counts"]["test"])
    fits_key = low <= accuracy <= high and epochs_match(epochs, side, cap)
    matches = []
    if mistakes and not fits_key:
        rows = consistent_rows({**mistakes, "old_sheet": {network: {"test_acc": accuracy, "epochs": epochs}}}, network)
        in_code = {CODE_TO_ROW[f] for f in found if f in CODE_TO_ROW}
        matches = [{"id": r, "name": slip_name(r, mistakes), "found_in_code": r in in_code}
                   for r in sorted((r for r in rows if r != "homework"), key=lambda r: r not in in_code)]
    return {"test_acc": accuracy, "interval": list(wilson_interval(round(accuracy * test_count), test_count)),
            "epochs": epochs, "fits_key": fits_key, "matches": matches}


def compare(runs: list[dict], found: set[str], fingerprint: str, results: Path) -> list[dict]:
    """Per dog network trained: the key's range and each seed's comparison."""
    mistakes = read(results, "mistakes.json")
    compared = []
    for network, name in KEY_RESULTS.items():
        mine = [r for r in runs if r["network"] == network]
        key = read(results, name)
        if not mine or key is None:
            continue
        side = key_side(key)
        compared.append({
            "network": network, "key_test_acc": [min(side["test_acc"]), max(side["test_acc"])],
            "key_epochs": [min(side["epochs"]), max(side["epochs"])], "key_seeds": len(side["epochs"]),
            "key_widened": list(widened_range(side["test_acc"], key["dogset"]["counts"]["test"])),
            "same_dogset": key["dogset"].get("fingerprint") == fingerprint,
            "runs": [{"seed": r["seed"], **compare_run(network, r["test_acc"], r["epochs"], r["test_count"], found, key, mistakes)}
                     for r in mine]})
    return compared
