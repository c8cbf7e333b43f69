"""The child process of check_homework.py: imports one student's code and runs the plan's checks.

Run as `python checker/probe.py PLAN RECORDS` with the temporary copy of the student's repository
as working directory. It imports the standard library, numpy, torch and the student's modules,
never the key's (the parent words and judges; this only measures). Each step writes a `start`
line and then a `done`, `error` or `skip` line of JSON to RECORDS, so that the parent can hold
every step to its time limit and keep what finished before a hang or a crash.
"""
from __future__ import annotations

import importlib
import inspect
import json
import math
import sys
import traceback
from pathlib import Path
from typing import Any, Callable

import numpy as np
import torch
from torch import nn

ROOT = Path.cwd().resolve()
sys.path[:1] = [str(ROOT), str(ROOT / "src"), str(ROOT / "data")]  # the student's folders, not checker/
torch.set_num_threads(1)

MODULES = {"models": "src/models.py", "run_model": "src/run_model.py", "my_dataset": "data/my_dataset.py"}
CONV = "Dog_Classifier_Conv"
CONV_ARGS = ([(5, 5), (5, 5)], [(2, 2), (2, 2)])  # Q14's kernel 5 and stride 2, as the skeleton's lists of pairs
INPUTS = {  # what each network is fed: the course loader's shape first, then the fallback a solution may expect
    "Digit_Classifier": [("course", (784,))],
    "Dog_Classifier_FC": [("course", (64, 64, 3)), ("flat", (12288,))],
    CONV: [("course", (64, 64, 3)), ("channels_first", (3, 64, 64))],
}
LR = 0.1  # the training check's learning rate
CANDIDATES = {"textbook": (True, "mean"), "no_zero_grad": (False, "mean"),  # (zero_grad, loss reduction)
              "summed_loss": (True, "sum"), "summed_loss+no_zero_grad": (False, "sum")}
TRAIN, VALID, TEST = 0, 1, 2  # the scripted model's input marker
CLASSES = 3


class Skip(Exception):
    """A step that cannot run because an earlier one failed, which the report already names."""


def in_repo(filename: str) -> str | None:
    """A path relative to the student's repository, or None outside it."""
    path = Path(filename).resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else None


def describe(error: BaseException) -> str:
    """'NotImplementedError at src/models.py:12': the error and its deepest line in the student's code."""
    if isinstance(error, SyntaxError):
        where = f"{in_repo(error.filename or '') or error.filename}:{error.lineno}"
        message = error.msg
    else:
        frames = [f for f in traceback.extract_tb(error.__traceback__) if in_repo(f.filename)]
        where = f"{in_repo(frames[-1].filename)}:{frames[-1].lineno}" if frames else ""
        message = str(error).strip().splitlines()[0] if str(error).strip() else ""
    text = type(error).__name__ + (f": {message}" if message else "")
    return f"{text} at {where}" if where else text


def need(ctx: dict, key: str) -> Any:
    if key not in ctx:
        raise Skip(f"needs {key}")
    return ctx[key]


def step_import(ctx: dict, module: str) -> dict:
    """Import src/models.py, src/run_model.py or data/my_dataset.py as the course's tests do."""
    if not (ROOT / MODULES[module]).is_file():
        return {"missing": True}
    ctx[module] = importlib.import_module(MODULES[module].removesuffix(".py").replace("/", "."))
    return {"missing": False}


def construct(cls: type, network: str) -> tuple[nn.Module, tuple]:
    """The network, built with Q14's kernel and stride when its constructor asks for arguments."""
    try:
        wanted = [p for p in inspect.signature(cls.__init__).parameters.values()
                  if p.name != "self" and p.default is p.empty and p.kind is not p.VAR_KEYWORD and p.kind is not p.VAR_POSITIONAL]
    except (TypeError, ValueError):
        wanted = []
    args = CONV_ARGS[:len(wanted)] if network == CONV else ()
    return cls(*args), args


def layers(model: nn.Module) -> list[dict]:
    """The Conv2d, pooling and Linear layers in registration order, with what the Q13 formula needs."""
    found = []
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            found.append({"type": "Conv2d", "in": m.in_channels, "out": m.out_channels, "kernel": list(m.kernel_size),
                          "stride": list(m.stride), "padding": m.padding if isinstance(m.padding, str) else list(m.padding),
                          "dilation": list(m.dilation), "groups": m.groups, "bias": m.bias is not None})
        elif isinstance(m, (nn.MaxPool2d, nn.AvgPool2d)):
            pair = lambda v: list(v) if isinstance(v, (tuple, list)) else [v, v]  # noqa: E731
            found.append({"type": type(m).__name__, "kernel": pair(m.kernel_size), "stride": pair(m.stride),
                          "padding": pair(m.padding), "dilation": pair(getattr(m, "dilation", 1))})
        elif isinstance(m, nn.Linear):
            found.append({"type": "Linear", "in": m.in_features, "out": m.out_features, "bias": m.bias is not None})
    return found


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
    got = seen[0]
    for name, expected in (("permute", x.permute(0, 3, 1, 2)), ("view", x.reshape(len(x), 3, 64, 64))):
        if got.shape == expected.shape and torch.equal(got, expected):
            return name
    return "other"


