"""The harness of the DogSet questions (q11, q15, and through them q08, q18, the ladder and
mistakes.py): it calls a script's recipe once per seed, side by side in worker processes,
saves each trained model under a key of everything that made it and reuses it when nothing
changed, and measures test accuracy. It never changes the arithmetic: a seed gives the same
model whether it trains here, in a worker or alone."""
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

import run_model
from common.paths import check_writable_dir
from harness.checkpoints import load_checkpoint, model_key, recipe_fingerprint, save_checkpoint
from common.runtime import EVAL_BATCH, torch_threads
from models import count_parameters
from data.dogs import DogsDataset, resolve_cache_dir
from my_dataset import MyDataset
from run_model import History


@dataclass(frozen=True)
class DogSettings:
    """How one DogSet model is trained. No defaults: the homework's values are written once, in
    q11's and q15's HOMEWORK, and every other use starts from those."""

    epochs: int
    batch_size: int
    lr: float
    patience: int
    min_delta: float


@dataclass
class DogSplits:
    """DogSet's three partitions as MyDatasets of [N, 3, 64, 64] normalised images."""

    train: MyDataset
    valid: MyDataset
    test: MyDataset


Network = Callable[[], nn.Module]
DogRecipe = Callable[[DogSplits, int, DogSettings], tuple[nn.Module, History]]
Prepare = Callable[[DogsDataset], DogSplits]
TestPass = Callable[[nn.Module, MyDataset], float]


@dataclass(frozen=True)
class DogScript:
    """What a DogSet question script defines in plain PyTorch and the harness calls: the network
    class, the preparation of the images (`prepare`), the recipe (`train`), the test pass
    (`test`) and the homework's settings."""

    network: Network
    prepare: Prepare
    train: DogRecipe
    test: TestPass
    homework: DogSettings

    def with_recipe(self, network: Network, train: DogRecipe, prepare: Prepare | None = None) -> DogScript:
        """The same script with another network and recipe (and preparation), as a slip makes them."""
        return dataclasses.replace(self, network=network, train=train, prepare=prepare or self.prepare)


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
    test_images: int

    def summary(self) -> dict:
        """The per-seed entry of a results file."""
        return {"seed": self.seed, "epochs_trained": len(self.history), "stop_reason": self.stop_reason,
                "stopped_early": self.stopped_early,
                "train_seconds": self.train_seconds, "best_val_loss_epoch": self.best_epoch,
                "test_acc": self.test_acc, "test_correct": round(self.test_acc * self.test_images),
                "test_images": self.test_images, "test_acc_best_weights": self.test_acc_best, "history": self.history}


def checkpoint_of(script: DogScript, data: DogsDataset, seed: int, settings: DogSettings, checkpoints: Path,
                  threads: int) -> tuple[Path, str]:
    """(file, key) of the saved model for this network, recipe, preparation, settings, seed, data
    bytes and thread count: another count sums in another order and can change the last bits of
    the weights, so a model trained on 2 threads never stands in for 1."""
    key = model_key(script.network(), script.train, dataclasses.asdict(settings), seed, data.fingerprint,
                    recipe_fingerprint(script.prepare), {"threads": threads})
    return checkpoints / f"dog_{script.network.__name__}_seed{seed}_{key}.pt", key


def train_dog_model(script: DogScript, data: DogsDataset, seed: int, settings: DogSettings, checkpoints: Path, *,
                    reuse: bool, threads: int) -> TrainedDogModel:
    """`script.train(script.prepare(data), seed, settings)` for one seed on `threads` torch
    threads, or, with `reuse`, the network an earlier run saved for identical recipe,
    preparation, settings and data bytes. Then `script.test` on the prepared test images, for
    the last-epoch weights and for the lowest-validation-loss weights (fit's copy)."""
    splits = script.prepare(data)
    path, key = checkpoint_of(script, data, seed, settings, checkpoints, threads)
    model, best_model = script.network(), script.network()
    record = load_checkpoint(path, key, model) if reuse else None
    reused = record is not None and load_checkpoint(path.with_suffix(".best.pt"), key, best_model) is not None
    if not reused:
        with torch_threads(threads):
            model, history = script.train(splits, seed, settings)
        best_model = copy.deepcopy(model)
        best_model.load_state_dict(history.best_state)
        record = {"history": history.epochs(), "stop_reason": history.stop_reason,
                  "stopped_early": history.stopped_early,
                  "train_seconds": history.train_seconds, "best_epoch": history.best_epoch}
        save_checkpoint(path, key, model, record)
        save_checkpoint(path.with_suffix(".best.pt"), key, best_model, record)
    with torch_threads(threads):
        test_acc, test_acc_best = script.test(model, splits.test), script.test(best_model, splits.test)
    return TrainedDogModel(seed, model, record["history"], record["stop_reason"], record["stopped_early"],
                           record["train_seconds"], record["best_epoch"], test_acc, test_acc_best, reused,
                           len(splits.test))


