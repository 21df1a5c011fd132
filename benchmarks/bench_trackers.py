"""Speed of bytetrack_cpp.ByteTrackTracker against roboflow trackers.ByteTrackTracker.

Runs the RF-DETR "walk" detections (600 frames, ~3.6 detections per frame) looped to
--frames frames and reports the mean time per update() call of

  * trackers.ByteTrackTracker          (the installed version: 2.6.1, or 2.2.0 in a side env)
  * bytetrack_cpp.ByteTrackTracker.update         (supervision.Detections in and out)
  * bytetrack_cpp.ByteTrackTracker.update_arrays  (NumPy arrays in, row index + id out)

with the same settings and version as the installed trackers. The Python reference is
slow, so by default it is timed on --reference-frames frames only (its time per frame
does not depend on the loop count); pass --reference-frames 0 to time it on all frames.
The three are timed in interleaved passes over the sequence so that machine load hits
them alike, and the first pass checks that the outputs are identical.

    python benchmarks/bench_trackers.py [--frames 100200] [--reference-frames 12000]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
import warnings
from importlib.metadata import version as dist_version
from pathlib import Path

import numpy as np

warnings.filterwarnings("ignore")  # supervision / trackers deprecation noise

import supervision as sv  # noqa: E402
import trackers  # noqa: E402

import bytetrack_cpp  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = Path(os.environ.get("BYTETRACK_SHARED_DATA", ROOT.parent / "shared" / "data"))


def load_frames(path: Path):
    """As the trackers-rs harness fed trackers: float32 xyxy, float64 confidence, int class_id,
    empty frames as Detections.empty()."""
    frames = []
    for dets in json.loads(path.read_text())["detections"]:
        if dets:
            xyxy = np.array([d["box"] for d in dets], dtype=np.float32)
            conf = np.array([d["score"] for d in dets], dtype=np.float64)
            cls = np.array([d["class_id"] for d in dets], dtype=int)
            frames.append((sv.Detections(xyxy=xyxy, confidence=conf, class_id=cls), xyxy, conf))
        else:
            frames.append((sv.Detections.empty(), np.empty((0, 4), np.float32), None))
    return frames


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA / "rfdetr-walk" / "detections.json")
    parser.add_argument("--frames", type=int, default=100_200, help="frames for bytetrack_cpp (default 100,200)")
    parser.add_argument("--reference-frames", type=int, default=12_000,
                        help="frames for the Python reference (0 = same as --frames)")
    parser.add_argument("--track-activation-threshold", type=float, default=0.7)
    args = parser.parse_args()

    ref_version = dist_version("trackers")
    ours_version = "2.2.0" if ref_version == "2.2.0" else "2.6.1"
    frames = load_frames(args.data)
    n_seq = len(frames)
    total = max(args.frames, n_seq)
    ref_total = min(args.reference_frames or total, total)
    settings = dict(track_activation_threshold=args.track_activation_threshold)

    ref = trackers.ByteTrackTracker(**settings)
    if hasattr(ref, "reset"):
        ref.reset()
    ours_sv = bytetrack_cpp.ByteTrackTracker(version=ours_version, **settings)
    ours_np = bytetrack_cpp.ByteTrackTracker(version=ours_version, **settings)

    # First pass: identical output check (not timed).
    for det, xyxy, conf in frames:
        want = ref.update(det).tracker_id.tolist()
        assert ours_sv.update(det).tracker_id.tolist() == want, "update() differs from the reference"
        assert ours_np.update_arrays(xyxy, conf)[1].tolist() == want, "update_arrays() differs"
    ref.reset()
    ours_sv.reset()
    ours_np.reset()

    spent = {"ref": 0.0, "sv": 0.0, "np": 0.0}
    done = {"ref": 0, "sv": 0, "np": 0}
    clock = time.perf_counter
    while done["np"] < total:
        chunk = frames[: min(n_seq, total - done["np"])]
        if done["ref"] < ref_total:
            part = chunk[: ref_total - done["ref"]]
            update = ref.update
            t0 = clock()
            for det, _, _ in part:
                update(det)
            spent["ref"] += clock() - t0
            done["ref"] += len(part)
        update = ours_sv.update
        t0 = clock()
        for det, _, _ in chunk:
            update(det)
        spent["sv"] += clock() - t0
        update_arrays = ours_np.update_arrays
        t0 = clock()
        for _, xyxy, conf in chunk:
            update_arrays(xyxy, conf)
        spent["np"] += clock() - t0
        done["sv"] += len(chunk)
        done["np"] += len(chunk)

    us = {k: spent[k] / done[k] * 1e6 for k in spent}
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cpus, "
          f"Python {platform.python_version()}, NumPy {np.__version__}, supervision {sv.__version__}, "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"input: {args.data.name}, {n_seq} frames looped; activation threshold {args.track_activation_threshold}")
    print(f"trackers {ref_version} ByteTrackTracker.update   {us['ref']:9.2f} us/frame  ({done['ref']:,} frames)")
    print(f"bytetrack_cpp update (sv.Detections)     {us['sv']:9.2f} us/frame  ({done['sv']:,} frames)  "
          f"{us['ref'] / us['sv']:7.1f}x faster")
    print(f"bytetrack_cpp update_arrays (NumPy)      {us['np']:9.2f} us/frame  ({done['np']:,} frames)  "
          f"{us['ref'] / us['np']:7.1f}x faster")


if __name__ == "__main__":
    main()
