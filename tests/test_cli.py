"""Issue 7: the bytetrack-cpp command line (track, eval, demo, bench)."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import bytetrack_cpp
from bytetrack_cpp import cli
from bytetrack_cpp.io import read_json_detections, write_mot_results
from refdata import REFERENCE, SHARED, require_shared

MOT17_04 = "MOT17-04-FRCNN"


def run(argv, capsys):
    code = cli.main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def require_trackeval():
    try:
        import trackeval  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("trackeval (the [eval] extra) must be installed in CI")
        pytest.skip("trackeval not installed (pip install '.[test]')")


# --------------------------------------------------------------------------------------------------
# Small inputs made by the project's generator, written in both formats.


@pytest.fixture(scope="module")
def scene():
    return bytetrack_cpp.generate_scene(num_frames=60, objects_per_frame=8, seed=3)


def write_mot_det(folder: Path, scene, frame_rate=None) -> Path:
    det = folder / "det" / "det.txt"
    det.parent.mkdir(parents=True)
    with open(det, "w") as handle:
        for number, (xyxy, scores, _, _) in enumerate(scene, start=1):
            for (x1, y1, x2, y2), s in zip(xyxy.tolist(), scores.tolist()):
                handle.write(f"{number},-1,{x1!r},{y1!r},{x2 - x1!r},{y2 - y1!r},{s!r},-1,-1,-1\n")
    if frame_rate is not None:
        (folder / "seqinfo.ini").write_text(
            f"[Sequence]\nname=synthetic\nframeRate={frame_rate}\nseqLength={len(scene)}\n")
    return det


def write_json_det(path: Path, scene) -> Path:
    doc = [[{"box": b, "score": s, "class_id": c} for b, s, c in zip(x.tolist(), sc.tolist(), cl.tolist())]
           for x, sc, cl, _ in scene]
    path.write_text(json.dumps(doc))
    return path


def expected_tracks(frames, frame_rate=30.0, **kwargs):
    """Direct BYTETracker run: [(frame position, ids, xyxy, scores)]."""
    tracker = bytetrack_cpp.BYTETracker(frame_rate=frame_rate, **kwargs)
    out = []
    for xyxy, scores, classes in frames:
        t = tracker.update(xyxy, scores, classes)
        out.append((t.track_id.tolist(), t.xyxy.copy(), t.score.tolist(), t.class_id.tolist()))
    return out


def mot_text(expected, first_frame=1):
    rows = [(k + first_frame, tid, *box, s)
            for k, (ids, xyxy, scores, _) in enumerate(expected)
            for tid, box, s in zip(ids, xyxy.tolist(), scores)]
    return rows


# --------------------------------------------------------------------------------------------------
# --help everywhere, python -m


@pytest.mark.parametrize("sub", [[], ["track"], ["eval"], ["demo"], ["bench"]])
def test_help(sub, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(sub + ["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: bytetrack-cpp")
    if sub == ["track"]:
        for flag in ("--engine", "--preset", "--track-thresh", "--track-buffer", "--match-thresh", "--mot20",
                     "--frame-rate", "--lost-track-buffer", "--minimum-matching-threshold", "--timeline"):
            assert flag in out


def test_python_m_runs_the_same_main():
    proc = subprocess.run([sys.executable, "-m", "bytetrack_cpp", "--version"], capture_output=True, text=True,
                          cwd="/" if os.name != "nt" else None)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"bytetrack-cpp {bytetrack_cpp.__version__}"


def test_no_command_prints_help_and_exit_2(capsys):
    code, out, _ = run([], capsys)
    assert code == 2 and "track" in out and "demo" in out


# --------------------------------------------------------------------------------------------------
# track: both input formats, both output formats, parameters


def test_track_mot_file_with_seqinfo(tmp_path, scene, capsys):
    det = write_mot_det(tmp_path / "seq", scene, frame_rate=14)
    out = tmp_path / "res.txt"
    code, stdout, err = run(["track", det, "-o", out], capsys)
    assert code == 0, err
    # The MOT reader builds x2 = x + w from the written strings, as the references were fed.
    seq = bytetrack_cpp.io.read_mot_detections(str(det))
    want = expected_tracks([(f.xyxy, f.scores, f.class_ids) for f in seq.frames], frame_rate=14.0)
    ref = tmp_path / "want.txt"
    write_mot_results(str(ref), mot_text(want))
    assert out.read_text() == ref.read_text()
    assert "14 fps (from seqinfo.ini)" in stdout
    assert f"frames      {len(scene)}" in stdout
    assert f"detections  {sum(len(f[1]) for f in scene):,}" in stdout
    ids = {t for ids, *_ in want for t in ids}
    assert f"tracks      {len(ids)} ids" in stdout
    assert "per frame" in stdout


def test_track_json_file_to_json_and_mot(tmp_path, scene, capsys):
    det = write_json_det(tmp_path / "dets.json", scene)
    want = expected_tracks([(x, s, c) for x, s, c, _ in scene], track_thresh=0.6, preset="ifzhang-cpp")
    code, _, err = run(["track", det, "-o", tmp_path / "t.json", "--track-thresh", "0.6",
                        "--preset", "ifzhang-cpp"], capsys)
    assert code == 0, err
    doc = json.loads((tmp_path / "t.json").read_text())
    assert doc["format"] == "bytetrack-cpp tracks v1" and doc["engine"] == "bytetrack"
    assert [f["frame"] for f in doc["frames"]] == list(range(len(scene)))
    for frame, (ids, xyxy, scores, classes) in zip(doc["frames"], want):
        assert [t["track_id"] for t in frame["tracks"]] == ids
        assert [t["class_id"] for t in frame["tracks"]] == classes
        np.testing.assert_array_equal(np.array([t["box"] for t in frame["tracks"]]).reshape(-1, 4), xyxy)
        assert [t["score"] for t in frame["tracks"]] == scores
    # MOT output of a JSON input: frames renumbered from 1.
    code, _, err = run(["track", det, "-o", tmp_path / "t.txt", "--track-thresh", "0.6",
                        "--preset", "ifzhang-cpp"], capsys)
    assert code == 0, err
    ref = tmp_path / "want.txt"
    write_mot_results(str(ref), mot_text(want, first_frame=1))
    assert (tmp_path / "t.txt").read_text() == ref.read_text()


def test_track_parameters_reach_the_tracker(tmp_path, scene, capsys):
    det = write_json_det(tmp_path / "dets.json", scene)
    kwargs = dict(track_thresh=0.7, track_buffer=5, match_thresh=0.6, mot20=True)
    want = expected_tracks([(x, s, c) for x, s, c, _ in scene], frame_rate=10.0, **kwargs)
    default = expected_tracks([(x, s, c) for x, s, c, _ in scene])
    assert sum(map(len, (w[0] for w in want))) != sum(map(len, (d[0] for d in default)))
    code, _, err = run(["track", det, "-o", tmp_path / "t.txt", "--track-thresh", "0.7", "--track-buffer", "5",
                        "--match-thresh", "0.6", "--mot20", "--frame-rate", "10"], capsys)
    assert code == 0, err
    ref = tmp_path / "want.txt"
    write_mot_results(str(ref), mot_text(want))
    assert (tmp_path / "t.txt").read_text() == ref.read_text()


def test_option_of_another_engine_is_refused(tmp_path, scene, capsys):
    det = write_json_det(tmp_path / "dets.json", scene)
    code, _, err = run(["track", det, "--minimum-iou-threshold", "0.3"], capsys)
    assert code == 2
    assert "--minimum-iou-threshold is an option of the trackers engine, not of 'bytetrack'" in err


def test_bad_parameter_value_is_one_line(tmp_path, scene, capsys):
    det = write_json_det(tmp_path / "dets.json", scene)
    code, _, err = run(["track", det, "--preset", "nope"], capsys)
    assert code == 2 and "Traceback" not in err
    assert err.startswith("bytetrack-cpp track: error:") and err.count("\n") == 1


@pytest.mark.parametrize("engine,cls", [("trackers", "ByteTrackTracker"), ("supervision", "ByteTrack")])
def test_missing_engine_says_so(engine, cls, tmp_path, scene, capsys, monkeypatch):
    monkeypatch.delattr(bytetrack_cpp, cls, raising=False)
    det = write_json_det(tmp_path / "dets.json", scene)
    code, _, err = run(["track", det, "--engine", engine], capsys)
    assert code == 1
    assert f"engine '{engine}'" in err and f"bytetrack_cpp.{cls} does not exist" in err
    assert "Available engines: bytetrack" in err


def test_progress_bar_fallback_without_tqdm_or_rich(tmp_path, scene, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "rich", None)
    monkeypatch.setitem(sys.modules, "rich.progress", None)
    det = write_json_det(tmp_path / "dets.json", scene)
    code, _, err = run(["track", det, "--progress"], capsys)
    assert code == 0
    assert f"tracking [{'#' * 30}] {len(scene)}/{len(scene)} frames" in err
    code, _, err = run(["track", det], capsys)  # short input, not a terminal: no bar
    assert code == 0 and err == ""


# --------------------------------------------------------------------------------------------------
# Errors in files: one line, exit code 2, line number


def _error(argv, capsys):
    code, _, err = run(argv, capsys)
    assert code == 2
    assert "Traceback" not in err
    assert err.count("\n") == 1, err
    return err


def test_missing_file(tmp_path, capsys):
    err = _error(["track", tmp_path / "nope.txt"], capsys)
    assert f"{tmp_path / 'nope.txt'}: no such file" in err


@pytest.mark.parametrize("lines,line_number,what", [
    (["1,-1,10,10,5,5,0.9", "1,-1,20,20,5,5,0.8", "2,-1,10,10,5"], 3, "expected at least 7"),
    (["1,-1,10,10,5,5,0.9", "2,-1,10,ten,5,5,0.8"], 2, "not a number"),
    (["1,-1,10,10,5,5,0.9", "", "3,-1,10,10,5,5,nan"], 3, "non-finite"),
])
def test_malformed_mot_line(tmp_path, capsys, lines, line_number, what):
    path = tmp_path / "det.txt"
    path.write_text("\n".join(lines) + "\n")
    err = _error(["track", path], capsys)
    assert f"{path}:{line_number}: {what}" in err


def test_malformed_json(tmp_path, capsys):
    path = tmp_path / "dets.json"
    path.write_text('[\n [{"box": [1, 2, 3, 4], "score": 0.9}],\n [{"box": [1, 2, 3, 4], "score": 0.9,}]\n]\n')
    err = _error(["track", path], capsys)
    assert f"{path}:3: invalid JSON" in err
    path.write_text('[[{"box": [1, 2, 3], "score": 0.9}]]')
    assert "frame 0, detection 0: 'box' needs 4 numbers" in _error(["track", path], capsys)


@pytest.mark.parametrize("content,what", [
    ("hello world\n", "unknown detection format"),
    ("", "the file is empty"),
])
def test_unknown_format(tmp_path, capsys, content, what):
    path = tmp_path / "dets.dat"
    path.write_text(content)
    assert what in _error(["track", path], capsys)


def test_binary_file(tmp_path, capsys):
    path = tmp_path / "dets.txt"
    path.write_bytes(b"1,2,\xff\xfe\x00\x01,3,4,5,6\n")
    assert "not a text file" in _error(["track", path], capsys)


def test_eval_malformed_gt(tmp_path, capsys):
    require_trackeval()
    gt = tmp_path / "gt.txt"
    gt.write_text("1,1,10,10,5,5,1,1,1\n2,1,10,10,5\n")
    res = tmp_path / "res.txt"
    res.write_text("1,1,10,10,5,5,1,-1,-1,-1\n")
    assert f"{gt}:2: expected at least 6" in _error(["eval", "--gt", gt, "--results", res], capsys)
    gt.write_text("1,1,10,10,5,5,1,1,1\n")
    assert f"{tmp_path / 'x.txt'}: no such file" in _error(["eval", "--gt", gt, "--results", tmp_path / "x.txt"],
                                                           capsys)


# --------------------------------------------------------------------------------------------------
# Missing extras


def test_eval_without_trackeval(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "trackeval", None)
    code, _, err = run(["eval", "--gt", tmp_path / "gt.txt", "--results", tmp_path / "r.txt"], capsys)
    assert code == 1
    assert "pip install 'bytetrack-cpp[eval]'" in err and "pip install '.[eval]'" in err


def test_demo_without_matplotlib(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.chdir(tmp_path)
    code, out, err = run(["demo"], capsys)
    assert code == 1
    assert "frames      300" in out  # the tracking itself still ran
    assert "pip install 'bytetrack-cpp[plot]'" in err and "pip install '.[plot]'" in err
    assert not (tmp_path / cli.DEMO_PNG).exists()


# --------------------------------------------------------------------------------------------------
# demo


def test_demo_bundled_scene(tmp_path, capsys, monkeypatch):
    pytest.importorskip("matplotlib")
    monkeypatch.chdir(tmp_path)
    code, out, err = run(["demo"], capsys)
    assert code == 0, err
    png = tmp_path / cli.DEMO_PNG
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    seq = read_json_detections(str(cli.demo_scene_path()))
    want = expected_tracks([(f.xyxy, f.scores, f.class_ids) for f in seq.frames], frame_rate=30.0)
    ids = {t for ids, *_ in want for t in ids}
    assert f"frames      {len(seq)}" in out
    assert f"tracks      {len(ids)} ids, {sum(len(w[0]) for w in want):,} track boxes" in out
    assert f"track id vs frame, {len(ids)} lines)" in out


def test_bundled_scene_is_small_and_regenerates(tmp_path):
    path = cli.demo_scene_path()
    assert path.stat().st_size < 1_000_000
    tool = Path(__file__).resolve().parents[1] / "tools" / "make_demo_scene.py"
    if not tool.is_file():
        pytest.skip("tools/ is only in a source checkout")
    proc = subprocess.run([sys.executable, str(tool), "--check", "-o", str(path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


# --------------------------------------------------------------------------------------------------
# bench


def test_bench_without_suite(capsys, monkeypatch):
    monkeypatch.setattr(cli, "find_benchmarks", lambda: None)
    code, _, err = run(["bench"], capsys)
    assert code == 1 and "benchmarks/" in err and "pip install '.[bench]'" in err


def test_bench_runs_a_script(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "benchmarks"
    folder.mkdir()
    (folder / "hello.py").write_text("import sys\nsys.exit(int(sys.argv[1]))\n")
    monkeypatch.setattr(cli, "find_benchmarks", lambda: folder)
    code, out, _ = run(["bench", "--list"], capsys)
    assert code == 0 and "hello" in out
    assert run(["bench", "hello", "7"], capsys)[0] == 7
    assert run(["bench", "nope"], capsys)[0] == 2


# --------------------------------------------------------------------------------------------------
# eval


def _synthetic_gt(path: Path, scene):
    """MOT15-style ground truth from the generator's object ids (false positives dropped)."""
    with open(path, "w") as handle:
        for number, (xyxy, _, _, objects) in enumerate(scene, start=1):
            for (x1, y1, x2, y2), obj in zip(xyxy.tolist(), objects.tolist()):
                if obj >= 0:
                    handle.write(f"{number},{obj + 1},{x1:.2f},{y1:.2f},{x2 - x1:.2f},{y2 - y1:.2f},1,-1,-1,-1\n")


