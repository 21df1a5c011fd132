"""Issue 5: state save/restore of the roboflow-trackers compatible ByteTrackTracker.

A tracker restored mid-sequence (pickle, copy.deepcopy, copy.copy) must continue
exactly like the uninterrupted one: every field of every output Detections, and the
complete engine state (Kalman state in float32 or float64 to the last bit, counters,
next id, timestamp anchor) at the end of the sequence.
"""

import copy
import pickle
import warnings

import numpy as np
import pytest

import bytetrack_cpp
from bytetrack_cpp import ByteTrackTracker
from refdata import load_input
from state_helpers import restore_by

sv = pytest.importorskip("supervision")

SEQUENCES = ["palace-yolox", "mot-MOT17-04-FRCNN", "mot-MOT17-09-FRCNN"]
VERSIONS = ["2.6.1", "2.2.0"]
CUT_FRACTIONS = (0.05, 0.2, 0.45, 0.7, 0.95)




def detections(frame):
    """As the references were fed: float32 xyxy, float64 confidence, a det_index data field."""
    xyxy, confidence, class_id = frame
    if len(xyxy) == 0:
        return sv.Detections.empty()
    return sv.Detections(xyxy=xyxy, confidence=confidence, class_id=class_id,
                         data={"det_index": np.arange(len(xyxy))})


def key(d):
    """Every field of an output Detections, as exact bytes."""
    return (np.asarray(d.tracker_id).tobytes(), d.xyxy.dtype.str, d.xyxy.tobytes(),
            None if d.confidence is None else d.confidence.tobytes(),
            None if d.class_id is None else d.class_id.tobytes(),
            tuple((k, np.asarray(v).tobytes()) for k, v in sorted(d.data.items())),
            tuple(sorted(d.metadata.items())))


def cuts_for(n):
    cuts = sorted({max(1, int(n * f)) for f in CUT_FRACTIONS})
    assert len(cuts) == 5
    return cuts


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("name", SEQUENCES)
def test_restored_tracker_continues_identically(name, version):
    seq = load_input(name, "trackers")
    n = len(seq)
    cuts = cuts_for(n)
    tracker = ByteTrackTracker(frame_rate=seq.fps, version=version)
    expected, copies, states = [], {}, {}
    for k in range(n):
        if k in cuts:
            how = ("pickle", "deepcopy", "copy")[cuts.index(k) % 3]
            states[k] = tracker.__getstate__()[0]
            copies[k] = restore_by(how, tracker)
        expected.append(key(tracker.update(detections(seq.frames[k]))))
    final_state = tracker.__getstate__()[0]
    assert sum(len(np.frombuffer(e[0], dtype=np.int64)) for e in expected) > 0
    for k, restored in copies.items():
        assert type(restored) is ByteTrackTracker and repr(restored) == repr(tracker)
        assert restored.__getstate__()[0] == states[k]
        for j in range(k, n):
            got = key(restored.update(detections(seq.frames[j])))
            assert got == expected[j], f"{name} {version}: restored at {k} differs at frame {j}"
        assert restored.__getstate__()[0] == final_state, f"{name} {version}: final state differs (cut {k})"
        assert restored.next_tracker_id == tracker.next_tracker_id


def _timestamps(n, seed):
    """Jittered 30 fps capture times with duplicates, gaps, backwards and NaN stamps
    and a few fixed-rate (None) calls."""
    rng = np.random.default_rng(seed)
    t, out = 100.0, []
    for _ in range(n):
        r = rng.random()
        if r < 0.04:
            out.append(t)  # duplicate
        elif r < 0.06:
            out.append(t - 0.02)  # backwards: skipped
        elif r < 0.07:
            out.append(float("nan"))  # non-finite: skipped
        elif r < 0.08:
            out.append(None)  # fixed-rate call: the anchor is dropped
        elif r < 0.13:
            t += rng.uniform(0.1, 0.6)  # gap
            out.append(t)
        else:
            t += 1 / 30 + rng.normal(0, 0.002)
            out.append(t)
    return out


