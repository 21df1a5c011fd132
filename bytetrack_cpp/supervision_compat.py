"""Drop-in replacement for supervision's ``sv.ByteTrack`` (0.27.0.post1 and 0.30.9).

``bytetrack_cpp.ByteTrack`` returns what ``sv.ByteTrack.update_with_detections``
of the chosen supervision version returns: the same rows, in input order, with
the same ``tracker_id`` values and every other field carried over. The tracking
runs in C++ (the core engine with a supervision preset); this module only moves
``supervision.Detections`` in and out. supervision itself is imported lazily, the
first time a result is built, so the package does not depend on it.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from typing import Any

import numpy as np

from bytetrack_cpp._core import _SupervisionByteTrack

SUPPORTED_VERSIONS = ("0.27.0.post1", "0.30.9")

_FLOAT32 = np.dtype(np.float32)


def _real(name: str, value: Any, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    if not (math.isfinite(value) and low <= value <= high):
        raise ValueError(f"{name} must be in [{low}, {high}], got {value}")
    return value


def _integer(name: str, value: Any, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    value = int(value)
    if not low <= value <= 2**31 - 1:
        raise ValueError(f"{name} must be an int in [{low}, 2**31 - 1], got {value}")
    return value


_DETECTIONS_FIELDS = ("xyxy", "mask", "confidence", "class_id", "tracker_id", "data", "metadata")


def _detections_factory(sv: Any):
    """Returns build(**fields) -> sv.Detections.

    supervision validates every field in Detections.__post_init__, which costs
    more than tracking the frame. Our results are row subsets of a Detections
    supervision already accepted, or its own empty layout, so when the class has
    exactly the seven fields we know, the instance is filled in directly. Any
    other layout goes through the normal constructor.
    """
    cls = sv.Detections
    try:
        names = tuple(f.name for f in dataclasses.fields(cls))
    except TypeError:
        names = ()
    if names != _DETECTIONS_FIELDS:
        return cls

    def build(**fields: Any) -> Any:
        obj = cls.__new__(cls)
        obj.__dict__.update(fields)
        return obj

    return build


def _select_data(data: dict, keep: np.ndarray) -> dict:
    """supervision's get_data_item for a boolean row mask (arrays and lists)."""
    out = {}
    for key, value in data.items():
        if isinstance(value, np.ndarray):
            out[key] = value[keep]
        elif isinstance(value, list):
            out[key] = [item for item, k in zip(value, keep) if k]
        else:
            raise TypeError(f"Unsupported data type for key '{key}': {type(value)}")
    return out


