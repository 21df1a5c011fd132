"""Reading detection files and writing tracking results.

Two input formats are understood:

* MOTChallenge ``det.txt``: ``frame,id,x,y,w,h,conf[,...]`` (top-left box in pixels).
  Rows may come in any frame order; within a frame the file order is kept. The
  frame rate and sequence length come from a ``seqinfo.ini`` next to the ``det/``
  folder when there is one.
* JSON: a list of frames, each a list of ``{"box": [x1, y1, x2, y2], "score": s,
  "class_id": c}``, or an object holding that list under ``"detections"`` (the
  format of RF-DETR detection dumps).
"""

from __future__ import annotations

import configparser
import json
import math
import os
from dataclasses import dataclass, field
from typing import Iterator, List, Optional

import numpy as np

__all__ = [
    "DetectionFileError",
    "FrameDetections",
    "DetectionSequence",
    "read_detections",
    "read_mot_detections",
    "read_json_detections",
    "read_seqinfo",
    "write_mot_results",
    "write_json_tracks",
    "read_json_tracks",
    "detect_format",
]


class DetectionFileError(ValueError):
    """A detection file is missing, malformed or of an unknown format."""


@dataclass
class FrameDetections:
    """Detections of one frame: ``xyxy`` (N, 4) float64, ``scores`` (N,), ``class_ids`` (N,) int64."""

    xyxy: np.ndarray
    scores: np.ndarray
    class_ids: np.ndarray

    def __len__(self) -> int:
        return int(self.scores.shape[0])


@dataclass
class DetectionSequence:
    """A video's detections, one entry per frame (empty frames included)."""

    frames: List[FrameDetections]
    frame_numbers: List[int]
    frame_rate: Optional[float] = None
    source: str = ""
    format: str = ""
    extra: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.frames)

    def __iter__(self) -> Iterator[FrameDetections]:
        return iter(self.frames)

    @property
    def num_detections(self) -> int:
        return sum(len(f) for f in self.frames)


def _empty_frame() -> FrameDetections:
    return FrameDetections(np.empty((0, 4)), np.empty(0), np.empty(0, dtype=np.int64))


def read_seqinfo(path: str) -> dict:
    """Parses a MOTChallenge ``seqinfo.ini``; returns {} when absent or unreadable."""
    parser = configparser.ConfigParser()
    try:
        if not parser.read(path):
            return {}
        section = parser["Sequence"]
    except (configparser.Error, KeyError):
        return {}
    info = {}
    for key, cast in (("frameRate", float), ("seqLength", int), ("imWidth", int), ("imHeight", int)):
        if key in section:
            try:
                info[key] = cast(section[key])
            except ValueError:
                pass
    if "name" in section:
        info["name"] = section["name"]
    return info


def _find_seqinfo(det_path: str) -> dict:
    here = os.path.dirname(os.path.abspath(det_path))
    for folder in (here, os.path.dirname(here)):
        info = read_seqinfo(os.path.join(folder, "seqinfo.ini"))
        if info:
            return info
    return {}


