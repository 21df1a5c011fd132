"""Issue 5: shortened soak (the full 1,000,000-frame run is benchmarks/soak.py).

130,000 frames of an endless scene whose objects live ~40 frames (tracks are born
and die all the time). Same shape as the full run's acceptance: RSS growth after
the first 10,000 frames < 1 MB, and the update time at the end within 10 % of the
time just after warm-up. On a shared CI machine other processes inflate timings in
bursts, so time is the 10th percentile of 1,000-frame blocks (thread CPU time) per
10,000-frame window, and each side takes the best of three windows (frames
10k-40k against 100k-130k). A tracker that slows down with its history (like the
references' all-time removed list) is slower in every late window and still fails.
"""

import importlib.util
import sys
from pathlib import Path

import pytest

SOAK = Path(__file__).resolve().parents[1] / "benchmarks" / "soak.py"


def load_soak():
    spec = importlib.util.spec_from_file_location("soak", SOAK)
    module = importlib.util.module_from_spec(spec)
    sys.modules["soak"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def run_short_soak(soak, engine, path):
    samples = soak.soak(engine, frames=130_000, interval=10_000, objects=10, lifetime=40, seed=3)
    soak.write_csv(str(path), samples)
    assert [s.frame for s in samples] == list(range(10_000, 130_001, 10_000))
    # ~10 objects of ~40 frames each: about 2,500 births per window, and a few dozen live tracks.
    assert all(5 <= s.live_tracks <= 60 for s in samples)
    verdict = soak.judge(samples)
    assert verdict.rss_growth < soak.RSS_LIMIT_BYTES, f"RSS grew by {verdict.rss_growth} bytes"
    early = min(s.p10_block_us for s in samples[1:4])   # frames 10k-40k
    late = min(s.p10_block_us for s in samples[-3:])    # frames 100k-130k
    return late / early, f"{early:.2f} us -> {late:.2f} us; per window: {[round(s.p10_block_us, 2) for s in samples]}"


@pytest.mark.parametrize("engine", ["ifzhang"])
def test_short_soak(engine, tmp_path):
    soak = load_soak()
    # A busy machine can still slow one whole window; a second, independent run
    # decides then. A tracker whose cost grows with its history fails both.
    results = []
    for attempt in range(2):
        ratio, detail = run_short_soak(soak, engine, tmp_path / f"soak{attempt}.csv")
        results.append(detail)
        if abs(ratio - 1.0) <= soak.TIME_TOLERANCE:
            return
    pytest.fail("update time drifted by more than 10 % in two runs: " + " | ".join(results))
