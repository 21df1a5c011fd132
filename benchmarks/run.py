"""Benchmark: bytetrack_cpp against every ByteTrack peer it can import.

    pip install .[bench]
    python benchmarks/run.py                 # table + benchmarks/out/{results.json,sweep.png}
    python benchmarks/run.py --quick         # fewer frames, for a smoke test

Times, in one run and interleaved (blocks of --block frames, 100 by default, library order
rotating from block to block, so background load hits all alike), each library's update() through its
own Python API, with its input
prepared beforehand (outside the timed region): ours (bytetrack_cpp.BYTETracker,
NumPy float64 input), roboflow trackers.ByteTrackTracker, supervision
sv.ByteTrack, trackforge, visiontrack-cpp and edgefirst-tracker, each with its
default parameters. A library that is not installed or fails to import is
reported as "not available". Scenes: synthetic street scenes from
bytetrack_cpp.generate_scene at ~5, 26, 120 and 400 detections per frame, a
scaling sweep N = 10 ... 10,000 objects, and the real sequences rfdetr-walk and
MOT17-04-FRCNN if the shared data folder is present (--data, or
$BYTETRACK_SHARED_DATA). Slow libraries are capped: each gets --budget seconds
of update() time per scene (at least 3 frames), and is skipped at a sweep size
where its previous median, scaled quadratically, would exceed --max-call
seconds per frame; the table says so. With --native PATH (tools/bench_native,
built with -DBYTETRACK_BUILD_TOOLS=ON) the same scenes are also timed in C++
without Python, giving the binding overhead.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

import bytetrack_cpp

ROOT = Path(__file__).resolve().parents[1]
OURS = "bytetrack_cpp"


# ----------------------------------------------------------------- scenes


class Scene:
    def __init__(self, name, kind, frames, objects=None, seed=None):
        self.name = name
        self.kind = kind  # "density", "sweep" or "real"
        self.frames = frames  # list of (xyxy float64 (N, 4), scores float64 (N,), class_ids int64 (N,))
        self.objects = objects
        self.seed = seed

    @property
    def dets_per_frame(self):
        return float(np.mean([len(f[1]) for f in self.frames])) if self.frames else 0.0


def synthetic(name, kind, objects, frames, seed=1):
    rows = bytetrack_cpp.generate_scene(frames, objects, seed=seed)
    return Scene(name, kind, [(x, s, c) for x, s, c, _ in rows], objects=objects, seed=seed)


def load_rfdetr_walk(data: Path):
    doc = json.loads((data / "rfdetr-walk" / "detections.json").read_text())["detections"]
    frames = []
    for dets in doc:
        xyxy = np.array([d["box"] for d in dets], dtype=np.float64).reshape(-1, 4)
        scores = np.array([d["score"] for d in dets], dtype=np.float64)
        classes = np.array([d["class_id"] for d in dets], dtype=np.int64)
        frames.append((xyxy, scores, classes))
    return Scene("rfdetr-walk", "real", frames)


def load_mot(data: Path, seq: str):
    by_frame: dict[int, list] = {}
    for line in (data / "mot" / seq / "det" / "det.txt").read_text().splitlines():
        parts = line.split(",")
        if len(parts) >= 7:
            x, y, w, h, s = (float(v) for v in parts[2:7])
            by_frame.setdefault(int(float(parts[0])), []).append((x, y, x + w, y + h, s))
    frames = []
    for number in range(1, max(by_frame) + 1):
        rows = np.array(by_frame.get(number, []), dtype=np.float64).reshape(-1, 5)
        frames.append((np.ascontiguousarray(rows[:, :4]), rows[:, 4].copy(), np.zeros(len(rows), np.int64)))
    return Scene(seq, "real", frames)


# ----------------------------------------------------------------- libraries
# Each adapter: make() -> tracker; prepare(frames) -> per-frame argument tuples
# in the library's own input format; method(tracker) -> the bound update method.
# The timed region is exactly `update(*args)`.


class Adapter:
    name = ""
    kind = ""  # "ours", "native" or "python"

    def available(self):
        try:
            self.load()
            return None
        except Exception as exc:  # any import problem means "not available"
            return f"{type(exc).__name__}: {exc}".splitlines()[0][:80]

    def load(self):
        pass


class Ours(Adapter):
    name, kind = OURS, "ours"

    def make(self):
        return bytetrack_cpp.BYTETracker()

    def prepare(self, frames):
        return [(np.ascontiguousarray(x, np.float64), np.ascontiguousarray(s, np.float64)) for x, s, _ in frames]

    def method(self, tracker):
        return tracker.update


class Trackforge(Adapter):
    name, kind = "trackforge", "native"

    def load(self):
        import trackforge

        self.mod = trackforge

    def make(self):
        return self.mod.BYTETRACK()

    def prepare(self, frames):
        # Its API takes a list of ([x, y, w, h], score, class_id).
        return [
            ([([b[0], b[1], b[2] - b[0], b[3] - b[1]], sc, int(c)) for b, sc, c in zip(x.tolist(), s.tolist(), cl)],)
            for x, s, cl in frames
        ]

    def method(self, tracker):
        return tracker.update


class VisionTrack(Adapter):
    name, kind = "visiontrack-cpp", "native"

    def load(self):
        import visiontrack_cpp

        self.mod = visiontrack_cpp

    def make(self):
        return self.mod.ByteTracker(self.mod.TrackerConfig())

    def prepare(self, frames):
        return [(np.ascontiguousarray(x, np.float64), np.ascontiguousarray(s, np.float64)) for x, s, _ in frames]

    def method(self, tracker):
        return tracker.update


class EdgeFirst(Adapter):
    name, kind = "edgefirst-tracker", "native"

    def load(self):
        from edgefirst import tracker

        self.mod = tracker

    def make(self):
        return self.mod.ByteTrack()

    def prepare(self, frames):
        # float32 boxes/scores, uint64 labels, a 30 fps timestamp in ns.
        return [
            (x.astype(np.float32), s.astype(np.float32), c.astype(np.uint64), i * 33_333_333)
            for i, (x, s, c) in enumerate(frames)
        ]

    def method(self, tracker):
        return tracker.update


class Trackers(Adapter):
    name, kind = "trackers", "python"

    def load(self):
        import supervision
        import trackers

        self.sv, self.mod = supervision, trackers

    def make(self):
        return self.mod.ByteTrackTracker()

    def prepare(self, frames):
        return [(self.sv.Detections(xyxy=x.astype(np.float32), confidence=s.astype(np.float32), class_id=c),)
                for x, s, c in frames]

    def method(self, tracker):
        return tracker.update


class Supervision(Adapter):
    name, kind = "supervision", "python"

    def load(self):
        import supervision

        self.sv = supervision

    def make(self):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return self.sv.ByteTrack()

    def prepare(self, frames):
        return [(self.sv.Detections(xyxy=x.astype(np.float32), confidence=s.astype(np.float32), class_id=c),)
                for x, s, c in frames]

    def method(self, tracker):
        return tracker.update_with_detections


ADAPTERS = [Ours(), Trackforge(), VisionTrack(), EdgeFirst(), Trackers(), Supervision()]


# ----------------------------------------------------------------- timing


def run_scene(scene, adapters, budget, max_call, estimates, block_frames=100):
    """Interleaved timing; returns {name: result dict}."""
    results = {}
    active = []
    for a in adapters:
        est = estimates.get(a.name)
        if a.kind != "ours" and est is not None and est > max_call:
            results[a.name] = {"skipped": f"skipped: ~{est:.1f} s/frame expected"}
            continue
        try:
            tracker = a.make()
            entry = {"a": a, "update": a.method(tracker), "args": a.prepare(scene.frames), "times": [], "done": False}
        except Exception as exc:
            results[a.name] = {"skipped": f"failed: {type(exc).__name__}: {exc}"[:80]}
            continue
        active.append(entry)
    gc.collect()
    gc.disable()
    clock = time.perf_counter_ns
    n = len(scene.frames)
    try:
        # Blocks of frames: within a block each library runs its frames back to
        # back (warm caches, as in a real pipeline); the order of libraries
        # rotates from block to block, so background load hits all alike.
        for block, start in enumerate(range(0, n, block_frames)):
            k = block % len(active) if active else 0
            for e in active[k:] + active[:k]:
                a, times, update, args = e["a"], e["times"], e["update"], e["args"]
                for i in range(start, min(start + block_frames, n)):
                    if e["done"]:
                        break
                    frame_args = args[i]
                    t0 = clock()
                    update(*frame_args)
                    t1 = clock()
                    times.append(t1 - t0)
                    if a.kind == "ours" or len(times) < 3 or i + 1 == n:
                        continue
                    if sum(times) / 1e9 > budget or (t1 - t0) / 1e9 > max_call:
                        e["done"] = True
                        results[a.name] = {"capped_at": len(times)}
    finally:
        gc.enable()
    for e in active:
        times = e["times"]
        t = np.array(times[1:] if len(times) > 2 else times, dtype=np.float64) / 1000.0  # us; frame 1 = warm-up
        res = results.setdefault(e["a"].name, {})
        res.update(median_us=float(np.median(t)), mean_us=float(np.mean(t)), p90_us=float(np.percentile(t, 90)),
                   frames=len(times))
    return results


def run_native(binary, scenes, tmp):
    """Median us per update of the C++-only benchmark on the same scenes."""
    out = {}
    for scene in scenes:
        if scene.kind == "real":
            path = Path(tmp) / f"{scene.name}.csv"
            with open(path, "w") as f:
                for i, (x, s, _) in enumerate(scene.frames):
                    f.write(f"#{i}\n")
                    for b, sc in zip(x.tolist(), s.tolist()):
                        f.write(f"{b[0]!r},{b[1]!r},{b[2]!r},{b[3]!r},{sc!r}\n")
            cmd = [binary, "--csv", str(path), "--repeat", "5"]
        else:
            cmd = [binary, repr(scene.objects), "--frames", str(len(scene.frames)), "--seed", str(scene.seed),
                   "--repeat", "5" if len(scene.frames) * scene.objects < 200_000 else "2"]
        text = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        last = [line for line in text.splitlines() if line.strip()][-1].split()
        out[scene.name] = float(last[3])
    return out


# ----------------------------------------------------------------- report


def fmt_us(v):
    if v >= 10_000:
        return f"{v:,.0f}"
    if v >= 100:
        return f"{v:.0f}"
    if v >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def table(scenes, results, names, native):
    head = ["scene", "det/frame"] + (["C++ only"] if native else []) + names
    rows = []
    notes = []
    for scene in scenes:
        r = results[scene.name]
        ours = r[OURS]["median_us"]
        row = [scene.name, f"{scene.dets_per_frame:.1f}"]
        if native:
            row.append(fmt_us(native[scene.name]))
        for name in names:
            e = r.get(name)
            if e is None:
                row.append("n/a")
            elif "median_us" not in e:
                row.append("–")
                notes.append(f"{scene.name} / {name}: {e['skipped']}")
            else:
                cell = fmt_us(e["median_us"])
                if name != OURS:
                    cell += f" ({e['median_us'] / ours:.1f}x)"
                if "capped_at" in e:
                    cell += "*"
                    notes.append(f"{scene.name} / {name}: capped at {e['capped_at']} of {len(scene.frames)} frames")
                row.append(cell)
        rows.append(row)
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows)]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(head, widths)) + " |",
             "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths)) + " |")
    return "\n".join(lines), notes


def plot(scenes, results, names, path):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except Exception as exc:
        print(f"(no plot: matplotlib unavailable: {exc})")
        return False
    sweep = [s for s in scenes if s.kind == "sweep"]
    fig, ax = plt.subplots(figsize=(7.5, 5))
    for name in names:
        xs, ys = [], []
        for s in sweep:
            e = results[s.name].get(name, {})
            if "median_us" in e:
                xs.append(s.dets_per_frame)
                ys.append(e["median_us"] / 1000.0)
        if xs:
            ax.plot(xs, ys, marker="o", linewidth=2.5 if name == OURS else 1.2, label=name)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("detections per frame")
    ax.set_ylabel("median ms per update (Python API)")
    ax.set_title("ByteTrack update cost vs scene size")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    return True


def timer_overhead_us():
    clock = time.perf_counter_ns
    samples = []
    for _ in range(20000):
        t0 = clock()
        t1 = clock()
        samples.append(t1 - t0)
    return float(np.median(samples)) / 1000.0


def load_average():
    try:
        return os.getloadavg()
    except (AttributeError, OSError):
        return None


def machine():
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} logical CPUs, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", default=os.environ.get("BYTETRACK_SHARED_DATA", str(ROOT.parent / "shared" / "data")))
    p.add_argument("--out", default=str(ROOT / "benchmarks" / "out"))
    p.add_argument("--budget", type=float, default=4.0, help="seconds of update() time per library and scene")
    p.add_argument("--max-call", type=float, default=1.5, help="skip a library whose frame would take longer")
    p.add_argument("--native", default=None, help="path of tools/bench_native for the C++-only column")
    p.add_argument("--quick", action="store_true", help="fewer frames (smoke test)")
    p.add_argument("--only", default=None, help="comma-separated libraries to time besides ours")
    p.add_argument("--block", type=int, default=100,
                   help="frames each library runs back to back before the next takes over (the first frames "
                        "after a switch run on caches the other libraries left cold; 20 shows that cost)")
    args = p.parse_args(argv)
    started = time.time()

    adapters, missing = [], {}
    for a in ADAPTERS:
        if args.only and a.kind != "ours" and a.name not in args.only.split(","):
            continue
        why = a.available()
        if why is None:
            adapters.append(a)
        else:
            missing[a.name] = why
    names = [a.name for a in ADAPTERS if not args.only or a.kind == "ours" or a.name in args.only.split(",")]

    q = 4 if args.quick else 1
    scenes = [
        synthetic("street ~5", "density", 4.5, 300 // q),
        synthetic("street 26", "density", 26, 300 // q),
        synthetic("street 120", "density", 120, 300 // q),
        synthetic("street 400", "density", 400, 200 // q),
    ]
    for n, frames in [(10, 300), (30, 300), (100, 200), (300, 150), (1000, 100), (3000, 50), (10000, 30)]:
        scenes.append(synthetic(f"N={n}", "sweep", n, max(frames // q, 8)))
    data = Path(args.data)
    skipped_real = []
    if (data / "rfdetr-walk" / "detections.json").is_file():
        scenes.append(load_rfdetr_walk(data))
    else:
        skipped_real.append("rfdetr-walk")
    if (data / "mot" / "MOT17-04-FRCNN" / "det" / "det.txt").is_file():
        scenes.append(load_mot(data, "MOT17-04-FRCNN"))
    else:
        skipped_real.append("MOT17-04-FRCNN")

    # Warm-up (not reported): first calls pay for lazy imports, page faults and
    # cold caches in every library.
    run_scene(synthetic("warm-up", "density", 26, 40), adapters, args.budget, args.max_call, {})

    results = {}
    prev_n = None
    for scene in scenes:
        t0 = time.time()
        est = {}
        if scene.kind == "sweep" and prev_n is not None:
            for name, e in results[prev_n[0]].items():
                if "median_us" in e:
                    est[name] = e["median_us"] / 1e6 * (scene.objects / prev_n[1]) ** 2
                elif "skipped" in e:
                    est[name] = float("inf")
        results[scene.name] = run_scene(scene, adapters, args.budget, args.max_call, est, args.block)
        if scene.kind == "sweep":
            prev_n = (scene.name, scene.objects)
        print(f"  {scene.name:<16} {scene.dets_per_frame:8.1f} det/frame  {len(scene.frames):4d} frames  "
              f"ours {results[scene.name][OURS]['median_us']:9.2f} us  ({time.time() - t0:.1f} s)", flush=True)

    native = None
    if args.native:
        with tempfile.TemporaryDirectory() as tmp:
            native = run_native(args.native, scenes, tmp)

    text, notes = table(scenes, results, names, native)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    plotted = plot(scenes, results, [n for n in names if n not in missing], out / "sweep.png")
    print()
    print(f"Median microseconds per update() through each library's Python API (ratio = library / {OURS}).")
    print(f"Machine: {machine()}; load average {load_average()} (other jobs share it)")
    print(f"Each timing includes the timer's own cost, {timer_overhead_us():.2f} us here. Libraries interleaved "
          f"in blocks of {args.block} frames.")
    print(text)
    for name, why in missing.items():
        print(f"- {name}: not available ({why})")
    for note in notes:
        print(f"- {note}")
    if skipped_real:
        print(f"- real sequences skipped (shared data not found at {data}): {', '.join(skipped_real)}")
    print("* capped: a slow library gets --budget s of update() time per scene; its median covers the frames it ran.")
    if native:
        print("C++ only: tools/bench_native on the same frames (no Python); binding overhead = ours - C++ only.")
    (out / "results.json").write_text(json.dumps({
        "machine": machine(), "versions": versions(), "missing": missing, "native_us": native, "block": args.block,
        "scenes": {s.name: {"kind": s.kind, "dets_per_frame": s.dets_per_frame, "frames": len(s.frames),
                            "results": results[s.name]} for s in scenes},
    }, indent=1))
    if plotted:
        print(f"Plot: {out / 'sweep.png'}")
    print(f"Total {time.time() - started:.0f} s")
    return 0


def versions():
    from importlib import metadata

    out = {}
    for dist in ["bytetrack-cpp", "trackforge", "visiontrack-cpp", "edgefirst-tracker", "trackers", "supervision",
                 "numpy"]:
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            pass
    return out


if __name__ == "__main__":
    sys.exit(main())
