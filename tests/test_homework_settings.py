"""One home per homework number: each question script's HOMEWORK is the only place its settings
are written, and every other use (mistakes.py, q18, the benches, the checker's term) starts from
a script's HOMEWORK. The test edits nothing: it reads the code and compares the objects."""
import argparse
import ast
import dataclasses
from pathlib import Path

import pytest

import mistakes
import q04_mnist_time
import q06_mnist_acc
import q11_dog_mlp
import q15_dog_cnn
import q18_adversarial
from checker.terms import homework_term
from harness.dog_runs import DogSettings
from harness.mnist_runs import MnistSettings

REPO = Path(__file__).resolve().parent.parent
SETTINGS = ("DogSettings", "MnistSettings")


@pytest.mark.parametrize("settings", [DogSettings, MnistSettings])
def test_the_settings_classes_carry_no_default_values(settings):
    """A default would be a second home of a homework number, used wherever a caller leaves it out."""
    assert all(f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
               for f in dataclasses.fields(settings)), settings


def settings_built(tree: ast.AST) -> list[tuple[int, bool]]:
    """(line, is a script's `HOMEWORK = ...`) for each call that builds a settings class by name."""
    homework = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Assign)
                and [getattr(t, "id", None) for t in node.targets] == ["HOMEWORK"]}
    return [(node.lineno, id(node) in homework) for node in ast.walk(tree)
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) in SETTINGS]


def test_settings_are_written_only_in_the_scripts_homework():
    """Outside a question script's HOMEWORK, no code builds DogSettings or MnistSettings from
    numbers: it reads a HOMEWORK (with dataclasses.replace for what a flag changes)."""
    written = []
    for path in sorted([*REPO.glob("*.py"), *REPO.glob("*/*.py")]):
        if "tests" in path.relative_to(REPO).parts:
            continue
        is_script = path.parent == REPO and path.name.startswith("q")
        written += [f"{path.relative_to(REPO)}:{line}" for line, homework in settings_built(ast.parse(path.read_text()))
                    if not (homework and is_script)]
    assert not written, f"settings written outside a script's HOMEWORK: {written}"


def test_the_scripts_that_show_the_same_homework_on_their_own_screen_agree():
    """q06 repeats q04's HOMEWORK and q15 repeats q11's, each on its own first screen."""
    assert q04_mnist_time.HOMEWORK == q06_mnist_acc.HOMEWORK
    assert q11_dog_mlp.HOMEWORK == q15_dog_cnn.HOMEWORK


def test_every_other_use_reads_a_scripts_homework():
    """The mistakes appendix's Q6 row trains with q06's HOMEWORK (its quick run changes only the
    epochs), q18 attacks q04's model trained with q04's HOMEWORK, and the checker holds a
    repository to q11's HOMEWORK."""
    assert mistakes.mnist_plan(argparse.Namespace(quick=False))[0] is q06_mnist_acc.HOMEWORK
    assert mistakes.mnist_plan(argparse.Namespace(quick=True))[0] == dataclasses.replace(q06_mnist_acc.HOMEWORK, epochs=2)
    homework = q04_mnist_time.HOMEWORK
    assert q18_adversarial.mnist_settings(argparse.Namespace(mnist_epochs=homework.epochs)) == homework
    term = homework_term()
    assert {name: getattr(term, name) for name in ("epochs", "batch_size", "lr", "patience", "min_delta")} \
        == dataclasses.asdict(q11_dog_mlp.HOMEWORK)
