"""Issue 4: MultiStreamTracker (one tracker per stream, globally unique ids) and shared id counters."""

from __future__ import annotations

import gc
import threading
import types

import numpy as np
import pytest

import bytetrack_cpp
from bytetrack_cpp import BYTETracker, IdCounter, MultiStreamTracker
from refdata import MOT_SEQUENCES, load_input

# 16 different real sequences: the 15 MOT inputs with reference outputs and palace-yolox.
SEQUENCE_NAMES = ["palace-yolox"] + [f"mot-{s}" for s in MOT_SEQUENCES]
# Stream ids cover the whole 64-bit range.
STREAM_IDS = [0, 2**64 - 1, 1, 2**63, 7, 2**32, 12345678901234567890, 3, 99, 2**63 - 1, 5, 2**40 + 3, 11, 13,
              2**64 - 2, 42]
assert len(SEQUENCE_NAMES) == len(STREAM_IDS) == 16

_cache: dict = {}


def sequences():
    """name -> list of (xyxy, scores, class_ids), loaded once per session."""
    if "seqs" not in _cache:
        _cache["seqs"] = {name: load_input(name, "python").frames for name in SEQUENCE_NAMES}
    return _cache["seqs"]


def isolated(frames, **params):
    tracker = BYTETracker(**params)
    return [tracker.update(*f) for f in frames]


def isolated_runs(preset):
    key = ("iso", preset)
    if key not in _cache:
        _cache[key] = {name: isolated(frames, preset=preset) for name, frames in sequences().items()}
    return _cache[key]


def assert_equal_up_to_renaming(got, want, label):
    """Same tracks frame by frame up to one id bijection fixed for the whole run.

    Returns the bijection {reference id: our id}."""
    assert len(got) == len(want), label
    forward, backward = {}, {}
    for frame, (g, w) in enumerate(zip(got, want)):
        assert len(g) == len(w), f"{label} frame {frame}: {len(g)} tracks, expected {len(w)}"
        for a, b in zip(w.track_id.tolist(), g.track_id.tolist()):
            assert forward.setdefault(a, b) == b, f"{label} frame {frame}: id {a} renamed inconsistently"
            assert backward.setdefault(b, a) == a, f"{label} frame {frame}: id {b} used for two tracks"
        assert np.array_equal(g.xyxy, w.xyxy), f"{label} frame {frame}: boxes differ"
        assert np.array_equal(g.score, w.score), f"{label} frame {frame}: scores differ"
        assert np.array_equal(g.class_id, w.class_id), f"{label} frame {frame}: classes differ"
        assert np.array_equal(g.det_index, w.det_index), f"{label} frame {frame}: det_index differs"
    return forward


def assert_ids_unique_across_streams(outputs):
    owner = {}
    for stream, frames in outputs.items():
        for t in frames:
            for tid in t.track_id.tolist():
                assert owner.setdefault(tid, stream) == stream, f"id {tid} used by streams {owner[tid]} and {stream}"
    return owner


def run_interleaved(mode, preset, threads=1):
    """Feeds the 16 sequences frame by frame; returns {stream_id: [Tracks per frame]}."""
    seqs = [sequences()[name] for name in SEQUENCE_NAMES]
    mst = MultiStreamTracker(threads=threads, preset=preset)
    out = {sid: [] for sid in STREAM_IDS}
    for t in range(max(len(s) for s in seqs)):
        live = [(sid, s[t]) for sid, s in zip(STREAM_IDS, seqs) if t < len(s)]
        if mode == "update":
            for sid, frame in live:
                out[sid].append(mst.update(sid, *frame))
        else:
            result = mst.update_batch({sid: frame for sid, frame in live})
            assert list(result) == [sid for sid, _ in live]
            for sid, tracks in result.items():
                out[sid].append(tracks)
    assert mst.stream_ids == sorted(STREAM_IDS)
    return out


# ---------------------------------------------------------------- acceptance 1: equivalence

