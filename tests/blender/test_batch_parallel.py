"""``tripo.batch(parallel=10)`` really runs 10 at once (Tripo's pool for generations).

Why a test of its own: Parallel Jobs in the preferences defaults to 3, and the pump re-applies
it every tick, so a batch asking for 10 used to run 3 at a time (100 jobs took 3.5x the ideal).
The batch now raises the worker count for its duration, lowers a request above the pool with a
warning, and restores both afterwards.
"""

from __future__ import annotations

import logging
from types import ModuleType
from typing import Any

import pytest

from tests.emulator import Emulator

from .runtime_support import created


def test_batch_of_ten_reaches_the_pool_with_default_preferences(
    tripo: ModuleType, rt: Any, online: Emulator, prefs: Any, clean_scene: Any, caplog: pytest.LogCaptureFixture
) -> None:
    assert prefs.parallel_jobs == 3
    online.set_timing(run_seconds=6.0)  # long enough that ten POSTs overlap on a busy machine too
    prompts = [f"a small statue number {n}" for n in range(12)]

    with caplog.at_level(logging.WARNING, logger="tripo_blender.console"):
        jobs = tripo.batch(prompts, parallel=12)

    assert [j.state for j in jobs] == ["done"] * 12, [(j.name, j.state, j.error) for j in jobs]
    assert online.max_in_flight == 10, "ten tasks on Tripo at once, not Parallel Jobs' three"
    assert len(created(online)) == 12
    assert any("lowered to 10" in r.getMessage() for r in caplog.records), "the console says it lowered 12"
    assert rt.runner().workers == 3, "Parallel Jobs applies again after the batch"
    assert rt.min_workers == 0
    assert len({j.snapshot.spec.meta["batch"] for j in jobs}) == 1, "one batch, though sent across many pump ticks"
    (batch,) = clean_scene.collection.children["Tripo"].children
    assert {ob["tripo_job_id"] for ob in batch.objects} == {j.id for j in jobs}, "its results in one collection"


def test_a_batch_limits_itself_not_the_jobs_already_running(
    tripo: ModuleType, rt: Any, online: Emulator, clean_scene: Any
) -> None:
    """Sidebar jobs on Tripo when a batch starts neither hold it back nor are counted in its limit."""
    from .runtime_support import pump_until, spec

    online.set_timing(run_seconds=1.0)
    sidebar = [rt.submit(spec(f"a lamp {n}", name=f"Lamp {n}")) for n in range(2)]
    pump_until(
        rt, lambda: all(rt.job(j.id).state.value == "running" for j in sidebar), what="the sidebar jobs on Tripo"
    )

    jobs = tripo.batch(["a small statue", "a tall statue"], parallel=1)

    assert [j.state for j in jobs] == ["done", "done"], [(j.name, j.error) for j in jobs]
    first, second = (online.task_times(j.task_id) for j in jobs)
    assert second[0] >= first[1], "the batch kept to one of its own at a time"
    assert online.max_in_flight == 3, "its first job went to Tripo beside the two sidebar jobs, not after them"