def test_eval_synthetic_json_and_mot_results_agree(tmp_path, scene, capsys):
    require_trackeval()
    # The first frames carry no detection, so frame numbering cannot be guessed from the rows.
    scene = [(np.empty((0, 4)), np.empty(0), np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64))] * 3 + list(scene)
    gt = tmp_path / "gt.txt"
    _synthetic_gt(gt, scene)
    det = write_json_det(tmp_path / "dets.json", scene)
    assert run(["track", det, "-o", tmp_path / "r.txt"], capsys)[0] == 0
    assert run(["track", det, "-o", tmp_path / "r.json"], capsys)[0] == 0
    metrics = []
    for res in ("r.txt", "r.json"):
        code, out, err = run(["eval", "--gt", gt, "--results", tmp_path / res, "--json"], capsys)
        assert code == 0, err
        metrics.append(json.loads(out))
    assert metrics[0] == metrics[1]
    row = metrics[0]["sequences"]["gt"]
    assert metrics[0]["benchmark"] == "MOT15"
    assert row["GT_Dets"] == sum(int((s[3] >= 0).sum()) for s in scene)
    assert 0.5 < row["HOTA"] <= 1 and 0.5 < row["MOTA"] <= 1 and 0.5 < row["IDF1"] <= 1
    # The human-readable form shows the same numbers as percentages.
    code, out, _ = run(["eval", "--gt", gt, "--results", tmp_path / "r.txt"], capsys)
    assert code == 0 and f"{100 * row['HOTA']:.3f}" in out and f"{100 * row['IDF1']:.3f}" in out


