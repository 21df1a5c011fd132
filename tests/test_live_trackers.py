"""Issue 3 acceptance 4: the installed roboflow trackers 2.6.1 and bytetrack_cpp.ByteTrackTracker
run side by side on generated scenes and must return identical supervision.Detections."""

import warnings

import numpy as np
import pytest

import bytetrack_cpp

sv = pytest.importorskip("supervision")
trackers = pytest.importorskip("trackers")

from importlib.metadata import version as _dist_version  # noqa: E402

TRACKERS_VERSION = _dist_version("trackers")


def generate_scene(seed, n_frames=300, n_objects=14, spurious=0.4, tie_boxes=False):
    """Deterministic synthetic detections: objects enter and leave, move with constant
    velocity plus jitter, disappear for a while (occlusion / missed detections), and score
    anywhere from 0.02 to 1, with some scores exactly on the usual thresholds.
    Returns a list of (xyxy float64 (N, 4), confidence float64 (N,), class_id (N,), object (N,))."""
    rng = np.random.default_rng(seed)
    start = rng.integers(-50, n_frames - 10, n_objects)
    length = rng.integers(15, n_frames, n_objects)
    center = rng.uniform([50, 50], [1230, 670], (n_objects, 2))
    velocity = rng.normal(0, 3.0, (n_objects, 2))
    size = rng.uniform([20, 40], [120, 240], (n_objects, 2))
    base_score = rng.uniform(0.15, 0.98, n_objects)
    classes = rng.integers(0, 3, n_objects)
    gaps = []
    for _ in range(n_objects):
        g0 = rng.integers(0, n_frames)
        gaps.append((g0, g0 + rng.integers(1, 45)))
    on_threshold = np.array([0.1, 0.25, 0.6, 0.7, 0.35], dtype=np.float64)
    frames = []
    for f in range(n_frames):
        boxes, scores, cls, obj = [], [], [], []
        for k in range(n_objects):
            if not (start[k] <= f < start[k] + length[k]) or gaps[k][0] <= f < gaps[k][1]:
                continue
            if rng.random() < 0.05:  # isolated missed detection
                continue
            c = center[k] + velocity[k] * (f - start[k]) + rng.normal(0, 1.5, 2)
            w, h = size[k] * (1 + rng.normal(0, 0.03, 2))
            box = [c[0] - w / 2, c[1] - h / 2, c[0] + w / 2, c[1] + h / 2]
            if tie_boxes:
                box = [round(v / 8) * 8 for v in box]
            s = float(np.clip(base_score[k] + rng.normal(0, 0.2), 0.02, 1.0))
            if rng.random() < 0.05:
                s = float(rng.choice(on_threshold))
            boxes.append(box)
            scores.append(s)
            cls.append(classes[k])
            obj.append(k)
            if tie_boxes and rng.random() < 0.1:  # exact duplicate detection
                boxes.append(list(box))
                scores.append(s)
                cls.append(classes[k])
                obj.append(k)
        while rng.random() < spurious:  # false positives, mostly low score
            x, y = rng.uniform([0, 0], [1200, 650])
            boxes.append([x, y, x + rng.uniform(10, 80), y + rng.uniform(10, 80)])
            scores.append(float(rng.uniform(0.02, 0.8)))
            cls.append(int(rng.integers(0, 3)))
            obj.append(-1)
        order = rng.permutation(len(boxes))
        frames.append((np.array(boxes, dtype=np.float64).reshape(-1, 4)[order],
                       np.array(scores, dtype=np.float64)[order],
                       np.array(cls, dtype=int)[order], np.array(obj, dtype=int)[order]))
    return frames


def to_detections(frame, xyxy_dtype=np.float32, conf_dtype=np.float64, with_confidence=True, extras=False):
    xyxy, conf, cls, obj = frame
    if len(xyxy) == 0 and not extras:
        return sv.Detections.empty()
    kwargs = dict(xyxy=xyxy.astype(xyxy_dtype), class_id=cls,
                  confidence=conf.astype(conf_dtype) if with_confidence else None)
    if extras:
        n = len(xyxy)
        mask = np.zeros((n, 12, 16), dtype=bool)
        for i in range(n):
            mask[i, i % 12, : (i % 16) + 1] = True
        kwargs["mask"] = mask
        kwargs["data"] = {"object": obj, "name": [f"obj{o}" for o in obj], "feat": np.arange(3 * n).reshape(n, 3)}
        kwargs["metadata"] = {"camera": "cam-7"}
    return sv.Detections(**kwargs)


