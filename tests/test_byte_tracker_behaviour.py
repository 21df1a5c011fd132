"""Exact behaviours of the ifzhang reference (reference-spec 0 table and 1.A), on tiny scenes."""

import numpy as np
import pytest

import bytetrack_cpp

BOX = np.array([[100.0, 100.0, 150.0, 220.0]])
HIGH = np.array([0.9])
NONE = (np.empty((0, 4)), np.empty(0))


def ids(tracks):
    return tracks.track_id.tolist()


def test_first_frame_births_are_output_at_once():
    t = bytetrack_cpp.BYTETracker()
    out = t.update(BOX, HIGH)
    assert ids(out) == [1]
    np.testing.assert_allclose(out.xyxy, BOX, atol=1e-9)
    assert out.det_index.tolist() == [0] and out.class_id.tolist() == [-1]


def test_first_call_empty_object_output_from_frame_three():
    t = bytetrack_cpp.BYTETracker()
    assert len(t.update(*NONE)) == 0
    assert len(t.update(BOX, HIGH)) == 0  # born unconfirmed in frame 2
    assert ids(t.update(BOX, HIGH)) == [1]


@pytest.mark.parametrize("gap", [1, 5, 30, 31])
def test_stationary_object_keeps_id_up_to_max_time_lost_plus_one(gap):
    t = bytetrack_cpp.BYTETracker()
    t.update(BOX, HIGH)
    for _ in range(gap):
        t.update(*NONE)
    assert ids(t.update(BOX, HIGH)) == [1]


def test_stationary_object_gets_new_id_after_longer_gap():
    t = bytetrack_cpp.BYTETracker()
    t.update(BOX, HIGH)
    for _ in range(32):
        t.update(*NONE)
    assert len(t.update(BOX, HIGH)) == 0  # id 2 is born unconfirmed
    assert ids(t.update(BOX, HIGH)) == [2]


def test_track_revived_in_lingering_frame_is_dropped_when_lost_again():
    # Spec 0 table: revived in its "lingering" Removed frame, lost again 3 frames,
    # reappears -> new id (the all-time removed list suppresses it).
    t = bytetrack_cpp.BYTETracker()
    t.update(BOX, HIGH)
    for _ in range(31):
        t.update(*NONE)
    assert ids(t.update(BOX, HIGH)) == [1]  # gap 31: revived, same id
    for _ in range(3):
        t.update(*NONE)
    assert len(t.update(BOX, HIGH)) == 0
    assert ids(t.update(BOX, HIGH)) == [2]


def test_tentative_track_consumes_an_id():
    # One-frame spurious detection (frame 2), later a new object gets id 3.
    t = bytetrack_cpp.BYTETracker()
    t.update(BOX, HIGH)
    far = np.array([[600.0, 100.0, 650.0, 220.0]])
    t.update(np.vstack([BOX, far]), np.array([0.9, 0.9]))  # far: id 2, dies unconfirmed
    t.update(BOX, HIGH)
    other = np.array([[300.0, 300.0, 350.0, 420.0]])
    t.update(np.vstack([BOX, other]), np.array([0.9, 0.9]))
    assert ids(t.update(np.vstack([BOX, other]), np.array([0.9, 0.9]))) == [1, 3]


def test_births_take_ids_in_input_order():
    t = bytetrack_cpp.BYTETracker()
    xs = np.arange(12) * 100.0
    boxes = np.stack([xs, np.full(12, 10.0), xs + 50, np.full(12, 130.0)], axis=1)
    scores = np.full(12, 0.9)
    present = [i for i in range(12) if i not in (3, 9)]
    t.update(boxes[present], scores[present])
    t.update(boxes, scores)  # boxes 3 and 9 are born now
    out = t.update(boxes, scores)
    by_det = dict(zip(out.det_index.tolist(), ids(out)))
    assert by_det[3] == 11 and by_det[9] == 12


def test_score_split_and_new_track_threshold():
    t = bytetrack_cpp.BYTETracker(track_thresh=0.5)
    # 0.55 is high but below det_thresh 0.6: it can match but not start a track.
    assert len(t.update(BOX, np.array([0.55]))) == 0
    assert t.num_tracked == 0
    assert len(t.update(BOX, np.array([0.6]))) == 0  # born, unconfirmed
    assert len(t.update(BOX, np.array([0.6]))) == 1
    # A low score (0.3) keeps an existing track alive through the second association.
    assert ids(t.update(BOX + 1, np.array([0.3]))) == [1]
    # At exactly track_thresh a detection is in neither set; at <= 0.1 it is dropped.
    assert len(t.update(BOX, np.array([0.5]))) == 0
    assert t.num_lost == 1