def _reference_as_mot(name: str, path: Path) -> None:
    with open(REFERENCE / "ifzhang-python" / f"{name}.csv", newline="") as handle:
        rows = [(int(r["frame"]), int(r["track_id"]), float(r["x1"]), float(r["y1"]), float(r["x2"]),
                 float(r["y2"]), float(r["score"])) for r in csv.DictReader(handle)]
    write_mot_results(str(path), rows)


def test_acceptance_mot17_04_track_then_eval_equals_reference(tmp_path, capsys):
    """Issue 7 acceptance 2: track det.txt, eval against gt.txt; the metrics are those of the ifzhang-python
    reference output for the same sequence, evaluated by the same library."""
    require_shared()
    require_trackeval()
    seq_dir = SHARED / "mot" / MOT17_04
    res = tmp_path / "res.txt"
    code, out, err = run(["track", seq_dir / "det" / "det.txt", "-o", res], capsys)
    assert code == 0, err
    ref = tmp_path / "ref.txt"
    _reference_as_mot(f"mot-{MOT17_04}", ref)
    assert res.read_text() == ref.read_text()  # same ids and boxes, to the file's 2 decimals
    code, out, err = run(["eval", "--gt", seq_dir / "gt" / "gt.txt", "--results", res, "--json"], capsys)
    assert code == 0, err
    ours = json.loads(out)
    from bytetrack_cpp.evaluate import SequenceToEvaluate, evaluate_mot

    theirs = evaluate_mot([SequenceToEvaluate(str(seq_dir / "gt" / "gt.txt"), str(ref))])
    assert ours["sequences"] == theirs.rows
    assert ours["benchmark"] == "MOT17" and ours["library"].startswith("trackeval")
    row = ours["sequences"][MOT17_04]
    assert row["GT_Dets"] == 47557 and row["Dets"] > 20000
    for key in ("HOTA", "MOTA", "IDF1", "DetA", "AssA", "MOTP", "IDP", "IDR"):
        assert 0.3 < row[key] < 1.0, key


