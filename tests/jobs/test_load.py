"""50 jobs against the emulator's concurrency limit of 10: all finish, never more than 10 on the
server, no job fails because of the limit; the longest stand-in pump tick is printed."""

from __future__ import annotations

import time
from collections.abc import Callable

from tests.emulator import Emulator
from tests.jobs.conftest import Pump, post_task_count
from tripo_blender.jobs import JobSpec, JobState, Runner

RELIABILITY_AREA = "Load"
MakeRunner = Callable[..., Runner]


def test_fifty_jobs_at_concurrency_ten_all_finish_within_the_limit(emulator: Emulator, make_runner: MakeRunner) -> None:
    """50 jobs at the emulator's concurrency 10: all done, at most 10 in flight, none failed by the limit"""
    emulator.concurrency_limit = 10
    emulator.set_timing(run_seconds=0.3)
    runner = make_runner(workers=10, max_in_flight=10)
    pump = Pump(runner)
    jobs = [runner.submit(JobSpec("text_to_model", {"prompt": f"crate {i}"}, name=f"Crate {i}")) for i in range(50)]
    longest, peak = 0.0, 0
    deadline = time.monotonic() + 120
    while not all(pump.job(j.id).state in (JobState.DONE, JobState.FAILED) for j in jobs):
        assert time.monotonic() < deadline, "50 jobs did not finish in 120 s"
        started = time.perf_counter()
        pump.tick()
        longest = max(longest, time.perf_counter() - started)
        peak = max(peak, runner.in_flight)
        runner.wait_for_events(0.5)
    assert [j.name for j in jobs if pump.job(j.id).state != JobState.DONE] == []
    assert emulator.max_in_flight <= 10 and peak <= 10
    assert len(emulator.tasks) == 50 and post_task_count(emulator) == 50  # no refusals, no resends
    print(
        f"\n50 jobs at concurrency 10: peak in flight {peak}, server peak {emulator.max_in_flight}, "
        f"longest pump tick {longest * 1000:.1f} ms"
    )
