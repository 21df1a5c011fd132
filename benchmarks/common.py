"""Shared helpers for the benchmark scripts: locating real data and timing."""

from __future__ import annotations

import os
import platform
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("BYTETRACK_SHARED_DATA", ROOT.parent / "shared" / "data"))


def machine_summary() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, NumPy {np.__version__}"


def load_real_sequence(name: str):
    """Frames of (xyxy float64, scores float64, class_ids int64) and the frame rate."""
    from bytetrack_cpp.io import read_json_detections, read_mot_detections

    if name == "rfdetr-walk":
        seq = read_json_detections(str(SHARED / "rfdetr-walk" / "detections.json"))
        rate = 30.0
    else:
        seq = read_mot_detections(str(SHARED / "mot" / name / "det" / "det.txt"))
        rate = seq.frame_rate or 30.0
    return [(f.xyxy, f.scores, f.class_ids) for f in seq.frames], rate


def time_calls(fn, inputs) -> np.ndarray:
    """Calls fn(*args) for every args in inputs; returns per-call seconds."""
    out = np.empty(len(inputs))
    clock = time.perf_counter
    for i, args in enumerate(inputs):
        t0 = clock()
        fn(*args)
        out[i] = clock() - t0
    return out
