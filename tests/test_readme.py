"""The README quotes no number that no run produced: its measured section is exactly what
answers/readme.py writes from the committed results/, and outside that section it states no
measured time, accuracy or speed."""
import json
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


def test_the_measured_section_names_the_recorded_machines_and_no_unrecorded_core_count():
    """The section once said "2-core machine" with no results file recording a core count."""
    facts = read_sources(REPO)
    recorded = {f["meta"]["cpu"] for f in facts.values() if "meta" in f}
    section = measured_section(facts)
    assert all(cpu in section for cpu in recorded)
    facts = {"a": {"meta": {"cpu": "CPU A", "cores": 2, "python": "3.11.7", "torch": "2"}},
             "b": {"meta": {"cpu": "CPU A", "python": "3.11.7", "torch": "2"}}}
    assert "Measured on CPU A, with Python 3.11.7, torch 2 " in measured_section(facts)  # one run did not record it
    facts["b"]["meta"]["cores"] = 2
    assert "Measured on CPU A (2 cores)" in measured_section(facts)


def test_the_versions_the_readme_names_are_the_pinned_ones():
    pins = dict(line.split("==") for line in (REPO / "requirements.txt").read_text().splitlines() if "==" in line)
    assert f"torch {pins['torch']} and torchvision\n{pins['torchvision']} come from `requirements.txt`" in readme()


def test_every_committed_results_file_was_made_by_a_command_the_readme_names():
    """The README says the key comes from `make reproduce`, `make mistakes`, `make beyond` and two
    benchmarks, each results file recording its command: a file made otherwise fails here."""
    from answers.registry import SCRIPTS

    named = {s.file for s in SCRIPTS} | {"bench_tests.py", "bench_check.py"}
    for path in sorted((REPO / "results").glob("*.json")):
        facts = json.loads(path.read_text())
        if path.stem == "run_all":
            assert set(facts["step_seconds"]) <= named
            continue
        assert facts["meta"]["command"].split()[0] in named, path.name
        assert facts["meta"]["date_utc"]


def test_results_rerun_alone_after_make_reproduce_are_named():
    """run_all.py always passes --out; a script's results without it come from a run alone."""
    facts = {"run_all": {"seeds": [0], "step_seconds": {"q13_conv_shape.py": 2.0, "q16_perceptron.py": 4.0},
                         "total_seconds": 6.0},
             "q13": {"meta": {"cpu": "C", "command": "q13_conv_shape.py"}},
             "q16": {"meta": {"cpu": "C", "command": "q16_perceptron.py --out ../run"}}}
    section = measured_section(facts)
    assert "The committed results of `q13_conv_shape.py` come from a later run of that script alone" in section
    facts["q13"]["meta"]["command"] = "q13_conv_shape.py --out ../run"
    assert "later run" not in measured_section(facts)
