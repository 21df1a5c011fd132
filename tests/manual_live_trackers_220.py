"""Manual check (not collected by pytest): bytetrack_cpp.ByteTrackTracker(version="2.2.0")
against the real trackers 2.2.0 on the generated scenes of test_live_trackers.py, comparing
whole supervision.Detections, plus 2.2.0's empty-input rules.

trackers 2.2.0 needs supervision 0.27, which conflicts with the test environment, so run
it from a separate environment that has bytetrack_cpp, pytest, trackers==2.2.0 and
supervision==0.27.0.post1:

    python tests/manual_live_trackers_220.py
"""

import sys
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
warnings.filterwarnings("ignore")

import supervision as sv  # noqa: E402
import trackers  # noqa: E402

import bytetrack_cpp  # noqa: E402
import test_live_trackers as live  # noqa: E402


def main():
    rows = 0
    for name, (seed, settings, det_options, scene_options) in sorted(live.SCENES.items()):
        frames = live.generate_scene(seed, **scene_options)
        ref = trackers.ByteTrackTracker(**settings)
        ref.reset()  # 2.2.0 ids live in a class attribute; start from 0
        ours = bytetrack_cpp.ByteTrackTracker(version="2.2.0", **settings)
        for f, frame in enumerate(frames):
            detections = live.to_detections(frame, **det_options)
            want = ref.update(detections)
            live.assert_same_detections(ours.update(detections), want, f"{name} frame {f}")
            rows += len(want)
        print(f"{name}: identical on {len(frames)} frames")

    ref = trackers.ByteTrackTracker()
    ref.reset()
    ours = bytetrack_cpp.ByteTrackTracker(version="2.2.0")
    high = sv.Detections(xyxy=np.array([[0, 0, 10, 10]], np.float32), confidence=np.array([0.9]),
                         metadata={"a": 1}, data={"k": ["x"]})
    low = sv.Detections(xyxy=np.array([[500, 0, 510, 10]], np.float32), confidence=np.array([0.65]),
                        metadata={"a": 1})
    empty = high[np.array([], dtype=int)]
    for d in [empty, high, low, high, sv.Detections.empty(), empty, empty, empty, low]:
        live.assert_same_detections(ours.update(d), ref.update(d), "empty-input rules")
    print(f"trackers 2.2.0: identical output ({rows} rows) and empty-input rules")


if __name__ == "__main__":
    main()
