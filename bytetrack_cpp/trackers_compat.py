"""Drop-in replacement for roboflow ``trackers.ByteTrackTracker`` (2.2.0 and 2.6.1).

``ByteTrackTracker.update(detections)`` takes and returns ``supervision.Detections``
exactly as the chosen trackers version does: the same rows in the same order, the
same ``tracker_id`` values, and every field of the input rows carried over (xyxy,
mask, confidence, class_id, data, metadata). ``update_arrays`` is the same tracker
on plain NumPy arrays for code without supervision. supervision is only imported
when ``update`` or ``tracked_objects`` is used.
"""

from __future__ import annotations

import copy
import dataclasses
import warnings
from typing import Any, Optional

import numpy as np

from bytetrack_cpp._core import TrackersByteTrackerCore

__all__ = ["ByteTrackTracker"]

_VERSIONS = ("2.2.0", "2.6.1")
_DETECTIONS_FIELDS = ("xyxy", "mask", "confidence", "class_id", "tracker_id", "data", "metadata")


class _Supervision:
    """The lazily imported supervision module and how to build its Detections fast."""

    module: Any = None
    direct: bool = False  # Detections can be filled without running its validation

    @classmethod
    def load(cls) -> Any:
        if cls.module is None:
            try:
                import supervision
            except ImportError as exc:  # pragma: no cover - depends on the environment
                raise ImportError(
                    "ByteTrackTracker.update() works on supervision.Detections; install it with "
                    "`pip install bytetrack-cpp[supervision]`, or use update_arrays()"
                ) from exc
            detections = supervision.Detections
            names = tuple(f.name for f in dataclasses.fields(detections)) if dataclasses.is_dataclass(
                detections) else ()
            cls.direct = names == _DETECTIONS_FIELDS and "__slots__" not in vars(detections)
            cls.module = supervision
        return cls.module


def _empty_result(sv: Any) -> Any:
    result = sv.Detections.empty()
    result.tracker_id = np.array([], dtype=int)
    return result


def _take_rows(detections: Any, rows: np.ndarray, tracker_id: np.ndarray, sv: Any) -> Any:
    """detections[rows] with a new tracker_id, built field by field.

    Equal to what supervision's indexing (2.6.1) or per-row merge (2.2.0) returns,
    without their per-call validation cost. ndarray.take is used because it is
    several times faster than fancy indexing on small arrays and gives the same array.
    """
    mask = detections.mask
    confidence = detections.confidence
    class_id = detections.class_id
    data = detections.data
    if data:
        row_list = None
        picked = {}
        for key, value in data.items():
            if isinstance(value, np.ndarray):
                picked[key] = value.take(rows, 0)
            else:
                if row_list is None:
                    row_list = rows.tolist()
                picked[key] = [value[i] for i in row_list]
        data = picked
    else:
        data = {}
    if mask is not None:
        mask = mask.take(rows, 0) if isinstance(mask, np.ndarray) else mask[rows]
    fields = {
        "xyxy": detections.xyxy.take(rows, 0),
        "mask": mask,
        "confidence": None if confidence is None else confidence.take(rows),
        "class_id": None if class_id is None else class_id.take(rows),
        "tracker_id": tracker_id,
        "data": data,
        "metadata": dict(detections.metadata),
    }
    if _Supervision.direct:
        result = object.__new__(sv.Detections)
        result.__dict__.update(fields)
        return result
    return sv.Detections(**fields)


