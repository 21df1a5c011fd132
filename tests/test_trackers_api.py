"""bytetrack_cpp.ByteTrackTracker: construction, input validation (errors before any state
change), per-instance ids, reset, and update_arrays vs update."""

import numpy as np
import pytest

import bytetrack_cpp
from bytetrack_cpp import ByteTrackTracker

BOX_A = [10.0, 10.0, 50.0, 90.0]
BOX_B = [200.0, 40.0, 260.0, 160.0]


def walk(frames=6, step=2.0):
    """Two objects moving right, both confident."""
    out = []
    for f in range(frames):
        xyxy = np.array([BOX_A, BOX_B], dtype=np.float32) + np.float32(step * f) * np.array([1, 0, 1, 0], np.float32)
        out.append((xyxy, np.array([0.9, 0.8])))
    return out


def ids_of(tracker, frames):
    return [tracker.update_arrays(x, c)[1].tolist() for x, c in frames]


@pytest.mark.parametrize("version", ["2.2.0", "2.6.1"])
def test_expected_ids_on_a_simple_walk(version):
    # born -1 on frame 0, confirmed (ids 0 and 1, in row order) from frame 1 on
    assert ids_of(ByteTrackTracker(version=version), walk()) == [[-1, -1]] + [[0, 1]] * 5


def test_defaults_and_properties():
    t = ByteTrackTracker()
    assert (t.lost_track_buffer, t.frame_rate, t.track_activation_threshold, t.minimum_consecutive_frames,
            t.minimum_iou_threshold, t.high_conf_det_threshold, t.version) == (30, 30.0, 0.7, 2, 0.1, 0.6, "2.6.1")
    assert t.maximum_frames_without_update == 30
    assert ByteTrackTracker(frame_rate=25.0, version="2.2.0").maximum_frames_without_update == 25  # int(25/30*30)
    assert ByteTrackTracker(frame_rate=14.0).maximum_frames_without_update == 14  # ceil(14/30*30)
    assert ByteTrackTracker(frame_rate=14.5, version="2.2.0").maximum_frames_without_update == 14
    assert ByteTrackTracker(frame_rate=14.5).maximum_frames_without_update == 15
    assert ByteTrackTracker(lost_track_buffer=0).maximum_frames_without_update == 0
    assert ByteTrackTracker(lost_track_buffer=1, frame_rate=1.0).maximum_frames_without_update == 1
    assert "version='2.6.1'" in repr(t)


@pytest.mark.parametrize("bad", ["2.6", "2.2", "", None, 2.6])
def test_unknown_version_is_value_error(bad):
    with pytest.raises(ValueError, match="version"):
        ByteTrackTracker(version=bad)


@pytest.mark.parametrize("kwargs", [dict(lost_track_buffer=-1), dict(frame_rate=0.0), dict(frame_rate=float("nan")),
                                    dict(frame_rate=float("inf")), dict(minimum_iou_threshold=float("nan")),
                                    dict(track_activation_threshold=float("inf")),
                                    dict(high_conf_det_threshold=float("nan"))])
def test_bad_parameters_are_value_errors(kwargs):
    with pytest.raises(ValueError):
        ByteTrackTracker(**kwargs)


BAD_INPUTS = [
    (np.array([[0, 0, np.nan, 10]], np.float32), np.array([0.9]), ValueError),
    (np.array([[0, 0, np.inf, 10]]), np.array([0.9]), ValueError),
    (np.array([[0, 0, 10, 10]]), np.array([np.nan]), ValueError),
    (np.array([[0, 0, 10, 10]]), np.array([np.inf]), ValueError),
    (np.zeros((2, 5)), np.array([0.9, 0.9]), ValueError),
    (np.zeros((2, 4, 1)), np.array([0.9, 0.9]), ValueError),
    (np.zeros(4), np.array([0.9]), ValueError),
    (np.zeros((2, 4)), np.array([0.9]), ValueError),
    (np.zeros((2, 4)), np.array([[0.9, 0.9]]), ValueError),
    (np.array([["a", "b", "c", "d"]]), np.array([0.9]), TypeError),
    (None, None, TypeError),
    (np.zeros((1, 4)), np.array(["x"]), TypeError),
]


@pytest.mark.parametrize("version", ["2.2.0", "2.6.1"])
@pytest.mark.parametrize("xyxy, confidence, error", BAD_INPUTS)
def test_invalid_input_raises_and_leaves_state_unchanged(version, xyxy, confidence, error):
    frames = walk(8)
    t = ByteTrackTracker(version=version)
    got = ids_of(t, frames[:3])
    with pytest.raises(error):
        t.update_arrays(xyxy, confidence)
    got += ids_of(t, frames[3:])
    assert got == ids_of(ByteTrackTracker(version=version), frames)


def test_update_arrays_keywords_and_argument_errors():
    t = ByteTrackTracker()
    x, c = walk(1)[0]
    rows, ids = t.update_arrays(xyxy=x, confidence=c)
    assert rows.dtype == np.int64 and ids.dtype == np.int64 and rows.tolist() == [0, 1]
    with pytest.raises(TypeError):
        t.update_arrays()
    with pytest.raises(TypeError):
        t.update_arrays(x, c, None, 4)
    with pytest.raises(TypeError):
        t.update_arrays(x, c, bogus=1)
    with pytest.raises(TypeError):
        t.update_arrays(x, xyxy=x)
    with pytest.raises(TypeError):
        t.update_arrays(x, c, timestamp="soon")
    with pytest.raises(TypeError):
        ByteTrackTracker(version="2.2.0").update_arrays(x, c, timestamp=1.0)