@pytest.mark.parametrize("name", SEQUENCES)
def test_restored_tracker_continues_identically_with_timestamps(name):
    seq = load_input(name, "trackers")
    n = len(seq)
    stamps = _timestamps(n, 5)
    # Cuts right after a skipped update, a duplicate stamp and a fixed-rate call too.
    special = [next(k + 1 for k in range(10, n - 1) if stamps[k] is not None and stamps[k] != stamps[k]),
               next(k + 1 for k in range(10, n - 1) if stamps[k] is None),
               next(k + 1 for k in range(10, n - 1) if stamps[k] is not None and stamps[k] == stamps[k - 1])]
    cuts = sorted(set(cuts_for(n)) | set(special))

    def run(t, k):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = t.update(detections(seq.frames[k]), timestamp=stamps[k])
        return key(out), t.last_timestamp, t.last_update_skipped, t.last_timestamp_outcome

    tracker = ByteTrackTracker(frame_rate=seq.fps)
    expected, copies = [], {}
    for k in range(n):
        if k in cuts:
            copies[k] = (restore_by(("pickle", "deepcopy", "copy")[len(copies) % 3], tracker),
                         tracker.last_timestamp, tracker.last_update_skipped, tracker.last_timestamp_outcome)
        expected.append(run(tracker, k))
    outcomes = {e[3] for e in expected}
    assert {"bootstrap", "advanced", "duplicate", "backwards", "non_finite", "none"} <= outcomes
    final_state = tracker.__getstate__()[0]
    for k, (restored, anchor, skipped, outcome) in copies.items():
        assert (restored.last_timestamp, restored.last_update_skipped, restored.last_timestamp_outcome) == (
            anchor, skipped, outcome)
        for j in range(k, n):
            assert run(restored, j) == expected[j], f"{name}: restored at {k} differs at frame {j}"
        assert restored.__getstate__()[0] == final_state


def test_timestamp_warnings_continue_after_restore():
    """The backwards-timestamp warning quotes the anchor, which the copy must carry."""
    frames = bytetrack_cpp.generate_scene(10, 5, seed=1)
    t = ByteTrackTracker()
    t.update_arrays(frames[0][0], frames[0][1], 10.0)
    r = pickle.loads(pickle.dumps(t))
    assert r.last_timestamp == 10.0 and r.last_timestamp_outcome == "bootstrap"
    with pytest.warns(UserWarning, match="earlier than the previous timestamp 10.0"):
        r.update(sv.Detections(xyxy=frames[1][0], confidence=frames[1][1]), timestamp=9.0)
    assert r.last_update_skipped


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_every_protocol_keeps_the_configuration(version, protocol):
    frames = bytetrack_cpp.generate_scene(30, 8, seed=4)
    a = ByteTrackTracker(lost_track_buffer=12, frame_rate=25.0, track_activation_threshold=0.55,
                         minimum_consecutive_frames=3, minimum_iou_threshold=0.2, high_conf_det_threshold=0.5,
                         version=version)
    for f in frames[:15]:
        a.update_arrays(f[0].astype(np.float32), f[1])
    b = pickle.loads(pickle.dumps(a, protocol=protocol))
    assert repr(b) == repr(a) and b.version == version and b._v220 == (version == "2.2.0")
    assert (b.maximum_frames_without_update, b.num_tracks, b.next_tracker_id) == (
        a.maximum_frames_without_update, a.num_tracks, a.next_tracker_id)
    assert b._track_state() == a._track_state()
    for f in frames[15:]:
        ra, ia = a.update_arrays(f[0].astype(np.float32), f[1])
        rb, ib = b.update_arrays(f[0].astype(np.float32), f[1])
        assert ra.tolist() == rb.tolist() and ia.tolist() == ib.tolist()
    assert a.__getstate__() == b.__getstate__()


def test_float32_and_promoted_float64_states_round_trip_exactly():
    """2.2.0 keeps a track's Kalman state in float32 until a float64 box promotes it:
    both kinds must survive a round trip bit for bit."""
    frames = bytetrack_cpp.generate_scene(60, 10, seed=9)
    a = ByteTrackTracker(version="2.2.0")
    for k, f in enumerate(frames[:30]):
        a.update_arrays(f[0] if k % 7 == 3 else f[0].astype(np.float32), f[1])
    b = copy.deepcopy(a)
    for k, f in enumerate(frames[30:]):
        xyxy = f[0] if k % 5 == 0 else f[0].astype(np.float32)
        ra, ia = a.update_arrays(xyxy, f[1])
        rb, ib = b.update_arrays(xyxy, f[1])
        assert (ra.tolist(), ia.tolist()) == (rb.tolist(), ib.tolist())
        assert a._track_state() == b._track_state()


