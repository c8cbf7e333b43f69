"""The one training loop every question uses, plus evaluation and the homework's
early-stopping rule.

The loop shuffles once per epoch and slices mini-batches straight out of the dataset's
tensors. That is the same arithmetic as `DataLoader(MyDataset(x, y), batch_size,
shuffle=True)` (each example once per epoch, a fresh order each epoch, the last batch
possibly smaller), minus the per-example Python calls and collation;
bench/bench_train_loop.py measures the difference. By default it is the homework's plain
SGD; the beyond-the-homework ladder passes another optimizer, a per-step schedule, a
weighted loss and asks for the best validation weights back, through the same loop.
"""
from __future__ import annotations

import contextlib
import copy
import math
import sys
import time
from dataclasses import asdict, dataclass, field
from typing import Callable, Iterator

import torch
from torch import nn
from tqdm import tqdm

from common.base import UserError
from my_dataset import MyDataset

Augment = Callable[[torch.Tensor, torch.Generator], torch.Tensor]


class TrainingDiverged(UserError):
    """The training loss became inf or nan."""


class PlainSGD:
    """Vanilla SGD, p ← p − lr·∇p: torch.optim.SGD with its defaults (no momentum,
    dampening or weight decay), applied in one fused `_foreach_add_` call.

    For the homework's tiny MLP at batch 10 the update itself takes a few µs, but
    torch.optim.SGD's generic bookkeeping costs tens of µs per step; this class does
    the same arithmetic without it (tests/test_training.py checks equality,
    bench/bench_train_loop.py the speed).
    """

    def __init__(self, params, lr: float):
        self.params = [p for p in params if p.requires_grad]
        self.lr = lr

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self) -> None:
        with_grad = [p for p in self.params if p.grad is not None]
        torch._foreach_add_(with_grad, [p.grad for p in with_grad], alpha=-self.lr)


class PlateauStopper:
    """The homework's rule: stop when the validation loss has failed to decrease by
    more than `min_delta` for `patience` epochs in a row.

    After each epoch, if previous_loss − loss ≤ min_delta the counter goes up by one,
    otherwise it resets to zero; `update` returns True when the counter reaches
    `patience`. The first epoch has no previous loss, so with patience 3 the earliest
    stop is after epoch 4.
    """

    def __init__(self, min_delta: float = 1e-4, patience: int = 3):
        self.min_delta = min_delta
        self.patience = patience
        self.previous: float | None = None
        self.counter = 0

    def update(self, loss: float) -> bool:
        if self.previous is not None:
            self.counter = self.counter + 1 if self.previous - loss <= self.min_delta else 0
        self.previous = loss
        return self.counter >= self.patience

    def reason(self) -> str:
        return (f"the validation loss failed to decrease by more than {self.min_delta:g} "
                f"for {self.patience} epochs in a row")


@dataclass
class EpochRecord:
    """What one epoch produced; the validation fields stay None without a validation set."""

    epoch: int
    train_loss: float
    val_loss: float | None = None
    val_acc: float | None = None
    train_acc: float | None = None


@dataclass
class FitResult:
    history: list[EpochRecord] = field(default_factory=list)
    stop_reason: str = ""
    stopped_early: bool = False  # by the stopper, before the epoch cap
    train_seconds: float = 0.0  # wall time of the training epochs alone, evaluation excluded
    best_epoch: int | None = None  # epoch of the lowest validation loss
    best_state: dict | None = None  # the weights after that epoch (with keep_best)

    def history_dicts(self) -> list[dict]:
        return [asdict(record) for record in self.history]


@contextlib.contextmanager
def torch_threads(threads: int | None) -> Iterator[None]:
    """Run the block with `threads` torch threads (None: leave as is), then restore the
    previous count, so one run's setting never leaks into the next model."""
    previous = torch.get_num_threads()
    if threads is not None:
        torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def show_progress(requested: bool) -> bool:
    """Progress bars only when asked and stderr is a terminal (no carriage-return frames in logs)."""
    return requested and sys.stderr.isatty()


