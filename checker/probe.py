"""The child process of check_homework.py: imports one student's code and runs the plan's checks.

Run as `python checker/probe.py PLAN RECORDS` with the temporary copy of the student's repository
as working directory. It imports the standard library, numpy, torch and the student's modules,
never the key's (the parent words and judges; this only measures). Each step writes a `start`
line and then a `done`, `error` or `skip` line of JSON to RECORDS, so that the parent can hold
every step to its time limit and keep what finished before a hang or a crash.

Where the student's code crashes, a step records the crash with the student's own line and runs
its checks again around it (at batch size 1, with a dummy set for an argument the crash needed,
with the network that builds), so that one crash hides nothing else. The student's lines for the
slips are found while running: `Trace` records which line of the student's code made each torch
call, and `Lines` which lines ran.
"""
from __future__ import annotations

import importlib
import inspect
import json
import math
import os
import resource
import sys
import types
from pathlib import Path
from typing import Any, Callable

import numpy as np
import torch
from torch import nn

ROOT = Path.cwd().resolve()
sys.path[:1] = [str(ROOT), str(ROOT / "src"), str(ROOT / "data")]  # the student's folders first,
sys.path.append(str(Path(__file__).resolve().parent))  # then this probe's own helpers

from probe_environment import (NOTES, CourseDataset, failed_in_package_init, note,  # noqa: E402
                               removed_numpy_name, restore_numpy_names)
from probe_trace import Lines, Records, Trace, caller_line, describe, scalar  # noqa: E402

torch.set_num_threads(1)

MODULES = {"models": "src/models.py", "run_model": "src/run_model.py", "my_dataset": "data/my_dataset.py"}
CONV = "Dog_Classifier_Conv"
IMAGE = (64, 64, 3)
INPUTS = {  # what each network is fed: the course loader's shape first, then the fallbacks a solution may expect
    "Digit_Classifier": [("course", (784,))],
    "Dog_Classifier_FC": [("course", IMAGE), ("flat", (12288,))],
    CONV: [("course", IMAGE), ("channels_first", (3, 64, 64))],
}
VIEW_AFTER_PERMUTE = "view size is not compatible with input tensor's size and stride"
LR = 0.1  # the training check's learning rate
CANDIDATES = {"textbook": (True, "mean"), "no_zero_grad": (False, "mean"),  # (zero_grad, loss reduction)
              "summed_loss": (True, "sum"), "summed_loss+no_zero_grad": (False, "sum")}
TRAIN, VALID, TEST = 1, 2, 3  # the scripted data's kind
CLASSES = 10
LOOP_BATCH = 4  # the scripted checks' batch size: 6 training images make batches of 4 and 2, 3 validation images
# one batch (so that a loss summed over batches cannot change the stopping rule's epochs), 5 test images 4 and 1
TRAIN_WRONG, VALID_WRONG, TEST_WRONG = [0, 0, 0, 0, 0, 1], [0, 0, 1], [0, 0, 0, 1, 1]


class Skip(Exception):
    """A step that cannot run because an earlier one failed, which the report already names."""


def need(ctx: dict, key: str) -> Any:
    if key not in ctx:
        raise Skip(f"needs {key}")
    return ctx[key]


def step_import(ctx: dict, module: str) -> dict:
    """Import src/models.py, src/run_model.py or data/my_dataset.py as the course's tests do; a
    package __init__.py that fails is passed by, and NumPy's removed names are restored."""
    if not (ROOT / MODULES[module]).is_file():
        if module == "my_dataset":
            ctx[module] = types.SimpleNamespace(MyDataset=CourseDataset)
            note("my_dataset_substituted")
        return {"missing": True}
    name = MODULES[module].removesuffix(".py").replace("/", ".")
    while True:
        try:
            ctx[module] = importlib.import_module(name)
            return {"missing": False}
        except Exception as error:  # noqa: BLE001 - the environment's causes are fixed and retried, the rest raised
            package = failed_in_package_init(error)
            if removed_numpy_name(error) and not any(n["id"] == "numpy_removed_names" for n in NOTES):
                note("numpy_removed_names", error=describe(error), numpy=np.__version__)
                restore_numpy_names()
            elif package and not isinstance(sys.modules.get(package), types.SimpleNamespace):
                note("package_init_bypassed", package=package, error=describe(error))
                stub = types.ModuleType(package)
                stub.__path__ = [str(ROOT / package)]
                sys.modules[package] = stub
            else:
                raise
            for loaded in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
                del sys.modules[loaded]