@torch.no_grad()
def outputs(model: nn.Module, network: str) -> dict:
    """Which input the network takes (the course's shape first), and over random inputs whether
    its output is ever negative, whether its rows sum to 1 and what its first Conv2d receives."""
    generator = torch.Generator().manual_seed(0)
    tried = []
    for name, shape in INPUTS[network]:
        x = torch.randn(16, *shape, generator=generator)
        try:
            out = model(x)
        except Exception as error:  # noqa: BLE001 - a wrong input shape is a finding, not a failure
            tried.append(f"{[16, *shape]}: {describe(error)}")
            continue
        if tuple(out.shape) != (16, 10):
            tried.append(f"{[16, *shape]} gives {list(out.shape)}")
            continue
        out = torch.cat([out] + [model(torch.randn(16, *shape, generator=generator)) for _ in range(3)])
        return {"input": name, "tried": tried, "never_negative": bool((out >= 0).all()),
                "rows_sum_to_one": bool((out >= 0).all() and torch.allclose(out.sum(1), torch.ones(len(out)), atol=1e-4)),
                "first_conv": first_conv_input(model, x) if name == "course" else None}
    return {"input": None, "tried": tried}


def step_structure(ctx: dict, network: str) -> dict:
    """Part 1 and the model slips of part 2 for one network class."""
    cls = getattr(need(ctx, "models"), network, None)
    if cls is None:
        return {"present": False}
    torch.manual_seed(0)
    model, args = construct(cls, network)
    model.eval()
    result = {"present": True, "args": [list(map(list, a)) for a in args],
              "parameters": [[n, list(p.shape)] for n, p in model.named_parameters()], "layers": layers(model),
              **outputs(model, network)}
    ctx[network] = (cls, result["input"])
    return result


def dataset(ctx: dict, x: np.ndarray, y: np.ndarray) -> Any:
    return need(ctx, "my_dataset").MyDataset(x, y)


def tiny_problem() -> tuple[np.ndarray, np.ndarray]:
    """10 examples of 4 features in 3 classes: batches of 4, 4 and 2 at batch size 4."""
    x = torch.randn(10, 4, generator=torch.Generator().manual_seed(0))
    return x.numpy(), (np.arange(10) % CLASSES).astype(np.int64)


def linear_model() -> nn.Linear:
    torch.manual_seed(0)
    return nn.Linear(4, CLASSES)


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
    textbook step and its slips; when none fits, the size of one full-batch step against the textbook's."""
    run_model = need(ctx, "run_model").run_model
    x, y = tiny_problem()
    data = dataset(ctx, x, y)
    model = linear_model()
    got = flat(trained(run_model(model, running_mode="train", train_set=data, valid_set=data, batch_size=4,
                                 learning_rate=LR, n_epochs=1, stop_thr=1e-4, shuffle=False), model))
    distances = {name: float((got - textbook(x, y, 4, *how)).abs().max()) for name, how in CANDIDATES.items()}
    result: dict = {"distances": distances}
    if min(distances.values()) > 1e-5:
        model = linear_model()
        got = flat(trained(run_model(model, running_mode="train", train_set=data, valid_set=data, batch_size=len(y),
                                     learning_rate=LR, n_epochs=1, stop_thr=1e-4, shuffle=False), model))
        start = flat(linear_model())
        step, expected = got - start, textbook(x, y, len(y), True, "mean") - start
        ratio = float(step @ expected / (expected @ expected))
        result |= {"ratio": ratio, "off_line": float((step - ratio * expected).abs().max())}
    return result


class ScriptedModel(nn.Module):
    """A model whose cross-entropy follows a script: the n-th run of consecutive forward passes on
    inputs of one kind (training, validation or test, column 0) gets the script's n-th loss,
    whatever the weights. Column 1 holds the label; column 2 marks a row to get wrong. Its one
    parameter takes gradients without changing the output, so any optimizer can step it."""

    def __init__(self, scripts: dict[int, list[float]]):
        super().__init__()
        self.shift = nn.Parameter(torch.zeros(CLASSES))
        self.scripts, self.runs, self.last = scripts, {kind: 0 for kind in scripts}, None
        self.modes: list[bool] = []  # self.training at each forward pass

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        kind = int(x[0, 0])
        if kind != self.last:
            self.runs[kind], self.last = self.runs[kind] + 1, kind
        self.modes.append(self.training)
        script = self.scripts[kind]
        p = math.exp(-script[min(self.runs[kind], len(script)) - 1])
        target = (x[:, 1].long() + (x[:, 2] > 0.5).long()) % CLASSES
        logits = torch.zeros(len(x), CLASSES)
        logits[torch.arange(len(x)), target] = math.log(p * (CLASSES - 1) / (1 - p))  # softmax gives `p` there
        return logits + self.shift - self.shift.detach()


