"""Every script end to end on tiny settings and the tests' own data: `run_all.py --quick`
once for the whole chain (5 seeds), plus the behaviours that need their own run (checkpoint
reuse, Q5's --full check, a single seed reproducing its part of a 5-seed run)."""
import json
import statistics

import numpy as np
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
    assert "Not answered" not in sheet and "missing: rerun" not in sheet
    assert sheet.count("_Produced by `") == 18
    assert "| Q5 | about 15 minutes, not measured |" not in sheet  # --quick has no --full check
    for old in ("| Q10 | 1,581,696 weights, without the 202 biases", "| Q14 | 6 and 10 channels", "| Q16 | No |",
                "| Q17 | Yes |"):
        assert old in sheet


def test_every_answer_is_stored_once_by_its_script(quick_run):
    out, _ = quick_run
    owners = {}
    for path in (out / "results").glob("q*.json"):
        for question in json.loads(path.read_text())["answers"]:
            assert question not in owners, (question, owners.get(question), path.name)
            owners[question] = path.name
    assert sorted(owners, key=lambda q: int(q[1:])) == [f"Q{q}" for q in range(1, 19)]


def test_mnist_results_hold_every_seed_and_their_aggregate(quick_run, mnist_dir):
    out, _ = quick_run
    q04, q06 = results(out, "q04"), results(out, "q06")
    assert q04["seeds"] == q06["seeds"] == [0, 1, 2, 3, 4]
    assert [r["size"] for r in q04["runs"]] == [50, 100]
    for run in q04["runs"]:
        assert len(run["train_seconds_per_seed"]) == 5 and all(len(x) == 2 for x in run["losses_per_seed"])
        assert run["train_seconds_median"] == statistics.median(run["train_seconds_per_seed"])
    assert q04["data"] == f"MNIST IDX files in {mnist_dir}" and q04["full"] is None
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
        assert run["stop_reason"] == "the 2-epoch cap was reached"
        assert 1 <= run["best_val_loss_epoch"] <= 2 and 0 <= run["test_acc_best_weights"] <= 1
    accuracies = [run["test_acc"] for run in r["per_seed"]]
    assert r["test_acc_mean"] == pytest.approx(np.mean(accuracies))
    assert r["test_acc_sd"] == pytest.approx(np.std(accuracies, ddof=1))
    assert r["partition_counts"] == {"train": 60, "valid": 30, "test": 30}
    assert r["weights"]["weights"] == (1_581_696 if name == "q11" else 68_080)


def test_one_seed_reproduces_its_part_of_the_five_seed_run(quick_run, dogset_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("single")
    process = run_script("q11_dog_mlp.py", "--seeds", "3", "--epochs", "2", "--quiet", "--dogset", str(dogset_dir),
                         "--out", str(out), env={"DOGSET_CACHE": str(out / "cache")})
    assert process.returncode == 0, process.stderr[-2000:]
    single = results(out, "q11")["per_seed"][0]
    together = results(quick_run[0], "q11")["per_seed"][3]
    assert single["seed"] == together["seed"] == 3
    assert single["history"] == together["history"] and single["test_acc"] == together["test_acc"]


def test_q8_q9_and_q18_results(quick_run):
    out, stdout = quick_run
    q08 = results(out, "q08")
    assert q08["q8"]["num_breeds"] == 10 and q08["q8"]["image_shape"] == [64, 64, 3]
    q9 = q08["q9"]
    assert len(q9["images"]) == 3 and q9["seeds"] == [0, 1, 2, 3, 4]
    assert stdout.count("(saved model reused)") == 5  # q08 reused q15's five CNNs
    assert "checkpoint from q15" in results(out, "q18")["targets"][1]["name"]
    probabilities = [image["p_true"] for image in q9["images"]]
    assert probabilities == sorted(probabilities)
    for image in q9["images"]:
        assert image["p_true"] == pytest.approx(np.mean(image["p_true_per_seed"]))
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
    process = run_script("q04_mnist_time.py", "--sizes", "50", "100", "--epochs", "1", "--seeds", "0", "1", "--full",
                         "--quiet", "--mnist-dir", str(mnist_dir), "--out", str(tmp_path))
    assert process.returncode == 0, process.stderr
    q04 = results(tmp_path, "q04")
    full = q04["full"]
    assert full["size"] == 300 and full["train_seconds"] > 0 and full["seed"] == 0
    # The prediction, rebuilt independently from the per-seed timings: a line through each size's median.
    medians = [statistics.median(run["train_seconds_per_seed"]) for run in q04["runs"]]
    slope, intercept = np.polyfit([50, 100], medians, 1)
    assert full["predicted_seconds"] == pytest.approx(intercept + slope * 300)
    assert (full["predicted_seconds"] < full["train_seconds"]) == (full["relative_error"] < 0)
    assert [c["n"] for c in full["step_costs"]] == [300] and full["step_costs"][0]["us_per_step"] > 0
    assert "Checked, not guessed" in q04["answers"]["Q5"]


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
                         env={"DOGSET_DIR": ""})  # nothing named, and no data/DogSet in the repository
    assert process.returncode == 0, process.stderr[-2000:]
    assert process.stdout.count("skipped, no DogSet") == 3
    assert not (tmp_path / "results" / "q11.json").exists()
    sheet = (tmp_path / "ANSWERS.md").read_text()
    assert "run `python q11_dog_mlp.py` (needs DogSet)" in sheet
    assert "--quick" in process.stdout.strip().splitlines()[-1]
    named = run_script("run_all.py", "--quick", "--out", str(tmp_path), "--dogset", str(tmp_path / "no-dogset"))
    assert named.returncode == 2 and named.stderr.strip().splitlines() == [
        f"error: DogSet not found: {tmp_path / 'no-dogset' / 'dogs.csv'} does not exist"]


def test_run_all_names_the_failing_script(tmp_path):
    bad = make_mnist(tmp_path / "bad")
    (bad / "train-images-idx3-ubyte.gz").write_bytes(b"broken")
    process = run_script("run_all.py", "--quick", "--out", str(tmp_path), "--mnist-dir", str(bad),
                         env={"DOGSET_DIR": ""})
    assert process.returncode == 1
    assert "q04_mnist_time.py failed with exit code 2; later steps were not run" in process.stderr
    assert not (tmp_path / "results" / "q04.json").exists()


def test_every_script_has_help():
    for script in ["beyond_dog_cnn.py", "load_data.py", "q02_autograd.py", "q04_mnist_time.py", "q06_mnist_acc.py", "q08_dog_explore.py",
                   "q11_dog_mlp.py", "q13_conv_shape.py", "q15_dog_cnn.py", "q16_perceptron.py", "q17_linear.py",
                   "q18_adversarial.py", "run_all.py", "make_answers.py"]:
        process = run_script(script, "--help")
        assert process.returncode == 0 and "usage:" in process.stdout, script