def required_arguments(cls: type) -> int:
    try:
        return len([p for p in inspect.signature(cls.__init__).parameters.values()
                    if p.name != "self" and p.default is p.empty and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)])
    except (TypeError, ValueError):
        return 0


def course_input(shape: tuple, n: int, generator: torch.Generator, strided: bool = False) -> torch.Tensor:
    """Random input of `shape`; with `strided`, channels-last images whose permute(0, 3, 1, 2) is
    contiguous, so that a `.view(N, -1)` after the convs works: the retry after that slip."""
    if strided:
        return torch.randn(n, shape[2], shape[0], shape[1], generator=generator).permute(0, 2, 3, 1)
    return torch.randn(n, *shape, generator=generator)


def forward_facts(model: nn.Module, x: torch.Tensor) -> dict:
    """One traced forward pass: the output, what made it and where, the CNN's shapes after each
    conv and pool, and where channels-last input was turned into [N, 3, 64, 64]."""
    with Trace() as trace:
        out = model(x)
    n = len(x)
    made = trace.made.get(id(out), {})
    chain = [c["out"][1:] for c in trace.calls if ("conv" in c["name"] or "pool" in c["name"]) and len(c["out"]) == 4]
    to_channels_first = next((c for c in trace.calls if c["in"] == [n, *IMAGE] and c["out"] == [n, 3, 64, 64]), None)
    return {"out": out, "last_op": made.get("name"), "last_op_where": made.get("where"), "chain": chain,
            "to_channels_first": to_channels_first}