def assert_same_detections(ours, ref, where):
    assert type(ours) is type(ref), where
    np.testing.assert_array_equal(ours.xyxy, ref.xyxy, err_msg=where)
    assert ours.xyxy.dtype == ref.xyxy.dtype, where
    assert ours.tracker_id.tolist() == ref.tracker_id.tolist(), f"{where}: tracker_id"
    assert ours.tracker_id.dtype == ref.tracker_id.dtype, where
    for name in ("confidence", "class_id", "mask"):
        a, b = getattr(ours, name), getattr(ref, name)
        assert (a is None) == (b is None), f"{where}: {name}"
        if a is not None:
            np.testing.assert_array_equal(a, b, err_msg=f"{where}: {name}")
            assert a.dtype == b.dtype, f"{where}: {name} dtype"
    assert ours.data.keys() == ref.data.keys(), where
    for key in ref.data:
        a, b = ours.data[key], ref.data[key]
        assert type(a) is type(b), f"{where}: data[{key}]"
        if isinstance(b, np.ndarray):
            np.testing.assert_array_equal(a, b, err_msg=f"{where}: data[{key}]")
            assert a.dtype == b.dtype
        else:
            assert a == b, f"{where}: data[{key}]"
    assert ours.metadata == ref.metadata, where


SCENES = {
    # name: (seed, tracker settings, detection options, scene options)
    "defaults": (1, {}, {}, {}),
    "float32-confidence-act0.25-min1": (2, dict(track_activation_threshold=0.25, minimum_consecutive_frames=1),
                                         dict(conf_dtype=np.float32), {}),
    "float64-boxes-min3-buffer10-15fps": (3, dict(minimum_consecutive_frames=3, lost_track_buffer=10, frame_rate=15.0),
                                          dict(xyxy_dtype=np.float64), {}),
    "no-confidence": (4, {}, dict(with_confidence=False), {}),
    "mask-data-metadata-iou0.3-60fps": (5, dict(minimum_iou_threshold=0.3, high_conf_det_threshold=0.5,
                                                 frame_rate=60.0), dict(extras=True), {}),
    "buffer0-ties": (6, dict(lost_track_buffer=0, track_activation_threshold=0.3), {}, dict(tie_boxes=True)),
    "float16-confidence": (8, dict(high_conf_det_threshold=0.1, track_activation_threshold=0.35),
                           dict(conf_dtype=np.float16), {}),
    "crowded-ties-float32": (7, dict(track_activation_threshold=0.35, high_conf_det_threshold=0.35),
                             dict(conf_dtype=np.float32), dict(tie_boxes=True, n_objects=30, spurious=0.7)),
}


@pytest.mark.skipif(TRACKERS_VERSION != "2.6.1", reason="needs trackers==2.6.1 (the test extra pins it)")
@pytest.mark.parametrize("scene", sorted(SCENES))
def test_generated_scene_matches_trackers_2_6_1(scene):
    seed, settings, det_options, scene_options = SCENES[scene]
    frames = generate_scene(seed, **scene_options)
    assert len(frames) == 300
    ref = trackers.ByteTrackTracker(**settings)
    ours = bytetrack_cpp.ByteTrackTracker(**settings)
    arrays = bytetrack_cpp.ByteTrackTracker(**settings)
    confirmed = 0
    for f, frame in enumerate(frames):
        detections = to_detections(frame, **det_options)
        want = ref.update(detections)
        got = ours.update(detections)
        assert_same_detections(got, want, f"{scene} frame {f}")
        confidence = detections.confidence
        rows, ids = arrays.update_arrays(detections.xyxy, confidence)
        assert ids.tolist() == want.tracker_id.tolist(), f"{scene} frame {f}: update_arrays"
        if len(detections):
            np.testing.assert_array_equal(detections.xyxy[rows], want.xyxy)
        confirmed += int(np.sum(want.tracker_id >= 0))
        if f % 50 == 49:  # the Kalman boxes of the confirmed tracks agree too
            assert_same_detections(ours.tracked_objects, ref.tracked_objects, f"{scene} frame {f}: tracked_objects")
    assert confirmed > 300  # the scene really exercises tracking