def train_one_epoch(
    model: nn.Module, data: MyDataset, loss_fn: nn.Module, optimizer: PlainSGD | torch.optim.Optimizer,
    batch_size: int, generator: torch.Generator, scheduler: torch.optim.lr_scheduler.LRScheduler | None = None,
    count_correct: bool = False, augment: Augment | None = None, augment_generator: torch.Generator | None = None,
) -> tuple[float, float | None]:
    """One pass over `data` in a fresh random order; returns (mean of the batch losses, accuracy
    during the epoch). The accuracy counts, with `count_correct`, the examples each batch's
    forward pass classified right before its step (Keras' training accuracy); else it is None.
    `augment(x, augment_generator)` transforms each batch's images before the forward pass."""
    model.train()
    order = torch.randperm(len(data), generator=generator).to(data.x.device)
    total = torch.zeros((), device=data.x.device)
    correct = torch.zeros((), dtype=torch.int64, device=data.x.device)
    batches = order.split(batch_size)
    for index in batches:
        optimizer.zero_grad()
        x, y = data.x.index_select(0, index), data.y.index_select(0, index)
        logits = model(augment(x, augment_generator) if augment is not None else x)
        loss = loss_fn(logits, y)
        loss.backward()
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        total += loss.detach()
        if count_correct:
            correct += (logits.detach().argmax(dim=1) == y).sum()
    return total.item() / len(batches), correct.item() / len(data) if count_correct else None


@torch.no_grad()
def evaluate(model: nn.Module, data: MyDataset, loss_fn: nn.Module | None = None, batch_size: int = 256) -> tuple[float, float]:
    """(mean loss per example, accuracy) on `data`, in batches of 256 without gradients:
    bench/bench_evaluate.py measures 128–256 as the fastest for the CNN on one thread, and
    1,024 as about 2.5× slower."""
    model.eval()
    loss_fn = loss_fn or nn.CrossEntropyLoss()
    loss_sum, correct = 0.0, 0
    for start in range(0, len(data), batch_size):
        x, y = data.x[start:start + batch_size], data.y[start:start + batch_size]
        logits = model(x)
        loss_sum += loss_fn(logits, y).item() * len(y)
        correct += (logits.argmax(dim=1) == y).sum().item()
    return loss_sum / len(data), correct / len(data)


@torch.no_grad()
def predict_proba(model: nn.Module, x: torch.Tensor, batch_size: int = 256) -> torch.Tensor:
    """Softmax class probabilities for every row of `x`."""
    model.eval()
    return torch.cat([model(x[i:i + batch_size]).softmax(dim=1) for i in range(0, len(x), batch_size)])


@torch.no_grad()
def flip_averaged_proba(model: nn.Module, x: torch.Tensor, batch_size: int = 256) -> torch.Tensor:
    """Test-time augmentation: the mean of the softmax of each [N, C, H, W] image and of its
    horizontal mirror."""
    return (predict_proba(model, x, batch_size) + predict_proba(model, x.flip(3), batch_size)) / 2


