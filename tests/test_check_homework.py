"""check_homework.py on fixture repositories written for it (tests/homework_fixtures/, and the
correct one with slips, a syntax error or a hang made in its lines): each gets exactly its
diagnosis, a hang or a crash costs one line, and part 3 trains on a tiny DogSet."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from checker import rules
from checker.compare import compare_run
from conftest import call_main

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "homework_fixtures"  # correct and skeleton: written out in full
NETWORK_NAMES = ("Digit_Classifier", "Dog_Classifier_FC", "Dog_Classifier_Conv")
# Each slip: the lines it changes in the correct solution, (file, old, new, which occurrence of old); a
# changed line ending in "# slip: ID ..." is where the checker must report finding ID. ("write", file, text)
# adds a file, ("delete", file) takes one away. Each class of slip seen in real solutions has one here.
CONV_POOL = [("src/models.py", "        self.fc = nn.Linear(32 * 13 * 13, 10)\n",
              "        self.pool = nn.MaxPool2d(2)  # one layer, used after both convs\n"
              "        self.fc = nn.Linear(32 * 13 * 13, 10)\n", 0),
             ("src/models.py", "x = F.relu(self.conv1(x))", "x = self.pool(F.relu(self.conv1(x)))", 0),
             ("src/models.py", "x = F.relu(self.conv2(x))", "x = self.pool(F.relu(self.conv2(x)))", 0)]
COURSE_TEST = """from src.models import Dog_Classifier_Conv


def test_dog_conv():
    kernel_size = [(5,5),(5,5)]
    stride = [(1,1),(1,1)]
    model = Dog_Classifier_Conv(kernel_size, stride)
    assert model is not None
"""
ONE_EPOCH_DOCSTRING = ('              batch_size=1, learning_rate=0.01, n_epochs=1, stop_thr=1e-4, shuffle=True):\n',
                       '              batch_size=1, learning_rate=0.01, n_epochs=1, stop_thr=1e-4, shuffle=True):\n'
                       '    """stop_thr: if the validation loss from one epoch to the next is less than this value,\n'
                       '    stop training."""\n')
