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
SLIPS = {  # each slip: the lines it changes in the correct solution, (file, old, new, which occurrence of old)
    "relu_output": [("src/models.py", "return self.fc3(x)", "return F.relu(self.fc3(x))  # the slip", 1)],
    "softmax_output": [("src/models.py", "return self.fc3(x)", "return F.softmax(self.fc3(x), dim=1)  # the slip", 1)],
    "view_not_permute": [("src/models.py", "x = inputs.permute(0, 3, 1, 2)", "x = inputs.view(-1, 3, 64, 64)  # the slip", 0)],
    "no_zero_grad": [("src/run_model.py", "        optimizer.zero_grad()\n", "", 0)],
    "summed_loss": [("src/run_model.py", "loss_fn = torch.nn.CrossEntropyLoss()", "loss_fn = torch.nn.CrossEntropyLoss(reduction='sum')", 0),
                    ("src/run_model.py", "total += loss.item() * len(labels)", "total += loss.item()", 0)],
    "stop_after_1_epoch": [("src/run_model.py", "if patience >= 3:", "if patience >= 1:  # the slip", 0)],
    "stop_on_train_loss": [("src/run_model.py", "loss['valid'][-2] - loss['valid'][-1]", "loss['train'][-2] - loss['train'][-1]", 0)],
    "syntax_error": [("src/models.py", "class Digit_Classifier(nn.Module):", "class Digit_Classifier(nn.Module)", 0)],
    "hangs": [("src/run_model.py", "import torch\n", "import time\n\nimport torch\n", 0),  # an endless loop, asleep so
              ("src/run_model.py", "    if running_mode == 'test':\n",          # that the tests' other worker keeps the CPU
               "    while True:  # the slip\n        time.sleep(1)\n    if running_mode == 'test':\n", 0)],
}
SLIPPED = {  # each repository: the correct solution with these slips, at most one for each of the checker's
    # checks (one network's output, the CNN's input, the training step, the stopping rule), so that each
    # check sees one slip and must report exactly the slips made: nothing missed, nothing extra
    "relu+view+no_zero_grad+stop_after_1": ("relu_output", "view_not_permute", "no_zero_grad", "stop_after_1_epoch"),
    "softmax+summed_loss+stop_on_train_loss": ("softmax_output", "summed_loss", "stop_on_train_loss"),
    "syntax_error": ("syntax_error",),
    "hangs": ("hangs",),
}
EXPECTED = {  # repository → (the slips found, a phrase every problem line holds or None for no problems)
    "correct": (set(), None),
    **{name: (set(slips), None) for name, slips in SLIPPED.items() if name not in ("syntax_error", "hangs")},
    "skeleton": (set(), "NotImplementedError"),
    "syntax_error": (set(), "SyntaxError"),
    "hangs": (set(), "did not finish within 10 s"),
}


def make_slip(name: str, folder: Path) -> Path:
    """folder/name: a copy of the correct fixture with the lines of SLIPPED[name]'s slips changed."""
    repo = folder / name
    shutil.copytree(FIXTURES / "correct", repo)
    for slip in SLIPPED[name]:
        for file, old, new, occurrence in SLIPS[slip]:
            path = repo / file
            text = path.read_text()
            parts = text.split(old)
            assert len(parts) > occurrence + 1, (slip, old)  # the correct fixture still holds the line
            path.write_text(old.join(parts[:occurrence + 1]) + new + old.join(parts[occurrence + 1:]))
    return repo


def repository(name: str, folder: Path) -> Path:
    return make_slip(name, folder) if name in SLIPPED else FIXTURES / name


