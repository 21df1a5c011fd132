"""HOTA / MOTA / IDF1 of bytetrack_cpp on the MOT17 FRCNN training sequences, next to the ifzhang-python
reference output for the same sequences (evaluated by the same library, TrackEval).

    python benchmarks/mot17_table.py [--data ../shared/data] [--keep-results DIR]

Needs the [eval] extra and the project's shared data folder (MOTChallenge det/gt files and the reference
outputs). Each sequence is tracked exactly as `bytetrack-cpp track SEQ/det/det.txt -o SEQ.txt` does (engine
bytetrack, preset ifzhang, track_thresh 0.5, track_buffer 30, match_thresh 0.8, frame rate from
seqinfo.ini) and evaluated as `bytetrack-cpp eval --gt SEQ/gt/gt.txt --results SEQ.txt` does (MOT17
rules). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
from pathlib import Path

from bytetrack_cpp.cli import write_tracks
from bytetrack_cpp.evaluate import SequenceToEvaluate, evaluate_mot
from bytetrack_cpp.io import read_detections, write_mot_results
from bytetrack_cpp.tracking import track_sequence

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = Path(os.environ.get("BYTETRACK_SHARED_DATA", ROOT.parent / "shared" / "data"))
COLUMNS = ["HOTA", "MOTA", "IDF1", "DetA", "AssA", "IDSW", "IDs"]


def reference_as_mot(csv_path: Path, out: Path) -> None:
    with open(csv_path, newline="") as handle:
        rows = [(int(r["frame"]), int(r["track_id"]), float(r["x1"]), float(r["y1"]), float(r["x2"]),
                 float(r["y2"]), float(r["score"])) for r in csv.DictReader(handle)]
    write_mot_results(str(out), rows)


def cell(row: dict, key: str) -> str:
    value = row[key]
    return f"{value:,d}" if isinstance(value, int) else f"{100 * value:.3f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="shared data folder (mot/, reference-outputs/)")
    parser.add_argument("--keep-results", type=Path, default=None, help="also write our MOT results here")
    args = parser.parse_args()
    mot = args.data / "mot"
    if not mot.is_dir():
        print(f"no MOTChallenge data in {mot}", file=sys.stderr)
        return 2
    names = sorted(p.name for p in mot.iterdir() if p.name.startswith("MOT17-") and p.name.endswith("-FRCNN")
                   and (p / "det" / "det.txt").is_file() and (p / "gt" / "gt.txt").is_file())
    with tempfile.TemporaryDirectory() as tmp:
        out_dir = args.keep_results or Path(tmp)
        out_dir.mkdir(parents=True, exist_ok=True)
        ours, refs = [], []
        for name in names:
            seq = read_detections(str(mot / name / "det" / "det.txt"))
            run = track_sequence(seq, "bytetrack", preset="ifzhang")
            res = out_dir / f"{name}.txt"
            write_tracks(str(res), seq, run)
            gt = str(mot / name / "gt" / "gt.txt")
            ours.append(SequenceToEvaluate(gt, str(res), name))
            ref_csv = args.data / "reference-outputs" / "ifzhang-python" / f"mot-{name}.csv"
            if ref_csv.is_file():
                ref = Path(tmp) / f"ref-{name}.txt"
                reference_as_mot(ref_csv, ref)
                refs.append(SequenceToEvaluate(gt, str(ref), name))
        ours_eval = evaluate_mot(ours)
        with_ref = [s.name for s in refs]
        ours_on_ref = evaluate_mot([s for s in ours if s.name in with_ref]) if len(refs) > 1 else None
        refs_eval = evaluate_mot(refs) if refs else None

    print(f"Evaluated with {ours_eval.library}, {ours_eval.benchmark} rules; values in %.\n")
    print("| sequence | tracker | " + " | ".join(COLUMNS) + " | same as reference |")
    print("|---|---|" + "---:|" * len(COLUMNS) + "---|")
    for name in names:
        row = ours_eval.rows[name]
        ref_row = refs_eval.rows.get(name) if refs_eval else None
        same = "yes" if ref_row == row else ("no reference" if ref_row is None else "**NO**")
        print(f"| {name} | bytetrack_cpp | " + " | ".join(cell(row, c) for c in COLUMNS) + f" | {same} |")
        if ref_row is not None:
            print(f"| {name} | ifzhang-python | " + " | ".join(cell(ref_row, c) for c in COLUMNS) + " | |")
    if len(names) > 1:
        print(f"| all {len(names)} | bytetrack_cpp | " + " | ".join(cell(ours_eval.rows['COMBINED'], c)
                                                            for c in COLUMNS) + " | |")
    if ours_on_ref is not None and refs_eval is not None:
        same = "yes" if ours_on_ref.rows["COMBINED"] == refs_eval.rows["COMBINED"] else "**NO**"
        print(f"| {len(refs)} with a reference | bytetrack_cpp | "
              + " | ".join(cell(ours_on_ref.rows['COMBINED'], c) for c in COLUMNS) + f" | {same} |")
        print(f"| {len(refs)} with a reference | ifzhang-python | "
              + " | ".join(cell(refs_eval.rows['COMBINED'], c) for c in COLUMNS) + " | |")
    mismatches = [n for n in with_ref if refs_eval and refs_eval.rows[n] != ours_eval.rows[n]]
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
