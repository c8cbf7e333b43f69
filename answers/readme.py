"""The README's measured section: every time the README quotes, read from results/ (no torch).

`make_answers.py` writes it into README.md between the two MARKERS, and a test fails when the
README's copy differs from what the committed results give, so the README can never quote a
number that no run produced.
"""
from __future__ import annotations

import json
from pathlib import Path

from answers.words import in_words

SOURCES = ("run_all", "mistakes", "beyond", "test_time", "check_time", "q02", "q04", "q06", "q08", "q11", "q13", "q15",
           "q16", "q17", "q18")  # results/{name}.json it reads
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


def _rerun_alone(facts: dict[str, dict]) -> list[str]:
    """The question scripts whose committed results come from a run of the script alone, after
    `make reproduce` timed it: run_all.py always passes `--out`, a run alone need not."""
    steps = facts.get("run_all", {}).get("step_seconds", {})
    return [f["meta"]["command"].split()[0] for f in facts.values() if isinstance(f.get("meta"), dict)
            and f["meta"].get("command", "").split()[:1] and f["meta"]["command"].split()[0] in steps
            and "--out" not in f["meta"]["command"].split()]


def _reproduce(run_all: dict, rerun: list[str]) -> list[str]:
    """`make reproduce`: the total and each script's wall time, and which scripts' results come
    from a later run alone."""
    steps = run_all["step_seconds"]
    slowest = max(steps, key=steps.get)
    lines = [f"- `make reproduce` ({len(run_all['seeds'])} seeds): **{minutes(run_all['total_seconds'])}** "
             f"({run_all['total_seconds']:,.0f} s); the slowest step, `{slowest}`, took {minutes(steps[slowest])} "
             f"({steps[slowest] / run_all['total_seconds']:.0%} of it).",
             "", "  | script | wall (s) |", "  |---|---:|"]
    lines += [f"  | `{script}` | {seconds:,.0f} |" for script, seconds in steps.items()]
    if rerun:
        lines += ["", f"  The committed results of {in_words([f'`{r}`' for r in sorted(rerun)])} come from a later run of "
                      f"{'that script' if len(rerun) == 1 else 'each script'} alone (its results file records when and "
                      "where); the times above are those `make reproduce` measured."]
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
    lines = [MARKERS[0], f"Measured {_machines(facts)} (as each results file records them), each time from the run "
             "that measured it:", ""]
    if "run_all" in facts:
        lines += _reproduce(facts["run_all"], _rerun_alone(facts))
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
