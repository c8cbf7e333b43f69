"""Saved models follow the code: a checkpoint is reused only when the network, the training
code, the settings and the data are what trained it."""
import dataclasses
import json
import shutil
import subprocess
import sys
from types import SimpleNamespace

import torch
from torch.utils.data import DataLoader

import q04_mnist_time
import q06_mnist_acc
import q11_dog_mlp
from harness.dog_runs import checkpoint_of
from harness.mnist_runs import train_one_size
from models import Digit_Classifier
from harness.checkpoints import code_fingerprint, model_key, recipe_fingerprint, source_fingerprint
from conftest import REPO

COPIED = ("common", "rules", "harness", "data", "answers", "load_data.py", "my_dataset.py", "models.py", "run_model.py", "q06_mnist_acc.py")


def test_comments_and_docstrings_do_not_change_the_fingerprint_but_code_does(tmp_path):
    original = "def f(x):\n    return x + 1\n"
    path = tmp_path / "m.py"
    path.write_text(original)
    before = source_fingerprint(path)
    path.write_text('"""Doc."""\n# a comment\n\ndef f(x):\n    """More doc."""\n    return x + 1  # same\n')
    assert source_fingerprint(path) == before
    path.write_text("def f(x):\n    return x + 2\n")
    assert source_fingerprint(path) != before


def test_the_key_covers_the_network_structure_and_the_recipe():
    relu = torch.nn.Sequential(torch.nn.Linear(4, 2), torch.nn.ReLU())
    tanh = torch.nn.Sequential(torch.nn.Linear(4, 2), torch.nn.Tanh())  # same parameter shapes, another activation
    assert model_key(relu, None, "settings", 0) != model_key(tanh, None, "settings", 0)
    assert model_key(relu, None, "settings", 0) == model_key(torch.nn.Sequential(torch.nn.Linear(4, 2), torch.nn.ReLU()),
                                                             None, "settings", 0)
    assert model_key(relu, q04_mnist_time.train, "settings", 0) != model_key(relu, None, "settings", 0)


def shuffled(data, seed):
    """A recipe."""
    return DataLoader(data, batch_size=10, shuffle=True)  # a comment


def shuffled_again(data, seed):
    return DataLoader(data, batch_size=10, shuffle=True)


def in_file_order(data, seed):
    return DataLoader(data, batch_size=10, shuffle=False)


def test_a_recipes_code_keys_its_models_and_its_name_comments_and_docstring_do_not():
    assert recipe_fingerprint(shuffled) == recipe_fingerprint(shuffled_again)
    assert recipe_fingerprint(shuffled) != recipe_fingerprint(in_file_order)


def test_q06_tests_the_models_of_q04s_recipe():
    """q06 reuses q04's saved models only because both scripts' recipes read the same."""
    assert recipe_fingerprint(q06_mnist_acc.train) == recipe_fingerprint(q04_mnist_time.train)


def test_editing_the_model_in_a_copy_retrains(tmp_path, mnist_dir):
    """q06 on a copy of the code: a rerun reuses its models, a comment edit still does, and
    ReLU → Tanh in models.py retrains every one."""
    copy = tmp_path / "repo"
    for name in COPIED:
        (shutil.copytree if (REPO / name).is_dir() else shutil.copy)(REPO / name, copy / name)

    def reused() -> int:
        process = subprocess.run([sys.executable, "q06_mnist_acc.py", "--sizes", "50", "--epochs", "1", "--seeds", "0",
                                  "1", "--quiet", "--mnist-dir", str(mnist_dir), "--out", str(tmp_path / "out")],
                                 cwd=copy, capture_output=True, text=True)
        assert process.returncode == 0, process.stderr[-2000:]
        return json.loads((tmp_path / "out" / "results" / "q06.json").read_text())["runs"][0]["reused_checkpoints"]

    models, script = copy / "models.py", copy / "q06_mnist_acc.py"
    assert reused() == 0
    models.write_text(models.read_text() + "\n# a comment changes nothing the models compute\n")
    script.write_text(script.read_text().replace("# lr 0.01", "# the homework's lr"))
    assert reused() == 2
    models.write_text(models.read_text().replace("x = F.relu(self.fc1(x))", "x = torch.tanh(self.fc1(x))", 1))
    assert reused() == 0
    assert code_fingerprint(copy) != code_fingerprint(REPO)


def test_the_thread_count_keys_the_saved_dog_models(tmp_path):
    """Another thread count sums in another order: a model trained on 2 threads is never reused
    as the homework's 1-thread model (README, speed flags)."""
    data = SimpleNamespace(fingerprint="the data's bytes")
    def key(threads):
        return checkpoint_of(q11_dog_mlp.SCRIPT, data, 0, q11_dog_mlp.HOMEWORK, tmp_path, threads)[1]
    assert key(1) != key(2) and key(1) == key(1)


def test_the_thread_count_keys_the_saved_mnist_models(tmp_path, mnist_dir):
    settings = dataclasses.replace(q04_mnist_time.HOMEWORK, epochs=1)
    def trained(threads):
        return train_one_size(Digit_Classifier, q04_mnist_time.train, mnist_dir, 20, 0, settings, tmp_path,
                              reuse=True, threads=threads)
    assert not trained(1).reused
    assert not trained(2).reused
    assert trained(1).reused
