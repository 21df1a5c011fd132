"""Running a tracking engine over a whole detection sequence (used by the command line).

Engines, by the name the command line uses:

* ``bytetrack``: :class:`bytetrack_cpp.BYTETracker` (ifzhang ByteTrack, presets for its Python and C++ versions).
* ``trackers``: :class:`bytetrack_cpp.ByteTrackTracker` (roboflow ``trackers`` compatible), when built in.
* ``supervision``: :class:`bytetrack_cpp.ByteTrack` (``supervision.ByteTrack`` compatible), when built in.

Each engine receives the detections converted exactly as its Python reference was fed in the parity runs
(float64 for ifzhang; float32 boxes with float64 scores for trackers; float32 boxes and scores for
supervision), so a file tracked here gives the reference's ids.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Tuple

import numpy as np

import bytetrack_cpp
from bytetrack_cpp.io import DetectionSequence

__all__ = ["ENGINES", "EngineParameter", "EngineUnavailable", "TrackedFrame", "TrackingRun", "track_sequence",
           "available_engines"]


@dataclass(frozen=True)
class EngineParameter:
    name: str  # keyword argument of the engine's constructor
    type: type
    default: object  # documented default of the engine (used only for --help)
    help: str


@dataclass(frozen=True)
class Engine:
    name: str
    class_name: str  # attribute of bytetrack_cpp
    description: str
    parameters: Tuple[EngineParameter, ...]
    has_presets: bool


ENGINES: Dict[str, Engine] = {
    "bytetrack": Engine(
        "bytetrack", "BYTETracker", "ifzhang ByteTrack, BYTETracker",
        (
            EngineParameter("track_thresh", float, 0.5, "high/low detection score split"),
            EngineParameter("track_buffer", int, 30, "frames a lost track is kept (at 30 fps)"),
            EngineParameter("match_thresh", float, 0.8, "first association: maximum 1 - IoU"),
            EngineParameter("mot20", bool, False, "MOT20 mode: no score fusion in the first association"),
        ),
        True,
    ),
    "trackers": Engine(
        "trackers", "ByteTrackTracker", "roboflow trackers ByteTrackTracker compatible",
        (
            EngineParameter("lost_track_buffer", int, 30, "frames a lost track is kept (at 30 fps)"),
            EngineParameter("track_activation_threshold", float, 0.7, "minimum score that starts a track"),
            EngineParameter("minimum_consecutive_frames", int, 2, "updates before a track gets an id"),
            EngineParameter("minimum_iou_threshold", float, 0.1, "minimum IoU of a match"),
            EngineParameter("high_conf_det_threshold", float, 0.6, "high/low detection score split"),
        ),
        True,
    ),
    "supervision": Engine(
        "supervision", "ByteTrack", "supervision ByteTrack compatible",
        (
            EngineParameter("track_activation_threshold", float, 0.25, "high/low split; starts tracks above +0.1"),
            EngineParameter("lost_track_buffer", int, 30, "frames a lost track is kept (at 30 fps)"),
            EngineParameter("minimum_matching_threshold", float, 0.8, "first association: maximum 1 - IoU"),
            EngineParameter("minimum_consecutive_frames", int, 1, "updates before a track gets an id"),
        ),
        True,
    ),
}


class EngineUnavailable(RuntimeError):
    """The engine is not part of this build of bytetrack_cpp."""


def available_engines() -> List[str]:
    return [name for name, engine in ENGINES.items() if hasattr(bytetrack_cpp, engine.class_name)]


@dataclass
class TrackedFrame:
    """One frame's output: arrays of equal length (track_id may hold -1 for unconfirmed rows)."""

    frame: int
    track_id: np.ndarray
    xyxy: np.ndarray
    score: np.ndarray
    class_id: np.ndarray


@dataclass
class TrackingRun:
    frames: List[TrackedFrame]
    engine: str
    parameters: Dict[str, object]
    frame_rate: float
    seconds: float  # time spent inside the engine's update calls
    num_detections: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def num_frames(self) -> int:
        return len(self.frames)

    @property
    def track_ids(self) -> np.ndarray:
        """Distinct confirmed track ids (>= 0 for trackers, >= 1 for the others)."""
        if not self.frames:
            return np.empty(0, dtype=np.int64)
        ids = np.concatenate([f.track_id for f in self.frames]).astype(np.int64)
        return np.unique(ids[ids >= 0])

    @property
    def num_rows(self) -> int:
        return int(sum(int(np.count_nonzero(f.track_id >= 0)) for f in self.frames))

    @property
    def microseconds_per_frame(self) -> float:
        return 1e6 * self.seconds / max(1, len(self.frames))


