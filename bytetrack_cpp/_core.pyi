"""Type stubs for the native module bytetrack_cpp._core."""

from typing import Any, Dict, Iterator, List, Literal, Mapping, Optional, Tuple, Union, overload

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
    def _set_association(self, method: str) -> None: ...
    def _association_stats(self) -> Dict[str, int]: ...
    def _set_slot_compaction(self, every: int, min_tracks: int) -> None: ...

STATE_FORMAT_VERSION: int

StreamFrame = Union[Tuple[ArrayLike, ArrayLike], Tuple[ArrayLike, ArrayLike, Optional[ArrayLike]]]

class MultiStreamTracker:
    """One independent tracker per stream id (0 .. 2**64 - 1), ids unique across streams.

    Calls release the GIL; different streams may be driven from several threads.
    engine="bytetrack" takes BYTETracker's keyword arguments; engine="supervision"
    those of bytetrack_cpp.ByteTrack (track_activation_threshold, lost_track_buffer,
    minimum_matching_threshold, frame_rate, minimum_consecutive_frames, version);
    engine="trackers" those of bytetrack_cpp.ByteTrackTracker (lost_track_buffer,
    frame_rate, track_activation_threshold, minimum_consecutive_frames,
    minimum_iou_threshold, high_conf_det_threshold, version).
    """

    @overload
    def __init__(
        self,
        threads: int = 1,
        max_idle_frames: Optional[int] = None,
        engine: Literal["bytetrack"] = "bytetrack",
        *,
        id_counter: Optional[IdCounter] = None,
        track_thresh: float = 0.5,
        track_buffer: int = 30,
        match_thresh: float = 0.8,
        frame_rate: float = 30.0,
        mot20: bool = False,
        preset: str = "ifzhang",
    ) -> None: ...
    @overload
    def __init__(
        self,
        threads: int = 1,
        max_idle_frames: Optional[int] = None,
        *,
        engine: Literal["supervision"],
        id_counter: Optional[IdCounter] = None,
        track_activation_threshold: float = 0.25,
        lost_track_buffer: int = 30,
        minimum_matching_threshold: float = 0.8,
        frame_rate: float = 30.0,
        minimum_consecutive_frames: int = 1,
        version: str = "0.30.9",
    ) -> None: ...
    @overload
    def __init__(
        self,
        threads: int = 1,
        max_idle_frames: Optional[int] = None,
        *,
        engine: Literal["trackers"],
        id_counter: Optional[IdCounter] = None,
        lost_track_buffer: int = 30,
        frame_rate: float = 30.0,
        track_activation_threshold: float = 0.7,
        minimum_consecutive_frames: int = 2,
        minimum_iou_threshold: float = 0.1,
        high_conf_det_threshold: float = 0.6,
        version: str = "2.6.1",
    ) -> None: ...
    def update(
        self, stream_id: int, xyxy: ArrayLike, scores: ArrayLike, class_ids: Optional[ArrayLike] = None
    ) -> Tracks: ...
    def update_batch(self, batch: Mapping[int, StreamFrame]) -> Dict[int, Tracks]: ...
    def remove_stream(self, stream_id: int) -> None: ...
    def reset(self) -> None: ...
    def frame_id(self, stream_id: int) -> int: ...
    @property
    def stream_ids(self) -> List[int]: ...
    @property
    def num_live_tracks(self) -> int: ...
    @property
    def memory_bytes(self) -> int: ...
    @property
    def num_updates(self) -> int: ...
    @property
    def threads(self) -> int: ...
    @property
    def max_idle_frames(self) -> Optional[int]: ...
    @property
    def engine(self) -> str: ...
    @property
    def engine_params(self) -> Dict[str, Any]: ...
    @property
    def id_counter(self) -> IdCounter: ...
    def __len__(self) -> int: ...
    def __contains__(self, stream_id: object) -> bool: ...
    # Pickle / copy support: (state bytes, engine_params). The bytes (format
    # STATE_FORMAT_VERSION) hold the engine configuration, threads,
    # max_idle_frames, the update count, the id counter's start and position and
    # every stream with its tracker's complete state and idle clock. The restored
    # context owns its id counter (also when the saved one shared one).
    def __getstate__(self) -> Tuple[bytes, Dict[str, Any]]: ...
    def __setstate__(self, state: Tuple[bytes, Dict[str, Any]]) -> None: ...

def lapjv(cost: ArrayLike, cost_limit: float) -> Tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]: ...
def match_boxes(
    tracks: ArrayLike,
    dets: ArrayLike,
    scores: ArrayLike,
    cost_limit: float,
    fuse: bool = False,
    method: str = "auto",
) -> Tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], Dict[str, int]]: ...

class _SupervisionByteTrack:
    """Native engine behind bytetrack_cpp.ByteTrack (supervision sv.ByteTrack)."""

    def __init__(
        self,
        track_activation_threshold: float,
        lost_track_buffer: int,
        minimum_matching_threshold: float,
        frame_rate: float,
        minimum_consecutive_frames: int,
        version: str,
    ) -> None: ...
    def update(
        self, xyxy: ArrayLike, confidence: ArrayLike, float32_input: bool
    ) -> Tuple[int, npt.NDArray[np.int64]]: ...
    def reset(self) -> None: ...
    @property
    def frame_id(self) -> int: ...
    @property
    def max_time_lost(self) -> int: ...
    @property
    def det_thresh(self) -> float: ...

def _cpython_set_difference_order(n: int, removed: List[int]) -> List[int]: ...

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
    # Pickle / copy support: the complete engine state as versioned bytes
    # (STATE_FORMAT_VERSION). bytetrack_cpp.ByteTrackTracker pickles
    # (these bytes, its instance __dict__).
    def __getstate__(self) -> Any: ...
    def __setstate__(self, state: Any) -> None: ...
    def _update_detections(self, detections: Any) -> Any: ...
    def _set_detections_type(self, detections_type: type) -> None: ...
    def _track_state(self) -> List[Tuple[int, Tuple[float, float, float, float], int, int]]: ...
