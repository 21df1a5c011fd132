"""Fixed cost of one call through the Python API: update() on frames with no detections.

    python benchmarks/call_overhead.py [--calls 64] [--repeat 300]

With no detections the tracker does almost nothing, so the time per call is what the binding costs
(argument parsing, input checks, building the result object) plus the Python loop around it:

  BYTETracker.update                      t.update(xyxy, scores) in a Python loop
  MultiStreamTracker.update               m.update(stream_id, xyxy, scores) over --calls streams
  MultiStreamTracker.update_batch         one update_batch({stream_id: (xyxy, scores), ...}) of --calls
                                          entries (dict built inside the timed region), per entry
  Tracks.xyxy + track_id                  first read of two columns of a one-row result (each column is
                                          built on first access, then kept)

Best of --repeat runs, in microseconds per call (per entry for the batch).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

import bytetrack_cpp

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import machine_summary  # noqa: E402


def best_us(fn, calls, repeat):
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best / calls * 1e6


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--calls", type=int, default=64)
    p.add_argument("--repeat", type=int, default=300)
    args = p.parse_args()
    xyxy, scores = np.zeros((0, 4)), np.zeros(0)
    ids = list(range(args.calls))
    tracker = bytetrack_cpp.BYTETracker()
    multi = bytetrack_cpp.MultiStreamTracker()
    one = bytetrack_cpp.BYTETracker()
    one.update(np.array([[0.0, 0.0, 10.0, 20.0]]), np.array([0.9]))
    result = one.update(np.array([[0.0, 0.0, 10.0, 20.0]]), np.array([0.9]))

    def single():
        up = tracker.update
        for _ in ids:
            up(xyxy, scores)

    def loop():
        up = multi.update
        for sid in ids:
            up(sid, xyxy, scores)

    def batch():
        multi.update_batch({sid: (xyxy, scores) for sid in ids})

    box, score = np.array([[0.0, 0.0, 10.0, 20.0]]), np.array([0.9])

    def columns_us():
        # Fresh results each run (columns are built once per object), made outside the timed region.
        best = float("inf")
        for _ in range(args.repeat):
            results = [one.update(box, score) for _ in ids]
            t0 = time.perf_counter()
            for r in results:
                r.xyxy, r.track_id
            best = min(best, time.perf_counter() - t0)
        return best / args.calls * 1e6

    assert len(result) == 1
    print(f"machine: {machine_summary()}")
    rows = [("BYTETracker.update", best_us(single, args.calls, args.repeat)),
            ("MultiStreamTracker.update", best_us(loop, args.calls, args.repeat)),
            ("MultiStreamTracker.update_batch", best_us(batch, args.calls, args.repeat)),
            ("Tracks.xyxy + track_id", columns_us())]
    for name, us in rows:
        print(f"{name:34s} {us:6.3f} us per call")


if __name__ == "__main__":
    main()
