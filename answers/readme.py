"""The README's measured section: every time the README quotes, read from results/ (no torch).

`make_answers.py` writes it into README.md between the two MARKERS, and a test fails when the
README's copy differs from what the committed results give, so the README can never quote a
number that no run produced.
"""
from __future__ import annotations

import json
from pathlib import Path

SOURCES = ("run_all", "mistakes", "beyond", "test_time", "check_time", "q04", "q11", "q15")  # results/{name}.json it reads
MARKERS = ("<!-- measured: written by make_answers.py from results/, do not edit by hand -->",
           "<!-- /measured -->")


def minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} min"


def _machines(facts: dict[str, dict]) -> str:
    """The CPUs the key's runs recorded in their results' meta, each with its core count when every
    run on it recorded the same one, and the Python and torch they ran."""
    metas = [f["meta"] for f in facts.values() if isinstance(f.get("meta"), dict) and "cpu" in f["meta"]]
    if not metas:
        return "on an unrecorded CPU"
    cores: dict[str, set] = {}
    for meta in metas:
        cores.setdefault(meta["cpu"], set()).add(meta.get("cores"))
    cpus = [cpu + (f" ({next(iter(n))} cores)" if len(n) == 1 and None not in n else "")
            for cpu, n in sorted(cores.items())]
    versions = sorted({f"Python {m['python']}, torch {m['torch']}" for m in metas if "python" in m and "torch" in m})
    return f"on {' and '.join(cpus)}" + (f", with {' and '.join(versions)}" if versions else "")


def _reproduce(run_all: dict) -> list[str]:
    """`make reproduce`: the total and each script's wall time."""
    steps = run_all["step_seconds"]
    slowest = max(steps, key=steps.get)
    lines = [f"- `make reproduce` ({len(run_all['seeds'])} seeds): **{minutes(run_all['total_seconds'])}** "
             f"({run_all['total_seconds']:,.0f} s); the slowest step, `{slowest}`, took {minutes(steps[slowest])} "
             f"({steps[slowest] / run_all['total_seconds']:.0%} of it).",
             "", "  | script | wall (s) |", "  |---|---:|"]
    lines += [f"  | `{script}` | {seconds:,.0f} |" for script, seconds in steps.items()]
    return lines + [""]


def _ladder(beyond: dict) -> str:
    """`make beyond`, with which rungs trained in that run."""
    ladder = beyond["ladder"]
    reused = [r["step"] for r in ladder if r.get("reused")]
    untrained = [r["step"] for r in ladder if not r.get("trained", True)]
    notes = []
    if reused:
        notes.append(f"rung {', '.join(map(str, reused))} reused a saved model (rung 0 is q15's seed-0 CNN)")
    if untrained:
        notes.append(f"rung {', '.join(map(str, untrained))} trains nothing (it averages rung 2's predictions)")
    wall = beyond.get("wall_seconds")
    when = f"**{minutes(wall)}** after loading DogSet" if wall is not None else "its run recorded no time"
    seeds = ", ".join(map(str, beyond["seeds"]))
    return f"- `make beyond` (seed {seeds}): {when}" + (f"; {'; '.join(notes)}." if notes else ".")


def measured_section(facts: dict[str, dict]) -> str:
    """The Markdown between the README's MARKERS, from the facts of results/*.json."""
    lines = [MARKERS[0], f"Measured {_machines(facts)} (as each results file records them), each from the run "
             "that wrote the committed files:", ""]
    if "run_all" in facts:
        lines += _reproduce(facts["run_all"])
    if "mistakes" in facts:
        m = facts["mistakes"]
        lines.append(f"- `make mistakes` ({len(m['seeds'])} seeds): **{minutes(m['wall_seconds'])}** after loading "
                     "the data.")
    if "beyond" in facts:
        lines.append(_ladder(facts["beyond"]))
    if "test_time" in facts:
        t = facts["test_time"]
        lines.append(f"- `make test` with `.venv` in place: **{t['seconds']:.0f} s** for {t['passed']} tests "
                     f"(`bench/bench_tests.py`, {t['meta']['date_utc']}).")
    if "check_time" in facts:
        c = facts["check_time"]
        networks = " and ".join(n["network"] for n in c["part3"])
        lines.append(f"- `check_homework.py` on one repository, which is also what Gradescope's `run_autograder` runs for one "
                     f"submission: parts 1–2 **{c['seconds_parts_1_2']:.0f} s**; with part 3 "
                     f"({networks}, {len(c['seeds'])} seed, the homework's settings) **{minutes(c['seconds'])}** "
                     f"(`bench/bench_check.py`, {c['meta']['date_utc']}).")
    return "\n".join(lines + [MARKERS[1]])


def replace_section(readme: str, section: str) -> str:
    """`readme` with the text between its MARKERS (included) replaced by `section`."""
    start, end = readme.find(MARKERS[0]), readme.find(MARKERS[1])
    if start < 0 or end < start:
        raise ValueError("README.md has no measured section: add the two MARKERS lines of answers/readme.py")
    return readme[:start] + section + readme[end + len(MARKERS[1]):]


def read_sources(folder: Path) -> dict[str, dict]:
    """The results files the measured section reads, those that exist in folder/results/."""
    paths = {name: folder / "results" / f"{name}.json" for name in SOURCES}
    return {name: json.loads(path.read_text()) for name, path in paths.items() if path.exists()}


def update_readme(folder: Path) -> Path | None:
    """Rewrite the measured section of folder/README.md from folder/results/; None without a README."""
    from common.outputs import atomic_write

    readme = folder / "README.md"
    if not readme.exists():
        return None
    text = replace_section(readme.read_text(), measured_section(read_sources(folder)))
    return atomic_write(readme, lambda tmp: tmp.write_text(text))
