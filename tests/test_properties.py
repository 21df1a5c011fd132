"""Issue 5: property tests (hypothesis) over frame sequences mixing valid and hostile input.

For every tracker configuration and every sequence of frames:
* update() never crashes and raises nothing but ValueError / TypeError;
* a rejected update leaves the complete saved state (and the id counter) unchanged;
* for accepted input: ids are unique within a frame, boxes finite, det_index points at
  an input row whose score (and class) the track reports;
* a pickled copy taken mid-sequence continues identically.

Examples: HYPOTHESIS_PROFILE=ci (default under CI) runs 2,000 per test; "dev" 200.
"""

import pickle

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as nps

import bytetrack_cpp


PRESETS = ["ifzhang", "ifzhang-cpp", "ifzhang-cpp-2021"]

# ------------------------------------------------------------------ strategies

tracker_kwargs = st.fixed_dictionaries({
    "track_thresh": st.one_of(st.floats(0, 1), st.sampled_from([0.0, 0.5, 1.0])),
    "track_buffer": st.integers(0, 60),
    "match_thresh": st.one_of(st.floats(0, 1), st.sampled_from([0.0, 0.8, 1.0])),
    "frame_rate": st.one_of(st.floats(1e-3, 240), st.sampled_from([30.0, 1.0])),
    "mot20": st.booleans(),
    "preset": st.sampled_from(PRESETS),
})

# Scores: mostly in [0, 1], sometimes outside, sometimes extreme.
score = st.one_of(st.floats(0, 1), st.floats(-2, 3), st.sampled_from([0.1, 0.5, 0.6, 0.7, 1.0, 0.0]),
                  st.floats(-1e300, 1e300))
size = st.one_of(st.floats(1e-6, 500), st.sampled_from([1e-6, 1.0, 1e6]))
coordinate = st.one_of(st.floats(-500, 3000), st.sampled_from([0.0, -1e14, 1e14]))


@st.composite
def valid_frame(draw, objects):
    """Jittered subset of the scene's objects, plus duplicates and strays."""
    boxes, scores = [], []
    for x, y, w, h in objects:
        if draw(st.booleans()):
            dx, dy = draw(st.floats(-8, 8)), draw(st.floats(-8, 8))
            boxes.append([x + dx, y + dy, x + dx + w, y + dy + h])
            scores.append(draw(score))
    for _ in range(draw(st.integers(0, 3))):
        x, y, w, h = draw(coordinate), draw(coordinate), draw(size), draw(size)
        boxes.append([x, y, x + w, y + h])
        scores.append(draw(score))
    if boxes and draw(st.integers(0, 5)) == 0:
        boxes.append(list(boxes[0]))  # exact duplicate: ties in the assignment
        scores.append(scores[0])
    xyxy = np.array(boxes, dtype=np.float64).reshape(-1, 4)
    # Keep only what the documented limits accept; the rest is the hostile part's job.
    keep = (np.isfinite(xyxy).all(axis=1) & (np.abs(xyxy) <= 1e15).all(axis=1)
            & (xyxy[:, 2] - xyxy[:, 0] >= 1e-6) & (xyxy[:, 3] - xyxy[:, 1] >= 1e-6))
    xyxy, scores = xyxy[keep], np.array(scores, dtype=np.float64)[keep]
    dtype = draw(st.sampled_from([np.float64, np.float64, np.float32]))
    if dtype is np.float32:
        # float32 can round a valid box to an invalid one, or a score to inf: then
        # rejection is correct (see _float32_rounding_rejection).
        with np.errstate(over="ignore"):
            xyxy, scores = xyxy.astype(np.float32), scores.astype(np.float32)
    classes = None
    if draw(st.booleans()):
        classes = np.array(draw(st.lists(st.integers(-5, 5), min_size=len(scores), max_size=len(scores))),
                           dtype=np.int64)
    return ("valid", xyxy, scores, classes)


hostile_dtypes = st.one_of(nps.scalar_dtypes(), nps.byte_string_dtypes(), nps.unicode_string_dtypes(),
                           st.just(np.dtype(object)), nps.floating_dtypes(endianness="="))