@pytest.mark.parametrize("preset", ["ifzhang", "ifzhang-cpp"])
@pytest.mark.parametrize("mode,threads", [("update", 1), ("batch", 1), ("batch", 2)])
def test_interleaved_streams_equal_isolated_trackers(mode, threads, preset):
    reference = isolated_runs(preset)
    out = run_interleaved(mode, preset, threads)
    for sid, name in zip(STREAM_IDS, SEQUENCE_NAMES):
        renaming = assert_equal_up_to_renaming(out[sid], reference[name], f"{name} (stream {sid})")
        # Stronger than required: the renaming preserves order (ids grow in birth order).
        keys = sorted(renaming)
        assert [renaming[k] for k in keys] == sorted(renaming.values())
    owner = assert_ids_unique_across_streams(out)
    assert len(owner) > 1000


def test_batch_ids_equal_update_loop_and_independent_of_threads():
    """Stronger than 'up to renaming': a batch numbers its births in batch order, exactly as a
    loop of update() calls in that order does, whatever the thread count."""
    runs = [run_interleaved("update", "ifzhang"), run_interleaved("batch", "ifzhang", 1),
            run_interleaved("batch", "ifzhang", 2), run_interleaved("batch", "ifzhang", 3)]
    for other in runs[1:]:
        for sid in STREAM_IDS:
            for a, b in zip(runs[0][sid], other[sid]):
                assert np.array_equal(a.track_id, b.track_id)
                assert np.array_equal(a.xyxy, b.xyxy)


def test_single_stream_equals_bytetracker_exactly():
    frames = sequences()["mot-MOT17-09-FRCNN"]
    mst = MultiStreamTracker(track_thresh=0.6, track_buffer=20, match_thresh=0.7, frame_rate=14, preset="ifzhang")
    want = isolated(frames, track_thresh=0.6, track_buffer=20, match_thresh=0.7, frame_rate=14)
    for f, w in zip(frames, want):
        g = mst.update(5, *f)
        assert np.array_equal(g.track_id, w.track_id) and np.array_equal(g.xyxy, w.xyxy)


@pytest.mark.parametrize("mode", ["update", "batch"])
def test_dense_streams_equal_isolated_trackers(mode):
    """Streams with more than 512 track slots: the tracker re-lays its track pool out every
    16 frames (slot compaction), also on frames with births, whose ids the context renames
    after the update. Each stream must still equal an isolated tracker up to renaming."""
    scenes = {sid: [(f[0], f[1]) for f in bytetrack_cpp.generate_scene(num_frames=80, objects_per_frame=600.0,
                                                                          seed=seed)]
              for sid, seed in [(3, 11), (2**64 - 1, 12)]}
    mst = MultiStreamTracker(threads=2)
    out = {sid: [] for sid in scenes}
    for t in range(80):
        if mode == "update":
            for sid, frames in scenes.items():
                out[sid].append(mst.update(sid, *frames[t]))
        else:
            for sid, tracks in mst.update_batch({sid: frames[t] for sid, frames in scenes.items()}).items():
                out[sid].append(tracks)
    for sid, frames in scenes.items():
        tracker = BYTETracker()
        want = [tracker.update(*f) for f in frames]
        assert tracker.num_tracked + tracker.num_lost > 512
        renaming = assert_equal_up_to_renaming(out[sid], want, f"dense stream {sid}")
        keys = sorted(renaming)
        assert [renaming[k] for k in keys] == sorted(renaming.values())
    assert_ids_unique_across_streams(out)


# ---------------------------------------------------------------- shared id counters

def test_two_bytetrackers_sharing_a_counter_get_unique_ids():
    seqs = sequences()
    a_frames, b_frames = seqs["mot-TUD-Campus"], seqs["mot-PETS09-S2L1"]
    counter = IdCounter(start=1000)
    a, b = BYTETracker(id_counter=counter), BYTETracker(id_counter=counter)
    assert a.id_counter is counter and b.id_counter is counter
    out_a, out_b = [], []
    for t in range(max(len(a_frames), len(b_frames))):
        if t < len(a_frames):
            out_a.append(a.update(*a_frames[t]))
        if t < len(b_frames):
            out_b.append(b.update(*b_frames[t]))
    assert_equal_up_to_renaming(out_a, isolated(a_frames), "TUD-Campus")
    assert_equal_up_to_renaming(out_b, isolated(b_frames), "PETS09-S2L1")
    ids_a = {i for t in out_a for i in t.track_id.tolist()}
    ids_b = {i for t in out_b for i in t.track_id.tolist()}
    assert ids_a and ids_b and not ids_a & ids_b
    assert min(ids_a | ids_b) >= 1000
    assert counter.next_id > max(ids_a | ids_b)


