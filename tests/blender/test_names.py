"""What a result is called in the Outliner, after each step an artist takes.

Each result is made as a user makes it (operators, the pump, the emulator's real files) and the
scene is read back: the root is named after the job's character and the step, the importer's
bare grouping Empties are gone without moving anything, the root rotates in Euler XYZ, meshes
and materials say whose they are, actions say whose animation they are.
"""

from __future__ import annotations

import re
from typing import Any

import bpy
import pytest

from tests.emulator import TEST_KEY, Emulator
from tripo_blender.client import TripoClient

from .post_support import armatures, finish, make_result, newest, objects_of, root_of, select
from .runtime_support import pump_job
from .support import ASSETS

CHARACTER_PROP = "tripo_character"
_SUFFIX = re.compile(r"\.\d{3}$")


def _all_names() -> list[str]:
    return [ob.name for ob in bpy.data.objects] + [c.name for c in bpy.data.collections]


def _is_identity(matrix: Any) -> bool:
    return all(abs(matrix[r][c] - (r == c)) < 1e-6 for r in range(4) for c in range(4))


def assert_named(job: Any, name: str, character: str) -> Any:
    """The result's root is ``name``, stamped with ``character``, in Euler XYZ; its data say whose."""
    root = root_of(job)
    objects = objects_of(job)
    assert root.name == name
    assert root[CHARACTER_PROP] == character
    assert root.rotation_mode == "XYZ"
    assert not [ob.name for ob in objects if ob.name.startswith("RootNode")], "the file's helper names are gone"
    assert not [
        ob.name
        for ob in objects
        if ob is not root and ob.type == "EMPTY" and _is_identity(ob.matrix_basis) and ob.children
    ], "bare grouping Empties are folded away"
    for ob in objects:
        if ob.data is not None:
            assert _SUFFIX.sub("", ob.data.name) == _SUFFIX.sub("", ob.name), f"{ob.name}'s data is {ob.data.name}"
        for slot in getattr(ob, "material_slots", ()):
            assert slot.material.name.startswith(name), f"material {slot.material.name} of {name}"
    return root


def test_a_generation_is_named_after_its_job(rt: Any, online: Emulator, clean_scene: Any) -> None:
    job = make_result(rt, name="a small cat statue")
    root = assert_named(job, "a small cat statue", "a small cat statue")
    assert root.type == "EMPTY" and not _is_identity(root.matrix_basis), "the file's orientation stays on the root"
    assert [c.name for c in root.users_collection] == ["a small cat statue"]
    empties = [ob.name for ob in objects_of(job) if ob.type == "EMPTY"]
    assert len(empties) == 2, (
        f"5 Empties in the file: 2 bare ones and the exporter's 'PortalThing.fbx' folded {empties}"
    )
    assert not [name for name in _all_names() if ".fbx" in name], "no helper named after a file stays"


def test_folding_the_bare_empties_moves_nothing(rt: Any, online: Emulator, clean_scene: Any) -> None:
    """Every mesh ends where Blender's own glTF import of the same file puts it."""
    bpy.context.scene.cursor.location = (0.0, 0.0, 0.0)
    job = make_result(rt, name="Portal")
    landed = {_SUFFIX.sub("", ob.name): ob.matrix_world.copy() for ob in objects_of(job) if ob.type == "MESH"}
    before = set(bpy.data.objects)
    assert bpy.ops.import_scene.gltf(filepath=str(ASSETS / "portal.glb")) == {"FINISHED"}
    bpy.context.view_layer.update()
    plain = {_SUFFIX.sub("", ob.name): ob.matrix_world for ob in set(bpy.data.objects) - before if ob.type == "MESH"}
    assert landed.keys() == plain.keys() and landed
    for name, matrix in landed.items():
        assert [v for row in matrix for v in row] == pytest.approx([v for row in plain[name] for v in row], abs=1e-5)


