"""Issue 5: tracker state save/restore (pickle, copy.deepcopy).

A tracker restored mid-sequence must continue exactly like the uninterrupted one:
same ids, boxes and scores to the last bit, same det_index and class ids.
"""

import copy
import pickle

import numpy as np
import pytest

import bytetrack_cpp
from refdata import load_input
from state_helpers import as_tuple, restore_by

# (input, flavour) x presets; two MOT17 sequences and the palace video.
SEQUENCES = ["palace-yolox", "mot-MOT17-04-FRCNN", "mot-MOT17-09-FRCNN"]
PRESETS = {"ifzhang": "python", "ifzhang-cpp": "cpp", "ifzhang-cpp-2021": "cpp"}
CUT_FRACTIONS = (0.05, 0.2, 0.45, 0.7, 0.95)






@pytest.mark.parametrize("preset", sorted(PRESETS))
@pytest.mark.parametrize("name", SEQUENCES)
def test_restored_tracker_continues_identically(name, preset):
    seq = load_input(name, PRESETS[preset])
    n = len(seq)
    cuts = sorted({max(1, int(n * f)) for f in CUT_FRACTIONS})
    assert len(cuts) == 5
    tracker = bytetrack_cpp.BYTETracker(frame_rate=seq.fps, preset=preset)
    expected, states = [], {}
    for k, (xyxy, scores, classes) in enumerate(seq.frames):
        if k in cuts:
            states[k] = tracker.__getstate__()
        expected.append(as_tuple(tracker.update(xyxy, scores, classes)))
    assert sum(len(np.frombuffer(e[0], dtype=np.int64)) for e in expected) > 0

    original = bytetrack_cpp.BYTETracker(frame_rate=seq.fps, preset=preset)
    for k in range(cuts[-1]):
        original.update(*seq.frames[k])
        if k + 1 in cuts:
            how = ("pickle", "deepcopy", "copy")[cuts.index(k + 1) % 3]
            restored = restore_by(how, original)
            assert restored.__getstate__() == states[k + 1], f"{how} at frame {k + 1}: state differs"
            assert restored.frame_id == k + 1
            assert restored.id_counter.next_id == original.id_counter.next_id
            for j in range(k + 1, n):
                got = as_tuple(restored.update(*seq.frames[j]))
                assert got == expected[j], f"{name} {preset}: restored at {k + 1} ({how}) differs at frame {j}"


def test_restored_tracker_is_independent():
    frames = bytetrack_cpp.generate_scene(60, 15, seed=3)
    a = bytetrack_cpp.BYTETracker()
    for f in frames[:30]:
        a.update(*f[:3])
    b = copy.deepcopy(a)
    state = a.__getstate__()
    for f in frames[30:]:
        b.update(*f[:3])
    assert a.__getstate__() == state  # the copy shares nothing with the original
    assert a.id_counter is not b.id_counter


def test_shared_id_counter_is_not_pickled_as_shared():
    """Documented: a restored tracker gets its own counter, continuing at the saved position
    (start kept); the original shared counter is not touched."""
    shared = bytetrack_cpp.IdCounter(100)
    a = bytetrack_cpp.BYTETracker(id_counter=shared)
    other = bytetrack_cpp.BYTETracker(id_counter=shared)
    frames = bytetrack_cpp.generate_scene(20, 10, seed=1)
    for f in frames[:10]:
        a.update(*f[:3])
        other.update(*f[:3])
    position = shared.next_id
    b = pickle.loads(pickle.dumps(a))
    assert b.id_counter is not shared
    assert b.id_counter.start == 100 and b.id_counter.next_id == position
    for f in frames[10:]:
        out_a, out_b = a.update(*f[:3]), b.update(*f[:3])
        # Same associations; new ids differ only because `a` shares its counter.
        assert len(out_a) == len(out_b)
    assert shared.next_id >= position
    # The restored counter is its own: reset restarts it at the saved start.
    b.reset()
    assert b.id_counter.next_id == 100 and b.frame_id == 0


def test_owned_counter_restarts_after_restore_and_reset():
    frames = bytetrack_cpp.generate_scene(30, 10, seed=2)
    a = bytetrack_cpp.BYTETracker()
    for f in frames:
        a.update(*f[:3])
    b = pickle.loads(pickle.dumps(a))
    b.reset()
    fresh = bytetrack_cpp.BYTETracker()
    for f in frames:
        assert as_tuple(b.update(*f[:3])) == as_tuple(fresh.update(*f[:3]))


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_every_pickle_protocol(protocol):
    frames = bytetrack_cpp.generate_scene(20, 8, seed=4)
    a = bytetrack_cpp.BYTETracker(track_thresh=0.4, track_buffer=12, match_thresh=0.7, frame_rate=25, mot20=True,
                                  preset="ifzhang-cpp")
    for f in frames[:10]:
        a.update(*f[:3])
    b = pickle.loads(pickle.dumps(a, protocol=protocol))
    assert repr(b) == repr(a)
    assert (b.track_thresh, b.track_buffer, b.match_thresh, b.frame_rate, b.mot20, b.preset) == (
        0.4, 12, 0.7, 25.0, True, "ifzhang-cpp")
    for f in frames[10:]:
        assert as_tuple(a.update(*f[:3])) == as_tuple(b.update(*f[:3]))


