"""DogSet loader: interface, train-only normalisation, loud errors on bad data, the cache."""
import os

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from data.dogs import DogsDataset, DogSetError, channel_statistics


@pytest.fixture
def cache(tmp_path):
    return tmp_path / "cache"


def test_interface_and_shapes(dogset_dir, cache):
    d = DogsDataset(dogset_dir, cache_dir=cache, quiet=True)
    x, y = d.get_train_examples()
    assert x.shape == (60, 64, 64, 3) and x.dtype == np.float32 and y.dtype == np.int64
    assert d.get_validation_examples()[0].shape == (30, 64, 64, 3)
    assert d.testX.shape == (30, 64, 64, 3) and d.testY.shape == (30,)
    assert d.get_examples_by_label("valid", 4).shape == (3, 64, 64, 3)
    assert d.get_examples_by_label("train", 4, num_examples=2).shape == (2, 64, 64, 3)
    assert d.get_semantic_label(1) == "miniature_poodle"
    assert d.counts() == {"train": 60, "valid": 30, "test": 30}
    assert d.raw_images("test").dtype == np.uint8
    assert len(d.filenames("valid")) == 30


def test_normalisation_uses_train_statistics_only(dogset_dir, cache):
    d = DogsDataset(dogset_dir, cache_dir=cache, quiet=True)
    train = d.raw_images("train").reshape(-1, 3) / 255.0
    assert np.allclose(d.mean, train.mean(axis=0), atol=1e-6) and np.allclose(d.std, train.std(axis=0), atol=1e-6)
    normalised = d.trainX.reshape(-1, 3).astype(np.float64)
    assert np.allclose(normalised.mean(axis=0), 0, atol=1e-4) and np.allclose(normalised.std(axis=0), 1, atol=1e-4)
    expected_test = (d.raw_images("test") / 255.0 - d.mean) / d.std
    assert np.allclose(d.testX, expected_test, atol=1e-5)


def test_test_images_do_not_change_the_statistics(fresh_dogset, cache):
    before = DogsDataset(fresh_dogset, cache_dir=cache, quiet=True)
    for name in before.filenames("test"):  # make every test image plain white
        Image.new("RGB", (64, 64), (255, 255, 255)).save(fresh_dogset / "images" / name)
    after = DogsDataset(fresh_dogset, cache_dir=cache, quiet=True)
    assert np.array_equal(before.mean, after.mean) and np.array_equal(before.std, after.std)
    assert np.array_equal(before.trainX, after.trainX)
    assert np.allclose(after.testX, (1.0 - after.mean) / after.std, atol=1e-5)  # not re-centred to 0


def test_channel_statistics_exact():
    images = np.random.default_rng(0).integers(0, 256, size=(7, 5, 5, 3), dtype=np.uint8)
    mean, std = channel_statistics(images)
    flat = images.reshape(-1, 3) / 255.0
    assert np.allclose(mean, flat.mean(axis=0)) and np.allclose(std, flat.std(axis=0))


def test_missing_folder_says_where_dogset_goes(tmp_path):
    with pytest.raises(DogSetError, match="DogSet not found: .*dogs.csv does not exist.*--dogset PATH or DOGSET_DIR"):
        DogsDataset(tmp_path / "nowhere")


def edit_csv(folder, change):
    csv = folder / "dogs.csv"
    table = pd.read_csv(csv, dtype=str)
    change(table)
    table.to_csv(csv, index=False)