def _as_int_array(values) -> np.ndarray:
    return np.asarray(values, dtype=np.int64).reshape(-1)


def _make_engine(engine: Engine, parameters: Dict[str, object], frame_rate: float, preset: Optional[str]):
    cls = getattr(bytetrack_cpp, engine.class_name, None)
    if cls is None:
        raise EngineUnavailable(
            f"engine '{engine.name}' ({engine.description}) is not available in this build of bytetrack_cpp "
            f"{bytetrack_cpp.__version__}: bytetrack_cpp.{engine.class_name} does not exist. "
            f"Available engines: {', '.join(available_engines()) or 'none'}")
    kwargs = dict(parameters)
    kwargs["frame_rate"] = frame_rate
    if preset is not None:
        kwargs["preset"] = preset
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise ValueError(f"engine '{engine.name}' rejected the parameters {sorted(kwargs)}: {exc}") from None


def _bytetrack_frame(tracks, number) -> TrackedFrame:
    return TrackedFrame(number, _as_int_array(tracks.track_id), np.asarray(tracks.xyxy, dtype=np.float64),
                        np.asarray(tracks.score, dtype=np.float64), _as_int_array(tracks.class_id))


def _compat_frame(result, number) -> TrackedFrame:
    """Reads a compat engine's result: a Tracks-like object, or an sv.Detections-like object."""
    if hasattr(result, "track_id"):
        ids = _as_int_array(result.track_id)
        conf = getattr(result, "score", None)
        if conf is None:
            conf = getattr(result, "confidence", None)
    elif hasattr(result, "tracker_id"):
        ids = _as_int_array(result.tracker_id)
        conf = getattr(result, "confidence", None)
    else:
        raise TypeError(f"unexpected engine result of type {type(result).__name__}")
    cls = getattr(result, "class_id", None)
    return TrackedFrame(number, ids, np.asarray(result.xyxy, dtype=np.float64).reshape(-1, 4),
                        np.asarray(conf if conf is not None else np.zeros(len(ids)), dtype=np.float64),
                        _as_int_array(cls if cls is not None else np.zeros(len(ids))))


def track_sequence(sequence: DetectionSequence, engine: str = "bytetrack", parameters: Optional[Dict] = None,
                   frame_rate: Optional[float] = None, preset: Optional[str] = None,
                   progress: Optional[Callable[[int], None]] = None) -> TrackingRun:
    """Tracks every frame of ``sequence`` with a new engine instance.

    ``parameters`` are keyword arguments of the engine's constructor (``ENGINES[engine].parameters``);
    ``frame_rate`` defaults to the sequence's own (seqinfo.ini / JSON) or 30. ``progress(n)`` is called
    after every frame with the number of frames done.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose from {', '.join(ENGINES)}")
    spec = ENGINES[engine]
    rate = float(frame_rate or sequence.frame_rate or 30.0)
    tracker = _make_engine(spec, parameters or {}, rate, preset)
    if engine == "bytetrack":
        update, convert = tracker.update, _bytetrack_frame
        inputs = [(f.xyxy, f.scores, f.class_ids) for f in sequence.frames]
    else:
        update = getattr(tracker, "update_arrays", None)
        if update is None:
            raise EngineUnavailable(f"engine '{engine}': bytetrack_cpp.{spec.class_name} has no update_arrays()")
        convert = _compat_frame
        box_dtype, score_dtype = (np.float32, np.float64) if engine == "trackers" else (np.float32, np.float32)
        inputs = [(np.ascontiguousarray(f.xyxy, dtype=box_dtype).reshape(-1, 4),
                   np.ascontiguousarray(f.scores, dtype=score_dtype),
                   np.ascontiguousarray(f.class_ids, dtype=np.int64)) for f in sequence.frames]

    # Only the engine's update() call is timed: input conversion and output copies are outside.
    out: List[TrackedFrame] = []
    seconds = 0.0
    clock = time.perf_counter
    for done, (number, args) in enumerate(zip(sequence.frame_numbers, inputs), start=1):
        start = clock()
        result = update(*args)
        seconds += clock() - start
        out.append(convert(result, number))
        if progress is not None:
            progress(done)
    used = dict(parameters or {})
    if preset is not None:
        used["preset"] = preset
    return TrackingRun(out, engine, used, rate, seconds, sequence.num_detections)
