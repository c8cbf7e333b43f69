"""The shape of the code: a layered core without import cycles, light leaf modules, and each
answer worded in one place."""
import ast
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORE = ["common", "data", "answers", "load_data.py", "my_dataset.py"]


def project_modules() -> dict[str, Path]:
    """Dotted module name → file, for every Python file of the project outside tests/ and bench/."""
    files = [*REPO.glob("*.py"), *REPO.glob("common/*.py"), *REPO.glob("data/*.py"), *REPO.glob("answers/*.py")]
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
    code = ("import sys, data.dogs, load_data, common.outputs, common.checkpoints, common.dog_runs, common.mnist_runs; "
            "assert 'matplotlib' not in sys.modules, 'matplotlib imported'")
    process = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert process.returncode == 0, process.stderr


def test_no_argparse_namespace_enters_the_core():
    """Only common/cli.py (flags become settings) and common/drivers.py (the scripts' shared
    preamble) handle parsed flags; the rest of the core takes typed settings."""
    for path in [*REPO.glob("common/*.py"), *REPO.glob("data/*.py"), *REPO.glob("answers/*.py"), REPO / "my_dataset.py"]:
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