def read_mot_detections(path: str) -> DetectionSequence:
    """Reads a MOTChallenge detection file (see the module docstring)."""
    if not os.path.isfile(path):
        raise DetectionFileError(f"{path}: no such file")
    rows_by_frame: dict = {}
    with open(path, "r", encoding="utf-8") as handle:
        for line_number, line in enumerate(handle, start=1):
            text = line.strip()
            if not text:
                continue
            parts = [p.strip() for p in text.replace(";", ",").split(",")]
            if len(parts) < 7:
                raise DetectionFileError(
                    f"{path}:{line_number}: expected at least 7 comma-separated values "
                    f"(frame,id,x,y,w,h,conf), got {len(parts)}"
                )
            try:
                frame = int(float(parts[0]))
                x, y, w, h, conf = (float(v) for v in parts[2:7])
            except ValueError:
                raise DetectionFileError(f"{path}:{line_number}: not a number in {text!r}") from None
            if not all(math.isfinite(v) for v in (x, y, w, h, conf)):
                raise DetectionFileError(f"{path}:{line_number}: non-finite value in {text!r}")
            if frame < 0:
                raise DetectionFileError(f"{path}:{line_number}: negative frame number {frame}")
            rows_by_frame.setdefault(frame, []).append((x, y, x + w, y + h, conf))
    info = _find_seqinfo(path)
    last = max(rows_by_frame) if rows_by_frame else 0
    last = max(last, info.get("seqLength", 0))
    first = 1 if not rows_by_frame or min(rows_by_frame) >= 1 else min(rows_by_frame)
    frames, numbers = [], []
    for number in range(first, last + 1):
        rows = rows_by_frame.get(number)
        if rows:
            arr = np.asarray(rows, dtype=np.float64)
            frames.append(FrameDetections(arr[:, :4].copy(), arr[:, 4].copy(), np.zeros(len(rows), dtype=np.int64)))
        else:
            frames.append(_empty_frame())
        numbers.append(number)
    return DetectionSequence(frames, numbers, info.get("frameRate"), path, "mot", {"seqinfo": info})


def _load_json(path: str):
    """The parsed JSON document at ``path``; DetectionFileError naming the line if it is not JSON."""
    if not os.path.isfile(path):
        raise DetectionFileError(f"{path}: no such file")
    try:
        with open(path, "r", encoding="utf-8") as handle:
            return json.load(handle)
    except json.JSONDecodeError as exc:
        raise DetectionFileError(f"{path}:{exc.lineno}: invalid JSON ({exc.msg})") from None


def read_json_detections(path: str) -> DetectionSequence:
    """Reads the JSON detection format (see the module docstring)."""
    doc = _load_json(path)
    frame_rate = None
    if isinstance(doc, dict):
        frame_rate = doc.get("frame_rate") or doc.get("fps")
        if frame_rate is not None:
            try:
                frame_rate = float(frame_rate)
            except (TypeError, ValueError):
                raise DetectionFileError(f"{path}: 'frame_rate' must be a number, got {frame_rate!r}") from None
            if not (math.isfinite(frame_rate) and frame_rate > 0):
                raise DetectionFileError(f"{path}: 'frame_rate' must be positive, got {frame_rate!r}")
        doc = doc.get("detections")
    if not isinstance(doc, list):
        raise DetectionFileError(f"{path}: expected a list of frames (or {{'detections': [...]}})")
    frames, numbers = [], []
    for index, frame in enumerate(doc):
        if not isinstance(frame, list):
            raise DetectionFileError(f"{path}: frame {index} is not a list of detections")
        if not frame:
            frames.append(_empty_frame())
            numbers.append(index)
            continue
        boxes, scores, classes = [], [], []
        for k, det in enumerate(frame):
            try:
                box = [float(v) for v in det["box"]]
                score = float(det["score"])
                cls = int(det.get("class_id", 0))
            except (KeyError, TypeError, ValueError):
                raise DetectionFileError(
                    f"{path}: frame {index}, detection {k}: need 'box' [x1,y1,x2,y2], 'score' and optional 'class_id'"
                ) from None
            if len(box) != 4:
                raise DetectionFileError(f"{path}: frame {index}, detection {k}: 'box' needs 4 numbers")
            boxes.append(box)
            scores.append(score)
            classes.append(cls)
        frames.append(
            FrameDetections(np.asarray(boxes, dtype=np.float64), np.asarray(scores, dtype=np.float64),
                            np.asarray(classes, dtype=np.int64))
        )
        numbers.append(index)
    return DetectionSequence(frames, numbers, float(frame_rate) if frame_rate else None, path, "json")


