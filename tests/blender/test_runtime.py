"""The runtime end to end against the emulator: submit → pump → objects in the scene.

Timers never fire in the bpy module, so each test calls ``runtime.pump()`` itself (see
runtime_support.pump_until) exactly as Blender's timer would.
"""

from __future__ import annotations

import logging
import socket
import threading
from pathlib import Path
from typing import Any

import addon_utils
import bpy
import pytest

from tests.emulator import TEST_KEY, Emulator

from .runtime_support import addon_module, created, pump_job, pump_until, set_online_access, spec
from .support import DEV_MODULE, enable_addon, reraise


def _objects_of(job_id: str) -> list[Any]:
    return [ob for ob in bpy.data.objects if ob.get("tripo_job_id") == job_id]


def test_submit_pump_imports_tagged_objects_where_the_cursor_was(rt: Any, online: Emulator, clean_scene: Any) -> None:
    clean_scene.cursor.location = (1.0, 2.0, 3.0)
    job = rt.submit(spec())
    clean_scene.cursor.location = (-5.0, 0.0, 0.0)  # the artist moves on while Tripo works

    done = pump_job(rt, job.id, "done")

    objects = _objects_of(job.id)
    assert objects, "nothing was imported"
    assert {ob["tripo_task_id"] for ob in objects} == {done.task_id}
    collection = bpy.data.collections["Cat"]
    assert set(collection.objects) == set(objects)
    assert [c.name for c in clean_scene.collection.children] == ["Tripo"], "one Tripo collection at the top"
    assert [c.name for c in bpy.data.collections["Tripo"].children] == ["Cat"], "the batch's collection in it"
    roots = [ob for ob in objects if ob.parent is None]
    assert len(roots) == 1
    assert tuple(roots[0].location) == pytest.approx((1.0, 2.0, 3.0))
    assert bpy.context.view_layer.objects.active == roots[0]
    assert all(ob.select_get() for ob in objects)
    assert sorted(done.objects) == sorted(ob.name for ob in objects)
    assert len(created(online)) == 1
    assert rt.pump() is None, "an idle pump unregisters itself"


