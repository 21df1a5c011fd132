"""Type stubs for the native module bytetrack_cpp._core."""

from typing import Any, Iterator, List, Optional, Tuple

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

def linear_sum_assignment(
    cost: ArrayLike, maximize: bool = False
) -> Tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """scipy.optimize.linear_sum_assignment: same pairs, same tie-breaking, same errors."""

class TrackersByteTrackerCore:
    """Native engine of bytetrack_cpp.ByteTrackTracker (roboflow trackers 2.2.0 / 2.6.1)."""

    def __init__(
        self,
        lost_track_buffer: int = 30,
        frame_rate: float = 30.0,
        track_activation_threshold: float = 0.7,
        minimum_consecutive_frames: int = 2,
        minimum_iou_threshold: float = 0.1,
        high_conf_det_threshold: float = 0.6,
        version: str = "2.6.1",
    ) -> None: ...
    def update_arrays(
        self,
        xyxy: ArrayLike,
        confidence: Optional[ArrayLike] = None,
        timestamp: Optional[float] = None,
    ) -> Tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """(det_index, tracker_id) of every output row, in the reference's order."""
    def reset(self) -> None: ...
    @property
    def version(self) -> str: ...
    @property
    def lost_track_buffer(self) -> int: ...
    @property
    def frame_rate(self) -> float: ...
    @property
    def track_activation_threshold(self) -> float: ...
    @property
    def minimum_consecutive_frames(self) -> int: ...
    @property
    def minimum_iou_threshold(self) -> float: ...
    @property
    def high_conf_det_threshold(self) -> float: ...
    @property
    def maximum_frames_without_update(self) -> int: ...
    @property
    def maximum_time_without_update(self) -> float: ...
    @property
    def num_tracks(self) -> int: ...
    @property
    def next_tracker_id(self) -> int: ...
    @property
    def last_update_skipped(self) -> bool: ...
    @property
    def last_timestamp(self) -> Optional[float]: ...
    @property
    def last_timestamp_outcome(self) -> str: ...
    def _update_detections(self, detections: Any) -> Any: ...
    def _set_detections_type(self, detections_type: type) -> None: ...
    def _track_state(self) -> List[Tuple[int, Tuple[float, float, float, float], int, int]]: ...
