"""Rows 5 (panel draw) and 6 (idle cost, enable time) of ``python3 build.py bench``, in real bpy.

Run with a Blender venv (Blender as a Python module)::

    .venv/bpy-5.0/bin/python bench/blender_rows.py [--smoke] [--json]

Why: the Jobs panel's ``draw()`` runs on every redraw of the sidebar, so its cost with many jobs
listed is paid on the main thread again and again (20 ms at 500 jobs before paging); an add-on
that keeps a timer ticking with nothing to do costs every idle Blender session; enabling it is
paid at every start.

* **draw**: ``TRIPO_PT_jobs.draw`` with 0, 10, 100, 500 jobs in the view (a mix of running, done
  and failed), against a recording layout whose every method returns itself (the Python side of
  drawing; Blender's own C layout work is not in either figure). Baseline: the same panel with
  no job ("an empty panel").
* **idle**: after enabling with no job, whether the pump's timer is still registered, and the
  timer ticks per second that implies (a module build of bpy has no event loop to count real
  ticks; the timer's registration is what decides it).
* **enable**: ``addon_utils.enable`` of the working tree as an extension (the temporary
  extension repository it lives in is set up first, untimed), against ``import bpy`` alone (a
  fresh interpreter each, median of a few). Warm: byte code cached, as at every Blender start
  after the first; the first (cold, compiling every module) is shown too.

Only 127.0.0.1 is contacted (nothing at all unless jobs are submitted; none are here).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import import_module
from pathlib import Path
from typing import Any

from _common import ROOT, percentile, print_table

REPO_MODULE = "tripo_bench"
ADDON_MODULE = f"bl_ext.{REPO_MODULE}.tripo_blender"
STATES = ("running", "done", "failed", "done", "done")


class Layout:
    """A do-nothing ``UILayout``: every method and attribute returns the layout itself."""

    def __getattr__(self, name: str) -> Any:
        return self

    def __setattr__(self, name: str, value: Any) -> None:
        pass

    def __call__(self, *args: Any, **kwargs: Any) -> Layout:
        return self

    def __enter__(self) -> Layout:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


def addon(name: str) -> Any:
    return import_module(f"{ADDON_MODULE}.{name}")


def _child_seconds(code: str, scratch: Path) -> float:
    """Wall time of ``code`` in a fresh interpreter of this venv (it prints its own figure).

    Byte code is cached in ``scratch`` (not the working tree), as Blender caches an installed
    extension's after its first start: the first run compiles, the others are warm."""
    env = {**os.environ, "BLENDER_USER_RESOURCES": str(scratch / "user-child"),
           "PYTHONPYCACHEPREFIX": str(scratch / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return float(done.stdout.strip().splitlines()[-1])


IMPORT_ONLY = "import time; t = time.perf_counter(); import bpy; print(time.perf_counter() - t)"
# only addon_utils.enable is timed: the temporary extension repository is the harness's setup
ENABLE = (
    "import sys, time; sys.path.insert(0, {root!r}); import bpy, addon_utils\n"
    "from tests.dev_extension import enable_working_tree\n"
    "real, spent = addon_utils.enable, []\n"
    "def timed(*args, **kwargs):\n"
    "    t = time.perf_counter(); module = real(*args, **kwargs); spent.append(time.perf_counter() - t)\n"
    "    return module\n"
    "addon_utils.enable = timed\n"
    "enable_working_tree({repo!r}, label='Tripo Bench')\n"
    "print(spent[0])"
)


def enable_row(scratch: Path, rounds: int) -> dict[str, float]:
    """``enable_s``: warm (byte code cached, every start but the first); ``cold_enable_s``: the first."""
    imports = [_child_seconds(IMPORT_ONLY, scratch) for _ in range(rounds)]
    enable = ENABLE.format(root=str(ROOT), repo=REPO_MODULE)
    cold = _child_seconds(enable, scratch)
    enables = [_child_seconds(enable, scratch) for _ in range(rounds)]
    return {"import_bpy_s": statistics.median(imports), "enable_s": statistics.median(enables),
            "cold_enable_s": cold}


def draw_row(counts: list[int], draws: int) -> dict[str, Any]:
    """Median, p99 and max ``draw()`` time per job count, with the rows it asked for."""
    import bpy

    jobs_mod, runtime = addon("jobs"), addon("blender.runtime").runtime
    panel = addon("blender.job_list").TRIPO_PT_jobs
    out: dict[str, Any] = {}
    for count in counts:
        runtime._view.clear()
        now = time.time()
        for i in range(count):
            state = STATES[i % len(STATES)]
            extra: dict[str, Any] = {"task_id": f"t{i}", "progress": 40} if state == "running" else {}
            if state == "failed":
                extra["error"] = jobs_mod.JobError("The service failed this task")
            runtime._view.put(jobs_mod.Job(
                id=f"bench-{i}", spec=jobs_mod.JobSpec("text_to_model", {"prompt": f"cat {i}"}, name=f"Cat {i}"),
                state=jobs_mod.JobState(state), created_at=now - i, updated_at=now - i, revision=1, **extra))
        layout = Layout()
        holder = type("PanelSelf", (), {"layout": layout})()
        seconds = []
        for _ in range(draws):
            started = time.perf_counter()
            panel.draw(holder, bpy.context)
            seconds.append(time.perf_counter() - started)
        out[str(count)] = {"p50_ms": statistics.median(seconds) * 1e3, "p99_ms": percentile(seconds, 0.99) * 1e3,
                           "max_ms": max(seconds) * 1e3}
    runtime._view.clear()
    return out


def idle_row() -> dict[str, Any]:
    import bpy

    runtime = addon("blender.runtime").runtime
    asked = runtime.pump()  # one tick with no job: None unregisters the timer
    registered = bpy.app.timers.is_registered(runtime._timer)
    return {"pump_returns": asked, "timer_registered": registered,
            "ticks_per_s": 0.0 if asked is None and not registered else 1.0 / (asked or 1.0)}


def run(smoke: bool) -> dict[str, Any]:
    scratch = Path(tempfile.mkdtemp(prefix="tripo-bench-bpy-"))
    os.environ["BLENDER_USER_RESOURCES"] = str(scratch / "user")  # before bpy: never the real setup
    try:
        import bpy

        from tests.dev_extension import enable_working_tree

        enable_working_tree(REPO_MODULE, label="Tripo Bench")
        bpy.ops.wm.read_homefile(use_empty=True)
        idle = idle_row()
        draw = draw_row([0, 10] if smoke else [0, 10, 100, 500], 5 if smoke else 200)
        enable = enable_row(scratch, 1 if smoke else 5)
        return {"blender": bpy.app.version_string, "draw": draw, "idle": idle, "enable": enable}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def report(result: dict[str, Any]) -> None:
    base = result["draw"]["0"]["p50_ms"]
    rows = [[n, f"{d['p50_ms']:.3f}", f"{d['p99_ms']:.3f}", f"{d['max_ms']:.3f}", f"{d['p50_ms'] / base:.1f}x"]
            for n, d in result["draw"].items()]
    print_table(["jobs listed", "draw p50 ms", "p99 ms", "max ms", "vs empty"], rows,
                title=f"Row 5: Jobs panel draw() (Blender {result['blender']}; baseline: the panel with no job)")
    idle, enable = result["idle"], result["enable"]
    print_table(["idle timer ticks/s", "timer registered", "enable ms", "first enable ms", "import bpy ms"],
                [[f"{idle['ticks_per_s']:g}", str(idle["timer_registered"]), f"{enable['enable_s'] * 1e3:.0f}",
                  f"{enable['cold_enable_s'] * 1e3:.0f}", f"{enable['import_bpy_s'] * 1e3:.0f}"]],
                title="Row 6: idle cost and enable time (baseline: import bpy alone)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON line at the end")
    args = parser.parse_args()
    result = run(args.smoke)
    report(result)
    if args.json:
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