def test_fresh_tracker_round_trips():
    a = bytetrack_cpp.BYTETracker()
    b = pickle.loads(pickle.dumps(a))
    assert b.frame_id == 0 and b.__getstate__() == a.__getstate__()


def _blank():
    return bytetrack_cpp.BYTETracker.__new__(bytetrack_cpp.BYTETracker)


def test_incompatible_version_is_rejected():
    state = bytearray(bytetrack_cpp.BYTETracker().__getstate__())
    assert bytes(state[:4]) == b"BTCS"
    assert int.from_bytes(state[4:8], "little") == bytetrack_cpp.STATE_FORMAT_VERSION
    state[4:8] = (bytetrack_cpp.STATE_FORMAT_VERSION + 1).to_bytes(4, "little")
    with pytest.raises(ValueError, match=r"state format version 2 is not supported.*reads version 1"):
        _blank().__setstate__(bytes(state))


@pytest.mark.parametrize("blob, message", [
    (b"", "bad magic"),
    (b"PK\x03\x04 not a tracker", "bad magic"),
    (b"BTCS", "truncated"),
])
def test_malformed_state_is_rejected(blob, message):
    with pytest.raises(ValueError, match=message):
        _blank().__setstate__(blob)


def test_truncated_and_padded_states_are_rejected():
    a = bytetrack_cpp.BYTETracker()
    for f in bytetrack_cpp.generate_scene(20, 10, seed=5):
        a.update(*f[:3])
    state = a.__getstate__()
    for cut in (5, 9, 20, len(state) // 2, len(state) - 1):
        with pytest.raises(ValueError, match="state: "):
            _blank().__setstate__(state[:cut])
    with pytest.raises(ValueError, match="trailing bytes"):
        _blank().__setstate__(state + b"\0")


def test_state_must_be_bytes():
    with pytest.raises(TypeError, match="state must be bytes"):
        _blank().__setstate__("BTCS")


# ------------------------------------------------------------------ sv-compat ByteTrack

@pytest.mark.parametrize("version", ["0.30.9", "0.27.0.post1"])
@pytest.mark.parametrize("name", SEQUENCES)
def test_restored_sv_bytetrack_continues_identically(name, version):
    sv = pytest.importorskip("supervision")
    seq = load_input(name, "sv")
    n = len(seq)
    cuts = sorted({max(1, int(n * f)) for f in CUT_FRACTIONS})

    def detections(k):
        xyxy, scores, classes = seq.frames[k]
        return sv.Detections(xyxy=xyxy, confidence=scores, class_id=classes)

    def key(d):
        return (np.asarray(d.tracker_id).tobytes(), d.xyxy.tobytes(), np.asarray(d.confidence).tobytes())

    tracker = bytetrack_cpp.ByteTrack(frame_rate=seq.fps, version=version)
    expected, copies = [], {}
    for k in range(n):
        if k in cuts:
            how = ("pickle", "deepcopy", "copy")[cuts.index(k) % 3]
            copies[k] = restore_by(how, tracker)
        expected.append(key(tracker.update_with_detections(detections(k))))
    assert any(len(np.frombuffer(e[0], dtype=np.int64)) for e in expected)
    for k, restored in copies.items():
        assert restored.frame_id == k
        for j in range(k, n):
            assert key(restored.update_with_detections(detections(j))) == expected[j], (
                f"{name} {version}: restored at {k} differs at frame {j}")


# ------------------------------------------------------------------ other classes

def test_id_counter_pickles_its_position():
    c = bytetrack_cpp.IdCounter(50)
    bytetrack_cpp.BYTETracker(id_counter=c).update(np.array([[0.0, 0.0, 10.0, 20.0]]), np.array([0.9]))
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        d = pickle.loads(pickle.dumps(c, protocol=protocol))
        assert (d.start, d.next_id) == (50, 51) and d is not c
    assert copy.deepcopy(c).next_id == 51


@pytest.mark.parametrize("make", [
    lambda: bytetrack_cpp.SceneGenerator(),
    lambda: bytetrack_cpp.BYTETracker().update(np.empty((0, 4)), np.empty(0)),
], ids=["SceneGenerator", "Tracks"])
def test_classes_without_state_support_refuse_pickling(make):
    """A TypeError for every protocol (protocols 0 and 1 used to terminate the process)."""
    obj = make()
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        with pytest.raises(TypeError, match="cannot pickle"):
            pickle.dumps(obj, protocol=protocol)
    with pytest.raises(TypeError, match="cannot pickle"):
        copy.deepcopy(obj)
