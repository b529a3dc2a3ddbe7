"""Cost of one ``runtime.pump()`` tick on Blender's main thread, with 0, 10 and 100 active jobs.

Run with the Blender 5.0 venv (Blender as a Python module)::

    .venv/bpy-5.0/bin/python bench/pump_tick.py [--jobs 0,10,100]

Why this benchmark: "Blender freezes" is the first complaint users file against add-ons that
talk to a web service. In this add-on the network runs on worker threads and the main thread
only runs the pump (``tripo_blender/blender/runtime.py``): a ``bpy.app.timers`` callback that
drains at most 64 engine events into the job list, redraws if something changed, and imports
at most one finished result. This measures what a tick costs while jobs are in flight, so the
claim "milliseconds, never blocking" is a number. Imports are *not* measured (no job finishes
during the measurement): importing a model is Blender's own glTF importer's work, bounded to
one per tick.

Setup, like an installed add-on: the working tree is enabled as the extension
``bl_ext.tripo_bench.tripo_blender`` from a temporary user repository (the recipe of
``tests/demo``), with Blender's user folders in a temporary directory. The emulator runs in a
**child process** (in real use the API is remote: its threads must not compete with the main
thread for the GIL), with tasks that run 40 s. The add-on uses its maximum of 8 workers, so of
N jobs at most 8 are on the server at once and the rest wait, exactly as in Blender.

To make events *flow* far faster than in real use, the add-on's client polls every 0.1 s (a
stress setting: with its real schedule a running task is polled every few seconds). Every
poll that sees a new progress or ETA value becomes one event for the pump. The engine's event
queue coalesces the changes of one job into its newest snapshot, so a tick drains at most one
``JobChanged`` per job that changed, however chatty the server was.

Per N:

* ``paced``: ticks every 50 ms with the main thread asleep in between, as in Blender (whose
  timer calls the pump every 250 ms while jobs run; a faster pace gives more samples),
* ``hot``: ticks back to back (the pump's own cost with warm caches),
* ``after submit``: the first tick after submitting the N jobs (one sample): it drains one
  event per new job, up to the pump's cap of 64, the largest batch a tick ever applies,
* ``idle``: events are left to pile up for 2 s, then one tick drains them (coalescing shows
  here: at most one event per running job).

Baseline, measured in the same run and in the same two ways (after the same pause, and back
to back): a loop of 100 calls of an empty Python function. The tables give tick times, their
ratio to that baseline, and the paced tick's share of the pump's own 250 ms interval (the
main thread's time spent in the pump while jobs run).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import Any

from _common import emulator_process, median, percentile, print_table, ratio  # first: sys.path

REPO_MODULE = "tripo_bench"
ADDON_MODULE = f"bl_ext.{REPO_MODULE}.tripo_blender"
RUN_SECONDS = 40.0
STRESS_POLL = 0.1
WORKERS = 8


def addon(name: str) -> ModuleType:
    return import_module(f"{ADDON_MODULE}.{name}")


# --------------------------------------------------------------------------- baseline


def noop() -> None:
    """The baseline's unit of work: calling nothing."""


BASELINE_CALLS = 100


def baseline_seconds(samples: int, pause: float) -> list[float]:
    """Times of ``for _ in range(100): noop()``, each after ``pause`` seconds of sleep (0: back to back).

    Why paced too: after a sleep the CPU comes back cold (caches, branch predictors, on a VM
    maybe a slower clock), and any code, this loop included, runs several times slower than
    back to back. A tick paced like Blender's timer is compared with a loop paced the same way.
    """
    waiter = threading.Event()
    times = []
    for _ in range(samples):
        if pause:
            waiter.wait(pause)
        t0 = time.perf_counter_ns()
        for _ in range(BASELINE_CALLS):
            noop()
        times.append((time.perf_counter_ns() - t0) / 1e9)
    return times


# --------------------------------------------------------------------------- measurement


@dataclass
class Ticks:
    """Tick durations (seconds) and how many events each tick drained."""

    seconds: list[float] = field(default_factory=list)
    events: list[int] = field(default_factory=list)


