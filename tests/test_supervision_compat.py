"""Issue 8: bytetrack_cpp.ByteTrack against supervision's sv.ByteTrack.

- every supervision-0.27.0.post1 / supervision-0.30.9 reference CSV, row for row;
- live runs of the installed supervision 0.30.9 on generated scenes with
  simultaneous births and minimum_consecutive_frames 1, 2, 3;
- optionally live runs of supervision 0.27.0.post1 in a separate interpreter
  (BYTETRACK_SV027_PYTHON=/path/to/python with supervision 0.27.0.post1);
- the CPython set iteration order emulation against real CPython sets;
- API contract: parameters, validation, no mutation, empty results, carried fields.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import textwrap

import numpy as np
import pytest

import bytetrack_cpp
from bytetrack_cpp import _core
from refdata import INPUTS, load_input, load_reference

sv = pytest.importorskip("supervision")
pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::DeprecationWarning")

VERSIONS = ["0.27.0.post1", "0.30.9"]
LIVE_VERSION = sv.__version__


def make_detections(xyxy, scores, classes):
    return sv.Detections(
        xyxy=xyxy, confidence=scores, class_id=classes, data={"det_index": np.arange(len(scores))}
    )


# ----------------------------------------------------------------- reference CSVs


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("name", INPUTS)
def test_reference_csv(version, name):
    seq = load_input(name, "sv")
    expected = load_reference(f"supervision-{version}", name)
    tracker = bytetrack_cpp.ByteTrack(frame_rate=seq.fps, version=version)
    rows = 0
    for number, (xyxy, scores, classes) in zip(seq.numbers, seq.frames):
        out = tracker.update_with_detections(make_detections(xyxy, scores, classes))
        want = expected.get(number, [])
        assert out.tracker_id.tolist() == [r[0] for r in want], f"{name} frame {number}: tracker ids"
        det_index = out.data["det_index"].tolist() if len(out) else []
        assert det_index == [r[6] for r in want], f"{name} frame {number}: rows"
        if want:
            # The returned rows are the float32 input rows themselves.
            assert out.xyxy.dtype == np.float32 and out.confidence.dtype == np.float32
            np.testing.assert_array_equal(out.xyxy, np.array([r[1:5] for r in want], dtype=np.float32))
            np.testing.assert_array_equal(out.confidence, np.array([r[5] for r in want], dtype=np.float32))
            np.testing.assert_array_equal(out.xyxy, xyxy[det_index])
        rows += len(out)
    assert rows == sum(len(v) for v in expected.values()) > 0


# ----------------------------------------------------------------- generated scenes


def scene(seed, frames=120, width=1280.0, height=720.0):
    """Deterministic detections: objects entering in bursts (several births in one
    frame), constant-velocity motion with jitter, misses, low scores, duplicate
    boxes, false positives and empty frames. Returns [(xyxy f32, conf f32, cls)]."""
    rng = np.random.default_rng(seed)
    objects = []
    burst_frames = set(rng.choice(np.arange(1, frames - 10), size=frames // 12, replace=False).tolist()) | {0}
    out = []
    for t in range(frames):
        if t in burst_frames:
            for _ in range(int(rng.integers(2, 7))):
                w, h = rng.uniform(20, 120), rng.uniform(40, 240)
                objects.append({
                    "x": rng.uniform(0, width - w), "y": rng.uniform(0, height - h), "w": w, "h": h,
                    "vx": rng.normal(0, 4), "vy": rng.normal(0, 2),
                    "end": t + int(rng.integers(3, 80)), "cls": int(rng.integers(0, 3)),
                })
        boxes, scores, classes = [], [], []
        if rng.random() < 0.03:
            out.append((np.empty((0, 4), np.float32), np.empty(0, np.float32), np.empty(0, np.int64)))
            for o in objects:
                o["x"] += o["vx"]
                o["y"] += o["vy"]
            continue
        for o in objects:
            if t > o["end"]:
                continue
            o["x"] += o["vx"] + rng.normal(0, 1)
            o["y"] += o["vy"] + rng.normal(0, 1)
            if rng.random() < 0.08:
                continue  # missed
            jitter = rng.normal(0, 1.5, 4)
            box = [o["x"] + jitter[0], o["y"] + jitter[1], o["x"] + o["w"] + jitter[2], o["y"] + o["h"] + jitter[3]]
            r = rng.random()
            score = rng.uniform(0.02, 0.25) if r < 0.12 else (0.25 if r < 0.14 else rng.uniform(0.3, 1.0))
            boxes.append(box)
            scores.append(score)
            classes.append(o["cls"])
            if rng.random() < 0.04:  # duplicate detection, sometimes exactly identical
                boxes.append(list(box) if rng.random() < 0.5 else [b + rng.normal(0, 2) for b in box])
                scores.append(rng.uniform(0.3, 1.0))
                classes.append(o["cls"])
        for _ in range(int(rng.poisson(0.7))):  # false positives
            x, y = rng.uniform(0, width - 60), rng.uniform(0, height - 100)
            boxes.append([x, y, x + rng.uniform(10, 60), y + rng.uniform(20, 100)])
            scores.append(rng.uniform(0.05, 0.9))
            classes.append(int(rng.integers(0, 3)))
        order = rng.permutation(len(boxes))
        xyxy = np.asarray(boxes, np.float32).reshape(-1, 4)[order]
        out.append((xyxy, np.asarray(scores, np.float32)[order], np.asarray(classes, np.int64)[order]))
    return out


def births_per_frame(frames, params):
    """Largest number of tracks first reported in one frame by the live reference."""
    tracker = sv.ByteTrack(**params)
    seen, worst = set(), 0
    for xyxy, scores, classes in frames:
        ids = set(tracker.update_with_detections(make_detections(xyxy, scores, classes)).tracker_id.tolist())
        worst = max(worst, len(ids - seen))
        seen |= ids
    return worst


def assert_same(ours, ref, where):
    assert type(ours) is type(ref), where
    assert len(ours) == len(ref), where
    np.testing.assert_array_equal(ours.tracker_id, ref.tracker_id, err_msg=where)
    assert ours.tracker_id.dtype == ref.tracker_id.dtype, where
    for field in ("xyxy", "confidence", "class_id"):
        a, b = getattr(ours, field), getattr(ref, field)
        assert a.dtype == b.dtype, f"{where}: {field} dtype"
        np.testing.assert_array_equal(a, b, err_msg=f"{where}: {field}")
    assert (ours.mask is None) == (ref.mask is None), where
    if ours.mask is not None:
        np.testing.assert_array_equal(ours.mask, ref.mask, err_msg=where)
    assert ours.data.keys() == ref.data.keys(), where
    for key in ours.data:
        np.testing.assert_array_equal(np.asarray(ours.data[key]), np.asarray(ref.data[key]), err_msg=where)
    assert ours.metadata == ref.metadata, where


LIVE_CASES = [
    # (scene seed, parameters)
    (1, {}),
    (2, {"minimum_consecutive_frames": 2}),
    (3, {"minimum_consecutive_frames": 3}),
    (4, {"minimum_consecutive_frames": 2, "track_activation_threshold": 0.5}),
    (5, {"minimum_consecutive_frames": 3, "frame_rate": 10, "lost_track_buffer": 20}),
    (6, {"track_activation_threshold": 0.95, "minimum_matching_threshold": 0.6}),
    (7, {"minimum_consecutive_frames": 1, "frame_rate": 25.0}),
]


@pytest.mark.skipif(LIVE_VERSION != "0.30.9", reason="live test needs supervision 0.30.9")
@pytest.mark.parametrize("seed,params", LIVE_CASES)
def test_live_supervision(seed, params):
    frames = scene(seed)
    reference = sv.ByteTrack(**params)
    ours = bytetrack_cpp.ByteTrack(**params, version="0.30.9")
    reported = 0
    for t, (xyxy, scores, classes) in enumerate(frames):
        ref_out = reference.update_with_detections(make_detections(xyxy, scores, classes))
        our_out = ours.update_with_detections(make_detections(xyxy, scores, classes))
        assert_same(our_out, ref_out, f"seed {seed} {params} frame {t}")
        reported += len(ref_out)
    assert reported > (20 if seed == 6 else 200)
    # The scene exercises the id order of simultaneous births.
    assert births_per_frame(frames, params) >= (1 if seed == 6 else 3)


@pytest.mark.skipif(LIVE_VERSION != "0.30.9", reason="live test needs supervision 0.30.9")
def test_live_float64_input_and_invalid_rows():
    """float64 arrays (comparisons in float64), NaN / empty rows dropped by 0.30."""
    frames = scene(11, frames=80)
    rng = np.random.default_rng(0)
    reference = sv.ByteTrack(minimum_consecutive_frames=2)
    ours = bytetrack_cpp.ByteTrack(minimum_consecutive_frames=2)
    for t, (xyxy, scores, classes) in enumerate(frames):
        xyxy = xyxy.astype(np.float64) + rng.uniform(-1e-3, 1e-3, xyxy.shape)
        scores = scores.astype(np.float64)
        if len(scores) > 2 and t % 5 == 0:
            xyxy[0, 2] = xyxy[0, 0]  # zero width
            scores[1] = np.nan
        ref_out = reference.update_with_detections(make_detections(xyxy, scores, classes))
        our_out = ours.update_with_detections(make_detections(xyxy, scores, classes))
        assert_same(our_out, ref_out, f"frame {t}")


SV027_SCRIPT = textwrap.dedent(
    """
    import json, sys, warnings
    import numpy as np
    warnings.filterwarnings("ignore")
    import supervision as sv
    assert sv.__version__ == "0.27.0.post1", sv.__version__
    job = json.load(sys.stdin)
    results = []
    for case in job:
        tracker = sv.ByteTrack(**case["params"])
        frames = []
        for xyxy, scores, classes in case["frames"]:
            dtype = np.dtype(case["dtype"])
            det = sv.Detections(xyxy=np.asarray(xyxy, dtype).reshape(-1, 4),
                                confidence=np.asarray(scores, dtype),
                                class_id=np.asarray(classes, int),
                                data={"det_index": np.arange(len(scores))})
            out = tracker.update_with_detections(det)
            frames.append([out.tracker_id.tolist(), out["det_index"].tolist() if len(out) else []])
        results.append(frames)
    json.dump(results, sys.stdout)
    """
)


@pytest.mark.skipif(not os.environ.get("BYTETRACK_SV027_PYTHON"),
                    reason="set BYTETRACK_SV027_PYTHON to a Python with supervision==0.27.0.post1")
def test_live_supervision_027_subprocess():
    # float32 input, and float64 input (supervision 0.27 then fuses scores in float64).
    cases = [(seed, params, "float32") for seed, params in LIVE_CASES]
    cases += [(seed, params, "float64") for seed, params in LIVE_CASES[:4]]
    job = []
    for seed, params, dtype in cases:
        frames = scene(seed)
        if dtype == "float64":
            frames = [(x.astype(np.float64) + 1e-3 * np.sin(np.arange(x.size)).reshape(x.shape),
                       s.astype(np.float64), c) for x, s, c in frames]
        job.append({"params": params, "dtype": dtype,
                    "frames": [(x.tolist(), s.tolist(), c.tolist()) for x, s, c in frames]})
    done = subprocess.run([os.environ["BYTETRACK_SV027_PYTHON"], "-c", SV027_SCRIPT], input=json.dumps(job),
                          capture_output=True, text=True, check=True)
    results = json.loads(done.stdout)
    for (seed, params, dtype), case, expected in zip(cases, job, results):
        ours = bytetrack_cpp.ByteTrack(**params, version="0.27.0.post1")
        for t, ((xyxy, scores, classes), (ids, rows)) in enumerate(zip(case["frames"], expected)):
            xyxy = np.asarray(xyxy, dtype).reshape(-1, 4)
            out = ours.update_with_detections(make_detections(xyxy, np.asarray(scores, dtype), np.asarray(classes)))
            got_rows = out.data["det_index"].tolist() if len(out) else []
            assert (out.tracker_id.tolist(), got_rows) == (ids, rows), f"seed {seed} {params} {dtype} frame {t}"


# ----------------------------------------------------------------- CPython set order


def test_cpython_set_order_matches_cpython():
    rng = random.Random(8)
    checked = 0
    for n in list(range(0, 70)) + [100, 127, 128, 129, 255, 300, 1000, 5000]:
        for _ in range(40 if n < 70 else 8):
            k = rng.randint(0, n)
            removed = rng.sample(range(n), k)
            # supervision subtracts a set of NumPy integers; they hash like ints.
            expected = list(tuple(set(range(n)) - set(np.asarray(removed, dtype=np.int64))))
            assert _core._cpython_set_difference_order(n, removed) == expected, (n, sorted(removed))
            checked += 1
    assert checked > 2500


def test_cpython_set_order_known_cases():
    # Spec 1.C.4: unmatched {3, 9} out of 12 iterate as 9, 3.
    assert _core._cpython_set_difference_order(12, [0, 1, 2, 4, 5, 6, 7, 8, 10, 11]) == [9, 3]
    # The copy case (len(a) >> 2 > len(b)) keeps ascending order.
    assert _core._cpython_set_difference_order(20, [3]) == [v for v in range(20) if v != 3]


def test_simultaneous_births_take_ids_in_set_order():
    """12 boxes on frame 1, then boxes 3 and 9 are new on frame 3: box 9 gets the lower id."""
    base = np.array([[i * 100.0, 0.0, i * 100.0 + 50.0, 100.0] for i in range(12)], np.float32)
    conf = np.full(12, 0.9, np.float32)
    for version in VERSIONS:
        tracker = bytetrack_cpp.ByteTrack(version=version)
        keep = np.array([i not in (3, 9) for i in range(12)])
        first = tracker.update_with_detections(sv.Detections(xyxy=base[keep], confidence=conf[keep]))
        assert first.tracker_id.tolist() == list(range(1, 11))
        tracker.update_with_detections(sv.Detections(xyxy=base, confidence=conf))
        out = tracker.update_with_detections(sv.Detections(xyxy=base, confidence=conf))
        ids = dict(zip(range(12), out.tracker_id.tolist()))
        assert ids[9] == 11 and ids[3] == 12, version


# ----------------------------------------------------------------- API contract


def test_parameters_and_version():
    tracker = bytetrack_cpp.ByteTrack()
    assert tracker.version == "0.30.9"
    assert repr(tracker).startswith("ByteTrack(track_activation_threshold=0.25,") and "'0.30.9'" in repr(tracker)
    assert tracker.max_time_lost == 30
    assert tracker.det_thresh == pytest.approx(0.35)
    assert bytetrack_cpp.ByteTrack(track_activation_threshold=0.95).det_thresh == 0.95  # 0.30 fallback
    assert bytetrack_cpp.ByteTrack(track_activation_threshold=0.95, version="0.27.0.post1").det_thresh == \
        pytest.approx(1.05)
    assert bytetrack_cpp.ByteTrack(frame_rate=14, lost_track_buffer=30).max_time_lost == 14
    for bad in ("0.31.0", "0.27", ""):
        with pytest.raises(ValueError, match="version"):
            bytetrack_cpp.ByteTrack(version=bad)
    with pytest.raises(TypeError, match="version"):
        bytetrack_cpp.ByteTrack(version=0.3)
    with pytest.raises(ValueError, match="track_activation_threshold"):
        bytetrack_cpp.ByteTrack(track_activation_threshold=1.5)
    with pytest.raises(TypeError, match="lost_track_buffer"):
        bytetrack_cpp.ByteTrack(lost_track_buffer=2.5)
    with pytest.raises(ValueError, match="frame_rate"):
        bytetrack_cpp.ByteTrack(frame_rate=0)
    with pytest.raises(TypeError, match="minimum_consecutive_frames"):
        bytetrack_cpp.ByteTrack(minimum_consecutive_frames=None)


@pytest.mark.parametrize("version", VERSIONS)
def test_input_not_mutated_and_fields_carried(version):
    xyxy = np.array([[10, 10, 50, 90], [200, 20, 260, 140], [400, 40, 420, 80]], np.float32)
    masks = np.zeros((3, 8, 8), bool)
    masks[1, 2:4, 2:4] = True
    det = sv.Detections(xyxy=xyxy, confidence=np.array([0.9, 0.8, 0.05], np.float32),
                        class_id=np.array([1, 2, 3]), mask=masks,
                        data={"names": ["a", "b", "c"], "arr": np.array([7, 8, 9])}, metadata={"cam": 4})
    tracker = bytetrack_cpp.ByteTrack(version=version)
    out = tracker.update_with_detections(det)
    assert det.tracker_id is None  # supervision 0.27 would have written it
    assert out.tracker_id.tolist() == [1, 2]
    assert out.data["names"] == ["a", "b"] and out.data["arr"].tolist() == [7, 8]
    np.testing.assert_array_equal(out.mask, masks[:2])
    assert out.metadata == {"cam": 4}
    assert out.class_id.tolist() == [1, 2]
    out.xyxy[0, 0] = -1  # a result never aliases the input
    assert det.xyxy[0, 0] == 10


@pytest.mark.parametrize("version", VERSIONS)
def test_empty_results(version):
    tracker = bytetrack_cpp.ByteTrack(version=version)
    empty_in = sv.Detections(xyxy=np.empty((0, 4), np.float32), confidence=np.empty(0, np.float32),
                             class_id=np.empty(0, int), data={"k": np.empty(0)}, metadata={"m": 1})
    out = tracker.update_with_detections(empty_in)
    assert len(out) == 0 and out.tracker_id.dtype == np.dtype(int) and out.data == {} and out.metadata == {}
    assert out.xyxy.dtype == np.float32 and out.confidence.dtype == np.float32
    # Only a low-score box: no track at all.
    out = tracker.update_with_detections(sv.Detections(xyxy=np.array([[0, 0, 10, 10]], np.float32),
                                                       confidence=np.array([0.05], np.float32)))
    assert len(out) == 0 and out.tracker_id.tolist() == []
    assert tracker.frame_id == 2
    tracker.reset()
    assert tracker.frame_id == 0


def test_min_consecutive_frames_rules_by_version():
    """A box present from frame 1; a second from frame 3 (spec 1.C.4)."""
    a = [10.0, 10.0, 60.0, 110.0]
    b = [300.0, 10.0, 350.0, 110.0]
    frames = [[a], [a], [a, b], [a, b], [a, b], [a, b]]
    # Recorded from supervision 0.27.0.post1 and 0.30.9.
    expected = {
        ("0.27.0.post1", 1): [[1], [1], [1], [1, 2], [1, 2], [1, 2]],
        ("0.27.0.post1", 2): [[], [], [1], [1], [1, 2], [1, 2]],
        ("0.27.0.post1", 3): [[], [], [], [1], [1], [1, 2]],
        ("0.30.9", 1): [[1], [1], [1], [1, 2], [1, 2], [1, 2]],
        ("0.30.9", 2): [[], [1], [1], [1, 2], [1, 2], [1, 2]],
        ("0.30.9", 3): [[], [], [1], [1], [1, 2], [1, 2]],
    }
    for (version, k), want in expected.items():
        tracker = bytetrack_cpp.ByteTrack(minimum_consecutive_frames=k, version=version)
        got = []
        for boxes in frames:
            det = sv.Detections(xyxy=np.array(boxes, np.float32), confidence=np.full(len(boxes), 0.9, np.float32))
            got.append(tracker.update_with_detections(det).tracker_id.tolist())
        assert got == want, (version, k)


@pytest.mark.parametrize("version", VERSIONS)
def test_invalid_input_raises_before_state_change(version):
    tracker = bytetrack_cpp.ByteTrack(version=version)
    good = sv.Detections(xyxy=np.array([[0, 0, 10, 20]], np.float32), confidence=np.array([0.9], np.float32))
    tracker.update_with_detections(good)
    with pytest.raises(ValueError, match="confidence"):
        tracker.update_with_detections(sv.Detections(xyxy=np.array([[0, 0, 10, 20]], np.float32)))
    with pytest.raises(TypeError, match="supervision.Detections"):
        tracker.update_with_detections(np.zeros((1, 5)))
    mismatched = sv.Detections(xyxy=np.array([[0, 0, 10, 20]], np.float32), confidence=np.array([0.9], np.float32))
    mismatched.confidence = np.array([0.9, 0.8], np.float32)  # changed after supervision validated it
    with pytest.raises(ValueError, match="confidence must have shape"):
        tracker.update_with_detections(mismatched)
    with pytest.raises(ValueError, match="1e15"):
        tracker.update_with_detections(sv.Detections(xyxy=np.array([[0, 0, 1e16, 20]]), confidence=np.array([0.9])))
    if version == "0.27.0.post1":
        with pytest.raises(ValueError, match="NaN"):
            tracker.update_with_detections(sv.Detections(xyxy=np.array([[0, 0, np.nan, 20]], np.float32),
                                                         confidence=np.array([0.9], np.float32)))
    assert tracker.frame_id == 1
    assert tracker.update_with_detections(good).tracker_id.tolist() == [1]