@torch.no_grad()
def predict_proba(model: nn.Module, x: torch.Tensor, batch_size: int = EVAL_BATCH) -> torch.Tensor:
    """Softmax class probabilities for every row of `x`."""
    model.eval()
    return torch.cat([model(x[i:i + batch_size]).softmax(dim=1) for i in range(0, len(x), batch_size)])


def weight_count(network: Network) -> dict:
    """Connection weights and biases of a network, counted from the model."""
    weights, biases = count_parameters(network())
    return {"weights": weights, "biases": biases, "parameters": weights + biases}


def load_dogset(path: Path | None, cache_dir: Path | None, quiet: bool) -> DogsDataset:
    """DogSet read and checked in full (csv, names, every image) before anything trains; the
    cache folder is proven writable first."""
    check_writable_dir(resolve_cache_dir(cache_dir), "--cache-dir")
    return DogsDataset(path, cache_dir=cache_dir, quiet=quiet)


def _start_worker() -> None:
    """In a worker process: no progress bars, and ask Linux to end it when the process that
    started it ends, so a killed run leaves no training behind (elsewhere a no-op)."""
    run_model.progress_bars = False
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def worker_pool(jobs: int) -> ProcessPoolExecutor:
    """`jobs` fresh worker processes (spawned, so no torch state is inherited) that die with this one."""
    return ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"), initializer=_start_worker)


def run_side_by_side(worker: Callable[[tuple], object], work: list[tuple], jobs: int, what: str) -> list | None:
    """`worker`'s result for each item of `work`, in order, computed in up to `jobs` worker
    processes (taking the items in list order); None (nothing run) when there are fewer than two
    items or jobs, so that the caller runs them in its own process."""
    if jobs < 2 or len(work) < 2:
        return None
    print(f"training {len(work)} {what} in {min(jobs, len(work))} parallel processes", flush=True)
    with worker_pool(min(jobs, len(work))) as pool:
        return list(pool.map(worker, work))


def _train_in_worker(job: tuple) -> None:
    """Train and save one seed's model in a separate process (see `train_seeds`)."""
    script, folder, cache_dir, seed, settings, checkpoints, threads = job
    train_dog_model(script, DogsDataset(folder, cache_dir=cache_dir, quiet=True), seed, settings, checkpoints,
                    reuse=True, threads=threads)


def train_seeds(script: DogScript, data: DogsDataset, seeds: tuple[int, ...], settings: DogSettings,
                checkpoints: Path, *, threads: int, jobs: int) -> list[TrainedDogModel]:
    """One model per seed, reusing any saved for the same settings and data; prints a line per seed.

    With `jobs` > 1 the seeds not saved yet train side by side in that many processes, each on
    `threads` torch threads (one by default): the homework's small layers gain less from a
    second thread than from a second seed. Every seed trains on the same thread count either
    way, so a seed gives the same model alone or among others.
    """
    name = script.network.__name__
    missing = [s for s in seeds if not checkpoint_of(script, data, s, settings, checkpoints, threads)[0].exists()]
    work = [(script, data.path, data.cache_dir, s, settings, checkpoints, threads) for s in missing]
    trained_aside = run_side_by_side(_train_in_worker, work, jobs, f"{name} seeds")
    in_workers = set(missing) if trained_aside is not None else set()
    trained = []
    for seed in seeds:
        t = train_dog_model(script, data, seed, settings, checkpoints, reuse=True, threads=threads)
        t.reused = t.reused and seed not in in_workers
        how = "saved model reused" if t.reused else f"{t.train_seconds:.0f} s of training" + (
            " in a parallel process" if seed in in_workers else "")
        print(f"DogSet {name} seed {seed}: {len(t.history)} epochs ({t.stop_reason}), test accuracy {t.test_acc:.1%} "
              f"({how})", flush=True)
        trained.append(t)
    return trained
