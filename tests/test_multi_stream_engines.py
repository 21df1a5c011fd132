"""Issue 4, compat engines: MultiStreamTracker(engine="supervision" / "trackers").

Each stream of a context must equal an isolated compat tracker (bytetrack_cpp.ByteTrack /
bytetrack_cpp.ByteTrackTracker, themselves checked against supervision and trackers elsewhere)
up to one order-preserving renaming of ids, with ids unique across streams; one stream per
engine is also compared with the live reference (sv.ByteTrack 0.30.9, trackers 2.6.1).
"""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest

import bytetrack_cpp
from bytetrack_cpp import IdCounter, MultiStreamTracker
from refdata import load_input
from test_multi_stream import SEQUENCE_NAMES, STREAM_IDS, sequences

sv = pytest.importorskip("supervision")
pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::DeprecationWarning")

CONFIGS = [
    ("supervision", {"version": "0.30.9"}),
    ("supervision", {"version": "0.27.0.post1", "minimum_consecutive_frames": 2}),
    ("trackers", {"version": "2.6.1"}),
    ("trackers", {"version": "2.2.0", "minimum_consecutive_frames": 3, "lost_track_buffer": 20}),
]
CONFIG_IDS = ["sv-0.30.9", "sv-0.27.0.post1-mcf2", "trackers-2.6.1", "trackers-2.2.0-mcf3"]


def stream_input(k, frame):
    """Detector-like float32 arrays on even streams, float64 on odd ones."""
    xyxy, scores, classes = frame
    dtype = np.float32 if k % 2 == 0 else np.float64
    return xyxy.astype(dtype), scores.astype(dtype), classes


class Isolated:
    """The engine's single-stream tracker, giving (det_index, ids, xyxy, scores, classes) per frame."""

    def __init__(self, engine, params):
        self.engine = engine
        self.tracker = (bytetrack_cpp.ByteTrack(**params) if engine == "supervision"
                        else bytetrack_cpp.ByteTrackTracker(**params))

    def update(self, xyxy, scores, classes):
        if self.engine == "supervision":
            det = sv.Detections(xyxy=xyxy, confidence=scores, class_id=classes,
                                data={"row": np.arange(len(scores))})
            out = self.tracker.update_with_detections(det)
            rows = out.data["row"] if len(out) else np.zeros(0, dtype=np.int64)
            return rows, out.tracker_id
        return self.tracker.update_arrays(xyxy, scores)


def assert_stream_matches(got_frames, inputs, engine, params, label):
    """got_frames: Tracks per frame; inputs: (xyxy, scores, classes) per frame. Returns {ref id: our id}."""
    iso = Isolated(engine, params)
    forward, backward = {}, {}
    for t, (g, (xyxy, scores, classes)) in enumerate(zip(got_frames, inputs)):
        rows, ids = iso.update(xyxy, scores, classes)
        where = f"{label} frame {t}"
        assert np.array_equal(g.det_index, rows), where
        assert np.array_equal(g.xyxy, xyxy[rows].astype(np.float64)), where
        assert np.array_equal(g.score, scores[rows].astype(np.float64)), where
        assert np.array_equal(g.class_id, classes[rows]), where
        for a, b in zip(ids.tolist(), g.track_id.tolist()):
            if a == -1 or b == -1:
                assert a == b == -1, f"{where}: id {a} reported as {b}"
                continue
            assert forward.setdefault(a, b) == b, f"{where}: id {a} renamed inconsistently"
            assert backward.setdefault(b, a) == a, f"{where}: id {b} used for two tracks"
    keys = sorted(forward)
    assert [forward[k] for k in keys] == sorted(forward.values()), f"{label}: renaming does not keep id order"
    return forward


def run_streams(engine, params, mode, threads):
    seqs = [sequences()[name] for name in SEQUENCE_NAMES]
    inputs = {sid: [stream_input(k, f) for f in seq] for k, (sid, seq) in enumerate(zip(STREAM_IDS, seqs))}
    mst = MultiStreamTracker(threads=threads, engine=engine, **params)
    out = {sid: [] for sid in STREAM_IDS}
    for t in range(max(len(s) for s in seqs)):
        live = {sid: frames[t] for sid, frames in inputs.items() if t < len(frames)}
        if mode == "update":
            for sid, frame in live.items():
                out[sid].append(mst.update(sid, *frame))
        else:
            for sid, tracks in mst.update_batch(live).items():
                out[sid].append(tracks)
    return mst, inputs, out


