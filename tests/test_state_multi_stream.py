"""Issue 5: state save/restore of MultiStreamTracker.

A context restored mid-run (pickle, copy.deepcopy, copy.copy) must continue exactly
like the uninterrupted one: the same streams (created, evicted), the same ids from
the shared counter, boxes, scores, class ids and det_index to the last bit.
"""

import copy
import pickle

import pytest

import bytetrack_cpp
from refdata import load_input
from state_helpers import as_tuple, restore_by

# Eight real streams (some end early and go idle, one starts late), at most 240 frames each.
STREAM_SOURCES = ["palace-yolox", "mot-MOT17-04-FRCNN", "mot-MOT17-09-FRCNN", "mot-MOT17-05-FRCNN",
                  "mot-TUD-Campus", "mot-KITTI-17", "mot-PETS09-S2L1", "mot-ETH-Sunnyday"]
MAX_FRAMES = 240
LATE_START = 30  # the last stream's first frame






@pytest.fixture(scope="module")
def streams():
    """{stream id: frames}; ids beyond 2**63 check the full 64-bit range."""
    out = {}
    for k, name in enumerate(STREAM_SOURCES):
        frames = load_input(name, "python").frames[:MAX_FRAMES]
        if k == len(STREAM_SOURCES) - 1:
            frames = [None] * LATE_START + frames[:MAX_FRAMES - LATE_START]
        out[2**63 + 17 * k if k % 2 else k] = frames
    return out


def batch_at(streams, b):
    return {sid: frames[b] for sid, frames in streams.items() if b < len(frames) and frames[b] is not None}


def snapshot(ctx):
    return (ctx.stream_ids, ctx.num_updates, ctx.id_counter.next_id, ctx.num_live_tracks,
            [ctx.frame_id(s) for s in ctx.stream_ids])


def test_restored_context_continues_identically_update_batch(streams):
    n = max(len(f) for f in streams.values())
    cuts = [1, 25, 31, 90, 170, 236]
    ctx = bytetrack_cpp.MultiStreamTracker(threads=2, max_idle_frames=3, track_thresh=0.45, frame_rate=25)
    expected, copies = [], {}
    for b in range(n):
        if b in cuts:
            copies[b] = (restore_by(("pickle", "deepcopy", "copy")[cuts.index(b) % 3], ctx), snapshot(ctx),
                         ctx.__getstate__())
        result = ctx.update_batch(batch_at(streams, b))
        expected.append(({sid: as_tuple(t) for sid, t in result.items()}, snapshot(ctx)))
    assert ctx.num_updates == n and ctx.id_counter.next_id > 200
    assert len(ctx) < len(streams)  # streams that ended were evicted
    final_state = ctx.__getstate__()
    for b, (restored, snap, state) in copies.items():
        assert snapshot(restored) == snap and restored.__getstate__() == state
        assert (restored.threads, restored.max_idle_frames, restored.engine, restored.engine_params) == (
            2, 3, "bytetrack", {"track_thresh": 0.45, "frame_rate": 25})
        assert repr(restored) == repr(copies[b][0])
        for j in range(b, n):
            result = restored.update_batch(batch_at(streams, j))
            got = ({sid: as_tuple(t) for sid, t in result.items()}, snapshot(restored))
            assert got == expected[j], f"restored at batch {b} differs at batch {j}"
        assert restored.__getstate__() == final_state


