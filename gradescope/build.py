"""Builds Gradescope's autograder: runs/gradescope/autograder.zip, with setup.sh and
run_autograder at its root, the key's checker and the files it reads, the pinned requirements,
and DogSet only when DOGSET_DIR (or --dogset) names it.

    python gradescope/build.py [--dogset DIR] [--out runs/gradescope/autograder.zip]     # or: make gradescope
"""
from __future__ import annotations

import argparse
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from data.dogs import locate_dogset  # noqa: E402
from common.cli import run_main  # noqa: E402
from common.outputs import atomic_write  # noqa: E402

PACKAGES = ("checker", "answers", "harness", "data", "common", "rules")  # the checker and what it imports, .py files only
RESULTS = ("q11.json", "q15.json", "mistakes.json")  # the key's numbers part 3 compares with
FILES = ("requirements.txt", "gradescope/rubric.json")
AT_ROOT = ("setup.sh", "run_autograder")  # Gradescope's two required files


def members(dogset: Path | None) -> list[tuple[Path, str]]:
    """(file, name in the zip) for everything the autograder needs."""
    chosen = [(path, path.name) for path in sorted(REPO.glob("*.py"))]
    chosen += [(path, str(path.relative_to(REPO))) for package in PACKAGES for path in sorted((REPO / package).glob("*.py"))]
    chosen += [(REPO / "results" / name, f"results/{name}") for name in RESULTS]
    chosen += [(REPO / name, name) for name in FILES]
    chosen += [(REPO / "gradescope" / name, name) for name in AT_ROOT]
    if dogset is not None:
        chosen += [(path, f"data/DogSet/{path.relative_to(dogset)}") for path in sorted(dogset.rglob("*")) if path.is_file()]
    return chosen


def build(out: Path, dogset: Path | None) -> Path:
    def write(tmp: Path) -> None:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            for path, name in members(dogset):
                info = zipfile.ZipInfo.from_file(path, name)
                info.external_attr = (0o755 if name in AT_ROOT else 0o644) << 16
                archive.writestr(info, path.read_bytes(), zipfile.ZIP_DEFLATED)
    return atomic_write(out, write)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dogset", help="DogSet folder to ship for part 3 (default: $DOGSET_DIR; none: parts 1-2 only)")
    parser.add_argument("--out", type=Path, default=REPO / "runs" / "gradescope" / "autograder.zip")
    args = parser.parse_args(argv)
    dogset = locate_dogset(args.dogset)
    path = build(args.out, dogset)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB; "
          + (f"with DogSet from {dogset}, so part 3 runs" if dogset else "without DogSet: parts 1-2 only") + ")")


if __name__ == "__main__":
    run_main(main)
