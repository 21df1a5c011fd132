"""The per-frame methods are plain CPython fastcall methods and Tracks is a plain CPython type
(issue 6: per-call overhead). These tests pin what a pybind11 binding gave for free: keyword
arguments, call errors, signatures, guarded uninitialised objects, and the same results for every
input encoding through update and update_batch."""

from __future__ import annotations

import inspect
import pickle

import numpy as np
import pytest

import bytetrack_cpp
from bytetrack_cpp import BYTETracker, MultiStreamTracker, Tracks, generate_scene

FRAMES = [f[:3] for f in generate_scene(60, 12, seed=11)]  # (xyxy, scores, class_ids)


def rows(out):
    return (out.track_id.tolist(), out.xyxy.tobytes(), out.score.tobytes(), out.class_id.tolist(),
            out.det_index.tolist())


def run(update, frames, encode):
    return [rows(update(*encode(f))) for f in frames]


def test_keyword_and_positional_calls_agree():
    base = run(BYTETracker().update, FRAMES, lambda f: (f[0], f[1], f[2]))
    t = BYTETracker()
    assert [rows(t.update(scores=f[1], class_ids=f[2], xyxy=f[0])) for f in FRAMES] == base
    t = BYTETracker()
    assert [rows(t.update(f[0], f[1], class_ids=f[2])) for f in FRAMES] == base


@pytest.mark.parametrize("call, message", [
    (lambda u: u(), "missing required argument 'xyxy'"),
    (lambda u: u(np.zeros((0, 4))), "missing required argument 'scores'"),
    (lambda u: u(np.zeros((0, 4)), np.zeros(0), None, None), "at most 3 arguments"),
    (lambda u: u(np.zeros((0, 4)), np.zeros(0), boxes=None), "unexpected keyword argument 'boxes'"),
    (lambda u: u(np.zeros((0, 4)), np.zeros(0), scores=np.zeros(0)), "multiple values for argument 'scores'"),
])
def test_bad_calls_raise_type_error_and_change_nothing(call, message):
    t = BYTETracker()
    t.update(np.array([[0.0, 0.0, 10.0, 20.0]]), np.array([0.9]))
    with pytest.raises(TypeError, match=message):
        call(t.update)
    assert t.frame_id == 1


def test_multistream_call_errors():
    m = MultiStreamTracker()
    with pytest.raises(TypeError, match="missing required argument 'scores'"):
        m.update(1, np.zeros((0, 4)))
    with pytest.raises(TypeError, match="unexpected keyword argument 'stream'"):
        m.update(stream=1, xyxy=np.zeros((0, 4)), scores=np.zeros(0))
    with pytest.raises(TypeError, match="missing required argument 'batch'"):
        m.update_batch()
    with pytest.raises(TypeError, match="at most 1 arguments"):
        m.update_batch({}, {})
    assert m.stream_ids == [] and m.num_updates == 0
    assert len(m.update(xyxy=np.zeros((0, 4)), scores=np.zeros(0), stream_id=3)) == 0
    assert m.update_batch(batch={}) == {}
    assert m.stream_ids == [3]


def test_signatures_match_the_stub():
    assert str(inspect.signature(BYTETracker.update)) == "(self, /, xyxy, scores, class_ids=None)"
    assert str(inspect.signature(MultiStreamTracker.update)) == "(self, /, stream_id, xyxy, scores, class_ids=None)"
    assert str(inspect.signature(MultiStreamTracker.update_batch)) == "(self, /, batch)"
    assert "Advance one frame" in BYTETracker.update.__doc__


@pytest.mark.parametrize("call", [
    lambda: BYTETracker.__new__(BYTETracker).update(np.zeros((0, 4)), np.zeros(0)),
    lambda: MultiStreamTracker.__new__(MultiStreamTracker).update(0, np.zeros((0, 4)), np.zeros(0)),
    lambda: MultiStreamTracker.__new__(MultiStreamTracker).update_batch({}),
])
def test_uninitialised_objects_raise_instead_of_crashing(call):
    with pytest.raises(TypeError, match="not initialized"):
        call()


def test_methods_refuse_other_types():
    with pytest.raises(TypeError):
        BYTETracker.update(MultiStreamTracker(), np.zeros((0, 4)), np.zeros(0))


# ------------------------------------------------------------------ Tracks

