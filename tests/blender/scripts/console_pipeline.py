"""A headless Tripo script: text → rig → retarget through the console API.

Run it like a user would::

    blender -b --online-mode --python console_pipeline.py

(with the add-on enabled and a key in its preferences or in ``TRIPO_API_KEY``). The test suite
runs it twice: imported in-process (``main()``), and as a real script in a subprocess with the
``bpy`` module standing in for ``blender -b`` (see ``run_as_blender.py`` next to it). It asserts
what a script may rely on whatever the landing does; ``main()`` returns a summary of the scene
(printed as ``RESULT <json>`` when run as a script) for the tests to check the landing.
"""

from __future__ import annotations

import importlib
import json
from typing import Any

import bpy

# the README's repository-agnostic import: the test runs this in a repository named "studio_tools"
tripo = importlib.import_module(
    next(a.module for a in bpy.context.preferences.addons if a.module.endswith(".tripo_blender"))
)

PRESETS = ["preset:walk", "preset:run"]
TIMEOUT = 120.0


def _animation_of(ob: Any) -> dict[str, Any]:
    anim = ob.animation_data
    if anim is None:
        return {"active": None, "tracks": [], "playing": []}
    return {
        "active": anim.action.name if anim.action else None,
        "tracks": [[s.action.name for s in t.strips if s.action] for t in anim.nla_tracks],
        "playing": [[s.action.name for s in t.strips if s.action] for t in anim.nla_tracks if not t.mute],
    }


def main() -> dict[str, Any]:
    model = tripo.text_to_model("a small fox", name="Fox").wait(TIMEOUT)
    assert model.done and model.objects, model
    assert all(ob.get("tripo_task_id") == model.task_id for ob in model.objects)

    rigged = tripo.rig(model.objects[0]).wait(TIMEOUT)
    assert rigged.done and rigged.objects, rigged
    assert rigged.armature is not None, "the rig result has an armature"

    moves = tripo.retarget(rigged.armature, PRESETS).wait(TIMEOUT)
    assert moves.done, moves

    return {
        "jobs": [[job.name, job.kind, job.state.value] for job in tripo.jobs()],
        "model": {
            "task": model.task_id,
            "objects": [ob.name for ob in model.objects],
            "hidden": [ob.name for ob in model.objects if ob.hide_render],
        },
        "rig": {
            "task": rigged.task_id,
            "objects": [ob.name for ob in rigged.objects],
            "armature": rigged.armature.name,
            "parented_meshes": [ob.name for ob in rigged.objects if ob.type == "MESH" and ob.parent == rigged.armature],
        },
        "retarget": {
            "task": moves.task_id,
            "objects": [ob.name for ob in moves.objects],
            "actions": sorted(a.name for a in moves.actions),
            "armature": moves.armature.name if moves.armature else None,
        },
        "armatures": sorted(ob.name for ob in bpy.data.objects if ob.type == "ARMATURE"),
        "animation": {ob.name: _animation_of(ob) for ob in bpy.data.objects if ob.type == "ARMATURE"},
    }


if __name__ == "__main__":
    print("RESULT " + json.dumps(main()))
