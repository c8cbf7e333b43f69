"""The answer key is protected: runs that are not the homework on full data never overwrite
it, saved models follow the data's bytes, every bad input fails before training with one
`error:` line and exit 2, and files are written whole, with ordinary permissions."""
import dataclasses
import errno
import json
import os
import resource
import shutil
import stat
import struct
import subprocess
import sys
import zlib

import pandas as pd
import pytest
import torch

import common.outputs
from common.errors import UserError
from common.paths import REPO_ROOT
from harness.checkpoints import load_checkpoint, save_checkpoint
import q04_mnist_time
from harness.mnist_runs import train_one_size
from models import Digit_Classifier
from common.outputs import TRIAL_DIR, atomic_write, choose_destination, write_json
from conftest import call_main, make_dogset, make_mnist, write_idx
from data.dogs import DogsDataset, DogSetError
from load_data import read_mnist


def one_line_error(result: tuple[int, str, str], *fragments: str) -> str:
    """A script (call_main's (status, stdout, stderr)) failed with exit 2 and exactly one
    `error: ...` line holding every fragment."""
    status, _, stderr = result
    lines = stderr.strip().splitlines()
    assert status == 2, stderr[-2000:]
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr[-2000:]
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


# --- where runs write ---------------------------------------------------------------------

def test_only_a_homework_run_on_full_data_targets_the_committed_key(tmp_path, monkeypatch):
    assert TRIAL_DIR == REPO_ROOT / "runs" / "trial"
    monkeypatch.setattr(common.outputs, "TRIAL_DIR", tmp_path / "runs" / "trial")  # proved writable, so made
    assert choose_destination(None, []).folder == REPO_ROOT and choose_destination(None, []).committed
    trial = choose_destination(None, ["--epochs 2"])
    assert trial.folder == tmp_path / "runs" / "trial" and not trial.committed and trial.why_not_committed == "--epochs 2"
    explicit = choose_destination(tmp_path / "mine", ["--epochs 2"])
    assert explicit.folder == tmp_path / "mine" and not explicit.committed


def test_a_trial_run_leaves_the_committed_answers_alone(mnist_dir, tmp_path, monkeypatch, capsys):
    trial = tmp_path / "runs" / "trial"  # where runs/trial would be; the repository itself is not written
    monkeypatch.setattr(common.outputs, "TRIAL_DIR", trial)
    monkeypatch.setattr(common.outputs, "CHECKPOINT_DIR", tmp_path / "checkpoints")
    committed = {p: p.stat().st_mtime_ns for p in (REPO_ROOT / "results").glob("*.json")}
    status, out, err = call_main(monkeypatch, capsys, "q06_mnist_acc.py", "--sizes", "50", "100", "--epochs", "2",
                                 "--seeds", "0", "--mnist-dir", str(mnist_dir), "--quiet")
    assert status == 0, err[-2000:]
    last = out.strip().splitlines()[-1]
    assert str(trial) in last and "committed answers are untouched" in last and "--epochs 2" in last
    assert {p: p.stat().st_mtime_ns for p in (REPO_ROOT / "results").glob("*.json")} == committed
    sheet = (trial / "ANSWERS.md").read_text()
    assert "## Q6." in sheet and "not the homework's settings: " in sheet
    assert all(flag in sheet for flag in ("--sizes 50 100", "--epochs 2", "--seeds 0"))
    assert list((tmp_path / "checkpoints").glob("mnist_Digit_Classifier_n50_seed0_*.pt"))


# --- saved models follow the data's bytes ---------------------------------------------------

def test_replacing_labels_in_place_forces_retraining(tmp_path):
    folder = make_mnist(tmp_path / "mnist")
    settings = dataclasses.replace(q04_mnist_time.HOMEWORK, epochs=1)
    train_one_size(Digit_Classifier, q04_mnist_time.train, folder, 50, 0, settings, tmp_path / "ck", reuse=True, threads=1)
    assert len(list((tmp_path / "ck").glob("*.pt"))) == 1
    read_mnist.cache_clear()
    assert train_one_size(Digit_Classifier, q04_mnist_time.train, folder, 50, 0, settings, tmp_path / "ck", reuse=True, threads=1).reused
    labels = folder / "train-labels-idx1-ubyte.gz"
    original = read_mnist(folder).train_labels
    write_idx(labels, (original + 1) % 10)  # same file name, same size, other labels
    read_mnist.cache_clear()
    again = train_one_size(Digit_Classifier, q04_mnist_time.train, folder, 50, 0, settings, tmp_path / "ck", reuse=True, threads=1)
    read_mnist.cache_clear()
    assert not again.reused


