"""The leaf layer: what every other layer may use (errors and paths, where a run writes and
atomic writes, statistics, plot style, torch threads and machine facts, the one-line-error entry
point and its parser). It imports nothing of the project, so any module may import it."""