def test_copies_are_independent_and_keep_python_attributes():
    frames = bytetrack_cpp.generate_scene(40, 8, seed=2)
    a = ByteTrackTracker()
    a.note = {"camera": 3}
    for f in frames[:20]:
        a.update_arrays(*f[:2])
    state = a.__getstate__()
    b = copy.deepcopy(a)
    c = copy.copy(a)
    assert b.note == {"camera": 3} and b.note is not a.note
    assert c.note is a.note  # a shallow copy shares attribute values, never the engine
    for f in frames[20:]:
        b.update_arrays(*f[:2])
        c.update_arrays(*f[:2])
    assert a.__getstate__() == state


def test_reset_after_restore_restarts_ids():
    frames = bytetrack_cpp.generate_scene(30, 8, seed=3)
    a = ByteTrackTracker()
    for f in frames:
        a.update_arrays(*f[:2])
    b = pickle.loads(pickle.dumps(a))
    b.reset()
    fresh = ByteTrackTracker()
    for f in frames:
        rb, ib = b.update_arrays(*f[:2])
        rf, i_f = fresh.update_arrays(*f[:2])
        assert (rb.tolist(), ib.tolist()) == (rf.tolist(), i_f.tolist())


def test_the_core_class_pickles_too():
    core = bytetrack_cpp._core.TrackersByteTrackerCore(version="2.2.0", lost_track_buffer=7)
    frames = bytetrack_cpp.generate_scene(20, 8, seed=6)
    for f in frames[:10]:
        core.update_arrays(*f[:2])
    copied = pickle.loads(pickle.dumps(core))
    assert type(copied) is bytetrack_cpp._core.TrackersByteTrackerCore
    assert copied.version == "2.2.0" and copied.lost_track_buffer == 7
    assert copied.__getstate__() == core.__getstate__()


# ------------------------------------------------------------------ rejected states

def _live():
    t = ByteTrackTracker(version="2.2.0")
    for f in bytetrack_cpp.generate_scene(20, 8, seed=7):
        t.update_arrays(*f[:2])
    return t


def _blank():
    return ByteTrackTracker.__new__(ByteTrackTracker)


def test_other_version_is_rejected():
    blob, attrs = _live().__getstate__()
    bad = bytearray(blob)
    bad[4:8] = (bytetrack_cpp.STATE_FORMAT_VERSION + 1).to_bytes(4, "little")
    with pytest.raises(ValueError, match=r"state format version \d+ is not supported by this build"):
        _blank().__setstate__((bytes(bad), attrs))


def test_other_engines_state_is_rejected():
    blob = bytetrack_cpp.BYTETracker().__getstate__()
    with pytest.raises(ValueError, match="state of a BYTETracker cannot be loaded into a TrackersByteTracker"):
        _blank().__setstate__((blob, {}))
    with pytest.raises(ValueError, match="cannot be loaded into a BYTETracker"):
        bytetrack_cpp.BYTETracker.__new__(bytetrack_cpp.BYTETracker).__setstate__(_live().__getstate__()[0])


def test_corrupted_states_are_rejected():
    blob, attrs = _live().__getstate__()
    for cut in (0, 4, 9, 30, len(blob) // 2, len(blob) - 1):
        with pytest.raises(ValueError, match="state: "):
            _blank().__setstate__((blob[:cut], attrs))
    with pytest.raises(ValueError, match="trailing bytes"):
        _blank().__setstate__((blob + b"\0", attrs))
    # Every byte of the body flipped in turn: rejected with ValueError or, if it
    # still decodes, a tracker that works.
    frame = bytetrack_cpp.generate_scene(1, 5, seed=1)[0]
    rejected = 0
    for pos in range(8, len(blob)):
        bad = bytearray(blob)
        bad[pos] ^= 0xA5
        t = _blank()
        try:
            t.__setstate__((bytes(bad), attrs))
        except ValueError as e:
            assert str(e).startswith("state: ") or "must" in str(e)
            rejected += 1
            continue
        t.update_arrays(*frame[:2])
    assert rejected > 0


def test_state_structure_errors():
    with pytest.raises(TypeError, match="state must be a tuple"):
        _blank().__setstate__(b"BTCS")
    with pytest.raises(TypeError, match="state must be bytes"):
        _blank().__setstate__(("BTCS", {}))


def test_rejected_state_leaves_the_tracker_unchanged():
    t = _live()
    before = t.__getstate__()
    blank = _blank()
    with pytest.raises(ValueError):
        blank.__setstate__((before[0][:20], before[1]))
    # The rejected object is still blank (unusable), not half restored.
    with pytest.raises(TypeError):
        blank.update_arrays(np.zeros((0, 4)), np.zeros(0))
    # pybind11 ignores __setstate__ (like a second __init__) on a live object.
    t.__setstate__((before[0][:20], before[1]))
    assert t.__getstate__() == before
