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
Each repeat also measures what two threads gain on this machine at that moment for plain C work
(sha256 with the GIL released): the ceiling for "vs threads=1" (on a shared virtual machine it can be
well below 2.0 even when no other process of ours runs).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import threading
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


_BLOCK = bytes(range(256)) * 4096  # 1 MiB


def hash_work(rounds):
    for _ in range(rounds):
        hashlib.sha256(_BLOCK).digest()  # releases the GIL: pure CPU work in C


def machine_speedup(rounds=24):
    """What two threads can gain on this machine right now: the same CPU-bound C work (sha256, GIL
    released) on one thread, then split over two. On a quiet 2-core machine about 2.0; lower when
    other processes (or other virtual machines on the host) take CPU."""
    t0 = time.perf_counter()
    hash_work(rounds)
    one = time.perf_counter() - t0
    helper = threading.Thread(target=hash_work, args=(rounds // 2,))
    t0 = time.perf_counter()
    helper.start()
    hash_work(rounds - rounds // 2)
    helper.join()
    return one / (time.perf_counter() - t0)


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
    ceiling = []
    for _ in range(args.repeat):  # interleaved, so that load changes hit every case alike
        ceiling.append(machine_speedup())
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
    print(f"machine's own two-thread speed-up in the same run (sha256, see machine_speedup): best "
          f"{max(ceiling):.2f}x, median {statistics.median(ceiling):.2f}x")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
