"""Issue 5: hostile input to every public entry point.

Each input either works with the documented meaning or raises ValueError/TypeError
whose message names the argument; a rejected update leaves the tracker's complete
saved state exactly as it was. Documented meanings (see notes/issue5.md):

* xyxy/scores/class_ids may be any array-like of real numbers: lists, int, float16/32,
  big-endian, non-contiguous or Fortran-ordered arrays are converted to float64/int64.
* scores are only compared with the thresholds, so values outside [0, 1] are
  accepted: above track_thresh counts as high, at or below 0.1 (ifzhang) is dropped.
* coordinates must be finite with |value| <= 1e15 (beyond that float64 cannot hold
  a pixel's precision: the +1-pixel IoU and the Kalman arithmetic lose meaning);
  x2 - x1 and y2 - y1 must be >= 1e-6 (smaller boxes make the Kalman variances,
  squares of the height, underflow to 0 and its gain NaN).
* N is limited only by the dense assignment: tracks + detections of one
  association step <= 32768 (bytetrack_cpp.lapjv likewise rows + cols <= 32768).
"""

import numpy as np
import pytest

import bytetrack_cpp
from bytetrack_cpp import BYTETracker, IdCounter, SceneGenerator, generate_scene, lapjv

PRESETS = ["ifzhang", "ifzhang-cpp", "ifzhang-cpp-2021"]


def warm_tracker(preset="ifzhang", frames=40):
    """A tracker with tracked, lost and unconfirmed tracks."""
    t = BYTETracker(preset=preset)
    for xyxy, scores, classes, _ in generate_scene(frames, 12, seed=11, mean_lifetime=20):
        t.update(xyxy, scores, classes)
    return t


GOOD = np.array([[10.0, 20.0, 50.0, 120.0], [200.0, 40.0, 240.0, 150.0]])
GOOD_SCORES = np.array([0.9, 0.3])


def big_endian(a):
    return a.astype(a.dtype.newbyteorder(">"))


def read_only(a):
    a = a.copy()
    a.flags.writeable = False
    return a


# (id, xyxy, scores, class_ids) that must be accepted.
ACCEPTED = [
    ("empty-0x4", np.empty((0, 4)), np.empty(0), None),
    ("empty-lists", [], [], None),
    ("empty-with-classes", np.empty((0, 4)), np.empty(0), np.empty(0, dtype=np.int64)),
    ("lists", GOOD.tolist(), GOOD_SCORES.tolist(), [0, 1]),
    ("tuples", tuple(map(tuple, GOOD)), tuple(GOOD_SCORES), (0, 1)),
    ("int-boxes", GOOD.astype(np.int64), GOOD_SCORES, None),
    ("uint16-boxes", GOOD.astype(np.uint16), GOOD_SCORES, None),
    ("float16", GOOD.astype(np.float16), GOOD_SCORES.astype(np.float16), None),
    ("float32", GOOD.astype(np.float32), GOOD_SCORES.astype(np.float32), None),
    ("longdouble", GOOD.astype(np.longdouble), GOOD_SCORES.astype(np.longdouble), None),
    ("big-endian", big_endian(GOOD), big_endian(GOOD_SCORES), big_endian(np.array([1, 2]))),
    ("non-contiguous", np.repeat(GOOD, 2, axis=1)[:, ::2], np.repeat(GOOD_SCORES, 3)[::3], None),
    ("fortran-order", np.asfortranarray(GOOD), GOOD_SCORES, None),
    ("readonly", read_only(GOOD), read_only(GOOD_SCORES), None),
    ("int-scores", GOOD, np.array([1, 0]), None),
    ("scores-above-1", GOOD, np.array([7.5, 1.0001]), None),
    ("negative-scores", GOOD, np.array([-0.5, -1e9]), None),
    ("huge-scores", GOOD, np.array([1e300, -1e300]), None),
    ("float-class-ids", GOOD, GOOD_SCORES, np.array([3.0, -2.0])),
    ("uint8-class-ids", GOOD, GOOD_SCORES, np.array([255, 0], dtype=np.uint8)),
    ("max-int64-class", GOOD, GOOD_SCORES, np.array([2**63 - 1, -(2**63)], dtype=np.int64)),
    ("coordinates-1e15", np.array([[-1e15, -1e15, 1e15, 1e15]]), np.array([0.9]), None),
    ("negative-coordinates", np.array([[-500.0, -300.0, -100.0, -10.0]]), np.array([0.9]), None),
    ("small-box", np.array([[0.0, 0.0, 1e-6, 1e-6]]), np.array([0.9]), None),
    ("normalised-coordinates", GOOD / 1000.0, GOOD_SCORES, None),
    ("duplicate-boxes", np.repeat(GOOD[:1], 50, axis=0), np.full(50, 0.9), None),
]


