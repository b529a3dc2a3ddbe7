"""Rows 1 and 2 of ``python3 build.py bench``: how late a finished task is noticed, and at what cost.

Run with the client venv (it has the official SDK ``tripo3d`` 1.0.0, the baseline)::

    .venv/client/bin/python bench/completion.py [--smoke]

Why: apiv3's task object has no ETA, so a client that only backs off blindly notices a finished
model seconds late. Our client extrapolates the task's progress (``client/polling.py``,
``ProgressEstimator``) and polls densely only near the predicted end. This measures it from
outside, in real time, against the emulator:

* **Row 1**, ``TripoClient.wait_for_task`` vs the SDK's ``wait_for_task`` on the same schedule:
  tasks of 3-60 s, without an ETA (linear and eased progress curves) and with one. *Late* is
  the time from the task turning terminal (emulator clock) to the waiter returning; *task-s per
  request* is the run time waited for divided by the ``GET /v3/tasks/{id}`` requests sent.
* **Row 2**, the job engine (``jobs.Runner``: one ``POST /v3/tasks/list`` per round for every
  job) with 1, 10 and 50 concurrent jobs, no ETA. *Late* is the time from the task turning
  terminal to the job leaving ``running`` (the stand-in pump sees the event); *requests per
  active task-second* is the list requests divided by the summed run time of the tasks.

Tasks are created up front by our client, one after the other, so each side waits on tasks of
exactly the same lengths (the emulator's ``plan_runs``). Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

os.environ.setdefault("TRIPO_DISABLE_GEO_DETECTION", "1")  # the SDK probes the internet on import otherwise
import tripo3d  # noqa: E402 - the official SDK 1.0.0: the baseline
from _common import percentile, print_table  # noqa: E402 - first: puts the repository root on sys.path

from tests.emulator import TEST_KEY, Emulator  # noqa: E402
from tripo_blender.client import TripoClient  # noqa: E402
from tripo_blender.jobs import FilesReady, JobChanged, JobSpec, JobState, Runner  # noqa: E402

BODY = {"type": "text_to_model", "prompt": "a small cat statue", "model": "v2.5-20250123"}
NOTICED = {JobState.DOWNLOADING, JobState.IMPORTING, JobState.DONE, JobState.FAILED}


def durations(count: int, low: float, high: float, seed: int) -> list[float]:
    """``count`` run times spread evenly over [low, high], each shifted by a random fraction of a
    second (finish times must not line up with whole seconds), in a shuffled order."""
    rng = random.Random(seed)
    step = (high - low) / max(count - 1, 1)
    runs = [low + i * step + rng.random() for i in range(count)]
    rng.shuffle(runs)
    return runs


def summary(late: list[float]) -> dict[str, float]:
    return {"p50": percentile(late, 0.5), "p95": percentile(late, 0.95), "max": max(late) if late else float("nan")}


# --------------------------------------------------------------------------- row 1


@dataclass(frozen=True)
class Mode:
    name: str
    eta: bool
    curve: str


MODES = (
    Mode("no ETA, linear progress", False, "linear"),
    Mode("no ETA, eased progress", False, "ease"),
    Mode("with ETA", True, "linear"),
)


def _sdk_waits(base_url: str, ids: list[str]) -> list[float]:
    async def one(client: Any, task_id: str) -> float:
        await client.wait_for_task(task_id)
        return time.time()

    async def all_waits() -> list[float]:
        async with tripo3d.TripoClient(api_key=TEST_KEY, v3_base_url=base_url) as client:
            return list(await asyncio.gather(*(one(client, t) for t in ids)))

    return asyncio.run(all_waits())


def _our_wait(base_url: str, task_id: str) -> float:
    with TripoClient(api_key=TEST_KEY, base_url=base_url) as client:
        client.wait_for_task(task_id)
    return time.time()


def row1(tasks: int, low: float, high: float) -> dict[str, Any]:
    """Each mode: ``tasks`` tasks for us and the same lengths for the SDK, all waited on at once."""
    emulators = [Emulator(concurrency_limit=10_000, eta=m.eta, progress_curve=m.curve) for m in MODES]
    results: dict[str, Any] = {}
    try:
        plans: list[tuple[list[str], list[str]]] = []
        for index, emu in enumerate(emulators):
            emu.start()
            runs = durations(tasks, low, high, seed=index)
            emu.plan_runs(r for run in runs for r in (run, run))  # ours, then the SDK's twin
            with TripoClient(api_key=TEST_KEY, base_url=emu.base_url) as client:
                ids = [client.create_task(dict(BODY)) for _ in range(2 * tasks)]
            plans.append((ids[0::2], ids[1::2]))
        with ThreadPoolExecutor(max_workers=len(MODES) * (tasks + 1)) as pool:
            sdk = [pool.submit(_sdk_waits, emu.base_url, theirs) for emu, (_, theirs) in zip(emulators, plans)]
            ours = [[pool.submit(_our_wait, emu.base_url, t) for t in mine] for emu, (mine, _) in zip(emulators, plans)]
            returned = [([f.result() for f in o], s.result()) for o, s in zip(ours, sdk)]
        for mode, emu, (mine, theirs), (ours_at, sdk_at) in zip(MODES, emulators, plans, returned):
            side: dict[str, Any] = {}
            for who, ids, at in (("ours", mine, ours_at), ("sdk", theirs, sdk_at)):
                late = [ret - emu.task_times(t)[1] for t, ret in zip(ids, at)]
                polls = sum(len(emu.requests_to("GET", f"/v3/tasks/{t}")) for t in ids)
                run = sum(emu.task_times(t)[1] - emu.task_times(t)[0] for t in ids)
                side[who] = {**summary(late), "polls": polls, "task_s_per_request": run / polls}
            results[mode.name] = side
    finally:
        for emu in emulators:
            emu.stop()
    return {"tasks_per_mode": tasks, "run_s": [low, high], "sdk_version": version("tripo3d"), "modes": results}


def print_row1(result: dict[str, Any]) -> None:
    rows = []
    for name, side in result["modes"].items():
        o, s = side["ours"], side["sdk"]
        rows.append(
            [
                name,
                f"{o['p50']:.2f}",
                f"{o['p95']:.2f}",
                f"{o['max']:.2f}",
                f"{o['task_s_per_request']:.2f}",
                f"{s['p50']:.2f}",
                f"{s['p95']:.2f}",
                f"{s['max']:.2f}",
                f"{s['task_s_per_request']:.2f}",
            ]
        )
    print_table(
        [
            "row 1: wait_for_task",
            "p50 s",
            "p95 s",
            "max s",
            "task-s/req",
            "SDK p50",
            "SDK p95",
            "SDK max",
            "SDK task-s/req",
        ],
        rows,
        title=f"Row 1: finish -> noticed, {result['tasks_per_mode']} tasks of "
        f"{result['run_s'][0]:g}-{result['run_s'][1]:g} s per mode "
        f"(baseline: official SDK tripo3d {result['sdk_version']})",
    )


# --------------------------------------------------------------------------- row 2


def _engine_case(jobs: int, runs: list[float], batches: int = 1) -> dict[str, Any]:
    """``jobs`` concurrent jobs (``batches`` times in a row) through a real Runner, no ETA."""
    late: list[float] = []
    rounds = 0
    task_seconds = 0.0
    with tempfile.TemporaryDirectory() as tmp, Emulator(concurrency_limit=10_000, progress_curve="ease") as emu:

        def factory() -> TripoClient:
            return TripoClient(api_key=TEST_KEY, base_url=emu.base_url)

        runner = Runner(
            factory, os.path.join(tmp, "journal"), os.path.join(tmp, "cache"), workers=jobs, max_in_flight=jobs
        )
        try:
            for batch in range(batches):
                emu.plan_runs(runs[batch * jobs : (batch + 1) * jobs])
                before = len(emu.requests_to("POST", "/v3/tasks/list"))
                ids = {
                    runner.submit(JobSpec("text_to_model", {"prompt": f"bench {batch} {i}"})).id for i in range(jobs)
                }
                noticed: dict[str, float] = {}
                while len(noticed) < jobs:
                    runner.wait_for_events(1.0)
                    for event in runner.drain_events(256):
                        now = time.time()
                        if isinstance(event, JobChanged) and event.job.id in ids and event.job.state in NOTICED:
                            if event.job.id not in noticed and event.job.task_id:
                                noticed[event.job.id] = now
                                created, completed = emu.task_times(event.job.task_id)
                                late.append(now - completed)
                                task_seconds += completed - created
                        elif isinstance(event, FilesReady):
                            runner.mark_imported(event.job_id, [])
                rounds += len(emu.requests_to("POST", "/v3/tasks/list")) - before
        finally:
            runner.shutdown(timeout=10)
    return {
        "jobs": jobs,
        "samples": len(late),
        **summary(late),
        "list_requests": rounds,
        "task_seconds": task_seconds,
        "requests_per_task_second": rounds / task_seconds,
    }


def row2(cases: list[tuple[int, int]], low: float, high: float) -> dict[str, Any]:
    """``cases``: (concurrent jobs, batches in a row); run times spread over [low, high]."""
    out = []
    for index, (jobs, batches) in enumerate(cases):
        out.append(_engine_case(jobs, durations(jobs * batches, low, high, seed=100 + index), batches))
    return {"run_s": [low, high], "cases": out}


def print_row2(result: dict[str, Any], row1_result: dict[str, Any] | None = None) -> None:
    base = (row1_result or {}).get("modes", {}).get("no ETA, eased progress", {}).get("ours")
    rows = [
        [
            c["jobs"],
            c["samples"],
            f"{c['p50']:.2f}",
            f"{c['p95']:.2f}",
            f"{c['max']:.2f}",
            f"{c['requests_per_task_second']:.3f}",
            f"{base['p95']:.2f}" if base else "n/a",
        ]
        for c in result["cases"]
    ]
    print_table(
        ["jobs", "tasks", "p50 s", "p95 s", "max s", "req per task-s", "row 1 p95 s"],
        rows,
        title=f"Row 2: job engine, no ETA, eased progress, tasks of {result['run_s'][0]:g}-{result['run_s'][1]:g} s "
        "(baseline: row 1's single-task wait)",
    )


def run(smoke: bool = False) -> dict[str, Any]:
    """Rows 1 and 2 as one dict (``smoke``: a few short tasks, for the test suite)."""
    if smoke:
        return {"row1": row1(2, 1.0, 1.5), "row2": row2([(1, 1), (2, 1)], 1.0, 1.5)}
    return {"row1": row1(40, 3.0, 60.0), "row2": row2([(1, 3), (10, 1), (50, 1)], 3.0, 60.0)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="a few short tasks only")
    parser.add_argument("--row", choices=("1", "2", "both"), default="both")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON line at the end")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if args.row == "1":
        print_row1(row1(2, 2.0, 3.0) if args.smoke else row1(40, 3.0, 60.0))
    elif args.row == "2":
        print_row2(row2([(1, 1), (3, 1)], 2.0, 3.0) if args.smoke else row2([(1, 3), (10, 1), (50, 1)], 3.0, 60.0))
    else:
        result = run(args.smoke)
        print_row1(result["row1"])
        print_row2(result["row2"], result["row1"])
        if args.json:
            print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