hostile_array = st.one_of(
    nps.arrays(hostile_dtypes, nps.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5)),
    nps.arrays(np.float64, st.tuples(st.integers(0, 6), st.just(4)),
               elements=st.floats(allow_nan=True, allow_infinity=True)),
    st.none(), st.lists(st.floats(allow_nan=True), max_size=5), st.text(max_size=3), st.integers(),
)


@st.composite
def hostile_frame(draw):
    """Anything at all, or a valid-shaped frame with one bad value."""
    if draw(st.booleans()):
        return ("hostile", draw(hostile_array), draw(hostile_array), draw(st.one_of(st.none(), hostile_array)))
    n = draw(st.integers(1, 6))
    xyxy = np.tile(np.array([[10.0, 10.0, 60.0, 120.0]]), (n, 1)) + np.arange(n)[:, None] * 30.0
    scores = np.full(n, 0.9)
    row, col = draw(st.integers(0, n - 1)), draw(st.integers(0, 4))
    bad = draw(st.sampled_from([np.nan, np.inf, -np.inf, 1e30, -1e16, 5e-324]))
    if col == 4:
        scores[row] = bad if not np.isfinite(bad) else np.nan
    else:
        xyxy[row, col] = bad
        if bad == 5e-324:  # a degenerate box instead
            xyxy[row, 2] = xyxy[row, 0]
    return ("bad-value", xyxy, scores, None)


@st.composite
def sequence(draw):
    objects = draw(st.lists(st.tuples(coordinate, coordinate, size, size), max_size=10))
    n = draw(st.integers(1, 10))
    return [draw(st.one_of(valid_frame(objects), valid_frame(objects), hostile_frame())) for _ in range(n)]


# ------------------------------------------------------------------ checks

def check_frame(out, xyxy, scores, classes):
    ids = out.track_id.tolist()
    assert len(ids) == len(set(ids)), "duplicate track ids in one frame"
    assert out.xyxy.shape == (len(ids), 4) and np.isfinite(out.xyxy).all(), "non-finite output box"
    n = len(np.asarray(scores))
    idx = out.det_index
    assert ((idx >= 0) & (idx < n)).all(), "det_index out of range"
    s64 = np.asarray(scores, dtype=np.float64).reshape(-1)  # an empty frame may come in any empty shape
    assert np.array_equal(out.score, s64[idx]), "score is not the score of det_index"
    if classes is not None:
        assert np.array_equal(out.class_id, np.asarray(classes, dtype=np.int64).reshape(-1)[idx])
    else:
        assert (out.class_id == -1).all()


def run_frame(tracker, frame):
    kind, xyxy, scores, classes = frame
    before = tracker.__getstate__()
    next_id = tracker.id_counter.next_id
    try:
        out = tracker.update(xyxy, scores, classes)
    except (ValueError, TypeError) as exc:
        assert kind != "valid" or _float32_rounding_rejection(xyxy, exc), f"valid frame rejected: {exc}"
        assert tracker.__getstate__() == before, "rejected update changed the state"
        assert tracker.id_counter.next_id == next_id
        return None
    assert kind != "bad-value", "a bad value was accepted"
    check_frame(out, xyxy, scores, classes)
    return out


def _float32_rounding_rejection(xyxy, exc):
    return isinstance(xyxy, np.ndarray) and xyxy.dtype == np.float32 and str(exc).startswith(("xyxy", "scores"))


def same(a, b):
    if a is None or b is None:
        return a is None and b is None
    return (a.track_id.tobytes(), a.xyxy.tobytes(), a.score.tobytes(), a.det_index.tobytes()) == (
        b.track_id.tobytes(), b.xyxy.tobytes(), b.score.tobytes(), b.det_index.tobytes())


# ------------------------------------------------------------------ properties

@given(kwargs=tracker_kwargs, frames=sequence(), cut=st.integers(0, 10))
def test_update_never_breaks(kwargs, frames, cut):
    tracker = bytetrack_cpp.BYTETracker(**kwargs)
    copy = None
    for k, frame in enumerate(frames):
        if k == cut:
            copy = pickle.loads(pickle.dumps(tracker))
        out = run_frame(tracker, frame)
        if copy is not None:
            assert same(out, run_frame(copy, frame)), "pickled copy diverged"