def random_crop_flip(pad: int = 4) -> Augment:
    """Training-time augmentation of [N, C, H, W] image batches: each image is reflect-padded by
    `pad` pixels, cropped back to H×W at a random offset, and mirrored left to right with
    probability 1/2. Labels are untouched; evaluation never sees it."""
    def augment(x: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        n, _, height, width = x.shape
        padded = nn.functional.pad(x, (pad, pad, pad, pad), mode="reflect") if pad else x
        top, left = torch.randint(0, 2 * pad + 1, (2, n), generator=generator).tolist()
        flip = torch.rand(n, generator=generator) < 0.5
        crops = torch.stack([padded[i, :, t:t + height, l:l + width] for i, (t, l) in enumerate(zip(top, left))])
        return torch.where(flip.view(n, 1, 1, 1).to(x.device), crops.flip(3), crops)
    return augment


OptimizerFactory = Callable[[list[nn.Parameter]], torch.optim.Optimizer | PlainSGD]
SchedulerFactory = Callable[[torch.optim.Optimizer, int], torch.optim.lr_scheduler.LRScheduler]


def fit(
    model: nn.Module, train: MyDataset, *, epochs: int, batch_size: int, lr: float, seed: int,
    val: MyDataset | None = None, stopper: PlateauStopper | None = None, track_train_acc: bool = False,
    optimizer: OptimizerFactory | None = None, scheduler: SchedulerFactory | None = None,
    loss_fn: nn.Module | None = None, keep_best: bool = False, restore_best: bool = False,
    augment: Augment | None = None, threads: int | None = None, progress: bool = True, desc: str = "train",
) -> FitResult:
    """Train `model` in place; by default the homework's plain SGD(lr) on CrossEntropyLoss.

    Each epoch records the training loss; with `val` also the validation loss and accuracy
    (always unweighted cross-entropy), and with `track_train_acc` the training accuracy during
    the epoch (from the forward passes that computed the training loss; no second pass). With
    `stopper`, training ends early when stopper.update(val_loss) says so. `optimizer(params)`
    and `scheduler(optimizer, total_steps)` replace plain SGD and add a per-step schedule;
    `loss_fn` replaces the training loss; `augment` (e.g. `random_crop_flip()`) transforms each
    training batch, drawing from its own generator seeded by `seed`. `keep_best` keeps a copy
    of the weights of the epoch with the lowest validation loss in the result, `restore_best`
    also loads them into the model at the end. `seed` fixes the shuffling order; seed the weights before building the model
    (see `seeded`). A non-finite training loss stops with TrainingDiverged.
    """
    if (stopper is not None or keep_best or restore_best) and val is None:
        raise ValueError("early stopping and best weights need a validation set")
    device = next(model.parameters()).device
    train = train.to(device)
    val = val.to(device) if val is not None else None
    loss_fn = loss_fn or nn.CrossEntropyLoss()
    plain_loss = nn.CrossEntropyLoss()
    opt = optimizer(list(model.parameters())) if optimizer else PlainSGD(model.parameters(), lr=lr)
    schedule = scheduler(opt, epochs * math.ceil(len(train) / batch_size)) if scheduler else None
    generator = torch.Generator().manual_seed(seed)
    augment_generator = torch.Generator().manual_seed(seed + 1)  # its own stream: the shuffling order stays the same
    result = FitResult(stop_reason=f"the {epochs}-epoch cap was reached")
    best_loss = math.inf
    with torch_threads(threads):
        bar = tqdm(range(1, epochs + 1), desc=desc, unit="epoch", disable=not show_progress(progress), leave=False)
        for epoch in bar:
            started = time.perf_counter()
            loss, train_acc = train_one_epoch(model, train, loss_fn, opt, batch_size, generator, schedule,
                                              count_correct=track_train_acc, augment=augment,
                                              augment_generator=augment_generator)
            result.train_seconds += time.perf_counter() - started
            if not math.isfinite(loss):
                raise TrainingDiverged(f"training diverged at epoch {epoch}, loss {loss}; try a smaller --lr")
            record = EpochRecord(epoch, loss, train_acc=train_acc)
            if val is not None:
                record.val_loss, record.val_acc = evaluate(model, val, plain_loss)
                if record.val_loss < best_loss:
                    best_loss, result.best_epoch = record.val_loss, epoch
                    if keep_best or restore_best:
                        result.best_state = copy.deepcopy(model.state_dict())
            result.history.append(record)
            bar.set_postfix({k: f"{v:.4f}" for k, v in asdict(record).items() if k != "epoch" and v is not None})
            if stopper is not None and stopper.update(record.val_loss):
                result.stop_reason, result.stopped_early = stopper.reason(), True
                break
        bar.close()
    if restore_best and result.best_state is not None:
        model.load_state_dict(result.best_state)
    return result


def seeded(factory: Callable[[], nn.Module], seed: int, device: torch.device | None = None) -> nn.Module:
    """Build a model with torch's RNG seeded, so the same seed gives the same initial weights."""
    torch.manual_seed(seed)
    model = factory()
    return model.to(device) if device is not None else model
