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


def sv_inputs(sv, frames):
    """One sv.Detections per frame (float32 boxes and scores, as detectors give them), as call arguments."""
    return [(sv.Detections(xyxy=x.astype(np.float32), confidence=s.astype(np.float32), class_id=c),)
            for x, s, c in frames]


def alternate(repeats: int, ours, reference):
    """Times `repeats` passes of each side, alternating, so that machine noise hits both alike.
    ours(r) / reference(r) give (update, inputs) for pass r (a fresh tracker each pass).
    Returns the mean microseconds per call of ours and of the reference."""
    ours_t, ref_t = [], []
    for r in range(repeats):
        ours_t.append(time_calls(*ours(r)))
        ref_t.append(time_calls(*reference(r)))
    return float(np.mean(np.concatenate(ours_t))) * 1e6, float(np.mean(np.concatenate(ref_t))) * 1e6


def ratio_row(name: str, frames, ref_us: float, ours_us: float) -> str:
    """One line of the bench_core / bench_supervision table."""
    density = np.mean([len(s) for _, s, _ in frames])
    return f"{name:<16} {len(frames):>6} {density:>9.1f} {ref_us:>16.1f} {ours_us:>9.2f} {ref_us / ours_us:>6.0f}x"
