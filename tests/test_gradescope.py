"""`make gradescope`'s autograder, run as Gradescope runs it: the zip built, unpacked as
$AUTOGRADER_ROOT/source, each submission in $AUTOGRADER_ROOT/submission (nested in a folder, as a
student zips it), run_autograder run with `python3` from PATH, and results.json checked against a
JSON Schema written from Gradescope's specification and against the rubric's points."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest

from test_check_homework import FIXTURES, make_slip

REPO = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((REPO / "gradescope" / "results.schema.json").read_text())
RUBRIC = json.loads((REPO / "gradescope" / "rubric.json").read_text())
FULL = sum(item["points"] for item in RUBRIC["items"].values())
SUBMISSIONS = {  # submission → the rubric items it loses
    "correct": set(),
    "softmax+summed_loss+stop_on_train_loss": {"Dog_Classifier_FC", "train", "run_model"},
    "skeleton": set(RUBRIC["items"]),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict[str, dict]:
    """Each submission's results.json: the three autograders run side by side, each in its own root."""
    from gradescope.build import build
    work = tmp_path_factory.mktemp("gradescope")
    archive = build(work / "autograder.zip", None)
    with zipfile.ZipFile(archive) as opened:
        assert {"setup.sh", "run_autograder"} <= set(opened.namelist())  # at the zip's root
    python = work / "bin" / "python3"  # `python3` from PATH, as on Gradescope's image
    python.parent.mkdir()
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    python.chmod(0o755)
    runs = {}
    for name in SUBMISSIONS:
        root = work / name
        with zipfile.ZipFile(archive) as opened:
            opened.extractall(root / "source")
        (root / "source" / "run_autograder").chmod(0o755)
        nested = root / "submission" / "homework-folder"
        if name in ("correct", "skeleton"):
            shutil.copytree(FIXTURES / name, nested)
        else:
            make_slip(name, root / "submission").rename(nested)
        env = {**{k: v for k, v in os.environ.items() if k != "DOGSET_DIR"}, "AUTOGRADER_ROOT": str(root),
               "PATH": f"{python.parent}:{os.environ['PATH']}"}
        runs[name] = subprocess.Popen(["bash", str(root / "source" / "run_autograder")], cwd=root, env=env,
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    results = {}
    for name, process in runs.items():
        output, _ = process.communicate(timeout=600)
        assert process.returncode == 0, output[-3000:]
        results[name] = json.loads((work / name / "results" / "results.json").read_text())
    return results


@pytest.mark.parametrize("submission", sorted(SUBMISSIONS))
def test_results_json_follows_gradescopes_format(graded, submission):
    jsonschema.validate(graded[submission], SCHEMA)
    assert graded[submission]["execution_time"] > 0


@pytest.mark.parametrize("submission", sorted(SUBMISSIONS))
def test_each_submission_loses_exactly_its_checks_points(graded, submission):
    tests = {test["name"]: test for test in graded[submission]["tests"]}
    titles = {item: spec["title"] for item, spec in RUBRIC["items"].items()}
    assert set(tests) == set(titles.values())
    lost = {item for item, title in titles.items() if tests[title]["score"] == 0}
    assert lost == SUBMISSIONS[submission]
    for item in lost:
        assert tests[titles[item]]["status"] == "failed" and tests[titles[item]]["output"].startswith(
            ("Costs this item's", "Not checked, so no points"))
    score = sum(test["score"] for test in tests.values())
    assert score == FULL - sum(RUBRIC["items"][item]["points"] for item in lost)


def test_a_slip_says_why_it_costs_and_a_check_that_did_not_run_says_so(graded):
    slipped = {t["name"]: t["output"] for t in graded["softmax+summed_loss+stop_on_train_loss"]["tests"]}
    assert "Costs this item's 10 points: `Dog_Classifier_FC`'s output rows sum to 1" in slipped[
        RUBRIC["items"]["Dog_Classifier_FC"]["title"]]
    skeleton = {t["name"]: t["output"] for t in graded["skeleton"]["tests"]}
    assert "Not checked, so no points" in skeleton[RUBRIC["items"]["train"]["title"]]
    assert "homework-folder" in graded["correct"]["output"]  # the repository found inside the student's folder
