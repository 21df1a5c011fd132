"""Access to ../shared/data (real detections and reference outputs) for tests.

Inputs are converted exactly as shared/data/reference-outputs/README.md says each
reference was fed. Tests skip when the folder is absent (a user's machine) and fail
instead under CI, where it must be present.
"""

from __future__ import annotations

import csv
import json
import os
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from bytetrack_cpp.io import read_mot_detections, read_seqinfo

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("BYTETRACK_SHARED_DATA", ROOT.parent / "shared" / "data"))
REFERENCE = SHARED / "reference-outputs"

# Inputs with reference CSVs (three MOT inputs are withheld upstream).
MOT_SEQUENCES = [
    "ADL-Rundle-6", "ADL-Rundle-8", "ETH-Bahnhof", "ETH-Sunnyday", "KITTI-13", "KITTI-17",
    "MOT17-04-FRCNN", "MOT17-05-FRCNN", "MOT17-09-FRCNN", "MOT17-11-FRCNN", "MOT17-13-FRCNN",
    "PETS09-S2L1", "TUD-Campus", "TUD-Stadtmitte", "Venice-2",
]
INPUTS = ["palace-yolox", "rfdetr-walk", "rfdetr-walk-763b32f"] + [f"mot-{s}" for s in MOT_SEQUENCES]


def require_shared() -> Path:
    if not SHARED.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"shared data folder {SHARED} is missing in CI")
        pytest.skip(f"shared data folder {SHARED} not present (only the project's CI has it)")
    return SHARED


class Sequence:
    """Frames of (xyxy, scores, class_ids) plus frame numbers and frame rate."""

    def __init__(self, frames, numbers, fps):
        self.frames = frames
        self.numbers = numbers
        self.fps = fps

    def __len__(self):
        return len(self.frames)


def _palace_rows():
    doc = json.loads((SHARED / "palace-yolox" / "detection_results.json").read_text())
    by_frame = defaultdict(list)
    for r in doc["results"]:
        by_frame[int(r["frame_id"])].append(r)
    return by_frame, float(doc["fps"])


def _mot_raw(seq):
    """Raw string columns of det.txt grouped by frame (file order kept)."""
    path = SHARED / "mot" / seq / "det" / "det.txt"
    by_frame = defaultdict(list)
    for line in path.read_text().splitlines():
        parts = line.split(",")
        if len(parts) >= 7:
            by_frame[int(float(parts[0]))].append(parts[2:7])
    info = read_seqinfo(str(SHARED / "mot" / seq / "seqinfo.ini"))
    return by_frame, info


def _rfdetr_doc(name):
    fname = "detections.json" if name == "rfdetr-walk" else "detections_763b32f.json"
    return json.loads((SHARED / "rfdetr-walk" / fname).read_text())["detections"]


def load_input(name: str, flavour: str = "python") -> Sequence:
    """flavour: 'python' (float64 xyxy), 'cpp' (float32 rect -> float32 corners, as the
    C++ references were fed), 'sv' (float32 xyxy + float32 scores) or 'trackers'
    (float32 xyxy + float64 scores)."""
    require_shared()
    frames, numbers = [], []
    f32 = np.float32

    def finish(boxes, scores, classes):
        if flavour == "sv":
            return (np.asarray(boxes, dtype=f32).reshape(-1, 4), np.asarray(scores, dtype=f32),
                    np.asarray(classes, dtype=np.int64))
        if flavour == "trackers":
            return (np.asarray(boxes, dtype=f32).reshape(-1, 4), np.asarray(scores, dtype=np.float64),
                    np.asarray(classes, dtype=np.int64))
        return (np.asarray(boxes, dtype=np.float64).reshape(-1, 4), np.asarray(scores, dtype=np.float64),
                np.asarray(classes, dtype=np.int64))

    def corners_from_strings(x, y, w, h):
        if flavour == "cpp":
            xf, yf, wf, hf = f32(x), f32(y), f32(w), f32(h)
            return [float(xf), float(yf), float(xf + wf), float(yf + hf)]
        xd, yd = float(x), float(y)
        return [xd, yd, xd + float(w), yd + float(h)]

    def score_from_string(s):
        return float(f32(s)) if flavour == "cpp" else float(s)

    if name == "palace-yolox":
        by_frame, fps = _palace_rows()
        for number in range(0, 314):
            rows = by_frame.get(number, [])
            boxes = [corners_from_strings(r["x"], r["y"], r["width"], r["height"]) for r in rows]
            scores = [score_from_string(r["prob"]) for r in rows]
            frames.append(finish(boxes, scores, [0] * len(rows)))
            numbers.append(number)
        return Sequence(frames, numbers, fps)
    if name.startswith("mot-"):
        by_frame, info = _mot_raw(name[4:])
        last = max(info.get("seqLength", 0), max(by_frame))
        for number in range(1, last + 1):
            rows = by_frame.get(number, [])
            boxes = [corners_from_strings(*r[:4]) for r in rows]
            scores = [score_from_string(r[4]) for r in rows]
            frames.append(finish(boxes, scores, [0] * len(rows)))
            numbers.append(number)
        return Sequence(frames, numbers, info["frameRate"])
    if name.startswith("rfdetr-walk"):
        for number, dets in enumerate(_rfdetr_doc(name)):
            boxes, scores, classes = [], [], []
            for d in dets:
                x1, y1, x2, y2 = d["box"]
                if flavour == "cpp":
                    xf, yf = f32(x1), f32(y1)
                    wf, hf = f32(x2 - x1), f32(y2 - y1)
                    boxes.append([float(xf), float(yf), float(xf + wf), float(yf + hf)])
                    scores.append(float(f32(d["score"])))
                else:
                    boxes.append([x1, y1, x2, y2])
                    scores.append(d["score"])
                classes.append(d["class_id"])
            frames.append(finish(boxes, scores, classes))
            numbers.append(number)
        return Sequence(frames, numbers, 30.0)
    raise KeyError(name)


def load_reference(reference: str, name: str):
    """{frame: [(track_id, x1, y1, x2, y2, score, det_index), ...]} in file order."""
    require_shared()
    out = defaultdict(list)
    with open(REFERENCE / reference / f"{name}.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            out[int(row["frame"])].append(
                (int(row["track_id"]), float(row["x1"]), float(row["y1"]), float(row["x2"]), float(row["y2"]),
                 float(row["score"]), int(row["det_index"]))
            )
    return out


def mot_sequence(name: str):
    """The sequence through the package's own MOT reader (python flavour)."""
    require_shared()
    return read_mot_detections(str(SHARED / "mot" / name / "det" / "det.txt"))