@given(kwargs=st.dictionaries(
    st.sampled_from(["track_thresh", "track_buffer", "match_thresh", "frame_rate", "mot20", "preset"]),
    st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-2**70, 2**70), st.booleans(),
              st.text(max_size=20), st.none(), st.sampled_from(PRESETS))))
def test_constructor_raises_only_value_or_type_error(kwargs):
    try:
        tracker = bytetrack_cpp.BYTETracker(**kwargs)
    except (ValueError, TypeError):
        return
    out = tracker.update(np.array([[0.0, 0.0, 10.0, 20.0]]), np.array([0.9]))
    check_frame(out, [[0.0, 0.0, 10.0, 20.0]], [0.9], None)


@given(cost=st.one_of(hostile_array, nps.arrays(np.float64, nps.array_shapes(min_dims=2, max_dims=2, min_side=0,
                                                                           max_side=8),
                                                elements=st.floats(-1e6, 1e6))),
       limit=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.floats(-1, 2)))
def test_lapjv_raises_only_value_or_type_error(cost, limit):
    try:
        x, y = bytetrack_cpp.lapjv(cost, limit)
    except (ValueError, TypeError):
        return
    c = np.asarray(cost, dtype=np.float64)
    assert len(x) == c.shape[0] and len(y) == c.shape[1]
    for i, j in enumerate(x):
        if j >= 0:
            assert y[j] == i
            # Like lap.lapjv, whose "infinity" is 1e6, the cost limit only holds for
            # costs and limits of smaller magnitude (beyond, results follow lap's).
            if np.abs(c).max() < 1e5 and abs(limit) < 1e5:
                # A match replaces two padding entries of limit / 2, so the exact
                # guarantee is cost <= 2 * (limit / 2); it differs from the limit only
                # where halving rounds (denormal limits).
                assert c[i, j] <= 2.0 * (limit / 2.0)
    assert sorted(j for j in x if j >= 0) == sorted(set(j for j in x if j >= 0))


@pytest.mark.parametrize("preset", PRESETS)
def test_state_blob_fuzz_never_crashes(preset):
    """Corrupted pickles: the structural checks reject most with ValueError ("state: ...");
    one that passes them loads a tracker that must not crash the process. (Pickles are
    trusted data: a corrupted blob may give meaningless tracks, so only the absence of
    crashes and of other exception types is checked.)"""
    rng = np.random.default_rng(0)
    t = bytetrack_cpp.BYTETracker(preset=preset)
    for xyxy, scores, classes, _ in bytetrack_cpp.generate_scene(30, 10, seed=8):
        t.update(xyxy, scores, classes)
    good = bytearray(t.__getstate__())
    rejected = 0
    for _ in range(300):
        blob = bytearray(good)
        for _ in range(rng.integers(1, 6)):
            blob[rng.integers(0, len(blob))] = rng.integers(0, 256)
        u = bytetrack_cpp.BYTETracker.__new__(bytetrack_cpp.BYTETracker)
        try:
            u.__setstate__(bytes(blob))
        except ValueError as exc:
            assert str(exc).startswith(("state: ", "track_thresh", "match_thresh", "frame_rate", "preset",
                                        "min_consecutive"))
            rejected += 1
            continue
        for xyxy, scores, classes, _ in bytetrack_cpp.generate_scene(3, 10, seed=9):
            try:
                u.update(xyxy, scores, classes)
            except (ValueError, RuntimeError):
                pass
    assert rejected > 30


@given(cost=nps.arrays(np.float64, nps.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=7),
                       elements=st.one_of(st.floats(-1e7, 1e7), st.sampled_from([0.0, 0.5, 1.0, 1e6, -1e6]))),
       limit=st.one_of(st.floats(-2, 2), st.floats(-1e7, 1e7), st.sampled_from([0.0, 0.8, 1e6])))
def test_lapjv_matches_lap_on_any_finite_matrix(cost, limit):
    """The documented contract of bytetrack_cpp.lapjv: what lap.lapjv(extend_cost=True) returns."""
    lap = pytest.importorskip("lap")
    _, want_x, want_y = lap.lapjv(cost, extend_cost=True, cost_limit=limit)
    x, y = bytetrack_cpp.lapjv(cost, limit)
    assert x.tolist() == want_x.tolist() and y.tolist() == want_y.tolist()
