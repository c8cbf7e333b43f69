"""Render ANSWERS.md, and the README's measured section (answers/readme.py), from the facts the
question scripts stored in results/, with no training and without torch: the words of every answer live in answers/ (one renderer per script), so
fixing a sentence means editing its renderer and rerunning this.

    python make_answers.py                     # ANSWERS.md from results/ (a few seconds)
    python make_answers.py --figures           # also redraw figures/ from results/ (needs matplotlib)

With --figures, the two figures that show DogSet's images (q08_samples.png, q09_challenging.png)
are redrawn when DogSet is found (--dogset / $DOGSET_DIR / data/DogSet); q18_examples.png shows
the attacked models' own adversarial images and is drawn only by q18_adversarial.py.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from answers.readme import update_readme
from answers.sheet import draw_figures, read_facts, script_named, write_sheet
from common.paths import REPO_ROOT
from common.cli import OneLineParser, run_main


def redraw(folder: Path, dogset: Path | None) -> None:
    """Every figure the facts in folder/results/ determine, plus DogSet's image figures when DogSet is found."""
    facts = read_facts(folder)
    for name, f in facts.items():
        drawn = draw_figures(script_named(name), f, folder)
        print(f"redrew {', '.join(drawn) or 'nothing'} from results/{name}.json")
    if "q08" in facts:
        from answers.q08 import draw_images
        from common.plots import save_figure
        from data.dogs import DogsDataset, locate_dogset, resolve_dogset_dir

        if locate_dogset(dogset) is None:
            print(f"q08_samples.png and q09_challenging.png need DogSet's images; none at {resolve_dogset_dir(dogset)}")
            return
        data = DogsDataset(dogset, quiet=True)
        if data.fingerprint != facts["q08"]["dogset"]["fingerprint"]:
            print(f"q08_samples.png and q09_challenging.png left as they are: {data.path} is not the DogSet of "
                  f"results/q08.json")
            return
        for name, figure in draw_images(facts["q08"], data).items():
            save_figure(figure, folder / "figures" / name)
            print(f"redrew {name} from results/q08.json and {data.path}")


def main() -> None:
    parser = OneLineParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=REPO_ROOT, help="folder holding results/ (default: the repository)")
    parser.add_argument("--figures", action="store_true", help="also redraw the figures from the facts")
    parser.add_argument("--dogset", type=Path, default=None, help="DogSet folder, for the figures of its images")
    args = parser.parse_args()
    if args.figures:
        redraw(args.out, args.dogset)
    path, count = write_sheet(args.out)
    print(f"wrote {path} from {count} results files")
    readme = update_readme(args.out)
    if readme is not None:
        print(f"wrote the measured section of {readme}")


if __name__ == "__main__":
    run_main(main)