@torch.no_grad()
def outputs(model: nn.Module, network: str) -> dict:
    """Which input the network takes (the course's shape first), and over random inputs whether
    its output is ever negative, whether its rows sum to 1 and what its first Conv2d receives.
    A crash on the course's input is recorded, then tried around: for `.view` after the convs
    with input whose permuted layout allows it, and at batch size 1."""
    tried: list[dict] = []
    crashes: list[dict] = []
    for name, shape in INPUTS[network]:
        attempts = [(16, False)]
        while attempts:
            n, strided = attempts.pop(0)
            generator = torch.Generator().manual_seed(0)
            try:
                facts = forward_facts(model, course_input(shape, n, generator, strided))
            except Exception as error:  # noqa: BLE001 - a crash is a finding; the next attempt goes on
                crash = describe(error)
                tried.append({"input": [n, *shape], "crash": crash})
                if name != "course":
                    continue
                crashes.append({**crash, "batch": n, "strided": strided})
                if VIEW_AFTER_PERMUTE in crash["message"] and not strided:
                    attempts.insert(0, (n, True))
                elif n != 1 and (1, False) not in attempts:
                    attempts.append((1, False))
                continue
            out = facts["out"]
            if tuple(out.shape) != (n, 10):
                tried.append({"input": [n, *shape], "gives": list(out.shape)})
                break
            more = torch.cat([out] + [model(course_input(shape, n, generator, strided)) for _ in range(63 // n + 3)])
            first_conv = first_conv_input(model, course_input(shape, n, generator, strided)) if name == "course" else None
            return {"input": name, "batch": n, "strided": strided, "tried": tried, "crashes": crashes,
                    "never_negative": bool((more >= 0).all()),
                    "rows_sum_to_one": bool((more >= 0).all() and torch.allclose(more.sum(1), torch.ones(len(more)), atol=1e-4)),
                    "last_op": facts["last_op"], "last_op_where": facts["last_op_where"], "chain": facts["chain"],
                    "first_conv": first_conv, "to_channels_first": facts["to_channels_first"]}
    return {"input": None, "tried": tried, "crashes": crashes}


def first_conv_input(model: nn.Module, x: torch.Tensor) -> str | None:
    """'permute', 'view' or 'other': what the first Conv2d receives for channels-last `x`, caught
    by a forward pre-hook; None without a Conv2d."""
    conv = next((m for m in model.modules() if isinstance(m, nn.Conv2d)), None)
    if conv is None:
        return None
    seen: list[torch.Tensor] = []
    handle = conv.register_forward_pre_hook(lambda module, args: seen.append(args[0].detach().clone()))
    try:
        model(x)
    finally:
        handle.remove()
    if not seen:
        return None
    got = seen[0]
    for name, expected in (("permute", x.permute(0, 3, 1, 2)), ("view", x.reshape(len(x), 3, 64, 64))):
        if got.shape == expected.shape and torch.equal(got, expected):
            return name
    return "other"


def step_structure(ctx: dict, network: str, conv_args: list) -> dict:
    """Part 1 and the model slips of part 2 for one network class; the CNN is built with each
    term's arguments (the chosen term's first), and the first that builds and runs is kept for part 3."""
    cls = getattr(need(ctx, "models"), network, None)
    if cls is None:
        return {"present": False}
    wanted = required_arguments(cls) if network == CONV else 0
    attempts = [(term, [list(map(list, a)) for a in args[:wanted]]) for term, args in conv_args] if wanted else [(None, [])]
    built: list[dict] = []
    for term, args in attempts:
        torch.manual_seed(0)
        try:
            model = cls(*args)
        except Exception as error:  # noqa: BLE001 - a constructor that crashes is a finding
            built.append({"term": term, "args": args, "crash": describe(error)})
            continue
        model.eval()
        result = {"term": term, "args": args, "parameters": [[n, list(p.shape)] for n, p in model.named_parameters()],
                  **outputs(model, network)}
        built.append(result)
    runs = next((b for b in built if b.get("input")), next((b for b in built if "parameters" in b), None))
    if runs is not None:
        ctx[network] = (cls, runs["input"], runs["args"])
    return {"present": True, "attempts": built}


def dataset(ctx: dict, x: np.ndarray, y: np.ndarray) -> Any:
    """The student's MyDataset of (x, y); the course's when theirs crashes (the crash is recorded once)."""
    if "dataset_crash" not in ctx:
        try:
            return need(ctx, "my_dataset").MyDataset(x, y)
        except Skip:
            raise
        except Exception as error:  # noqa: BLE001 - the student's crash is recorded and run around
            ctx["dataset_crash"] = describe(error)
    return CourseDataset(x, y)


def call_run_model(ctx: dict, mode: str, record: list[dict], make_model: Callable[[], nn.Module],
                   **kwargs: Any) -> tuple[Any, dict, nn.Module]:
    """run_model(make_model(), running_mode=mode, **kwargs); on a crash in the student's code,
    recorded in `record`, the same call again on a fresh model at batch size 1, then with every
    set given (a dummy for the missing ones). Returns the result, what the call that ran was given
    and its model."""
    run_model = need(ctx, "run_model").run_model
    given = next(v for k, v in kwargs.items() if k.endswith("_set") and v is not None)
    attempts = [kwargs, {**kwargs, "batch_size": 1},
                {**kwargs, **{k: given for k in ("train_set", "valid_set", "test_set") if kwargs.get(k) is None}}]
    error: BaseException | None = None
    for attempt in attempts:
        model = make_model()
        try:
            return run_model(model, running_mode=mode, **attempt), attempt, model
        except Skip:
            raise
        except Exception as caught:  # noqa: BLE001 - the student's crash is recorded and tried around
            if error is None:
                error = caught
                record.append({"mode": mode, "batch_size": kwargs.get("batch_size"), **describe(caught)})
    assert error is not None
    raise error


def tiny_problem() -> tuple[np.ndarray, np.ndarray]:
    """10 examples of 4 features in 3 classes: batches of 4, 4 and 2 at batch size 4."""
    x = torch.randn(10, 4, generator=torch.Generator().manual_seed(0))
    return x.numpy(), (np.arange(10) % 3).astype(np.int64)


def linear_model() -> nn.Linear:
    torch.manual_seed(0)
    return nn.Linear(4, 3)


def flat(model: nn.Module) -> torch.Tensor:
    return torch.cat([p.detach().flatten() for p in model.parameters()])


def textbook(x: np.ndarray, y: np.ndarray, batch: int, zero_grad: bool, reduction: str) -> torch.Tensor:
    """The weights after one epoch of SGD in order, as q11's recipe steps (or with one slip)."""
    model = linear_model()
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    loss_fn = nn.CrossEntropyLoss(reduction=reduction)
    inputs, labels = torch.from_numpy(x), torch.from_numpy(y)
    for start in range(0, len(labels), batch):
        if zero_grad:
            optimizer.zero_grad()
        loss_fn(model(inputs[start:start + batch]), labels[start:start + batch]).backward()
        optimizer.step()
    return flat(model)


def trained(result: Any, model: nn.Module) -> nn.Module:
    """The model run_model returned in train mode, else the one it was given (trained in place)."""
    return result[0] if isinstance(result, tuple) and result and isinstance(result[0], nn.Module) else model


def step_training(ctx: dict) -> dict:
    """One epoch of the student's run_model on the tiny problem (shuffle off), against the
    textbook step and its slips; when none fits, the size of one full-batch step against the
    textbook's. Records the losses and optimizers the student's code made, with their lines."""
    x, y = tiny_problem()
    data = dataset(ctx, x, y)
    crashes: list[dict] = []
    Records.clear()
    with Trace() as trace:
        result, given, model = call_run_model(ctx, "train", crashes, linear_model, train_set=data, valid_set=data,
                                              batch_size=4, learning_rate=LR, n_epochs=1, stop_thr=1e-4, shuffle=False)
    summed = [c["where"] for c in trace.calls if "loss" in c["name"] or "entropy" in c["name"]
              if c["kwargs"].get("reduction") == "sum"]
    batch = given["batch_size"]
    got = flat(trained(result, model))
    distances = {name: float((got - textbook(x, y, batch, *how)).abs().max()) for name, how in CANDIDATES.items()}
    out: dict = {"distances": distances, "batch_size": batch, "crashes": crashes, "summed_loss_calls": summed[:1],
                 "losses": Records.losses,
                 "optimizers": Records.optimizers, "step_lines": sorted({s for s in Records.steps if s})}
    if min(distances.values()) > 1e-5 and batch != 1:
        full, _, model = call_run_model(ctx, "train", [], linear_model, train_set=data, valid_set=data,
                                        batch_size=len(y), learning_rate=LR, n_epochs=1, stop_thr=1e-4, shuffle=False)
        start = flat(linear_model())
        step, expected = flat(trained(full, model)) - start, textbook(x, y, len(y), True, "mean") - start
        ratio = float(step @ expected / (expected @ expected))
        out |= {"ratio": ratio, "off_line": float((step - ratio * expected).abs().max())}
    return out


class ScriptedModel(nn.Module):
    """A model whose cross-entropy follows a script: the n-th run of consecutive forward passes on
    inputs of one kind (training, validation or test) gets the script's n-th loss, whatever the
    weights. Every value of an image holds one code, kind·100 + label·10 + wrong, so that any
    reshape or permute of the image keeps it; a wrong image's label gets the same probability but
    another class gets more. Its one parameter takes gradients without changing the output, so
    any optimizer can step it. It records, per kind, the shapes it was fed, the mode and whether
    autograd was on, and the student's line that called it."""

    def __init__(self, scripts: dict[int, list[float]]):
        super().__init__()
        self.shift = nn.Parameter(torch.zeros(CLASSES))
        self.scripts, self.runs, self.last = scripts, {kind: 0 for kind in scripts}, None
        self.seen: dict[int, dict] = {kind: {"shapes": [], "training": [], "grad": [], "where": []} for kind in scripts}

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        code = x.reshape(len(x), -1)[:, 0].round().long()
        kind, label, wrong = code // 100, (code // 10) % 10, code % 10
        if int(kind[0]) != self.last:
            self.last = int(kind[0])
            self.runs[self.last] += 1
        seen = self.seen[self.last]
        seen["shapes"].append(list(x.shape[1:]))
        seen["training"].append(self.training)
        seen["grad"].append(torch.is_grad_enabled())
        seen["where"].append(caller_line())
        script = self.scripts[self.last]
        p = math.exp(-script[min(self.runs[self.last], len(script)) - 1])
        probs = torch.full((len(x), CLASSES), (1 - p) / (CLASSES - 1))
        rows = torch.arange(len(x))
        probs[rows, label] = p
        other = (label + 1) % CLASSES
        probs[rows[wrong > 0], other[wrong > 0]] = 0.98 * (1 - p)  # more than p: the loss scripts stay above 0.7
        rest = (1 - p - 0.98 * (1 - p)) / (CLASSES - 2)
        for row in rows[wrong > 0]:
            probs[row, [c for c in range(CLASSES) if c not in (int(label[row]), int(other[row]))]] = rest
        return probs.log() + self.shift - self.shift.detach()


def scripted_data(ctx: dict, kind: int, wrong: list[int]) -> Any:
    labels = np.arange(len(wrong)) % CLASSES
    codes = kind * 100 + labels * 10 + np.array(wrong)
    x = np.broadcast_to(codes[:, None, None, None], (len(wrong), *IMAGE)).astype(np.float32).copy()
    return dataset(ctx, x, labels.astype(np.int64))


def step_stopping(ctx: dict, train: list[float], valid: list[float], epochs: int) -> dict:
    """How many epochs the student's loop trains when the losses follow the scripts, what it
    returns, the first epoch's losses and accuracies it reports (6 training images in batches of 4
    and 2; 3 validation images), what the model was fed, and the student's lines: the stopping
    test, a flattening of the images, and where each reported number was made."""
    crashes: list[dict] = []
    with Lines() as lines, Trace() as trace:
        result, given, model = call_run_model(ctx, "train", crashes, lambda: ScriptedModel({TRAIN: train, VALID: valid}),
                                              train_set=scripted_data(ctx, TRAIN, TRAIN_WRONG),
                                              valid_set=scripted_data(ctx, VALID, VALID_WRONG), batch_size=LOOP_BATCH,
                                              learning_rate=0.01, n_epochs=epochs, stop_thr=1e-4, shuffle=False)
    flattened = [c["where"] for c in trace.calls if c["in"] and c["in"][1:] == list(IMAGE) and len(c["out"]) == 2]
    loss = result[1] if isinstance(result, tuple) and len(result) == 3 and isinstance(result[1], dict) else {}
    acc = result[2] if isinstance(result, tuple) and len(result) == 3 and isinstance(result[2], dict) else {}
    file = MODULES["run_model"]
    stop_lines = (lines.matching(lambda text: "stop_thr" in text and any(op in text for op in ("<", ">", "==")))
                  or lines.matching(lambda text: "if" in text.split() and "loss" in text and "len(" not in text
                                    and any(op in text for op in ("<", ">", "==")), file))
    numbers = {f"{part} {what}": reported(values.get(key), lines) for what, values in (("loss", loss), ("accuracy", acc))
               for part, key in (("training", "train"), ("validation", "valid"))}
    return {"epochs": model.runs[TRAIN], "returned": describe_return(result), "batch_size": given["batch_size"],
            "crashes": crashes, "numbers": numbers, "stop_lines": stop_lines, "flatten_lines": flattened[:1],
            "returned_at": lines.run_model_returned,
            "seen": {name: {k: v for k, v in model.seen[kind].items()} for name, kind in (("train", TRAIN), ("valid", VALID))}}


def reported(values: Any, lines: Lines) -> dict | None:
    """The first epoch's number of a returned list: its value, its type and the student's line that made it."""
    if not isinstance(values, list) or not values:
        return None
    first = values[0]
    kind = "tensor" if isinstance(first, torch.Tensor) else "array" if isinstance(first, np.ndarray) else "number"
    value = scalar(first) if kind != "array" or first.size == 1 else None
    return {"value": value, "type": kind, "where": lines.origin(value)}


def describe_return(result: Any) -> dict:
    """What run_model returned: its type, and for a tuple the type of each item."""
    if isinstance(result, tuple):
        return {"type": "tuple", "items": [type(v).__name__ if not isinstance(v, nn.Module) else "Module" for v in result],
                "keys": [sorted(map(str, v)) if isinstance(v, dict) else None for v in result]}
    return {"type": type(result).__name__}


def step_without_validation(ctx: dict) -> dict:
    """Two epochs of training with valid_set=None, as the course's tests call it."""
    model = ScriptedModel({TRAIN: [2.0, 1.9]})
    run_model = need(ctx, "run_model").run_model
    try:
        run_model(model, running_mode="train", train_set=scripted_data(ctx, TRAIN, TRAIN_WRONG), valid_set=None,
                  batch_size=LOOP_BATCH, learning_rate=0.01, n_epochs=2, stop_thr=1e-4, shuffle=False)
    except Exception as error:  # noqa: BLE001 - the student's crash is the finding
        return {"crash": describe(error)}
    return {"crash": None}


def step_test_pass(ctx: dict) -> dict:
    """The student's test pass on a model that gets 3 of 5 test images right, at batch size 4 (the
    last batch holds 1 image, wrong): the mode it runs the model in, whether autograd is on, the
    mode it leaves it in, what it returns and the student's lines that made the numbers."""
    crashes: list[dict] = []
    with Lines() as lines:
        result, given, model = call_run_model(ctx, "test", crashes, lambda: ScriptedModel({TEST: [1.0]}).train(),
                                              test_set=scripted_data(ctx, TEST, TEST_WRONG), batch_size=LOOP_BATCH)
    pair = result if isinstance(result, tuple) and len(result) == 2 else (None, None)
    seen = model.seen[TEST]
    return {"returned": describe_return(result), "returned_at": lines.run_model_returned, "crashes": crashes,
            "batch_size": given["batch_size"], "given_sets": sorted(k for k in ("train_set", "valid_set") if given.get(k) is not None),
            "forward_in_training_mode": any(seen["training"]), "grad_enabled": any(seen["grad"]),
            "left_in_training_mode": model.training, "shapes": seen["shapes"][:1],
            "model_lines": sorted(set(filter(None, seen["where"]))),
            "numbers": {"test loss": reported([pair[0]], lines) if pair[0] is not None else None,
                        "test accuracy": reported([pair[1]], lines) if pair[1] is not None else None}}


def course_shape(x: np.ndarray, taken: str) -> np.ndarray:
    """DogSet's channels-last images as the network takes them: as they are, flat, or permuted."""
    if taken == "flat":
        return x.reshape(len(x), -1)
    return np.ascontiguousarray(x.transpose(0, 3, 1, 2)) if taken == "channels_first" else x


@torch.no_grad()
def key_accuracy(model: nn.Module, x: np.ndarray, y: np.ndarray) -> int:
    """The key's test pass on the student's trained model: images right out of len(y), in eval mode."""
    model.eval()
    right = 0
    for start in range(0, len(y), 64):
        logits = model(torch.from_numpy(x[start:start + 64]).float())
        right += int((logits.argmax(1) == torch.from_numpy(y[start:start + 64])).sum())
    return right


def step_train_dogset(ctx: dict, network: str, seed: int, dogset: str, settings: dict) -> dict:
    """Part 3: the student's network trained and tested by their own run_model on DogSet, and
    tested again by the key's test pass."""
    cls, taken, args = need(ctx, network)
    if taken is None:
        raise Skip(f"{network} takes no input the checker knows")
    run_model = need(ctx, "run_model").run_model
    arrays = np.load(dogset)
    shaped = {part: course_shape(arrays[f"{part}X"], taken) for part in ("train", "valid", "test")}
    data = {part: dataset(ctx, shaped[part], arrays[f"{part}Y"]) for part in shaped}
    torch.manual_seed(seed)
    model = cls(*args)
    model, loss, acc = run_model(model, running_mode="train", train_set=data["train"], valid_set=data["valid"],
                                 batch_size=settings["batch_size"], learning_rate=settings["lr"],
                                 n_epochs=settings["epochs"], stop_thr=settings["min_delta"], shuffle=True)
    result = run_model(model, running_mode="test", test_set=data["test"], batch_size=settings["batch_size"])
    own = result[1] if isinstance(result, tuple) and len(result) == 2 else None
    return {"epochs": len(loss["train"]), "own_accuracy": scalar(own),
            "valid_loss": [scalar(v) for v in loss.get("valid", [])], "valid_acc": [scalar(v) for v in acc.get("valid", [])],
            "right": key_accuracy(model, shaped["test"], arrays["testY"]), "test_count": int(len(arrays["testY"]))}


STEPS: dict[str, Callable[..., dict]] = {
    "import": step_import, "structure": step_structure, "training": step_training, "stopping": step_stopping,
    "without_validation": step_without_validation, "test_pass": step_test_pass, "train_dogset": step_train_dogset,
}


def main() -> None:
    memory = int(os.environ.get("CHECKER_MEMORY_LIMIT", 0))
    if memory:  # before the student's code runs: an allocation past it fails where the student made it
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    plan, records = json.loads(Path(sys.argv[1]).read_text()), open(sys.argv[2], "a")

    def write(**event: Any) -> None:
        records.write(json.dumps(event, default=str) + "\n")
        records.flush()

    Records.install()
    ctx: dict = {}
    printed_limit = int(os.environ.get("CHECKER_OUTPUT_LIMIT", 0))
    for step in plan:
        write(event="start", step=step["name"])
        noted = len(NOTES)
        try:
            try:
                result = STEPS[step["kind"]](ctx, **step["params"])
            except Exception as error:  # noqa: BLE001 - NumPy's removed names: restored, and the step run again
                if not removed_numpy_name(error) or any(n["id"] == "numpy_removed_names" for n in NOTES):
                    raise
                note("numpy_removed_names", error=describe(error), numpy=np.__version__)
                restore_numpy_names()
                result = STEPS[step["kind"]](ctx, **step["params"])
        except Skip as skip:
            write(event="skip", step=step["name"], reason=str(skip), notes=NOTES[noted:])
        except BaseException as error:  # noqa: BLE001 - SystemExit from student code included
            write(event="error", step=step["name"], error=describe(error), notes=NOTES[noted:])
        else:
            if "dataset_crash" in ctx and not ctx.get("dataset_crash_written"):
                result = {**result, "dataset_crash": ctx["dataset_crash"]}
                ctx["dataset_crash_written"] = True
            write(event="done", step=step["name"], result=result, notes=NOTES[noted:])
        sys.stdout.flush()
        if printed_limit and os.fstat(sys.stdout.fileno()).st_size > printed_limit:  # this step printed past the cap
            write(event="output", step=step["name"], limit=printed_limit)
            os._exit(0)


if __name__ == "__main__":
    main()
