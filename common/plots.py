"""Matplotlib, set up once for every script (no display needed, readable defaults), and
saving a figure atomically. Only the modules that draw import this."""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from common.outputs import atomic_write  # noqa: E402

plt.rcParams.update({"figure.dpi": 100, "axes.grid": True, "grid.alpha": 0.3, "font.size": 10})


def save_figure(fig: plt.Figure, path: Path) -> Path:
    """Save a figure as PNG, atomically, and close it."""
    try:
        return atomic_write(path, lambda tmp: fig.savefig(tmp, format="png", dpi=120, bbox_inches="tight"))
    finally:
        plt.close(fig)


__all__ = ["plt", "save_figure"]
