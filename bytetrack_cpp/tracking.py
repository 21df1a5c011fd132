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
from bytetrack_cpp._optional import MissingExtraError, install_hint
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
    preset_keyword: str  # constructor keyword that selects the reference version
    presets: Tuple[str, ...]  # first = the engine's default


ENGINES: Dict[str, Engine] = {
    "bytetrack": Engine(
        "bytetrack", "BYTETracker", "ifzhang ByteTrack, BYTETracker",
        (
            EngineParameter("track_thresh", float, 0.5, "high/low detection score split"),
            EngineParameter("track_buffer", int, 30, "frames a lost track is kept (at 30 fps)"),
            EngineParameter("match_thresh", float, 0.8, "first association: maximum 1 - IoU"),
            EngineParameter("mot20", bool, False, "MOT20 mode: no score fusion in the first association"),
        ),
        "preset", ("ifzhang", "ifzhang-cpp", "ifzhang-cpp-2021"),
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
        "version", ("2.6.1", "2.2.0"),
    ),
    "supervision": Engine(
        "supervision", "ByteTrack", "supervision ByteTrack compatible",
        (
            EngineParameter("track_activation_threshold", float, 0.25, "high/low split; starts tracks above +0.1"),
            EngineParameter("lost_track_buffer", int, 30, "frames a lost track is kept (at 30 fps)"),
            EngineParameter("minimum_matching_threshold", float, 0.8, "first association: maximum 1 - IoU"),
            EngineParameter("minimum_consecutive_frames", int, 1, "updates before a track gets an id"),
        ),
        "version", ("0.30.9", "0.27.0.post1"),
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
        if preset not in engine.presets:
            raise ValueError(f"--preset {preset!r} is not one of engine '{engine.name}': {', '.join(engine.presets)}")
        kwargs[engine.preset_keyword] = preset
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise ValueError(f"engine '{engine.name}' rejected the parameters {sorted(kwargs)}: {exc}") from None


def _bytetrack_stepper(tracker, frames):
    """BYTETracker.update(xyxy, scores, class_ids) -> Tracks (Kalman boxes, track scores)."""
    inputs = [(f.xyxy, f.scores, f.class_ids) for f in frames]

    def convert(tracks, number, _args) -> TrackedFrame:
        return TrackedFrame(number, _as_int_array(tracks.track_id), np.asarray(tracks.xyxy, dtype=np.float64),
                            np.asarray(tracks.score, dtype=np.float64), _as_int_array(tracks.class_id))

    return tracker.update, inputs, convert


def _rows_frame(number, args, rows, ids) -> TrackedFrame:
    """A compat engine returns input rows: their boxes, confidences and classes with the given ids."""
    xyxy, conf, classes = args
    rows = np.asarray(rows, dtype=np.intp).reshape(-1)
    return TrackedFrame(number, _as_int_array(ids), np.asarray(xyxy[rows], dtype=np.float64),
                        np.asarray(conf[rows], dtype=np.float64), _as_int_array(classes[rows]))


def _trackers_stepper(tracker, frames):
    """ByteTrackTracker.update_arrays(xyxy, confidence) -> (input rows, tracker ids, -1 = unconfirmed).

    Fed as the trackers reference was: float32 boxes, float64 confidences."""
    if not hasattr(tracker, "update_arrays"):
        raise EngineUnavailable("engine 'trackers': this build's ByteTrackTracker has no update_arrays()")
    inputs = [(np.ascontiguousarray(f.xyxy, dtype=np.float32).reshape(-1, 4),
               np.ascontiguousarray(f.scores, dtype=np.float64), f.class_ids) for f in frames]

    def update(xyxy, conf, _classes):
        return tracker.update_arrays(xyxy, conf)

    def convert(result, number, args) -> TrackedFrame:
        rows, ids = result
        return _rows_frame(number, args, rows, ids)

    return update, inputs, convert


def _supervision_stepper(tracker, frames):
    """sv.ByteTrack-compatible engine, fed as the supervision reference was: float32 boxes and scores.

    Its C++ core answers one tracker id per input row (-1: no track), which is what
    update_with_detections turns into a Detections; calling it directly keeps supervision optional
    and the timing free of Detections bookkeeping."""
    inputs = [(np.ascontiguousarray(f.xyxy, dtype=np.float32).reshape(-1, 4),
               np.ascontiguousarray(f.scores, dtype=np.float32), f.class_ids) for f in frames]
    core = getattr(tracker, "_engine", None)
    if core is not None and hasattr(core, "update"):
        def update(xyxy, conf, _classes):
            return core.update(xyxy, conf, True)

        def convert(result, number, args) -> TrackedFrame:
            _, per_row = result
            per_row = np.asarray(per_row).reshape(-1)
            rows = np.flatnonzero(per_row != -1)
            return _rows_frame(number, args, rows, per_row[rows])

        return update, inputs, convert
    try:
        import supervision as sv
    except ImportError:
        raise MissingExtraError(f"engine 'supervision' needs the supervision package: {install_hint('supervision')}") from None

    def update_sv(xyxy, conf, classes):
        return tracker.update_with_detections(sv.Detections(xyxy=xyxy, confidence=conf, class_id=classes))

    def convert_sv(result, number, _args) -> TrackedFrame:
        n = len(result)
        return TrackedFrame(number, _as_int_array(result.tracker_id), np.asarray(result.xyxy, dtype=np.float64),
                            np.asarray(result.confidence if result.confidence is not None else np.zeros(n)),
                            _as_int_array(result.class_id if result.class_id is not None else np.zeros(n)))

    return update_sv, inputs, convert_sv


_STEPPERS = {"bytetrack": _bytetrack_stepper, "trackers": _trackers_stepper, "supervision": _supervision_stepper}


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
    update, inputs, convert = _STEPPERS[engine](tracker, sequence.frames)

    # Only the engine's update() call is timed: input conversion and output copies are outside.
    out: List[TrackedFrame] = []
    seconds = 0.0
    clock = time.perf_counter
    for done, (number, args) in enumerate(zip(sequence.frame_numbers, inputs), start=1):
        start = clock()
        result = update(*args)
        seconds += clock() - start
        out.append(convert(result, number, args))
        if progress is not None:
            progress(done)
    used = dict(parameters or {})
    used["preset"] = preset if preset is not None else spec.presets[0]
    return TrackingRun(out, engine, used, rate, seconds, sequence.num_detections)