def scripted_data(ctx: dict, kind: int, wrong: list[int]) -> Any:
    x = np.zeros((len(wrong), 4), dtype=np.float32)
    x[:, 0], x[:, 1], x[:, 2] = kind, np.arange(len(wrong)) % CLASSES, wrong
    return dataset(ctx, x, (np.arange(len(wrong)) % CLASSES).astype(np.int64))


def step_stopping(ctx: dict, train: list[float], valid: list[float], epochs: int) -> dict:
    """How many epochs the student's loop trains when the losses follow the scripts."""
    run_model = need(ctx, "run_model").run_model
    model = ScriptedModel({TRAIN: train, VALID: valid})
    result = run_model(model, running_mode="train", train_set=scripted_data(ctx, TRAIN, [0] * 6),
                       valid_set=scripted_data(ctx, VALID, [0] * 6), batch_size=6, learning_rate=0.01,
                       n_epochs=epochs, stop_thr=1e-4, shuffle=False)
    shape_ok = (isinstance(result, tuple) and len(result) == 3
                and all(isinstance(d, dict) and {"train", "valid"} <= set(d) for d in result[1:]))
    return {"epochs": model.runs[TRAIN], "returns_model_loss_acc": shape_ok}


def step_test_pass(ctx: dict) -> dict:
    """The student's test pass on a model that gets 3 of 4 test images right: the mode it runs
    the model in, the mode it leaves it in and the accuracy it returns."""
    run_model = need(ctx, "run_model").run_model
    model = ScriptedModel({TEST: [1.0]})
    model.train()
    result = run_model(model, running_mode="test", test_set=scripted_data(ctx, TEST, [0, 0, 0, 1]), batch_size=4)
    return {"forward_in_training_mode": any(model.modes), "left_in_training_mode": model.training,
            "accuracy": float(result[1])}


def course_shape(x: np.ndarray, taken: str) -> np.ndarray:
    """DogSet's channels-last images as the network takes them: as they are, flat, or permuted."""
    if taken == "flat":
        return x.reshape(len(x), -1)
    return np.ascontiguousarray(x.transpose(0, 3, 1, 2)) if taken == "channels_first" else x


def step_train_dogset(ctx: dict, network: str, seed: int, dogset: str, settings: dict) -> dict:
    """Part 3: the student's network trained and tested by their own run_model on DogSet."""
    cls, taken = need(ctx, network)
    if taken is None:
        raise Skip(f"{network} takes no input the checker knows")
    run_model = need(ctx, "run_model").run_model
    arrays = np.load(dogset)
    data = {part: dataset(ctx, course_shape(arrays[f"{part}X"], taken), arrays[f"{part}Y"]) for part in ("train", "valid", "test")}
    torch.manual_seed(seed)
    model, _ = construct(cls, network)
    model, loss, _ = run_model(model, running_mode="train", train_set=data["train"], valid_set=data["valid"],
                               batch_size=settings["batch_size"], learning_rate=settings["lr"],
                               n_epochs=settings["epochs"], stop_thr=settings["min_delta"], shuffle=True)
    _, accuracy = run_model(model, running_mode="test", test_set=data["test"], batch_size=settings["batch_size"])
    return {"epochs": len(loss["train"]), "accuracy": float(accuracy), "test_count": int(len(arrays["testY"]))}


STEPS: dict[str, Callable[..., dict]] = {
    "import": step_import, "structure": step_structure, "training": step_training, "stopping": step_stopping,
    "test_pass": step_test_pass, "train_dogset": step_train_dogset,
}


def main() -> None:
    plan, records = json.loads(Path(sys.argv[1]).read_text()), open(sys.argv[2], "a")

    def write(**event: Any) -> None:
        records.write(json.dumps(event) + "\n")
        records.flush()

    ctx: dict = {}
    for step in plan:
        write(event="start", step=step["name"])
        try:
            result = STEPS[step["kind"]](ctx, **step["params"])
        except Skip as skip:
            write(event="skip", step=step["name"], reason=str(skip))
        except BaseException as error:  # noqa: BLE001 - SystemExit from student code included
            write(event="error", step=step["name"], error=describe(error))
        else:
            write(event="done", step=step["name"], result=result)


if __name__ == "__main__":
    main()
