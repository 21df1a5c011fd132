"""Issue 5: hostile input to every tracker engine's public update, table-driven.

Engines: BYTETracker (3 presets), sv-compat ByteTrack (0.30.9, 0.27.0.post1),
trackers-compat ByteTrackTracker (2.6.1, 2.2.0) and MultiStreamTracker (single
updates and batches; batches also with the compat engines). Each frame is drawn valid or hostile (NaN/inf, empty or
inverted boxes, 1e30, scores outside [0, 1], float16/float32/int/big-endian
arrays). Properties:

* no crash, and no exception but ValueError / TypeError;
* a rejected call leaves the engine unchanged: a twin engine that never saw the
  call produces identical output on every later frame;
* accepted output: ids (other than -1, "not confirmed") unique within a frame,
  boxes finite.

Engines that reproduce a reference which drops invalid rows (sv 0.30.9) or
accepts them (trackers) may accept some hostile frames; that is their documented
meaning. Examples: HYPOTHESIS_PROFILE=ci (default under CI) 2,000, "dev" 200.
"""

import pickle

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import bytetrack_cpp


sv = pytest.importorskip("supervision")


# ------------------------------------------------------------------ engines: make, feed -> (ids, boxes)

def _tracks(out):
    return out.track_id, out.xyxy


def _detections(xyxy, scores, classes):
    return sv.Detections(xyxy=xyxy, confidence=scores, class_id=classes)


def _sv_out(d):
    return np.asarray(d.tracker_id if d.tracker_id is not None else np.empty(0), dtype=np.int64), d.xyxy


class MultiBatch:
    """MultiStreamTracker fed one batch of two streams per frame (shifted copies)."""

    def __init__(self, **engine):
        self.t = bytetrack_cpp.MultiStreamTracker(threads=2, **engine)

    def feed(self, xyxy, scores, classes):
        shifted = xyxy + 5 if np.issubdtype(np.asarray(xyxy).dtype, np.number) else xyxy
        res = self.t.update_batch({3: (xyxy, scores, classes), 9: (shifted, scores)})
        ids = np.concatenate([res[3].track_id, res[9].track_id])
        boxes = np.concatenate([res[3].xyxy, res[9].xyxy])
        return ids, boxes


ENGINES = {
    **{f"BYTETracker-{p}": (lambda p=p: bytetrack_cpp.BYTETracker(preset=p),
                            lambda t, x, s, c: _tracks(t.update(x, s, c)))
       for p in ["ifzhang", "ifzhang-cpp", "ifzhang-cpp-2021"]},
    **{f"ByteTrack-{v}": (lambda v=v: bytetrack_cpp.ByteTrack(version=v),
                          lambda t, x, s, c: _sv_out(t.update_with_detections(_detections(x, s, c))))
       for v in ["0.30.9", "0.27.0.post1"]},
    **{f"ByteTrackTracker-{v}": (lambda v=v: bytetrack_cpp.ByteTrackTracker(version=v),
                                 lambda t, x, s, c: _sv_out(t.update(_detections(x, s, c))))
       for v in ["2.6.1", "2.2.0"]},
    "MultiStreamTracker": (lambda: bytetrack_cpp.MultiStreamTracker(),
                           lambda t, x, s, c: _tracks(t.update(42, x, s, c))),
    "MultiStreamTracker-batch": (MultiBatch, lambda t, x, s, c: t.feed(x, s, c)),
    **{f"MultiStreamTracker-{e}-{v}-batch": (lambda e=e, v=v: MultiBatch(engine=e, version=v),
                                             lambda t, x, s, c: t.feed(x, s, c))
       for e, v in [("supervision", "0.30.9"), ("supervision", "0.27.0.post1"), ("trackers", "2.6.1"),
                    ("trackers", "2.2.0")]},
}


# ------------------------------------------------------------------ frames

BASE = np.array([[10.0, 10.0, 60.0, 120.0], [100.0, 40.0, 150.0, 160.0], [300.0, 50.0, 340.0, 140.0],
                 [400.0, 60.0, 460.0, 200.0]])