@pytest.mark.parametrize("payload", [[1, 2, 3], torch.zeros(3), {"key": "k", "state_dict": {"w": torch.zeros(2)},
                                                                 "record": {}}, "text"])
def test_a_foreign_checkpoint_is_ignored(tmp_path, payload):
    path = tmp_path / "model.pt"
    torch.save(payload, path)
    assert load_checkpoint(path, "k", torch.nn.Linear(2, 2)) is None


def test_a_checkpoint_round_trips(tmp_path):
    model = torch.nn.Linear(2, 2)
    save_checkpoint(tmp_path / "m.pt", "k", model, {"losses": [1.0]})
    other = torch.nn.Linear(2, 2)
    assert load_checkpoint(tmp_path / "m.pt", "k", other) == {"losses": [1.0]}
    assert torch.equal(other.weight, model.weight)
    assert load_checkpoint(tmp_path / "m.pt", "other key", other) is None


# --- bad input: one line, exit 2, before training, nothing written ---------------------------

@pytest.mark.parametrize("script, args, fragments", [
    ("q02_autograd.py", ["--seed", "-1"], ["--seed", "expected an integer from 0 to"]),
    ("q04_mnist_time.py", ["--seeds", "0", "99999999999999999999"], ["--seeds", "expected an integer from 0 to"]),
    ("q04_mnist_time.py", ["--lr", "inf"], ["--lr", "finite number > 0"]),
    ("q04_mnist_time.py", ["--lr", "nan"], ["--lr", "finite number > 0"]),
    ("q11_dog_mlp.py", ["--min-delta", "-0.1"], ["--min-delta", "finite number >= 0"]),
    ("q11_dog_mlp.py", ["--min-delta", "nan"], ["--min-delta", "finite number >= 0"]),
    ("q11_dog_mlp.py", ["--min-delta", "inf"], ["--min-delta", "finite number >= 0"]),
])
def test_impossible_flag_values_end_in_one_line_and_write_nothing(tmp_path, monkeypatch, capsys, script, args, fragments):
    one_line_error(call_main(monkeypatch, capsys, script, *args, "--out", str(tmp_path / "out")), *fragments)
    assert not (tmp_path / "out").exists()


def test_named_mnist_folder_must_hold_all_four_files(tmp_path, monkeypatch, capsys):
    one_line_error(call_main(monkeypatch, capsys, "q04_mnist_time.py", "--mnist-dir", str(tmp_path / "nowhere"),
                             "--out", str(tmp_path / "o")), "nowhere does not exist")
    folder = make_mnist(tmp_path / "mnist")
    (folder / "train-images-idx3-ubyte.gz").unlink()
    monkeypatch.setenv("MNIST_DIR", str(folder))
    one_line_error(call_main(monkeypatch, capsys, "q06_mnist_acc.py", "--out", str(tmp_path / "o")),
                   "lacks train-images-idx3-ubyte")
    assert not (tmp_path / "o").exists()


def test_out_and_cache_dir_must_be_writable_folders(tmp_path, dogset_dir, mnist_dir, monkeypatch, capsys):
    a_file = tmp_path / "file"
    a_file.write_text("x")
    one_line_error(call_main(monkeypatch, capsys, "q04_mnist_time.py", "--sizes", "50", "100", "--epochs", "1",
                             "--mnist-dir", str(mnist_dir), "--out", str(a_file)), "--out", "is a file")
    one_line_error(call_main(monkeypatch, capsys, "q11_dog_mlp.py", "--dogset", str(dogset_dir), "--cache-dir",
                             str(a_file), "--out", str(tmp_path / "o")), "--cache-dir", "is a file")
    mnist = ["--mnist-dir", str(mnist_dir)]
    for script, more in (("q11_dog_mlp.py", []), ("beyond_dog_cnn.py", []), ("q18_adversarial.py", mnist)):
        cache = tmp_path / f"cache-{script}"  # refused before DogSet is read and cached
        one_line_error(call_main(monkeypatch, capsys, script, "--dogset", str(dogset_dir), *more, "--cache-dir",
                                 str(cache), "--out", str(a_file / "sub")), "--out", "is a file")
        assert not cache.exists(), script
    if os.geteuid() != 0:  # root writes anywhere; the probe is what proves it
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        one_line_error(call_main(monkeypatch, capsys, "q13_conv_shape.py", "--out", str(locked / "sub")), "not writable")


def dogset_error(tmp_path, folder) -> str:
    """The message DogsDataset raises for `folder` (run_main prints it as the one `error:` line)."""
    with pytest.raises(DogSetError) as error:
        DogsDataset(folder, cache_dir=tmp_path / "cache", quiet=True)
    assert "\n" not in str(error.value)
    return str(error.value)


