"""Long-run memory and speed soak of the tracker engines (issue 5).

Feeds an endless synthetic scene (SceneGenerator with a short object lifetime, so
tracks are born and die all the time) through each engine and records, every
--interval frames, the process RSS and the mean time of one update() call over
that interval. Writes a CSV (always) and a PNG plot (if matplotlib is installed),
then checks the acceptance shape:

* RSS growth after the first 10,000 frames < 1 MB (max RSS after frame 10,000
  minus RSS at frame 10,000);
* mean update time of the last 100,000 frames within 10 % of frames
  10,000-110,000 (with fewer frames: the last and the first window after the
  warm-up, each a tenth of the run). With --control, time is the ratio to a
  control tracker fed the same frames and restarted every 1,000 frames, which
  cancels shifts in the machine's speed (shared virtual machines).

Update times are thread CPU time (what the tracker costs; a busy shared machine
inflates wall time) and wall time is recorded too.

    python benchmarks/soak.py --frames 1000000 --csv soak.csv --png soak.png
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import time
from dataclasses import dataclass
from typing import Callable

import bytetrack_cpp

WARMUP_FRAMES = 10_000
RSS_LIMIT_BYTES = 1_000_000
TIME_TOLERANCE = 0.10
BLOCK = 1_000


def rss_bytes() -> int:
    """Current resident set size of this process."""
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:  # not Linux: peak RSS is the best portable stand-in
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024


@dataclass
class Engine:
    """How to make an engine and feed it one frame (xyxy, scores, class_ids)."""

    make: Callable[[], object]
    update: Callable[[object, object, object, object], object]
    live_tracks: Callable[[object], int]


def _byte_tracker(preset: str) -> Engine:
    return Engine(
        make=lambda: bytetrack_cpp.BYTETracker(preset=preset),
        update=lambda t, xyxy, scores, classes: t.update(xyxy, scores, classes),
        live_tracks=lambda t: t.num_tracked + t.num_lost,
    )


def _supervision_input(cls):
    """An engine fed supervision.Detections (supervision imported lazily)."""

    def update(t, xyxy, scores, classes):
        import supervision as sv

        d = sv.Detections(xyxy=xyxy, confidence=scores, class_id=classes)
        return t.update_with_detections(d) if cls is bytetrack_cpp.ByteTrack else t.update(d)

    return update


ENGINES: dict[str, Engine] = {
    "ifzhang": _byte_tracker("ifzhang"),
    "ifzhang-cpp": _byte_tracker("ifzhang-cpp"),
    "ifzhang-cpp-2021": _byte_tracker("ifzhang-cpp-2021"),
    # supervision.Detections is built inside the timed call, as in a user's loop.
    "sv-ByteTrack": Engine(make=lambda: bytetrack_cpp.ByteTrack(),
                           update=_supervision_input(bytetrack_cpp.ByteTrack), live_tracks=lambda t: -1),
    "trackers-ByteTrackTracker": Engine(make=lambda: bytetrack_cpp.ByteTrackTracker(),
                                        update=_supervision_input(bytetrack_cpp.ByteTrackTracker),
                                        live_tracks=lambda t: -1),
    # Four streams, each frame to one of them in turn (a stream per camera).
    "MultiStreamTracker": Engine(make=lambda: [bytetrack_cpp.MultiStreamTracker(), 0],
                                 update=lambda t, xyxy, scores, classes: _multi_update(t, xyxy, scores, classes),
                                 live_tracks=lambda t: t[0].num_live_tracks),
}


def _multi_update(t, xyxy, scores, classes):
    t[1] += 1
    return t[0].update(t[1] % 4, xyxy, scores, classes)


@dataclass
class Sample:
    engine: str
    frame: int
    rss_bytes: int
    mean_update_us: float  # thread CPU time per update over the interval
    mean_update_wall_us: float
    median_block_us: float  # median over blocks of 1,000 frames of their mean CPU time per update
    p10_block_us: float  # 10th percentile of the same: least disturbed by other processes
    live_tracks: int
    detections: int
    # With control=True: median over blocks of (this engine's time / a control engine's time on the
    # same frames, interleaved frame by frame, the control restarted every block so that it never has
    # a long history). Shifts in machine speed hit both and cancel; growth with history does not.
    median_block_ratio: float = float("nan")


def soak(name: str, frames: int, interval: int, objects: float, lifetime: float, seed: int,
         progress: bool = False, control: bool = False) -> list[Sample]:
    engine = ENGINES[name]
    tracker = engine.make()
    reference = engine.make() if control else None
    control_ns = 0
    ratios: list[float] = []
    scene = bytetrack_cpp.SceneGenerator(num_frames=-1, objects_per_frame=objects, mean_lifetime=lifetime,
                                         seed=seed)
    samples: list[Sample] = []
    cpu_ns = wall_ns = dets = block_ns = 0
    blocks: list[float] = []
    thread_time, perf = time.thread_time_ns, time.perf_counter_ns
    update = engine.update
    for frame in range(1, frames + 1):
        xyxy, scores, classes, _ = next(scene)
        dets += len(scores)
        c0, w0 = thread_time(), perf()
        update(tracker, xyxy, scores, classes)
        w1, c1 = perf(), thread_time()
        cpu_ns += c1 - c0
        block_ns += c1 - c0
        wall_ns += w1 - w0
        if reference is not None:
            c0 = thread_time()
            update(reference, xyxy, scores, classes)
            control_ns += thread_time() - c0
        if frame % BLOCK == 0:
            blocks.append(block_ns / BLOCK / 1e3)
            if reference is not None:
                ratios.append(block_ns / max(control_ns, 1))
                reference, control_ns = engine.make(), 0
            block_ns = 0
        if frame % interval == 0:
            samples.append(Sample(name, frame, rss_bytes(), cpu_ns / interval / 1e3, wall_ns / interval / 1e3,
                                  statistics.median(blocks) if blocks else cpu_ns / interval / 1e3,
                                  _percentile(blocks, 0.1) if blocks else cpu_ns / interval / 1e3,
                                  engine.live_tracks(tracker), dets,
                                  statistics.median(ratios) if ratios else float("nan")))
            cpu_ns = wall_ns = dets = 0
            blocks.clear()
            ratios.clear()
            if progress:
                s = samples[-1]
                print(f"{name} {frame:>8} rss={s.rss_bytes / 1e6:8.2f} MB update={s.mean_update_us:7.2f} us "
                      f"live={s.live_tracks}", flush=True)
    return samples


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@dataclass
class Verdict:
    engine: str
    rss_at_warmup: int
    rss_growth: int
    early_us: float
    late_us: float
    windows: str

    @property
    def time_ratio(self) -> float:
        return self.late_us / self.early_us

    @property
    def ok(self) -> bool:
        return self.rss_growth < RSS_LIMIT_BYTES and abs(self.time_ratio - 1.0) <= TIME_TOLERANCE


def judge(samples: list[Sample], stat: str = "mean_update_us") -> Verdict:
    """The acceptance shape of one engine's samples (see the module docstring).
    stat "median_block_us" / "p10_block_us" judge the median / 10th percentile of
    1,000-frame blocks instead of the mean, which discounts load from other
    processes on a shared machine."""
    frames = samples[-1].frame
    interval = samples[0].frame
    warm = [s for s in samples if s.frame >= WARMUP_FRAMES]
    rss0 = warm[0].rss_bytes
    growth = max(s.rss_bytes for s in warm) - rss0
    window = 100_000 if frames >= WARMUP_FRAMES + 200_000 else max(interval, frames // 10)
    per = max(1, window // interval)
    early = [s for s in samples if WARMUP_FRAMES < s.frame <= WARMUP_FRAMES + window][:per]
    late = samples[-per:]
    mean = lambda xs: sum(getattr(s, stat) for s in xs) / len(xs)  # noqa: E731
    return Verdict(samples[0].engine, rss0, growth, mean(early), mean(late),
                   f"{early[0].frame - interval}-{early[-1].frame} vs {late[0].frame - interval}-{late[-1].frame}")


def write_csv(path: str, samples: list[Sample]) -> None:
    with open(path, "w", newline="") as handle:
        w = csv.writer(handle)
        w.writerow(["engine", "frame", "rss_bytes", "mean_update_us", "mean_update_wall_us", "median_block_us",
                    "p10_block_us", "live_tracks", "detections_in_interval"])
        for s in samples:
            w.writerow([s.engine, s.frame, s.rss_bytes, f"{s.mean_update_us:.4f}", f"{s.mean_update_wall_us:.4f}",
                        f"{s.median_block_us:.4f}", f"{s.p10_block_us:.4f}", s.live_tracks, s.detections])


def write_png(path: str, samples: list[Sample], title: str) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, (ax_rss, ax_t) = plt.subplots(2, 1, figsize=(9, 7), sharex=True)
    for name in dict.fromkeys(s.engine for s in samples):
        xs = [s for s in samples if s.engine == name]
        ax_rss.plot([s.frame for s in xs], [s.rss_bytes / 1e6 for s in xs], label=name)
        ax_t.plot([s.frame for s in xs], [s.mean_update_us for s in xs], label=name)
    ax_rss.set_ylabel("process RSS (MB)")
    ax_t.set_ylabel("mean update() CPU time (us)")
    ax_t.set_xlabel("frame")
    ax_t.set_ylim(bottom=0)
    ax_rss.legend()
    ax_rss.set_title(title)
    for ax in (ax_rss, ax_t):
        ax.axvline(WARMUP_FRAMES, color="grey", lw=0.5, ls="--")
        ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--frames", type=int, default=1_000_000)
    p.add_argument("--interval", type=int, default=10_000)
    p.add_argument("--engines", default=",".join(ENGINES), help=f"comma-separated, from: {', '.join(ENGINES)}")
    p.add_argument("--objects", type=float, default=20.0, help="mean objects per frame")
    p.add_argument("--lifetime", type=float, default=40.0, help="mean object lifetime in frames")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--csv", default="soak.csv")
    p.add_argument("--png", default="soak.png")
    p.add_argument("--quiet", action="store_true")
    p.add_argument("--control", action="store_true",
                   help="also time a control tracker (restarted every 1,000 frames) on the same frames and "
                        "judge time by the ratio to it, which cancels shifts in machine speed")
    args = p.parse_args(argv)
    if args.frames < WARMUP_FRAMES + 2 * args.interval:
        p.error(f"--frames must be at least {WARMUP_FRAMES + 2 * args.interval}")

    all_samples: list[Sample] = []
    verdicts = []
    for name in args.engines.split(","):
        if name not in ENGINES:
            p.error(f"unknown engine {name!r}")
        start = time.perf_counter()
        samples = soak(name, args.frames, args.interval, args.objects, args.lifetime, args.seed,
                       progress=not args.quiet, control=args.control)
        all_samples += samples
        write_csv(args.csv, all_samples)  # keep what we have if a later engine is interrupted
        v = judge(samples)
        m = judge(samples, "median_block_us")
        q = judge(samples, "p10_block_us")
        c = judge(samples, "median_block_ratio") if args.control else None
        verdicts.append(c if c is not None else v)
        print(f"{name}: {args.frames} frames in {time.perf_counter() - start:.0f} s; RSS at frame "
              f"{WARMUP_FRAMES}: {v.rss_at_warmup / 1e6:.2f} MB, growth after: {v.rss_growth / 1e3:.1f} kB; "
              f"mean update {v.early_us:.2f} us -> {v.late_us:.2f} us ({v.windows}), "
              f"ratio {v.time_ratio:.3f} (median blocks: {m.early_us:.2f} -> {m.late_us:.2f} us, "
              f"ratio {m.time_ratio:.3f}; 10th percentile blocks: {q.early_us:.2f} -> {q.late_us:.2f} us, "
              f"ratio {q.time_ratio:.3f}"
              + (f"; time / control: {c.early_us:.3f} -> {c.late_us:.3f}, ratio {c.time_ratio:.3f}" if c else "")
              + f"): {'PASS' if verdicts[-1].ok else 'FAIL'}", flush=True)
    title = (f"soak: {args.frames:,} frames, ~{args.objects:g} objects/frame, "
             f"mean lifetime {args.lifetime:g} frames")
    plotted = write_png(args.png, all_samples, title)
    print(f"wrote {args.csv}" + (f" and {args.png}" if plotted else " (matplotlib missing: no plot)"))
    return 0 if all(v.ok for v in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
