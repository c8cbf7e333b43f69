"""Small data sets written by the tests themselves (MNIST-format IDX files and a DogSet-format
folder of PNGs), one shared `run_all.py --quick` for every test that reads a whole run's
outputs, and helpers to run a script in a subprocess or in this process. No network, no
../shared, and nothing written inside the repository."""
from __future__ import annotations

import gzip
import json
import os
import re
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

# One thread per process, before anything imports torch: `make test`'s two workers and the
# scripts they start share two cores, and idle OpenMP threads spinning beside them cost time.
os.environ.setdefault("OMP_NUM_THREADS", "1")

REPO = Path(__file__).resolve().parent.parent
BREEDS = ["samoyed", "miniature_poodle", "golden_retriever", "great_dane", "dalmatian",
          "collie", "siberian_husky", "yorkshire_terrier", "chihuahua", "saint_bernard"]


def write_idx(path: Path, array: np.ndarray, magic: int | None = None) -> Path:
    """An IDX file of uint8 `array`; gzip when the name ends in .gz."""
    magic = magic if magic is not None else 0x800 + array.ndim
    payload = struct.pack(">I", magic) + struct.pack(f">{array.ndim}I", *array.shape) + array.astype(np.uint8).tobytes()
    path.write_bytes(gzip.compress(payload) if path.suffix == ".gz" else payload)
    return path


