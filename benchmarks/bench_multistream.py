"""Multi-stream throughput: a Python loop of MultiStreamTracker.update vs one update_batch per frame.

    python benchmarks/bench_multistream.py [--streams 64] [--frames 300] [--repeat 5] [--objects 4.5 26]

Every stream gets its own deterministic street scene from bytetrack_cpp.generate_scene (objects
entering and leaving, misses, occlusions, low-score detections and false positives), at each density
of --objects (by default the "street ~5" and "street 26" densities of benchmarks/run.py). Scenes are
generated before timing. Reported per density:
camera frames per second (stream-frames/s) for

  loop      for each frame: for each stream: mst.update(stream_id, xyxy, scores)
  batch Tn  for each frame: mst.update_batch({stream_id: (xyxy, scores), ...}) with threads=n

each timed `--repeat` times (interleaved); the best and the median run are printed, and the process
CPU time / wall time of the best run. With threads=2 it is about 2 whenever the worker ran: an idle
worker spin-waits up to 100 us for the next batch (bytetrack::ThreadPool), which counts as CPU time.
It falls below 2 when another process held a core; then the threads=2 speed-up is not meaningful.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # idle BLAS threads must not compete with ours

import numpy as np  # noqa: E402

import bytetrack_cpp  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import machine_summary  # noqa: E402


def street_scenes(n_streams: int, n_frames: int, objects_per_frame: float):
    """One deterministic generated street scene per stream: (xyxy, scores) per frame."""
    return [[(f[0], f[1]) for f in bytetrack_cpp.generate_scene(num_frames=n_frames,
                                                             objects_per_frame=objects_per_frame, seed=1000 + k)]
            for k in range(n_streams)]


def run_loop(scenes, n_frames):
    mst = bytetrack_cpp.MultiStreamTracker(threads=1)
    ids = list(range(len(scenes)))
    t0, c0 = time.perf_counter(), time.process_time()
    for t in range(n_frames):
        for sid in ids:
            mst.update(sid, *scenes[sid][t])
    return time.perf_counter() - t0, time.process_time() - c0


def run_batch(scenes, n_frames, threads):
    mst = bytetrack_cpp.MultiStreamTracker(threads=threads)
    ids = list(range(len(scenes)))
    t0, c0 = time.perf_counter(), time.process_time()
    for t in range(n_frames):
        mst.update_batch({sid: scenes[sid][t] for sid in ids})
    return time.perf_counter() - t0, time.process_time() - c0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--streams", type=int, default=64)
    parser.add_argument("--frames", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--objects", type=float, nargs="+", default=[4.5, 26.0],
                        help="mean objects per frame, one run per value")
    args = parser.parse_args()
    print(f"machine: {machine_summary()}")
    for objects in args.objects:
        run_density(args, objects)


def run_density(args, objects):
    scenes = street_scenes(args.streams, args.frames, objects)
    dets = np.array([len(f[1]) for s in scenes for f in s])
    print(f"\n{args.streams} streams x {args.frames} frames, objects_per_frame={objects}: {dets.mean():.1f} detections/frame "
          f"(min {dets.min()}, max {dets.max()}), {100 * np.mean(np.concatenate([f[1] for s in scenes for f in s]) < 0.5):.0f}% "
          f"scores < 0.5")
    print(f"load average before: {os.getloadavg()[0]:.2f}")

    cases = [("loop of update (threads=1)", lambda: run_loop(scenes, args.frames))]
    for n in args.threads:
        cases.append((f"update_batch threads={n}", lambda n=n: run_batch(scenes, args.frames, n)))
    cases[0][1]()  # warm up caches and allocators
    times = {name: [] for name, _ in cases}
    cpu = {name: [] for name, _ in cases}
    for _ in range(args.repeat):  # interleaved, so that load changes hit every case alike
        for name, fn in cases:
            wall, used = fn()
            times[name].append(wall)
            cpu[name].append(used)
    stream_frames = args.streams * args.frames
    base_best = min(times[cases[0][0]])
    first_batch = min(times[cases[1][0]]) if len(cases) > 1 else None
    print(f"{'case':30s} {'best frames/s':>14s} {'median frames/s':>16s} {'us/stream-frame':>16s} {'vs loop':>8s} "
          f"{'vs threads=1':>12s} {'CPU/wall':>9s}")
    for name, _ in cases:
        best, med = min(times[name]), statistics.median(times[name])
        rel = f"{first_batch / best:.2f}x" if name.startswith("update_batch") else ""
        k = times[name].index(best)
        print(f"{name:30s} {stream_frames / best:14.0f} {stream_frames / med:16.0f} {best / stream_frames * 1e6:16.2f} "
              f"{base_best / best:7.2f}x {rel:>12s} {cpu[name][k] / best:9.2f}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
