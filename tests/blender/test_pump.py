"""The pump as a timer callback: its return values, bounded work, redraws, and that it never raises."""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any

import bpy
import pytest

from tests.emulator import Emulator

from .runtime_support import addon_module, created, draw_panel, pump_job, pump_until, spec


@pytest.fixture
def runtime_module(addon: Any) -> Any:
    return addon_module("blender.runtime")


def _wait_for(predicate: Any, timeout: float = 20.0) -> None:
    """Wait for a worker-side condition in short slices (the pump is deliberately not called)."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached"
        pause.wait(0.02)


def test_idle_pump_stops_its_timer(rt: Any) -> None:
    assert rt.pump() is None


def test_pump_ticks_while_active_and_stops_when_done(rt: Any, online: Emulator, runtime_module: Any) -> None:
    job = rt.submit(spec())
    assert bpy.app.timers.is_registered(rt._timer), "submit starts the pump"
    intervals = []
    pump_until(rt, lambda: intervals.append(rt.pump()) or rt.job(job.id).state.value == "done", what="done")
    assert set(intervals) - {None} <= {runtime_module.ACTIVE_INTERVAL, runtime_module.IMPORT_INTERVAL}
    assert rt.pump() is None


def test_one_import_per_tick(rt: Any, online: Emulator, clean_scene: Any, runtime_module: Any) -> None:
    """Two results ready at once: the first tick imports one, the next tick the other."""
    first, second = rt.submit(spec(name="One")), rt.submit(spec(name="Two"))
    runner = rt.runner()
    events: list[Any] = []
    files_ready = addon_module("jobs").FilesReady

    def both_downloaded() -> bool:  # collect what the pump would drain, without importing
        events.extend(runner.drain_events())
        return {e.job_id for e in events if isinstance(e, files_ready)} == {first.id, second.id}

    _wait_for(both_downloaded)
    rt._view.apply(events)

    def landed() -> set[str]:
        return {ob["tripo_job_id"] for ob in bpy.data.objects if "tripo_job_id" in ob}

    assert rt.pump() == runtime_module.IMPORT_INTERVAL, "one result still waits to be imported"
    assert len(landed()) == 1
    rt.pump()
    assert landed() == {first.id, second.id}
    pump_until(rt, lambda: all(rt.job(j.id).state.value == "done" for j in (first, second)), what="both done")


def test_redraws_only_when_something_changed(
    rt: Any, online: Emulator, runtime_module: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    redraws: list[int] = []
    monkeypatch.setattr(runtime_module, "tag_redraw", lambda: redraws.append(1))
    job = rt.submit(spec())
    pump_job(rt, job.id, "done")
    assert redraws, "state changes were drawn"
    redraws.clear()
    rt.pump()
    rt.pump()
    assert redraws == []


def test_pump_never_raises(
    rt: Any, online: Emulator, runtime_module: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    runner = rt.runner()

    def broken(limit: int | None = None) -> list[Any]:
        raise RuntimeError("engine exploded")

    monkeypatch.setattr(runner, "drain_events", broken)
    with caplog.at_level(logging.ERROR):
        assert rt.pump() == runtime_module.ERROR_INTERVAL
    assert "pump tick failed" in caplog.text and "engine exploded" in caplog.text


def test_unexpected_import_error_fails_the_job_not_the_pump(
    rt: Any, online: Emulator, runtime_module: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*args: Any, **kwargs: Any) -> Any:
        raise ZeroDivisionError("importer bug")

    monkeypatch.setattr(runtime_module, "import_job", crash)
    job = rt.submit(spec())
    failed = pump_job(rt, job.id, "failed")
    assert "could not import" in failed.error.message and "importer bug" in failed.error.message


def test_location_given_in_the_spec_is_kept(rt: Any, online: Emulator, clean_scene: Any) -> None:
    """A spec from a script may carry its own location; the runtime keeps it."""
    job = rt.submit(spec(location=[4.0, 5.0, 6.0]))
    done = pump_job(rt, job.id, "done")
    root = next(bpy.data.objects[n] for n in done.objects if bpy.data.objects[n].parent is None)
    assert tuple(root.location) == pytest.approx((4.0, 5.0, 6.0))


def test_shutdown_stops_timer_workers_and_frees_previews(rt: Any, online: Emulator) -> None:
    job = rt.submit(spec())
    done = pump_job(rt, job.id, "done")
    previews = addon_module("blender.previews")
    assert "rendered_image" in done.files and previews.has(job.id)
    threads = [t for t in threading.enumerate() if t.name.startswith("tripo-jobs")]
    assert threads

    rt.shutdown()

    assert not bpy.app.timers.is_registered(rt._timer)
    assert not previews.has(job.id)
    assert rt.jobs() == []
    for thread in threads:
        thread.join(5.0)
        assert not thread.is_alive()


def test_uncertain_job_from_the_journal_is_shown_and_never_resent(rt: Any, online: Emulator) -> None:
    """A job the last session was sending when Blender died: it may have been charged."""
    jobs = addon_module("jobs")
    now = time.time()
    crashed = jobs.Job(
        id="crashed0001",
        spec=spec(name="Crashed"),
        state=jobs.JobState.SUBMITTING,
        created_at=now,
        updated_at=now,
        attempts=1,
        revision=3,
    )
    journal_dir = rt.storage_root / "journal"
    journal_dir.mkdir(parents=True, exist_ok=True)
    (journal_dir / "crashed0001.json").write_text(json.dumps({"format": 1, "job": crashed.to_dict()}))

    rt.start()
    pump_until(rt, lambda: rt.job("crashed0001") is not None, what="journal loaded")
    for _ in range(5):
        rt.pump()

    job = rt.job("crashed0001")
    assert job.state.value == "uncertain"
    assert not job.retry_resends  # Retry first asks Tripo whether the task exists (free)
    assert created(online) == []


def test_import_borrows_a_window_when_the_timer_context_has_none(
    rt: Any, online: Emulator, clean_scene: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real timer callbacks run without a window in the context; the import gets one (and a 3D view)."""
    pump_module = addon_module("blender.landing")
    real_import = pump_module.import_result
    seen: list[tuple[Any, Any]] = []

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append((bpy.context.window, bpy.context.area and bpy.context.area.type))
        return real_import(*args, **kwargs)

    monkeypatch.setattr(pump_module, "import_result", spy)
    job = rt.submit(spec())
    with bpy.context.temp_override(window=None):
        assert bpy.context.window is None
        pump_job(rt, job.id, "done")
    assert len(seen) == 1
    window, area_type = seen[0]
    assert window is not None and area_type == "VIEW_3D"


