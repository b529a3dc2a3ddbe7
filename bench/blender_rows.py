"""Rows 5 (panel draw) and 6 (idle cost, enable time) of ``python3 build.py bench``, in real bpy.

Run with a Blender venv (Blender as a Python module)::

    .venv/bpy-5.0/bin/python bench/blender_rows.py [--smoke] [--json]

Why: the Jobs panel's ``draw()`` runs on every redraw of the sidebar, so its cost with many jobs
listed is paid on the main thread again and again (20 ms at 500 jobs before paging); an add-on
that keeps a timer ticking with nothing to do costs every idle Blender session; enabling it is
paid at every start.

* **draw**: ``TRIPO_PT_jobs.draw`` with 0, 10, 100, 500, 5,000 jobs in the view (a mix of
  running, waiting to be sent (in the runner's line, up to its 500), done and failed), against a recording
  layout whose every method returns itself (the Python side of drawing; Blender's own C layout work is not in
  either figure). Baseline: the
  same panel with no job ("an empty panel"). p50/p99/max of redraws with nothing changed (most
  redraws: the panel keeps its listing), and **after a change**: a job changes state right before
  each draw, so the draw lists the jobs again (the first redraw after every state change).
* **idle**: after enabling with no job, whether the pump's timer is still registered, and the
  timer ticks per second that implies (a module build of bpy has no event loop to count real
  ticks; the timer's registration is what decides it).
* **enable**: ``addon_utils.enable`` alone, in a fresh interpreter each time, of the add-on
  installed like a real install (its shipped files and manifest copied once into the fixed folder
  ``<user>/extensions/user_default/tripo_blender``), against Blender's own **rigify** and
  **node_wrangler** in the same rounds, and ``import bpy`` alone. *Warm*: byte code cached, as at
  every start after the first; *cold*: the first start after the add-on's byte code was cleared
  (compiling its modules; the rest of Python's stays cached). Byte code lives in one fixed cache
  folder (``PYTHONPYCACHEPREFIX``) that every run shares, so clearing an add-on's byte code never
  touches the shared venv's own ``__pycache__`` folders. Medians over the rounds, interleaved.

Only 127.0.0.1 is contacted (nothing at all unless jobs are submitted; none are here).
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from importlib import import_module
from pathlib import Path
from typing import Any

from _common import bench_arguments, blender_session, percentile, print_table

REPO_MODULE = "tripo_bench"
ADDON_ID = "tripo_blender"
ADDON_MODULE = f"bl_ext.{REPO_MODULE}.{ADDON_ID}"
STATES = ("running", "pending", "done", "failed", "done", "done")
#: Jobs waiting to be sent at most (the runner's ``max_waiting``): the pending ones in line.
MAX_WAITING = 500


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


#: The add-ons whose enable time is measured: ours as installed, and two of Blender's own.
ENABLED = {"tripo_blender": f"bl_ext.user_default.{ADDON_ID}", "rigify": "rigify", "node_wrangler": "node_wrangler"}

IMPORT_ONLY = "import time; t = time.perf_counter(); import bpy; print(time.perf_counter() - t)"
# Only addon_utils.enable is timed; the add-on's folder is printed for the cold runs to clear.
ENABLE = (
    "import sys, time, bpy, addon_utils\n"
    "def fail(exc): raise exc\n"
    "t, c = time.perf_counter(), time.process_time()\n"
    "module = addon_utils.enable({name!r}, default_set=True, handle_error=fail)\n"
    "spent, cpu = time.perf_counter() - t, time.process_time() - c\n"
    "print(module.__file__); print(spent, cpu)\n"
    # Blender 4.2 crashes at exit after rigify (_common.exit_without_teardown)
    "import os; sys.stdout.flush(); os._exit(0)"
)


class EnableBench:
    """Fresh interpreters enabling add-ons from fixed folders with one fixed byte-code cache.

    Why fixed: an add-on loaded from a new temporary folder each run has no byte code there and
    compiles every module every time, so an earlier version of this benchmark measured "warm"
    starts that were partly cold.
    """

    def __init__(self, scratch: Path) -> None:
        self.user = scratch / "user"
        self.pycache = scratch / "pycache"
        self.folders: dict[str, Path] = {}  # where each add-on's code is (learnt from its first run)
        install(self.user / "extensions" / "user_default" / ADDON_ID)

    def _run(self, code: str) -> list[str]:
        env = {**os.environ, "BLENDER_USER_RESOURCES": str(self.user), "PYTHONPYCACHEPREFIX": str(self.pycache)}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env.pop("PYTHONPATH", None)  # the add-on comes from its installed folder, nowhere else
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300, cwd=self.user.parent
        )
        if done.returncode != 0:
            raise RuntimeError(done.stderr[-2000:])
        return done.stdout.strip().splitlines()

    def import_bpy(self) -> float:
        return float(self._run(IMPORT_ONLY)[-1])

    def enable(self, key: str, *, cold: bool = False) -> tuple[float, float]:
        """Seconds ``addon_utils.enable`` took, wall and CPU; ``cold``: after clearing that add-on's
        byte code."""
        if cold:
            folder = self.folders.get(key)
            assert folder is not None, "a first (untimed) run finds the add-on's folder"
            shutil.rmtree(self.pycache / folder.relative_to(folder.anchor), ignore_errors=True)
        lines = self._run(ENABLE.format(name=ENABLED[key]))
        init = Path(lines[-2])
        if init.name != "__init__.py":  # a one-file add-on: clearing its folder would clear others
            raise RuntimeError(f"{key} is not a package ({init}); its byte code cannot be cleared alone")
        self.folders[key] = init.parent
        wall, cpu = lines[-1].split()
        return float(wall), float(cpu)


def install(folder: Path) -> None:
    """The add-on's shipped files and manifest in ``folder``, as installing the zip puts them
    (the wheels aside: the venv has requests)."""
    from tools.package import package_files
    from tools.paths import MANIFEST_PATH, PACKAGE_DIR

    for source in package_files():
        target = folder / source.relative_to(PACKAGE_DIR)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    shutil.copy2(MANIFEST_PATH, folder / "blender_manifest.toml")


def enable_row(scratch: Path, rounds: int, warm_per_round: int = 2) -> dict[str, Any]:
    """Per add-on, medians of ``warm_s`` and ``cold_s``; ``enable_s``/``cold_enable_s`` are ours.

    Each round runs every add-on cold (its byte code cleared first), then warm ``warm_per_round``
    times, in an order that rotates with the round, so a busy moment of the machine does not fall
    on one add-on."""
    bench = EnableBench(scratch)
    for key in ENABLED:  # fills the byte-code cache with everything but nothing timed
        bench.enable(key)
    keys = list(ENABLED)
    cold: dict[str, list[tuple[float, float]]] = {key: [] for key in keys}
    warm: dict[str, list[tuple[float, float]]] = {key: [] for key in keys}
    imports = []
    for n in range(rounds):
        imports.append(bench.import_bpy())
        for key in keys[n % len(keys) :] + keys[: n % len(keys)]:
            cold[key].append(bench.enable(key, cold=True))
            warm[key] += [bench.enable(key) for _ in range(warm_per_round)]

    def medians(runs: list[tuple[float, float]], name: str) -> dict[str, float]:
        return {
            f"{name}_s": statistics.median(w for w, _ in runs),
            f"{name}_cpu_s": statistics.median(c for _, c in runs),
        }

    addons = {
        key: {
            **medians(warm[key], "warm"),
            **medians(cold[key], "cold"),
            "warm_runs": len(warm[key]),
            "cold_runs": len(cold[key]),
        }
        for key in keys
    }
    ours = addons[ADDON_ID]
    return {
        "import_bpy_s": statistics.median(imports),
        "enable_s": ours["warm_s"],
        "cold_enable_s": ours["cold_s"],
        "addons": addons,
    }


def _ms(samples: list[tuple[float, float]], prefix: str = "") -> dict[str, float]:
    """p50/p99/max of the wall times, and p50/p99 of the CPU times (``cpu_``): on a busy machine
    the wall time's tail is mostly the other processes, the CPU time is what the draw cost."""
    wall, cpu = [w for w, _ in samples], [c for _, c in samples]
    return {
        f"{prefix}p50_ms": statistics.median(wall) * 1e3,
        f"{prefix}p99_ms": percentile(wall, 0.99) * 1e3,
        f"{prefix}max_ms": max(wall) * 1e3,
        f"{prefix}cpu_p50_ms": statistics.median(cpu) * 1e3,
        f"{prefix}cpu_p99_ms": percentile(cpu, 0.99) * 1e3,
    }