def test_restored_context_continues_identically_update(streams):
    """One update() per stream and frame, round robin; cuts fall mid-round too."""
    n = max(len(f) for f in streams.values())
    calls = [(sid, b) for b in range(n) for sid in streams if b < len(streams[sid]) and streams[sid][b] is not None]
    cuts = [3, 250, 401, 777, 1200, len(calls) - 5]
    ctx = bytetrack_cpp.MultiStreamTracker(max_idle_frames=20, preset="ifzhang-cpp")
    expected, copies = [], {}
    for c, (sid, b) in enumerate(calls):
        if c in cuts:
            copies[c] = restore_by(("pickle", "deepcopy", "copy")[cuts.index(c) % 3], ctx)
        expected.append((as_tuple(ctx.update(sid, *streams[sid][b])), ctx.num_updates, ctx.id_counter.next_id))
    assert len(ctx) < len(streams)
    final_state = ctx.__getstate__()
    for c, restored in copies.items():
        for j in range(c, len(calls)):
            sid, b = calls[j]
            got = (as_tuple(restored.update(sid, *streams[sid][b])), restored.num_updates,
                   restored.id_counter.next_id)
            assert got == expected[j], f"restored at call {c} differs at call {j}"
        assert restored.__getstate__() == final_state


def test_copies_are_independent():
    frames = bytetrack_cpp.generate_scene(40, 10, seed=3)
    a = bytetrack_cpp.MultiStreamTracker()
    for f in frames[:20]:
        a.update_batch({1: f[:3], 2: f[:2]})
    state = a.__getstate__()
    b = copy.deepcopy(a)
    c = copy.copy(a)
    assert b.id_counter is not a.id_counter and c.id_counter is not a.id_counter
    for f in frames[20:]:
        b.update_batch({1: f[:3], 2: f[:2], 3: f[:2]})
        c.update(5, *f[:2])
    assert a.__getstate__() == state


def test_shared_id_counter_is_not_pickled_as_shared():
    """Documented: the restored context gets its own counter with the same start,
    continuing at the saved position; the shared counter is not touched; reset()
    of the restored context restarts its own counter."""
    shared = bytetrack_cpp.IdCounter(500)
    ctx = bytetrack_cpp.MultiStreamTracker(id_counter=shared)
    other = bytetrack_cpp.BYTETracker(id_counter=shared)
    frames = bytetrack_cpp.generate_scene(30, 10, seed=1)
    for f in frames[:15]:
        ctx.update_batch({7: f[:2], 8: f[:2]})
        other.update(*f[:3])
    position = shared.next_id
    restored = pickle.loads(pickle.dumps(ctx))
    assert restored.id_counter is not shared
    assert (restored.id_counter.start, restored.id_counter.next_id) == (500, position)
    twin = pickle.loads(pickle.dumps(ctx))
    for f in frames[15:]:
        r = restored.update_batch({7: f[:2], 8: f[:2]})
        t = twin.update_batch({7: f[:2], 8: f[:2]})
        assert all(as_tuple(r[k]) == as_tuple(t[k]) for k in r)  # both continue from the saved position
    assert shared.next_id == position  # untouched by the copies
    restored.reset()
    assert restored.id_counter.next_id == 500 and len(restored) == 0 and restored.num_updates == 0
    ctx.reset()
    assert shared.next_id == position  # a shared counter is never reset


def test_empty_and_default_contexts_round_trip():
    for ctx in (bytetrack_cpp.MultiStreamTracker(),
                bytetrack_cpp.MultiStreamTracker(threads=3, max_idle_frames=0, mot20=True, track_buffer=5)):
        for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
            copied = pickle.loads(pickle.dumps(ctx, protocol=protocol))
            assert repr(copied) == repr(ctx) and copied.__getstate__() == ctx.__getstate__()


# ------------------------------------------------------------------ rejected states

def _live():
    ctx = bytetrack_cpp.MultiStreamTracker(track_thresh=0.6)
    for f in bytetrack_cpp.generate_scene(20, 8, seed=7):
        ctx.update_batch({1: f[:2], 2: f[:3]})
    return ctx


def _blank():
    return bytetrack_cpp.MultiStreamTracker.__new__(bytetrack_cpp.MultiStreamTracker)