SLIPS = {
    "relu_output": [("src/models.py", "return self.fc3(x)", "return F.relu(self.fc3(x))  # slip: relu_output", 1)],
    "softmax_output": [("src/models.py", "return self.fc3(x)", "return F.softmax(self.fc3(x), dim=1)  # slip: softmax_output", 1)],
    "view_not_permute": [("src/models.py", "x = inputs.permute(0, 3, 1, 2)",
                          "x = inputs.view(-1, 3, 64, 64)  # slip: view_not_permute", 0)],
    "no_zero_grad": [("src/run_model.py", "        optimizer.zero_grad()\n", "", 0),
                     ("src/run_model.py", "optimizer.step()", "optimizer.step()  # slip: no_zero_grad", 0)],
    "summed_loss": [("src/run_model.py", "loss_fn = torch.nn.CrossEntropyLoss()",
                     "loss_fn = torch.nn.CrossEntropyLoss(reduction='sum')  # slip: summed_loss", 0),
                    ("src/run_model.py", "total += loss.item() * len(labels)", "total += loss.item()", 0)],
    "stop_patience_1": [("src/run_model.py", "if patience >= 3:", "if patience >= 1:", 0),
                        ("src/run_model.py", "<= stop_thr else 0", "<= stop_thr else 0  # slip: stop_patience_1", 0)],
    "stop_on_train_loss": [("src/run_model.py", "loss['valid'][-2] - loss['valid'][-1] <= stop_thr else 0",
                            "loss['train'][-2] - loss['train'][-1] <= stop_thr else 0  # slip: stop_on_train_loss", 0)],
    "syntax_error": [("src/models.py", "class Digit_Classifier(nn.Module):",
                      "class Digit_Classifier(nn.Module)  # slip: import_error", 0)],
    "hangs": [("src/run_model.py", "import torch\n", "import time\n\nimport torch\n", 0),  # an endless loop, asleep so
              ("src/run_model.py", "    if running_mode == 'test':\n",          # that the tests' other worker keeps the CPU
               "    while True:  # the slip\n        time.sleep(1)\n    if running_mode == 'test':\n", 0)],
    # another term's correct CNN: max-pool through one layer used twice, built by the repository's own course test
    "pool_term": CONV_POOL + [("write", "tests/test_models.py", COURSE_TEST),
                              ("src/run_model.py", *ONE_EPOCH_DOCSTRING, 0),
                              ("src/run_model.py", "if patience >= 3:", "if patience >= 1:", 0)],
    # the same term's CNN through F.max_pool2d, with no test to say the term
    "pool_functional": [("src/models.py", "x = F.relu(self.conv1(x))", "x = F.max_pool2d(F.relu(self.conv1(x)), 2)", 0),
                        ("src/models.py", "x = F.relu(self.conv2(x))", "x = F.max_pool2d(F.relu(self.conv2(x)), 2)", 0)],
    # crashes in the student's code, each run around
    "network_init_crash": [("src/models.py", "        self.fc3 = nn.Linear(64, 10)\n",
                            "        self.fc3 = nn.Linear(64, 10)\n        self.fc3.weigth.data.zero_()  # slip: network_init_crash\n", 1)],
    "crash_batch": [("src/run_model.py", "correct += (outputs.argmax(1) == labels).sum().item()",
                     "correct += (outputs.argmax(1) == labels).item()  # slip: crash_batch", 0)],
    "crash": [("src/run_model.py", "batch_size=batch_size, shuffle=False))\n",
               "batch_size=batch_sise, shuffle=False))  # slip: crash\n", 0)],
    "no_grad_missing": [("src/run_model.py", "    with torch.no_grad():\n", "    if True:\n", 0),
                        ("src/run_model.py", "outputs = model(inputs.float())", "outputs = model(inputs.float())  # slip: no_grad_missing", 1)],
    # the environment, not the student
    "environment": [("delete", "data/my_dataset.py"),
                    ("write", "src/__init__.py", "import a_package_of_another_homework  # not installed here\n"),
                    ("src/run_model.py", "from torch.utils.data import DataLoader\n",
                     "from torch.utils.data import DataLoader\nimport numpy as np\n\nFLOAT = np.float  # NumPy < 1.24\n", 0)],
    # the limits: an allocation past the memory limit, and more printed than the cap
    "limits": [("src/models.py", "        self.fc1 = nn.Linear(784, 128)\n",
                "        self.buffer = torch.empty(6 << 30, dtype=torch.uint8)  # 6 GiB, past the 4 GiB limit\n"
                "        self.fc1 = nn.Linear(784, 128)\n", 0),
               ("src/models.py", "import torch.nn as nn\n", "import torch\nimport torch.nn as nn\n", 0),
               ("src/run_model.py", "    if running_mode == 'test':\n",
                "    if running_mode == 'test':\n        print('x' * (2 << 20))  # 2 MiB, past the 1 MiB cap\n", 0)],
    # slips nothing probed before
    "view_after_conv+relu": [("src/models.py", "return self.fc(x.reshape(x.shape[0], -1))",
                              "return F.relu(self.fc(x.view(x.shape[0], -1)))  # slip: view_after_conv relu_output", 0)],
    "loop_flattens": [("src/run_model.py", "        outputs = model(inputs.float())\n",
                       "        inputs = inputs.reshape(len(inputs), -1)  # slip: loop_flattens\n        outputs = model(inputs.float())\n", 0)],
    "stop_exact_equality": [("src/run_model.py", "loss['valid'][-2] - loss['valid'][-1] <= stop_thr else 0",
                             "loss['valid'][-2] == loss['valid'][-1] else 0  # slip: stop_exact_equality", 0)],
    "accuracy_per_batch": [("src/run_model.py", "            count += len(labels)\n",
                            "            count += len(labels)\n            batches += 1\n"
                            "            right += (outputs.argmax(1) == labels).float().mean().item()\n", 0),
                           ("src/run_model.py", "    total, correct, count = 0.0, 0, 0\n    with",
                            "    total, correct, count, batches, right = 0.0, 0, 0, 0, 0.0\n    with", 0),
                           ("src/run_model.py", "    return total / count, 100 * correct / count\n",
                            "    return total / count, 100 * right / batches  # slip: accuracy_per_batch\n", 0)],
    "batch_size_one": [("src/models.py", "x = inputs.permute(0, 3, 1, 2)",
                        "x = inputs.view(1, 3, 64, 64)  # slip: batch_size_one view_not_permute", 0)],
    "stop_abs": [("src/run_model.py", "loss['valid'][-2] - loss['valid'][-1] <= stop_thr else 0",
                  "abs(loss['valid'][-2] - loss['valid'][-1]) <= stop_thr else 0  # slip: stop_abs", 0)],
    "accuracy_tensor+loss_not_mean": [
        ("src/run_model.py", "correct += (outputs.argmax(1) == labels).sum().item()", "correct += (outputs.argmax(1) == labels).sum()", 1),
        ("src/run_model.py", "total += loss_fn(outputs, labels.long()).item() * len(labels)", "total += loss_fn(outputs, labels.long()).item()", 0),
        ("src/run_model.py", "    return total / count, 100 * correct / count\n",
         "    return total / count, 100 * correct / count  # slip: accuracy_tensor loss_not_mean\n", 0)],
    "no_valid_crash": [("src/run_model.py", "    train_loader = DataLoader(train_set, batch_size=batch_size, shuffle=shuffle)\n",
                        "    train_loader = DataLoader(train_set, batch_size=batch_size, shuffle=shuffle)\n"
                        "    print(len(valid_set), 'validation images')  # slip: no_valid_crash\n", 0)],
    "test_needs_other_sets": [("src/run_model.py", "    if running_mode == 'test':\n",
                               "    if running_mode == 'test':\n        print(len(train_set), 'training images')  # slip: test_needs_other_sets\n", 0)],
    "train_returns_wrong": [("src/run_model.py", "    return model, loss, acc\n", "    return model, loss  # slip: train_returns_wrong\n", 0)],
    "test_returns_wrong+eval": [
        ("src/run_model.py", "        return _test(model, DataLoader(test_set, batch_size=batch_size, shuffle=False))\n",
         "        return None  # slip: test_returns_wrong\n", 0),
        ("src/run_model.py", "def _test(model, data_loader):\n    model.eval()\n", "def _test(model, data_loader):\n", 0),
        ("src/run_model.py", "outputs = model(inputs.float())", "outputs = model(inputs.float())  # slip: eval_forgotten", 1)],
    "accuracy_not_percent": [("src/run_model.py", "    return model, total / count, 100 * correct / count\n",
                              "    return model, total / count, correct / count  # slip: accuracy_not_percent\n", 0)],
}
SLIPPED = {  # each repository: the correct solution with these slips, at most one for each of the checker's
    # checks (a network's output, the CNN's input, its flattening, the training step, the stopping rule, the loop's
    # shapes, the numbers it reports, the test pass, the modes without a set), so that each check sees one slip and
    # must report exactly the slips made, at their lines: nothing missed, nothing extra
    "relu+view+no_zero_grad+stop_after_1": ("relu_output", "view_not_permute", "no_zero_grad", "stop_patience_1"),
    "softmax+summed_loss+stop_on_train_loss": ("softmax_output", "summed_loss", "stop_on_train_loss"),
    "pool_term": ("pool_term",),
    "pool_functional": ("pool_functional",),
    "crashes": ("network_init_crash", "crash_batch", "crash", "no_grad_missing"),
    "environment": ("environment",),
    "view_after_conv+flattens+equality+per_batch": ("view_after_conv+relu", "loop_flattens", "stop_exact_equality",
                                                    "accuracy_per_batch"),
    "batch_one+abs+tensor": ("batch_size_one", "stop_abs", "accuracy_tensor+loss_not_mean"),
    "no_valid+test_sets+returns": ("no_valid_crash", "test_needs_other_sets", "train_returns_wrong"),
    "test_returns_nothing+percent": ("test_returns_wrong+eval", "accuracy_not_percent"),
    "limits": ("limits",),
    "syntax_error": ("syntax_error",),
    "hangs": ("hangs",),
}
EXPECTED = {  # repository → (its notes, each check that could not run → a phrase of its reason)
    "correct": (set(), {}),
    **{name: (set(), {}) for name in SLIPPED},
    "pool_functional": ({"term_detected"}, {}),
    "environment": ({"my_dataset_substituted", "package_init_bypassed", "numpy_removed_names"}, {}),
    "crashes": (set(), {"Dog_Classifier_FC": "could not be built", "run_model's test pass": "it crashed at"}),
    "skeleton": (set(), {check: "could not be built" if check in NETWORK_NAMES else "it crashed at"
                         for check in (*NETWORK_NAMES, "run_model's training step", "run_model's stopping rule",
                                       "run_model's test pass")}),
    "syntax_error": (set(), {check: "src/models.py, which could not be loaded" for check in NETWORK_NAMES}),
    "limits": (set(), {"Digit_Classifier": "more than the memory limit (4 GiB) at src/models.py:10",
                       "run_model's test pass": "printed more than 1,024 KiB"}),
    "hangs": (set(), {"run_model's training step": "did not finish within 10 s",
                      **{check: "stopped, so it did not run" for check in ("run_model's stopping rule",
                                                                           "run_model without a validation set",
                                                                           "run_model's test pass")}}),
}
STATUS = {"correct": "clean", "pool_term": "clean", "environment": "clean", "view_after_conv+flattens+equality+per_batch": "slips",
          "skeleton": "incomplete", "crashes": "incomplete", "hangs": "incomplete", "limits": "incomplete"}


