"""The one training loop of the project, its evaluation and the homework's stopping rule.

A question script builds the pieces (network, loss, optimizer, DataLoader, stopping rule)
and hands them to `fit`, which runs `train_epoch` once per epoch and, with a validation
loader, `evaluate` after it. Every trained answer, the beyond ladder included, goes through
these few functions.
"""
from __future__ import annotations

import copy
import math
import sys
import time
from dataclasses import dataclass, field

import torch
from torch import nn
from torch.nn import functional as F
from torch.utils.data import DataLoader
from tqdm import tqdm

progress_bars = True  # a bar per fit() on a terminal; the harness turns it off for --quiet and worker processes


class TrainingDiverged(ArithmeticError):
    """The training loss became inf or nan; `history` holds the epochs before it."""

    def __init__(self, message: str, history: History | None = None):
        super().__init__(message)
        self.history = history


def train_epoch(model: nn.Module, loader: DataLoader, loss_fn: nn.Module, optimizer: torch.optim.Optimizer,
                scheduler: torch.optim.lr_scheduler.LRScheduler | None = None) -> tuple[float, float]:
    """One pass over `loader`: (mean loss per example, accuracy during the epoch). Each batch's
    mean loss is weighted by its size, so a smaller last batch counts for its examples only and
    the number compares with `evaluate`'s validation loss. The accuracy counts what each
    batch's forward pass got right before its step, as Keras reports it."""
    model.train()
    device = next(model.parameters()).device
    total_loss, correct, seen = 0.0, 0, 0
    for x, y in loader:
        x, y = x.to(device), y.to(device)
        optimizer.zero_grad()
        logits = model(x)
        loss = loss_fn(logits, y)
        loss.backward()
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        total_loss += loss.item() * len(y)
        correct += (logits.argmax(dim=1) == y).sum().item()
        seen += len(y)
    return total_loss / seen, correct / seen


@torch.no_grad()
def evaluate(model: nn.Module, loader: DataLoader) -> tuple[float, float]:
    """(mean cross-entropy per example, accuracy) over `loader`, without gradients."""
    model.eval()
    device = next(model.parameters()).device
    loss_sum, correct, seen = 0.0, 0, 0
    for x, y in loader:
        x, y = x.to(device), y.to(device)
        logits = model(x)
        loss_sum += F.cross_entropy(logits, y, reduction="sum").item()
        correct += (logits.argmax(dim=1) == y).sum().item()
        seen += len(y)
    return loss_sum / seen, correct / seen


class EarlyStopping:
    """The homework's rule: stop when the validation loss has not decreased by more than
    `min_delta` for `patience` epochs in a row.

    After each epoch the counter goes up by one if previous_loss − loss ≤ min_delta, else it
    resets to zero; `step` returns True when it reaches `patience`. The first epoch has no
    previous loss, so with patience 3 the earliest stop is after epoch 4.
    """

    def __init__(self, patience: int, min_delta: float):
        self.patience, self.min_delta = patience, min_delta
        self.previous: float | None = None
        self.counter = 0

    def step(self, val_loss: float) -> bool:
        if self.previous is not None:
            self.counter = self.counter + 1 if self.previous - val_loss <= self.min_delta else 0
        self.previous = val_loss
        return self.counter >= self.patience

    def reason(self) -> str:
        return (f"the validation loss failed to decrease by more than {self.min_delta:g} "
                f"for {self.patience} epochs in a row")


@dataclass
class History:
    """What `fit` measured, one entry per epoch (validation entries stay None without a loader)."""

    train_loss: list[float] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    val_loss: list[float | None] = field(default_factory=list)
    val_acc: list[float | None] = field(default_factory=list)
    stop_reason: str = ""
    stopped_early: bool = False  # by the stopping rule, before the epoch cap
    train_seconds: float = 0.0  # wall time of the training epochs alone, validation excluded
    best_epoch: int | None = None  # the epoch with the lowest validation loss...
    best_state: dict | None = None  # ...and a copy of the weights after it

    def epochs(self) -> list[dict]:
        """One dict per epoch, as the results files store them."""
        return [{"epoch": i + 1, "train_loss": tl, "val_loss": vl, "val_acc": va, "train_acc": ta}
                for i, (tl, ta, vl, va) in enumerate(zip(self.train_loss, self.train_acc, self.val_loss, self.val_acc))]


def fit(model: nn.Module, train_loader: DataLoader, loss_fn: nn.Module, optimizer: torch.optim.Optimizer,
        epochs: int, val_loader: DataLoader | None = None, stopper: EarlyStopping | None = None,
        scheduler: torch.optim.lr_scheduler.LRScheduler | None = None, desc: str = "train") -> History:
    """Train `model` in place for at most `epochs` epochs and return its History.

    After each epoch, with `val_loader`, the validation loss and accuracy are measured (always
    plain cross-entropy, whatever `loss_fn` trains with), and a copy of the weights with the
    lowest validation loss so far is kept in `history.best_state` (with `history.best_epoch`).
    The copy is never loaded back: `model` ends with the weights of its last epoch, the ones
    the homework tests; a caller who wants the best weights loads `best_state` itself.
    `stopper` ends training early when its rule fires. `scheduler` steps once per batch. A
    non-finite training loss raises TrainingDiverged.
    """
    if stopper is not None and val_loader is None:
        raise ValueError("early stopping needs a validation loader")
    history = History(stop_reason=f"the {epochs}-epoch cap was reached")
    bar = tqdm(range(1, epochs + 1), desc=desc, unit="epoch", leave=False,
               disable=not (progress_bars and sys.stderr.isatty()))
    for epoch in bar:
        started = time.perf_counter()
        train_loss, train_acc = train_epoch(model, train_loader, loss_fn, optimizer, scheduler)
        history.train_seconds += time.perf_counter() - started
        if not math.isfinite(train_loss):
            raise TrainingDiverged(f"training diverged at epoch {epoch}, loss {train_loss}; try a smaller --lr", history)
        val_loss, val_acc = evaluate(model, val_loader) if val_loader is not None else (None, None)
        for values, value in zip((history.train_loss, history.train_acc, history.val_loss, history.val_acc),
                                 (train_loss, train_acc, val_loss, val_acc)):
            values.append(value)
        if val_loss is not None and (history.best_epoch is None or val_loss < min(history.val_loss[:-1])):
            history.best_epoch, history.best_state = epoch, copy.deepcopy(model.state_dict())
        bar.set_postfix(loss=f"{train_loss:.4f}", **({"val_loss": f"{val_loss:.4f}"} if val_loss is not None else {}))
        if stopper is not None and stopper.step(val_loss):
            history.stop_reason, history.stopped_early = stopper.reason(), True
            break
    bar.close()
    return history
