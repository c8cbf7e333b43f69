"""The key names no folder of the machine that made it: data folders and `--out` are recorded
relative to the repository (`../shared/data/DogSet`), in results/, in ANSWERS.md and in every
run's own results and sheet, so a student never reads another machine's layout as an instruction."""
import pytest

from conftest import absolute_paths, key_files
from common.paths import REPO_ROOT, shown_command, shown_path


def test_the_path_finder_finds_what_the_key_once_held():
    """The check below can fail: the finder sees the paths the committed key used to print."""
    assert absolute_paths("MNIST IDX files in /work/shared/data/mnist") == ["/work/shared/data/mnist"]
    assert absolute_paths('"command": "q04_mnist_time.py --out /work/run"') == ["/work/run"]
    assert absolute_paths("(`/work/shared/data/DogSet`), n / 10, 1/√count") == ["/work/shared/data/DogSet"]


@pytest.mark.parametrize("path", [*key_files(REPO_ROOT), REPO_ROOT / "README.md"], ids=lambda p: p.name)
def test_the_committed_key_holds_no_absolute_path(path):
    """Nor does the README: Gradescope's root is named by its variable, examples by relative paths."""
    assert absolute_paths(path.read_text()) == []


def test_paths_are_shown_relative_to_the_repository():
    assert shown_path(REPO_ROOT / "data" / "mnist") == "data/mnist"
    assert shown_path(REPO_ROOT.parent / "shared" / "data" / "DogSet") == "../shared/data/DogSet"
    assert shown_command(["/anywhere/q04_mnist_time.py", "--out", str(REPO_ROOT.parent / "run"),
                          f"--dogset={REPO_ROOT / 'data' / 'DogSet'}", "--seeds", "0"]) == \
        "q04_mnist_time.py --out ../run --dogset=data/DogSet --seeds 0"