@pytest.mark.parametrize("preset", PRESETS)
@pytest.mark.parametrize("case", ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_accepted_input(case, preset):
    _, xyxy, scores, classes = case
    t = warm_tracker(preset)
    for _ in range(3):  # the same frame repeatedly: births, confirmations
        out = t.update(xyxy, scores, classes)
        check_output(out, np.asarray(scores).size)


def check_output(out, n):
    ids = out.track_id
    assert len(set(ids.tolist())) == len(ids), "duplicate ids in one frame"
    assert np.isfinite(out.xyxy).all()
    assert out.xyxy.shape == (len(ids), 4)
    # Every output track was updated by a detection of this frame.
    assert ((out.det_index >= 0) & (out.det_index < n)).all()
    if n == 0:
        assert len(ids) == 0


def test_equivalent_encodings_give_identical_results():
    """Conversions are exact: the same values in another dtype/layout/byte order track the same."""
    frames = generate_scene(40, 15, seed=5)
    variants = [
        lambda x, s: (x, s),
        lambda x, s: (x.tolist(), s.tolist()),
        lambda x, s: (big_endian(x), big_endian(s)),
        lambda x, s: (np.asfortranarray(x), s),
        lambda x, s: (np.hstack([x, x])[:, :4], np.repeat(s, 2)[::2]),
    ]
    results = []
    for v in variants:
        t = BYTETracker()
        results.append([(o.track_id.tolist(), o.xyxy.tobytes()) for o in
                        (t.update(*v(f[0], f[1]), f[2]) for f in frames)])
    assert all(r == results[0] for r in results[1:])


def test_negative_scores_are_dropped_and_scores_above_one_are_high():
    t = BYTETracker()
    out = t.update(GOOD, np.array([-0.5, 3.0]))
    assert out.det_index.tolist() == [1] and out.score.tolist() == [3.0]


def test_huge_n_on_an_empty_tracker_works():
    rng = np.random.default_rng(0)
    n = 100_000
    xy = rng.uniform(0, 1e5, size=(n, 2))
    wh = rng.uniform(1, 50, size=(n, 2))
    xyxy = np.hstack([xy, xy + wh])
    scores = rng.uniform(0, 1, n)
    t = BYTETracker()
    out = t.update(xyxy, scores)
    born = int((scores >= 0.6).sum())
    assert len(out) == born and len(set(out.track_id.tolist())) == born
    # A second frame would need a (tracks + detections)^2 dense assignment: refused, state kept.
    state = t.__getstate__()
    with pytest.raises(ValueError, match=r"xyxy: .*assignment size limit"):
        t.update(xyxy, scores)
    assert t.__getstate__() == state
    # An empty frame needs no assignment and still works.
    assert len(t.update(np.empty((0, 4)), np.empty(0))) == 0


def test_large_n_within_the_limit_works():
    rng = np.random.default_rng(1)
    n = 3000
    xy = rng.uniform(0, 2e4, size=(n, 2))
    xyxy = np.hstack([xy, xy + rng.uniform(5, 60, size=(n, 2))])
    scores = rng.uniform(0.6, 1, n)
    t = BYTETracker()
    t.update(xyxy, scores)
    out = t.update(xyxy + 1.0, scores)
    assert len(out) == n


# (id, xyxy, scores, class_ids, exception, message regex)
NAN, INF = float("nan"), float("inf")
REJECTED = [
    ("nan-coordinate", [[10, 10, NAN, 50]], [0.9], None, ValueError, r"^xyxy: row 0 .*NaN"),
    ("inf-coordinate", [[10, 10, 40, 50], [1, 2, INF, 9]], [0.9, 0.8], None, ValueError, r"^xyxy: row 1"),
    ("neg-inf-coordinate", [[-INF, 10, 40, 50]], [0.9], None, ValueError, r"^xyxy"),
    ("zero-width", [[10, 10, 10, 50]], [0.9], None, ValueError, r"^xyxy: .*width or height"),
    ("zero-height", [[10, 10, 20, 10]], [0.9], None, ValueError, r"^xyxy: .*width or height"),
    ("negative-width", [[40, 10, 10, 50]], [0.9], None, ValueError, r"^xyxy: .*width or height"),
    ("tiny-box", [[0, 0, 1e-300, 1e-300]], [0.9], None, ValueError, r"^xyxy: row 0 .*below 1e-6"),
    ("thin-box", [[0, 5, 5, 5 + 1e-9]], [0.9], None, ValueError, r"^xyxy: row 0 .*below 1e-6"),
    ("coordinate-1e30", [[0, 0, 1e30, 1e30]], [0.9], None, ValueError, r"^xyxy: .*1e15"),
    ("coordinate-minus-1e16", [[-1e16, 0, 10, 10]], [0.9], None, ValueError, r"^xyxy: .*1e15"),
    ("nan-score", GOOD, [0.9, NAN], None, ValueError, r"^scores: element 1"),
    ("inf-score", GOOD, [INF, 0.9], None, ValueError, r"^scores: element 0"),
    ("shape-Nx5", np.zeros((2, 5)), GOOD_SCORES, None, ValueError, r"^xyxy must have shape \(N, 4\), got \(2, 5\)"),
    ("shape-1d", np.zeros(8), np.zeros(2), None, ValueError, r"^xyxy must have shape"),
    ("shape-3d", np.zeros((2, 4, 1)), GOOD_SCORES, None, ValueError, r"^xyxy must have shape"),
    ("shape-3x0", np.zeros((3, 0)), np.zeros(3), None, ValueError, r"^xyxy must have shape"),
    ("scalar-xyxy", 5.0, [0.5], None, ValueError, r"^xyxy must have shape"),
    ("scores-too-short", GOOD, [0.9], None, ValueError, r"^scores has 1 elements but xyxy has 2 rows"),
    ("scores-too-long", GOOD, [0.9, 0.8, 0.7], None, ValueError, r"^scores has 3"),
    ("scores-2d", GOOD, [[0.9, 0.8]], None, ValueError, r"^scores must be 1-D"),
    ("scores-for-empty", np.empty((0, 4)), [0.5], None, ValueError, r"^scores has 1"),
    ("class-ids-mismatch", GOOD, GOOD_SCORES, [1], ValueError, r"^class_ids has 1 elements"),
    ("class-ids-2d", GOOD, GOOD_SCORES, [[1, 2]], ValueError, r"^class_ids"),
    ("class-ids-fraction", GOOD, GOOD_SCORES, [1.5, 2.0], ValueError, r"^class_ids: element 0"),
    ("class-ids-nan", GOOD, GOOD_SCORES, [1.0, NAN], ValueError, r"^class_ids: element 1"),
    ("class-ids-uint64-overflow", GOOD, GOOD_SCORES, np.array([1, 2**63], dtype=np.uint64), ValueError,
     r"^class_ids: element 1 does not fit"),
    ("class-ids-strings", GOOD, GOOD_SCORES, ["a", "b"], TypeError, r"^class_ids must hold real numbers"),
    ("none-xyxy", None, [0.5], None, TypeError, r"^xyxy must be an array"),
    ("none-scores", GOOD, None, None, TypeError, r"^scores must be an array"),
    ("object-array", np.array([[1, 2, 3, 4]], dtype=object), [0.5], None, TypeError, r"^xyxy must hold real"),
    ("string-array", np.array([["1", "2", "3", "4"]]), [0.5], None, TypeError, r"^xyxy must hold real"),
    ("complex-boxes", GOOD.astype(complex), GOOD_SCORES, None, TypeError, r"^xyxy must hold real"),
    ("bool-boxes", GOOD.astype(bool), GOOD_SCORES, None, TypeError, r"^xyxy must hold real"),
    ("string-scores", GOOD, ["0.9", "0.3"], None, TypeError, r"^scores must hold real"),
    ("datetime-scores", GOOD, np.array(["2020-01-01"] * 2, dtype="datetime64[D]"), None, TypeError, r"^scores"),
    ("ragged-list", [[1, 2, 3, 4], [1, 2]], [0.5, 0.5], None, TypeError, r"^xyxy must be array-like"),
    ("dict", {"a": 1}, [0.5], None, TypeError, r"^xyxy must hold real"),
    ("string", "boxes", [0.5], None, TypeError, r"^xyxy must hold real"),
]


@pytest.mark.parametrize("preset", PRESETS)
@pytest.mark.parametrize("case", REJECTED, ids=[c[0] for c in REJECTED])
def test_rejected_update_leaves_state_unchanged(case, preset):
    _, xyxy, scores, classes, exc, message = case
    t = warm_tracker(preset)
    before = t.__getstate__()
    next_id = t.id_counter.next_id
    with pytest.raises(exc, match=message):
        t.update(xyxy, scores, classes)
    assert t.__getstate__() == before
    assert t.id_counter.next_id == next_id
    # And the tracker carries on exactly like an untouched copy.
    twin = warm_tracker(preset)
    frame = generate_scene(45, 12, seed=11, mean_lifetime=20)[-1]
    a, b = t.update(*frame[:3]), twin.update(*frame[:3])
    assert a.track_id.tolist() == b.track_id.tolist() and a.xyxy.tobytes() == b.xyxy.tobytes()


def test_rejection_in_a_later_row_changes_nothing():
    """The bad row is the last of many valid ones: validation precedes every change."""
    t = warm_tracker()
    before = t.__getstate__()
    xyxy = np.vstack([generate_scene(1, 30, seed=1)[0][0], [[0, 0, NAN, 1]]])
    with pytest.raises(ValueError, match=r"^xyxy: row \d+ contains NaN"):
        t.update(xyxy, np.full(len(xyxy), 0.9))
    assert t.__getstate__() == before


@pytest.mark.parametrize("kwargs, exc, message", [
    ({"track_thresh": -0.1}, ValueError, r"^track_thresh must be in \[0, 1\]"),
    ({"track_thresh": 1.5}, ValueError, r"^track_thresh"),
    ({"track_thresh": NAN}, ValueError, r"^track_thresh"),
    ({"track_thresh": "0.5"}, TypeError, r"^track_thresh must be a real number"),
    ({"track_thresh": None}, TypeError, r"^track_thresh"),
    ({"track_thresh": 10**400}, ValueError, r"^track_thresh is out of range"),
    ({"match_thresh": -1.0}, ValueError, r"^match_thresh must be in \[0, 1\]"),
    ({"match_thresh": 1.01}, ValueError, r"^match_thresh"),
    ({"match_thresh": INF}, ValueError, r"^match_thresh"),
    ({"match_thresh": 1j}, TypeError, r"^match_thresh"),
    ({"track_buffer": -1}, ValueError, r"^track_buffer must be in \[0, "),
    ({"track_buffer": 2**40}, ValueError, r"^track_buffer"),
    ({"track_buffer": 30.0}, TypeError, r"^track_buffer must be an integer"),
    ({"track_buffer": "30"}, TypeError, r"^track_buffer"),
    ({"frame_rate": 0}, ValueError, r"^frame_rate must be a positive number"),
    ({"frame_rate": -30}, ValueError, r"^frame_rate"),
    ({"frame_rate": NAN}, ValueError, r"^frame_rate"),
    ({"frame_rate": INF}, ValueError, r"^frame_rate"),
    ({"frame_rate": 1e300}, ValueError, r"^frame_rate \* track_buffer is too large"),
    ({"mot20": "yes"}, TypeError, r"^mot20 must be a bool"),
    ({"mot20": 1}, TypeError, r"^mot20 must be a bool"),
    ({"preset": "bytetrack"}, ValueError, r"^preset: unknown preset 'bytetrack'"),
    ({"preset": ""}, ValueError, r"^preset: unknown preset"),
    ({"preset": None}, TypeError, r"^preset must be a str"),
    ({"id_counter": 5}, TypeError, r"^id_counter must be an IdCounter or None"),
    ({"id_counter": BYTETracker()}, TypeError, r"^id_counter"),
])
def test_bad_parameters(kwargs, exc, message):
    with pytest.raises(exc, match=message):
        BYTETracker(**kwargs)


@pytest.mark.parametrize("kwargs, max_time_lost", [
    ({"track_thresh": 0.0, "match_thresh": 0.0}, 30),
    ({"track_thresh": 1.0, "match_thresh": 1.0}, 30),
    ({"track_buffer": 0}, 0),
    ({"frame_rate": 0.001}, 0),
    ({"frame_rate": 1000.0, "track_buffer": 300}, 10000),
    ({"track_buffer": np.int16(12), "frame_rate": np.float32(15)}, 6),
    ({"mot20": np.bool_(True)}, 30),
])
def test_edge_parameters_work(kwargs, max_time_lost):
    t = BYTETracker(**kwargs)
    assert t.max_time_lost == max_time_lost
    for xyxy, scores, classes, _ in generate_scene(30, 10, seed=2):
        check_output(t.update(xyxy, scores, classes), len(scores))


def test_unknown_keyword_is_a_type_error():
    with pytest.raises(TypeError):
        BYTETracker(track_treshold=0.5)


# ------------------------------------------------------------------ other entry points

@pytest.mark.parametrize("cost, limit, exc, message", [
    (np.array([[0.1, NAN]]), 0.5, ValueError, r"^cost contains NaN"),
    (np.array([[INF]]), 0.5, ValueError, r"^cost contains NaN or inf"),
    (np.zeros(3), 0.5, ValueError, r"^cost must be a 2-D matrix"),
    (np.zeros((2, 2, 2)), 0.5, ValueError, r"^cost must be a 2-D"),
    (np.zeros((2, 2)), NAN, ValueError, r"^cost_limit must be finite"),
    (np.zeros((2, 2)), "0.5", TypeError, r"cost_limit"),
    (np.array([["a"]]), 0.5, TypeError, r"^cost must hold real numbers"),
    (None, 0.5, TypeError, r"^cost must be an array"),
    (np.zeros((100_000, 1)), 0.5, ValueError, r"^cost: rows \+ columns must be <= 32768"),
])
def test_lapjv_rejects(cost, limit, exc, message):
    with pytest.raises(exc, match=message):
        lapjv(cost, limit)


@pytest.mark.parametrize("cost", [np.zeros((0, 0)), np.zeros((0, 5)), np.zeros((5, 0)),
                                  np.full((3, 3), 1e300), np.full((2, 3), -1e300),
                                  np.arange(6, dtype=np.int8).reshape(2, 3), big_endian(np.eye(3))])
def test_lapjv_degenerate_but_valid(cost):
    x, y = lapjv(cost, 0.5)
    assert len(x) == cost.shape[0] and len(y) == cost.shape[1]
    for i, j in enumerate(x):
        assert j == -1 or y[j] == i


@pytest.mark.parametrize("start", [0, -5, 2**62])
def test_id_counter_any_int64_start(start):
    c = IdCounter(start)
    t = BYTETracker(id_counter=c)
    out = t.update(GOOD, np.array([0.9, 0.95]))
    assert out.track_id.tolist() == [start, start + 1] and c.next_id == start + 2


@pytest.mark.parametrize("start", [2**63, "1", 1.5, None])
def test_id_counter_rejects(start):
    with pytest.raises(TypeError, match="start"):
        IdCounter(start)


@pytest.mark.parametrize("kwargs, message", [
    ({"objects_per_frame": -1}, r"^objects_per_frame"),
    ({"objects_per_frame": 1e300}, r"^objects_per_frame"),
    ({"objects_per_frame": NAN}, r"^objects_per_frame"),
    ({"mean_lifetime": 0.5}, r"^mean_lifetime"),
    ({"mean_lifetime": INF}, r"^mean_lifetime"),
    ({"miss_rate": 1.5}, r"^miss_rate"),
    ({"occlusion_rate": -0.1}, r"^occlusion_rate"),
    ({"low_score_share": NAN}, r"^low_score_share"),
    ({"false_positive_rate": -1}, r"^false_positive_rate"),
    ({"box_noise": INF}, r"^box_noise"),
    ({"width": NAN}, r"^width"),
    ({"height": -5}, r"^height"),
    ({"width": 1e300}, r"^width"),
])
def test_scene_generator_rejects(kwargs, message):
    with pytest.raises(ValueError, match=message):
        SceneGenerator(**kwargs)
    with pytest.raises(ValueError, match=message):
        generate_scene(**kwargs)


def test_scene_generator_edges():
    assert generate_scene(num_frames=0) == []
    with pytest.raises(ValueError, match="num_frames"):
        generate_scene(num_frames=-1)
    with pytest.raises(TypeError):
        SceneGenerator(seed=-1)
    frames = generate_scene(5, objects_per_frame=0)
    assert all(len(f[1]) <= 1 for f in frames)


def test_state_of_wrong_type_rejected():
    t = bytetrack_cpp.BYTETracker.__new__(bytetrack_cpp.BYTETracker)
    with pytest.raises(TypeError, match="state must be bytes"):
        t.__setstate__(None)
