"""Row 10 of ``python3 build.py bench``: a batch of short tasks against its ideal time.

Why: a finished task noticed a second late costs little alone, but a batch waits for it: with
Tripo's concurrency of 10, every late notice keeps a slot idle, and a hundred 1.5 s tasks took
about twice their ideal 15 s (issue 25). The ideal is ``ceil(jobs / concurrency) * run``: every
slot busy all the time, each finish seen and the next task sent at once.

Two sides, each its own run of this script (run.py calls both):

* ``--side engine`` (client venv): ``jobs.Runner`` with Tripo's pool of 10 jobs, all submitted
  at once; the time from the first submit to the last job done (the stand-in pump marks each
  import at once).
* ``--side console`` (bpy venv): ``tripo.batch(prompts, parallel=10)`` in Blender as a module:
  the same, through the pump, the landing of each result (a small GLB) and the console's own
  sending as slots free up.

Both count the ``POST /v3/tasks/list`` (and ``GET /v3/tasks/{id}``) requests per task-second
(summed run time of the tasks on the emulator's clock): the price of noticing sooner. The
emulator runs in its own process for the console side (its threads must not compete with
Blender's main thread), in this one for the engine side. Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import sys
import tempfile
import time
from typing import Any

from _common import ROOT, emulator_process, print_table  # noqa: F401 - first: puts the repository root on sys.path

REPO_MODULE = "tripo_bench"
ADDON_MODULE = f"bl_ext.{REPO_MODULE}.tripo_blender"


def ideal_seconds(jobs: int, concurrency: int, run: float) -> float:
    """Every slot busy all the time: ``ceil(jobs / concurrency)`` waves of ``run`` seconds."""
    return math.ceil(jobs / concurrency) * run


def _figures(
    kind: str, jobs: int, concurrency: int, run: float, seconds: float, requests: dict[str, int], task_seconds: float
) -> dict[str, Any]:
    ideal = ideal_seconds(jobs, concurrency, run)
    polls = requests["list"] + requests["get"]
    return {
        "side": kind,
        "jobs": jobs,
        "concurrency": concurrency,
        "run_s": run,
        "seconds": seconds,
        "ideal_s": ideal,
        "vs_ideal": seconds / ideal,
        "requests": requests,
        "task_seconds": task_seconds,
        "requests_per_task_second": polls / task_seconds if task_seconds else float("nan"),
    }


def engine(jobs: int, concurrency: int, run: float) -> dict[str, Any]:
    """The job engine alone: a Runner sized as the add-on sizes it for a batch of ``concurrency``."""
    from tests.emulator import TEST_KEY, Emulator
    from tripo_blender.client import TripoClient
    from tripo_blender.jobs import FilesReady, JobSpec, JobState, Runner
    from tripo_blender.jobs.runner import SPARE_WORKERS

    with tempfile.TemporaryDirectory() as tmp, Emulator(run_seconds=run, concurrency_limit=concurrency) as emu:
        runner = Runner(
            lambda: TripoClient(api_key=TEST_KEY, base_url=emu.base_url),
            os.path.join(tmp, "journal"),
            os.path.join(tmp, "cache"),
            workers=concurrency,
            max_in_flight=concurrency,
            spare_workers=SPARE_WORKERS,
        )
        try:
            started = time.monotonic()
            ids = [runner.submit(JobSpec("text_to_model", {"prompt": f"bench {n}"})).id for n in range(jobs)]
            done: set[str] = set()
            while len(done) < jobs:
                runner.wait_for_events(1.0)
                for event in runner.drain_events(256):
                    if isinstance(event, FilesReady):
                        runner.mark_imported(event.job_id, [])
                done = {i for i in ids if runner.job(i).state in (JobState.DONE, JobState.FAILED)}
            seconds = time.monotonic() - started
            failed = [i for i in ids if runner.job(i).state != JobState.DONE]
            if failed:
                raise RuntimeError(f"{len(failed)} jobs failed: {runner.job(failed[0]).error}")
            task_ids = [runner.job(i).task_id for i in ids]
        finally:
            runner.shutdown(timeout=10)
        requests = {
            "list": len(emu.requests_to("POST", "/v3/tasks/list")),
            "get": len(emu.requests_to("GET", "/v3/tasks/")),
        }
        task_seconds = sum(b - a for a, b in (emu.task_times(t) for t in task_ids if t))
    return _figures("engine", jobs, concurrency, run, seconds, requests, task_seconds)


def console(jobs: int, concurrency: int, run: float) -> dict[str, Any]:
    """``tripo.batch`` in Blender (bpy as a module), the emulator in a child process."""
    from importlib import import_module
    from pathlib import Path

    from _common import blender_session

    from tests.emulator import TEST_KEY

    with tempfile.TemporaryDirectory() as tmp:
        request_log = Path(tmp) / "requests.json"
        with (
            emulator_process(request_log, run_seconds=run, concurrency_limit=concurrency) as base_url,
            blender_session("tripo-bench-batch-") as scratch,
        ):
            import bpy

            tripo = import_module(ADDON_MODULE)
            prefs = bpy.context.preferences.addons[ADDON_MODULE].preferences
            prefs.api_key, prefs.api_base_url = TEST_KEY, base_url
            bpy.context.preferences.system.use_online_access = True
            import_module(f"{ADDON_MODULE}.blender.runtime").runtime.storage_root = scratch / "storage"
            started = time.monotonic()
            landed = tripo.batch([f"a small statue number {n}" for n in range(jobs)], parallel=concurrency)
            seconds = time.monotonic() - started
            unfinished = [(j.name, j.state, j.error) for j in landed if j.state != "done"]
            if unfinished:
                raise RuntimeError(f"{len(unfinished)} jobs did not land: {unfinished[:3]}")
        log = json.loads(request_log.read_text())
    requests = {
        "list": sum(1 for method, path in log if method == "POST" and path == "/v3/tasks/list"),
        "get": sum(1 for method, path in log if method == "GET" and path.startswith("/v3/tasks/")),
    }
    return _figures("console", jobs, concurrency, run, seconds, requests, jobs * run)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--side", choices=("engine", "console"), default="engine")
    parser.add_argument("--jobs", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--run", type=float, default=1.5, help="each task's run time on the emulator, seconds")
    parser.add_argument("--smoke", action="store_true", help="a tiny run (the test suite's)")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON line at the end")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if args.smoke:
        args.jobs, args.concurrency, args.run = 6, 3, 0.5
    result = (engine if args.side == "engine" else console)(args.jobs, args.concurrency, args.run)
    print_table(
        ["side", "jobs", "concurrency", "run s", "seconds", "ideal s", "vs ideal", "req/task-s"],
        [
            [
                result["side"],
                result["jobs"],
                result["concurrency"],
                f"{result['run_s']:g}",
                f"{result['seconds']:.2f}",
                f"{result['ideal_s']:.2f}",
                f"{result['vs_ideal']:.2f}x",
                f"{result['requests_per_task_second']:.3f}",
            ]
        ],
        title="Row 10: a batch of short tasks vs its ideal time",
    )
    if args.json:
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
