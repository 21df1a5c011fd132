"""Track timeline picture (track id against frame), drawn with matplotlib (the ``[plot]`` extra)."""

from __future__ import annotations

from typing import Dict, List

import numpy as np

from bytetrack_cpp._optional import MissingExtraError, install_hint

__all__ = ["PLOT_INSTALL_HINT", "plot_timeline", "import_matplotlib"]

PLOT_INSTALL_HINT = install_hint("plot")


def import_matplotlib():
    """matplotlib's object-oriented API only: no pyplot, so no global backend or figure state is touched."""
    try:
        from matplotlib import colormaps
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.collections import LineCollection
        from matplotlib.figure import Figure
    except ImportError:
        raise MissingExtraError(f"the track timeline needs matplotlib, which is not installed: {PLOT_INSTALL_HINT}") from None
    return Figure, FigureCanvasAgg, LineCollection, colormaps


def _segments(frames: List[int], ids_per_frame: List[np.ndarray]) -> Dict[int, List[List[int]]]:
    """For every track id, runs of consecutive frame positions where it is reported."""
    runs: Dict[int, List[List[int]]] = {}
    for position, ids in enumerate(ids_per_frame):
        for tid in np.unique(ids[ids >= 0]).tolist():
            spans = runs.setdefault(int(tid), [])
            if spans and spans[-1][1] == position - 1:
                spans[-1][1] = position
            else:
                spans.append([position, position])
    return runs


def plot_timeline(frames: List[int], ids_per_frame: List[np.ndarray], path: str, title: str = "") -> int:
    """Writes a PNG with one horizontal line per track id over the frames where it was reported (gaps where
    the track was lost). Returns the number of tracks drawn."""
    Figure, FigureCanvasAgg, LineCollection, colormaps = import_matplotlib()
    runs = _segments(frames, ids_per_frame)
    fig = Figure(figsize=(10, 5.5), dpi=120)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    palette = colormaps["tab10"].colors
    frame_of = np.asarray(frames, dtype=float)
    # Each run of frames covers [first - 0.5, last + 0.5], so a one-frame appearance is still a short line.
    lines, colors = [], []
    for tid, spans in sorted(runs.items()):
        for start, stop in spans:
            lines.append([(frame_of[start] - 0.5, tid), (frame_of[stop] + 0.5, tid)])
            colors.append(palette[tid % len(palette)])
    if lines:
        ax.add_collection(LineCollection(lines, colors=colors, linewidths=2.0))
    if frames:
        ax.set_xlim(frame_of.min() - 1, frame_of.max() + 1)
    if runs:
        ax.set_ylim(min(runs) - 1, max(runs) + 1)
    ax.set_xlabel("frame")
    ax.set_ylabel("track id")
    ax.grid(True, alpha=0.3)
    ax.set_title(title or f"{len(runs)} tracks over {len(frames)} frames")
    fig.tight_layout()
    fig.savefig(path, format="png")
    return len(runs)