class DrainCounter:
    """Wraps ``Runner.drain_events`` to count what each tick drained (one extra call, ~0.1 µs)."""

    def __init__(self, drain: Callable[..., list[Any]]) -> None:
        self._drain = drain
        self.last = 0

    def __call__(self, *args: Any, **kwargs: Any) -> list[Any]:
        events = self._drain(*args, **kwargs)
        self.last += len(events)
        return events


def tick(runtime: Any, counter: DrainCounter, into: Ticks) -> None:
    counter.last = 0
    t0 = time.perf_counter_ns()
    runtime.pump()
    into.seconds.append((time.perf_counter_ns() - t0) / 1e9)
    into.events.append(counter.last)


@dataclass
class Measured:
    """Everything timed for one N."""

    submit: Ticks
    steady: Ticks
    hot: Ticks
    idle: Ticks
    running: int


def measure(runtime: Any, jobs: int, storage: Path, args: argparse.Namespace) -> Measured:
    """Submit ``jobs`` jobs and time the next tick, let them start, then time steady and idle ticks."""
    runtime.shutdown()
    runtime.storage_root = storage / f"n{jobs}"  # a fresh journal: nothing resumes from the last N
    runtime.worker_settings = addon("jobs").WorkerSettings(poll_interval=STRESS_POLL)
    runner = runtime.runner()
    counter = DrainCounter(runner.drain_events)
    runner.drain_events = counter  # instance attribute: the pump calls this one
    spec_cls = addon("jobs").JobSpec
    for i in range(jobs):
        runtime.submit(
            spec_cls(
                kind="text_to_model",
                params={"prompt": f"a cat statue {i}"},
                name=f"Cat {i}",
                meta={"location": [0.0, 0.0, 0.0]},
            )
        )
    submit = Ticks()
    tick(runtime, counter, submit)
    pause = threading.Event()
    expected = min(jobs, WORKERS)
    deadline = time.monotonic() + 10.0
    while sum(j.state.value == "running" for j in runtime.jobs()) < expected and time.monotonic() < deadline:
        runtime.pump()
        pause.wait(0.05)
    running = sum(j.state.value == "running" for j in runtime.jobs())
    steady, hot, idle = Ticks(), Ticks(), Ticks()
    runtime.pump()  # start the steady phase with an empty queue
    for _ in range(args.ticks):
        pause.wait(args.pace)  # Blender's event loop would sleep here between timer ticks
        tick(runtime, counter, steady)
    for _ in range(args.ticks):
        tick(runtime, counter, hot)
    for _ in range(args.idle_ticks):
        pause.wait(args.idle_wait)
        tick(runtime, counter, idle)
    finished = [j for j in runtime.jobs() if j.state.value not in ("pending", "submitting", "queued", "running")]
    if finished:
        raise RuntimeError(
            f"{len(finished)} job(s) left 'running' during the measurement: "
            f"{[(j.state.value, j.error) for j in finished][:3]}"
        )
    runtime.shutdown()
    return Measured(submit, steady, hot, idle, running)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", default="0,10,100", help="active job counts (default 0,10,100)")
    parser.add_argument("--ticks", type=int, default=100, help="steady ticks per N (default 100)")
    parser.add_argument("--pace", type=float, default=0.05, help="seconds between steady ticks (default 0.05)")
    parser.add_argument("--idle-ticks", type=int, default=5, help="ticks after an idle pause, per N (default 5)")
    parser.add_argument("--idle-wait", type=float, default=2.0, help="seconds of that pause (default 2)")
    parser.add_argument("--json", action="store_true", help="print paced p50/p99/max per N as one JSON line at the end")
    args = parser.parse_args()
    counts = [int(n) for n in args.jobs.split(",")]
    logging.basicConfig(level=logging.WARNING)

    scratch = Path(tempfile.mkdtemp(prefix="tripo-bench-pump-"))
    try:
        return run(args, counts, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)  # the repo folder holds a symlink: not followed


