"""The shape of the code: the folders as layers that import only downwards, no import cycles,
light leaf modules, and each answer worded in one place."""
import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
QUESTION_SCRIPTS = (*sorted(p.stem for p in REPO.glob("q[0-9][0-9]_*.py")), "mistakes", "beyond_dog_cnn")
# The layers, lowest first, each named by its folders and top-level modules: a module may import
# from its own layer and the layers below it, never from a layer above (README, "How it is built").
LAYERS = (
    ("common", ("common",)),
    ("data, networks and the loop", ("data", "models", "run_model", "my_dataset", "load_data")),
    ("rules", ("rules",)),
    ("answers", ("answers",)),
    ("harness", ("harness",)),
    ("question scripts", QUESTION_SCRIPTS),
    ("checker, bench and commands", ("checker", "bench", "gradescope", "check_homework", "run_all", "make_answers")),
)
LAYER_OF = {top: rank for rank, (_, tops) in enumerate(LAYERS, 1) for top in tops}


def project_modules() -> dict[str, Path]:
    """Dotted module name → file, for every Python file of the project outside tests/."""
    files = [*REPO.glob("*.py"), *REPO.glob("*/*.py")]
    return {".".join(p.relative_to(REPO).with_suffix("").parts): p for p in files
            if p.name != "__init__.py" and p.parts[len(REPO.parts)] != "tests"}


def imports_with_lines(path: Path, modules: dict[str, Path]) -> set[tuple[str, int]]:
    """(project module, line) for each import of a file, at any level (function bodies included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                 [node.module] + [f"{node.module}.{a.name}" for a in node.names]
                 if isinstance(node, ast.ImportFrom) and node.module else [])
        found |= {(n, node.lineno) for n in names if n in modules}
    return found


def imports_of(path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules a file imports, at any level (function bodies included)."""
    return {name for name, _ in imports_with_lines(path, modules)}


def layer(module: str) -> int:
    return LAYER_OF[module.split(".")[0]]


def test_every_module_has_a_layer():
    """A new folder or top-level file is placed in LAYERS (and the README's drawing) on purpose."""
    unplaced = sorted(name for name in project_modules() if name.split(".")[0] not in LAYER_OF)
    assert not unplaced, f"modules in no layer of LAYERS: {unplaced}"


def test_no_import_runs_against_the_layers():
    """Each import goes to the importer's own layer or one below it: `data/` never imports the
    harness, the answers never the harness, the harness never a question script, and so on."""
    modules = project_modules()
    upward = []
    for name, path in sorted(modules.items()):
        for imported, line in sorted(imports_with_lines(path, modules)):
            if name.split(".")[0] in LAYER_OF and layer(imported) > layer(name):
                upward.append(f"{path.relative_to(REPO)}:{line} imports {imported} "
                              f"({LAYERS[layer(imported) - 1][0]}, layer {layer(imported)}) "
                              f"from layer {layer(name)} ({LAYERS[layer(name) - 1][0]})")
    assert not upward, "imports against the layer order:\n" + "\n".join(upward)


def test_no_import_cycles():
    modules = project_modules()
    graph = {name: imports_of(path, modules) - {name} for name, path in modules.items()}
    visiting, done = set(), set()

    def visit(name, trail):
        if name in visiting:
            raise AssertionError("import cycle: " + " → ".join(trail + [name]))
        if name in done:
            return
        visiting.add(name)
        for other in graph[name]:
            visit(other, trail + [name])
        visiting.discard(name)
        done.add(name)

    for name in graph:
        visit(name, [])


def test_loading_data_and_writing_json_do_not_import_matplotlib():
    code = ("import sys, data.dogs, load_data, common.outputs, harness.checkpoints, harness.dog_runs, harness.mnist_runs; "
            "assert 'matplotlib' not in sys.modules, 'matplotlib imported'")
    process = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert process.returncode == 0, process.stderr


def test_no_argparse_namespace_enters_the_core():
    """Only the cli modules (common/cli.py: the parser; harness/cli.py: flags become settings) and
    harness/drivers.py (the scripts' shared preamble) handle parsed flags; the rest of the core
    takes typed settings."""
    for path in [*REPO.glob("common/*.py"), *REPO.glob("rules/*.py"), *REPO.glob("harness/*.py"),
                 *REPO.glob("data/*.py"), *REPO.glob("answers/*.py"),
                 *(REPO / name for name in ("my_dataset.py", "models.py", "run_model.py"))]:
        if path.name in ("cli.py", "drivers.py"):
            continue
        tree = ast.parse(path.read_text())
        imported = {a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names}
        assert "argparse" not in imported, path
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                assert "args" not in [a.arg for a in node.args.args], (path, node.name)


