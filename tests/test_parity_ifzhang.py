"""Issue 2 acceptance: BYTETracker presets against the real ifzhang reference outputs."""

import json

import numpy as np
import pytest

import bytetrack_cpp
from refdata import INPUTS, SHARED, load_input, load_reference, require_shared

PRESETS = {
    "ifzhang-python": ("ifzhang", "python", 1e-6),
    "ifzhang-cpp": ("ifzhang-cpp", "cpp", 1e-3),
    "ifzhang-cpp-2021": ("ifzhang-cpp-2021", "cpp", 1e-3),
}


def run_tracker(seq, preset):
    tracker = bytetrack_cpp.BYTETracker(track_thresh=0.5, track_buffer=30, match_thresh=0.8,
                                        frame_rate=seq.fps, preset=preset)
    for number, (xyxy, scores, classes) in zip(seq.numbers, seq.frames):
        yield number, tracker.update(xyxy, scores, classes)


@pytest.mark.parametrize("reference", sorted(PRESETS))
@pytest.mark.parametrize("name", INPUTS)
def test_reference_csv(reference, name):
    preset, flavour, tol = PRESETS[reference]
    seq = load_input(name, flavour)
    expected = load_reference(reference, name)
    frames_checked = 0
    max_err = 0.0
    for number, tracks in run_tracker(seq, preset):
        rows = expected.get(number, [])
        ids = [r[0] for r in rows]
        assert tracks.track_id.tolist() == ids, f"{name} frame {number}: ids differ"
        if rows:
            want = np.array([r[1:5] for r in rows])
            err = float(np.max(np.abs(tracks.xyxy - want)))
            max_err = max(max_err, err)
            assert err <= tol, f"{name} frame {number}: box error {err}"
            np.testing.assert_allclose(tracks.score, [r[5] for r in rows], rtol=0, atol=1e-6)
            # det_index points at the detection that updated the track.
            xyxy, scores, _ = seq.frames[seq.numbers.index(number)]
            assert np.array_equal(scores[tracks.det_index], tracks.score)
        frames_checked += 1
    assert frames_checked == len(seq)
    assert sum(len(v) for v in expected.values()) > 0


def test_palace_tracking_results_json():
    """The original palace-yolox output of the 2021 ncnn tracker: ids exact, boxes within 1e-2 px."""
    require_shared()
    seq = load_input("palace-yolox", "cpp")
    doc = json.loads((SHARED / "palace-yolox" / "tracking_results.json").read_text())
    expected = {}
    for r in doc["results"]:
        expected.setdefault(int(r["frame_id"]), []).append(
            (int(r["track_id"]), float(r["x"]), float(r["y"]), float(r["width"]), float(r["height"])))
    assert sum(len(v) for v in expected.values()) == 6008
    for number, tracks in run_tracker(seq, "ifzhang-cpp-2021"):
        rows = expected.get(number, [])
        assert sorted(tracks.track_id.tolist()) == sorted(r[0] for r in rows), f"frame {number}"
        by_id = {r[0]: r[1:] for r in rows}
        for tid, (x1, y1, x2, y2) in zip(tracks.track_id.tolist(), tracks.xyxy.tolist()):
            x, y, w, h = by_id[tid]
            assert max(abs(x1 - x), abs(y1 - y), abs(x2 - x1 - w), abs(y2 - y1 - h)) <= 1e-2, f"frame {number} id {tid}"