def test_multistream_shares_counter_with_a_bytetracker():
    counter = IdCounter(start=1)
    mst = MultiStreamTracker(id_counter=counter)
    solo = BYTETracker(id_counter=counter)
    assert mst.id_counter is counter
    frames = sequences()["mot-TUD-Stadtmitte"]
    seen_m, seen_s = set(), set()
    for f in frames:
        seen_m.update(mst.update(1, *f).track_id.tolist())
        seen_s.update(solo.update(*f).track_id.tolist())
    assert seen_m and seen_s and not seen_m & seen_s
    mst.reset()  # a shared counter is not rewound
    assert counter.next_id > max(seen_m | seen_s)


# ---------------------------------------------------------------- acceptance 2: Python threads

def cycled(frames, start, length):
    return [frames[(start + k) % len(frames)] for k in range(length)]


def test_eight_python_threads_four_streams_each():
    n_threads, per_thread, n_frames = 8, 4, 2000
    names = SEQUENCE_NAMES
    stream_frames = {}
    for j in range(n_threads * per_thread):
        frames = sequences()[names[j % len(names)]]
        stream_frames[1000 + j] = cycled(frames, 37 * j, n_frames)
    mst = MultiStreamTracker(threads=2)
    outputs = {sid: [] for sid in stream_frames}
    errors = []
    barrier = threading.Barrier(n_threads)

    def drive(worker):
        try:
            mine = [1000 + worker * per_thread + k for k in range(per_thread)]
            barrier.wait()
            for t in range(n_frames):
                if worker % 2:  # half the threads use update_batch, half a loop of update
                    for sid, tracks in mst.update_batch({sid: stream_frames[sid][t] for sid in mine}).items():
                        outputs[sid].append(tracks)
                else:
                    for sid in mine:
                        outputs[sid].append(mst.update(sid, *stream_frames[sid][t]))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=drive, args=(w,)) for w in range(n_threads)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors, errors
    assert len(mst) == n_threads * per_thread
    for sid, frames in stream_frames.items():
        assert_equal_up_to_renaming(outputs[sid], isolated(frames), f"stream {sid}")
    assert_ids_unique_across_streams(outputs)


def test_remove_racing_update_is_safe():
    frames = sequences()["mot-ETH-Sunnyday"]
    mst = MultiStreamTracker(threads=2)
    errors, stop = [], threading.Event()

    def updater(sid):
        try:
            for t in range(600):
                mst.update(sid, *frames[t % len(frames)])
                if t % 7 == 0:
                    mst.update_batch({sid: frames[t % len(frames)], sid + 100: frames[(t + 5) % len(frames)]})
        except BaseException as exc:
            errors.append(exc)

    def remover():
        try:
            while not stop.is_set():
                for sid in (1, 2, 101, 102):
                    try:
                        mst.remove_stream(sid)
                    except KeyError:
                        pass
                _ = mst.num_live_tracks, mst.memory_bytes, mst.stream_ids, len(mst)
        except BaseException as exc:
            errors.append(exc)

    workers = [threading.Thread(target=updater, args=(s,)) for s in (1, 2)]
    rm = threading.Thread(target=remover)
    rm.start()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    stop.set()
    rm.join()
    assert not errors, errors
    for sid in list(mst.stream_ids):
        mst.remove_stream(sid)
    assert len(mst) == 0 and mst.num_live_tracks == 0 and mst.memory_bytes == 0


# ---------------------------------------------------------------- acceptance 3: lifecycle

