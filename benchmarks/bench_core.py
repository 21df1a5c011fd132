"""BYTETracker vs supervision's sv.ByteTrack: mean microseconds per update, one run.

    python benchmarks/bench_core.py [--repeats 5]

Both trackers get the same real detections (rfdetr-walk, MOT17-04-FRCNN from
../shared/data); inputs are prepared before timing (NumPy arrays for ours,
sv.Detections for supervision). Runs alternate between the two trackers so that
machine noise hits both alike. The ratio is what matters; absolute times drift.
"""

from __future__ import annotations

import argparse
import sys
import warnings


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
    warnings.filterwarnings("ignore")
    print(f"machine: {machine_summary()}")
    print(f"supervision {sv.__version__}, bytetrack_cpp {bytetrack_cpp.__version__}")
    print(f"{'sequence':<16} {'frames':>6} {'det/frame':>9} {'sv.ByteTrack us':>16} {'ours us':>9} {'ratio':>7}")
    for name in SEQUENCES:
        frames, rate = load_real_sequence(name)
        ours_in = [(x, s, c) for x, s, c in frames]
        sv_in = sv_inputs(sv, frames)
        ours_us, sv_us = alternate(
            args.repeats,
            lambda r: (bytetrack_cpp.BYTETracker(frame_rate=rate).update, ours_in),
            lambda r: (sv.ByteTrack(frame_rate=rate).update_with_detections, sv_in))
        print(ratio_row(name, frames, sv_us, ours_us))
    return 0


if __name__ == "__main__":
    sys.exit(main())
