"""The stopping check's scripted losses and the stopping rules a student's loop may follow.

The child drives the student's `run_model` with a model whose training and validation losses
follow TRAIN and VALID epoch by epoch; the parent then asks which rule stops after the epoch
count observed. The scripts are chosen so that every rule below stops after a different epoch.
"""
from __future__ import annotations

from typing import Callable

EPOCH_CAP = 20  # n_epochs given to run_model in the stopping check
MIN_DELTA = 1e-4  # the homework's stop_thr
# epoch:      1    2    3    4     5    6    7        8 ...: a rise at 4, a reset at 5, then no decrease > 1e-4
VALID = [2.0, 1.9, 1.8, 1.85, 1.7, 1.7, 1.69995] + [1.7] * (EPOCH_CAP - 7)
TRAIN = [round(2.0 - 0.1 * i, 4) for i in range(11)] + [1.0] * (EPOCH_CAP - 11)  # falls to epoch 11, then flat


def stop_epoch(losses: list[float], patience: int, min_delta: float = MIN_DELTA, resets: bool = True) -> int:
    """The epoch after which a rule stops: the counter goes up by one when previous − loss ≤
    min_delta, resets to 0 otherwise (unless `resets` is False), and stops at `patience`."""
    counter = 0
    for epoch in range(1, len(losses)):
        if losses[epoch - 1] - losses[epoch] <= min_delta:
            counter += 1
        elif resets:
            counter = 0
        if counter >= patience:
            return epoch + 1
    return len(losses)


RULES: dict[str, Callable[[], int]] = {  # finding id → the epoch its rule stops after
    "homework": lambda: stop_epoch(VALID, 3),
    "stop_after_1_epoch": lambda: stop_epoch(VALID, 1),
    "stop_no_reset": lambda: stop_epoch(VALID, 3, resets=False),
    "stop_ignores_min_delta": lambda: stop_epoch(VALID, 3, min_delta=0.0),
    "stop_on_train_loss": lambda: stop_epoch(TRAIN, 3),
    "stop_on_train_loss_after_1_epoch": lambda: stop_epoch(TRAIN, 1),
    "stop_never": lambda: EPOCH_CAP,
}


def rule_for(epochs: int) -> str:
    """The finding id of the rule that stops after `epochs` epochs, or 'stop_other'."""
    return next((name for name, rule in RULES.items() if rule() == epochs), "stop_other")
