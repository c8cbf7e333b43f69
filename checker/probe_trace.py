"""What check_homework.py's child records while the student's code runs: which of the student's
lines made each tensor (`Trace`, a torch function mode), which lines ran and which line made each
number (`Lines`, a line tracer), and the losses, optimizers and optimizer steps the student's code
made (`Records`). Imports only the standard library, numpy and torch; the working directory is
the temporary copy of the student's repository."""
from __future__ import annotations

import math
import os
import sys
import traceback
import types
from pathlib import Path
from typing import Any, Callable

import numpy as np
import torch
from torch import nn
from torch.optim.optimizer import register_optimizer_step_pre_hook
from torch.overrides import TorchFunctionMode

ROOT = Path.cwd().resolve()
PREFIX = str(ROOT) + os.sep
TORCH = str(Path(torch.__file__).resolve().parent) + os.sep


def in_repo(filename: str) -> str | None:
    """A path relative to the student's repository, or None outside it."""
    return filename[len(PREFIX):] if filename.startswith(PREFIX) else None


def student_line(depth: int = 1) -> str | None:
    """'src/models.py:33': the student's line that made the current call, looking past torch's own
    frames; None when the call came from anywhere else (this probe, the standard library)."""
    frame = sys._getframe(depth)
    while frame is not None and frame.f_code.co_filename.startswith(TORCH):
        frame = frame.f_back
    where = in_repo(frame.f_code.co_filename) if frame is not None else None
    return f"{where}:{frame.f_lineno}" if where else None


def caller_line() -> str | None:
    """The innermost line of the student's code on the stack, wherever the call came from."""
    frame = sys._getframe(1)
    while frame is not None and not in_repo(frame.f_code.co_filename):
        frame = frame.f_back
    return f"{in_repo(frame.f_code.co_filename)}:{frame.f_lineno}" if frame is not None else None


def describe(error: BaseException) -> dict:
    """The error, its message's first line and its deepest line in the student's code."""
    if isinstance(error, SyntaxError):
        where = f"{in_repo(error.filename or '') or error.filename}:{error.lineno}"
        message, function = error.msg, None
    else:
        frames = [f for f in traceback.extract_tb(error.__traceback__) if in_repo(f.filename)]
        where = f"{in_repo(frames[-1].filename)}:{frames[-1].lineno}" if frames else None
        function = frames[-1].name if frames else None
        message = str(error).strip().splitlines()[0] if str(error).strip() else ""
        if isinstance(error, KeyError):
            message = repr(error.args[0]) if error.args else ""
    described = {"type": type(error).__name__, "message": message[:300], "where": where, "function": function}
    if isinstance(error, MemoryError) or "can't allocate memory" in message:
        described |= {"limit": "memory", "memory": int(os.environ.get("CHECKER_MEMORY_LIMIT", 0))}
    return described


