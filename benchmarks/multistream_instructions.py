"""Instructions per stream-frame of the multi-stream call paths, counted by callgrind.

    python benchmarks/multistream_instructions.py [--objects 4.5 26] [--streams 64] [--frames 40]

Wall-clock ratios on a shared virtual machine drift from run to run; instruction counts do not. For each
density this runs one child process per case under `valgrind --tool=callgrind` (the same scenes as
bench_multistream.py) and subtracts a child that only prepares the input:

  loop of update   for each frame: for each stream: mst.update(stream_id, xyxy, scores)
  update_batch     for each frame: mst.update_batch({stream_id: (xyxy, scores), ...}), threads=1
  BYTETracker loop for each frame: for each stream: trackers[stream_id].update(xyxy, scores)

"BYTETracker loop" is the tracking plus the cheapest possible call. A fourth count, "tracking alone",
collects only inside BYTETracker::update_validated (the C++ update after the input check) in the
BYTETracker loop: no batch, however it is called, does less than that, so "loop / tracking alone" is
the most update_batch at threads=1 could gain over the loop if everything else in it cost nothing.
Children run with PYTHONHASHSEED=0, so the counts repeat exactly. Needs valgrind.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

CASES = ["prepare", "loop", "batch", "bytetracker"]


def child(case: str, streams: int, frames: int, objects: float) -> None:
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import bytetrack_cpp
    from bench_multistream import street_scenes

    scenes = street_scenes(streams, frames, objects)
    batches = [{sid: scenes[sid][t] for sid in range(streams)} for t in range(frames)]
    mst = bytetrack_cpp.MultiStreamTracker(threads=1)
    trackers = [bytetrack_cpp.BYTETracker() for _ in range(streams)]
    if case == "loop":
        for t in range(frames):
            for sid in range(streams):
                mst.update(sid, *scenes[sid][t])
    elif case == "batch":
        for batch in batches:
            mst.update_batch(batch)
    elif case == "bytetracker":
        for t in range(frames):
            for sid in range(streams):
                trackers[sid].update(*scenes[sid][t])


# Collects only inside this function (and what it calls) when counting "tracking alone".
TRACKING_ONLY = "bytetrack::BYTETracker::update_validated*"


def count(case: str, args, objects: float, only: str | None = None) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/out"]
        if only:
            cmd.append(f"--toggle-collect={only}")
        cmd += [sys.executable, os.path.abspath(__file__), "--child", case, "--streams", str(args.streams),
                "--frames", str(args.frames), "--objects", str(objects)]
        env = dict(os.environ, PYTHONHASHSEED="0")
        run = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env)
    found = re.search(r"Collected : (\d+)", run.stderr)
    if not found:
        raise RuntimeError(f"no instruction count from callgrind:\n{run.stderr[-2000:]}")
    if only and int(found.group(1)) == 0:
        raise RuntimeError(f"callgrind saw no call of {only}: the extension's symbol table is needed")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--streams", type=int, default=64)
    parser.add_argument("--frames", type=int, default=40)
    parser.add_argument("--objects", type=float, nargs="+", default=[4.5, 26.0])
    parser.add_argument("--child", choices=CASES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.streams, args.frames, args.objects[0])
        return
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed")
    stream_frames = args.streams * args.frames
    for objects in args.objects:
        counts = {case: count(case, args, objects) for case in CASES}
        per = {case: (counts[case] - counts["prepare"]) / stream_frames for case in CASES[1:]}
        per["tracking"] = count("bytetracker", args, objects, only=TRACKING_ONLY) / stream_frames
        print(f"\n{args.streams} streams x {args.frames} frames, objects_per_frame={objects}: "
              f"instructions per stream-frame")
        for case, label in [("loop", "loop of update"), ("batch", "update_batch threads=1"),
                            ("bytetracker", "BYTETracker loop"), ("tracking", "tracking alone")]:
            print(f"  {label:24s} {per[case]:10.0f}   loop / this {per['loop'] / per[case]:.2f}x")


if __name__ == "__main__":
    main()
