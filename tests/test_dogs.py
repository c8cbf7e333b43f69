"""DogSet loader: both csv formats, interface, train-only normalisation, loud errors on bad
data, the cache; and the answer sheet's description of DogSet, checked against results/."""
import copy
import json
import os
import re
import shutil

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from answers.sheet import build_sheet, read_facts
from conftest import REPO, make_dogset, to_course_format
from data.dogs import DogsDataset, DogSetError, channel_statistics


@pytest.fixture
def cache(tmp_path):
    return tmp_path / "cache"


def test_dogsdataset_has_the_course_loaders_interface_and_shapes(dogset_dir, cache):
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
    (lambda t: t.loc.__setitem__((0, "numeric_label"), "12"), r"numeric_label must be a whole number from 0 to 9.*line 2 \('12'\)"),
    (lambda t: t.loc.__setitem__((1, "numeric_label"), "1.5"), r"numeric_label must be a whole number.*line 3"),
    (lambda t: t.loc.__setitem__((0, "semantic_label"), "collie"), r"numeric_label 0 appears with 2 different semantic_labels"),
    (lambda t: t.loc.__setitem__((1, "filename"), t.loc[0, "filename"]), r"filenames must be unique; 2 duplicate rows: line 2"),
])
def test_bad_csv_is_named(fresh_dogset, cache, change, message):
    edit_csv(fresh_dogset, change)
    with pytest.raises(DogSetError, match=message):
        DogsDataset(fresh_dogset, cache_dir=cache, quiet=True)


def test_extra_columns_are_ignored(fresh_dogset, cache):
    edit_csv(fresh_dogset, lambda t: t.insert(0, "task", "source"))
    assert DogsDataset(fresh_dogset, cache_dir=cache, quiet=True).counts()["train"] == 20


def test_missing_image_files_are_named(fresh_dogset, cache):
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


# --- the two csv formats, stray files, and bad labels in the course's format -------------------

def labels_by_file(data: DogsDataset) -> dict[str, tuple[str, int, str]]:
    """filename → (partition, breed number, breed name), as the loader read them."""
    return {name: (partition, int(label), data.get_semantic_label(int(label)))
            for partition in ("train", "valid", "test")
            for name, label in zip(data.filenames(partition), data.partition(partition)[1])}


def test_the_course_format_and_the_stand_in_format_read_alike(tmp_path):
    stand_in = make_dogset(tmp_path / "stand-in", {"train": 2, "valid": 1, "test": 1})
    course = to_course_format(shutil.copytree(stand_in, tmp_path / "course"))
    assert (stand_in / "dogs.csv").read_text().splitlines()[:2] == ["filename,semantic_label,partition,numeric_label",
                                                                    "000001.png,samoyed,train,0"]
    header, first = (course / "dogs.csv").read_text().splitlines()[:2]
    assert header == ",filename,partition,semantic_label,numeric_label" and first.startswith("0,") and first.endswith(".0")
    a = DogsDataset(stand_in, cache_dir=tmp_path / "cache", quiet=True)
    b = DogsDataset(course, cache_dir=tmp_path / "cache", quiet=True)
    assert a.counts() == b.counts() == {"train": 20, "valid": 10, "test": 10}
    assert labels_by_file(a) == labels_by_file(b)
    assert b.trainY.dtype == np.int64 and np.array_equal(a.mean, b.mean) and np.array_equal(a.std, b.std)


def test_the_course_format_keeps_the_csv_row_order(course_dogset, cache):
    table = pd.read_csv(course_dogset / "dogs.csv", index_col=0)
    train = table[table.partition == "train"]
    d = DogsDataset(course_dogset, cache_dir=cache, quiet=True)
    assert d.filenames("train") == train.filename.tolist()
    assert d.trainY.tolist() == train.numeric_label.astype(int).tolist()


def test_stray_files_in_images_are_ignored(course_dogset, cache):
    before = DogsDataset(course_dogset, cache_dir=cache, quiet=True)
    images = course_dogset / "images"
    (images / ".DS_Store").write_bytes(b"\0\0\0\1Bud1 not an image")
    (images / "samoyed").mkdir()
    for name in before.filenames("train")[:3]:
        shutil.copy(images / name, images / "samoyed" / name)
    after = DogsDataset(course_dogset, cache_dir=cache, quiet=True)
    assert after.counts() == before.counts() and after.fingerprint == before.fingerprint
    assert labels_by_file(after) == labels_by_file(before)


def edit_course_csv(folder, row: int, column: str, value: str) -> None:
    """Set one cell of a course-format dogs.csv, keeping its unnamed index column."""
    csv = folder / "dogs.csv"
    table = pd.read_csv(csv, dtype=str, index_col=0)
    table.loc[table.index[row], column] = value
    table.to_csv(csv)


def one_line_dogset_error(folder, cache) -> str:
    """The message of the DogSetError `folder` raises: one line, and nothing written to the cache."""
    with pytest.raises(DogSetError) as error:
        DogsDataset(folder, cache_dir=cache, quiet=True)
    assert "\n" not in str(error.value)
    assert not cache.exists() or not any(cache.iterdir())
    return str(error.value)


def test_a_label_that_is_not_a_whole_number_names_its_row(course_dogset, cache):
    edit_course_csv(course_dogset, 4, "numeric_label", "1.5")
    line = one_line_dogset_error(course_dogset, cache)
    assert "dogs.csv: numeric_label must be a whole number from 0 to 9" in line and "1 bad rows: line 6 ('1.5')" in line


