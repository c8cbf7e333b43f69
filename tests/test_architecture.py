"""The shape of the code: a layered core without import cycles, light leaf modules, and each
answer worded in one place."""
import ast
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORE = ["common", "data", "load_data.py", "my_dataset.py"]


def project_modules() -> dict[str, Path]:
    """Dotted module name → file, for every Python file of the project outside tests/ and bench/."""
    files = [p for p in REPO.glob("*.py")] + list(REPO.glob("common/*.py")) + list(REPO.glob("data/*.py"))
    return {".".join(p.relative_to(REPO).with_suffix("").parts): p for p in files if p.name != "__init__.py"}


def imports_of(path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules a file imports, at any level (function bodies included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                 [node.module] + [f"{node.module}.{a.name}" for a in node.names]
                 if isinstance(node, ast.ImportFrom) and node.module else [])
        found |= {n for n in names if n in modules}
    return found


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


def test_core_never_imports_a_script():
    modules = project_modules()
    scripts = {name for name, path in modules.items() if path.parent == REPO and path.name not in CORE}
    for name, path in modules.items():
        if path.parent != REPO or path.name in CORE:
            assert not imports_of(path, modules) & scripts, (name, imports_of(path, modules) & scripts)


def test_base_module_imports_nothing_of_the_project():
    assert imports_of(REPO / "common" / "base.py", project_modules()) == set()


def test_loading_data_and_writing_json_do_not_import_matplotlib():
    code = ("import sys, data.dogs, load_data, common.outputs, common.dog_runs, common.mnist_runs; "
            "assert 'matplotlib' not in sys.modules, 'matplotlib imported'")
    process = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert process.returncode == 0, process.stderr


def test_no_argparse_namespace_enters_the_core():
    for path in [*REPO.glob("common/*.py"), *REPO.glob("data/*.py"), REPO / "load_data.py"]:
        if path.name == "cli.py":
            continue  # the one place where flags become settings
        assert "args." not in path.read_text().replace("load_data.py", "") or path.name == "load_data.py", path
