"""bytetrack_cpp: ByteTrack multi-object tracking in C++17 with exact parity to the
Python references (ifzhang ByteTrack, supervision, roboflow trackers)."""

from bytetrack_cpp._core import (
    STATE_FORMAT_VERSION,
    BYTETracker,
    IdCounter,
    SceneGenerator,
    Tracks,
    generate_scene,
    lapjv,
)

__all__ = ["BYTETracker", "IdCounter", "SceneGenerator", "STATE_FORMAT_VERSION", "Tracks", "generate_scene", "lapjv"]
__version__ = "0.1.0"