@pytest.mark.parametrize("change, message", [
    (lambda t: t.drop(columns="partition", inplace=True), "missing column.*partition"),
    (lambda t: t.loc.__setitem__((3, "partition"), "training"), r"partition must be one of .*1 bad rows: line 5 \('training'\)"),
    (lambda t: t.loc.__setitem__((0, "numeric_label"), "12"), r"numeric_label must be an integer 0–9.*line 2 \('12'\)"),
    (lambda t: t.loc.__setitem__((1, "numeric_label"), "1.5"), r"numeric_label must be an integer.*line 3"),
    (lambda t: t.loc.__setitem__((0, "semantic_label"), "collie"), "semantic_label and numeric_label disagree"),
    (lambda t: t.loc.__setitem__((1, "filename"), t.loc[0, "filename"]), r"filenames must be unique; 2 duplicate rows: line 2"),
])
def test_bad_csv_is_named(fresh_dogset, cache, change, message):
    edit_csv(fresh_dogset, change)
    with pytest.raises(DogSetError, match=message):
        DogsDataset(fresh_dogset, cache_dir=cache, quiet=True)


def test_extra_columns_are_ignored(fresh_dogset, cache):
    edit_csv(fresh_dogset, lambda t: t.insert(0, "task", "source"))
    assert DogsDataset(fresh_dogset, cache_dir=cache, quiet=True).counts()["train"] == 20


def test_missing_image(fresh_dogset, cache):
    (fresh_dogset / "images" / "000002.png").unlink()
    (fresh_dogset / "images" / "000005.png").unlink()
    with pytest.raises(DogSetError, match="2 image files listed in dogs.csv are missing: 000002.png, 000005.png"):
        DogsDataset(fresh_dogset, cache_dir=cache, quiet=True)


@pytest.mark.parametrize("damage, message", [
    (lambda p: p.write_bytes(p.read_bytes()[:60]), "1 images unreadable or corrupt: 000003.png"),
    (lambda p: p.write_bytes(b"not a png at all"), "1 images unreadable or corrupt: 000003.png"),
    (lambda p: Image.new("RGB", (32, 64)).save(p), r"1 images not 64×64: 000003.png \(32×64\)"),
    (lambda p: Image.new("L", (64, 64)).save(p), r"1 images not RGB: 000003.png \(L\)"),
    (lambda p: Image.new("RGBA", (64, 64)).save(p), r"1 images not RGB: 000003.png \(RGBA\)"),
])
def test_bad_images_are_named(fresh_dogset, cache, damage, message):
    damage(fresh_dogset / "images" / "000003.png")
    with pytest.raises(DogSetError, match=message):
        DogsDataset(fresh_dogset, cache_dir=cache, quiet=True)


def test_cache_hit_invalidation_and_corruption(fresh_dogset, cache, capsys):
    first = DogsDataset(fresh_dogset, cache_dir=cache, quiet=True)
    [cache_file] = cache.glob("*.npz")
    built = cache_file.stat().st_mtime_ns
    second = DogsDataset(fresh_dogset, cache_dir=cache, quiet=True)
    assert cache_file.stat().st_mtime_ns == built  # served from the cache, not rebuilt
    assert np.array_equal(first.trainX, second.trainX)

    # Change one image: the cache must not be served stale.
    path = fresh_dogset / "images" / first.filenames("train")[0]
    Image.fromarray(np.full((64, 64, 3), 7, np.uint8)).save(path)
    os.utime(path, ns=(built + 10**9, built + 10**9))
    third = DogsDataset(fresh_dogset, cache_dir=cache, quiet=True)
    assert (third.raw_images("train")[0] == 7).all()

    # A corrupt cache file is rebuilt with a note, not fatal.
    cache_file.write_bytes(b"garbage")
    fourth = DogsDataset(fresh_dogset, cache_dir=cache, quiet=True)
    assert np.array_equal(fourth.raw_images("train"), third.raw_images("train"))
    assert "unreadable" in capsys.readouterr().err
    assert list(cache.glob("*.npz")) == [cache_file] and not list(cache.glob(".*"))  # no temp files left


def test_cache_follows_csv_changes(fresh_dogset, cache):
    DogsDataset(fresh_dogset, cache_dir=cache, quiet=True)
    edit_csv(fresh_dogset, lambda t: t.loc.__setitem__((0, "partition"), "test"))
    assert DogsDataset(fresh_dogset, cache_dir=cache, quiet=True).counts() == {"train": 19, "valid": 10, "test": 11}