@st.composite
def frame(draw):
    n = draw(st.integers(0, 4))
    rows = draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    jitter = draw(st.lists(st.floats(-5, 5), min_size=4 * n, max_size=4 * n))
    xyxy = BASE[rows] + np.array(jitter).reshape(n, 4)
    scores = np.array(draw(st.lists(st.one_of(st.floats(0, 1), st.floats(-2, 3)), min_size=n, max_size=n)))
    if n and draw(st.integers(0, 2)) == 0:  # one hostile value
        r, col = draw(st.integers(0, n - 1)), draw(st.integers(0, 4))
        bad = draw(st.sampled_from([np.nan, np.inf, -np.inf, 1e30, -1e16, "empty", "inverted", "tiny"]))
        if col == 4:
            scores[r] = bad if isinstance(bad, float) else np.nan
        elif bad == "empty":
            xyxy[r, 2] = xyxy[r, 0]
        elif bad == "inverted":
            xyxy[r, [0, 2]] = xyxy[r, [2, 0]]
        elif bad == "tiny":
            xyxy[r, 3] = xyxy[r, 1] + 1e-9
        else:
            xyxy[r, col] = bad
    dtype = draw(st.sampled_from(["f8", "f8", "f4", ">f8", "f2", "i8"]))
    with np.errstate(invalid="ignore", over="ignore"):
        if dtype == "i8":
            xyxy = np.nan_to_num(xyxy, nan=0, posinf=0, neginf=0).astype(np.int64)
        else:
            xyxy = xyxy.astype(dtype)
        scores = scores.astype("f4" if dtype == "f4" else "f8")
    classes = np.array(draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)), dtype=np.int64)
    return xyxy, scores, classes


def check(ids, boxes):
    ids = np.asarray(ids)
    confirmed = ids[ids >= 0].tolist()
    assert len(confirmed) == len(set(confirmed)), "duplicate ids in one frame"
    assert np.isfinite(np.asarray(boxes, dtype=np.float64)).all(), "non-finite output box"


def same(a, b):
    return np.array_equal(a[0], b[0]) and np.asarray(a[1]).tobytes() == np.asarray(b[1]).tobytes()


@given(engine=st.sampled_from(sorted(ENGINES)), frames=st.lists(frame(), min_size=1, max_size=8))
def test_engines_survive_hostile_frames(engine, frames):
    make, feed = ENGINES[engine]
    tracker, twin = make(), make()
    for xyxy, scores, classes in frames:
        before = _saved(tracker)
        try:
            out = feed(tracker, xyxy, scores, classes)
        except (ValueError, TypeError):
            # The twin never sees the rejected frame; the complete state is unchanged.
            assert _saved(tracker) == before, f"{engine}: a rejected frame changed the state"
            continue
        check(*out)
        assert same(out, feed(twin, xyxy, scores, classes)), f"{engine}: diverged from its twin"
    # After everything, one clean frame: still identical, also for a pickled copy.
    copied = pickle.loads(pickle.dumps(tracker))
    clean = (BASE.copy(), np.full(4, 0.9), np.zeros(4, dtype=np.int64))
    out = feed(tracker, *clean)
    assert same(out, feed(twin, *clean))
    assert same(out, feed(copied, *clean))


def _saved(tracker):
    """The complete state (every engine pickles)."""
    return pickle.dumps(tracker)


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_engines_huge_n(engine):
    """100,000 boxes in one frame: tracked, or refused with ValueError naming the input."""
    make, feed = ENGINES[engine]
    rng = np.random.default_rng(0)
    n = 100_000
    xy = rng.uniform(0, 1e5, size=(n, 2))
    xyxy = np.hstack([xy, xy + rng.uniform(5, 50, size=(n, 2))])
    scores = rng.uniform(0, 1, n)
    classes = np.zeros(n, dtype=np.int64)
    t = make()
    for _ in range(2):
        try:
            check(*feed(t, xyxy, scores, classes))
        except ValueError as exc:
            assert any(word in str(exc) for word in ("xyxy", "detections", "rows", "assignment")), str(exc)