def test_a_label_that_maps_to_two_breeds_names_its_row(course_dogset, cache):
    table = pd.read_csv(course_dogset / "dogs.csv", index_col=0)
    row = int(np.flatnonzero(table.semantic_label == "collie")[0])
    edit_course_csv(course_dogset, row, "numeric_label", "1.0")  # a collie labelled 1, miniature_poodle's number
    line = one_line_dogset_error(course_dogset, cache)
    assert ("numeric_label 1 appears with 2 different semantic_labels (miniature_poodle in 4 rows, collie in 1 rows), "
            f"one expected; 1 rows differing from miniature_poodle: line {row + 2} (collie)") in line


# --- the sheet describes the DogSet its results came from -----------------------------------------

COURSE_SPLIT = {"train": 7665, "valid": 2000, "test": 555}  # the course's DogSet, ../shared/data/DogSet
STAND_IN_SPLIT = {"train": 6126, "valid": 1344, "test": 1300}  # the retired rebuilt stand-in
STAND_IN_WORDS = ("stand-in", "rebuilt", "sorted by breed", "ordered by breed")
SPLIT = re.compile(r"train (?:\d[\d,]*\d|\d) / valid (?:\d[\d,]*\d|\d) / test (?:\d[\d,]*\d|\d)")
OLD_KEY_SECTION = "## The old answer key, checked"  # quotes the old key's numbers, not this key's data


def shown_split(counts: dict) -> str:
    """'train 7,665 / valid 2,000 / test 555', as the sheet writes a split."""
    return f"train {counts['train']:,} / valid {counts['valid']:,} / test {counts['test']:,}"


def dogset_description_problems(sheet: str, facts: dict[str, dict]) -> list[str]:
    """What the sheet says about DogSet that the `dogset` facts of its results do not back: results
    of different DogSets, a split other than theirs, or (unless they say the data is a rebuilt
    stand-in) the stand-in's counts or words. The old key's table is left out: it quotes the old key."""
    dogsets = {name: f["dogset"] for name, f in facts.items() if "dogset" in f}
    if not dogsets:
        return []
    described = {(shown_split(d["counts"]), d["source"], d["rebuilt"]) for d in dogsets.values()}
    if len(described) > 1:
        return [f"results/ hold answers on different DogSets: {sorted(described)}"]
    [(split, source, rebuilt)] = described
    text = "\n## ".join(part for part in sheet.split("\n## ") if not part.startswith(OLD_KEY_SECTION[3:])).lower()
    problems = [f"the sheet says {said!r}, results/ {split!r}" for said in sorted(set(SPLIT.findall(text))) if said != split]
    problems += [] if split in text else [f"the sheet never states the split of results/, {split!r}"]
    if not rebuilt:
        problems += [f"the sheet says {count:,}, the stand-in's {part} count, on {source}"
                     for part, count in STAND_IN_SPLIT.items() if re.search(rf"(?<![\d,]){count:,}(?![\d,])", text)]
        problems += [f"the sheet says {word!r} on {source}" for word in STAND_IN_WORDS if word in text]
    return problems


def test_the_committed_sheet_describes_the_dogset_of_its_results():
    assert dogset_description_problems((REPO / "ANSWERS.md").read_text(), read_facts(REPO)) == []


def on_the_course_dogset(q08: dict) -> dict:
    """Q8–Q9's facts moved onto the course's DogSet split (as a run on ../shared/data/DogSet stores them)."""
    facts = copy.deepcopy(q08)
    source = "DogSet (the course's own copy)"
    facts["dogset"].update(source=source, counts=COURSE_SPLIT, rebuilt=False)
    facts["data"] = f"{source} [../shared/data/DogSet]: {shown_split(COURSE_SPLIT)}"
    facts["q8"].update(partition_counts=COURSE_SPLIT, images=sum(COURSE_SPLIT.values()))
    facts["q9"]["validation_images"] = COURSE_SPLIT["valid"]
    return facts


def test_the_data_description_check_passes_on_consistent_data_and_fails_on_stale_words(tmp_path):
    facts = {"q08": on_the_course_dogset(json.loads((REPO / "results" / "q08.json").read_text()))}
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "q08.json").write_text(json.dumps(facts["q08"]))
    sheet, _ = build_sheet(tmp_path)
    assert "**Train 7,665 / valid 2,000 / test 555 (10,220 images); 10 breeds;" in sheet
    assert dogset_description_problems(sheet, facts) == []

    stale = sheet.replace("test 555", "test 1,300") + "\nOn 1,300 test images; the csv is sorted by breed.\n"
    assert dogset_description_problems(stale, facts) == [
        "the sheet says 'train 7,665 / valid 2,000 / test 1,300', results/ 'train 7,665 / valid 2,000 / test 555'",
        "the sheet never states the split of results/, 'train 7,665 / valid 2,000 / test 555'",
        "the sheet says 1,300, the stand-in's test count, on DogSet (the course's own copy)",
        "the sheet says 'sorted by breed' on DogSet (the course's own copy)"]
    rebuilt = copy.deepcopy(facts)
    rebuilt["q08"]["dogset"].update(counts=STAND_IN_SPLIT, rebuilt=True)
    stand_in_sheet = "Data: train 6,126 / valid 1,344 / test 1,300, a rebuilt stand-in sorted by breed; 1,300 test images."
    assert dogset_description_problems(stand_in_sheet, rebuilt) == []
    mixed = {**facts, "q11": {"dogset": rebuilt["q08"]["dogset"]}}
    assert dogset_description_problems(sheet, mixed)[0].startswith("results/ hold answers on different DogSets")