def synthetic_digits(per_class: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Learnable fake digits: each class lights up its own block of pixels, plus noise."""
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(10), per_class)
    rng.shuffle(labels)
    images = rng.integers(0, 60, size=(len(labels), 28, 28))
    for i, label in enumerate(labels):
        row, col = divmod(int(label), 5)
        images[i, 4 + 10 * row: 12 + 10 * row, 2 + 5 * col: 6 + 5 * col] = 255
    return images.astype(np.uint8), labels.astype(np.uint8)


def make_mnist(folder: Path, train_per_class: int = 30, test_per_class: int = 100, gz: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    suffix = ".gz" if gz else ""
    for prefix, per_class, seed in (("train", train_per_class, 1), ("t10k", test_per_class, 2)):
        images, labels = synthetic_digits(per_class, seed)
        write_idx(folder / f"{prefix}-images-idx3-ubyte{suffix}", images)
        write_idx(folder / f"{prefix}-labels-idx1-ubyte{suffix}", labels)
    return folder


def make_dogset(folder: Path, per_partition: dict[str, int] | None = None, seed: int = 0) -> Path:
    """A DogSet-format folder: dogs.csv plus 64×64 RGB PNGs whose colour depends on the breed."""
    per_partition = per_partition or {"train": 6, "valid": 3, "test": 3}
    rng = np.random.default_rng(seed)
    (folder / "images").mkdir(parents=True, exist_ok=True)
    rows, number = [], 1
    for label, breed in enumerate(BREEDS):
        for partition, count in per_partition.items():
            for _ in range(count):
                name = f"{number:06d}.png"
                number += 1
                base = np.array([25 * label, 255 - 25 * label, (80 * label) % 256])
                pixels = np.clip(base + rng.normal(0, 30, size=(64, 64, 3)), 0, 255).astype(np.uint8)
                Image.fromarray(pixels, "RGB").save(folder / "images" / name)
                rows.append({"filename": name, "semantic_label": breed, "partition": partition, "numeric_label": label})
    pd.DataFrame(rows).to_csv(folder / "dogs.csv", index=False)
    return folder


def to_course_format(folder: Path, seed: int = 0) -> Path:
    """Rewrite a make_dogset folder's dogs.csv as the course distributes it: an unnamed row-index
    column first, the columns filename, partition, semantic_label, numeric_label, labels written
    as floats (`1.0`), rows in no breed order."""
    table = pd.read_csv(folder / "dogs.csv")
    table = table.sample(frac=1, random_state=seed).reset_index(drop=True)
    table["numeric_label"] = table["numeric_label"].astype(float)
    table[["filename", "partition", "semantic_label", "numeric_label"]].to_csv(folder / "dogs.csv")
    return folder


@pytest.fixture
def course_dogset(tmp_path) -> Path:
    """A small DogSet folder in the course's csv format, which a test may damage."""
    return to_course_format(make_dogset(tmp_path / "DogSet", {"train": 2, "valid": 1, "test": 1}))


@pytest.fixture(scope="session", autouse=True)
def no_writes_into_the_repository(tmp_path_factory):
    """The DogSet decode cache goes to a temporary folder, never to the repository's .cache/."""
    previous = os.environ.get("DOGSET_CACHE")
    os.environ["DOGSET_CACHE"] = str(tmp_path_factory.mktemp("dogset-cache"))
    yield
    if previous is None:
        os.environ.pop("DOGSET_CACHE", None)
    else:
        os.environ["DOGSET_CACHE"] = previous


@pytest.fixture(scope="session")
def mnist_dir(tmp_path_factory) -> Path:
    return make_mnist(tmp_path_factory.mktemp("mnist"))


@pytest.fixture(scope="session")
def dogset_dir(tmp_path_factory) -> Path:
    return make_dogset(tmp_path_factory.mktemp("dogset") / "DogSet")


@pytest.fixture
def fresh_dogset(tmp_path) -> Path:
    """A DogSet folder a test may damage."""
    return make_dogset(tmp_path / "DogSet", {"train": 2, "valid": 1, "test": 1})


@pytest.fixture(scope="session")
def quick_run(tmp_path_factory, mnist_dir, dogset_dir):
    """(folder, stdout, stderr) of one `run_all.py --quick` on the tests' data, 5 seeds, shared
    by every test that reads a whole run's figures, results or answer sheet."""
    out = tmp_path_factory.mktemp("quick")
    process = run_script("run_all.py", "--quick", "--out", str(out), "--mnist-dir", str(mnist_dir),
                         "--dogset", str(dogset_dir))
    assert process.returncode == 0, process.stdout[-3000:] + process.stderr[-3000:]
    return out, process.stdout, process.stderr


def call_main(monkeypatch, capsys, script: str, *args: str) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of a script's main() run in this process through run_main,
    as `python script args` would run it: for argument checks, without a new interpreter."""
    import importlib

    from common.cli import run_main

    module = importlib.import_module(script.removesuffix(".py"))
    monkeypatch.setattr(sys, "argv", [script, *args])
    try:
        run_main(module.main)
        status = 0
    except SystemExit as stop:
        status = stop.code if isinstance(stop.code, int) else 1
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def run_script(*args: str, env: dict | None = None, cwd: Path = REPO) -> subprocess.CompletedProcess:
    """Run a repository script with this interpreter; returns the finished process."""
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    return subprocess.run([sys.executable, *args], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=600)


BLOCK_TORCH = ("import sys, runpy; "
               "sys.modules['torch'] = None; "  # `import torch` now raises ImportError
               "sys.argv = ['make_answers.py', *sys.argv[1:]]; runpy.run_path('make_answers.py', run_name='__main__')")


def render_without_torch(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """`make_answers.py args` in a new interpreter where `import torch` fails."""
    return run_script("-c", BLOCK_TORCH, *args, env=env)


def strings(value, key: str = ""):
    """Every string inside a JSON value, with the key it sits under."""
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from strings(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v, key)


def assert_facts_not_paragraphs(results: Path) -> None:
    """Every string in every results/*.json is a fact (a name, a path, a label, a command line),
    not a sentence: the words live in the renderers. A command line may be long (its paths are
    the user's), so only it is spared the length cut."""
    for path in sorted(results.glob("*.json")):
        for key, text in strings(json.loads(path.read_text())):
            assert ". " not in text, (path.name, key, text[:120])
            assert key == "command" or len(text) <= 200, (path.name, key, text[:120])


SLOWEST_FILES = ("tests/test_scripts.py", "tests/test_check_homework.py", "tests/test_gradescope.py",
                 "tests/test_checkpoints.py")


def pytest_collection_modifyitems(items: list) -> None:
    """For `make test`'s two pytest-xdist workers (`-n 2 --dist loadfile --no-loadscope-reorder`,
    which hands out whole files in collection order): the files with the longest set-up (the
    quick run, check_homework's fixture repositories, the retraining copies) first, one to each
    worker, so that the short files fill in around them and both workers end together."""
    def rank(item) -> int:
        path = item.nodeid.split("::")[0]
        return SLOWEST_FILES.index(path) if path in SLOWEST_FILES else len(SLOWEST_FILES)
    items.sort(key=rank)  # stable: within a file, the written order


ABSOLUTE_PATH = re.compile(r"(?:^|[\s\[(`\"'=])(/[\w.-]+(?:/[\w.-]+)+)")


def absolute_paths(text: str) -> list[str]:
    """Every absolute path of at least two parts in `text` (`/work/run`, `/tmp/x/y`)."""
    return [m.group(1) for m in ABSOLUTE_PATH.finditer(text)]


def key_files(root: Path) -> list[Path]:
    """The answer sheet and the results files of a run (or of the committed key) in `root`."""
    return [root / "ANSWERS.md", *sorted((root / "results").glob("*.json"))]
