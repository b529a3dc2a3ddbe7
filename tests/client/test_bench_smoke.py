"""Smoke runs of the client-side benchmarks (rows 1-3 and row 10's engine side of ``python3 build.py bench``).

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
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
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


def test_batch_row_runs_a_batch_through_the_engine_against_its_ideal() -> None:
    result = figures("batch.py", "--side", "engine", "--smoke", "--json")
    assert (result["side"], result["jobs"], result["concurrency"]) == ("engine", 6, 3)
    assert result["ideal_s"] == 1.0 and result["seconds"] >= result["ideal_s"], "no batch beats every slot busy"
    # half-second tasks: the first look and the notice are a larger share of each task than in the row
    assert result["requests"]["list"] >= 2 and 0 < result["requests_per_task_second"] <= 1.5
