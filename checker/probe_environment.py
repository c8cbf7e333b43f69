"""What check_homework.py's child does about the student's environment rather than the student's
code: NumPy's removed names restored, a package __init__.py that fails passed by, and the course's
MyDataset where the repository leaves its own out. Each is noted once, for the report to say."""
from __future__ import annotations

import sys
import traceback
from typing import Any

import numpy as np
import torch

from probe_trace import in_repo

NUMPY_REMOVED = {"float": float, "int": int, "bool": bool, "object": object, "complex": complex, "str": str,
                 "long": int, "unicode": str, "NaN": np.nan, "NAN": np.nan, "Inf": np.inf, "Infinity": np.inf,
                 "infty": np.inf, "PINF": np.inf, "NINF": -np.inf, "float_": np.float64, "complex_": np.complex128,
                 "unicode_": np.str_, "string_": np.bytes_}
NOTES: list[dict] = []  # what the checker did for the environment, not the student: reported once


def restore_numpy_names() -> None:
    """NumPy 1.24 and 2.0 removed old aliases (np.float, np.NaN, numpy.lib.function_base): put them back."""
    for name, value in NUMPY_REMOVED.items():
        if name not in np.__dict__:
            setattr(np, name, value)
    from numpy.lib import _function_base_impl
    sys.modules.setdefault("numpy.lib.function_base", _function_base_impl)
    np.lib.function_base = _function_base_impl


def removed_numpy_name(error: BaseException) -> bool:
    text = f"{type(error).__name__}: {error}"
    return (("numpy" in text.lower() and isinstance(error, AttributeError)
             and ("was removed in the NumPy" in text or "deprecated alias" in text))
            or (isinstance(error, ModuleNotFoundError) and (error.name or "").startswith("numpy.")))


def note(kind: str, **fields: Any) -> None:
    if not any(n["id"] == kind for n in NOTES):
        NOTES.append({"id": kind, **fields})


def failed_in_package_init(error: BaseException) -> str | None:
    """The package (src or data) whose __init__.py the import failed in, or None."""
    for frame in traceback.extract_tb(error.__traceback__):
        where = in_repo(frame.filename) or ""
        if where.endswith("__init__.py") and "/" in where:
            return where.split("/")[0]
    return None


class CourseDataset(torch.utils.data.Dataset):
    """The course's four-line MyDataset, used when a repository leaves data/my_dataset.py out."""

    def __init__(self, x: np.ndarray, y: np.ndarray) -> None:
        self.x, self.y = x, y

    def __len__(self) -> int:
        return len(self.y)

    def __getitem__(self, index: int) -> tuple:
        return self.x[index], self.y[index]

