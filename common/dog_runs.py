"""The DogSet protocol shared by Q11 (MLP) and Q15 (CNN), and reused by Q9, Q18 and the
beyond-the-homework ladder: batch 32, CrossEntropyLoss, SGD lr 0.001, at most 100 epochs,
stopping when the validation loss has failed to decrease by more than 1e-4 for 3 epochs in
a row. One model per seed; a model trained on the same settings and bytes is reused."""
from __future__ import annotations

import copy
import ctypes
import dataclasses
import multiprocessing
import signal
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import torch
from torch import nn

from common.base import check_writable_dir
from common.checkpoints import load_checkpoint, model_key, save_checkpoint
from common.models import count_parameters, dog_cnn, dog_mlp
from common.runtime import pick_device
from common.training import PlateauStopper, evaluate, fit, seeded, torch_threads
from data.dogs import DogsDataset, resolve_cache_dir
from my_dataset import MyDataset

MODELS: dict[str, Callable[[], nn.Module]] = {"mlp": dog_mlp, "cnn": dog_cnn}


@dataclass(frozen=True)
class DogSettings:
    """How one DogSet model is trained; the defaults are the homework's."""

    epochs: int = 100
    batch_size: int = 32
    lr: float = 0.001
    patience: int = 3
    min_delta: float = 1e-4
    threads: int = 1  # per training process; seeds train side by side in processes (train_seeds' jobs)


def image_dataset(x, y) -> MyDataset:
    """[N, 64, 64, 3] images as the [N, 3, 64, 64] MyDataset both networks take."""
    return MyDataset(torch.from_numpy(x).permute(0, 3, 1, 2).contiguous(), y)


@dataclass
class TrainedDogModel:
    """One seed's trained network: the homework's last-epoch weights, plus the test accuracy
    of the weights from the epoch with the lowest validation loss."""

    seed: int
    model: nn.Module
    history: list[dict]
    stop_reason: str
    stopped_early: bool
    train_seconds: float
    best_epoch: int
    test_acc: float
    test_acc_best: float
    reused: bool

    def summary(self) -> dict:
        """The per-seed entry of a results file."""
        return {"seed": self.seed, "epochs_trained": len(self.history), "stop_reason": self.stop_reason,
                "stopped_early": self.stopped_early,
                "train_seconds": self.train_seconds, "best_val_loss_epoch": self.best_epoch,
                "test_acc": self.test_acc, "test_acc_best_weights": self.test_acc_best, "history": self.history}


def checkpoint_of(kind: str, data: DogsDataset, seed: int, settings: DogSettings, checkpoints: Path) -> tuple[Path, str]:
    """(file, key) of the saved model for these settings, seed and data bytes."""
    key = model_key(MODELS[kind](), kind, dataclasses.asdict(dataclasses.replace(settings, threads=None)), seed,
                    data.fingerprint)
    return checkpoints / f"dog_{kind}_seed{seed}_{key}.pt", key


def train_dog_model(kind: str, data: DogsDataset, seed: int, settings: DogSettings, checkpoints: Path, *,
                    reuse: bool, progress: bool = True) -> TrainedDogModel:
    """Train the `kind` ('mlp' or 'cnn') network with the homework protocol for one seed, or,
    with `reuse`, load what an earlier run saved for identical settings and data bytes."""
    device = pick_device()
    model = seeded(MODELS[kind], seed, device)
    path, key = checkpoint_of(kind, data, seed, settings, checkpoints)
    best_model = copy.deepcopy(model)
    record = load_checkpoint(path, key, model) if reuse else None
    reused = record is not None and load_checkpoint(path.with_suffix(".best.pt"), key, best_model) is not None
    if not reused:
        result = fit(
            model, image_dataset(*data.get_train_examples()), epochs=settings.epochs, batch_size=settings.batch_size,
            lr=settings.lr, seed=seed, val=image_dataset(*data.get_validation_examples()),
            stopper=PlateauStopper(settings.min_delta, settings.patience), track_train_acc=True, keep_best=True,
            threads=settings.threads, progress=progress, desc=f"DogSet {kind} seed {seed}",
        )
        best_model.load_state_dict(result.best_state)
        record = {"history": result.history_dicts(), "stop_reason": result.stop_reason,
                  "stopped_early": result.stopped_early,
                  "train_seconds": result.train_seconds, "best_epoch": result.best_epoch}
        save_checkpoint(path, key, model, record)
        save_checkpoint(path.with_suffix(".best.pt"), key, best_model, record)
    test = image_dataset(*data.get_test_examples()).to(device)
    with torch_threads(settings.threads):
        test_acc, test_acc_best = evaluate(model, test)[1], evaluate(best_model, test)[1]
    return TrainedDogModel(seed, model, record["history"], record["stop_reason"], record["stopped_early"],
                           record["train_seconds"],
                           record["best_epoch"], test_acc, test_acc_best, reused)


