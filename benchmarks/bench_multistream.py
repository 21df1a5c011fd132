"""Multi-stream throughput: a Python loop of MultiStreamTracker.update vs one update_batch per frame.

    python benchmarks/bench_multistream.py [--streams 64] [--frames 300] [--repeat 5]

Every stream gets its own deterministic street-like scene (objects walking or driving in from
the image borders and leaving again, ~20-30 detections per frame, missed detections, some
low-score detections and false positives). Scenes are generated before timing. Reported:
camera frames per second (stream-frames/s) for

  loop      for each frame: for each stream: mst.update(stream_id, xyxy, scores)
  batch Tn  for each frame: mst.update_batch({stream_id: (xyxy, scores), ...}) with threads=n

each timed `--repeat` times; the best and the median run are printed.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import numpy as np

import bytetrack_cpp


def street_scene(seed: int, n_frames: int, width: float = 1920.0, height: float = 1080.0, population: int = 24):
    """One camera: list of (xyxy float64 (N, 4), scores float64 (N,)) per frame."""
    rng = np.random.default_rng(seed)
    objects = []  # each: [cx, cy, vx, vy, w, h, detectability]

    def spawn():
        car = rng.random() < 0.3
        w, h = (rng.uniform(120, 260), rng.uniform(80, 150)) if car else (rng.uniform(30, 70), rng.uniform(80, 190))
        speed = rng.uniform(4, 12) if car else rng.uniform(0.8, 3.0)
        side = rng.integers(4)
        if side == 0:  # enters from the left
            cx, cy, vx, vy = -w / 2, rng.uniform(0.35, 0.95) * height, speed, rng.normal(0, 0.3)
        elif side == 1:  # from the right
            cx, cy, vx, vy = width + w / 2, rng.uniform(0.35, 0.95) * height, -speed, rng.normal(0, 0.3)
        elif side == 2:  # from the far end of the street, walking towards the camera
            cx, cy, vx, vy = rng.uniform(0.2, 0.8) * width, 0.35 * height, rng.normal(0, 0.5), speed * 0.5
        else:  # already in view
            cx, cy = rng.uniform(0.1, 0.9) * width, rng.uniform(0.4, 0.9) * height
            vx, vy = rng.choice([-1, 1]) * speed, rng.normal(0, 0.3)
        objects.append([cx, cy, vx, vy, w, h, rng.uniform(0.75, 0.98)])

    for _ in range(population):
        spawn()
        objects[-1][0] = rng.uniform(0.05, 0.95) * width
    frames = []
    for _ in range(n_frames):
        boxes, scores = [], []
        for o in objects:
            o[0] += o[2] + rng.normal(0, 0.4)
            o[1] += o[3] + rng.normal(0, 0.2)
            cx, cy, w, h = o[0], o[1], o[4], o[5]
            if cx + w / 2 < 0 or cx - w / 2 > width or cy - h / 2 > height:
                continue
            if rng.random() > o[6]:  # missed (occlusion)
                continue
            jitter = rng.normal(0, 2.0, 4)
            x1, y1 = max(0.0, cx - w / 2 + jitter[0]), max(0.0, cy - h / 2 + jitter[1])
            x2, y2 = min(width, cx + w / 2 + jitter[2]), min(height, cy + h / 2 + jitter[3])
            if x2 - x1 < 4 or y2 - y1 < 4:
                continue
            boxes.append((x1, y1, x2, y2))
            # Mostly confident; partly occluded objects come out low.
            scores.append(rng.uniform(0.15, 0.5) if rng.random() < 0.15 else rng.uniform(0.55, 0.97))
        for _ in range(rng.poisson(2.0)):  # false positives, low scores
            x, y = rng.uniform(0, width - 60), rng.uniform(0, height - 120)
            boxes.append((x, y, x + rng.uniform(20, 60), y + rng.uniform(40, 120)))
            scores.append(rng.uniform(0.1, 0.45))
        frames.append((np.asarray(boxes, dtype=np.float64).reshape(-1, 4), np.asarray(scores, dtype=np.float64)))
        # Objects that left are replaced by new ones entering.
        objects[:] = [o for o in objects if -o[4] <= o[0] <= width + o[4] and o[1] - o[5] / 2 <= height]
        while len(objects) < population:
            spawn()
    return frames


def run_loop(scenes, n_frames):
    mst = bytetrack_cpp.MultiStreamTracker(threads=1)
    ids = list(range(len(scenes)))
    t0 = time.perf_counter()
    for t in range(n_frames):
        for sid in ids:
            mst.update(sid, *scenes[sid][t])
    return time.perf_counter() - t0


def run_batch(scenes, n_frames, threads):
    mst = bytetrack_cpp.MultiStreamTracker(threads=threads)
    ids = list(range(len(scenes)))
    t0 = time.perf_counter()
    for t in range(n_frames):
        mst.update_batch({sid: scenes[sid][t] for sid in ids})
    return time.perf_counter() - t0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--streams", type=int, default=64)
    parser.add_argument("--frames", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()

    scenes = [street_scene(1000 + k, args.frames) for k in range(args.streams)]
    dets = np.array([len(f[1]) for s in scenes for f in s])
    print(f"{args.streams} streams x {args.frames} frames, {dets.mean():.1f} detections/frame "
          f"(min {dets.min()}, max {dets.max()}), {100 * np.mean(np.concatenate([f[1] for s in scenes for f in s]) < 0.5):.0f}% "
          f"scores < 0.5")
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cpus, "
          f"Python {platform.python_version()}, numpy {np.__version__}, bytetrack_cpp {bytetrack_cpp.__version__}")

    cases = [("loop of update (threads=1)", lambda: run_loop(scenes, args.frames))]
    for n in args.threads:
        cases.append((f"update_batch threads={n}", lambda n=n: run_batch(scenes, args.frames, n)))
    cases[0][1]()  # warm up caches and allocators
    times = {name: [] for name, _ in cases}
    for _ in range(args.repeat):  # interleaved, so that load changes hit every case alike
        for name, fn in cases:
            times[name].append(fn())
    stream_frames = args.streams * args.frames
    base_best = min(times[cases[0][0]])
    first_batch = min(times[cases[1][0]]) if len(cases) > 1 else None
    print(f"{'case':30s} {'best frames/s':>14s} {'median frames/s':>16s} {'us/stream-frame':>16s} {'vs loop':>8s} "
          f"{'vs threads=1':>12s}")
    for name, _ in cases:
        best, med = min(times[name]), statistics.median(times[name])
        rel = f"{first_batch / best:.2f}x" if name.startswith("update_batch") else ""
        print(f"{name:30s} {stream_frames / best:14.0f} {stream_frames / med:16.0f} {best / stream_frames * 1e6:16.2f} "
              f"{base_best / best:7.2f}x {rel:>12s}")


if __name__ == "__main__":
    main()