@pytest.mark.parametrize("mode,threads", [("update", 1), ("batch", 1), ("batch", 2)])
@pytest.mark.parametrize("engine,params", CONFIGS, ids=CONFIG_IDS)
def test_streams_equal_isolated_compat_trackers(engine, params, mode, threads):
    mst, inputs, out = run_streams(engine, params, mode, threads)
    owner = {}
    for sid in STREAM_IDS:
        renaming = assert_stream_matches(out[sid], inputs[sid], engine, params, f"{engine} stream {sid}")
        for our_id in renaming.values():
            assert owner.setdefault(our_id, sid) == sid, f"id {our_id} used by streams {owner[our_id]} and {sid}"
    assert len(owner) > 1000
    assert mst.engine == engine
    assert mst.frame_id(STREAM_IDS[0]) == len(inputs[STREAM_IDS[0]])


def test_batch_equals_update_loop_exactly_for_compat_engines():
    """A batch numbers new ids in batch order like a loop of update() calls, for any thread count."""
    for engine, params in CONFIGS:
        runs = [run_streams(engine, params, "update", 1)[2], run_streams(engine, params, "batch", 2)[2],
                run_streams(engine, params, "batch", 3)[2]]
        for other in runs[1:]:
            for sid in STREAM_IDS:
                for a, b in zip(runs[0][sid], other[sid]):
                    assert np.array_equal(a.track_id, b.track_id) and np.array_equal(a.det_index, b.det_index)


# ---------------------------------------------------------------- live references

def test_supervision_stream_equals_live_sv_bytetrack():
    if sv.__version__ != "0.30.9":
        pytest.skip(f"needs supervision 0.30.9, found {sv.__version__}")
    frames = load_input("palace-yolox", "python").frames
    other = load_input("mot-MOT17-09-FRCNN", "python").frames
    ref = sv.ByteTrack(minimum_consecutive_frames=2)
    mst = MultiStreamTracker(engine="supervision", minimum_consecutive_frames=2)
    forward = {}
    for t, (xyxy, scores, classes) in enumerate(frames):
        xyxy, scores = xyxy.astype(np.float32), scores.astype(np.float32)
        if t < len(other):
            mst.update(1, *other[t])  # a second stream takes ids in between
        det = sv.Detections(xyxy=xyxy, confidence=scores, class_id=classes, data={"name": np.arange(len(scores))})
        got = mst.update(0, det.xyxy, det.confidence, det.class_id)
        want = ref.update_with_detections(det)
        assert np.array_equal(got.xyxy, want.xyxy.astype(np.float64)), t
        assert np.array_equal(got.class_id, want.class_id), t
        # Detections out, as sv.ByteTrack returns them (ids up to the renaming).
        tracked = bytetrack_cpp.tracked_detections(det, got)
        assert_same_detections_up_to_ids(tracked, want, t)
        for a, b in zip(want.tracker_id.tolist(), tracked.tracker_id.tolist()):
            assert forward.setdefault(a, b) == b, t
    assert len(set(forward.values())) == len(forward) > 20


def assert_same_detections_up_to_ids(ours, ref, where):
    """Every field equal (values and dtypes) except tracker_id, which is renamed."""
    assert len(ours) == len(ref), where
    for name in ("xyxy", "confidence", "class_id"):
        a, b = getattr(ours, name), getattr(ref, name)
        assert a.dtype == b.dtype and np.array_equal(a, b), f"{where}: {name}"
    assert ours.mask is None and ref.mask is None
    assert ours.tracker_id.dtype == ref.tracker_id.dtype and np.array_equal(ours.tracker_id == -1,
                                                                            ref.tracker_id == -1), where
    assert ours.data.keys() == ref.data.keys() and all(np.array_equal(ours.data[k], ref.data[k]) for k in ours.data)
    assert ours.metadata == ref.metadata, where


def test_tracked_detections_checks_rows():
    det = sv.Detections(xyxy=np.array([[0.0, 0.0, 10.0, 10.0]]), confidence=np.array([0.9]))
    mst = MultiStreamTracker(engine="trackers", minimum_consecutive_frames=1)
    tracks = mst.update(1, np.array([[0.0, 0.0, 10.0, 10.0], [20.0, 20.0, 40.0, 40.0]]), np.array([0.9, 0.8]))
    with pytest.raises(ValueError, match="detections has 1 rows"):
        bytetrack_cpp.tracked_detections(det, tracks)
    empty = bytetrack_cpp.tracked_detections(det, MultiStreamTracker().update(1, det.xyxy[:0], det.confidence[:0]))
    assert len(empty) == 0 and empty.tracker_id.dtype == np.int64