def test_pump_does_no_network_io_on_the_main_thread(
    rt: Any, online: Emulator, clean_scene: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sockets raise on the main thread for the whole flow: workers may connect, the pump never."""
    real_connect = socket.socket.connect

    def guarded_connect(self: socket.socket, address: Any) -> None:
        if threading.current_thread() is threading.main_thread():
            raise AssertionError(f"network I/O on Blender's main thread (connect to {address})")
        real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    with pytest.raises(AssertionError, match="main thread"):  # the guard itself works
        socket.create_connection(("127.0.0.1", online.api_port), timeout=1)

    job = rt.submit(spec())
    rt.refresh_balance()
    done = pump_job(rt, job.id, "done")
    pump_until(rt, lambda: not rt.balance().checking, what="balance")

    assert done.objects
    assert rt.balance().balance is not None, rt.balance()
    assert online.requests_to("GET", "/v3/account/balance")


def test_online_access_off_sends_nothing(rt: Any, prefs: Any, emulator: Emulator) -> None:
    UserError = addon_module("blender.runtime").UserError
    prefs.api_key = TEST_KEY
    prefs.api_base_url = emulator.base_url
    set_online_access(False)

    with pytest.raises(UserError, match="Allow Online Access"):
        rt.submit(spec())
    rt.refresh_balance()
    rt.pump()

    assert "Allow Online Access" in (rt.balance().error or "")
    assert emulator.requests == []


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("", "No Tripo API key"),
        ("my key", "whitespace"),
        ("tcli_123", "account id"),
    ],
)
def test_missing_or_malformed_key_is_refused_before_any_request(
    rt: Any, online: Emulator, prefs: Any, key: str, expected: str
) -> None:
    UserError = addon_module("blender.runtime").UserError
    prefs.api_key = key
    with pytest.raises(UserError, match=expected) as info:
        rt.submit(spec())
    assert key not in str(info.value) or not key
    assert online.requests == []


def test_wrong_key_fails_the_job_with_a_region_hint(rt: Any, online: Emulator, prefs: Any) -> None:
    prefs.api_key = "tsk_not_known_to_the_server"
    job = rt.submit(spec())
    failed = pump_job(rt, job.id, "failed")
    assert failed.error.code == 2, "apiv3 refuses a key with HTTP 401, code 2"
    report = addon_module("blender.job_list").error_report(
        failed, addon_module("blender.settings").snapshot().connection
    )
    assert "Error code: 2" in report
    assert "refused the API key" in report and "tsk_not_known" not in report


def test_no_credit_fails_the_job_and_says_top_up(rt: Any, online: Emulator, prefs: Any) -> None:
    poor = "tsk_emulator_poor_key_000000000000"
    online.add_key(poor, balance=0)
    prefs.api_key = poor
    job = rt.submit(spec())
    failed = pump_job(rt, job.id, "failed")
    assert failed.error.code == 2010
    assert online.tasks == {}, "nothing was created"
    report = addon_module("blender.job_list").error_report(
        failed, addon_module("blender.settings").snapshot().connection
    )
    assert "Top up" in report and poor not in report


def _retried(runtime: Any, job_id: str) -> bool:
    """Retry, or False while the job's previous run is still winding down (the runtime says so)."""
    try:
        runtime.retry(job_id)
    except addon_module("blender.runtime").UserError as exc:
        assert "still finishing" in str(exc), exc
        return False
    return True


def test_changed_key_takes_effect_on_retry(rt: Any, online: Emulator, prefs: Any) -> None:
    """Preferences are re-read: the retried POST carries the new key (workers rebuilt their client)."""
    prefs.api_key = "tsk_not_known_to_the_server"
    job = rt.submit(spec())
    pump_job(rt, job.id, "failed")
    prefs.api_key = TEST_KEY
    pump_until(rt, lambda: _retried(rt, job.id), what="retry accepted")
    pump_job(rt, job.id, "done")
    posts = created(online)
    assert [p.headers["authorization"] for p in posts] == ["Bearer tsk_not_known_to_the_server", f"Bearer {TEST_KEY}"]


def test_parallel_jobs_preference_resizes_the_pool(rt: Any, online: Emulator, prefs: Any) -> None:
    assert rt.runner().workers == 3
    prefs.parallel_jobs = 5
    rt.pump()
    assert rt.runner().workers == 5


def test_key_never_lands_in_blend_journal_or_logs(
    rt: Any, online: Emulator, clean_scene: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    job = rt.submit(spec())
    pump_job(rt, job.id, "done")
    rt.refresh_balance()
    pump_until(rt, lambda: not rt.balance().checking, what="balance")
    blend = tmp_path / "scene.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(blend), copy=True)

    secret = TEST_KEY.encode()
    assert secret not in blend.read_bytes()
    journal = list((tmp_path / "storage" / "journal").glob("*.json"))
    assert journal, "the job was journaled"
    assert all(secret not in path.read_bytes() for path in journal)
    assert caplog.records, "the flow logs something"
    assert TEST_KEY not in caplog.text
    assert TEST_KEY not in repr(addon_module("blender.settings").snapshot())


def test_resume_after_disable_enable_polls_and_never_posts_again(
    rt: Any, online: Emulator, clean_scene: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The job outlives the add-on: after re-enabling, the journal brings it back and it finishes
    with the one POST that was sent. Key and server come from the environment here, because
    disabling an add-on drops its preferences."""
    monkeypatch.setenv("TRIPO_API_KEY", TEST_KEY)
    monkeypatch.setenv("TRIPO_API_BASE_URL", online.base_url)
    online.set_timing(queue_seconds=0.0, run_seconds=600.0)
    storage = rt.storage_root
    job = rt.submit(spec())
    pump_until(rt, lambda: rt.job(job.id).task_id is not None, what="task id")

    addon_utils.disable(DEV_MODULE, default_set=True, handle_error=reraise)
    online.advance(700.0)  # the task finished on the server while the add-on was off
    runtime = addon_module("blender.runtime").runtime
    runtime.storage_root = storage  # same user folder, as after a restart
    enable_addon(DEV_MODULE)

    assert runtime.resuming and runtime._runner is None, "enabling left the journal to the first pump tick"
    done = pump_job(runtime, job.id, "done")
    assert "resumed" in [entry.note for entry in done.timeline]
    assert _objects_of(job.id)
    assert done.task_id in online.tasks
    assert len(created(online)) == 1


def test_online_access_switched_off_mid_job_pauses_it_until_it_is_back(
    rt: Any, online: Emulator, clean_scene: Any
) -> None:
    """Workers never read bpy: the pump sees the switch on its next tick and pauses the runner.
    While off nothing is sent (the worker waits at the gate, not between polls); switched back on,
    the job finishes with the one POST it had sent."""
    online.set_timing(queue_seconds=0.0, run_seconds=600.0)
    job = rt.submit(spec())
    pump_job(rt, job.id, "running")

    set_online_access(False)
    runner = rt.runner()
    pump_until(rt, lambda: runner.held_by_pause == 1, what="the worker holds the job")
    paused = rt.job(job.id)
    assert paused.state.value == "running", "a paused job keeps its state"
    assert paused.note == "paused: online access is off"
    sent = len(online.requests)
    online.advance(700.0)  # the task finishes on the server meanwhile
    for _ in range(5):
        assert rt.pump() is not None, "the pump keeps ticking to notice online access coming back"
    assert len(online.requests) == sent and runner.held_by_pause == 1

    set_online_access(True)
    done = pump_job(rt, job.id, "done")
    assert len(created(online)) == 1 and done.attempts == 1
    assert _objects_of(job.id), "it landed"
    assert runner.network_paused is None and runner.held_by_pause == 0