def test_other_version_is_rejected():
    blob, params = _live().__getstate__()
    bad = bytearray(blob)
    bad[4:8] = (bytetrack_cpp.STATE_FORMAT_VERSION + 1).to_bytes(4, "little")
    with pytest.raises(ValueError, match=r"state format version \d+ is not supported by this build .*reads version"):
        _blank().__setstate__((bytes(bad), params))


def test_other_engines_state_is_rejected():
    with pytest.raises(ValueError, match="state of a BYTETracker cannot be loaded into a MultiStreamTracker"):
        _blank().__setstate__((bytetrack_cpp.BYTETracker().__getstate__(), {}))


def test_engine_params_must_match_the_state():
    blob, params = _live().__getstate__()
    assert params == {"track_thresh": 0.6}
    with pytest.raises(ValueError, match="engine parameters do not match"):
        _blank().__setstate__((blob, {}))
    with pytest.raises(TypeError, match="unexpected keyword argument 'nonsense'"):
        _blank().__setstate__((blob, {"nonsense": 1}))


def test_state_structure_errors():
    blob, params = _live().__getstate__()
    for bad in (blob, (blob,), (blob, params, 1), [blob, params], (blob, [])):
        with pytest.raises(TypeError, match="state must be a tuple"):
            _blank().__setstate__(bad)
    with pytest.raises(TypeError, match="state must be bytes"):
        _blank().__setstate__((bytearray(blob), params))


def test_corrupted_states_are_rejected():
    blob, params = _live().__getstate__()
    for cut in (0, 4, 9, 40, len(blob) // 2, len(blob) - 1):
        with pytest.raises(ValueError, match="state: "):
            _blank().__setstate__((blob[:cut], params))
    with pytest.raises(ValueError, match="trailing bytes"):
        _blank().__setstate__((blob + b"\0", params))
    # Flipped bytes: rejected with ValueError or, if it still decodes, a context that works.
    frame = bytetrack_cpp.generate_scene(1, 5, seed=1)[0]
    rejected = 0
    for pos in range(8, len(blob), 3):
        bad = bytearray(blob)
        bad[pos] ^= 0x5A
        ctx = _blank()
        try:
            ctx.__setstate__((bytes(bad), params))
        except ValueError:
            rejected += 1
            continue
        ctx.update_batch({1: frame[:2], 2: frame[:2], 3: frame[:2]})
    assert rejected > 0


def test_rejected_state_leaves_the_context_unchanged():
    ctx = _live()
    before = ctx.__getstate__()
    with pytest.raises(ValueError):
        _blank().__setstate__((before[0][:-3], before[1]))
    ctx.__setstate__((before[0][:-3], before[1]))  # ignored on a live object (pybind11)
    assert ctx.__getstate__() == before


def test_pickling_while_other_threads_update():
    """Saving locks every stream: with updates running on other threads it neither
    deadlocks nor tears a stream's state, and every snapshot restores and runs."""
    import threading

    frames = bytetrack_cpp.generate_scene(150, 12, seed=11)
    ctx = bytetrack_cpp.MultiStreamTracker(threads=2, max_idle_frames=50)
    errors = []

    def drive(first):
        try:
            for k, f in enumerate(frames):
                if k % 2:
                    ctx.update(first, *f[:3])
                else:
                    ctx.update_batch({first + 1: f[:2], first + 2: f[:2]})
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    workers = [threading.Thread(target=drive, args=(100 * i,)) for i in range(3)]
    for w in workers:
        w.start()
    snapshots = []
    while any(w.is_alive() for w in workers):
        snapshots.append(pickle.dumps(ctx))
    for w in workers:
        w.join()
    assert not errors
    snapshots.append(pickle.dumps(ctx))
    for blob in snapshots[:: max(1, len(snapshots) // 20)] + snapshots[-1:]:
        restored = pickle.loads(blob)
        for sid in restored.stream_ids:
            restored.update(sid, *frames[0][:3])
    final = pickle.loads(snapshots[-1])
    assert final.__getstate__() == ctx.__getstate__()
