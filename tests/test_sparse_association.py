"""The sparse, per-component association must return exactly the dense lapjv
assignment (cpp/include/bytetrack/association.hpp has the proof; this checks it).

Frames come from the scene generator (sparse street scenes up to very crowded
ones) and from adversarial generators full of exact ties: duplicated detections,
duplicated tracks, equal scores, integer boxes, tracks sitting exactly on
detections, costs exactly at the limit.
"""

from __future__ import annotations

import numpy as np
import pytest

import bytetrack_cpp
from bytetrack_cpp import _core

# (cost limit, fuse) of the three associations of the ifzhang tracker.
STAGES = [(0.8, True), (0.5, False), (0.7, True)]


def _compare(tracks, dets, scores, limit, fuse, totals):
    xd, yd, _ = _core.match_boxes(tracks, dets, scores, limit, fuse, "dense")
    xs, ys, st = _core.match_boxes(tracks, dets, scores, limit, fuse, "sparse")
    xa, ya, _ = _core.match_boxes(tracks, dets, scores, limit, fuse, "auto")
    np.testing.assert_array_equal(xs, xd)
    np.testing.assert_array_equal(ys, yd)
    np.testing.assert_array_equal(xa, xd)
    np.testing.assert_array_equal(ya, yd)
    for k in ("sparse", "fallback", "lapjv_components"):
        totals[k] += st[k]
    totals["frames"] += 1
    totals["matches"] += int((xd >= 0).sum())


def _jitter_tracks(rng, boxes, scale):
    """Tracks as the tracker would hold them: the boxes moved and resized a little."""
    if len(boxes) == 0:
        return boxes.reshape(0, 4)
    h = (boxes[:, 3] - boxes[:, 1])[:, None]
    t = boxes + rng.normal(0.0, scale, boxes.shape) * h
    t[:, 2] = np.maximum(t[:, 2], t[:, 0] + 1.0)
    t[:, 3] = np.maximum(t[:, 3], t[:, 1] + 1.0)
    return t


@pytest.mark.parametrize(
    "objects,width,height,frames",
    [
        (5, 0.0, 0.0, 150),
        (26, 0.0, 0.0, 150),
        (120, 0.0, 0.0, 120),
        (400, 0.0, 0.0, 40),
        (60, 640.0, 360.0, 150),  # crowded: ~5x street density
        (200, 800.0, 450.0, 80),  # very crowded
    ],
)
def test_sparse_equals_dense_on_generated_scenes(objects, width, height, frames):
    rng = np.random.default_rng(objects)
    scene = bytetrack_cpp.generate_scene(frames + 1, objects, seed=7, width=width, height=height)
    totals = dict.fromkeys(["frames", "sparse", "fallback", "lapjv_components", "matches"], 0)
    for (prev, _, _, _), (xyxy, scores, _, _) in zip(scene[:-1], scene[1:]):
        tracks = _jitter_tracks(rng, prev, 0.05)
        for limit, fuse in STAGES:
            _compare(tracks, xyxy, scores, limit, fuse, totals)
    assert totals["frames"] == 3 * frames
    # The sparse path did the work (no silent all-dense fallback) and matched.
    assert totals["sparse"] >= 0.9 * totals["frames"] * (objects > 8)
    assert totals["matches"] > 0
    if width:
        assert totals["lapjv_components"] > 0  # crowded: multi-track components were solved