def test_a_dogset_error_is_one_line_before_training(tmp_path, monkeypatch, capsys):
    folder = make_dogset(tmp_path / "DogSet", {"train": 2, "valid": 1, "test": 1})
    (folder / "dogs.csv").write_bytes(b"")
    one_line_error(call_main(monkeypatch, capsys, "q11_dog_mlp.py", "--dogset", str(folder), "--cache-dir",
                             str(tmp_path / "cache"), "--out", str(tmp_path / "o")), "dogs.csv: empty file")
    assert not (tmp_path / "o").exists()


def rewrite_csv(folder, change):
    table = pd.read_csv(folder / "dogs.csv", dtype=str)
    change(table)
    table.to_csv(folder / "dogs.csv", index=False)


@pytest.mark.parametrize("change, fragment", [
    (lambda f: (f / "dogs.csv").write_bytes(b""), "empty file"),
    (lambda f: (f / "dogs.csv").write_text("filename,semantic_label,partition,numeric_label\n"), "only a header"),
    (lambda f: rewrite_csv(f, lambda t: t.drop(t.index[t.partition == "valid"], inplace=True)), "no rows in the valid"),
    (lambda f: rewrite_csv(f, lambda t: t.loc.__setitem__((0, "filename"), "/etc/passwd")), "line 2 ('/etc/passwd')"),
    (lambda f: rewrite_csv(f, lambda t: t.drop(t.index[t.partition == "test"], inplace=True)), "no rows in the test"),
    (lambda f: rewrite_csv(f, lambda t: t.loc.__setitem__((0, "filename"), "../dogs.csv")), "line 2 ('../dogs.csv')"),
    (lambda f: rewrite_csv(f, lambda t: t.loc.__setitem__((0, "filename"), "a\0b.png")), "line 2"),
    (lambda f: rewrite_csv(f, lambda t: t.loc.__setitem__((1, "filename"), "./" + t.loc[0, "filename"])),
     "filenames must be unique"),
])
def test_a_bad_dogs_csv_is_one_error_naming_the_rows(tmp_path, change, fragment):
    folder = make_dogset(tmp_path / "DogSet", {"train": 2, "valid": 1, "test": 1})
    change(folder)
    assert fragment in dogset_error(tmp_path, folder)


def test_a_link_leading_outside_images_is_refused(tmp_path):
    folder = make_dogset(tmp_path / "DogSet", {"train": 2, "valid": 1, "test": 1})
    outside = tmp_path / "outside.png"
    (folder / "images" / "000001.png").rename(outside)
    (folder / "images" / "000001.png").symlink_to(outside)
    assert "000001.png" in dogset_error(tmp_path, folder)


def test_a_png_announcing_another_size_is_refused_from_its_header(tmp_path):
    folder = make_dogset(tmp_path / "DogSet", {"train": 2, "valid": 1, "test": 1})
    path = folder / "images" / "000003.png"
    data = bytearray(path.read_bytes())
    data[16:24] = struct.pack(">II", 40_000, 40_000)  # a decompression bomb's header
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    path.write_bytes(bytes(data))
    line = dogset_error(tmp_path, folder)
    assert "not 64×64: 000003.png (40000×40000)" in line


def test_a_dogset_without_a_breed_still_answers_q8_q9(tmp_path, monkeypatch, capsys):
    folder = make_dogset(tmp_path / "DogSet", {"train": 2, "valid": 1, "test": 1})
    rewrite_csv(folder, lambda t: t.drop(t.index[t.numeric_label == "9"], inplace=True))
    status, _, err = call_main(monkeypatch, capsys, "q08_dog_explore.py", "--dogset", str(folder), "--epochs", "1",
                               "--seeds", "0", "--quiet", "--cache-dir", str(tmp_path / "cache"), "--out",
                               str(tmp_path / "o"))
    assert status == 0, err[-2000:]
    q9 = json.loads((tmp_path / "o" / "results" / "q08.json").read_text())["q9"]
    assert "saint_bernard" not in q9["validation_recall_mean"] and len(q9["validation_recall_mean"]) == 9