def _timestamps(n, seed):
    rng = np.random.default_rng(seed)
    t = 100.0
    out = []
    for f in range(n):
        r = rng.random()
        if r < 0.04:
            t += 0.0  # duplicate
        elif r < 0.06:
            out.append(t - 0.02)  # backwards: skipped
            continue
        elif r < 0.07:
            out.append(float("nan"))  # non-finite: skipped
            continue
        elif r < 0.12:
            t += rng.uniform(0.1, 0.6)  # gap
        else:
            t += 1 / 30 + rng.normal(0, 0.002)  # jittered nominal frame
        out.append(t)
    return out


@pytest.mark.skipif(TRACKERS_VERSION != "2.6.1", reason="needs trackers==2.6.1 (the test extra pins it)")
@pytest.mark.parametrize("settings", [{}, dict(lost_track_buffer=5, frame_rate=25.0, minimum_consecutive_frames=1)])
def test_timestamps_match_trackers_2_6_1(settings):
    frames = generate_scene(11)
    stamps = _timestamps(len(frames), 12)
    ref = trackers.ByteTrackTracker(**settings)
    ours = bytetrack_cpp.ByteTrackTracker(**settings)
    for f, (frame, ts) in enumerate(zip(frames, stamps)):
        detections = to_detections(frame)
        if f in (150, 151):
            ts = None  # fixed-rate calls in between reset the anchor
        with warnings.catch_warnings(record=True) as w_ref:
            warnings.simplefilter("always")
            want = ref.update(detections, timestamp=ts)
        with warnings.catch_warnings(record=True) as w_ours:
            warnings.simplefilter("always")
            got = ours.update(detections, timestamp=ts)
        assert_same_detections(got, want, f"frame {f} t={ts}")
        assert [(w.category, str(w.message)) for w in w_ours] == [(w.category, str(w.message)) for w in w_ref]


@pytest.mark.skipif(TRACKERS_VERSION != "2.6.1", reason="needs trackers==2.6.1 (the test extra pins it)")
def test_frame_argument_warns_like_trackers_2_6_1():
    frame = np.zeros((4, 4, 3), np.uint8)
    det = sv.Detections(xyxy=np.array([[0, 0, 10, 10]], np.float32), confidence=np.array([0.9]))
    with pytest.warns(UserWarning) as w_ref:
        want = trackers.ByteTrackTracker().update(det, frame=frame)
    with pytest.warns(UserWarning) as w_ours:
        got = bytetrack_cpp.ByteTrackTracker().update(det, frame=frame)
    assert [str(w.message) for w in w_ours] == [str(w.message) for w in w_ref]
    assert_same_detections(got, want, "frame argument")


@pytest.mark.skipif(TRACKERS_VERSION != "2.6.1", reason="needs trackers==2.6.1 (the test extra pins it)")
def test_empty_inputs_match_trackers_2_6_1():
    ref = trackers.ByteTrackTracker()
    ours = bytetrack_cpp.ByteTrackTracker()
    det = sv.Detections(xyxy=np.array([[0, 0, 10, 10]], np.float32), confidence=np.array([0.9]),
                        metadata={"a": 1})
    empty_with_fields = det[np.array([], dtype=int)]
    for d in [empty_with_fields, det, det, sv.Detections.empty(), empty_with_fields, det]:
        assert_same_detections(ours.update(d), ref.update(d), "empty handling")