def test_trackers_stream_equals_live_trackers():
    trackers = pytest.importorskip("trackers")
    from importlib.metadata import version

    if version("trackers") != "2.6.1":
        pytest.skip(f"needs trackers 2.6.1, found {version('trackers')}")
    frames = load_input("mot-MOT17-04-FRCNN", "python").frames[:400]
    ref = trackers.ByteTrackTracker()
    mst = MultiStreamTracker(engine="trackers", threads=2)
    forward = {}
    for t, (xyxy, scores, classes) in enumerate(frames):
        xyxy, scores = xyxy.astype(np.float32), scores.astype(np.float32)
        det = sv.Detections(xyxy=xyxy, confidence=scores, class_id=classes, data={"row": np.arange(len(scores))},
                            metadata={"camera": 7})
        got = mst.update_batch({7: (det.xyxy, det.confidence, det.class_id), 8: (xyxy[::2], scores[::2])})[7]
        want = ref.update(det)
        assert np.array_equal(got.det_index, want.data["row"] if len(want) else []), t
        assert_same_detections_up_to_ids(bytetrack_cpp.tracked_detections(det, got), want, t)
        for a, b in zip(want.tracker_id.tolist(), got.track_id.tolist()):
            if a == -1:
                assert b == -1, t
            else:
                assert forward.setdefault(a, b) == b, t
    assert len(set(forward.values())) == len(forward) > 20


# ---------------------------------------------------------------- dtypes decide

def threshold_scene(threshold, seed, frames=60):
    """Scores snapped to float32(threshold), which float32 arithmetic counts as reaching the
    threshold and float64 arithmetic (float32(0.7) < 0.7) does not."""
    out = []
    for xyxy, scores, *_ in bytetrack_cpp.generate_scene(num_frames=frames, objects_per_frame=12.0, seed=seed):
        scores = scores.copy()
        scores[::2] = np.float32(threshold)
        out.append((xyxy.astype(np.float32), scores.astype(np.float32), np.zeros(len(scores), dtype=np.int64)))
    return out


@pytest.mark.parametrize("engine,params", [
    ("trackers", {"high_conf_det_threshold": 0.7, "track_activation_threshold": 0.7}),
    ("supervision", {"track_activation_threshold": 0.7, "version": "0.30.9"}),
    ("supervision", {"track_activation_threshold": 0.7, "version": "0.27.0.post1"}),
], ids=["trackers", "sv-0.30.9", "sv-0.27.0.post1"])
def test_input_dtype_decides_like_the_reference(engine, params):
    frames = threshold_scene(0.7, seed=5)
    as64 = [(x.astype(np.float64), s.astype(np.float64), c) for x, s, c in frames]
    mst = MultiStreamTracker(engine=engine, **params)
    got32 = [mst.update(1, *f) for f in frames]
    got64 = [mst.update(2, *f) for f in as64]
    assert_stream_matches(got32, frames, engine, params, "float32")
    assert_stream_matches(got64, as64, engine, params, "float64")
    # Same values, different dtype, different tracking: the dtype really is passed on.
    assert any(len(a) != len(b) or not np.array_equal(a.det_index, b.det_index) for a, b in zip(got32, got64))


# ---------------------------------------------------------------- state, ids, errors

@pytest.mark.parametrize("engine,params", CONFIGS, ids=CONFIG_IDS)
def test_pickle_and_deepcopy_continue_exactly(engine, params):
    frames = {sid: [stream_input(k, f) for f in sequences()[name][:120]]
              for k, (sid, name) in enumerate(zip(STREAM_IDS[:4], SEQUENCE_NAMES[:4]))}
    mst = MultiStreamTracker(engine=engine, threads=2, **params)
    for t in range(60):
        mst.update_batch({sid: f[t] for sid, f in frames.items()})
    copies = [pickle.loads(pickle.dumps(mst)), copy.deepcopy(mst)]
    assert all(c.engine == engine and c.engine_params == params for c in copies)
    for t in range(60, 120):
        want = mst.update_batch({sid: f[t] for sid, f in frames.items()})
        for c in copies:
            got = c.update_batch({sid: f[t] for sid, f in frames.items()})
            for sid in frames:
                assert np.array_equal(got[sid].track_id, want[sid].track_id)
                assert np.array_equal(got[sid].det_index, want[sid].det_index)
    assert all(c.id_counter.next_id == mst.id_counter.next_id for c in copies)


def test_compat_engines_share_a_counter_with_bytetrack_streams():
    counter = IdCounter(start=0)
    contexts = [MultiStreamTracker(engine=e, id_counter=counter) for e in ("bytetrack", "supervision", "trackers")]
    frames = sequences()[SEQUENCE_NAMES[1]][:150]
    seen = {}
    for t, f in enumerate(frames):
        for k, mst in enumerate(contexts):
            for tid in mst.update(3, *f).track_id.tolist():
                if tid != -1:
                    assert seen.setdefault(tid, k) == k, f"id {tid} given by contexts {seen[tid]} and {k}"
    assert len({k for k in seen.values()}) == 3 and min(seen) >= 0