class ByteTrack:
    """supervision's ``sv.ByteTrack``, reimplemented in C++ with identical output.

    Args:
        track_activation_threshold: detections scoring at least this much
            (0.27: more than this) take part in the first association; new tracks
            need this + 0.1 (0.30: this, if that would exceed 1.0).
        lost_track_buffer: frames (at 30 fps) a lost track is kept;
            max_time_lost = int(frame_rate / 30 * lost_track_buffer).
        minimum_matching_threshold: maximum fused IoU distance of the first association.
        frame_rate: the video's frame rate.
        minimum_consecutive_frames: frames a new track must be matched before it
            gets an id, with the rules of the chosen version.
        version: the supervision release to reproduce, "0.27.0.post1" or "0.30.9".

    Differences from supervision, all on input it does not handle:
        - ``detections`` is never modified (0.27 wrote ``tracker_id`` into it);
        - no confidence raises ValueError in both versions (0.27 crashed);
        - version 0.27.0.post1 raises ValueError for rows with NaN/inf values or
          without positive width and height (0.27 produced NaN states or garbage);
          0.30.9 drops them exactly as supervision does;
        - coordinates beyond +-1e15 raise ValueError;
        - inputs whose stacked dtype is neither float32 nor float64 (float16,
          long double) are tracked in float64 arithmetic.
    """

    def __init__(
        self,
        track_activation_threshold: float = 0.25,
        lost_track_buffer: int = 30,
        minimum_matching_threshold: float = 0.8,
        frame_rate: float = 30,
        minimum_consecutive_frames: int = 1,
        version: str = "0.30.9",
    ) -> None:
        if not isinstance(version, str):
            raise TypeError(f"version must be a str, got {type(version).__name__}")
        if version not in SUPPORTED_VERSIONS:
            raise ValueError(f"version must be one of {SUPPORTED_VERSIONS}, got {version!r}")
        self.track_activation_threshold = _real("track_activation_threshold", track_activation_threshold, 0.0, 1.0)
        self.lost_track_buffer = _integer("lost_track_buffer", lost_track_buffer, 0)
        self.minimum_matching_threshold = _real("minimum_matching_threshold", minimum_matching_threshold, 0.0, 1.0)
        self.frame_rate = _real("frame_rate", frame_rate, 0.0, 1e6)
        if self.frame_rate <= 0.0:
            raise ValueError(f"frame_rate must be > 0, got {self.frame_rate}")
        if self.frame_rate / 30.0 * self.lost_track_buffer > 1e9:
            raise ValueError("frame_rate * lost_track_buffer is too large")
        self.minimum_consecutive_frames = _integer("minimum_consecutive_frames", minimum_consecutive_frames, 0)
        self.version = version
        self._engine = _SupervisionByteTrack(
            self.track_activation_threshold,
            self.lost_track_buffer,
            self.minimum_matching_threshold,
            self.frame_rate,
            self.minimum_consecutive_frames,
            version,
        )
        self._v027 = version == "0.27.0.post1"
        self._build = None  # set on first use (imports supervision)

    @property
    def frame_id(self) -> int:
        """Number of update_with_detections() calls since creation or reset()."""
        return self._engine.frame_id

    @property
    def max_time_lost(self) -> int:
        return self._engine.max_time_lost

    @property
    def det_thresh(self) -> float:
        return self._engine.det_thresh

    def reset(self) -> None:
        """Forget all tracks; frame counting and ids restart (ids from 1)."""
        self._engine.reset()

    # pickle / copy.deepcopy: the native engine pickles its complete state; the
    # cached Detections factory is rebuilt on first use.
    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_build"] = None
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)

    def __copy__(self) -> "ByteTrack":
        # A shallow copy would share the native engine; copies are independent.
        import copy

        return copy.deepcopy(self)

    def __repr__(self) -> str:
        return (
            f"ByteTrack(track_activation_threshold={self.track_activation_threshold}, "
            f"lost_track_buffer={self.lost_track_buffer}, "
            f"minimum_matching_threshold={self.minimum_matching_threshold}, frame_rate={self.frame_rate}, "
            f"minimum_consecutive_frames={self.minimum_consecutive_frames}, version={self.version!r})"
        )

    def update_with_detections(self, detections: Any) -> Any:
        """Track one frame; returns a new ``supervision.Detections``.

        The result holds the input rows that got a track, in input order, with all
        fields (xyxy, mask, confidence, class_id, data, metadata) and ``tracker_id``
        (int64). When the tracker reports no track at all the result is
        ``Detections.empty()`` with an empty ``tracker_id``, as in supervision.
        The argument is not modified.
        """
        try:
            xyxy = detections.xyxy
            confidence = detections.confidence
        except AttributeError:
            raise TypeError(
                f"detections must be a supervision.Detections, got {type(detections).__name__}"
            ) from None
        if confidence is None:
            raise ValueError("Detections confidence must be provided for tracking.")
        if not isinstance(xyxy, np.ndarray) or not isinstance(confidence, np.ndarray):
            raise TypeError("detections.xyxy and detections.confidence must be NumPy arrays")
        # supervision stacks xyxy and confidence into one array; its dtype decides
        # the precision of every comparison the tracker makes.
        float32_input = np.result_type(xyxy.dtype, confidence.dtype) == _FLOAT32
        try:
            num_tracks, tracker_id = self._engine.update(xyxy, confidence, float32_input)
        except ValueError as error:
            raise ValueError(f"detections: {error}") from None

        build = self._build
        if build is None:
            import supervision

            build = self._build = _detections_factory(supervision)
        if num_tracks == 0:
            # Detections.empty() with an empty tracker_id; nothing of the input is carried.
            return build(
                xyxy=np.empty((0, 4), dtype=np.float32),
                mask=None,
                confidence=np.array([], dtype=np.float32),
                class_id=np.array([], dtype=int),
                tracker_id=np.array([], dtype=int),
                data={},
                metadata={},
            )

        keep = tracker_id != -1
        mask = detections.mask
        return build(
            xyxy=xyxy[keep],
            mask=mask[keep] if mask is not None else None,
            confidence=confidence[keep],
            class_id=detections.class_id[keep] if detections.class_id is not None else None,
            tracker_id=tracker_id[keep],
            data=_select_data(detections.data, keep),
            # 0.27 shares the metadata dict with its input, 0.30 copies it.
            metadata=detections.metadata if self._v027 else dict(detections.metadata),
        )
