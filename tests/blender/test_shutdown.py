"""Disabling the add-on (or quitting Blender, which disables every add-on) while a request is on
the wire: Blender does not freeze, and the answer still reaches the journal, so the next session
resumes the paid task instead of paying again (real bpy, the emulator)."""

from __future__ import annotations

import time
from typing import Any

from tests.emulator import Emulator
from tests.jobs.conftest import task_id_on_disk

from .runtime_support import created, pump_job, pump_until, spec

RELIABILITY_AREA = "Lost or half work"


def test_disable_while_a_post_is_on_the_wire_returns_at_once_and_keeps_the_task(rt: Any, online: Emulator) -> None:
    online.inject("POST /v3/generation/", after=True, delay=3.0)  # created and billed; the answer is slow
    job = rt.submit(spec(name="On the wire"))
    pump_until(rt, lambda: len(created(online)) == 1, what="the POST on the wire")

    started = time.monotonic()
    rt.shutdown()
    froze = time.monotonic() - started
    assert froze < 0.5, f"disabling the add-on froze Blender for {froze:.2f} s"

    task_id = task_id_on_disk(rt.storage_root / "journal", job.id)
    rt.start()  # enabled again
    listed = pump_job(rt, job.id, "uncertain", "queued", "running", "done")
    if listed.state.value == "uncertain":
        rt.retry(job.id)
    done = pump_job(rt, job.id, "done", "failed")
    assert done.state.value == "done" and done.task_id == task_id, done.error
    assert len(created(online)) == 1, "the paid task was resumed, not created again"


def test_after_disable_and_enable_the_task_the_journal_got_shows_at_once(rt: Any, online: Emulator) -> None:
    """Disable + enable with the POST on the wire: the task id the old worker journals shows at once."""
    online.inject("POST /v3/generation/", after=True, delay=2.0)  # created and billed; the answer is slow
    job = rt.submit(spec(name="On the wire"))
    pump_until(rt, lambda: len(created(online)) == 1, what="the POST on the wire")
    rt.shutdown()  # disabled: the old worker still waits for the answer
    rt.start()  # enabled again before the answer came
    pump_until(rt, lambda: rt.job(job.id) is not None, what="the journal loaded")
    assert rt.job(job.id).state.value == "uncertain" and rt.job(job.id).task_id is None

    task_id = task_id_on_disk(rt.storage_root / "journal", job.id)  # the old worker journals the answer
    written = time.monotonic()
    pump_until(rt, lambda: rt.job(job.id).task_id == task_id, timeout=5.0, what="the journal's task id in the row")
    shown = time.monotonic() - written
    assert shown < 1.0, f"the row showed the journal's task id {shown:.2f} s after it was written"
    done = pump_job(rt, job.id, "done", "failed")
    assert done.state.value == "done" and done.task_id == task_id, done.error
    assert len(created(online)) == 1 and not online.requests_to("GET", "/v3/account/usage"), "no Retry was needed"