def test_tracks_object():
    t = BYTETracker()
    t.update(FRAMES[0][0], FRAMES[0][1])
    out = t.update(FRAMES[1][0], FRAMES[1][1], FRAMES[1][2])
    assert isinstance(out, Tracks) and len(out) > 0
    assert out.xyxy is out.xyxy and out.track_id is out.track_id  # built once, then kept
    assert out.track_id.dtype == np.int64 and out.xyxy.dtype == np.float64 and out.xyxy.shape == (len(out), 4)
    assert out.score.dtype == np.float64 and out.class_id.dtype == np.int64 and out.det_index.dtype == np.int64
    assert repr(out) == f"Tracks(n={len(out)}, track_id={out.track_id!r})"
    out.xyxy[0, 0] = -1.0  # columns are ordinary writable arrays owned by the caller
    assert out.xyxy[0, 0] == -1.0
    empty = BYTETracker().update(np.zeros((0, 4)), np.zeros(0))
    assert len(empty) == 0 and empty.xyxy.shape == (0, 4) and empty.track_id.shape == (0,)
    with pytest.raises(TypeError, match="cannot be constructed"):
        Tracks()
    with pytest.raises(AttributeError):
        out.track_id = None
    with pytest.raises(TypeError, match="cannot pickle"):
        pickle.dumps(out)


def test_tracks_columns_outlive_their_tracks_object():
    t = BYTETracker()
    t.update(FRAMES[0][0], FRAMES[0][1])
    out = t.update(FRAMES[1][0], FRAMES[1][1])
    ids, boxes = out.track_id, out.xyxy
    want = (ids.tolist(), boxes.tobytes())
    del out
    for f in FRAMES[2:10]:
        t.update(f[0], f[1])
    assert (ids.tolist(), boxes.tobytes()) == want


# ------------------------------------------------------------------ input encodings

ENCODINGS = {
    "float64": lambda x, s, c: (x, s, c),
    "float32": lambda x, s, c: (x.astype(np.float32), s.astype(np.float32), c),
    "strided": lambda x, s, c: (np.hstack([x, x])[:, :4], np.repeat(s, 2)[::2], np.repeat(c, 2)[::2]),
    "fortran": lambda x, s, c: (np.asfortranarray(x), s, c),
    "lists": lambda x, s, c: (x.tolist(), s.tolist(), c.tolist()),
    "int32 classes": lambda x, s, c: (x, s, c.astype(np.int32)),
}


@pytest.mark.parametrize("name", list(ENCODINGS))
def test_every_encoding_gives_the_same_result_through_every_entry_point(name):
    enc = ENCODINGS[name]
    # float32 rounds the values: its reference is float64 input holding the rounded values.
    ref_frames = [(x.astype(np.float32).astype(np.float64), s.astype(np.float32).astype(np.float64), c)
                  for x, s, c in FRAMES] if name == "float32" else FRAMES
    want = run(BYTETracker().update, ref_frames, lambda f: f)
    assert run(BYTETracker().update, FRAMES, lambda f: enc(*f)) == want
    m = MultiStreamTracker()
    assert [rows(m.update(7, *enc(*f))) for f in FRAMES] == want
    for threads in (1, 2):
        m = MultiStreamTracker(threads=threads)
        got = {0: [], 1: []}
        for f in FRAMES:
            out = m.update_batch({0: enc(*f), 1: list(enc(*f))})  # tuple and list entries
            for k in got:
                got[k].append(out[k])
        # Stream 0 numbers its births before stream 1 in every frame, so ids differ; boxes do not.
        for k in got:
            assert [r[1:] for r in map(rows, got[k])] == [w[1:] for w in want]


def test_batch_entries_mixing_fast_and_general_paths():
    """Entries the zero-copy path takes and entries it does not, in one batch, keep their order."""
    m = MultiStreamTracker(threads=2)
    loop = MultiStreamTracker()
    encs = list(ENCODINGS.values())
    for i, f in enumerate(FRAMES):
        batch = {sid: encs[(sid + i) % len(encs)](*f) for sid in range(12)}
        got = m.update_batch(batch)
        assert list(got) == list(batch)
        for sid in batch:
            assert rows(got[sid]) == rows(loop.update(sid, *batch[sid]))


def test_batch_keeps_its_arrays_alive():
    """A batch built on the fly (no other references) is safe while the GIL is released."""
    m = MultiStreamTracker(threads=2)
    ref = MultiStreamTracker()
    for f in FRAMES:
        got = m.update_batch({sid: (f[0].copy(), f[1].astype(np.float32)) for sid in range(8)})
        for sid in range(8):
            want = ref.update(sid, f[0], f[1].astype(np.float32))
            assert rows(got[sid]) == rows(want)


def test_module_exports_tracks():
    assert bytetrack_cpp.Tracks is Tracks
    assert Tracks.__module__ == "bytetrack_cpp._core"
