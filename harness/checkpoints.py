"""Trained models saved under a key of everything that made them, so that a model is reused
only when the same code would train the same weights again.

The key covers the settings, the seed, the data's bytes, the network's structure (its
`repr`: layer types, sizes, activations) and a fingerprint of the code that builds and
trains it: the syntax trees of the model, training-loop and data modules, so an edit to an
activation, a layer size, the loss or the loop retrains, while an edit to a comment, a
docstring or the layout of the code does not.
"""
from __future__ import annotations

import ast
import functools
import hashlib
import inspect
import json
import textwrap
from pathlib import Path
from typing import Any, Callable

import torch
from torch import nn

from common.paths import REPO_ROOT
from common.outputs import atomic_write

# The modules whose code decides the weights a run trains: the networks, the loop, the Dataset,
# the two data loaders (decoding and normalisation are preprocessing) and the two protocols.
# The recipe itself (network, loss, optimizer, loader, stopping rule) lives in the question
# script and joins the key through `recipe_fingerprint`.
TRAINING_CODE = ("models.py", "run_model.py", "my_dataset.py", "load_data.py", "data/dogs.py",
                 "harness/mnist_runs.py", "harness/dog_runs.py")


def _without_docstrings(tree: ast.AST) -> ast.AST:
    """The tree with every module, class and function docstring removed."""
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and body
                and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)):
            node.body = body[1:] or [ast.Pass()]
    return tree


def source_fingerprint(path: Path) -> str:
    """A hash of one Python file's syntax tree without docstrings: comments, docstrings,
    blank lines and formatting do not change it; any change to what the code does does."""
    tree = _without_docstrings(ast.parse(path.read_text(), filename=str(path)))
    return hashlib.sha256(ast.dump(tree).encode()).hexdigest()[:16]


def recipe_fingerprint(recipe: Callable) -> str:
    """A hash of one function's syntax tree without its docstring and name: two scripts whose
    recipes read the same (q04's and q06's) share their saved models, and an edit to a
    recipe's code retrains while an edit to its comments does not."""
    (node,) = ast.parse(textwrap.dedent(inspect.getsource(recipe))).body
    node.name = "recipe"
    return hashlib.sha256(ast.dump(_without_docstrings(node)).encode()).hexdigest()[:16]


@functools.lru_cache(maxsize=None)
def code_fingerprint(root: Path = REPO_ROOT, files: tuple[str, ...] = TRAINING_CODE) -> str:
    """One hash over the fingerprints of the training code's files under `root`."""
    return content_key(*[(name, source_fingerprint(root / name)) for name in files])


def content_key(*parts: Any) -> str:
    """A short hash of settings and data: numpy arrays and tensors by their bytes, the rest by JSON."""
    digest = hashlib.sha256()
    for part in parts:
        if hasattr(part, "tobytes"):
            array = part.numpy() if isinstance(part, torch.Tensor) else part
            digest.update(f"{array.dtype}{array.shape}".encode())
            digest.update(array.tobytes())
        else:
            digest.update(json.dumps(part, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:16]


def model_key(model: nn.Module, recipe: Callable | None, *parts: Any) -> str:
    """The checkpoint key of `model` trained by `recipe` under `parts` (settings, seed, data): it
    also covers the network's structure and the training code's fingerprint."""
    return content_key(repr(model), code_fingerprint(), recipe and recipe_fingerprint(recipe), *parts)


def save_checkpoint(path: Path, key: str, model: nn.Module, record: dict) -> Path:
    """torch.save the model's weights with the key of the settings and data that produced them."""
    payload = {"key": key, "state_dict": {k: v.detach().cpu() for k, v in model.state_dict().items()},
               "record": record}
    def write(tmp: Path) -> None:
        with open(tmp, "wb") as handle:  # a file object: a full disk then raises OSError, not torch's C++ message
            torch.save(payload, handle)

    return atomic_write(path, write)


def train_or_load(path: Path, key: str, model: nn.Module, train: Callable[[], tuple[nn.Module, dict]], *,
                  reuse: bool = True) -> tuple[nn.Module, dict, bool]:
    """(model, record, reused): with `reuse`, the weights saved at `path` under `key` loaded into
    `model`, with their record; otherwise, or when nothing fits, `train()`'s new model and record,
    saved there under `key`. The harness's one train-or-load."""
    record = load_checkpoint(path, key, model) if reuse else None
    if record is not None:
        return model, record, True
    model, record = train()
    save_checkpoint(path, key, model, record)
    return model, record, False


def load_checkpoint(path: Path, key: str, model: nn.Module) -> dict | None:
    """Load the weights saved at `path` into `model` and return their record, if they were
    saved by `save_checkpoint` under the same key and fit the model; else None (retrain).
    A corrupt or foreign file (a list, a tensor, another model) is ignored, never a crash."""
    if not path.exists():
        return None
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
        if not (isinstance(payload, dict) and payload.get("key") == key and isinstance(payload.get("record"), dict)):
            return None
        model.load_state_dict(payload["state_dict"])
    except Exception:  # noqa: BLE001 - anything unreadable means: train again
        return None
    return payload["record"]
