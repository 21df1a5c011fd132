"""The ``bytetrack-cpp`` command (also ``python -m bytetrack_cpp``).

Subcommands: ``track`` (detections file -> tracks), ``eval`` (MOTChallenge metrics through TrackEval),
``demo`` (tracks the bundled scene and draws a track timeline) and ``bench`` (the benchmark suite of a
source checkout).

Exit codes: 0 success; 1 an optional extra or engine is missing (the message says how to get it);
2 bad arguments or a bad input file (one line on stderr, with the line number when there is one).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Optional, Sequence

import bytetrack_cpp
from bytetrack_cpp._optional import MissingExtraError
from bytetrack_cpp.io import (DetectionFileError, DetectionSequence, read_detections, read_json_detections,
                              read_json_tracks, write_json_tracks, write_mot_results)
from bytetrack_cpp.tracking import ENGINES, EngineUnavailable, TrackingRun, available_engines, track_sequence

PROG = "bytetrack-cpp"
EXIT_OK, EXIT_MISSING, EXIT_BAD_INPUT = 0, 1, 2
DEMO_PNG = "bytetrack-cpp-demo.png"
PROGRESS_MIN_FRAMES = 1000  # shorter inputs track in well under a second: no bar


class UsageError(Exception):
    """A bad combination of arguments (reported like argparse's own errors, exit code 2)."""


# ----------------------------------------------------------------------------------------------------------
# Progress bar: tqdm, else rich, else a plain one-line counter on stderr.


def make_progress(total: int, enabled: bool):
    """Returns (update(done), close()) callables; no-ops when disabled."""
    if not enabled or total <= 0:
        return None, lambda: None
    try:
        from tqdm import tqdm

        bar = tqdm(total=total, unit="frame", file=sys.stderr, mininterval=0.2, leave=False, desc="tracking")
        state = {"done": 0}

        def update(done: int) -> None:
            bar.update(done - state["done"])
            state["done"] = done

        return update, bar.close
    except ImportError:
        pass
    try:
        from rich.console import Console
        from rich.progress import Progress

        progress = Progress(console=Console(stderr=True), transient=True)
        task = progress.add_task("tracking", total=total)
        progress.start()
        return (lambda done: progress.update(task, completed=done)), progress.stop
    except ImportError:
        pass
    last = {"t": 0.0}

    def plain(done: int) -> None:
        now = time.monotonic()
        if now - last["t"] >= 0.2 or done == total:
            last["t"] = now
            width = 30
            filled = width * done // total
            sys.stderr.write(f"\rtracking [{'#' * filled}{'.' * (width - filled)}] {done}/{total} frames")
            sys.stderr.flush()

    def close() -> None:
        sys.stderr.write("\r" + " " * 70 + "\r")
        sys.stderr.flush()

    return plain, close


# ----------------------------------------------------------------------------------------------------------
# Helpers shared by track and demo.


def _engine_parameters(args: argparse.Namespace) -> dict:
    """Engine constructor keywords given on the command line; options of another engine are an error."""
    chosen = ENGINES[args.engine]
    own = {p.name for p in chosen.parameters}
    params = {}
    for engine in ENGINES.values():
        for p in engine.parameters:
            value = getattr(args, p.name, None)
            if value is None or p.name in params:
                continue
            if p.name not in own:
                owners = [e.name for e in ENGINES.values() if any(q.name == p.name for q in e.parameters)]
                raise UsageError(f"--{p.name.replace('_', '-')} is an option of the {' / '.join(owners)} engine, "
                                 f"not of '{args.engine}'")
            params[p.name] = value
    return params


def _micro() -> str:
    """The micro sign when the terminal can print it."""
    try:
        "µ".encode(sys.stdout.encoding or "ascii")
        return "µs"
    except (UnicodeEncodeError, LookupError):
        return "us"


def _describe_input(seq: DetectionSequence) -> str:
    kind = {"mot": "MOTChallenge det.txt", "json": "JSON detections"}.get(seq.format, seq.format)
    if seq.frame_rate:
        where = "seqinfo.ini" if seq.format == "mot" else "file"
        return f"{kind}, {seq.frame_rate:g} fps (from {where})"
    return f"{kind}, no frame rate in the file"


def _print_summary(seq: DetectionSequence, run: TrackingRun) -> None:
    shown = dict(run.parameters)
    params = ", ".join(f"{k}={v}" for k, v in shown.items())
    rows = [
        ("input", f"{seq.source}"),
        ("format", _describe_input(seq)),
        ("engine", f"{run.engine} ({ENGINES[run.engine].description})" + (f", {params}" if params else "")),
        ("frame rate", f"{run.frame_rate:g} fps"),
        ("frames", f"{run.num_frames:,}"),
        ("detections", f"{run.num_detections:,}"),
        ("tracks", f"{len(run.track_ids):,} ids, {run.num_rows:,} track boxes"),
        ("speed", f"{run.microseconds_per_frame:.1f} {_micro()} per frame "
                  f"({run.seconds * 1e3:.1f} ms in the tracker's update)"),
    ]
    for key, value in rows:
        print(f"  {key:<11} {value}")


def _mot_frame_offset(seq: DetectionSequence) -> int:
    # MOTChallenge frames are 1-based; JSON detection frames are 0-based list positions.
    return 1 if seq.format == "json" else 0


def write_tracks(path: str, seq: DetectionSequence, run: TrackingRun) -> str:
    """Writes MOTChallenge text (.txt/.csv/other) or JSON (.json); returns a description."""
    if path.lower().endswith(".json"):
        write_json_tracks(path, ((f.frame, f.track_id, f.xyxy, f.score, f.class_id) for f in run.frames),
                          frame_rate=run.frame_rate, source=seq.source, engine=run.engine)
        return "JSON tracks"
    offset = _mot_frame_offset(seq)

    def rows():
        for f in run.frames:
            for tid, box, score in zip(f.track_id.tolist(), f.xyxy.tolist(), f.score.tolist()):
                if tid >= 0:  # trackers-style unconfirmed rows (-1) are not tracks
                    yield (f.frame + offset, tid, box[0], box[1], box[2], box[3], score)

    write_mot_results(path, rows())
    return "MOTChallenge results: frame,id,x,y,w,h,score,-1,-1,-1" + (
        " (frames numbered from 1)" if offset else "")


def _timeline(run: TrackingRun, path: str, title: str) -> int:
    from bytetrack_cpp.plot import plot_timeline

    return plot_timeline([f.frame for f in run.frames], [f.track_id for f in run.frames], path, title)


def _run_tracking(seq: DetectionSequence, args: argparse.Namespace) -> TrackingRun:
    show = args.progress if args.progress is not None else (
        len(seq) >= PROGRESS_MIN_FRAMES and sys.stderr.isatty())
    update, close = make_progress(len(seq), show)
    try:
        return track_sequence(seq, args.engine, _engine_parameters(args), frame_rate=args.frame_rate,
                              preset=args.preset, progress=update)
    finally:
        close()


# ----------------------------------------------------------------------------------------------------------
# Subcommands.


def cmd_track(args: argparse.Namespace) -> int:
    seq = read_detections(args.input, args.format)
    if args.output and os.path.isdir(args.output):
        raise UsageError(f"-o {args.output}: is a folder; give a file name ending in .txt or .json")
    if args.timeline:
        from bytetrack_cpp.plot import import_matplotlib

        import_matplotlib()  # a missing [plot] extra is reported before the work, not after
    run = _run_tracking(seq, args)
    print(f"{PROG} track: {run.num_frames:,} frames, {len(run.track_ids):,} tracks")
    _print_summary(seq, run)
    if args.output:
        kind = write_tracks(args.output, seq, run)
        print(f"  {'output':<11} {args.output} ({kind})")
    if args.timeline:
        _timeline(run, args.timeline, f"{os.path.basename(seq.source)}: {len(run.track_ids)} tracks ({run.engine})")
        print(f"  {'timeline':<11} {args.timeline}")
    return EXIT_OK


def _results_as_mot(path: str, tmpdir: str) -> str:
    """Results may be our JSON tracks: convert them to MOTChallenge text for TrackEval."""
    if not path.lower().endswith(".json"):
        return path
    rows, numbers = read_json_tracks(path)
    if numbers and min(numbers) == 0:  # 0-based frames (JSON detections input) -> MOTChallenge numbering
        rows = [(r[0] + 1,) + tuple(r[1:]) for r in rows]
    out = os.path.join(tmpdir, os.path.basename(path) + ".txt")
    write_mot_results(out, [r for r in rows if r[1] >= 0])
    return out


def cmd_eval(args: argparse.Namespace) -> int:
    import tempfile

    from bytetrack_cpp.evaluate import SequenceToEvaluate, evaluate_mot, import_trackeval

    gts, results = args.gt or [], args.results or []
    if len(gts) != len(results):
        raise UsageError(f"give one --results per --gt (got {len(gts)} --gt and {len(results)} --results)")
    import_trackeval()  # a missing extra is reported before any file is read
    names = args.name or []
    if names and len(names) != len(gts):
        raise UsageError("give one --name per --gt, or none")
    with tempfile.TemporaryDirectory(prefix="bytetrack-eval-") as tmp:
        seqs = [SequenceToEvaluate(gt, _results_as_mot(res, tmp), names[i] if names else None, args.seq_length)
                for i, (gt, res) in enumerate(zip(gts, results))]
        evaluation = evaluate_mot(seqs, benchmark=args.benchmark)
    if args.json:
        print(json.dumps({"benchmark": evaluation.benchmark, "library": evaluation.library,
                          "sequences": evaluation.rows}, indent=2))
        return EXIT_OK
    print(f"{PROG} eval: {evaluation.library}, {evaluation.benchmark} rules "
          f"({'official preprocessing' if evaluation.benchmark != 'MOT15' else 'every ground-truth box counts'})")
    print(format_metrics_table(evaluation.rows))
    return EXIT_OK


def format_metrics_table(rows: dict) -> str:
    """Three blocks (HOTA, CLEAR, identity) of one line per sequence; ratios as percentages."""
    blocks = [
        ["HOTA", "DetA", "AssA", "DetRe", "DetPr", "AssRe", "AssPr", "LocA"],
        ["MOTA", "MOTP", "MODA", "CLR_Re", "CLR_Pr", "CLR_TP", "CLR_FN", "CLR_FP", "IDSW", "Frag", "MT", "PT", "ML"],
        ["IDF1", "IDR", "IDP", "IDTP", "IDFN", "IDFP", "Dets", "GT_Dets", "IDs", "GT_IDs"],
    ]
    width = max(8, max(len(n) for n in rows) + 1)
    lines = []
    for fields in blocks:
        cols = [max(len(f), 7) for f in fields]
        lines.append(f"{'sequence':<{width}}" + "".join(f"{f:>{c + 1}}" for f, c in zip(fields, cols)))
        for name, row in rows.items():
            cells = []
            for f, c in zip(fields, cols):
                v = row[f]
                cells.append(f"{v:>{c + 1},d}" if isinstance(v, int) else f"{100 * v:>{c + 1}.3f}")
            lines.append(f"{name:<{width}}" + "".join(cells))
        lines.append("")
    return "\n".join(lines).rstrip("\n")


def demo_scene_path() -> Path:
    """The bundled demo scene: installed into the package by the wheel build, or the
    source checkout's data/demo_scene.json (editable installs)."""
    try:
        from importlib.resources import files

        installed = Path(str(files("bytetrack_cpp") / "data" / "demo_scene.json"))
    except (ImportError, TypeError):
        installed = Path(__file__).resolve().parent / "data" / "demo_scene.json"
    if installed.is_file():
        return installed
    return Path(__file__).resolve().parents[1] / "data" / "demo_scene.json"


def cmd_demo(args: argparse.Namespace) -> int:
    scene = demo_scene_path()
    seq = read_json_detections(str(scene))
    seq.source = f"bundled demo scene ({scene.name}, made by tools/make_demo_scene.py with generate_scene)"
    run = _run_tracking(seq, args)
    print(f"{PROG} demo: tracked the bundled synthetic street scene")
    _print_summary(seq, run)
    if args.no_plot:
        return EXIT_OK
    try:
        count = _timeline(run, args.output, f"bytetrack-cpp demo: {len(run.track_ids)} tracks over "
                                            f"{run.num_frames} frames ({run.engine})")
    except MissingExtraError as exc:
        print(f"{PROG} demo: the PNG timeline was not written: {exc}", file=sys.stderr)
        return EXIT_MISSING
    print(f"  {'timeline':<11} {os.path.abspath(args.output)} (track id vs frame, {count} lines)")
    return EXIT_OK


def find_benchmarks() -> Optional[Path]:
    """The benchmarks/ folder of a source checkout (editable install, or the current folder)."""
    candidates = [Path(bytetrack_cpp.__file__).resolve().parent.parent / "benchmarks", Path.cwd() / "benchmarks"]
    for folder in candidates:
        if folder.is_dir() and any(folder.glob("*.py")):
            return folder
    return None


BENCH_ENTRY_POINTS = ["run_all.py", "run.py", "__main__.py"]


def cmd_bench(args: argparse.Namespace) -> int:
    folder = find_benchmarks()
    if folder is None:
        print(f"{PROG} bench: the benchmark suite is not installed with the package; it lives in the source "
              "repository's benchmarks/ folder. From a checkout of the repository run:\n"
              "  pip install '.[bench]' && bytetrack-cpp bench", file=sys.stderr)
        return EXIT_MISSING
    scripts = sorted(p.stem for p in folder.glob("*.py") if not p.name.startswith(("_", "common")))
    if args.list:
        print(f"benchmarks in {folder}:")
        for name in scripts:
            print(f"  {name}")
        return EXIT_OK
    if args.script:
        target = folder / (args.script if args.script.endswith(".py") else args.script + ".py")
        if not target.is_file():
            raise UsageError(f"no benchmark {args.script!r} in {folder} (available: {', '.join(scripts)})")
    else:
        entry = [folder / n for n in BENCH_ENTRY_POINTS if (folder / n).is_file()]
        if not entry:
            print(f"benchmarks in {folder} (run one with `{PROG} bench NAME [ARGS...]`):")
            for name in scripts:
                print(f"  {name}")
            return EXIT_OK
        target = entry[0]
    command = [sys.executable, str(target)] + list(args.args)
    print(f"{PROG} bench: {' '.join(command)}", file=sys.stderr)
    return subprocess.call(command, cwd=str(folder.parent))


# ----------------------------------------------------------------------------------------------------------
# Argument parsing.


def _add_tracking_options(parser: argparse.ArgumentParser, default_engine: str = "bytetrack") -> None:
    group = parser.add_argument_group("tracking engine")
    group.add_argument("--engine", choices=list(ENGINES), default=default_engine,
                       help="bytetrack = ifzhang BYTETracker (default); trackers = roboflow trackers "
                            "ByteTrackTracker compatible; supervision = sv.ByteTrack compatible. Available in this "
                            f"build: {', '.join(available_engines()) or 'none'}")
    group.add_argument("--preset", default=None,
                       help="reference version to reproduce (first = default): " + "; ".join(
                           f"{e.name}: {', '.join(e.presets)}" for e in ENGINES.values()))
    group.add_argument("--frame-rate", type=float, default=None, metavar="FPS",
                       help="frame rate (scales the lost-track buffer); default: seqinfo.ini / JSON "
                            "'frame_rate', else 30")
    seen = set()
    for engine in ENGINES.values():
        sub = parser.add_argument_group(f"{engine.name} engine options ({engine.description})")
        for p in engine.parameters:
            if p.name in seen:
                continue
            seen.add(p.name)
            owners = [e.name for e in ENGINES.values() if any(q.name == p.name for q in e.parameters)]
            defaults = ", ".join(f"{e.name}: {q.default}" for e in ENGINES.values() for q in e.parameters
                                 if q.name == p.name)
            flag = "--" + p.name.replace("_", "-")
            if p.type is bool:
                sub.add_argument(flag, dest=p.name, action="store_const", const=True, default=None,
                                 help=f"{p.help}")
            else:
                sub.add_argument(flag, dest=p.name, type=p.type, default=None, metavar=p.type.__name__.upper(),
                                 help=f"{p.help} (default {defaults})" + (
                                     f"; engines {', '.join(owners)}" if len(owners) > 1 else ""))
    parser.add_argument("--progress", dest="progress", action="store_const", const=True, default=None,
                        help=f"always show a progress bar (default: on a terminal, for inputs of "
                             f"{PROGRESS_MIN_FRAMES}+ frames)")
    parser.add_argument("--no-progress", dest="progress", action="store_const", const=False,
                        help="never show a progress bar")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="ByteTrack multi-object tracking (C++17 core) from the command line: track detection "
                    "files, evaluate the tracks, look at them.",
        epilog="Start with `bytetrack-cpp demo`. Exit codes: 0 ok, 1 optional extra or engine missing, "
               "2 bad arguments or input file.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {bytetrack_cpp.__version__}")
    subs = parser.add_subparsers(dest="command", metavar="COMMAND")

    track = subs.add_parser(
        "track", help="track a MOTChallenge det.txt or JSON detections file",
        description="Track a detections file: MOTChallenge det.txt (frame,id,x,y,w,h,conf,...; frame rate from "
                    "a neighbouring seqinfo.ini) or JSON (a list of frames of {box: [x1,y1,x2,y2], score, "
                    "class_id}, or {\"detections\": [...]}). The format is detected from the content.",
        epilog="Example: bytetrack-cpp track MOT17-04-FRCNN/det/det.txt -o res.txt")
    track.add_argument("input", metavar="INPUT", help="detections file (MOTChallenge det.txt or JSON)")
    track.add_argument("-o", "--output", metavar="OUTPUT",
                       help="write the tracks: *.json as JSON, anything else as MOTChallenge results "
                            "(frame,id,x,y,w,h,score,-1,-1,-1)")
    track.add_argument("--format", choices=["auto", "mot", "json"], default="auto",
                       help="input format (default: detected from the content)")
    track.add_argument("--timeline", metavar="PNG", help="also draw the track timeline (needs the [plot] extra)")
    _add_tracking_options(track)
    track.set_defaults(func=cmd_track)

    ev = subs.add_parser(
        "eval", help="HOTA, MOTA, IDF1 and their components (TrackEval, the [eval] extra)",
        description="Evaluate MOTChallenge results against ground truth with TrackEval (the official "
                    "MOTChallenge evaluation code; install it with the [eval] extra). Repeat --gt/--results "
                    "for several sequences: a COMBINED row is added.",
        epilog="Example: bytetrack-cpp eval --gt MOT17-04-FRCNN/gt/gt.txt --results res.txt")
    ev.add_argument("--gt", action="append", metavar="GT", required=True,
                    help="ground truth gt.txt (sequence length from ../seqinfo.ini when present)")
    ev.add_argument("--results", action="append", metavar="RES", required=True,
                    help="tracker results (MOTChallenge text, or the JSON written by `track -o x.json`)")
    ev.add_argument("--name", action="append", help="sequence name to show (default: from seqinfo.ini / folder)")
    ev.add_argument("--benchmark", choices=["auto", "MOT15", "MOT16", "MOT17", "MOT20"], default="auto",
                    help="evaluation rules: MOT16/17/20 keep only pedestrians and drop results on distractors; "
                         "MOT15 counts every ground-truth box. auto: MOT17 rules when gt.txt has a class "
                         "column, else MOT15")
    ev.add_argument("--seq-length", type=int, default=None, metavar="N",
                    help="number of frames of every sequence (default: seqinfo.ini, else the last frame in the files)")
    ev.add_argument("--json", action="store_true", help="print the metrics as JSON (ratios in [0, 1])")
    ev.set_defaults(func=cmd_eval)

    demo = subs.add_parser(
        "demo", help="track the bundled scene and draw a PNG track timeline",
        description="Track the synthetic street scene bundled with the package (300 frames, made by the "
                    "project's own generator), print the summary and draw a PNG track timeline "
                    "(needs matplotlib: the [plot] extra).")
    demo.add_argument("-o", "--output", default=DEMO_PNG, metavar="PNG",
                      help=f"where to write the timeline (default ./{DEMO_PNG})")
    demo.add_argument("--no-plot", action="store_true", help="only track and print the summary")
    _add_tracking_options(demo)
    demo.set_defaults(func=cmd_demo)

    bench = subs.add_parser(
        "bench", help="run the benchmark suite (source checkout only)",
        description="Shortcut to the benchmark suite in the source repository's benchmarks/ folder.")
    bench.add_argument("--list", action="store_true", help="list the benchmark scripts")
    bench.add_argument("script", nargs="?", metavar="NAME", help="benchmark script to run (default: the suite)")
    bench.add_argument("args", nargs=argparse.REMAINDER, help="arguments passed to the script")
    bench.set_defaults(func=cmd_bench)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_BAD_INPUT
    try:
        return int(args.func(args) or 0)
    except (DetectionFileError, UsageError) as exc:
        print(f"{PROG} {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (OSError, ValueError) as exc:  # unreadable files, rejected parameters
        detail = f"{exc.filename}: {exc.strerror}" if isinstance(exc, OSError) and exc.filename else str(exc)
        print(f"{PROG} {args.command}: error: {detail}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (MissingExtraError, EngineUnavailable) as exc:
        print(f"{PROG} {args.command}: {exc}", file=sys.stderr)
        return EXIT_MISSING
    except KeyboardInterrupt:
        print(f"{PROG} {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