def test_remove_stream_frees_state_and_same_id_starts_fresh():
    seqs = sequences()
    mst = MultiStreamTracker()
    assert len(mst) == 0 and mst.memory_bytes == 0 and mst.num_live_tracks == 0
    for t in range(60):
        mst.update_batch({sid: seqs[name][t] for sid, name in zip(STREAM_IDS, SEQUENCE_NAMES)})
    assert len(mst) == 16
    live, held = mst.num_live_tracks, mst.memory_bytes
    assert live > 100 and held > 16 * 1000
    first_ids = set(range(1, mst.id_counter.next_id))

    mst.remove_stream(STREAM_IDS[0])
    assert len(mst) == 15 and STREAM_IDS[0] not in mst
    assert mst.num_live_tracks < live and mst.memory_bytes < held
    with pytest.raises(KeyError):
        mst.remove_stream(STREAM_IDS[0])
    with pytest.raises(KeyError):
        mst.frame_id(STREAM_IDS[0])

    # Same id again: a fresh tracker (frame 1, new ids only).
    frames = seqs[SEQUENCE_NAMES[5]]
    got = [mst.update(STREAM_IDS[0], *f) for f in frames]
    assert mst.frame_id(STREAM_IDS[0]) == len(frames)
    assert_equal_up_to_renaming(got, isolated(frames), "re-created stream")
    new_ids = {i for t in got for i in t.track_id.tolist()}
    assert new_ids and not new_ids & first_ids

    for sid in mst.stream_ids:
        mst.remove_stream(sid)
    assert len(mst) == 0 and mst.stream_ids == [] and mst.num_live_tracks == 0 and mst.memory_bytes == 0


def rss_bytes():
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * 4096


def test_create_remove_cycles_do_not_grow_memory():
    try:
        rss_bytes()
    except OSError:
        pytest.skip("needs /proc")
    frames = sequences()["mot-MOT17-04-FRCNN"][:20]
    mst = MultiStreamTracker(threads=2)

    def cycle(base):
        for f in frames:
            mst.update_batch({base + k: f for k in range(32)})
        assert len(mst) == 32 and mst.memory_bytes > 0
        for k in range(32):
            mst.remove_stream(base + k)
        assert len(mst) == 0 and mst.memory_bytes == 0 and mst.num_live_tracks == 0

    for c in range(20):
        cycle(c * 1000)
    gc.collect()
    before = rss_bytes()
    for c in range(20, 220):
        cycle(c * 1000)
    gc.collect()
    grown = rss_bytes() - before
    # 200 cycles x 32 trackers x ~40 tracks: a leak of even one track per stream per cycle
    # would be > 1.5 MB (an STrack is ~250 bytes, a tracker's buffers several KB).
    assert grown < 1_500_000, f"RSS grew by {grown} bytes over 200 create/remove cycles"


def test_idle_eviction_counts_update_calls():
    x = np.array([[0.0, 0.0, 10.0, 10.0]])
    s = np.array([0.9])
    mst = MultiStreamTracker(max_idle_frames=2)
    assert mst.max_idle_frames == 2
    mst.update(1, x, s)  # update 1
    mst.update(2, x, s)  # update 2: stream 1 idle 1
    mst.update(2, x, s)  # update 3: stream 1 idle 2 (not more than 2)
    assert mst.stream_ids == [1, 2] and mst.num_updates == 3
    mst.update(2, x, s)  # update 4: stream 1 idle 3 -> evicted
    assert mst.stream_ids == [2]
    # A batch is one update, whatever it holds.
    mst.update_batch({3: (x, s), 4: (x, s)})  # update 5: stream 2 idle 1
    mst.update_batch({3: (x, s)})  # update 6: 2 idle 2, 4 idle 1
    assert mst.stream_ids == [2, 3, 4]
    mst.update_batch({})  # update 7: 2 idle 3 -> evicted
    assert mst.stream_ids == [3, 4] and mst.num_updates == 7
    mst.update_batch({})
    mst.update_batch({})  # update 9: 3 idle 3, 4 idle 4
    assert mst.stream_ids == [] and mst.memory_bytes == 0
    # An evicted stream comes back fresh.
    before = mst.id_counter.next_id
    assert mst.update(1, x, s).track_id.tolist() == [before]
    assert mst.frame_id(1) == 1


def test_eviction_zero_and_none():
    x, s = np.array([[0.0, 0.0, 10.0, 10.0]]), np.array([0.9])
    zero = MultiStreamTracker(max_idle_frames=0)
    zero.update(1, x, s)
    zero.update(2, x, s)
    assert zero.stream_ids == [2]
    never = MultiStreamTracker()
    assert never.max_idle_frames is None
    for k in range(50):
        never.update(k, x, s)
    assert len(never) == 50


