"""The stopping check's scripted losses and the stopping rules a student's loop may follow.

The child drives the student's `run_model` with a model whose training and validation losses
follow TRAIN and VALID epoch by epoch; the parent then asks which rule stops after the epoch
count observed. The scripts are chosen so that, for a patience of 3 (this homework), every rule
below stops after a different epoch; for a patience of 1 some rules coincide with the term's
own, and `rules()` leaves those out rather than name a slip it cannot tell apart.
"""
from __future__ import annotations

from typing import Callable

from q11_dog_mlp import HOMEWORK

EPOCH_CAP = 20  # n_epochs given to run_model in the stopping check
# epoch:   1    2    3    4     5    6        7        8     9    10       11       12: then flat
# rises at 4 and 8, resets at 5 and 9, decreases below 1e-4 at 6 and 10, exact repeats at 7 and 11
VALID = [2.0, 1.9, 1.8, 1.85, 1.7, 1.69995, 1.69995, 1.75, 1.6, 1.59995, 1.59995] + [1.6] * (EPOCH_CAP - 11)
TRAIN = [round(2.0 - 0.1 * i, 4) for i in range(13)] + [0.8] * (EPOCH_CAP - 13)  # falls to epoch 13, then flat

Counts = Callable[[float, float, float], bool]  # (previous, loss, min_delta) → does this epoch count?
NO_DECREASE: Counts = lambda previous, loss, delta: previous - loss <= delta  # noqa: E731 - the homework's test


def stop_epoch(losses: list[float], patience: int, min_delta: float, counts: Counts = NO_DECREASE,
               resets: bool = True) -> int:
    """The epoch after which a rule stops: the counter goes up by one when `counts`, resets to 0
    otherwise (unless `resets` is False), and stops at `patience`."""
    counter = 0
    for epoch in range(1, len(losses)):
        if counts(losses[epoch - 1], losses[epoch], min_delta):
            counter += 1
        elif resets:
            counter = 0
        if counter >= patience:
            return epoch + 1
    return len(losses)


def rules(patience: int, min_delta: float) -> dict[str, int]:
    """Finding id → the epoch its rule stops after, the term's own rule ('homework') first; a rule
    that stops after the same epoch as one before it is left out, since the check cannot tell them apart."""
    other = 1 if patience != 1 else HOMEWORK.patience
    candidates = {
        "homework": stop_epoch(VALID, patience, min_delta),
        f"stop_patience_{other}": stop_epoch(VALID, other, min_delta),
        "stop_no_reset": stop_epoch(VALID, patience, min_delta, resets=False),
        "stop_ignores_min_delta": stop_epoch(VALID, patience, 0.0),
        "stop_exact_equality": stop_epoch(VALID, patience, min_delta, lambda p, loss, d: p == loss),
        "stop_abs": stop_epoch(VALID, patience, min_delta, lambda p, loss, d: abs(p - loss) <= d),
        "stop_on_train_loss": stop_epoch(TRAIN, patience, min_delta),
        f"stop_on_train_loss_patience_{other}": stop_epoch(TRAIN, other, min_delta),
        "stop_never": EPOCH_CAP,
    }
    kept: dict[str, int] = {}
    for name, epoch in candidates.items():
        if epoch not in kept.values():
            kept[name] = epoch
    return kept


def rule_for(epochs: int, patience: int, min_delta: float) -> str:
    """The finding id of the rule that stops after `epochs` epochs, or 'stop_other'."""
    return next((name for name, epoch in rules(patience, min_delta).items() if epoch == epochs), "stop_other")