def _tie_frame(rng, kind):
    n_t = int(rng.integers(1, 40))
    n_d = int(rng.integers(1, 40))
    size = rng.choice([60.0, 150.0, 400.0])
    t = np.floor(rng.uniform(0, size, (n_t, 2)))
    tw = np.floor(rng.uniform(8, 40, (n_t, 2)))
    tracks = np.hstack([t, t + tw])
    if kind == "tracks_on_dets":
        pick = rng.integers(0, n_t, n_d)
        dets = tracks[pick] + rng.integers(-1, 2, (n_d, 4)) * rng.integers(0, 2, (n_d, 1))
    else:
        d = np.floor(rng.uniform(0, size, (n_d, 2)))
        dw = np.floor(rng.uniform(8, 40, (n_d, 2)))
        dets = np.hstack([d, d + dw])
    dets[:, 2] = np.maximum(dets[:, 2], dets[:, 0] + 1)
    dets[:, 3] = np.maximum(dets[:, 3], dets[:, 1] + 1)
    if kind in ("duplicate_dets", "mixed"):
        dup = rng.integers(0, n_d, n_d // 2 + 1)
        dets = np.vstack([dets, dets[dup]])
    if kind in ("duplicate_tracks", "mixed"):
        dup = rng.integers(0, n_t, n_t // 2 + 1)
        tracks = np.vstack([tracks, tracks[dup]])
    rng.shuffle(dets)
    rng.shuffle(tracks)
    if kind in ("equal_scores", "mixed", "duplicate_dets"):
        scores = rng.choice([0.3, 0.6, 0.9], len(dets))
    else:
        scores = rng.uniform(0.1, 1.0, len(dets))
    return tracks.astype(float), dets.astype(float), scores


@pytest.mark.parametrize("kind", ["duplicate_dets", "duplicate_tracks", "equal_scores", "tracks_on_dets", "mixed"])
def test_sparse_equals_dense_with_exact_ties(kind):
    rng = np.random.default_rng(abs(hash(kind)) % 2**32)
    totals = dict.fromkeys(["frames", "sparse", "fallback", "lapjv_components", "matches"], 0)
    for _ in range(300):
        tracks, dets, scores = _tie_frame(rng, kind)
        for limit, fuse in STAGES:
            _compare(tracks, dets, scores, limit, fuse, totals)
    # Both paths were exercised: ties forced fallbacks, the rest was certified.
    assert totals["fallback"] > 0
    assert totals["sparse"] > 0


def test_cost_exactly_at_the_limit_falls_back_and_agrees():
    # IoU(+1) of these two boxes is exactly 0.5, so the unfused cost is 0.5 == limit:
    # matching and not matching tie.
    tracks = np.array([[0.0, 0.0, 9.0, 9.0]])
    dets = np.array([[0.0, 0.0, 9.0, 4.0]])  # 10 x 5 = 50 px inside the 100 px track
    xs, _, st = _core.match_boxes(tracks, dets, [0.9], 0.5, False, "sparse")
    xd, _, _ = _core.match_boxes(tracks, dets, [0.9], 0.5, False, "dense")
    assert st["fallback"] == 1
    np.testing.assert_array_equal(xs, xd)


def test_limit_of_one_uses_dense():
    # With limit 1 non-overlapping pairs (cost 1.0) may be matched: no sparsity.
    tracks = np.array([[0.0, 0.0, 9.0, 9.0], [100.0, 100.0, 109.0, 109.0]])
    dets = np.array([[300.0, 300.0, 309.0, 309.0], [0.0, 0.0, 9.0, 9.0]])
    xs, _, st = _core.match_boxes(tracks, dets, [0.9, 0.9], 1.0, False, "sparse")
    xd, _, _ = _core.match_boxes(tracks, dets, [0.9, 0.9], 1.0, False, "dense")
    assert st["fallback"] == 1
    np.testing.assert_array_equal(xs, xd)
    np.testing.assert_array_equal(xd, [1, 0])  # the far pair (cost 1.0 == limit) is matched too


def test_boxes_touching_within_one_pixel_overlap():
    # +1 pixel convention: [0, 9] and [10, 19] share the pixel edge: IoU > 0.
    tracks = np.array([[0.0, 0.0, 9.0, 9.0]] * 9)
    dets = np.array([[0.0, 0.0, 9.0, 9.0]] * 9) + [[10.0 - 0.5, 0.0, 10.0 - 0.5, 0.0]]
    for limit in (0.96, 0.99):
        xs, _, _ = _core.match_boxes(tracks, dets, np.ones(9), limit, False, "sparse")
        xd, _, _ = _core.match_boxes(tracks, dets, np.ones(9), limit, False, "dense")
        np.testing.assert_array_equal(xs, xd)
    assert (xd >= 0).all()


@pytest.mark.parametrize("offset", [0.0, 3e4, 7e8, 1e12, 9e14])
def test_near_touching_boxes_at_large_coordinates(offset):
    # The candidate filter tests rounded float boxes; its padding must keep
    # pairs whose gap is just under one pixel (IoU(+1) > 0) at any magnitude.
    rng = np.random.default_rng(int(offset) % 1000)
    base = np.array([[0.0, 0.0, 40.0, 80.0]]) + offset
    tracks = np.repeat(base, 12, axis=0)
    tracks[:, [0, 2]] += np.arange(12)[:, None] * 100.0
    dets = tracks.copy()
    gaps = rng.uniform(0.0, 0.999, 12)
    dets[:6, [0, 2]] += 40.0 + gaps[:6, None]  # right of the track, gap < 1 px
    dets[6:, [1, 3]] -= 80.0 + gaps[6:, None]  # above the track, gap < 1 px
    scores = np.full(12, 0.9)
    totals = dict.fromkeys(["frames", "sparse", "fallback", "lapjv_components", "matches"], 0)
    for limit, fuse in [(0.9999, False), (0.9999, True), (0.8, True)]:
        _compare(tracks, dets, scores, limit, fuse, totals)
    if offset < 1e12:  # beyond, the +1 overlap is lost to double rounding anyway
        assert totals["matches"] > 0


@pytest.mark.parametrize(
    "objects,width,height,preset",
    [
        (26, 0.0, 0.0, "ifzhang"),
        (120, 0.0, 0.0, "ifzhang-cpp"),
        (150, 800.0, 450.0, "ifzhang"),  # very crowded
        (300, 1280.0, 720.0, "ifzhang-cpp-2021"),
    ],
)
def test_tracker_with_sparse_association_equals_dense(objects, width, height, preset):
    scene = bytetrack_cpp.generate_scene(80, objects, seed=11, width=width, height=height)
    results = {}
    for method in ("dense", "sparse"):
        tracker = bytetrack_cpp.BYTETracker(preset=preset)
        tracker._set_association(method)
        frames = []
        for x, s, c, _ in scene:
            t = tracker.update(x, s, c)
            frames.append((t.track_id.tolist(), t.xyxy.tolist(), t.det_index.tolist()))
        results[method] = (frames, tracker._association_stats())
    assert results["sparse"][0] == results["dense"][0]
    assert results["sparse"][1]["sparse"] > 0
    assert results["dense"][1]["sparse"] == 0


@pytest.mark.parametrize("preset", ["ifzhang", "ifzhang-cpp"])
def test_slot_compaction_does_not_change_output(preset):
    # The pool is re-laid out in list order now and then (for cache locality);
    # compacting every frame must give exactly what never compacting gives.
    scene = bytetrack_cpp.generate_scene(120, 150, seed=5, width=1600, height=900)
    outputs = []
    for every in (0, 1, 7):
        tracker = bytetrack_cpp.BYTETracker(preset=preset)
        tracker._set_slot_compaction(every, 0)
        frames = []
        for x, s, c, _ in scene:
            t = tracker.update(x, s, c)
            frames.append((t.track_id.tolist(), t.xyxy.tolist(), t.score.tolist(), t.det_index.tolist()))
        outputs.append((frames, tracker.num_tracked, tracker.num_lost))
    assert outputs[1] == outputs[0]
    assert outputs[2] == outputs[0]
    assert sum(len(f[0]) for f in outputs[0][0]) > 5000