def _timed(draw: Callable[[], None]) -> tuple[float, float]:
    """Wall and CPU seconds (this thread's) of one call."""
    wall, cpu = time.perf_counter(), time.thread_time()
    draw()
    return time.perf_counter() - wall, time.thread_time() - cpu


def draw_row(counts: list[int], draws: int) -> dict[str, Any]:
    """Median, p99 and max ``draw()`` time per job count: redraws with nothing changed, and the
    redraw right after a job changed state (``changed_*``: the panel lists its jobs again)."""
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
            runtime._view.put(
                jobs_mod.Job(
                    id=f"bench-{i}",
                    spec=jobs_mod.JobSpec("text_to_model", {"prompt": f"cat {i}"}, name=f"Cat {i}"),
                    state=jobs_mod.JobState(state),
                    created_at=now - i,
                    updated_at=now - i,
                    revision=1,
                    **extra,
                )
            )
        waiting = [f"bench-{i}" for i in reversed(range(count)) if STATES[i % len(STATES)] == "pending"]
        runtime._view.set_send_order(waiting[:MAX_WAITING], "Parallel Jobs 3")  # as the pump keeps it
        layout = Layout()
        holder = type("PanelSelf", (), {"layout": layout})()
        draw = partial(panel.draw, holder, bpy.context)

        seconds = [_timed(draw) for _ in range(draws)]
        changed = []
        running = [job for job in runtime.jobs() if job.state is jobs_mod.JobState.RUNNING]
        for n in range(draws if running else 0):  # a running job moves on and back: a state change each
            job = runtime.job(running[n % len(running)].id)
            state = (
                jobs_mod.JobState.DOWNLOADING if job.state is jobs_mod.JobState.RUNNING else jobs_mod.JobState.RUNNING
            )
            runtime._view.put(dataclasses.replace(job, state=state, revision=job.revision + 1))
            changed.append(_timed(draw))
        out[str(count)] = {**_ms(seconds), **(_ms(changed, "changed_") if changed else {})}
    runtime._view.clear()
    return out


