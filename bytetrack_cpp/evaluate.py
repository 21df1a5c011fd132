"""MOTChallenge evaluation (HOTA, CLEAR MOT, identity metrics) through TrackEval.

The metrics are computed by the ``trackeval`` package from PyPI (the official
MOTChallenge evaluation code, installed by the ``[eval]`` extra); this module only
lays the files out the way TrackEval expects them and collects its numbers.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

from bytetrack_cpp._optional import MissingExtraError, install_hint
from bytetrack_cpp.io import DetectionFileError, read_seqinfo

__all__ = ["MissingExtraError", "SequenceToEvaluate", "Evaluation", "evaluate_mot", "SUMMARY_FIELDS", "COUNT_FIELDS"]

EVAL_INSTALL_HINT = install_hint("eval")

# Fields reported per sequence, in display order: (TrackEval metric, field).
SUMMARY_FIELDS = [
    ("HOTA", "HOTA"), ("HOTA", "DetA"), ("HOTA", "AssA"), ("HOTA", "DetRe"), ("HOTA", "DetPr"),
    ("HOTA", "AssRe"), ("HOTA", "AssPr"), ("HOTA", "LocA"),
    ("CLEAR", "MOTA"), ("CLEAR", "MOTP"), ("CLEAR", "MODA"), ("CLEAR", "CLR_Re"), ("CLEAR", "CLR_Pr"),
    ("Identity", "IDF1"), ("Identity", "IDR"), ("Identity", "IDP"),
]
COUNT_FIELDS = [
    ("CLEAR", "CLR_TP"), ("CLEAR", "CLR_FN"), ("CLEAR", "CLR_FP"), ("CLEAR", "IDSW"), ("CLEAR", "Frag"),
    ("CLEAR", "MT"), ("CLEAR", "PT"), ("CLEAR", "ML"),
    ("Identity", "IDTP"), ("Identity", "IDFN"), ("Identity", "IDFP"),
    ("Count", "Dets"), ("Count", "GT_Dets"), ("Count", "IDs"), ("Count", "GT_IDs"),
]


@dataclass
class SequenceToEvaluate:
    """One sequence: ground truth and tracker results, both MOTChallenge text files."""

    gt: str
    results: str
    name: Optional[str] = None
    length: Optional[int] = None


def import_trackeval():
    try:
        import trackeval  # noqa: F401
    except ImportError:
        raise MissingExtraError(f"evaluation needs TrackEval, which is not installed: {EVAL_INSTALL_HINT}") from None
    return trackeval


def _frames_and_columns(path: str):
    """Largest frame number and the set of column counts of a MOT text file (validating it)."""
    if not os.path.isfile(path):
        raise DetectionFileError(f"{path}: no such file")
    last = 0
    columns = set()
    classes = set()
    with open(path, "r", encoding="utf-8") as handle:
        for line_number, line in enumerate(handle, start=1):
            text = line.strip()
            if not text:
                continue
            parts = text.replace(" ", "").split(",")
            if len(parts) < 6:
                raise DetectionFileError(
                    f"{path}:{line_number}: expected at least 6 comma-separated values (frame,id,x,y,w,h,...), "
                    f"got {len(parts)}")
            try:
                frame = int(float(parts[0]))
                [float(v) for v in parts[1:]]
            except ValueError:
                raise DetectionFileError(f"{path}:{line_number}: not a number in {text!r}") from None
            if frame < 1:
                raise DetectionFileError(f"{path}:{line_number}: MOTChallenge frame numbers start at 1, got {frame}")
            last = max(last, frame)
            columns.add(len(parts))
            if len(parts) >= 8:
                classes.add(int(float(parts[7])))
    return last, columns, classes


def _sequence_name(gt: str, used: set) -> str:
    folder = os.path.dirname(os.path.abspath(gt))
    info = read_seqinfo(os.path.join(os.path.dirname(folder), "seqinfo.ini"))
    name = info.get("name")
    if not name:
        # .../<SEQ>/gt/gt.txt -> SEQ; otherwise the file name without extension.
        base = os.path.basename(folder)
        name = os.path.basename(os.path.dirname(folder)) if base == "gt" else os.path.splitext(os.path.basename(gt))[0]
    name = "".join(c if c.isalnum() or c in "-_." else "_" for c in name) or "seq"
    unique, k = name, 2
    while unique in used:
        unique, k = f"{name}_{k}", k + 1
    used.add(unique)
    return unique


def _seq_length(gt: str, gt_last: int, res_last: int, given: Optional[int]) -> int:
    if given:
        return int(given)
    folder = os.path.dirname(os.path.dirname(os.path.abspath(gt)))
    for candidate in (os.path.join(folder, "seqinfo.ini"), os.path.join(os.path.dirname(os.path.abspath(gt)), "seqinfo.ini")):
        info = read_seqinfo(candidate)
        if "seqLength" in info:
            return max(info["seqLength"], res_last)
    return max(gt_last, res_last)


def _link_or_copy(src: str, dst: str) -> None:
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    try:
        os.symlink(os.path.abspath(src), dst)
    except OSError:
        shutil.copyfile(src, dst)


@dataclass
class Evaluation:
    """``rows``: {sequence name (or "COMBINED"): {field: value}}; the rules and library that made them."""

    rows: Dict[str, Dict[str, float]]
    benchmark: str
    library: str


def evaluate_mot(sequences: Sequence[SequenceToEvaluate], benchmark: str = "auto") -> Evaluation:
    """Evaluates tracker results against MOTChallenge ground truth with TrackEval.

    ``benchmark``: "MOT15" (no preprocessing, every GT row counts), "MOT16"/"MOT17"/"MOT20" (official
    preprocessing: only pedestrians with the consider flag set, results matched to distractors dropped),
    or "auto" (MOT17 rules when the ground truth has a class column, else MOT15 rules).

    Returns rows {sequence name: {field: value}} plus "COMBINED" when there are several sequences. HOTA-family
    values are the mean over TrackEval's 19 localisation thresholds, as in its summaries; ratios are in
    [0, 1].
    """
    trackeval = import_trackeval()
    if not sequences:
        raise ValueError("no sequences to evaluate")
    used: set = set()
    lengths: Dict[str, int] = {}
    files = []
    has_classes = True
    for seq in sequences:
        gt_last, gt_columns, gt_classes = _frames_and_columns(seq.gt)
        res_last, _, _ = _frames_and_columns(seq.results)
        name = seq.name or _sequence_name(seq.gt, used)
        if seq.name:
            used.add(name)
        lengths[name] = _seq_length(seq.gt, gt_last, res_last, seq.length)
        if res_last > lengths[name]:
            raise DetectionFileError(
                f"{seq.results}: frame {res_last} is beyond the sequence length {lengths[name]}")
        if min(gt_columns, default=0) < 9 or not gt_classes or min(gt_classes) < 1:
            has_classes = False
        files.append((name, seq.gt, seq.results))
    if benchmark == "auto":
        benchmark = "MOT17" if has_classes else "MOT15"

    with tempfile.TemporaryDirectory(prefix="bytetrack-eval-") as tmp:
        gt_root = os.path.join(tmp, "gt")
        trackers_root = os.path.join(tmp, "trackers")
        for name, gt, results in files:
            _link_or_copy(gt, os.path.join(gt_root, name, "gt", "gt.txt"))
            _link_or_copy(results, os.path.join(trackers_root, "tracker", "data", name + ".txt"))
        dataset_config = {
            "GT_FOLDER": gt_root,
            "TRACKERS_FOLDER": trackers_root,
            "OUTPUT_FOLDER": os.path.join(tmp, "out"),
            "TRACKERS_TO_EVAL": ["tracker"],
            "BENCHMARK": benchmark,
            "SKIP_SPLIT_FOL": True,
            "SEQ_INFO": dict(lengths),
            "PRINT_CONFIG": False,
        }
        eval_config = {
            "USE_PARALLEL": False,
            "BREAK_ON_ERROR": True,
            "LOG_ON_ERROR": None,
            "PRINT_RESULTS": False,
            "PRINT_CONFIG": False,
            "TIME_PROGRESS": False,
            "OUTPUT_SUMMARY": False,
            "OUTPUT_DETAILED": False,
            "PLOT_CURVES": False,
        }
        chatter = io.StringIO()
        try:
            with contextlib.redirect_stdout(chatter):
                evaluator = trackeval.Evaluator(eval_config)
                dataset = trackeval.datasets.MotChallenge2DBox(dataset_config)
                metrics = [trackeval.metrics.HOTA(), trackeval.metrics.CLEAR({"PRINT_CONFIG": False}),
                           trackeval.metrics.Identity({"PRINT_CONFIG": False})]
                output, _ = evaluator.evaluate([dataset], metrics)
        except trackeval.utils.TrackEvalException as exc:
            raise DetectionFileError(f"TrackEval could not evaluate: {exc}") from None

    res = output["MotChallenge2DBox"]["tracker"]
    table: Dict[str, Dict[str, float]] = {}
    keys = [name for name, _, _ in files] + (["COMBINED_SEQ"] if len(files) > 1 else [])
    for key in keys:
        per_metric = res[key]["pedestrian"]
        row: Dict[str, float] = {}
        for metric, field in SUMMARY_FIELDS:
            value = per_metric[metric][field]
            row[field] = float(value.mean()) if hasattr(value, "mean") else float(value)
        for metric, field in COUNT_FIELDS:
            row[field] = int(per_metric[metric][field])
        table["COMBINED" if key == "COMBINED_SEQ" else key] = row
    return Evaluation(table, benchmark, f"trackeval {getattr(trackeval, '__version__', '?')}")


def metric_names() -> List[str]:
    return [f for _, f in SUMMARY_FIELDS] + [f for _, f in COUNT_FIELDS]
