"""Write ANSWERS.md from the results files the question scripts wrote (every script also
does this itself when it finishes). The answers' wording lives in the scripts; this only
assembles it (common/answer_sheet.py)."""
from __future__ import annotations

from common.answer_sheet import build_sheet
from common.base import REPO_ROOT
from common.cli import OneLineParser, run_main
from common.outputs import atomic_write
from pathlib import Path


def main() -> None:
    parser = OneLineParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=REPO_ROOT, help="folder holding results/ (default: the repository)")
    args = parser.parse_args()
    text, count = build_sheet(args.out)
    path = atomic_write(args.out / "ANSWERS.md", lambda tmp: tmp.write_text(text))
    print(f"wrote {path} from {count} results files")


if __name__ == "__main__":
    run_main(main)
