"""A checked repository's status and the exit status it gives: what a TA's script reads."""
from __future__ import annotations

from checker.slips import SLIPS

EXIT_STATUS = {"clean": 0, "slips": 1, "incomplete": 2}


def status(diagnosis: dict) -> str:
    """'incomplete' when a check that was asked for could not run; else 'slips' when anything is
    off (a slip, or a piece of the skeleton left unfinished); else 'clean'."""
    if diagnosis["not_run"]:
        return "incomplete"
    return "slips" if any(SLIPS[f["id"]].kind != "note" for f in diagnosis["findings"]) else "clean"
