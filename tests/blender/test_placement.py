"""A post-processed result takes its source's place: parent, transform, collections; the source is
hidden, kept or replaced, and nothing that is not a Tripo result is ever deleted."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

import bpy
import pytest
from mathutils import Euler, Matrix, Vector

from .support import ASSETS, DEV_MODULE

SOURCE_TAGS = {"tripo_task_id": "task-source", "tripo_job_id": "job-source"}
RESULT_TAGS = {"tripo_task_id": "task-result", "tripo_job_id": "job-result"}


@pytest.fixture
def mods(addon: ModuleType) -> Any:
    class Mods:
        importer = importlib.import_module(f"{DEV_MODULE}.blender.importer")
        placement = importlib.import_module(f"{DEV_MODULE}.blender.placement")

    return Mods


def _same(a: Matrix, b: Matrix) -> bool:
    return all(abs(x - y) < 1e-5 for ra, rb in zip(a, b) for x, y in zip(ra, rb))


@pytest.fixture
def scene(mods: Any, clean_scene: Any) -> Any:
    """A user collection "Props" holding a user Empty "Holder", and under it a Tripo source model
    (portal.glb) that the user moved, rotated and scaled, with a user object attached to it.
    An unrelated user cube shares nothing with it. Then a result (Wuson.stl) is imported."""
    props = bpy.data.collections.new("Props")
    clean_scene.collection.children.link(props)
    holder = bpy.data.objects.new("Holder", None)
    props.objects.link(holder)
    holder.location = (10.0, 0.0, 0.0)
    holder.rotation_euler = Euler((0.0, 0.0, 0.5))

    source = mods.importer.import_result(
        ASSETS / "portal.glb", name="Portal job", tags=SOURCE_TAGS, parent_collection=props
    )
    root = source.root
    for ob in source.objects:  # the user tidied the model into Props
        for coll in list(ob.users_collection):
            coll.objects.unlink(ob)
        props.objects.link(ob)
    bpy.data.collections.remove(source.collection)
    root.parent = holder
    root.matrix_parent_inverse = holder.matrix_world.inverted()
    root.location = (1.0, 2.0, 3.0)
    root.rotation_euler = Euler((0.3, 0.0, 0.2))
    root.scale = (0.01, 0.01, 0.01)

    marker = bpy.data.objects.new("Marker", None)  # the user's own object, parented inside the model
    props.objects.link(marker)
    mesh = next(ob for ob in source.objects if ob.type == "MESH")
    marker.parent = mesh
    marker.location = (0.5, 0.0, 0.0)

    cube_mesh = bpy.data.meshes.new("UserCube")
    cube = bpy.data.objects.new("UserCube", cube_mesh)
    clean_scene.collection.objects.link(cube)

    bpy.context.view_layer.update()
    result = mods.importer.import_result(ASSETS / "Wuson.stl", name="Texture job", tags=RESULT_TAGS)

    class Scene:
        pass

    s = Scene()
    s.props, s.holder, s.source, s.root, s.marker, s.mesh, s.cube, s.result = (
        props,
        holder,
        source,
        root,
        marker,
        mesh,
        cube,
        result,
    )
    s.source_world = root.matrix_world.copy()
    s.source_file = mods.importer.file_matrix(root)
    s.marker_world = marker.matrix_world.copy()
    s.source_names = [ob.name for ob in source.objects]
    s.source_data = [ob.data.name for ob in source.objects if ob.data is not None]
    return s


def _assert_result_in_place(s: Any, importer: Any) -> None:
    bpy.context.view_layer.update()
    root = s.result.root
    assert root.parent == s.holder
    # the user's change to the source (its world matrix without the file's own correction),
    # applied to the result's own file transform
    expected = s.source_world @ s.source_file.inverted() @ importer.file_matrix(root)
    assert _same(root.matrix_world, expected)
    for ob in s.result.objects:
        assert list(ob.users_collection) == [s.props]
    assert "Texture job" not in bpy.data.collections
    assert s.result.collection == s.props


def test_hide_source_puts_the_result_in_place_and_hides_the_source(mods: Any, scene: Any) -> None:
    mods.placement.place_like_source(scene.result, scene.root, "HIDE_SOURCE")
    _assert_result_in_place(scene, mods.importer)
    for name in [*scene.source_names, "Marker"]:
        ob = bpy.data.objects[name]
        assert ob.hide_get() and ob.hide_render
    assert not scene.result.root.hide_get() and not scene.result.root.hide_render
    assert not scene.cube.hide_get()


def test_result_follows_the_source_parent_afterwards(mods: Any, scene: Any) -> None:
    mods.placement.place_like_source(scene.result, scene.root, "KEEP_BOTH")
    scene.holder.location.x += 5.0
    bpy.context.view_layer.update()
    result_file = mods.importer.file_matrix(scene.result.root)
    assert _same(scene.result.root.matrix_world, scene.root.matrix_world @ scene.source_file.inverted() @ result_file)


def test_keep_both_leaves_the_source_visible(mods: Any, scene: Any) -> None:
    mods.placement.place_like_source(scene.result, scene.root, "KEEP_BOTH")
    _assert_result_in_place(scene, mods.importer)
    assert all(not bpy.data.objects[n].hide_get() and not bpy.data.objects[n].hide_render for n in scene.source_names)


def test_replace_deletes_only_the_tripo_source_and_keeps_the_users_objects(mods: Any, scene: Any) -> None:
    mods.placement.place_like_source(scene.result, scene.root, "REPLACE")
    _assert_result_in_place(scene, mods.importer)
    for name in scene.source_names:
        assert name not in bpy.data.objects
    for name in scene.source_data:  # the source's now-unused mesh data went with it
        assert name not in bpy.data.meshes
    bpy.context.view_layer.update()
    marker = bpy.data.objects["Marker"]
    assert marker.parent == scene.result.root
    assert _same(marker.matrix_world, scene.marker_world)
    assert "Holder" in bpy.data.objects and "UserCube" in bpy.data.objects
    assert "UserCube" in bpy.data.meshes


def test_replace_keeps_data_that_a_user_object_still_uses(mods: Any, scene: Any) -> None:
    linked = bpy.data.objects.new("LinkedCopy", scene.mesh.data)  # Alt+D of the Tripo mesh
    bpy.context.scene.collection.objects.link(linked)
    data_name, mesh_name = scene.mesh.data.name, scene.mesh.name
    materials = [m.name for m in scene.mesh.data.materials if m is not None]
    mods.placement.place_like_source(scene.result, scene.root, "REPLACE")
    assert mesh_name not in bpy.data.objects
    assert linked.data.name == data_name and data_name in bpy.data.meshes
    assert all(m in bpy.data.materials for m in materials)


def test_replace_of_a_non_tripo_object_is_refused_and_changes_nothing(mods: Any, scene: Any) -> None:
    with pytest.raises(mods.placement.PlacementRefused, match="not a Tripo result"):
        mods.placement.place_like_source(scene.result, scene.holder, "REPLACE")
    assert "Holder" in bpy.data.objects
    assert "Texture job" in bpy.data.collections
    assert scene.result.root.parent is None
    assert all(n in bpy.data.objects for n in scene.source_names)


def test_unknown_mode_is_an_error(mods: Any, scene: Any) -> None:
    with pytest.raises(ValueError, match="unknown placement mode"):
        mods.placement.place_like_source(scene.result, scene.root, "MERGE")


def test_placement_is_one_undo_step_when_asked(mods: Any, scene: Any) -> None:
    bpy.ops.ed.undo_push(message="after import")
    result_name = scene.result.root.name
    mods.placement.place_like_source(scene.result, scene.root, "REPLACE", undo_message="Place Tripo result")
    assert scene.source_names[0] not in bpy.data.objects
    bpy.ops.ed.undo()
    assert all(n in bpy.data.objects for n in scene.source_names)
    assert "Texture job" in bpy.data.collections
    assert bpy.data.objects[result_name].parent is None


def test_source_in_several_collections_puts_the_result_in_all_of_them(mods: Any, scene: Any) -> None:
    extra = bpy.data.collections.new("Also here")
    bpy.context.scene.collection.children.link(extra)
    extra.objects.link(scene.root)
    mods.placement.place_like_source(scene.result, scene.root, "KEEP_BOTH")
    for ob in scene.result.objects:
        assert set(ob.users_collection) == {scene.props, extra}


def test_result_parented_to_a_bone_like_its_source(mods: Any, clean_scene: Any) -> None:
    arm_data = bpy.data.armatures.new("Rig")
    rig = bpy.data.objects.new("Rig", arm_data)
    clean_scene.collection.objects.link(rig)
    bpy.context.view_layer.objects.active = rig
    bpy.ops.object.mode_set(mode="EDIT")
    bone = arm_data.edit_bones.new("hand")
    bone.head, bone.tail = Vector((0, 0, 0)), Vector((0, 0, 1))
    bpy.ops.object.mode_set(mode="OBJECT")
    source = mods.importer.import_result(ASSETS / "Wuson.stl", name="Sword", tags=SOURCE_TAGS)
    source.root.parent = rig
    source.root.parent_type = "BONE"
    source.root.parent_bone = "hand"
    source.root.location = (0.0, 0.2, 0.0)
    result = mods.importer.import_result(ASSETS / "Wuson.stl", name="Sword v2", tags=RESULT_TAGS)
    mods.placement.place_like_source(result, source.root, "HIDE_SOURCE")
    bpy.context.view_layer.update()
    assert (result.root.parent, result.root.parent_type, result.root.parent_bone) == (rig, "BONE", "hand")
    assert _same(result.root.matrix_world, source.root.matrix_world)


def test_the_file_correction_of_the_source_is_not_copied_onto_the_result(mods: Any, clean_scene: Any) -> None:
    """portal.glb's root carries a -90° X correction from its file; Fox.glb's root does not. A
    result placed like the portal must stand upright, moved and turned as the user moved the portal."""
    clean_scene.cursor.location = (0.0, 0.0, 0.0)
    source = mods.importer.import_result(ASSETS / "portal.glb", name="Portal", tags=SOURCE_TAGS)
    assert not _same(mods.importer.file_matrix(source.root), Matrix.Identity(4))  # the file's correction
    user_move = Matrix.Translation((2.0, 0.0, 0.0)) @ Matrix.Rotation(0.5, 4, "Z")
    source.root.matrix_world = user_move @ source.root.matrix_world
    result = mods.importer.import_result(ASSETS / "Fox.glb", name="Rig", tags=RESULT_TAGS)
    fox_file = mods.importer.file_matrix(result.root)
    mods.placement.place_like_source(result, source.root, "KEEP_BOTH")
    bpy.context.view_layer.update()
    assert _same(result.root.matrix_world, user_move @ fox_file)


def test_a_source_without_a_file_transform_is_copied_as_it_is(mods: Any, clean_scene: Any) -> None:
    holder = bpy.data.objects.new("Made by hand", None)
    clean_scene.collection.objects.link(holder)
    holder["tripo_task_id"] = "task-elsewhere"
    holder.location = (1.0, 2.0, 3.0)
    holder.rotation_euler = Euler((0.2, 0.0, 0.0))
    result = mods.importer.import_result(ASSETS / "Wuson.stl", name="Result", tags=RESULT_TAGS)
    mods.placement.place_like_source(result, holder, "KEEP_BOTH")
    bpy.context.view_layer.update()
    assert _same(result.root.matrix_world, holder.matrix_world)
