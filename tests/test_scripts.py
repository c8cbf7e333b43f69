"""Every script end to end on tiny settings and the tests' own data, through the one shared
`run_all.py --quick` (5 seeds), plus the behaviours that need their own run: checkpoint
reuse across scripts, Q5's --full check, a single seed reproducing its part of the 5-seed
run, and the quick run's figures redrawn from its results without torch. Every test that reads
the quick run is in this file, so that `make test`'s workers (whole files each) run it once."""
import json
import shutil
import statistics

import numpy as np
import pytest

from answers.registry import SCRIPTS, sheet_order
from common.paths import shown_path
from conftest import (absolute_paths, assert_facts_not_paragraphs, call_main, key_files, make_mnist,
                      render_without_torch)


def results(out, name):
    return json.loads((out / "results" / f"{name}.json").read_text())


def test_quick_run_writes_every_figure(quick_run):
    out, _, _ = quick_run
    for script, question in sheet_order():
        if script.in_reproduce:
            for name, _ in question.figures:
                assert (out / "figures" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name


def test_quick_run_answer_sheet_is_complete(quick_run):
    out, _, _ = quick_run
    sheet = (out / "ANSWERS.md").read_text()
    for q in range(1, 19):
        assert f"## Q{q}." in sheet
    assert "Not answered" not in sheet and "missing: rerun" not in sheet
    assert sheet.count("_Produced by `") == 18
    for old in ("| Q10 | 1,581,696 weights, without the 202 biases", "| Q14 | 6 and 10 channels", "| Q16 | No |",
                "| Q17 | Yes |"):
        assert old in sheet


def test_no_progress_frames_when_not_on_a_terminal(quick_run):
    _, stdout, stderr = quick_run
    assert "\r" not in stdout and "\r" not in stderr


def test_mnist_results_hold_every_seed_and_their_aggregate(quick_run, mnist_dir):
    out, _, _ = quick_run
    q04, q06 = results(out, "q04"), results(out, "q06")
    assert q04["seeds"] == q06["seeds"] == [0, 1, 2, 3, 4]
    assert [r["size"] for r in q04["runs"]] == [50, 100]
    for run in q04["runs"]:
        assert len(run["train_seconds_per_seed"]) == 5 and all(len(x) == 2 for x in run["losses_per_seed"])
        assert run["train_seconds_median"] == statistics.median(run["train_seconds_per_seed"])
    assert q04["data"] == f"MNIST IDX files in {shown_path(mnist_dir)}" and q04["full"] is None
    for run in q06["runs"]:
        assert run["reused_checkpoints"] == 5  # q06 did not retrain what q04 trained
        for key in ("test_acc", "test_acc_all"):
            values = run[f"{key}_per_seed"]
            assert len(values) == 5
            assert run[f"{key}_mean"] == pytest.approx(np.mean(values))
            assert run[f"{key}_sd"] == pytest.approx(np.std(values, ddof=1))


@pytest.mark.parametrize("name", ["q11", "q15"])
def test_dog_results_hold_every_seed_and_their_aggregate(quick_run, name):
    r = results(quick_run[0], name)
    assert r["seeds"] == [run["seed"] for run in r["per_seed"]] == [0, 1, 2, 3, 4]
    for run in r["per_seed"]:
        assert run["epochs_trained"] == len(run["history"]) == 2
        assert set(run["history"][0]) == {"epoch", "train_loss", "val_loss", "val_acc", "train_acc"}
        assert run["stop_reason"] == "the 2-epoch cap was reached" and run["stopped_early"] is False
        assert 1 <= run["best_val_loss_epoch"] <= 2 and 0 <= run["test_acc_best_weights"] <= 1
    accuracies = [run["test_acc"] for run in r["per_seed"]]
    assert r["test_acc_mean"] == pytest.approx(np.mean(accuracies))
    assert r["test_acc_sd"] == pytest.approx(np.std(accuracies, ddof=1))
    assert r["dogset"]["counts"] == {"train": 60, "valid": 30, "test": 30}
    assert r["weights"]["weights"] == (1_581_696 if name == "q11" else 68_080)
    assert r["curves"]["seeds"] == 5 and r["curves"]["stopped_by_rule"] == 0


def test_q15_compares_with_the_mlp_of_the_same_seeds(quick_run):
    q11, q15 = results(quick_run[0], "q11"), results(quick_run[0], "q15")
    assert q15["mlp"]["test_acc"] == {str(run["seed"]): run["test_acc"] for run in q11["per_seed"]}


def test_one_seed_reproduces_its_part_of_the_five_seed_run(quick_run, dogset_dir, tmp_path, monkeypatch, capsys):
    """Seed 3 alone, in this process, gives the model it gave in the quick run's worker process."""
    status, _, err = call_main(monkeypatch, capsys, "q11_dog_mlp.py", "--seeds", "3", "--epochs", "2", "--quiet",
                               "--dogset", str(dogset_dir), "--out", str(tmp_path))
    assert status == 0, err[-2000:]
    single = results(tmp_path, "q11")["per_seed"][0]
    together = results(quick_run[0], "q11")["per_seed"][3]
    assert single["seed"] == together["seed"] == 3
    assert single["history"] == together["history"] and single["test_acc"] == together["test_acc"]


def test_q8_q9_and_q18_results(quick_run):
    out, stdout, _ = quick_run
    q08 = results(out, "q08")
    assert q08["q8"]["num_breeds"] == 10 and q08["q8"]["image_shape"] == [64, 64, 3]
    q9 = q08["q9"]
    assert len(q9["images"]) == 3 and q9["seeds"] == [0, 1, 2, 3, 4]
    assert stdout.count("(saved model reused)") == 5  # q08 reused q15's five CNNs
    for image in q9["images"]:
        assert image["p_true"] == pytest.approx(np.mean(image["p_true_per_seed"]))
    q18 = results(out, "q18")
    assert [(t["name"], t["reused_from"]) for t in q18["targets"]] == [("MNIST MLP", "q04"), ("DogSet CNN", "q15")]
    for target in q18["targets"]:
        for row in target["sweep"]:
            assert row["max_linf_applied"] <= row["eps"] + 1e-6
            assert 0.0 <= row["min_pixel"] and row["max_pixel"] <= 1.0


def test_the_quick_run_confirms_q02_q13_and_q16s_claims(quick_run):
    out, stdout, _ = quick_run
    assert results(out, "q13")["formula_shape"] == results(out, "q13")["torch_shape"] == [16, 3, 17, 23]
    assert results(out, "q16")["all_correct"] is True
    assert results(out, "q02")["max_abs_difference"] < 1e-6
    for row in results(out, "q02")["backward_cost"]:
        assert row["forward_us"] > 0 and row["backward_us"] > 0
        assert row["multiply_adds"]["forward"] < row["multiply_adds"]["backward"] < 2 * row["multiply_adds"]["forward"]
    assert "run_all: everything ran" in stdout


def test_figures_redraw_from_the_facts_without_torch(quick_run, tmp_path):
    shutil.copytree(quick_run[0] / "results", tmp_path / "results")
    process = render_without_torch("--out", str(tmp_path), "--figures", env={"DOGSET_DIR": ""})
    assert process.returncode == 0, process.stderr[-2000:]
    drawn = {p.name for p in (tmp_path / "figures").glob("*.png")}
    assert drawn == {"q04_training_time.png", "q04_loss_curves.png", "q06_accuracy.png", "q08_counts.png",
                     "q11_loss.png", "q11_accuracy.png", "q15_loss.png", "q15_accuracy.png", "q18_accuracy_vs_eps.png"}
    assert "q08_samples.png and q09_challenging.png" in process.stdout  # not this run's DogSet: left alone


def test_quick_results_hold_facts_not_paragraphs(quick_run):
    assert_facts_not_paragraphs(quick_run[0] / "results")


def test_q04_full_checks_the_extrapolation(tmp_path, mnist_dir, monkeypatch, capsys):
    import q04_mnist_time

    monkeypatch.setattr(q04_mnist_time, "STEP_COST_MIN_STEPS", 100)  # the step costs' length is not under test
    status, _, err = call_main(monkeypatch, capsys, "q04_mnist_time.py", "--sizes", "50", "100", "--epochs", "1",
                               "--seeds", "0", "1", "--full", "--quiet", "--mnist-dir", str(mnist_dir), "--out",
                               str(tmp_path))
    assert status == 0, err
    q04 = results(tmp_path, "q04")
    full = q04["full"]
    assert full["size"] == 300 and full["train_seconds"] > 0 and full["seed"] == 0
    # The prediction, rebuilt independently from the per-seed timings: a line through each size's median.
    medians = [statistics.median(run["train_seconds_per_seed"]) for run in q04["runs"]]
    slope, intercept = np.polyfit([50, 100], medians, 1)
    assert full["predicted_seconds"] == pytest.approx(intercept + slope * 300)
    assert (full["predicted_seconds"] < full["train_seconds"]) == (full["relative_error"] < 0)
    assert [c["n"] for c in full["step_costs"]] == [300] and full["step_costs"][0]["us_per_step"] > 0
    assert full["verdict"]["full_cost"] in ("within_noise", "dearer", "cheaper")
    assert "| Q5 | about 15 minutes, not measured |" in (tmp_path / "ANSWERS.md").read_text()


def test_corrupt_mnist_is_one_clear_line_and_writes_nothing(tmp_path, monkeypatch, capsys):
    folder = make_mnist(tmp_path / "mnist", gz=False)
    labels = folder / "t10k-labels-idx1-ubyte"
    labels.write_bytes(labels.read_bytes()[:-3])
    status, _, err = call_main(monkeypatch, capsys, "q04_mnist_time.py", "--sizes", "50", "100", "--epochs", "1",
                               "--mnist-dir", str(folder), "--out", str(tmp_path / "out"))
    assert status == 2
    assert err.strip().splitlines() == [f"error: {labels}: header says (1000,) = 1000 bytes of data, file has 997"]
    assert not (tmp_path / "out" / "results").exists()


def test_bad_sizes_and_missing_dogset(tmp_path, mnist_dir, monkeypatch, capsys):
    status, _, err = call_main(monkeypatch, capsys, "q06_mnist_acc.py", "--sizes", "55", "--mnist-dir", str(mnist_dir),
                               "--out", str(tmp_path))
    assert status == 2 and "must be a multiple of 10" in err
    status, _, err = call_main(monkeypatch, capsys, "q11_dog_mlp.py", "--dogset", str(tmp_path / "none"),
                               "--out", str(tmp_path))
    assert status == 2 and "DogSet not found" in err and "Traceback" not in err
    assert not (tmp_path / "results").exists() and not (tmp_path / "figures").exists()


def test_run_all_skips_dogset_questions_when_absent(tmp_path, mnist_dir, monkeypatch, capsys):
    import run_all

    commands = []
    monkeypatch.setattr(run_all.subprocess, "call", lambda command, **kw: commands.append(command) or 0)
    monkeypatch.setenv("DOGSET_DIR", "")  # nothing named, and no data/DogSet in the repository
    monkeypatch.setenv("MNIST_DIR", str(mnist_dir))  # run_all sets it for its scripts; restored afterwards
    status, out, _ = call_main(monkeypatch, capsys, "run_all.py", "--quick", "--out", str(tmp_path),
                               "--mnist-dir", str(mnist_dir))
    assert status == 0
    dogset_scripts = [s.file for s in SCRIPTS if s.in_reproduce and s.data == "dogset"]
    assert out.count("skipped, no DogSet") == len(dogset_scripts) == 3
    assert [c[1] for c in commands] == [s.file for s in SCRIPTS if s.in_reproduce and s.data != "dogset"]
    assert "--quick" in out.strip().splitlines()[-1]
    status, _, err = call_main(monkeypatch, capsys, "run_all.py", "--quick", "--out", str(tmp_path),
                               "--dogset", str(tmp_path / "no-dogset"))
    assert status == 2 and err.strip().splitlines() == [
        f"error: DogSet not found: {tmp_path / 'no-dogset' / 'dogs.csv'} does not exist"]


def test_run_all_names_the_failing_script(tmp_path, mnist_dir, monkeypatch, capsys):
    import run_all

    monkeypatch.setattr(run_all.subprocess, "call", lambda command, **kw: 2 if command[1] == "q04_mnist_time.py" else 0)
    monkeypatch.setenv("DOGSET_DIR", "")
    monkeypatch.setenv("MNIST_DIR", str(mnist_dir))
    status, _, err = call_main(monkeypatch, capsys, "run_all.py", "--quick", "--out", str(tmp_path),
                               "--mnist-dir", str(mnist_dir))
    assert status == 1
    assert "q04_mnist_time.py failed with exit code 2; later steps were not run" in err


@pytest.mark.parametrize("script", sorted({s.file for s in SCRIPTS} | {"load_data.py", "make_answers.py", "run_all.py"}))
def test_every_script_has_help(script, monkeypatch, capsys):
    status, out, _ = call_main(monkeypatch, capsys, script, "--help")
    assert status == 0 and "usage:" in out
    if script != "load_data.py":  # the course's loader keeps its own flags
        assert "--out" in out


def test_a_run_records_no_absolute_path(quick_run):
    """The quick run reads its data from, and writes to, temporary folders: its results and its
    sheet still name them only relative to the repository (tests/test_machine_paths.py holds the
    committed key to the same)."""
    for path in key_files(quick_run[0]):
        assert absolute_paths(path.read_text()) == [], path.name


def test_every_script_that_reads_data_names_it_in_one_line(quick_run):
    """README: "Every script that reads data prints one line naming it"; the others read none."""
    _, stdout, _ = quick_run
    for script in (s for s in SCRIPTS if s.in_reproduce):
        output = stdout.split(f"=== {script.file} ", 1)[1].split(f"--- {script.file} done", 1)[0]
        named = [line for line in output.splitlines() if line.startswith("Data: ") or " on MNIST IDX files" in line
                 or " on DogSet" in line]
        assert bool(named) == bool(script.data), (script.file, named)


def test_a_relative_out_inside_the_repository_ends_with_its_summary_not_a_traceback(tmp_path, monkeypatch, capsys):
    """`--out runs/x` from the repository root: the closing line names the sheet relative to the
    repository (here a stand-in root in tmp_path, so nothing is written into the real tree)."""
    import answers.sheet

    monkeypatch.setattr(answers.sheet, "REPO_ROOT", tmp_path)
    monkeypatch.chdir(tmp_path)
    status, out, err = call_main(monkeypatch, capsys, "q13_conv_shape.py", "--out", "runs/x")
    assert status == 0, err[-2000:]
    assert "(read runs/x/ANSWERS.md)" in out and (tmp_path / "runs" / "x" / "ANSWERS.md").is_file()