@pytest.mark.skipif(TRACKERS_VERSION != "2.6.1", reason="needs trackers==2.6.1 (the test extra pins it)")
def test_unusual_array_layouts_match_trackers_2_6_1():
    """Strided and big-endian arrays, object-dtype data and a Detections subclass take
    the general paths; the result must still equal the reference's."""

    class MyDetections(sv.Detections):
        pass

    frames = generate_scene(21, n_frames=120)
    ref = trackers.ByteTrackTracker(track_activation_threshold=0.4)
    ours = bytetrack_cpp.ByteTrackTracker(track_activation_threshold=0.4)
    for f, (xyxy, conf, cls, obj) in enumerate(frames):
        n = len(xyxy)
        wide = np.zeros((n, 6), np.float32)
        wide[:, 1:5] = xyxy
        kind = f % 4
        if kind == 0:  # strided view
            det = sv.Detections(xyxy=wide[:, 1:5], confidence=conf[::-1].copy()[::-1], class_id=cls)
        elif kind == 1:  # big-endian float32 boxes and confidences
            det = sv.Detections(xyxy=xyxy.astype(">f4"), confidence=conf.astype(">f8"), class_id=cls)
        elif kind == 2:  # object-dtype data and non-contiguous mask
            mask = np.zeros((n, 6, 8), bool)[:, ::2, :]
            det = sv.Detections(xyxy=xyxy.astype(np.float32), confidence=conf, class_id=cls, mask=mask,
                                data={"o": np.array([("x", i) for i in range(n)] + [None], dtype=object)[:n]})
        else:  # a subclass
            det = MyDetections(xyxy=xyxy.astype(np.float32), confidence=conf, class_id=cls)
        want = ref.update(det)
        got = ours.update(det)
        assert_same_detections(got, want, f"frame {f} kind {kind}")


@pytest.mark.skipif(TRACKERS_VERSION != "2.6.1", reason="needs trackers==2.6.1 (the test extra pins it)")
@pytest.mark.parametrize("seed, settings", [(1, {}), (2, dict(track_activation_threshold=0.25)),
                                            (3, dict(minimum_consecutive_frames=1, lost_track_buffer=15))])
def test_street_scenes_match_trackers_2_6_1(seed, settings):
    """The package's own street-scene generator (bytetrack_cpp.generate_scene), 300 frames."""
    frames = bytetrack_cpp.generate_scene(num_frames=300, objects_per_frame=20.0, seed=seed)
    ref = trackers.ByteTrackTracker(**settings)
    ours = bytetrack_cpp.ByteTrackTracker(**settings)
    for f, frame in enumerate(frames):
        detections = to_detections(frame)
        assert_same_detections(ours.update(detections), ref.update(detections), f"seed {seed} frame {f}")


@pytest.mark.skipif(TRACKERS_VERSION != "2.6.1", reason="needs trackers==2.6.1 (the test extra pins it)")
@pytest.mark.parametrize("xyxy_dtype", [np.float32, np.float64])
def test_kalman_boxes_are_bit_identical_to_trackers_2_6_1(xyxy_dtype):
    """Every live track's Kalman box equals the reference's to the last bit (fixed rate),
    so IoU ties and thresholds are decided alike."""
    frames = generate_scene(31, tie_boxes=True)
    ref = trackers.ByteTrackTracker(track_activation_threshold=0.3)
    ours = bytetrack_cpp.ByteTrackTracker(track_activation_threshold=0.3)
    compared = 0
    for f, frame in enumerate(frames):
        detections = to_detections(frame, xyxy_dtype=xyxy_dtype)
        ref.update(detections)
        ours.update(detections)
        state = ours._track_state()
        assert [s[0] for s in state] == [t.tracker_id for t in ref.tracks], f"frame {f}"
        for s, t in zip(state, ref.tracks):
            assert s[1] == tuple(float(v) for v in t.get_state_bbox()), f"frame {f}"
            compared += 1
    assert compared > 1000


@pytest.mark.skipif(TRACKERS_VERSION != "2.6.1", reason="needs trackers==2.6.1 (the test extra pins it)")
def test_kalman_boxes_with_timestamps_match_trackers_2_6_1():
    """Variable steps: the same up to BLAS rounding (bit-identical where NumPy's BLAS uses FMA)."""
    frames = generate_scene(11)
    stamps = _timestamps(len(frames), 12)
    ref = trackers.ByteTrackTracker()
    ours = bytetrack_cpp.ByteTrackTracker()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for frame, ts in zip(frames, stamps):
            detections = to_detections(frame)
            ref.update(detections, timestamp=ts)
            ours.update(detections, timestamp=ts)
            got = np.array([s[1] for s in ours._track_state()]).reshape(-1, 4)
            want = np.array([t.get_state_bbox() for t in ref.tracks], dtype=np.float64).reshape(-1, 4)
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-9)