def weight_count(kind: str) -> dict:
    """Connection weights and biases of a DogSet network, counted from the model."""
    weights, biases = count_parameters(MODELS[kind]())
    return {"weights": weights, "biases": biases, "parameters": weights + biases}


def load_dogset(path: Path | None, cache_dir: Path | None, quiet: bool) -> DogsDataset:
    """DogSet read and checked in full (csv, names, every image) before anything trains; the
    cache folder is proven writable first."""
    check_writable_dir(resolve_cache_dir(cache_dir), "--cache-dir")
    return DogsDataset(path, cache_dir=cache_dir, quiet=quiet)


def _die_with_parent() -> None:
    """In a worker process: ask Linux to end it when the process that started it ends, so a
    killed run leaves no training behind (elsewhere this is a no-op)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def worker_pool(jobs: int) -> ProcessPoolExecutor:
    """`jobs` fresh worker processes (spawned, so no torch state is inherited) that die with this one."""
    return ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"), initializer=_die_with_parent)


def run_side_by_side(worker: Callable[[tuple], object], work: list[tuple], jobs: int, what: str) -> bool:
    """Run `worker` on each item of `work` in up to `jobs` worker processes; False (nothing run)
    when there are fewer than two items or jobs, so the caller trains in its own process."""
    if jobs < 2 or len(work) < 2:
        return False
    print(f"training {len(work)} {what} in {min(jobs, len(work))} parallel processes", flush=True)
    with worker_pool(min(jobs, len(work))) as pool:
        list(pool.map(worker, work))
    return True


def _train_in_worker(job: tuple) -> None:
    """Train and save one seed's model in a separate process (see `train_seeds`)."""
    kind, folder, cache_dir, seed, settings, checkpoints = job
    train_dog_model(kind, DogsDataset(folder, cache_dir=cache_dir, quiet=True), seed, settings, checkpoints,
                    reuse=True, progress=False)


def train_seeds(kind: str, data: DogsDataset, seeds: tuple[int, ...], settings: DogSettings, checkpoints: Path,
                progress: bool = True, jobs: int = 1) -> list[TrainedDogModel]:
    """One model per seed, reusing any saved for the same settings and data; prints a line per seed.

    With `jobs` > 1 the seeds not saved yet train side by side in that many processes, each on
    `settings.threads` threads (one by default): the homework's small layers gain less from a
    second thread than from a second seed. Every seed trains on the same thread count either
    way, so a seed gives the same model alone or among others.
    """
    missing = [s for s in seeds if not checkpoint_of(kind, data, s, settings, checkpoints)[0].exists()]
    work = [(kind, data.path, data.cache_dir, s, settings, checkpoints) for s in missing]
    in_workers = set(missing) if run_side_by_side(_train_in_worker, work, jobs, f"{kind} seeds") else set()
    trained = []
    for seed in seeds:
        t = train_dog_model(kind, data, seed, settings, checkpoints, reuse=True, progress=progress)
        t.reused = t.reused and seed not in in_workers
        how = "saved model reused" if t.reused else f"{t.train_seconds:.0f} s of training" + (
            " in a parallel process" if seed in in_workers else "")
        print(f"DogSet {kind} seed {seed}: {len(t.history)} epochs ({t.stop_reason}), test accuracy {t.test_acc:.1%} "
              f"({how})", flush=True)
        trained.append(t)
    return trained
