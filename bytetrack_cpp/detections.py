"""supervision ``Detections`` out of a ``Tracks`` result (multi-stream users).

``MultiStreamTracker`` returns ``Tracks`` (NumPy columns). A supervision user
tracking many cameras in one ``update_batch`` call gets each camera's tracked
``Detections`` back with :func:`tracked_detections`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bytetrack_cpp.trackers_compat import _empty_result, _Supervision, _take_rows

__all__ = ["tracked_detections"]


def tracked_detections(detections: Any, tracks: Any) -> Any:
    """The rows of ``detections`` that ``tracks`` reports, as a new ``supervision.Detections``.

    Rows are ``tracks.det_index`` in the order of ``tracks``, with ``tracker_id`` set to
    ``tracks.track_id`` and every other field of those rows carried over (xyxy, mask,
    confidence, class_id, data; metadata is copied). ``detections`` must be the frame
    that produced ``tracks``; it is not modified. With no rows the result is a fresh
    ``Detections.empty()`` with an empty ``tracker_id``.

    For ``MultiStreamTracker(engine="supervision")`` this is what
    ``sv.ByteTrack.update_with_detections`` returns for that camera, and for
    ``engine="trackers"`` what trackers' ``ByteTrackTracker.update`` returns
    (version 2.2.0 returns a copy of an empty input instead of ``Detections.empty()``).
    For ``engine="bytetrack"`` the rows are the detections the confirmed tracks
    matched this frame: their own boxes, where ``tracks.xyxy`` holds the Kalman boxes.

    Raises ValueError if ``tracks`` refers to rows ``detections`` does not have.
    """
    try:
        sv = _Supervision.load()
    except ImportError:
        raise ImportError("tracked_detections() builds supervision.Detections; install supervision "
                          "(`pip install bytetrack-cpp[supervision]`)") from None
    rows = np.asarray(tracks.det_index, dtype=np.int64)
    if len(rows) == 0:
        return _empty_result(sv)
    n = len(detections)
    if rows.min() < 0 or rows.max() >= n:
        raise ValueError(f"tracks refer to detection rows up to {int(rows.max())}, but detections has {n} rows")
    return _take_rows(detections, rows, np.array(tracks.track_id, dtype=np.int64), sv)
