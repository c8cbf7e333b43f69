"""The README quotes no number that no run produced: its measured section is exactly what
answers/readme.py writes from the committed results/, and outside that section it states no
measured time, accuracy or speed."""
import re
from pathlib import Path

import pytest

from answers.readme import MARKERS, measured_section, read_sources, replace_section

REPO = Path(__file__).resolve().parent.parent
MEASURED = re.compile(r"\d[\d,.]*\s?(%|s\b|min\b|ms\b|µs\b|×(?!\d))")
STATED = ("21.98%", "26.13%", "95%", "600 s", "30 s")  # the old sheet's numbers, the interval's level and
# check_homework.py's default time limits: settings, not measurements


def readme() -> str:
    return (REPO / "README.md").read_text()


def test_the_measured_section_is_what_the_committed_results_give():
    text = readme()
    section = text[text.index(MARKERS[0]):text.index(MARKERS[1]) + len(MARKERS[1])]
    assert section == measured_section(read_sources(REPO))


def test_the_measured_section_follows_the_results(tmp_path):
    """A changed time in results/ changes the section: the test above can fail."""
    facts = read_sources(REPO)
    facts["run_all"] = {**facts["run_all"], "total_seconds": facts["run_all"]["total_seconds"] + 600}
    assert measured_section(facts) != measured_section(read_sources(REPO))
    assert f"{facts['run_all']['total_seconds'] / 60:.1f} min" in measured_section(facts)


def test_outside_its_measured_section_the_readme_quotes_no_measurement():
    text = readme()
    outside = text[:text.index(MARKERS[0])] + text[text.index(MARKERS[1]):]
    outside = re.sub(r"```.*?```", "", outside, flags=re.S)  # code shows settings, not measurements
    for stated in STATED:
        outside = outside.replace(stated, "")
    assert not [m.group(0) for m in MEASURED.finditer(outside)]


def test_replacing_the_section_needs_both_markers():
    with pytest.raises(ValueError, match="no measured section"):
        replace_section("# a README without markers\n", "x")
    assert replace_section(f"a\n{MARKERS[0]}\nold\n{MARKERS[1]}\nb", "new") == "a\nnew\nb"
