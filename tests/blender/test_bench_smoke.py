"""Smoke runs of the Blender-side benchmarks (rows 4-9 and row 10's console side of ``python3 build.py bench``,
and ``splat_read.py``).

Why: see ``tests/client/test_bench_smoke.py``: each script runs for real, tiny, in a fresh
interpreter of this venv (as ``bench/run.py`` runs it), and its figures are checked for sense,
never for speed. Row 6's idle figure is the exception: no active job must mean no timer.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.whole_program  # build.py test --fast leaves it to the full run

ROOT = Path(__file__).resolve().parents[2]


def figures(script: str, *args: str) -> Any:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *args, "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_import_row_times_every_asset_against_the_raw_importer() -> None:
    assets = figures("import_pipeline.py", "--smoke")["assets"]
    assert len(assets) == 4
    assert all(a["ours_s"] > 0 and a["raw_s"] > 0 for a in assets.values())


def test_many_landings_row_times_ours_and_the_raw_importer_into_the_same_structure() -> None:
    result = figures("many_landings.py", "--smoke")
    assert result["landings"] == 5
    assert all(result[side]["total_s"] > 0 and result[side]["last_s"] > 0 for side in ("ours", "raw"))


def test_pump_tick_row_reports_percentiles_per_job_count() -> None:
    result = figures("pump_tick.py", "--jobs", "0,2", "--ticks", "3", "--idle-ticks", "1", "--idle-wait", "0.05")
    assert set(result["jobs"]) == {"0", "2"}
    assert all(0 < j["p50_ms"] <= j["max_ms"] for j in result["jobs"].values())


def test_export_row_times_ours_against_the_raw_exporter_and_the_floor() -> None:
    sizes = figures("mesh_export.py", "--smoke")["sizes"]
    assert set(sizes) == {"4k", "16k"}
    assert all(
        s["main_s"] > 0 and s["ready_s"] >= s["main_s"] and s["raw_s"] > 0 and s["floor_s"] > 0 for s in sizes.values()
    )


def test_panel_and_idle_rows() -> None:
    result = figures("blender_rows.py", "--smoke")
    assert set(result["draw"]) == {"0", "10"}
    assert 0 < result["draw"]["10"]["changed_p50_ms"] <= result["draw"]["10"]["changed_max_ms"], (
        "the redraw after a change"
    )
    assert result["idle"]["ticks_per_s"] == 0 and not result["idle"]["timer_registered"]
    enable = result["enable"]
    assert set(enable["addons"]) == {"tripo_blender", "rigify", "node_wrangler"}, "ours and Blender's own, same run"
    assert all(a["warm_s"] > 0 and a["cold_s"] > 0 for a in enable["addons"].values())
    assert enable["enable_s"] == enable["addons"]["tripo_blender"]["warm_s"]


def test_asset_row_writes_both_results_and_lists_the_library() -> None:
    result = figures("asset_write.py", "--smoke")
    assert set(result["write"]) == {"static GLB", "rigged GLB"}
    assert all(w["ours_ms"] > 0 and w["raw_ms"] > 0 and w["blend_bytes"] > 100_000 for w in result["write"].values())
    assert result["list"]["count"] == 50 and result["list"]["ours_ms"] > 0


def test_splat_bench_reads_and_lands_every_format() -> None:
    result = figures("splat_read.py", "--smoke")
    assert result["count"] == 2000 and set(result["formats"]) == {"ply", "spz", "glb"}
    for fmt in result["formats"].values():
        assert fmt["read_cpu"] > 0 and fmt["read_wall"] > 0 and fmt["land"] > 0
        assert (fmt["importer"] is not None) == result["native"], "Blender's importer baseline: 5.3+ only"
    assert result["formats"]["ply"]["numpy"] > 0


def test_batch_row_runs_a_console_batch_against_its_ideal() -> None:
    result = figures("batch.py", "--side", "console", "--smoke")
    assert (result["side"], result["jobs"], result["concurrency"]) == ("console", 6, 3)
    assert result["seconds"] >= result["ideal_s"] == 1.0, "no batch beats every slot busy"
    assert result["requests"]["list"] >= 2 and result["requests"]["get"] == 0, "one list request per round"
    assert result["requests_per_task_second"] <= 1.5