def test_texture_then_rig_then_walk_keep_the_character(rt: Any, online: Emulator, knight: Any) -> None:
    assert bpy.ops.tripo.texture(text_prompt="rusty armour") == {"FINISHED"}
    textured = finish(rt, "texture_model")
    assert_named(textured, "Knight (textured)", "Knight")
    taken = [ob.name for ob in objects_of(textured) if _SUFFIX.search(ob.name)]
    assert not taken, f"the file's names were the generation's already: say whose, not '.001' ({taken})"
    assert any(ob is not root_of(textured) and ob.name.endswith(" (textured)") for ob in objects_of(textured))

    select(root_of(textured))
    assert bpy.ops.tripo.rig(rig_anyway=True) == {"FINISHED"}
    rigged = finish(rt, "rig_model")
    (armature,) = armatures()
    assert assert_named(rigged, "Knight (rigged)", "Knight") == armature, "not 'Knight (textured) (rigged)'"
    assert armature.data.name == "Knight (rigged)"

    select(armature)
    assert bpy.ops.tripo.retarget(presets={"preset:walk", "preset:run"}) == {"FINISHED"}
    finish(rt, "retarget_animation")
    tracks = {t.name for t in armature.animation_data.nla_tracks}
    assert {"Knight – walk", "Knight – run"} <= tracks
    assert armature.animation_data.action.name == "Knight – walk"


def test_texturing_twice_numbers_the_second_result_instead_of_001(rt: Any, online: Emulator, knight: Any) -> None:
    """The README promises no ".001": a second "(textured)" of the same character is "… 2"."""
    assert bpy.ops.tripo.texture(text_prompt="rusty armour") == {"FINISHED"}
    first = finish(rt, "texture_model")
    select(root_of(first))
    assert bpy.ops.tripo.texture(text_prompt="gold armour") == {"FINISHED"}
    second = finish(rt, "texture_model")
    assert_named(first, "Knight (textured)", "Knight")
    assert_named(second, "Knight (textured) 2", "Knight")
    assert not [name for name in _all_names() if _SUFFIX.search(name)], _all_names()


def test_convert_and_segment_say_what_they_made(rt: Any, online: Emulator, knight: Any) -> None:
    assert bpy.ops.tripo.convert(format="FBX") == {"FINISHED"}
    converted = finish(rt, "convert_model")
    root = assert_named(converted, "Knight (FBX)", "Knight")
    assert root.type == "MESH" and root.data.name == "Knight (FBX)"

    other = make_result(rt, name="Robot")
    select(root_of(other))
    assert bpy.ops.tripo.segment() == {"FINISHED"}
    parts = finish(rt, "mesh_segmentation")
    assert_named(parts, "Robot parts", "Robot")
    meshes = [ob for ob in objects_of(parts) if ob.type == "MESH"]
    assert meshes and all(ob.name == ob["tripo_part_name"] for ob in meshes), "parts keep their names"

    select(root_of(parts))
    assert bpy.ops.tripo.complete() == {"FINISHED"}
    assert_named(finish(rt, "mesh_completion"), "Robot (parts completed)", "Robot")


def _made_elsewhere(emulator: Emulator, rig: bool) -> str:
    with TripoClient(api_key=TEST_KEY, base_url=emulator.base_url) as client:
        task = client.text_to_model("a knight made elsewhere")
        client.wait_for_task(task, polling_interval=0.05)
        if rig:
            task = client.rig_model(task)
            client.wait_for_task(task, polling_interval=0.05)
        return task


@pytest.mark.parametrize("rigged", [False, True])
def test_import_by_task_id_names_the_task_and_its_step(
    rt: Any, online: Emulator, clean_scene: Any, rigged: bool
) -> None:
    task_id = _made_elsewhere(online, rigged)
    assert bpy.ops.tripo.import_task(task_id=task_id) == {"FINISHED"}
    job = pump_job(rt, newest(rt, "import_task").id, "done")
    character = f"Tripo {task_id[:8]}"
    assert_named(job, f"{character} (rigged)" if rigged else character, character)

    assert bpy.ops.tripo.import_task(task_id=task_id, name="Sir Knight") == {"FINISHED"}
    named = pump_job(rt, newest(rt, "import_task").id, "done")
    assert_named(named, "Sir Knight (rigged)" if rigged else "Sir Knight", "Sir Knight")


def test_a_second_generation_of_the_same_file_numbers_its_parts_instead_of_dot_001(
    rt: Any, online: Emulator, clean_scene: Any
) -> None:
    make_result(rt, name="Portal")
    again = make_result(rt, name="Portal again")
    names = [ob.name for ob in objects_of(again) if ob is not root_of(again)]
    assert names and not [n for n in names if _SUFFIX.search(n)], names
    assert any(n.endswith(" 2") for n in names), names
