"""bytetrack_cpp: ByteTrack multi-object tracking in C++17 with exact parity to the
Python references (ifzhang ByteTrack, supervision, roboflow trackers)."""

from bytetrack_cpp._core import (
    STATE_FORMAT_VERSION,
    BYTETracker,
    IdCounter,
    MultiStreamTracker,
    SceneGenerator,
    Tracks,
    generate_scene,
    lapjv,
    linear_sum_assignment,
)
from bytetrack_cpp.detections import tracked_detections
from bytetrack_cpp.supervision_compat import ByteTrack
from bytetrack_cpp.trackers_compat import ByteTrackTracker

__all__ = [
    "BYTETracker",
    "ByteTrack",
    "ByteTrackTracker",
    "IdCounter",
    "MultiStreamTracker",
    "SceneGenerator",
    "STATE_FORMAT_VERSION",
    "Tracks",
    "generate_scene",
    "lapjv",
    "linear_sum_assignment",
    "tracked_detections",
]
__version__ = "0.1.0"