class ByteTrackTracker(TrackersByteTrackerCore):
    """roboflow trackers' ``ByteTrackTracker`` with identical output, in C++.

    Args:
        lost_track_buffer: frames (at 30 fps) a confirmed track survives without a
            match. 2.2.0 keeps it while ``missed < int(frame_rate / 30 * buffer)``;
            2.6.1 while ``missed <= max(1, ceil(frame_rate / 30 * buffer))`` (0 stays 0).
        frame_rate: video frame rate, scales the buffer.
        track_activation_threshold: minimum confidence of an unmatched
            high-confidence detection to start a new track.
        minimum_consecutive_frames: matches a track needs before it gets an id
            (2.6.1 counts consecutive ones; 2.2.0 counts all).
        minimum_iou_threshold: minimum IoU of an accepted match (both stages).
        high_conf_det_threshold: detections with ``confidence >=`` it are matched
            first; the others only to tracks left over.
        version: ``"2.6.1"`` (newest, default) or ``"2.2.0"`` (the version of the
            trackers-rs port).

    Ids start at 0 for every instance and ``reset()`` restarts them. (trackers 2.2.0
    kept the counter in a class attribute shared by all instances, so two trackers
    in one process took ids from one sequence and ``reset()`` on one restarted it
    for all; here each instance has its own, as in 2.6.1.)

    Input dtypes matter as in the reference: float32 ``confidence`` is compared
    with the thresholds in float32, float64 in float64 (NumPy 2 rules), and with
    version 2.2.0 float32 boxes keep the Kalman state in float32.

    ``pickle``, ``copy.deepcopy`` and ``copy.copy`` give an independent tracker
    that continues exactly (same rows, ids and Kalman state to the last bit): the
    state holds the configuration, every track (float32 or float64 Kalman state,
    counters), the next id, the 2.6.1 timestamp anchor and what the last update
    reported (``last_update_skipped``, ``last_timestamp_outcome``). It is a
    versioned binary format (``bytetrack_cpp.STATE_FORMAT_VERSION``); a state
    of another version or a corrupted one raises ``ValueError``.
    """

    def __init__(
        self,
        lost_track_buffer: int = 30,
        frame_rate: float = 30.0,
        track_activation_threshold: float = 0.7,
        minimum_consecutive_frames: int = 2,
        minimum_iou_threshold: float = 0.1,
        high_conf_det_threshold: float = 0.6,
        version: str = "2.6.1",
    ) -> None:
        if not isinstance(version, str) or version not in _VERSIONS:
            raise ValueError(f'version must be "2.2.0" or "2.6.1", got {version!r}')
        super().__init__(
            lost_track_buffer=lost_track_buffer,
            frame_rate=frame_rate,
            track_activation_threshold=track_activation_threshold,
            minimum_consecutive_frames=minimum_consecutive_frames,
            minimum_iou_threshold=minimum_iou_threshold,
            high_conf_det_threshold=high_conf_det_threshold,
            version=version,
        )
        self._v220 = version == "2.2.0"

    def update(self, detections: Any, frame: Optional[np.ndarray] = None,
               timestamp: Optional[float] = None) -> Any:
        """Track one frame of ``supervision.Detections``; returns ``supervision.Detections``.

        The result holds input rows in the reference's order (step-1 matches,
        step-2 matches, unmatched low-confidence rows, unmatched high-confidence
        rows) with ``tracker_id`` set (-1 = not confirmed yet). Version 2.6.1 returns
        every input row; 2.2.0 leaves out high-confidence rows that neither match
        nor start a track. When the result has no rows it is a fresh
        ``Detections.empty()`` (so input fields and metadata are not carried), except
        that 2.2.0 returns a deep copy of an empty input when it has no tracks.

        ``frame`` and ``timestamp`` exist for version 2.6.1 only: ``frame`` is
        ignored with a warning; ``timestamp`` (seconds) switches to variable-step
        prediction and seconds-based track expiry; a non-finite or backwards
        timestamp skips the update (all ids -1) with a warning, a repeated one
        skips the prediction, as in trackers 2.6.1.

        Invalid input raises ValueError/TypeError and leaves the tracker unchanged.
        """
        if frame is None and timestamp is None:
            # One native call builds the result for plain Detections; False means
            # "not handled here" (nothing ran), None an empty result.
            result = self._update_detections(detections)
            if result is not False:
                return _empty_result(_Supervision.module) if result is None else result
        return self._update_general(detections, frame, timestamp)

    def _update_general(self, detections: Any, frame: Optional[np.ndarray], timestamp: Optional[float]) -> Any:
        sv = _Supervision.module or _Supervision.load()
        if _Supervision.direct:
            self._set_detections_type(sv.Detections)
        if self._v220:
            if frame is not None or timestamp is not None:
                raise TypeError('update() takes no frame or timestamp with version="2.2.0"')
            if len(detections.xyxy) == 0 and self.num_tracks == 0:
                result = copy.deepcopy(detections)
                result.tracker_id = np.array([], dtype=int)
                return result
        elif frame is not None:
            warnings.warn(f"{type(self).__name__}.update() received a frame argument but does not use it.",
                          UserWarning, stacklevel=3)

        if timestamp is None:
            rows, tracker_id = self.update_arrays(detections.xyxy, detections.confidence)
        else:
            previous = self.last_timestamp
            rows, tracker_id = self.update_arrays(detections.xyxy, detections.confidence, timestamp)
            self._warn_about_timestamp(timestamp, previous)
            if self.last_update_skipped:
                if len(detections) == 0:
                    return _empty_result(sv)
                result = detections[:]
                result.tracker_id = np.full(len(result), -1, dtype=int)
                return result
        if len(rows) == 0:
            return _empty_result(sv)
        return _take_rows(detections, rows, tracker_id, sv)

    def _warn_about_timestamp(self, timestamp: float, previous: Optional[float]) -> None:
        outcome = self.last_timestamp_outcome
        name = type(self).__name__
        if outcome == "non_finite":
            message = f"{name}: timestamp {timestamp!r} is not finite; skipping update."
        elif outcome == "backwards":
            message = (f"{name}: timestamp {timestamp} is earlier than the previous timestamp {previous}. "
                       "Skipping update; pass capture times in non-decreasing order.")
        elif outcome == "duplicate":
            message = f"{name}: duplicate timestamp {timestamp}; skipping predict for this step."
        else:
            return
        warnings.warn(message, UserWarning, stacklevel=4)  # the caller of update()

    # pickle / copy.deepcopy / copy.copy: the native engine's complete state (bytes)
    # plus the instance's Python attributes (a subclass's included).
    def __getstate__(self) -> tuple:
        return (super().__getstate__(), dict(self.__dict__))

    def __setstate__(self, state: tuple) -> None:
        if not (isinstance(state, tuple) and len(state) == 2 and isinstance(state[1], dict)):
            raise TypeError("state must be a tuple (bytes, dict) as produced by __getstate__")
        super().__setstate__(state[0])
        self.__dict__.update(state[1])
        self._v220 = self.version == "2.2.0"  # follows the engine, whatever the dict said

    @property
    def tracked_objects(self) -> Any:
        """Confirmed live tracks as ``supervision.Detections`` (Kalman boxes as float32
        xyxy and tracker_id; no confidence or class), like trackers 2.6.1."""
        sv = _Supervision.load()
        state = [s for s in self._track_state() if s[0] != -1]
        xyxy = (np.array([s[1] for s in state], dtype=np.float32) if state
                else np.empty((0, 4), dtype=np.float32))
        result = sv.Detections(xyxy=xyxy)
        result.tracker_id = np.array([s[0] for s in state], dtype=int)
        return result

    def __repr__(self) -> str:
        return (f"ByteTrackTracker(lost_track_buffer={self.lost_track_buffer}, frame_rate={self.frame_rate}, "
                f"track_activation_threshold={self.track_activation_threshold}, "
                f"minimum_consecutive_frames={self.minimum_consecutive_frames}, "
                f"minimum_iou_threshold={self.minimum_iou_threshold}, "
                f"high_conf_det_threshold={self.high_conf_det_threshold}, version={self.version!r})")
