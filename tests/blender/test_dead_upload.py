"""A mesh whose earlier upload Tripo forgot is uploaded again, and the object keeps the new token.

The add-on keeps a local mesh's ``file_token`` on the object (``tripo_upload_token``) and reuses
it while the mesh is unchanged. Tripo may forget it sooner than the add-on guesses: the texture
request naming it is then refused (1004), the job uploads the mesh again and sends its request
once more, the result lands, and the object carries the new token — never the dead one — so the
next operation reuses the new upload. Driven through the right-click menu's operators against
the emulator, in real bpy.
"""

from __future__ import annotations

from typing import Any

import bmesh
import bpy

from tests.emulator import Emulator

from .post_support import finish, posted, root_of, select
from .runtime_support import addon_module, uploads


def _monkey(scene: Any) -> Any:
    """A plain Blender mesh with a modifier, no Tripo tag."""
    mesh = bpy.data.meshes.new("Suzanne")
    bm = bmesh.new()
    bmesh.ops.create_monkey(bm)
    bm.to_mesh(mesh)
    bm.free()
    ob = bpy.data.objects.new("Suzanne", mesh)
    scene.collection.objects.link(ob)
    ob.location = (1.0, 2.0, 0.0)
    ob.modifiers.new("Subdivision", "SUBSURF").levels = 1
    return ob


def _texture(rt: Any, ob: Any, prompt: str) -> Any:
    select(ob)
    assert bpy.ops.tripo.texture(text_prompt=prompt, placement="KEEP_BOTH") == {"FINISHED"}
    return finish(rt, "texture_model")


def test_a_forgotten_token_is_uploaded_again_and_the_object_carries_the_new_one(
    rt: Any, online: Emulator, clean_scene: Any
) -> None:
    monkey = _monkey(clean_scene)
    _texture(rt, monkey, "rusty metal")
    dead = monkey["tripo_upload_token"]
    online.forget(dead)  # Tripo forgot it well before the day the add-on reuses a token for

    again = _texture(rt, monkey, "wood")
    assert len(uploads(online)) == 2, "uploaded again, once"
    inputs = [body["input"] for body in posted(online, "texture_model")]
    assert inputs[:2] == [dead, dead] and len(inputs) == 3, "the first job, the refused reuse, one more request"
    fresh = inputs[2]
    assert fresh != dead and online.uploaded(fresh) == uploads(online)[1].data
    assert addon_module("jobs.mesh_upload").RENEW_NOTE in [e.note for e in again.timeline]
    assert root_of(again).users_collection == monkey.users_collection, "the result landed"
    assert monkey["tripo_upload_token"] == fresh, "the object carries the new token, not the dead one"

    _texture(rt, monkey, "stone")
    assert len(uploads(online)) == 2 and posted(online, "texture_model")[-1]["input"] == fresh, (
        "the next operation reuses the new upload"
    )


def test_a_job_that_could_not_upload_again_still_makes_the_object_forget_the_dead_token(
    rt: Any, online: Emulator, clean_scene: Any
) -> None:
    monkey = _monkey(clean_scene)
    _texture(rt, monkey, "rusty metal")
    dead = monkey["tripo_upload_token"]
    online.forget(dead)
    online.inject("POST /v3/files", status=400, code=1004, message="bad file (emulated)")  # the fresh upload fails
    select(monkey)
    assert bpy.ops.tripo.texture(text_prompt="wood", placement="KEEP_BOTH") == {"FINISHED"}
    failed = finish(rt, "texture_model", "failed")
    assert failed.error is not None and "Could not upload the mesh" in failed.error.message

    _texture(rt, monkey, "stone")
    inputs = [body["input"] for body in posted(online, "texture_model")]
    assert inputs[:2] == [dead, dead] and len(inputs) == 3, "the next operation never names the dead token again"
    assert inputs[2] != dead and monkey["tripo_upload_token"] == inputs[2]
    assert len(uploads(online)) == 3, "the first upload, the failed one, and a fresh one"
