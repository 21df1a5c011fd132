"""Regenerates the demo scene bundled with the package (data/demo_scene.json, installed into the wheel).

The scene comes from the project's own deterministic generator (bytetrack_cpp.generate_scene), so the
file can always be rebuilt bit for bit:

    python tools/make_demo_scene.py            # writes data/demo_scene.json
    python tools/make_demo_scene.py --check    # exits 1 if the bundled file differs from a fresh one

It is stored in the JSON detection format that ``bytetrack-cpp track`` reads ({"frame_rate", "detections":
[[{"box": [x1, y1, x2, y2], "score", "class_id"}, ...], ...]}); each detection also keeps the generator's
ground-truth "object_id" (-1 for false positives), which the reader ignores. Boxes and scores are rounded
to 2 and 4 decimals to keep the file small (the demo tracks the file, not the generator).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import bytetrack_cpp

OUTPUT = Path(__file__).resolve().parents[1] / "data" / "demo_scene.json"
SCENE = {"num_frames": 300, "objects_per_frame": 15.0, "seed": 7}
FRAME_RATE = 30


def build() -> str:
    frames = bytetrack_cpp.generate_scene(**SCENE)
    detections = []
    for xyxy, scores, class_ids, object_ids in frames:
        detections.append([
            {"box": [round(float(v), 2) for v in box], "score": round(float(s), 4), "class_id": int(c),
             "object_id": int(o)}
            for box, s, c, o in zip(xyxy, scores, class_ids, object_ids)
        ])
    doc = {
        "description": "bytetrack_cpp demo scene: synthetic street scene from bytetrack_cpp.generate_scene",
        "generator": dict(SCENE),
        "frame_rate": FRAME_RATE,
        "detections": detections,
    }
    # One frame per line: small, and diffs stay readable.
    lines = ",\n".join(json.dumps(frame, separators=(",", ":")) for frame in detections)
    head = json.dumps({k: v for k, v in doc.items() if k != "detections"}, separators=(",", ":"))[:-1]
    return f'{head},"detections":[\n{lines}\n]}}\n'


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the bundled file instead of writing")
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    text = build()
    json.loads(text)  # the hand-joined document must still be valid JSON
    if args.check:
        same = args.output.is_file() and args.output.read_text(encoding="utf-8") == text
        print(f"{args.output}: {'up to date' if same else 'DIFFERS from a fresh build'}")
        return 0 if same else 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    frames = len(json.loads(text)["detections"])
    print(f"wrote {args.output} ({len(text.encode()) / 1024:.0f} KiB, {frames} frames)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
