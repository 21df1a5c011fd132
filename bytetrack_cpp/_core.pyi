"""Type stubs for the native module bytetrack_cpp._core."""

from typing import Iterator, List, Optional, Tuple

import numpy as np
import numpy.typing as npt

ArrayLike = npt.ArrayLike

class Tracks:
    """Confirmed tracks of one frame, in the reference tracker's output order."""

    @property
    def track_id(self) -> npt.NDArray[np.int64]: ...
    @property
    def xyxy(self) -> npt.NDArray[np.float64]: ...
    @property
    def score(self) -> npt.NDArray[np.float64]: ...
    @property
    def class_id(self) -> npt.NDArray[np.int64]: ...
    @property
    def det_index(self) -> npt.NDArray[np.int64]: ...
    def __len__(self) -> int: ...

class IdCounter:
    """Thread-safe source of track ids, shareable between trackers."""

    def __init__(self, start: int = 1) -> None: ...
    @property
    def next_id(self) -> int: ...
    @property
    def start(self) -> int: ...

class BYTETracker:
    """ByteTrack reproducing the ifzhang references (presets 'ifzhang', 'ifzhang-cpp', 'ifzhang-cpp-2021')."""

    def __init__(
        self,
        track_thresh: float = 0.5,
        track_buffer: int = 30,
        match_thresh: float = 0.8,
        frame_rate: float = 30.0,
        mot20: bool = False,
        preset: str = "ifzhang",
        id_counter: Optional[IdCounter] = None,
    ) -> None: ...
    def update(self, xyxy: ArrayLike, scores: ArrayLike, class_ids: Optional[ArrayLike] = None) -> Tracks: ...
    def reset(self) -> None: ...
    # Pickle / copy support: the complete state as a versioned byte string
    # (STATE_FORMAT_VERSION); a restored tracker continues bit for bit.
    def __getstate__(self) -> bytes: ...
    def __setstate__(self, state: bytes) -> None: ...
    @property
    def frame_id(self) -> int: ...
    @property
    def preset(self) -> str: ...
    @property
    def track_thresh(self) -> float: ...
    @property
    def track_buffer(self) -> int: ...
    @property
    def match_thresh(self) -> float: ...
    @property
    def frame_rate(self) -> float: ...
    @property
    def mot20(self) -> bool: ...
    @property
    def max_time_lost(self) -> int: ...
    @property
    def id_counter(self) -> IdCounter: ...
    @property
    def num_tracked(self) -> int: ...
    @property
    def num_lost(self) -> int: ...

STATE_FORMAT_VERSION: int

def lapjv(cost: ArrayLike, cost_limit: float) -> Tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]: ...

SceneFrame = Tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.int64], npt.NDArray[np.int64]]

class SceneGenerator:
    """Deterministic synthetic street-scene detections."""

    def __init__(
        self,
        num_frames: int = 300,
        objects_per_frame: float = 20.0,
        seed: int = 0,
        width: float = 0.0,
        height: float = 0.0,
        mean_lifetime: float = 300.0,
        miss_rate: float = 0.05,
        occlusion_rate: float = 0.01,
        low_score_share: float = 0.15,
        false_positive_rate: float = 0.05,
        box_noise: float = 0.03,
    ) -> None: ...
    def __iter__(self) -> Iterator[SceneFrame]: ...
    def __next__(self) -> SceneFrame: ...
    @property
    def frame(self) -> int: ...
    @property
    def width(self) -> float: ...
    @property
    def height(self) -> float: ...

def generate_scene(
    num_frames: int = 300,
    objects_per_frame: float = 20.0,
    seed: int = 0,
    width: float = 0.0,
    height: float = 0.0,
    mean_lifetime: float = 300.0,
    miss_rate: float = 0.05,
    occlusion_rate: float = 0.01,
    low_score_share: float = 0.15,
    false_positive_rate: float = 0.05,
    box_noise: float = 0.03,
) -> List[SceneFrame]: ...
