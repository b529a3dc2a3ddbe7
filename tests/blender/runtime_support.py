"""Helpers for the runtime, pump, job list and preferences tests.

The fixtures built on them (``rt``, ``online``) live in ``conftest.py``: a fixture imported into a
test module is shadowed by the test's parameter of the same name, which linters rightly report.

Timers never fire in the ``bpy`` module, so tests play Blender's part: :func:`pump_until` calls
the pump directly and, between ticks, *waits on the runner's event queue* — a condition, never
a fixed sleep.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from importlib import import_module
from types import ModuleType, SimpleNamespace
from typing import Any
from unittest.mock import MagicMock

import bpy

from tests.emulator import Emulator, Recorded
from tripo_blender.client.routes import PATHS as ROUTES

from .support import DEV_MODULE


def addon_module(name: str) -> ModuleType:
    """A submodule of the enabled dev add-on, e.g. ``addon_module("blender.runtime")``.

    Tests use the add-on's own classes (``JobSpec``, ``Job``…), not ``tripo_blender.*`` from the
    repository root: in Blender the package is ``bl_ext.tripo_dev.tripo_blender``, a different module.
    """
    return import_module(f"{DEV_MODULE}.{name}")


def fast_settings() -> Any:
    """Short pauses so retry paths run in test time; the logic is the same as with the defaults."""
    return addon_module("jobs").WorkerSettings(
        poll_interval=0.05, default_retry_after=0.2, reconnect_min=0.05, reconnect_max=0.2, download_attempts=2
    )


def spec(prompt: str = "a cat", name: str = "Cat", **meta: Any) -> Any:
    """A text-to-model job spec (the add-on's JobSpec class)."""
    return addon_module("jobs").JobSpec(kind="text_to_model", params={"prompt": prompt}, name=name, meta=meta)


def created(emulator: Emulator, task_type: str | None = None) -> list[Recorded]:
    """The task-creating requests the emulator received, in order: every apiv3 creation route, or
    only the route of ``task_type`` (``"animate_rig"`` → ``POST /v3/animations/rig``)."""
    routes = {ROUTES[task_type]} if task_type else set(ROUTES.values())
    return [r for r in emulator.requests if r.method == "POST" and r.path in routes]


def uploads(emulator: Emulator) -> list[Any]:
    """The files uploaded with ``POST /v3/files`` (multipart part ``file``), in order."""
    return [r.files["file"] for r in emulator.requests_to("POST", "/v3/files")]


def set_online_access(allowed: bool) -> None:
    """What a user does in Preferences › System › Network (the bpy module starts with it off)."""
    bpy.context.preferences.system.use_online_access = allowed


def pump_until(runtime: Any, predicate: Callable[[], bool], timeout: float = 30.0, what: str = "condition") -> None:
    """Pump like Blender's timer until ``predicate()`` holds; fail with the job list on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        runtime.pump()
        if predicate():
            return
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            rows = [(j.name, j.state.value, j.note, j.error) for j in runtime.jobs()]
            raise AssertionError(f"timed out waiting for {what}; jobs: {rows}")
        runner = runtime._runner
        if runner is not None:
            runner.wait_for_events(min(remaining, 0.2))


def pump_job(runtime: Any, job_id: str, *states: str, timeout: float = 30.0) -> Any:
    """Pump until the job (as the UI sees it) is in one of ``states``; return that snapshot."""

    def reached() -> bool:
        job = runtime.job(job_id)
        return job is not None and job.state.value in states

    pump_until(runtime, reached, timeout, f"job {job_id} in {states}")
    return runtime.job(job_id)


def layout_spy() -> MagicMock:
    """A UILayout stand-in that records every call (docs/blender-notes.md#testing: RNA functions as spec)."""
    return MagicMock(spec=list(bpy.types.UILayout.bl_rna.functions.keys()))


def draw_panel(panel_cls: type, context: Any = None) -> MagicMock:
    """Run ``panel_cls.draw`` with a recording layout; returns the layout."""
    layout = layout_spy()
    panel_cls.draw(SimpleNamespace(layout=layout), context or bpy.context)
    return layout


def calls_named(layout: MagicMock, name: str) -> list[Any]:
    """Every call of UILayout method ``name`` anywhere below ``layout`` (rows, boxes, columns)."""
    return [c for c in layout.mock_calls if c[0] == name or c[0].endswith("." + name)]


def label_texts(layout: MagicMock) -> list[str]:
    return [c.kwargs.get("text", "") for c in calls_named(layout, "label")]


def operator_ids(layout: MagicMock) -> list[str]:
    return [c.args[0] for c in calls_named(layout, "operator")]
