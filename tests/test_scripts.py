"""Every script end to end on tiny settings and the tests' own data: `run_all.py --quick`
once for the whole chain, plus the behaviours that need their own run (checkpoint reuse,
Q5's --full check, clean errors that write nothing)."""
import json

import pytest

from conftest import make_mnist, run_script


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory, mnist_dir, dogset_dir):
    out = tmp_path_factory.mktemp("quick")
    cache = tmp_path_factory.mktemp("cache")
    process = run_script("run_all.py", "--quick", "--out", str(out), "--mnist-dir", str(mnist_dir),
                         "--dogset", str(dogset_dir), env={"DOGSET_CACHE": str(cache)})
    assert process.returncode == 0, process.stdout[-3000:] + process.stderr[-3000:]
    return out, process.stdout


def results(out, name):
    return json.loads((out / "results" / f"{name}.json").read_text())


EXPECTED_FIGURES = ["q04_training_time.png", "q04_loss_curves.png", "q06_accuracy.png", "q08_samples.png",
                    "q08_counts.png", "q09_challenging.png", "q11_loss.png", "q11_accuracy.png", "q15_loss.png",
                    "q15_accuracy.png", "q18_examples.png", "q18_accuracy_vs_eps.png"]


def test_quick_run_writes_every_figure(quick_run):
    out, _ = quick_run
    for name in EXPECTED_FIGURES:
        assert (out / "figures" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name


def test_quick_run_answer_sheet_is_complete(quick_run):
    out, _ = quick_run
    sheet = (out / "ANSWERS.md").read_text()
    for q in range(1, 19):
        assert f"## Q{q}." in sheet
    assert "Not answered yet" not in sheet and "not generated yet" not in sheet


def test_mnist_results(quick_run, mnist_dir):
    out, _ = quick_run
    q04, q06 = results(out, "q04"), results(out, "q06")
    assert [r["size"] for r in q04["runs"]] == [50, 100]
    assert all(len(r["losses"]) == 2 and r["train_seconds"] > 0 for r in q04["runs"])
    assert q04["data_source"] == f"MNIST IDX files in {mnist_dir}"
    assert q04["full"] is None  # --quick never runs the 60,000-example check
    assert {"cpu", "torch_threads", "torch"} <= set(q04["meta"])
    assert all(r["reused_checkpoint"] for r in q06["runs"])  # q06 did not retrain what q04 trained
    assert [r["test_acc"] for r in q06["runs"]] == [r["test_acc"] for r in q04["runs"]]


@pytest.mark.parametrize("name", ["q11", "q15"])
def test_dog_results(quick_run, name):
    r = results(quick_run[0], name)
    assert r["epochs_trained"] == len(r["history"]) == 2
    assert set(r["history"][0]) == {"epoch", "train_loss", "val_loss", "val_acc", "train_acc"}
    assert r["stop_reason"] == "the 2-epoch cap was reached"
    assert 0 <= r["test_acc"] <= 1
    assert r["partition_counts"] == {"train": 60, "valid": 30, "test": 30}
    assert r["weights"]["weights"] == (1_581_696 if name == "q11" else 68_080)


def test_q8_q9_and_q18_results(quick_run):
    out, _ = quick_run
    q08 = results(out, "q08")
    assert q08["q8"]["num_breeds"] == 10 and q08["q8"]["image_shape"] == [64, 64, 3]
    assert len(q08["q9"]["images"]) == 3
    assert "checkpoint from q15" in q08["q9"]["model"]
    probabilities = [image["p_true"] for image in q08["q9"]["images"]]
    assert probabilities == sorted(probabilities)
    q18 = results(out, "q18")
    assert [t["name"].split(" (")[0] for t in q18["targets"]] == ["MNIST MLP", "DogSet CNN"]
    for target in q18["targets"]:
        for row in target["sweep"]:
            assert row["max_linf_applied"] <= row["eps"] + 1e-6
            assert 0.0 <= row["min_pixel"] and row["max_pixel"] <= 1.0


def test_theory_results(quick_run):
    out, stdout = quick_run
    assert results(out, "q13")["formula_shape"] == results(out, "q13")["torch_shape"] == [16, 3, 17, 23]
    assert results(out, "q16")["all_correct"] is True
    assert max(results(out, "q17")["xor_correct_deep_linear"]) <= 3
    assert results(out, "q02")["max_abs_difference"] < 1e-6
    assert "run_all: everything ran" in stdout


def test_q04_full_checks_the_extrapolation(tmp_path, mnist_dir):
    process = run_script("q04_mnist_time.py", "--sizes", "50", "100", "--epochs", "1", "--full", "--quiet",
                         "--mnist-dir", str(mnist_dir), "--out", str(tmp_path))
    assert process.returncode == 0, process.stderr
    full = results(tmp_path, "q04")["full"]
    assert full["size"] == 300 and full["train_seconds"] > 0
    assert full["relative_error"] == pytest.approx((full["predicted_seconds"] - full["train_seconds"]) / full["train_seconds"])
    assert "Measured on all 60,000" in process.stdout


def test_corrupt_mnist_is_one_clear_line_and_writes_nothing(tmp_path):
    folder = make_mnist(tmp_path / "mnist", gz=False)
    labels = folder / "t10k-labels-idx1-ubyte"
    labels.write_bytes(labels.read_bytes()[:-3])
    process = run_script("q04_mnist_time.py", "--sizes", "50", "100", "--epochs", "1", "--mnist-dir", str(folder),
                         "--out", str(tmp_path / "out"))
    assert process.returncode == 2
    assert process.stderr.strip().splitlines() == [
        f"error: {labels}: header says (1000,) = 1000 bytes of data, file has 997"]
    assert not (tmp_path / "out" / "results").exists()


def test_bad_sizes_and_missing_dogset(tmp_path, mnist_dir):
    process = run_script("q06_mnist_acc.py", "--sizes", "55", "--mnist-dir", str(mnist_dir), "--out", str(tmp_path))
    assert process.returncode == 2 and "must be a multiple of 10" in process.stderr
    process = run_script("q11_dog_mlp.py", "--dogset", str(tmp_path / "none"), "--out", str(tmp_path))
    assert process.returncode == 2
    assert "DogSet not found" in process.stderr and "Traceback" not in process.stderr
    assert not (tmp_path / "results").exists() and not (tmp_path / "figures").exists()


def test_run_all_skips_dogset_questions_when_absent(tmp_path, mnist_dir):
    process = run_script("run_all.py", "--quick", "--out", str(tmp_path), "--mnist-dir", str(mnist_dir),
                         "--dogset", str(tmp_path / "no-dogset"))
    assert process.returncode == 0, process.stderr[-2000:]
    assert process.stdout.count("skipped, no DogSet") == 3
    assert not (tmp_path / "results" / "q11.json").exists()
    sheet = (tmp_path / "ANSWERS.md").read_text()
    assert "run `python q11_dog_mlp.py` (needs DogSet)" in sheet


def test_run_all_names_the_failing_script(tmp_path):
    bad = make_mnist(tmp_path / "bad")
    (bad / "train-images-idx3-ubyte.gz").write_bytes(b"broken")
    process = run_script("run_all.py", "--quick", "--out", str(tmp_path), "--mnist-dir", str(bad),
                         "--dogset", str(tmp_path / "no-dogset"))
    assert process.returncode == 1
    assert "q04_mnist_time.py failed with exit code 2; later steps were not run" in process.stderr
    assert not (tmp_path / "ANSWERS.md").exists()


def test_every_script_has_help():
    for script in ["load_data.py", "q02_autograd.py", "q04_mnist_time.py", "q06_mnist_acc.py", "q08_dog_explore.py",
                   "q11_dog_mlp.py", "q13_conv_shape.py", "q15_dog_cnn.py", "q16_perceptron.py", "q17_linear.py",
                   "q18_adversarial.py", "run_all.py", "make_answers.py"]:
        process = run_script(script, "--help")
        assert process.returncode == 0 and "usage:" in process.stdout, script