def idle_row() -> dict[str, Any]:
    import bpy

    runtime = addon("blender.runtime").runtime
    asked = runtime.pump()  # one tick with no job: None unregisters the timer
    registered = bpy.app.timers.is_registered(runtime._timer)
    return {
        "pump_returns": asked,
        "timer_registered": registered,
        "ticks_per_s": 0.0 if asked is None and not registered else 1.0 / (asked or 1.0),
    }


def run(smoke: bool) -> dict[str, Any]:
    with blender_session("tripo-bench-bpy-", REPO_MODULE) as scratch:
        import bpy

        bpy.ops.wm.read_homefile(use_empty=True)
        idle = idle_row()
        draw = draw_row([0, 10] if smoke else [0, 10, 100, 500, 5000], 5 if smoke else 300)
        enable = enable_row(scratch, 1, 1) if smoke else enable_row(scratch, 5)
        return {"blender": bpy.app.version_string, "draw": draw, "idle": idle, "enable": enable}


def report(result: dict[str, Any]) -> None:
    base = result["draw"]["0"]["p50_ms"]

    def changed(d: dict[str, float], key: str) -> str:
        return f"{d[key]:.3f}" if key in d else "-"

    rows = [
        [
            n,
            f"{d['p50_ms']:.3f}",
            f"{d['p99_ms']:.3f}",
            f"{d['max_ms']:.3f}",
            f"{d['cpu_p99_ms']:.3f}",
            f"{d['p50_ms'] / base:.1f}x",
            changed(d, "changed_p50_ms"),
            changed(d, "changed_p99_ms"),
            changed(d, "changed_cpu_p99_ms"),
        ]
        for n, d in result["draw"].items()
    ]
    print_table(
        ["jobs listed", "draw p50 ms", "p99", "max", "CPU p99", "vs empty", "after a change p50", "p99", "CPU p99"],
        rows,
        title=f"Row 5: Jobs panel draw() (Blender {result['blender']}; baseline: the panel with no job)",
    )
    idle, enable = result["idle"], result["enable"]
    print_table(
        ["idle timer ticks/s", "timer registered", "import bpy ms"],
        [[f"{idle['ticks_per_s']:g}", str(idle["timer_registered"]), f"{enable['import_bpy_s'] * 1e3:.0f}"]],
        title="Row 6: idle cost",
    )
    addons = enable["addons"]
    rigify = addons["rigify"]
    print_table(
        [
            "add-on",
            "warm ms",
            "CPU ms",
            "cold ms",
            "CPU ms",
            "warm vs rigify",
            "CPU",
            "cold vs rigify",
            "CPU",
            "runs warm/cold",
        ],
        [
            [
                key,
                f"{a['warm_s'] * 1e3:.0f}",
                f"{a['warm_cpu_s'] * 1e3:.0f}",
                f"{a['cold_s'] * 1e3:.0f}",
                f"{a['cold_cpu_s'] * 1e3:.0f}",
                f"{a['warm_s'] / rigify['warm_s']:.2f}x",
                f"{a['warm_cpu_s'] / rigify['warm_cpu_s']:.2f}x",
                f"{a['cold_s'] / rigify['cold_s']:.2f}x",
                f"{a['cold_cpu_s'] / rigify['cold_cpu_s']:.2f}x",
                f"{a['warm_runs']}/{a['cold_runs']}",
            ]
            for key, a in addons.items()
        ],
        title="Row 6: addon_utils.enable from a fixed folder (medians; cold: the add-on's byte code cleared)",
    )


def main() -> int:
    args = bench_arguments(__doc__)
    result = run(args.smoke)
    report(result)
    if args.json:
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
