"""bytetrack_cpp.ByteTrack vs supervision's sv.ByteTrack, Detections in and out.

    python benchmarks/bench_supervision.py [--repeats 5]

Both get the same sv.Detections (float32 xyxy and confidence, class_id, built
before timing) from real detections (rfdetr-walk, MOT17-04-FRCNN in
../shared/data) and both return sv.Detections. Ours reproduces the installed
supervision version (0.30.9 or 0.27.0.post1). Passes alternate between the two
trackers so machine noise hits both alike; the ratio of mean microseconds per
update_with_detections() call is what matters. Outputs are checked identical.
"""

from __future__ import annotations

import argparse
import sys
import warnings

import numpy as np

from common import SHARED, alternate, load_real_sequence, machine_summary, ratio_row, sv_inputs

import bytetrack_cpp

SEQUENCES = ["rfdetr-walk", "MOT17-04-FRCNN"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5, help="passes over each sequence per tracker")
    args = parser.parse_args(argv)
    if not SHARED.is_dir():
        print(f"shared data not found at {SHARED}", file=sys.stderr)
        return 2
    try:
        import supervision as sv
    except ImportError:
        print("supervision is needed for this comparison: pip install .[bench]", file=sys.stderr)
        return 2
    if sv.__version__ not in ("0.27.0.post1", "0.30.9"):
        print(f"supervision {sv.__version__} installed; need 0.27.0.post1 or 0.30.9", file=sys.stderr)
        return 2
    warnings.filterwarnings("ignore")
    print(f"machine: {machine_summary()}")
    print(f"supervision {sv.__version__}, bytetrack_cpp {bytetrack_cpp.__version__} (version={sv.__version__!r})")
    print(f"{'sequence':<16} {'frames':>6} {'det/frame':>9} {'sv.ByteTrack us':>16} {'ours us':>9} {'ratio':>7}")
    for name in SEQUENCES:
        frames, rate = load_real_sequence(name)
        inputs = sv_inputs(sv, frames)
        # Same output, checked once outside the timed passes.
        reference = sv.ByteTrack(frame_rate=rate)
        ours = bytetrack_cpp.ByteTrack(frame_rate=rate, version=sv.__version__)
        for (d,) in inputs:
            a = reference.update_with_detections(d)
            b = ours.update_with_detections(d)
            if not np.array_equal(a.tracker_id, b.tracker_id) or not np.array_equal(a.xyxy, b.xyxy):
                print(f"{name}: outputs differ", file=sys.stderr)
                return 1
        # 0.27 writes tracker_id into its input; start every pass from clean inputs.
        fresh = [[(sv.Detections(xyxy=d.xyxy.copy(), confidence=d.confidence.copy(), class_id=d.class_id.copy()),)
                  for (d,) in inputs] for _ in range(args.repeats)]
        ours_us, sv_us = alternate(
            args.repeats,
            lambda r: (bytetrack_cpp.ByteTrack(frame_rate=rate, version=sv.__version__).update_with_detections, inputs),
            lambda r: (sv.ByteTrack(frame_rate=rate).update_with_detections, fresh[r]))
        print(ratio_row(name, frames, sv_us, ours_us))
    return 0


if __name__ == "__main__":
    sys.exit(main())