class Trace(TorchFunctionMode):
    """Each torch call made directly from the student's code: its name, the shapes in and out, its
    keyword arguments and the student's line; and which call made each output tensor."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[dict] = []
        self.made: dict[int, dict] = {}
        self.kept: list[torch.Tensor] = []  # outputs held alive so that their ids stay theirs

    def __torch_function__(self, func: Callable, types: tuple, args: tuple = (), kwargs: dict | None = None) -> Any:
        kwargs = kwargs or {}
        out = func(*args, **kwargs)
        where = student_line(2)
        if where is not None and isinstance(out, torch.Tensor):
            first = next((a for a in args if isinstance(a, torch.Tensor)), None)
            call = {"name": getattr(func, "__name__", str(func)), "where": where, "out": list(out.shape),
                    "in": list(first.shape) if first is not None else None,
                    "kwargs": {k: v for k, v in kwargs.items() if isinstance(v, (str, int, float, bool))}}
            self.calls.append(call)
            self.made[id(out)] = call
            self.kept.append(out)
        return out


class Lines:
    """The lines of the student's code that ran, in order (a line tracer over every call), and
    the student's line that made each number: a number assigned to a local variable comes from
    that line, or, when a call during that line returned it, from the line that made it in the
    callee; a number appended to a list or returned comes from the local that held it, or from
    the appending or returning line itself."""

    def __init__(self) -> None:
        self.ran: list[tuple[str, int]] = []
        self.clock = 0
        self.current: dict[int, tuple[int, int]] = {}  # frame → (line running, clock when it started)
        self.held: dict[tuple, float] = {}
        self.made: dict[tuple, str] = {}  # (frame, local) → where its number was made
        self.returned: dict[float, tuple[int, str]] = {}  # number → (clock, where it was made)
        self.appended: dict[float, str] = {}
        self.lengths: dict[tuple, int] = {}
        self.run_model_returned: str | None = None  # the line run_model returned from

    def trace(self, frame: types.FrameType, event: str, arg: Any) -> Any:
        where = in_repo(frame.f_code.co_filename)
        if where is None:
            return None
        self.clock += 1
        key, running = id(frame), self.current.get(id(frame))
        if running is not None and event in ("line", "return"):
            for name, value in frame.f_locals.items():
                self.assigned((key, name), scalar(value), where, *running)
            for name, value in frame.f_locals.items():
                for part, items in (value.items() if isinstance(value, dict) else [("", value)]):
                    if isinstance(items, list):
                        self.grew(frame, (key, name, part), items, where, *running)
        if event == "line":
            self.ran.append((where, frame.f_lineno))
            self.current[key] = (frame.f_lineno, self.clock)
        elif event == "return":
            if frame.f_code.co_name == "run_model":
                self.run_model_returned = f"{where}:{frame.f_lineno}"
            for value in arg if isinstance(arg, tuple) else (arg,):
                number = scalar(value)
                if number is not None:
                    held = self.held_by(frame, number) or self.source(number, where, frame.f_lineno,
                                                                      running[1] if running else self.clock)
                    self.returned[round(number, 6)] = (self.clock, held)
            self.current.pop(key, None)
        return self.trace

    def source(self, number: float, where: str, line: int, started: int) -> str:
        """Where a number that appeared during `line` was made: in a callee that returned it then, or there."""
        returned = self.returned.get(round(number, 6))
        return returned[1] if returned and returned[0] >= started else f"{where}:{line}"

    def held_by(self, frame: types.FrameType, number: float) -> str | None:
        return next((self.made[(id(frame), name)] for name, value in frame.f_locals.items()
                     if (id(frame), name) in self.made and scalar(value) == number), None)

    def assigned(self, holder: tuple, number: float | None, where: str, line: int, started: int) -> None:
        if number is None or self.held.get(holder) == number:
            return
        self.held[holder] = number
        self.made[holder] = self.source(number, where, line, started)

    def grew(self, frame: types.FrameType, holder: tuple, items: list, where: str, line: int, started: int) -> None:
        """A list that grew by one: its new last number was appended during `line`."""
        if len(items) == self.lengths.get(holder, 0) + 1 and (number := scalar(items[-1])) is not None:
            self.appended.setdefault(round(number, 6), self.held_by(frame, number) or self.source(number, where, line, started))
        self.lengths[holder] = len(items)

    def origin(self, number: float | None) -> str | None:
        """'file:line' where `number` was made: first as appended to a list, else as last returned."""
        if number is None:
            return None
        returned = self.returned.get(round(number, 6))
        return self.appended.get(round(number, 6)) or (returned[1] if returned else None)

    def __enter__(self) -> Lines:
        sys.settrace(self.trace)
        return self

    def __exit__(self, *exc: object) -> None:
        sys.settrace(None)

    def matching(self, test: Callable[[str], bool], file: str | None = None) -> list[str]:
        """'file:line' of each distinct line that ran (in `file`, when given) whose text passes
        `test`, in the order first run."""
        found = []
        for where, number in dict.fromkeys(self.ran):
            if (file is None or where == file) and test(source_line(where, number)):
                found.append(f"{where}:{number}")
        return found


def scalar(value: Any) -> float | None:
    """A number held in a Python number or a one-element tensor, as a float; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, np.number)):
        return float(value)
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        return float(value.detach())
    return None


def source_line(where: str, number: int) -> str:
    try:
        return (ROOT / where).read_text(errors="replace").splitlines()[number - 1].split("#")[0]
    except (OSError, IndexError):
        return ""


class Records:
    """What the student's code created, recorded as it ran: losses (with their reduction), optimizers
    (with their learning rate) and each optimizer step, each with the student's line."""

    losses: list[dict] = []
    optimizers: list[dict] = []
    steps: list[str | None] = []

    @classmethod
    def clear(cls) -> None:
        cls.losses, cls.optimizers, cls.steps = [], [], []

    @classmethod
    def install(cls) -> None:
        loss_init, optimizer_init = nn.modules.loss._Loss.__init__, torch.optim.Optimizer.__init__

        def recording_loss(self: nn.Module, *args: Any, **kwargs: Any) -> None:
            loss_init(self, *args, **kwargs)
            if (where := caller_line()) is not None:
                cls.losses.append({"type": type(self).__name__, "reduction": self.reduction, "where": where})

        def recording_optimizer(self: torch.optim.Optimizer, params: Any, defaults: dict, *args: Any, **kw: Any) -> None:
            optimizer_init(self, params, defaults, *args, **kw)
            if (where := caller_line()) is not None:
                cls.optimizers.append({"type": type(self).__name__, "lr": float(defaults.get("lr", math.nan)),
                                       "where": where})

        nn.modules.loss._Loss.__init__ = recording_loss
        torch.optim.Optimizer.__init__ = recording_optimizer
        register_optimizer_step_pre_hook(lambda *_: cls.steps.append(caller_line()))