def test_a_dogset_of_two_breeds_compares_the_breed_with_the_other_one_only(tmp_path, monkeypatch, capsys):
    """The 'median for the other breeds' counts breeds DogSet has, never the 8 absent ones as 0."""
    folder = make_dogset(tmp_path / "DogSet", {"train": 3, "valid": 1, "test": 1})
    rewrite_csv(folder, lambda t: t.drop(t.index[t.numeric_label.astype(int) >= 2], inplace=True))
    status, _, err = call_main(monkeypatch, capsys, "q08_dog_explore.py", "--dogset", str(folder), "--epochs", "1",
                               "--seeds", "0", "--quiet", "--cache-dir", str(tmp_path / "cache"), "--out",
                               str(tmp_path / "o"))
    assert status == 0, err[-2000:]
    q9 = json.loads((tmp_path / "o" / "results" / "q08.json").read_text())["q9"]
    assert q9["median_train_images_other_breeds"] == 3.0
    mistaken = [q9["most_confused_with"], *q9["most_confused_tied_with"]]  # every breed tied at the top is named
    assert q9["breed"] not in mistaken and len(set(mistaken)) == len(mistaken)
    if q9["most_confused_count"]:
        assert f"most often mistaken for {' and '.join(mistaken)} (" in (tmp_path / "o" / "ANSWERS.md").read_text()
    assert "a median of 3 for the other breeds" in (tmp_path / "o" / "ANSWERS.md").read_text()


def test_unreadable_results_file_is_named(tmp_path, monkeypatch, capsys):
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "q11.json").write_text("{not json")
    one_line_error(call_main(monkeypatch, capsys, "make_answers.py", "--out", str(tmp_path)), "q11.json",
                   "not a readable results file")


def test_q16_refuses_what_does_not_fit_in_memory(monkeypatch, capsys):
    one_line_error(call_main(monkeypatch, capsys, "q16_perceptron.py", "--max-n", "20"), "--max-n 20", "at most 13")


# --- output hygiene -------------------------------------------------------------------------

def test_files_get_ordinary_permissions_and_stale_temporaries_go(tmp_path):
    stale = tmp_path / ".q02.json.999999999.tmp"
    stale.write_text("half")
    old_mask = os.umask(0o022)
    try:
        write_json(tmp_path / "q02.json", {"a": 1})
    finally:
        os.umask(old_mask)
    assert stat.S_IMODE((tmp_path / "q02.json").stat().st_mode) == 0o644
    assert not stale.exists()


# --- a write that fails: one line, the file as it was ---------------------------------------------

def failing_write(error: BaseException):
    """A write function that starts the temporary file, then fails with `error`."""
    def write(tmp):
        tmp.write_text("half")
        raise error
    return write


def torch_like_failure() -> RuntimeError:
    """What torch.save into a file handle raises on a full disk: a RuntimeError raised while handling the OSError."""
    try:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    except OSError:
        try:
            raise RuntimeError("[enforce fail at inline_container.cc] unexpected pos")
        except RuntimeError as error:
            return error


@pytest.mark.parametrize("error", [OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)), torch_like_failure()])
def test_a_failed_write_names_the_file_and_keeps_it(tmp_path, error):
    path = tmp_path / "ANSWERS.md"
    path.write_text("the committed key")
    with pytest.raises(UserError) as raised:
        atomic_write(path, failing_write(error))
    assert str(raised.value) == f"cannot write {path}: No space left on device; the previous version is left as it was"
    assert path.read_text() == "the committed key" and [p.name for p in tmp_path.iterdir()] == ["ANSWERS.md"]
    with pytest.raises(UserError, match="nothing was written"):
        atomic_write(tmp_path / "new.json", failing_write(error))
    assert not (tmp_path / "new.json").exists()


def test_a_failed_write_that_is_not_the_file_systems_stays_a_bug(tmp_path):
    with pytest.raises(ValueError, match="a bug"):
        atomic_write(tmp_path / "x.json", failing_write(ValueError("a bug")))
    assert not list(tmp_path.iterdir())


def test_a_file_over_the_size_limit_ends_in_one_line_with_the_key_intact(tmp_path):
    shutil.copytree(REPO_ROOT / "results", tmp_path / "results")
    (tmp_path / "ANSWERS.md").write_text("the committed key\n")
    limit = 4096  # bytes; the sheet is far larger (Python ignores SIGXFSZ, so the write gets EFBIG, not a kill)
    process = subprocess.run(
        [sys.executable, "make_answers.py", "--out", str(tmp_path)], cwd=REPO_ROOT, capture_output=True, text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)), timeout=120)
    assert process.returncode == 2, process.stderr[-2000:]
    assert process.stderr.splitlines() == [f"error: cannot write {tmp_path / 'ANSWERS.md'}: File too large; the previous "
                                           "version is left as it was"]
    assert (tmp_path / "ANSWERS.md").read_text() == "the committed key\n"
    assert not list(tmp_path.glob(".ANSWERS.md.*"))
