"""bytetrack_cpp: ByteTrack multi-object tracking in C++17 with exact parity to the
Python references (ifzhang ByteTrack, supervision, roboflow trackers)."""

from bytetrack_cpp._core import (
    BYTETracker,
    IdCounter,
    MultiStreamTracker,
    SceneGenerator,
    Tracks,
    generate_scene,
    lapjv,
    linear_sum_assignment,
)
from bytetrack_cpp.trackers_compat import ByteTrackTracker

__all__ = [
    "BYTETracker",
    "ByteTrackTracker",
    "IdCounter",
    "MultiStreamTracker",
    "SceneGenerator",
    "Tracks",
    "generate_scene",
    "lapjv",
    "linear_sum_assignment",
]
__version__ = "0.1.0"