def test_reset():
    x, s = np.array([[0.0, 0.0, 10.0, 10.0]]), np.array([0.9])
    mst = MultiStreamTracker()
    mst.update_batch({1: (x, s), 2: (x, s)})
    assert mst.id_counter.next_id == 3
    mst.reset()
    assert len(mst) == 0 and mst.num_updates == 0 and mst.id_counter.next_id == 1
    assert mst.update(2, x, s).track_id.tolist() == [1]


# ---------------------------------------------------------------- validation

def test_stream_id_validation():
    x, s = np.array([[0.0, 0.0, 10.0, 10.0]]), np.array([0.9])
    mst = MultiStreamTracker()
    for bad in (-1, 2**64, -(2**70)):
        with pytest.raises(ValueError, match="stream_id"):
            mst.update(bad, x, s)
    for bad in (True, 1.0, "1", None, [1]):
        with pytest.raises(TypeError, match="stream_id"):
            mst.update(bad, x, s)
    assert len(mst) == 0 and mst.num_updates == 0
    mst.update(np.uint64(2**64 - 1), x, s)
    mst.update(np.int64(5), x, s)
    assert mst.stream_ids == [5, 2**64 - 1]
    assert 5 in mst and -1 not in mst and "a" not in mst
    with pytest.raises(KeyError):
        mst.remove_stream(6)
    with pytest.raises(ValueError):
        mst.remove_stream(-1)


def test_bad_batch_entry_rejects_whole_batch():
    seqs = sequences()
    frames = seqs["mot-KITTI-17"]
    mst = MultiStreamTracker(threads=2)
    for t in range(5):
        mst.update_batch({1: frames[t], 2: frames[t + 1]})
    snapshot = (mst.stream_ids, mst.num_updates, mst.id_counter.next_id, mst.frame_id(1), mst.frame_id(2),
                mst.num_live_tracks)
    xyxy, scores, classes = frames[5]
    nan_boxes = xyxy.copy()
    nan_boxes[0, 0] = np.nan
    bad_batches = [
        ({1: frames[5], 3: (xyxy, scores[:-1])}, ValueError),
        ({1: frames[5], 3: (nan_boxes, scores)}, ValueError),
        ({1: frames[5], 2: (xyxy[:, :3], scores)}, ValueError),
        ({1: frames[5], 3: (xyxy, scores, classes[:-1])}, ValueError),
        ({1: frames[5], -3: frames[5]}, ValueError),
        ({1: frames[5], 2**64: frames[5]}, ValueError),
        ({1: frames[5], "3": frames[5]}, TypeError),
        ({1: frames[5], 3: xyxy}, TypeError),
        ({1: frames[5], 3: (xyxy,)}, TypeError),
        ({1: frames[5], 3: (xyxy, ["a"] * len(scores))}, TypeError),
        ([(1, frames[5])], TypeError),
    ]
    for batch, exc in bad_batches:
        with pytest.raises(exc):
            mst.update_batch(batch)
        assert (mst.stream_ids, mst.num_updates, mst.id_counter.next_id, mst.frame_id(1), mst.frame_id(2),
                mst.num_live_tracks) == snapshot
    # Bad single update leaves everything alone too.
    with pytest.raises(ValueError):
        mst.update(1, nan_boxes, scores)
    with pytest.raises(ValueError):
        mst.update(9, xyxy, scores[:-1])
    assert mst.stream_ids == [1, 2] and mst.frame_id(1) == 5 and mst.num_updates == snapshot[1]
    # Any mapping works, result keys are the caller's keys in batch order.
    result = mst.update_batch(types.MappingProxyType({2: frames[6], 1: frames[5]}))
    assert list(result) == [2, 1]


