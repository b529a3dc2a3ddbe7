"""Smoke runs of the client-side benchmarks (rows 1-3 of ``python3 build.py bench``).

Why in the test suite: a benchmark nobody runs rots (an API renamed, an emulator option gone)
and is found broken the day figures are needed. These run each script for real, at a tiny size,
in a subprocess exactly as ``bench/run.py`` does, and check the figures it hands back make sense.
No timing thresholds: speed is the benchmark's business, not the test's.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.whole_program  # build.py test --fast leaves it to the full run

ROOT = Path(__file__).resolve().parents[2]


def figures(script: str, *args: str) -> Any:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / script), *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_completion_rows_measure_both_clients_and_the_engine() -> None:
    result = figures("completion.py", "--smoke", "--json")
    modes = result["row1"]["modes"]
    assert set(modes) == {"no ETA, linear progress", "no ETA, eased progress", "with ETA"}
    for mode in modes.values():
        for side in ("ours", "sdk"):
            assert mode[side]["polls"] >= 1
            assert -0.5 < mode[side]["p50"] <= mode[side]["p95"] <= mode[side]["max"] < 60, mode
    cases = result["row2"]["cases"]
    assert [c["jobs"] for c in cases] == [1, 2]
    for case in cases:
        assert case["samples"] == case["jobs"], "every job's finish was seen"
        assert case["list_requests"] >= 1 and case["task_seconds"] > 0


def test_download_row_compares_with_curl_and_the_sdk() -> None:
    result = figures("download_memory.py", "--row3", "--size-mb", "4", "--rounds", "1")
    assert set(result["mib_per_s"]) == {"ours", "sdk", "curl"}
    assert all(v > 0 and math.isfinite(v) for v in result["mib_per_s"].values())
    assert set(result["rss_growth_mib"]) == {"ours", "sdk"}