def detect_format(path: str) -> str:
    """"mot" or "json" from the start of the file's content (the extension is not trusted)."""
    if os.path.isdir(path):
        raise DetectionFileError(f"{path}: is a folder, not a detection file")
    if not os.path.isfile(path):
        raise DetectionFileError(f"{path}: no such file")
    with open(path, "rb") as handle:
        head = handle.read(4096).lstrip()
    if not head:
        raise DetectionFileError(f"{path}: the file is empty")
    if head[:1] in (b"[", b"{"):
        return "json"
    first_line = head.split(b"\n", 1)[0]
    # A number followed by a comma: a MOTChallenge row (the reader checks the columns line by line).
    if head[:1] in b"0123456789+-." and b"," in first_line:
        return "mot"
    raise DetectionFileError(
        f"{path}: unknown detection format (expected a MOTChallenge det.txt with rows "
        f"frame,id,x,y,w,h,conf or JSON detections: a list of frames of {{box, score, class_id}})"
    )


def read_detections(path: str, format: str = "auto") -> DetectionSequence:
    """Reads a detection file; ``format`` is "mot", "json" or "auto" (detected from the content)."""
    if format == "auto":
        format = detect_format(path)
    try:
        if format == "mot":
            return read_mot_detections(path)
        if format == "json":
            return read_json_detections(path)
    except UnicodeDecodeError:
        raise DetectionFileError(f"{path}: not a text file (cannot be read as UTF-8)") from None
    raise ValueError(f"format must be 'auto', 'mot' or 'json', got {format!r}")


def write_mot_results(path: str, rows) -> None:
    """Writes MOTChallenge results: ``frame,id,x,y,w,h,score,-1,-1,-1`` per row.

    ``rows`` yields (frame, track_id, x1, y1, x2, y2, score).
    """
    with open(path, "w", encoding="utf-8") as handle:
        for frame, track_id, x1, y1, x2, y2, score in rows:
            handle.write(
                f"{int(frame)},{int(track_id)},{x1:.2f},{y1:.2f},{x2 - x1:.2f},{y2 - y1:.2f},{score:.6g},-1,-1,-1\n"
            )


JSON_TRACKS_FORMAT = "bytetrack-cpp tracks v1"


def write_json_tracks(path: str, frames, frame_rate: Optional[float] = None, source: str = "",
                      engine: str = "") -> None:
    """Writes tracks as JSON: ``{"format", "source", "engine", "frame_rate", "frames": [{"frame": n,
    "tracks": [{"track_id", "box": [x1, y1, x2, y2], "score", "class_id"}, ...]}, ...]}``.

    ``frames`` yields (frame_number, track_ids, xyxy, scores, class_ids); every frame is written, empty
    ones included, so frame positions match the input.
    """
    out = []
    for number, ids, xyxy, scores, classes in frames:
        out.append({
            "frame": int(number),
            "tracks": [
                {"track_id": int(i), "box": [float(v) for v in b], "score": float(s), "class_id": int(c)}
                for i, b, s, c in zip(ids, xyxy, scores, classes)
            ],
        })
    doc = {"format": JSON_TRACKS_FORMAT, "source": source, "engine": engine,
           "frame_rate": frame_rate, "frames": out}
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(doc, handle, separators=(",", ":"))
        handle.write("\n")


def read_json_tracks(path: str):
    """Reads :func:`write_json_tracks` output: (rows, frame_numbers), rows being
    (frame, track_id, x1, y1, x2, y2, score) and frame_numbers every frame of the file, empty ones included."""
    doc = _load_json(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("frames"), list):
        raise DetectionFileError(f"{path}: not a bytetrack-cpp tracks file (no 'frames' list)")
    rows, numbers = [], []
    for k, frame in enumerate(doc["frames"]):
        try:
            number = int(frame["frame"])
            numbers.append(number)
            for t in frame["tracks"]:
                x1, y1, x2, y2 = (float(v) for v in t["box"])
                rows.append((number, int(t["track_id"]), x1, y1, x2, y2, float(t["score"])))
        except (KeyError, TypeError, ValueError):
            raise DetectionFileError(f"{path}: frame entry {k} needs 'frame' and 'tracks' of "
                                     f"{{track_id, box, score}}") from None
    return rows, numbers
