"""Land Now: a result held back while the artist sculpts lands when they ask, not before — and
the artist is back in their mode, with their active object and selection, right after.

The wait itself is tests/blender/test_pump.py's (mode, selection and active object untouched);
here the row offers Land Now, and pressing it lands the result at once, without waiting for the
timer: the add-on leaves the mode for the landing only.
"""

from __future__ import annotations

from typing import Any

import bpy

from tests.emulator import Emulator

from .runtime_support import addon_module, draw_panel, pump_job, pump_until, spec


def _land_now_buttons(layout: Any) -> list[Any]:
    return [
        c
        for c in layout.mock_calls
        if c[0].split(".")[-1] == "operator" and c.args and c.args[0] == "tripo.job_land_now"
    ]


def test_land_now_lands_the_waiting_result_and_gives_back_sculpt_mode_active_and_selection(
    rt: Any, online: Emulator, clean_scene: Any
) -> None:
    jobs_panel = addon_module("blender.job_list").TRIPO_PT_jobs
    bpy.ops.object.empty_add()
    marker = bpy.context.view_layer.objects.active
    bpy.ops.mesh.primitive_cube_add()
    cube = bpy.context.view_layer.objects.active
    marker.select_set(True)  # the artist has the marker selected too, the cube active
    bpy.ops.object.mode_set(mode="SCULPT")
    job = rt.submit(spec(name="Cat"))
    pump_until(rt, lambda: any(e.job_id == job.id for e in rt._view.pending_imports), what="the result is ready")
    assert rt.job(job.id).state.value == "importing", "it waits while the artist sculpts"
    assert len(_land_now_buttons(draw_panel(jobs_panel))) == 1, "the waiting row offers Land Now"

    assert bpy.ops.tripo.job_land_now(job_id=job.id) == {"FINISHED"}

    landed = rt.job(job.id)
    assert landed.state.value == "done", (landed.state, landed.error)  # at once, not on a later tick
    assert landed.objects and all(name in bpy.data.objects for name in landed.objects)
    assert bpy.context.mode == "SCULPT", "back in Sculpt Mode"
    assert bpy.context.view_layer.objects.active == cube, "on the object they were sculpting"
    assert {ob.name for ob in bpy.context.view_layer.objects.selected} == {cube.name, marker.name}
    assert _land_now_buttons(draw_panel(jobs_panel)) == [], "nothing waits any more"
    bpy.ops.object.mode_set(mode="OBJECT")


def test_land_now_on_a_job_that_does_not_wait_changes_nothing(rt: Any, online: Emulator, clean_scene: Any) -> None:
    job = pump_job(rt, rt.submit(spec(name="Cat")).id, "done")
    bpy.ops.mesh.primitive_cube_add()
    bpy.ops.object.mode_set(mode="EDIT")
    assert bpy.ops.tripo.job_land_now(job_id=job.id) == {"CANCELLED"}
    assert bpy.context.mode == "EDIT_MESH", "the mode is only left for a result that waits"
    bpy.ops.object.mode_set(mode="OBJECT")
