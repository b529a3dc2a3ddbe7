"""The add-on in real bpy against a service answering the task list the other SDKs' way: as an
array with decimal credits, then not at all (404) — the generation lands, its row shows the decimal
it cost, and its rig lands too (docs/sources.md#task-list, #task-fields)."""

from __future__ import annotations

from typing import Any

import bpy

from tests.emulator import Emulator

from .post_support import armatures
from .runtime_support import addon_module, created

RELIABILITY_AREA = "Lost or half work"
WAIT = 60.0


def test_a_generation_and_its_rig_land_with_the_task_list_as_an_array_then_absent(
    rt: Any, online: Emulator, clean_scene: Any
) -> None:
    """A generation lands with the task list answered as an array, and its rig after the list route went away (404)."""
    online.variants.task_list = "array"
    online.variants.decimal_credits = True
    assert bpy.ops.tripo.generate(mode="TEXT", prompt="a wooden robot") == {"FINISHED"}
    tripo = addon_module("console")
    (model,) = [j for j in tripo.jobs() if j.name == "a wooden robot"]
    assert model.wait(WAIT).done and model.objects, model.snapshot.error
    assert all(ob.get("tripo_task_id") == model.task_id for ob in model.objects)
    charged = online.tasks[model.task_id]["credits_consumed"]  # "30.25": a decimal, as text
    assert addon_module("blender.job_list").row_status(model.snapshot).text == f"Done, {float(charged):g} credits"

    online.variants.task_list = "gone-404"
    online.set_riggable(True, "biped")
    rig = tripo.rig(model.objects[0]).wait(WAIT)
    assert rig.done and armatures(), rig.snapshot.error
    assert len(online.requests_to("POST", "/v3/tasks/list")) >= 1 and online.requests_to(
        "GET", f"/v3/tasks/{rig.task_id}"
    )
    assert len(created(online)) == 2, "one text-to-model, one rig: nothing sent twice"
