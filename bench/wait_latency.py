"""How late is a finished task noticed? ``TripoClient.wait_for_task`` vs the official SDK 1.0.0.

Run with the client venv (it has the SDK, tripo3d 1.0.0 with aiohttp, as the baseline)::

    .venv/client/bin/python bench/wait_latency.py [--reps 3]

Why this benchmark: "results arrive late" is a standing complaint against Tripo integrations.
The official SDK 1.0.0 ignores any ETA and doubles its sleep from 2 s up to 30 s. Our client
converges on the expected finish when the server sends an ETA (``tripo_blender/client/polling.py``)
and backs off within a cap when it does not. Both are measured here, in the same run, against
the emulator in real time: each waiter creates its own task and waits for it; *latency* is the
time from the moment the task became terminal (emulator clock: creation + queue + run) to the
moment ``wait_for_task`` returned; *polls* are the ``GET /v3/tasks/{id}`` requests the emulator
received for that task.

Scenarios (one emulator each, so every scenario keeps its own timing and request log):

* ``no ETA``: apiv3's usual task object carries no ``running_left_time`` (emulator ``eta`` off).
* ``eta``: the emulator's ``eta`` switch on: every poll of a running task carries the ETA.
* ``queued``: the task first waits in the queue, then runs without an ETA.

All waiters run concurrently (ours on threads, the SDK's on one asyncio loop), so the whole run
takes about as long as the longest scenario (~20-30 s). Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from importlib.metadata import version
from statistics import mean

os.environ.setdefault("TRIPO_DISABLE_GEO_DETECTION", "1")  # the SDK probes the internet on import otherwise
import tripo3d  # noqa: E402 - the official SDK 1.0.0: the baseline
from _common import print_table, ratio  # noqa: E402 - first: puts the repository root on sys.path

from tests.emulator import TEST_KEY, Emulator  # noqa: E402
from tripo_blender.client import TripoClient  # noqa: E402

BODY = {"type": "text_to_model", "prompt": "a small cat statue", "model": "v2.5-20250123"}


@dataclass(frozen=True)
class Scenario:
    """One task timing; with ``eta`` the emulator reports the ETA while the task runs."""

    name: str
    queue_seconds: float
    run_seconds: float
    eta: bool


SCENARIOS = (
    Scenario("no ETA, run 3 s", 0.0, 3.0, False),
    Scenario("no ETA, run 7 s", 0.0, 7.0, False),
    Scenario("no ETA, run 15 s", 0.0, 15.0, False),
    Scenario("eta, run 7 s", 0.0, 7.0, True),
    Scenario("eta, run 15 s", 0.0, 15.0, True),
    Scenario("queued 5 s, run 3 s, no ETA", 5.0, 3.0, False),
)


@dataclass(frozen=True)
class Sample:
    """One wait: when the task was created (between ``posted_at`` and ``created_by``, the POST's
    round trip) and when the waiter returned, all on the emulator's clock (``time.time``)."""

    client: str
    task_id: str
    posted_at: float
    created_by: float
    returned_at: float
    status: str


def wait_ours(base_url: str) -> Sample:
    """Create a task and wait for it with our synchronous client (default polling_interval)."""
    with TripoClient(api_key=TEST_KEY, base_url=base_url) as client:
        posted = time.time()
        task_id = client.create_task(dict(BODY))
        created = time.time()
        task = client.wait_for_task(task_id)
        return Sample("ours", task_id, posted, created, time.time(), task.status.value)


async def wait_sdk(base_url: str) -> Sample:
    """Create a task and wait for it with the official SDK (default polling_interval)."""
    async with tripo3d.TripoClient(api_key=TEST_KEY, v3_base_url=base_url) as client:
        posted = time.time()
        task_id = await client.create_task(dict(BODY))
        created = time.time()
        task = await client.wait_for_task(task_id)
        return Sample("sdk", task_id, posted, created, time.time(), str(task.status.value))


def run_sdk_waiters(urls: list[str]) -> list[Sample]:
    """All SDK waits on one event loop (how an asyncio program would run them)."""

    async def all_waits() -> list[Sample]:
        return list(await asyncio.gather(*(wait_sdk(url) for url in urls)))

    return asyncio.run(all_waits())