def test_a_result_waits_while_the_artist_sculpts_and_lands_after(
    rt: Any, online: Emulator, clean_scene: Any, addon: Any
) -> None:
    """Landing selects and activates objects: in Sculpt Mode it must wait, leaving everything as it was."""
    landing = addon_module("blender.landing_status")
    bpy.ops.mesh.primitive_cube_add()
    cube = bpy.context.view_layer.objects.active
    bpy.ops.object.mode_set(mode="SCULPT")
    objects_before = set(bpy.data.objects)

    job = rt.submit(spec(name="Cat"))
    pump_job(rt, job.id, "importing")
    for _ in range(5):  # several more ticks: the result is ready and still waits
        rt.pump()

    assert rt.job(job.id).state.value == "importing"
    assert landing.waiting_for_object_mode() == "ready, lands after Sculpt Mode"
    layout = draw_panel(addon_module("blender.job_list").TRIPO_PT_jobs)
    row = " ".join(c.kwargs.get("text", "") for c in layout.mock_calls if c[0].split(".")[-1] in ("label", "operator"))
    assert "Ready, lands after Sculpt Mode" in row, f"the Jobs row says why it waits, in full: {row}"
    assert bpy.context.mode == "SCULPT"
    assert bpy.context.view_layer.objects.active == cube
    assert [ob for ob in bpy.data.objects if ob.select_get()] == [cube]
    assert set(bpy.data.objects) == objects_before

    bpy.ops.object.mode_set(mode="OBJECT")
    assert landing.waiting_for_object_mode() is None
    done = pump_job(rt, job.id, "done", "failed")
    assert done.state.value == "done", done.error
    assert set(bpy.data.objects) > objects_before
