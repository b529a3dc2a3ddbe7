"""Land Now: a result held back while the artist sculpts lands when they ask, not before.

The wait itself is tests/blender/test_pump.py's (mode, selection and active object untouched);
here the row offers Land Now, and pressing it is the one time the add-on leaves the artist's
mode: the result lands at once, without waiting for the timer.
"""

from __future__ import annotations

from typing import Any

import bpy

from tests.emulator import Emulator

from .runtime_support import addon_module, draw_panel, online, pump_job, rt, spec  # noqa: F401 - fixtures


def _land_now_buttons(layout: Any) -> list[Any]:
    return [c for c in layout.mock_calls if c[0].split(".")[-1] == "operator" and c.args
            and c.args[0] == "tripo.job_land_now"]


def test_land_now_leaves_sculpt_mode_and_lands_the_waiting_result(rt: Any, online: Emulator,
                                                                   clean_scene: Any) -> None:
    jobs_panel = addon_module("blender.job_list").TRIPO_PT_jobs
    bpy.ops.mesh.primitive_cube_add()
    cube = bpy.context.view_layer.objects.active
    bpy.ops.object.mode_set(mode='SCULPT')
    job = rt.submit(spec(name="Cat"))
    pump_job(rt, job.id, "importing")
    rt.pump()
    assert rt.job(job.id).state.value == "importing", "it waits while the artist sculpts"
    assert len(_land_now_buttons(draw_panel(jobs_panel))) == 1, "the waiting row offers Land Now"

    assert bpy.ops.tripo.job_land_now(job_id=job.id) == {'FINISHED'}

    assert bpy.context.mode == 'OBJECT'
    landed = pump_job(rt, job.id, "done", "failed")  # at once, or on the next tick if the worker was not ready
    assert landed.state.value == "done", landed.error
    root = bpy.data.objects[landed.objects[0]]
    assert cube.name in bpy.data.objects and root.name != cube.name
    assert bpy.context.view_layer.objects.active in {bpy.data.objects[n] for n in landed.objects}
    assert _land_now_buttons(draw_panel(jobs_panel)) == [], "nothing waits any more"


def test_land_now_on_a_job_that_does_not_wait_changes_nothing(rt: Any, online: Emulator, clean_scene: Any) -> None:
    job = pump_job(rt, rt.submit(spec(name="Cat")).id, "done")
    bpy.ops.mesh.primitive_cube_add()
    bpy.ops.object.mode_set(mode='EDIT')
    assert bpy.ops.tripo.job_land_now(job_id=job.id) == {'CANCELLED'}
    assert bpy.context.mode == 'EDIT_MESH', "the mode is only left for a result that waits"
    bpy.ops.object.mode_set(mode='OBJECT')