def check(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DOGSET_DIR"}
    return subprocess.run([sys.executable, "check_homework.py", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=600)


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> tuple[Path, str]:
    """One run over every fixture, the hanging one among them, as a TA checks a section."""
    out, repos = tmp_path_factory.mktemp("check"), tmp_path_factory.mktemp("repos")
    process = check(*(str(repository(name, repos)) for name in EXPECTED), "--timeout", "10", "--out", str(out))
    assert process.returncode == 0, process.stderr[-3000:]
    return out, process.stdout


@pytest.mark.parametrize("fixture", sorted(EXPECTED))
def test_each_fixture_gets_exactly_its_diagnosis(reports, fixture):
    out, _ = reports
    result = json.loads((out / f"{fixture}.json").read_text())
    slips, problem = EXPECTED[fixture]
    assert {f["id"] for f in result["findings"]} == slips, result["findings"]
    if problem is None:
        assert result["problems"] == [] and all(result["networks"].values()), result["problems"]
    elif fixture == "hangs":
        assert len(result["problems"]) == 1 and problem in result["problems"][0], result["problems"]
    else:
        assert result["problems"] and all(problem in line for line in result["problems"]), result["problems"]
    assert result["part3"] is None and "Part 3 was skipped" in result["verdict"]
    assert (out / f"{fixture}.md").read_text().startswith(f"# Checking {fixture}")


def test_several_repositories_give_one_summary_table(reports):
    out, stdout = reports
    table = (out / "summary.md").read_text()
    assert table in stdout and len(table.splitlines()) == 2 + len(EXPECTED)
    assert ("| relu+view+no_zero_grad+stop_after_1 | Digit_Classifier, Dog_Classifier_FC, Dog_Classifier_Conv | "
            "relu_output, view_not_permute, no_zero_grad, stop_after_1_epoch | 0 | skipped |") in table


def test_a_syntax_error_in_models_still_checks_run_model(reports):
    result = json.loads((reports[0] / "syntax_error.json").read_text())
    assert result["problems"] == ["src/models.py: SyntaxError: expected ':' at src/models.py:6"]
    assert result["facts"]["training"] == "textbook" and result["facts"]["stopping_epochs"] == rules.RULES["homework"]()


def test_a_hang_is_stopped_and_costs_one_line(reports):
    """The hanging run_model is stopped after its step's limit (its one problem line is checked
    above); part 1 ran before it, and every other repository of the same run was checked."""
    out, _ = reports
    hung = json.loads((out / "hangs.json").read_text())
    assert all(hung["networks"].values())  # part 1 ran before the hang
    assert all((out / f"{name}.json").exists() for name in EXPECTED)



def test_the_readme_quotes_a_report_as_check_homework_writes_it(reports):
    out, _ = reports
    name = "softmax+summed_loss+stop_on_train_loss"
    verdict = json.loads((out / f"{name}.json").read_text())["verdict"]
    quoted = (REPO / "README.md").read_text().split(f"```text\n**{name}.**")[1].split("```")[0]
    assert " ".join(verdict.split()).startswith(f"**{name}.** " + " ".join(quoted.split()))

def test_part3_trains_with_the_students_run_model_and_compares_with_the_key(tmp_path, course_dogset):
    out = tmp_path / "out"
    process = check(str(FIXTURES / "correct"), "--dogset", str(course_dogset), "--epochs", "2", "--out", str(out))
    assert process.returncode == 0, process.stderr[-3000:]
    result = json.loads((out / "correct.json").read_text())
    assert [n["network"] for n in result["part3"]] == ["Dog_Classifier_FC", "Dog_Classifier_Conv"]
    for network in result["part3"]:
        (run,) = network["runs"]
        assert run["epochs"] == 2 and run["seed"] == 0 and run["interval"][0] <= run["test_acc"] <= run["interval"][1]
        assert not network["same_dogset"]
    assert "the key's 5 seeds" in process.stdout and "not the homework's settings: 2 epochs" in process.stdout


def test_a_number_outside_the_key_names_the_slips_it_fits_found_ones_first():
    """Against the live results: a run with a measured slip's numbers fits that slip by the appendix's rule."""
    results = REPO / "results"
    mistakes = json.loads((results / "mistakes.json").read_text())
    key = json.loads((results / "q11.json").read_text())
    row = next(r for r in mistakes["rows"] if r["id"] == "no_zero_grad")
    accuracy, epochs = row["mistaken"]["test_acc"][0], row["mistaken"]["epochs"][0]
    judged = compare_run("Dog_Classifier_FC", accuracy, epochs, key["dogset"]["counts"]["test"], {"no_zero_grad"}, key,
                         mistakes)
    if judged["fits_key"]:
        pytest.skip("the slip's numbers fall within the key's spread on this DogSet")
    assert judged["matches"][0] == {"id": "no_zero_grad", "name": "`optimizer.zero_grad()` forgotten", "found_in_code": True}


def test_every_stopping_rule_stops_after_a_different_epoch():
    stops = [rule() for rule in rules.RULES.values()]
    assert len(set(stops)) == len(stops)


def test_help_names_the_flags(monkeypatch, capsys):
    status, shown, _ = call_main(monkeypatch, capsys, "check_homework.py", "--help")
    assert status == 0
    assert all(flag in shown for flag in ("--dogset", "--seeds", "--out", "--timeout-train", "--timeout"))
    assert "--epochs" not in shown