def make_slip(name: str, folder: Path) -> Path:
    """folder/name: a copy of the correct fixture with the lines of SLIPPED[name]'s slips changed."""
    repo = folder / name
    shutil.copytree(FIXTURES / "correct", repo)
    for slip in SLIPPED[name]:
        for change in SLIPS[slip]:
            if change[0] == "delete":
                (repo / change[1]).unlink()
                continue
            if change[0] == "write":
                (repo / change[1]).parent.mkdir(parents=True, exist_ok=True)
                (repo / change[1]).write_text(change[2])
                continue
            file, old, new, occurrence = change
            path = repo / file
            parts = path.read_text().split(old)
            assert len(parts) > occurrence + 1, (slip, old)  # the correct fixture still holds the line
            path.write_text(old.join(parts[:occurrence + 1]) + new + old.join(parts[occurrence + 1:]))
    return repo


def marked(repo: Path) -> dict[str, str]:
    """finding id → 'file:line' of the line marked `# slip: ID` in the repository."""
    found = {}
    for path in sorted(repo.rglob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if "# slip: " in line:
                for finding_id in line.split("# slip: ")[1].split():
                    found[finding_id] = f"{path.relative_to(repo)}:{number}"
    return found


def repository(name: str, folder: Path) -> Path:
    return make_slip(name, folder) if name in SLIPPED else FIXTURES / name


def check(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DOGSET_DIR"}
    return subprocess.run([sys.executable, "check_homework.py", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=600)


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> tuple[Path, str, Path]:
    """One run over every fixture, the hanging one among them, as a TA checks a section."""
    out, repos = tmp_path_factory.mktemp("check"), tmp_path_factory.mktemp("repos")
    process = check(*(str(repository(name, repos)) for name in EXPECTED), "--timeout", "10", "--out", str(out))
    assert process.returncode == 2, process.stderr[-3000:]  # some repositories could not be checked in full
    return out, process.stdout, repos


@pytest.mark.parametrize("fixture", sorted(EXPECTED))
def test_each_fixture_gets_exactly_its_diagnosis_at_its_lines(reports, fixture):
    out, _, repos = reports
    result = json.loads((out / f"{fixture}.json").read_text())
    notes, not_run = EXPECTED[fixture]
    lines = marked(repos / fixture) if fixture in SLIPPED else {}
    slips = [f for f in result["findings"] if f["id"] != "unfinished"]
    assert {f["id"]: f["where"] for f in slips} == lines, result["findings"]
    assert len(slips) == len(lines), result["findings"]  # one finding per slip, none repeated
    assert {n["id"] for n in result["notes"]} == notes
    assert {n["check"] for n in result["not_run"]} == set(not_run), result["not_run"]
    for entry in result["not_run"]:
        assert not_run[entry["check"]] in entry["reason"], entry
    assert result["part3"] is None and "Part 3 was skipped" in result["verdict"]
    assert (out / f"{fixture}.md").read_text().startswith(f"# Checking {fixture}")


def test_every_correct_network_of_each_term_is_called_right(reports):
    out, _, _ = reports
    for fixture, term in (("correct", "homework"), ("pool_term", "pool"), ("pool_functional", "homework")):
        result = json.loads((out / f"{fixture}.json").read_text())
        assert result["term"]["name"] == term and result["findings"] == [], result["findings"]
        assert all(facts["weights"] == facts["expected"][0] for facts in result["networks"].values())
    pooled = json.loads((out / "pool_functional.json").read_text())
    assert "the CNN of the max-pool term" in pooled["term"]["title"]
    assert "max-pool" in pooled["verdict"] and "stops after 3 epochs in a row" in pooled["verdict"]
    course = json.loads((out / "pool_term.json").read_text())
    assert "tests/test_models.py:7" in course["term"]["reason"] and course["term"]["patience"] == 1


def test_the_skeleton_is_called_unfinished(reports):
    result = json.loads((reports[0] / "skeleton.json").read_text())
    assert {f["id"] for f in result["findings"]} == {"unfinished"}
    assert "Unfinished:" in result["verdict"] and "NotImplementedError" in result["verdict"]


def test_each_slip_is_worded_once_with_its_fix_and_the_keys_line(reports):
    out, _, _ = reports
    text = (out / "view_after_conv+flattens+equality+per_batch.md").read_text()
    paragraph, part2 = text.split("## Part 1")[0], text.split("## Part 2")[1].split("## Part 3")[0]
    assert "Off: 5 slips" in paragraph and "reshape" not in paragraph  # named in part 2 only
    bullets = [line for line in part2.splitlines() if line.startswith("- ")]
    assert len(bullets) == 5 and all("**Fix:**" in b for b in bullets)
    assert "`x.reshape(x.shape[0], -1)` or `torch.flatten(x, 1)`" in part2 and "make forward() return" not in part2
    assert "the key's `models.py`" in part2
    relative = json.loads((out / "relu+view+no_zero_grad+stop_after_1.json").read_text())
    assert "a slip only by the stopping rule of this homework" in (out / "relu+view+no_zero_grad+stop_after_1.md").read_text()
    assert relative["term"]["fixed"] is False


def test_several_repositories_give_one_summary_table_and_summary_json(reports):
    out, stdout, _ = reports
    table = (out / "summary.md").read_text()
    assert table in stdout and len(table.splitlines()) == 2 + len(EXPECTED)
    assert ("| relu+view+no_zero_grad+stop_after_1 | slips | homework | relu_output, view_not_permute, no_zero_grad, "
            "stop_patience_1 | none | none | skipped |") in table
    assert ("| hangs | incomplete | homework | none in what ran | none | run_model's training step, run_model's stopping "
            "rule, run_model without a validation set, run_model's test pass | skipped |") in table
    summary = json.loads((out / "summary.json").read_text())
    assert summary["exit_status"] == 2
    entries = {e["name"]: e for e in summary["repositories"]}
    assert set(entries) == set(EXPECTED)
    for name, status in STATUS.items():
        assert entries[name]["status"] == status and entries[name]["exit_status"] == {"clean": 0, "slips": 1,
                                                                                       "incomplete": 2}[status]
    assert entries["hangs"]["not_run"][0]["check"] == "run_model's training step"
    assert entries["environment"]["notes"] and entries["environment"]["findings"] == []


def test_a_repository_with_slips_only_exits_1(tmp_path):
    repo = make_slip("softmax+summed_loss+stop_on_train_loss", tmp_path)
    process = check(str(repo), "--out", str(tmp_path / "out"))
    assert process.returncode == 1, process.stderr[-2000:]


def test_a_syntax_error_in_models_still_checks_run_model(reports):
    result = json.loads((reports[0] / "syntax_error.json").read_text())
    assert [(f["id"], f["where"]) for f in result["findings"]] == [("import_error", "src/models.py:6")]
    assert result["facts"]["training"] == "textbook" and result["facts"]["stopping_epochs"] == rules.rules(3, 1e-4)["homework"]
    assert result["networks"] == {}  # not checked, and said so (EXPECTED), never "none found"


def test_a_hang_is_stopped_and_costs_one_line(reports):
    """The hanging run_model is stopped after its step's limit (its one problem line is checked
    above); part 1 ran before it, and every other repository of the same run was checked."""
    out, _, _ = reports
    hung = json.loads((out / "hangs.json").read_text())
    assert all(hung["networks"].values())  # part 1 ran before the hang
    assert all((out / f"{name}.json").exists() for name in EXPECTED)


def test_the_readme_quotes_a_report_as_check_homework_writes_it(reports):
    out, _, _ = reports
    name = "softmax+summed_loss+stop_on_train_loss"
    verdict = json.loads((out / f"{name}.json").read_text())["verdict"]
    part2 = (out / f"{name}.md").read_text().split("## Part 2")[1].split("## Part 3")[0]
    quoted = (REPO / "README.md").read_text().split(f"```text\n**{name}.**")[1].split("```")[0]
    assert " ".join(f"**{name}.**{quoted}".split()) == " ".join(f"{verdict} ## Part 2{part2}".split())


def test_part3_trains_with_the_students_run_model_and_scores_it_with_the_keys_test_pass(tmp_path, course_dogset):
    out = tmp_path / "out"
    process = check(str(FIXTURES / "correct"), "--dogset", str(course_dogset), "--epochs", "2", "--out", str(out))
    assert process.returncode == 0, process.stderr[-3000:]  # checked in full, nothing off
    result = json.loads((out / "correct.json").read_text())
    assert (out / "correct_part3.png").stat().st_size > 10_000 and "(correct_part3.png)" in (out / "correct.md").read_text()
    assert [n["network"] for n in result["part3"]] == ["Dog_Classifier_FC", "Dog_Classifier_Conv"]
    for network in result["part3"]:
        (run,) = network["runs"]
        assert run["epochs"] == 2 and run["seed"] == 0 and run["interval"][0] <= run["test_acc"] <= run["interval"][1]
        assert run["test_acc"] == run["right"] / run["test_count"]
        assert run["own_accuracy"] == pytest.approx(run["test_acc"])  # the correct _test agrees with the key's
        assert len(run["valid_loss"]) == 2 and network["key_curves"]["epochs"][0] == 1
        assert not network["same_dogset"]
    assert "test images right by the key's test pass" in process.stdout
    assert "the key's 5 seeds" in process.stdout and "not the term's settings: 2 epochs" in process.stdout


def live(name: str) -> dict:
    return json.loads((REPO / "results" / name).read_text())


def diagnosis_with(*finding_ids: str, checked: tuple[str, ...] = ()) -> dict:
    return {"findings": [{"id": f, "where": "src/run_model.py:1"} for f in finding_ids], "checked": list(checked),
            "facts": {"accuracy_scale": 100}}


def test_a_number_outside_the_key_names_the_slips_it_fits_found_ones_first():
    """Against the live results: a run with a measured slip's numbers fits that slip by the appendix's rule."""
    mistakes, key = live("mistakes.json"), live("q11.json")
    row = next(r for r in mistakes["rows"] if r["id"] == "no_zero_grad")
    total = key["dogset"]["counts"]["test"]
    run = {"seed": 0, "right": round(row["mistaken"]["test_acc"][0] * total), "test_count": total,
           "epochs": row["mistaken"]["epochs"][0], "own_accuracy": None}
    judged = compare_run("Dog_Classifier_FC", run, diagnosis_with("no_zero_grad"), key, mistakes)
    if judged["fits_key"]:
        pytest.skip("the slip's numbers fall within the key's spread on this DogSet")
    assert judged["matches"][0] == {"id": "no_zero_grad", "name": "`optimizer.zero_grad()` forgotten (found in your code)",
                                    "found_in_code": True}


def test_part3_never_names_a_slip_part2_found_absent_and_explains_by_part2_first():
    """The softmax row fits a run of 100 epochs near the key's accuracy, but part 2 checked the
    output and found logits: it is not named; the rule that watches the training loss explains the run."""
    mistakes, key = live("mistakes.json"), live("q11.json")
    row = next(r for r in mistakes["rows"] if r["id"] == "softmax_output")
    total = key["dogset"]["counts"]["test"]
    run = {"seed": 0, "right": round(row["mistaken"]["test_acc"][0] * total), "test_count": total, "epochs": 100,
           "own_accuracy": 21.53}
    found = compare_run("Dog_Classifier_FC", run, diagnosis_with(checked=("training",)), key, mistakes)
    absent = compare_run("Dog_Classifier_FC", run, diagnosis_with("stop_on_train_loss", checked=("output:Dog_Classifier_FC",)),
                         key, mistakes)
    if found["fits_key"]:
        pytest.skip("the slip's numbers fall within the key's spread on this DogSet")
    assert "softmax_output" in {m["id"] for m in found["matches"]}
    assert "softmax_output" not in {m["id"] for m in absent["matches"]}
    assert absent["explained_by"] == ["ran 100 epochs: the rule watches the training loss, which keeps falling"]
    assert absent["own_accuracy"] == pytest.approx(0.2153) and absent["own_accuracy"] != absent["test_acc"]


@pytest.mark.parametrize("patience", [1, 3])
def test_every_stopping_rule_kept_stops_after_a_different_epoch(patience):
    stops = rules.rules(patience, 1e-4)
    assert len(set(stops.values())) == len(stops) and list(stops)[0] == "homework"
    assert stops["homework"] == rules.stop_epoch(rules.VALID, patience, 1e-4)


def test_each_terms_cnn_design_counts_as_the_keys_model():
    """This homework's design is the key's Dog_Classifier_Conv; the max-pool term's reaches the same [32, 13, 13]."""
    from checker.terms import term
    from models import Dog_Classifier_Conv, count_parameters
    homework, pool = term("homework").cnn_design(), term("pool").cnn_design()
    assert (homework["weights"], homework["biases"]) == count_parameters(Dog_Classifier_Conv())
    assert homework["chain"][-1] == pool["chain"][-1] == [32, 13, 13] and len(pool["chain"]) == 4


def test_every_finding_the_checker_can_name_has_one_entry_with_words_that_format():
    from checker.report import fields
    from checker.slips import SLIPS
    diagnosis = {"networks": {}, "term": {"title": "this homework", "patience": 3, "fixed": True}}
    for finding_id, entry in SLIPS.items():
        values = fields({"id": finding_id, "where": "src/x.py:1", "error": "E", "found": "F", "how": "h",
                         "args": [1, 2], "package": "src", "numpy": "2", "file": "f", "mode": "train",
                         "part": "test", "got": 1.0, "right": 2.0, "expected": 1.0, "type": "tensor", "returned": "r",
                         "arguments": "", "op": "relu", "optimizer": "SGD"}, diagnosis)
        assert entry.off.format(**values) and entry.fix.format(**values) and entry.kind in ("slip", "note", "unfinished")


def test_help_names_the_flags(monkeypatch, capsys):
    status, shown, _ = call_main(monkeypatch, capsys, "check_homework.py", "--help")
    assert status == 0
    assert all(flag in shown for flag in ("--dogset", "--seeds", "--out", "--timeout-train", "--timeout", "--term",
                                          "--patience", "--conv-stride", "--conv-pool", "--batch-size", "--lr"))
    assert "--epochs" not in shown and "isolates errors, not attacks" in " ".join(shown.split())
    assert "exit status: 0" in shown and "--memory-limit" in shown and "--output-limit" in shown


def test_bad_input_ends_in_one_line(monkeypatch, capsys, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    a_file = tmp_path / "a_file"
    a_file.write_text("")
    for args, said in ((["--dogset", str(empty)], "DogSet not found"), (["--out", str(a_file)], "is a file")):
        status, _, error = call_main(monkeypatch, capsys, "check_homework.py", str(FIXTURES / "correct"), *args)
        assert status == 2 and said in error and len(error.strip().splitlines()) == 1, error


def test_output_piped_into_a_reader_that_left_ends_quietly(tmp_path):
    """`| head` that has read enough: here a reader gone before anything is printed, so that the
    write fails every time; the reports are written in full before anything is printed."""
    env = {k: v for k, v in os.environ.items() if k != "DOGSET_DIR"}
    process = subprocess.run(f"{sys.executable} check_homework.py {tmp_path / 'absent'} --out {tmp_path} | true",
                             shell=True, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert process.stderr == "", process.stderr[-2000:]
    assert "is not a folder" in (tmp_path / "absent.md").read_text()
