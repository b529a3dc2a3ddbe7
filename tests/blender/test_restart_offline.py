"""Restarting Blender with Allow Online Access off: the last session's jobs stay in sight and
resume when it is allowed, and nothing leaves the machine meanwhile (real bpy, the emulator)."""

from __future__ import annotations

from typing import Any

from tests.emulator import Emulator

from .runtime_support import created, pump_job, pump_until, set_online_access, spec

RELIABILITY_AREA = "Lost or half work"


def test_restart_with_online_access_off_lists_jobs_and_resumes_when_allowed(
    rt: Any, prefs: Any, emulator: Emulator
) -> None:
    """Restart with online access off: the job is listed, nothing is sent, it resumes when allowed.

    Resuming creates no second task: the journal's task id is followed.
    """
    from tests.emulator import TEST_KEY

    prefs.api_key = TEST_KEY
    prefs.api_base_url = emulator.base_url
    set_online_access(True)
    emulator.set_timing(run_seconds=3600)  # still running on Tripo when Blender quits, however slow this machine
    job = rt.submit(spec(name="Before restart"))
    pump_until(rt, lambda: rt.job(job.id).task_id is not None, what="task id")
    rt.shutdown()  # Blender quits; the journal keeps the job
    set_online_access(False)
    before = len(emulator.requests)

    rt.start()
    pump_until(rt, lambda: rt.job(job.id) is not None, what="the last session's job listed while offline")
    for _ in range(5):
        rt.pump()
    listed = rt.job(job.id)
    assert "resumes when online access is allowed" in listed.note, listed
    assert len(emulator.requests) == before, "nothing is sent while online access is off"

    set_online_access(True)
    emulator.advance(3600)  # the task finishes on Tripo meanwhile
    done = pump_job(rt, job.id, "done", "failed")
    assert done.state.value == "done", done.error
    assert len(created(emulator)) == 1, "resumed, not sent again"