def test_array_likes_and_other_dtypes():
    x, c = walk(1)[0]
    a = ByteTrackTracker().update_arrays(x.tolist(), c.tolist())
    b = ByteTrackTracker().update_arrays(x.astype(np.float64), c)
    assert [v.tolist() for v in a] == [v.tolist() for v in b]
    rows, ids = ByteTrackTracker().update_arrays(np.asfortranarray(x.astype(np.int32)), c)
    assert rows.tolist() == [0, 1]
    rows, ids = ByteTrackTracker().update_arrays(np.empty((0, 4)), None)
    assert rows.tolist() == [] and ids.tolist() == []


def test_ids_are_per_instance_and_reset_restarts_them():
    frames = walk(4)
    one, two = ByteTrackTracker(version="2.2.0"), ByteTrackTracker(version="2.2.0")
    assert ids_of(one, frames) == ids_of(two, frames)  # 2.2.0 itself would give 2 and 3 to the second
    assert one.next_tracker_id == 2
    one.reset()
    assert one.num_tracks == 0 and one.next_tracker_id == 0
    assert ids_of(one, frames) == [[-1, -1], [0, 1], [0, 1], [0, 1]]


def test_confidence_dtype_decides_threshold_comparisons():
    # 0.6 as float32 is above 0.6: NumPy compares a float32 array with float32(0.6).
    x = np.array([BOX_A], np.float32)
    for dtype, expect_high in [(np.float32, True), (np.float64, True)]:
        t = ByteTrackTracker(high_conf_det_threshold=0.6, track_activation_threshold=0.6)
        rows, ids = t.update_arrays(x, np.array([0.6], dtype))
        assert t.num_tracks == int(expect_high)
    # float32(0.7) < 0.7: compared as float32 the row is high (>= float32(0.7)), but the
    # activation test uses float(confidence) >= 0.7 and fails: no track.
    t = ByteTrackTracker(high_conf_det_threshold=0.7, track_activation_threshold=0.7)
    t.update_arrays(x, np.array([0.7], np.float32))
    assert t.num_tracks == 0
    t.update_arrays(x, np.array([0.7], np.float64))
    assert t.num_tracks == 1


def test_low_rows_and_dropped_rows_by_version():
    x = np.array([BOX_A, BOX_B], np.float32)
    c = np.array([0.65, 0.3])  # high but below activation 0.7; low
    rows, ids = ByteTrackTracker(version="2.6.1").update_arrays(x, c)
    assert rows.tolist() == [1, 0] and ids.tolist() == [-1, -1]  # low rows first, every row returned
    rows, ids = ByteTrackTracker(version="2.2.0").update_arrays(x, c)
    assert rows.tolist() == [1] and ids.tolist() == [-1]  # the non-starting high row is dropped


def test_lsap_is_exported():
    r, c = bytetrack_cpp.linear_sum_assignment(np.array([[1.0, 0.0], [0.0, 1.0]]), maximize=True)
    assert r.tolist() == [0, 1] and c.tolist() == [0, 1]


class TestSupervision:
    sv = pytest.importorskip("supervision")

    def test_update_matches_update_arrays_and_carries_fields(self):
        sv = self.sv
        frames = walk(5)
        t1, t2 = ByteTrackTracker(), ByteTrackTracker()
        for x, c in frames:
            det = sv.Detections(xyxy=x, confidence=c, class_id=np.array([3, 4]),
                                data={"names": ["a", "b"], "v": np.array([[1, 2], [3, 4]])}, metadata={"m": 1})
            out = t1.update(det)
            rows, ids = t2.update_arrays(x, c)
            assert out.tracker_id.tolist() == ids.tolist()
            np.testing.assert_array_equal(out.xyxy, x[rows])
            assert out.class_id.tolist() == np.array([3, 4])[rows].tolist()
            assert out.data["names"] == [["a", "b"][i] for i in rows]
            np.testing.assert_array_equal(out.data["v"], det.data["v"][rows])
            assert out.metadata == {"m": 1}

    def test_2_2_0_rejects_timestamp_and_frame(self):
        sv = self.sv
        det = sv.Detections(xyxy=np.array([BOX_A], np.float32), confidence=np.array([0.9]))
        t = ByteTrackTracker(version="2.2.0")
        with pytest.raises(TypeError):
            t.update(det, timestamp=1.0)
        with pytest.raises(TypeError):
            t.update(det, frame=np.zeros((2, 2, 3), np.uint8))
        assert t.num_tracks == 0

    def test_invalid_detections_leave_state_unchanged(self):
        sv = self.sv
        t = ByteTrackTracker()
        det = sv.Detections(xyxy=np.array([BOX_A], np.float32), confidence=np.array([0.9]))
        t.update(det)
        bad = sv.Detections(xyxy=np.array([[0, 0, np.nan, 1]], np.float32), confidence=np.array([0.9]))
        with pytest.raises(ValueError):
            t.update(bad)
        assert t.update(det).tracker_id.tolist() == [0]

    def test_tracked_objects(self):
        sv = self.sv
        t = ByteTrackTracker()
        for x, c in walk(3):
            t.update(sv.Detections(xyxy=x, confidence=c))
        objs = t.tracked_objects
        assert objs.tracker_id.tolist() == [0, 1] and objs.xyxy.dtype == np.float32