def test_progress_bar_with_rich_goes_to_stderr(tmp_path, scene, capsys, monkeypatch):
    pytest.importorskip("rich")
    monkeypatch.setitem(sys.modules, "tqdm", None)
    det = write_json_det(tmp_path / "dets.json", scene)
    code, out, _ = run(["track", det, "--progress"], capsys)
    assert code == 0
    assert out.startswith("bytetrack-cpp track:") and "tracking" not in out


# --------------------------------------------------------------------------------------------------
# The compat engines through the command line reproduce their reference CSVs (when built in).

ENGINE_REFERENCES = [
    ("bytetrack", "ifzhang", [], "ifzhang-python"),
    ("bytetrack", "ifzhang-cpp-2021", [], "ifzhang-cpp-2021"),
    ("trackers", "2.6.1", [], "trackers-2.6.1"),
    ("trackers", "2.2.0", ["--track-activation-threshold", "0.25"], "trackers-2.2.0-act0.25"),
    ("supervision", "0.30.9", [], "supervision-0.30.9"),
    ("supervision", "0.27.0.post1", [], "supervision-0.27.0.post1"),
]


@pytest.mark.parametrize("engine,preset,extra,reference", ENGINE_REFERENCES)
@pytest.mark.parametrize("name,path", [("rfdetr-walk-763b32f", "rfdetr-walk/detections_763b32f.json"),
                                       ("mot-MOT17-09-FRCNN", "mot/MOT17-09-FRCNN/det/det.txt")])