def test_renderers_import_neither_torch_nor_matplotlib():
    code = ("import sys, json, pathlib, answers.sheet as s; from answers.registry import SCRIPTS; "
            "[x.renderer for x in SCRIPTS]; s.build_sheet(pathlib.Path('.')); "
            "assert not {'torch', 'matplotlib'} & set(sys.modules), sorted({'torch', 'matplotlib'} & set(sys.modules))")
    process = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert process.returncode == 0, process.stderr


# What a student must find in each trained answer's own code (docstrings and comments do not count).
RECIPES = {
    "q04_mnist_time.py": {"Digit_Classifier", "CrossEntropyLoss", "SGD", "DataLoader"},
    "q06_mnist_acc.py": {"Digit_Classifier", "CrossEntropyLoss", "SGD", "DataLoader"},
    "q11_dog_mlp.py": {"Dog_Classifier_FC", "CrossEntropyLoss", "SGD", "DataLoader", "EarlyStopping"},
    "q15_dog_cnn.py": {"Dog_Classifier_Conv", "CrossEntropyLoss", "SGD", "DataLoader", "EarlyStopping"},
    "q18_adversarial.py": {"Digit_Classifier", "Dog_Classifier_Conv", "CrossEntropyLoss"},
}
READING_BUDGET = 450  # lines: the script plus the files that define its network and call .backward()


def names_in_code(tree: ast.AST) -> set[str]:
    return ({n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
            | {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)})


def calls_backward(tree: ast.AST) -> bool:
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "backward"
               for n in ast.walk(tree))


def defines(tree: ast.AST, names: set[str]) -> bool:
    return any(isinstance(n, ast.ClassDef) and n.name in names for n in ast.walk(tree))


@pytest.mark.parametrize("script", sorted(RECIPES))
def test_each_trained_answer_shows_its_recipe_within_one_import(script):
    """The issue's reading test: the script names its network class, loss, optimizer, loader and
    stopping rule in its own code, and the network's definition and the .backward() call are in
    the script or in a file it imports directly, all of them together within READING_BUDGET lines."""
    modules = project_modules()
    path = REPO / script
    tree = ast.parse(path.read_text())
    assert RECIPES[script] <= names_in_code(tree), RECIPES[script] - names_in_code(tree)
    nearby = [path] + [modules[m] for m in imports_of(path, modules) if m in modules]
    parsed = {p: ast.parse(p.read_text()) for p in nearby}
    networks = {name for name in RECIPES[script] if "_Classifier" in name}
    network_files = {p for p, t in parsed.items() if defines(t, networks)}
    backward_files = {p for p, t in parsed.items() if calls_backward(t)}
    assert network_files and backward_files, (network_files, backward_files)
    reading = {path, min(network_files, key=str), min(backward_files, key=str)}
    lines = sum(len(p.read_text().splitlines()) for p in reading)
    assert lines <= READING_BUDGET, {str(p.relative_to(REPO)): len(p.read_text().splitlines()) for p in reading}


def test_the_code_each_answer_points_to_exists_and_the_readme_names_it():
    """Every name an answer's provenance line and the README's table point a reader to is defined
    in that script, in models.py or in run_model.py (`run_model.fit` names the module too)."""
    import re

    from answers.registry import SCRIPTS

    readme = (REPO / "README.md").read_text()
    shared = {name: ast.parse((REPO / f"{name}.py").read_text()) for name in ("models", "run_model")}
    for script in SCRIPTS:
        assert script.code, script.file
        row = next(line for line in readme.splitlines() if line.startswith(f"| `{script.file}` |"))
        assert script.code in row, (script.file, row)
        trees = [ast.parse((REPO / script.file).read_text()), *shared.values()]
        defined = {n.name for t in trees for n in ast.walk(t) if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
        defined |= {target.id for t in trees for n in t.body if isinstance(n, ast.Assign)
                    for target in n.targets if isinstance(target, ast.Name)}  # module constants such as HOMEWORK
        for name in re.findall(r"`([\w.]+)`", script.code):
            module, _, leaf = name.rpartition(".")
            assert leaf in defined and (not module or module in shared), (script.file, name)


def test_the_readme_shows_q11s_recipe_as_it_is():
    readme = (REPO / "README.md").read_text()
    snippet = readme.split("```python\n", 1)[1].split("```", 1)[0].splitlines()
    script = (REPO / "q11_dog_mlp.py").read_text().splitlines()
    assert snippet and all(line in script for line in snippet), [line for line in snippet if line not in script]
