"""Keys: a server that echoes the API key in a task's ``input`` must not get it into the objects'
tags (saved in the .blend), the journal or the Jobs panel (real bpy, the emulator)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import bpy

from tests.emulator import TEST_KEY, Emulator
from tripo_blender.client import TripoClient

from .post_support import newest
from .runtime_support import pump_job

RELIABILITY_AREA = "Keys"

SECRET = TEST_KEY[len("tsk_") :]


def _id_props(data: Any) -> str:
    """Every custom property of ``data`` as text (what a .blend keeps of it)."""
    return repr({key: str(data[key]) for key in data.keys()})


def test_a_key_echoed_in_a_followed_tasks_input_stays_out_of_the_blend(
    rt: Any, online: Emulator, clean_scene: Any
) -> None:
    with TripoClient(api_key=TEST_KEY, base_url=online.base_url) as client:  # made "elsewhere"
        model = client.text_to_model("a fox made elsewhere")
        client.wait_for_task(model, polling_interval=0.05)
        rig_task = client.rig_model(model, spec="mixamo")
    online.echo_input(rig_task, spec=f"mixamo {TEST_KEY}", rig_type=TEST_KEY, model=f"v1.0 {TEST_KEY}")

    assert bpy.ops.tripo.import_task(task_id=rig_task) == {"FINISHED"}
    job = pump_job(rt, newest(rt, "import_task").id, "done")

    assert job.objects, "the rig landed"
    tagged = [
        bpy.data.objects,
        bpy.data.meshes,
        bpy.data.armatures,
        bpy.data.materials,
        bpy.data.actions,
        bpy.data.collections,
    ]
    for collection in tagged:
        for data in collection:
            assert SECRET not in _id_props(data), f"{data.name} carries the key in its tags"
    assert SECRET not in repr(job)
    journal = Path(rt.storage_root) / "journal"
    assert all(SECRET not in p.read_text(encoding="utf-8") for p in journal.glob("*.json"))