def test_constructor_validation():
    with pytest.raises(ValueError, match="threads"):
        MultiStreamTracker(threads=0)
    with pytest.raises(TypeError, match="threads"):
        MultiStreamTracker(threads=1.5)
    with pytest.raises(ValueError, match="max_idle_frames"):
        MultiStreamTracker(max_idle_frames=-1)
    with pytest.raises(TypeError, match="max_idle_frames"):
        MultiStreamTracker(max_idle_frames="10")
    with pytest.raises(ValueError, match="engine"):
        MultiStreamTracker(engine="deepsort")
    with pytest.raises(TypeError, match="unexpected keyword"):
        MultiStreamTracker(track_treshold=0.5)
    with pytest.raises(ValueError, match="track_thresh"):
        MultiStreamTracker(track_thresh=1.5)
    with pytest.raises(ValueError, match="preset"):
        MultiStreamTracker(preset="nope")
    with pytest.raises(TypeError, match="mot20"):
        MultiStreamTracker(mot20="yes")
    with pytest.raises(TypeError, match="id_counter"):
        MultiStreamTracker(id_counter=5)
    mst = MultiStreamTracker(threads=2, max_idle_frames=30, track_thresh=0.6, preset="ifzhang-cpp", mot20=True)
    assert (mst.threads, mst.max_idle_frames, mst.engine) == (2, 30, "bytetrack")
    assert mst.engine_params == {"track_thresh": 0.6, "preset": "ifzhang-cpp", "mot20": True}
    assert "MultiStreamTracker(threads=2, max_idle_frames=30, engine='bytetrack'" in repr(mst)
    assert isinstance(bytetrack_cpp.MultiStreamTracker(), MultiStreamTracker)


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs fork")
def test_forked_child_runs_batches_without_the_parents_workers():
    import os
    import signal
    import time

    frames = sequences()["mot-TUD-Campus"]
    mst = MultiStreamTracker(threads=2)
    mst.update_batch({1: frames[0], 2: frames[1]})
    expected = MultiStreamTracker(threads=1)
    expected.update_batch({1: frames[0], 2: frames[1]})
    want = expected.update_batch({1: frames[2], 2: frames[3], 3: frames[4]})
    pid = os.fork()
    if pid == 0:  # child: the pool's worker thread does not exist here
        code = 1
        try:
            got = mst.update_batch({1: frames[2], 2: frames[3], 3: frames[4]})
            same = all(np.array_equal(got[k].track_id, want[k].track_id) and np.array_equal(got[k].xyxy, want[k].xyxy)
                       for k in want)
            code = 0 if same else 2
        finally:
            os._exit(code)
    deadline = time.monotonic() + 30
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail("forked child hung in update_batch")
        time.sleep(0.01)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    assert len(mst.update_batch({1: frames[2]})) == 1  # the parent's pool still works


def test_eviction_racing_updates_from_threads():
    """Streams evicted and re-created while other threads update: no error, ids never reused."""
    frames = sequences()["mot-ETH-Bahnhof"]
    mst = MultiStreamTracker(threads=2, max_idle_frames=3)
    errors, seen = [], {}
    lock = threading.Lock()

    def drive(worker):
        try:
            for t in range(300):
                sid = worker * 10 + t % 3
                if t % 5 == 0:
                    got = mst.update_batch({sid: frames[t % len(frames)], sid + 5: frames[(t + 1) % len(frames)]})
                    ids = [i for tr in got.values() for i in tr.track_id.tolist()]
                else:
                    ids = mst.update(sid, *frames[t % len(frames)]).track_id.tolist()
                with lock:
                    for i in ids:
                        assert seen.setdefault(i, sid // 10) == sid // 10, f"id {i} reused across threads"
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=drive, args=(w,)) for w in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors, errors
    assert len(mst) <= 4 * 8


@pytest.mark.parametrize("threads", [1, 2])
def test_batch_error_names_the_first_invalid_entry_in_batch_order(threads):
    """Entries are validated on the pool when threads > 1; the error is still the first in batch order."""
    good = (np.array([[0.0, 0.0, 10.0, 10.0]]), np.array([0.9]))
    mst = MultiStreamTracker(threads=threads)
    batch = {sid: good for sid in range(40)}
    batch[30] = (good[0], np.array([np.inf]))
    batch[35] = (np.array([[0.0, 0.0, np.nan, 10.0]]), good[1])
    for _ in range(20):
        with pytest.raises(ValueError, match=r"^stream 30: scores"):
            mst.update_batch(batch)
    assert mst.stream_ids == [] and mst.num_updates == 0
    del batch[30]
    with pytest.raises(ValueError, match=r"^stream 35: xyxy"):
        mst.update_batch(batch)