class Cell:
    """One scenario at one finish-time phase: its own emulator, one task per client.

    Why phases: with whole-second durations and whole-second ETAs, a fixed poll rhythm can
    line up with the finish by luck (or miss it by a whole interval every time). Real finish
    times fall anywhere, so each scenario runs at ``run_seconds + phase`` for phases spread
    evenly over one second, and the table shows the mean (the expected lateness) and the worst.
    """

    def __init__(self, scenario: Scenario, phase: float) -> None:
        self.scenario = scenario
        self.run_seconds = scenario.run_seconds + phase
        self.emulator = Emulator(
            queue_seconds=scenario.queue_seconds, run_seconds=self.run_seconds, concurrency_limit=1000, eta=scenario.eta
        )

    @property
    def url(self) -> str:
        return self.emulator.base_url

    def latency(self, sample: Sample) -> float:
        """Seconds between the task turning terminal and the waiter returning.

        The exact creation instant lies inside the POST's round trip; the midpoint is used and
        half the slowest POST is reported as the uncertainty.
        """
        created = (sample.posted_at + sample.created_by) / 2
        return sample.returned_at - (created + self.scenario.queue_seconds + self.run_seconds)

    def polls(self, sample: Sample) -> int:
        return len(self.emulator.requests_to("GET", f"/v3/tasks/{sample.task_id}"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--reps", type=int, default=4, help="finish-time phases per scenario, spread over one second (default 4)"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    cells = [Cell(scenario, rep / args.reps) for scenario in SCENARIOS for rep in range(args.reps)]
    for cell in cells:
        cell.emulator.start()
    try:
        started = time.monotonic()
        sdk_result: list[list[Sample]] = []
        sdk_thread = threading.Thread(target=lambda: sdk_result.append(run_sdk_waiters([c.url for c in cells])))
        with ThreadPoolExecutor(max_workers=len(cells)) as pool:
            sdk_thread.start()
            ours: list[Future[Sample]] = [pool.submit(wait_ours, c.url) for c in cells]
            ours_samples = [f.result() for f in ours]
        sdk_thread.join()
        elapsed = time.monotonic() - started
        if not sdk_result:
            raise RuntimeError("the SDK waiters failed (see the traceback above)")
        report(cells, ours_samples, sdk_result[0], elapsed)
    finally:
        for cell in cells:
            cell.emulator.stop()
    return 0


def report(cells: list[Cell], ours: list[Sample], sdk: list[Sample], elapsed: float) -> None:
    """One row per scenario (mean and worst over the finish-time phases), then the totals."""
    rows = []
    sums = [0.0, 0.0, 0.0, 0.0]  # ours late, SDK late, ours polls, SDK polls
    for scenario in SCENARIOS:
        picked = [(c, o, t) for c, o, t in zip(cells, ours, sdk) if c.scenario is scenario]
        bad = [s.status for _, o, t in picked for s in (o, t) if s.status != "success"]
        if bad:
            raise RuntimeError(f"{scenario.name}: unexpected end states {bad}")
        ours_late = [c.latency(o) for c, o, _ in picked]
        sdk_late = [c.latency(t) for c, _, t in picked]
        ours_polls = [c.polls(o) for c, o, _ in picked]
        sdk_polls = [c.polls(t) for c, _, t in picked]
        means = [mean(ours_late), mean(sdk_late), mean(ours_polls), mean(sdk_polls)]
        sums = [a + b for a, b in zip(sums, means)]
        rows.append(
            [
                scenario.name,
                f"{means[0]:.2f}",
                f"{means[1]:.2f}",
                ratio(means[0], means[1]),
                f"{max(ours_late):.2f}",
                f"{max(sdk_late):.2f}",
                f"{means[2]:.1f}",
                f"{means[3]:.1f}",
                ratio(means[2], means[3]),
            ]
        )
    rows.append(
        [
            "all scenarios (sum)",
            f"{sums[0]:.2f}",
            f"{sums[1]:.2f}",
            ratio(sums[0], sums[1]),
            "",
            "",
            f"{sums[2]:.1f}",
            f"{sums[3]:.1f}",
            ratio(sums[2], sums[3]),
        ]
    )
    phases = len(cells) // len(SCENARIOS)
    post_times = [s.created_by - s.posted_at for s in ours + sdk]
    print_table(
        [
            "scenario",
            "ours late s",
            "SDK late s",
            "ours/SDK",
            "ours worst",
            "SDK worst",
            "ours polls",
            "SDK polls",
            "polls ours/SDK",
        ],
        rows,
        title=f"wait_for_task: seconds from 'task terminal' to 'waiter returned' and GET /v3/tasks polls per task\n"
        f"(mean over {phases} finish-time phases 0..1 s; "
        f"baseline: official SDK tripo3d {version('tripo3d')}, same run)",
    )
    print(f"creation time uncertainty: +/-{max(post_times) / 2 * 1000:.1f} ms (half the slowest creation POST)")
    print(f"{len(ours) + len(sdk)} waits ran concurrently in {elapsed:.1f} s")


if __name__ == "__main__":
    raise SystemExit(main())