@pytest.mark.parametrize("engine", ["supervision", "trackers"])
def test_compat_engines_refuse_negative_ids(engine):
    with pytest.raises(ValueError, match="must be >= 0"):
        MultiStreamTracker(engine=engine, id_counter=IdCounter(start=-3))
    MultiStreamTracker(engine="bytetrack", id_counter=IdCounter(start=-3))  # -1 means nothing there


def test_engine_parameters_are_checked():
    with pytest.raises(TypeError, match="'track_thresh' for engine 'supervision'"):
        MultiStreamTracker(engine="supervision", track_thresh=0.5)
    with pytest.raises(TypeError, match="'preset' for engine 'trackers'"):
        MultiStreamTracker(engine="trackers", preset="ifzhang")
    with pytest.raises(ValueError, match="track_activation_threshold must be in"):
        MultiStreamTracker(engine="supervision", track_activation_threshold=1.5)
    with pytest.raises(ValueError, match="version"):
        MultiStreamTracker(engine="supervision", version="0.26")
    with pytest.raises(ValueError, match="lost_track_buffer"):
        MultiStreamTracker(engine="trackers", lost_track_buffer=-1)
    with pytest.raises(ValueError, match="frame_rate"):
        MultiStreamTracker(engine="trackers", frame_rate=float("nan"))
    with pytest.raises(ValueError, match="unknown engine 'sort'"):
        MultiStreamTracker(engine="sort")
    mst = MultiStreamTracker(engine="trackers", version="2.2.0", minimum_iou_threshold=0.2)
    assert "engine='trackers'" in repr(mst) and "minimum_iou_threshold=0.2" in repr(mst)


def test_invalid_rows_follow_each_engine():
    good = (np.array([[10.0, 10.0, 50.0, 80.0]]), np.array([0.9]))
    bad = (np.array([[10.0, 10.0, 50.0, 80.0], [np.nan, 1.0, 2.0, 3.0]]), np.array([0.9, 0.8]))
    # supervision 0.30.9 drops rows it cannot track, as supervision does.
    mst = MultiStreamTracker(engine="supervision")
    mst.update(1, *good)
    assert mst.update(1, *bad).det_index.tolist() == [0]
    # supervision 0.27 and trackers refuse them, naming the stream, and change nothing.
    for engine, params in [("supervision", {"version": "0.27.0.post1"}), ("trackers", {})]:
        mst = MultiStreamTracker(engine=engine, **params)
        mst.update(1, *good)
        with pytest.raises(ValueError, match="stream 2: xyxy"):
            mst.update_batch({1: good, 2: bad})
        assert mst.stream_ids == [1] and mst.frame_id(1) == 1


def test_dense_supervision_streams_equal_isolated_trackers():
    """More than 512 track slots: the core tracker re-lays its pool out every 16 frames, also on
    frames where tracks take ids, which the context then renames (see test_multi_stream)."""
    frames = {sid: [(f[0].astype(np.float32), f[1].astype(np.float32), f[2])
                    for f in bytetrack_cpp.generate_scene(num_frames=40, objects_per_frame=600.0, seed=seed)]
              for sid, seed in [(5, 21), (6, 22)]}
    params = {"minimum_consecutive_frames": 2}
    mst = MultiStreamTracker(engine="supervision", threads=2, **params)
    out = {sid: [] for sid in frames}
    for t in range(40):
        for sid, tracks in mst.update_batch({sid: f[t] for sid, f in frames.items()}).items():
            out[sid].append(tracks)
    owner = {}
    for sid in frames:
        renaming = assert_stream_matches(out[sid], frames[sid], "supervision", params, f"dense stream {sid}")
        assert len(renaming) > 512
        for our_id in renaming.values():
            assert owner.setdefault(our_id, sid) == sid


def test_tracked_detections_with_the_bytetrack_engine():
    """Confirmed tracks always name the detection they matched this frame, so every frame converts."""
    mst = MultiStreamTracker(engine="bytetrack", threads=2)
    rows = 0
    for xyxy, scores, classes in sequences()[SEQUENCE_NAMES[2]][:300]:
        det = sv.Detections(xyxy=xyxy, confidence=scores, class_id=classes)
        tracks = mst.update_batch({4: (xyxy, scores, classes)})[4]
        tracked = bytetrack_cpp.tracked_detections(det, tracks)
        assert np.array_equal(tracked.tracker_id, tracks.track_id)
        assert np.array_equal(tracked.xyxy, xyxy[tracks.det_index]) and np.array_equal(tracked.class_id, tracks.class_id)
        rows += len(tracked)
    assert rows > 1000