def run(args: argparse.Namespace, counts: list[int], scratch: Path) -> int:
    """Everything after argument parsing; all files go below ``scratch``."""
    os.environ["BLENDER_USER_RESOURCES"] = str(scratch / "user")  # before bpy: never touch the real setup
    import bpy

    from tests.dev_extension import enable_working_tree
    from tests.emulator import TEST_KEY

    storage = scratch / "storage"
    with emulator_process(queue_seconds=0.0, run_seconds=RUN_SECONDS, concurrency_limit=1000, balance=1e9) as base_url:
        enable_working_tree(REPO_MODULE, label="Tripo Bench")
        bpy.ops.wm.read_homefile(use_empty=True)
        prefs = bpy.context.preferences.addons[ADDON_MODULE].preferences
        prefs.api_key = TEST_KEY
        prefs.api_base_url = base_url
        prefs.parallel_jobs = WORKERS
        # stress: poll every STRESS_POLL s while running, so events flow (see the module docstring)
        polling = addon("client.polling")
        addon("client").TripoClient.poll_schedule = polling.PollSchedule(
            base_interval=STRESS_POLL,
            min_interval=STRESS_POLL,
            near_done_interval=STRESS_POLL,
            max_interval=STRESS_POLL,
        )
        runtime = addon("blender.runtime").runtime
        interval = addon("blender.runtime").ACTIVE_INTERVAL

        base_paced = median(baseline_seconds(args.ticks, args.pace))
        base_hot = median(baseline_seconds(args.ticks, 0.0))
        paced_rows, bound_rows = [], []
        figures: dict[str, Any] = {"blender": bpy.app.version_string, "baseline_paced_ms": base_paced * 1e3, "jobs": {}}
        for jobs in counts:
            m = measure(runtime, jobs, storage, args)
            med, hot_med = median(m.steady.seconds), median(m.hot.seconds)
            figures["jobs"][str(jobs)] = {
                "p50_ms": med * 1e3,
                "p99_ms": percentile(m.steady.seconds, 0.99) * 1e3,
                "max_ms": max(m.steady.seconds) * 1e3,
            }
            paced_rows.append(
                [
                    f"{jobs}",
                    f"{m.running}",
                    f"{med * 1e6:.0f}",
                    f"{percentile(m.steady.seconds, 0.95) * 1e6:.0f}",
                    f"{max(m.steady.seconds) * 1e6:.0f}",
                    f"{sum(m.steady.events) / len(m.steady.events):.1f}",
                    ratio(med, base_paced),
                    f"{med / interval * 100:.3f}%",
                ]
            )
            bound_rows.append(
                [
                    f"{jobs}",
                    f"{hot_med * 1e6:.1f}",
                    ratio(hot_med, base_hot),
                    f"{m.submit.seconds[0] * 1e6:.0f}",
                    f"{m.submit.events[0]}",
                    f"{median(m.idle.seconds) * 1e6:.0f}",
                    f"{median(m.idle.events):.0f}",
                ]
            )
        runtime.storage_root = None
        runtime.worker_settings = None

    print(
        f"\nBlender {bpy.app.version_string}. Baseline (same run): a loop of {BASELINE_CALLS} empty function "
        f"calls takes {base_paced * 1e6:.1f} us after a {args.pace * 1000:.0f} ms pause, "
        f"{base_hot * 1e6:.1f} us back to back.\n"
    )
    print_table(
        ["jobs", "running", "median us", "p95 us", "max us", "events/tick", "vs baseline", "of 250 ms"],
        paced_rows,
        title=f"runtime.pump() paced like Blender's timer: {args.ticks} ticks, one every {args.pace * 1000:.0f} ms "
        f"(the pump asks for 250 ms)",
    )
    print_table(
        [
            "jobs",
            "hot median us",
            "vs baseline",
            "after submit us",
            "events",
            f"after {args.idle_wait:g} s idle us",
            "events",
        ],
        bound_rows,
        title=f"back to back ({args.ticks} ticks), the first tick after submitting the N jobs (1 sample), "
        f"ticks after {args.idle_wait:g} s without ticks (median of {args.idle_ticks})",
    )
    if args.json:
        print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