def test_engine_reproduces_reference(engine, preset, extra, reference, name, path, tmp_path, capsys):
    require_shared()
    cls = cli.ENGINES[engine].class_name
    if not hasattr(bytetrack_cpp, cls):
        pytest.skip(f"bytetrack_cpp.{cls} is not in this build")
    out = tmp_path / "t.json"
    code, _, err = run(["track", SHARED / path, "-o", out, "--engine", engine, "--preset", preset] + extra, capsys)
    assert code == 0, err
    doc = json.loads(out.read_text())
    ours = [(f["frame"], t["track_id"], t["box"]) for f in doc["frames"] for t in f["tracks"]]
    with open(REFERENCE / reference / f"{name}.csv", newline="") as handle:
        ref = [(int(r["frame"]), int(r["track_id"]), [float(r[k]) for k in ("x1", "y1", "x2", "y2")])
               for r in csv.DictReader(handle)]
    assert [o[:2] for o in ours] == [r[:2] for r in ref]
    # ifzhang-cpp boxes are float32 Kalman states: compare in float32 with the C++ drift tolerance.
    tol = 1e-3 if reference.startswith("ifzhang-cpp") else (1e-6 if reference == "ifzhang-python" else 0)
    err = np.abs(np.float32([o[2] for o in ours]) - np.float32([r[2] for r in ref]))
    assert err.max(initial=0) <= tol


def test_track_timeline_without_matplotlib_fails_before_writing(tmp_path, scene, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    det = write_json_det(tmp_path / "dets.json", scene)
    code, out, err = run(["track", det, "-o", tmp_path / "t.txt", "--timeline", tmp_path / "t.png"], capsys)
    assert code == 1 and out == ""
    assert "pip install 'bytetrack-cpp[plot]'" in err
    assert not (tmp_path / "t.txt").exists()


def test_track_timeline_png(tmp_path, scene, capsys):
    pytest.importorskip("matplotlib")
    det = write_json_det(tmp_path / "dets.json", scene)
    code, out, err = run(["track", det, "--timeline", tmp_path / "t.png"], capsys)
    assert code == 0, err
    assert (tmp_path / "t.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