def test_cpp_preset_uses_scores_without_floor():
    # The C++ tracker puts everything below track_thresh into the low set, even 0.05.
    for preset, expected in (("ifzhang", 0), ("ifzhang-cpp", 1)):
        t = bytetrack_cpp.BYTETracker(preset=preset)
        t.update(BOX, HIGH)
        assert len(t.update(BOX + 1, np.array([0.05]))) == expected, preset


def test_class_and_det_index_follow_the_updating_detection():
    t = bytetrack_cpp.BYTETracker()
    t.update(BOX, HIGH, np.array([7]))
    other = np.array([[500.0, 500.0, 550.0, 620.0]])
    out = t.update(np.vstack([other, BOX + 2]), np.array([0.3, 0.8]), np.array([1, 4]))
    assert ids(out) == [1] and out.det_index.tolist() == [1] and out.class_id.tolist() == [4]
    assert out.score.tolist() == [0.8]


def test_ids_are_per_tracker_and_reset_restarts_them():
    a, b = bytetrack_cpp.BYTETracker(), bytetrack_cpp.BYTETracker()
    assert ids(a.update(BOX, HIGH)) == [1] and ids(b.update(BOX, HIGH)) == [1]
    a.reset()
    assert a.frame_id == 0 and ids(a.update(BOX, HIGH)) == [1]


def test_shared_id_counter_gives_unique_ids():
    counter = bytetrack_cpp.IdCounter(start=100)
    a = bytetrack_cpp.BYTETracker(id_counter=counter)
    b = bytetrack_cpp.BYTETracker(id_counter=counter)
    assert ids(a.update(BOX, HIGH)) == [100]
    assert ids(b.update(BOX, HIGH)) == [101]
    b.reset()  # a shared counter is not rewound by one tracker's reset
    assert counter.next_id == 102


def test_invalid_input_leaves_state_untouched():
    t = bytetrack_cpp.BYTETracker()
    t.update(BOX, HIGH)
    before = repr(t)
    bad = [
        (np.array([[0.0, 0.0, np.nan, 1.0]]), HIGH, ValueError, "xyxy"),
        (np.array([[10.0, 0.0, 5.0, 1.0]]), HIGH, ValueError, "width or height"),
        (np.zeros((1, 3)), HIGH, ValueError, "shape"),
        (BOX, np.array([0.9, 0.8]), ValueError, "scores"),
        (BOX, np.array([np.inf]), ValueError, "scores"),
        (np.array([["a", "b", "c", "d"]]), HIGH, TypeError, "xyxy"),
        (BOX, np.array([None], dtype=object), TypeError, "scores"),
    ]
    for xyxy, scores, exc, word in bad:
        with pytest.raises(exc, match=word):
            t.update(xyxy, scores)
    with pytest.raises(ValueError, match="class_ids"):
        t.update(BOX, HIGH, np.array([1.5]))
    assert repr(t) == before
    assert ids(t.update(BOX, HIGH)) == [1] and t.frame_id == 2


@pytest.mark.parametrize("kwargs, word", [
    ({"preset": "bytetrack"}, "preset"),
    ({"track_buffer": -1}, "track_buffer"),
    ({"track_thresh": 1.5}, "track_thresh"),
    ({"match_thresh": -0.1}, "match_thresh"),
    ({"frame_rate": 0}, "frame_rate"),
])
def test_bad_parameters(kwargs, word):
    with pytest.raises(ValueError, match=word):
        bytetrack_cpp.BYTETracker(**kwargs)


def test_float32_and_list_inputs_equal_float64():
    seq = bytetrack_cpp.generate_scene(num_frames=60, objects_per_frame=15, seed=3)
    a, b = bytetrack_cpp.BYTETracker(), bytetrack_cpp.BYTETracker()
    for xyxy, scores, classes, _ in seq:
        x32 = xyxy.astype(np.float32).astype(np.float64)
        ra = a.update(x32, scores, classes)
        rb = b.update(xyxy.astype(np.float32), scores.tolist(), classes.tolist())
        assert ids(ra) == ids(rb)
        np.testing.assert_array_equal(ra.xyxy, rb.xyxy)
