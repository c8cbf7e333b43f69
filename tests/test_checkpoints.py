"""Saved models follow the code: a checkpoint is reused only when the network, the training
code, the settings and the data are what trained it."""
import json
import shutil
import subprocess
import sys

import torch

from common.checkpoints import code_fingerprint, model_key, source_fingerprint
from common.models import mnist_mlp
from conftest import REPO

COPIED = ("common", "data", "answers", "load_data.py", "my_dataset.py", "q06_mnist_acc.py")


def test_comments_and_docstrings_do_not_change_the_fingerprint_but_code_does(tmp_path):
    original = "def f(x):\n    return x + 1\n"
    path = tmp_path / "m.py"
    path.write_text(original)
    before = source_fingerprint(path)
    path.write_text('"""Doc."""\n# a comment\n\ndef f(x):\n    """More doc."""\n    return x + 1  # same\n')
    assert source_fingerprint(path) == before
    path.write_text("def f(x):\n    return x + 2\n")
    assert source_fingerprint(path) != before


def test_the_key_covers_the_network_structure():
    relu = mnist_mlp()
    tanh = mnist_mlp()
    tanh[2] = torch.nn.Tanh()  # same parameter shapes, another activation
    assert model_key(relu, "settings", 0) != model_key(tanh, "settings", 0)
    assert model_key(relu, "settings", 0) == model_key(mnist_mlp(), "settings", 0)


def test_editing_the_model_in_a_copy_retrains(tmp_path, mnist_dir):
    """q06 on a copy of the code: a rerun reuses its models, a comment edit still does, and
    ReLU → Tanh in common/models.py retrains every one."""
    copy = tmp_path / "repo"
    for name in COPIED:
        (shutil.copytree if (REPO / name).is_dir() else shutil.copy)(REPO / name, copy / name)

    def reused() -> int:
        process = subprocess.run([sys.executable, "q06_mnist_acc.py", "--sizes", "50", "--epochs", "1", "--seeds", "0",
                                  "1", "--quiet", "--mnist-dir", str(mnist_dir), "--out", str(tmp_path / "out")],
                                 cwd=copy, capture_output=True, text=True)
        assert process.returncode == 0, process.stderr[-2000:]
        return json.loads((tmp_path / "out" / "results" / "q06.json").read_text())["runs"][0]["reused_checkpoints"]

    models = copy / "common" / "models.py"
    assert reused() == 0
    models.write_text(models.read_text() + "\n# a comment changes nothing the models compute\n")
    assert reused() == 2
    models.write_text(models.read_text().replace("layers += [nn.Linear(width, size), nn.ReLU()]",
                                                 "layers += [nn.Linear(width, size), nn.Tanh()]"))
    assert reused() == 0
    assert code_fingerprint(copy) != code_fingerprint(REPO)
