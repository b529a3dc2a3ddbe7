"""Results land in the scene ready to use: one collection, at the cursor, tagged, one undo step."""

from __future__ import annotations

import importlib
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any

import bpy
import pytest
from mathutils import Matrix

from .support import ASSETS, DEV_MODULE, gltf_really_imports


@pytest.fixture
def importer(addon: ModuleType) -> ModuleType:
    return importlib.import_module(f"{DEV_MODULE}.blender.importer")


@pytest.fixture
def decoders(addon: ModuleType) -> ModuleType:
    return importlib.import_module(f"{DEV_MODULE}.blender.decoders")


TAGS = {"tripo_task_id": "task-123", "tripo_job_id": "job-abc"}


def _scene_names() -> set[str]:
    return {ob.name for ob in bpy.context.scene.objects}


def test_static_glb_lands_in_its_own_collection_at_the_cursor(importer: ModuleType, clean_scene: Any) -> None:
    clean_scene.cursor.location = (3.0, -2.0, 1.0)
    res = importer.import_result(ASSETS / "portal.glb", name="Portal job", tags=TAGS)
    assert res.collection.name == "Portal job"
    assert res.collection.name in clean_scene.collection.children
    assert {ob.name for ob in res.collection.objects} == {ob.name for ob in res.objects}
    assert any(ob.type == "MESH" for ob in res.objects)
    assert tuple(round(v, 5) for v in res.root.matrix_world.translation) == (3.0, -2.0, 1.0)
    for ob in res.objects:
        assert ob["tripo_task_id"] == "task-123"
        assert ob["tripo_job_id"] == "job-abc"
    assert set(bpy.context.selected_objects) == set(res.objects)
    assert bpy.context.view_layer.objects.active == res.root
    mesh = next(ob for ob in res.objects if ob.type == "MESH")
    assert mesh.material_slots and mesh.material_slots[0].material is not None


def test_rigged_glb_has_no_visible_helper_and_children_keep_their_local_transform(
    importer: ModuleType, clean_scene: Any
) -> None:
    bpy.ops.import_scene.gltf(filepath=str(ASSETS / "Fox.glb"))
    plain = {
        ob.type: ob.matrix_local.copy()
        for ob in clean_scene.objects
        if ob.type in {"MESH", "ARMATURE"} and not ob.name.startswith("Icosphere")
    }
    bpy.ops.wm.read_homefile(use_empty=True)
    clean_scene = bpy.context.scene
    clean_scene.cursor.location = (5.0, 0.0, 0.0)

    res = importer.import_result(ASSETS / "Fox.glb", name="Fox", tags=TAGS)
    types = sorted(ob.type for ob in res.objects)
    assert types == ["ARMATURE", "MESH"]
    assert not any("Icosphere" in ob.name for ob in bpy.data.objects)
    assert "glTF_not_exported" not in bpy.data.collections
    armature = res.root
    assert armature.type == "ARMATURE"
    mesh = next(ob for ob in res.objects if ob.type == "MESH")
    assert mesh.parent == armature
    # children are not re-rotated: the mesh's transform relative to its armature is the importer's
    for a, b in zip(mesh.matrix_local, plain["MESH"]):
        assert tuple(round(x, 5) for x in a) == tuple(round(x, 5) for x in b)
    assert armature.matrix_world.to_3x3() == plain["ARMATURE"].to_3x3()
    assert tuple(round(v, 4) for v in armature.matrix_world.translation) == (5.0, 0.0, 0.0)
    assert {a.name.split("_")[0] for a in res.actions} == {"Survey", "Walk", "Run"}


def test_fbx_rig_imports_with_its_actions(importer: ModuleType, clean_scene: Any) -> None:
    res = importer.import_result(ASSETS / "Skeleton.fbx", name="Skeleton", tags=TAGS)
    assert res.root.type == "ARMATURE"
    assert len(res.actions) == 5
    assert all(ob["tripo_task_id"] == "task-123" for ob in res.objects)


def test_obj_zip_is_extracted_safely_and_keeps_its_texture(
    importer: ModuleType, clean_scene: Any, tmp_path: Path
) -> None:
    archive = tmp_path / "task" / "tripo_convert.zip"
    archive.parent.mkdir()
    with zipfile.ZipFile(archive, "w") as zf:
        for name in ("cow.obj", "cow.mtl", "cow_texture.png"):
            zf.write(ASSETS / "obj_cow" / name, name)
    res = importer.import_result(archive, name="Cow", tags=TAGS)
    mesh = next(ob for ob in res.objects if ob.type == "MESH")
    images = [
        n.image
        for slot in mesh.material_slots
        for n in slot.material.node_tree.nodes
        if n.type == "TEX_IMAGE" and n.image is not None
    ]
    assert images and images[0].size[0] == 1024
    assert Path(bpy.path.abspath(images[0].filepath)).resolve().is_relative_to(archive.parent.resolve())


def test_zip_with_path_escape_is_refused_and_writes_nothing_outside(
    importer: ModuleType, clean_scene: Any, tmp_path: Path
) -> None:
    archive = tmp_path / "task" / "evil.zip"
    archive.parent.mkdir()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("model.obj", "v 0 0 0\n")
        zf.writestr("../escaped.txt", "owned")
    with pytest.raises(importer.ImportFailed, match="Refused the downloaded archive evil.zip.*outside"):
        importer.import_result(archive, name="Evil", tags=TAGS)
    assert not (tmp_path / "escaped.txt").exists()
    assert not (archive.parent / "evil").exists()
    assert "Evil" not in bpy.data.collections


def test_corrupt_file_reports_clearly_and_leaves_the_scene_untouched(
    importer: ModuleType, clean_scene: Any, tmp_path: Path
) -> None:
    bpy.ops.mesh.primitive_cube_add()
    before = _scene_names()
    bad = tmp_path / "broken.glb"
    bad.write_bytes(b"glTF" + b"\x00" * 40)
    with pytest.raises(importer.ImportFailed, match="broken.glb"):
        importer.import_result(bad, name="Broken", tags=TAGS)
    assert _scene_names() == before
    assert "Broken" not in bpy.data.collections


def test_several_roots_get_one_parent_and_keep_their_place_evaluated(
    importer: ModuleType, clean_scene: Any, tmp_path: Path
) -> None:
    """Two root nodes: one Empty over them at the cursor, each where the file puts it — in the world
    matrices Blender evaluated, with no update asked for (the import leaves its scene evaluated)."""
    from tests.emulator import glb

    doc = {
        "asset": {"version": "2.0"},
        "scene": 0,
        "scenes": [{"nodes": [0, 1]}],
        "nodes": [
            {"name": "left", "translation": [1.0, 2.0, 0.0]},
            {
                "name": "right",
                "translation": [-1.0, 0.0, 3.0],
                "rotation": [0.0, 0.7071068, 0.0, 0.7071068],
                "scale": [2.0, 2.0, 2.0],
            },
        ],
    }
    path = tmp_path / "two roots.glb"
    path.write_bytes(glb.write(doc))
    bpy.ops.import_scene.gltf(filepath=str(path))
    plain = {ob.name: ob.matrix_world.copy() for ob in clean_scene.objects}
    assert set(plain) == {"left", "right"}
    bpy.ops.wm.read_homefile(use_empty=True)
    clean_scene = bpy.context.scene
    clean_scene.cursor.location = (3.0, -2.0, 1.0)

    res = importer.import_result(path, name="Two roots", tags=TAGS)
    assert res.root.name == "Two roots" and res.root.type == "EMPTY"
    assert tuple(res.root.matrix_world.translation) == pytest.approx((3.0, -2.0, 1.0))
    for name, matrix in plain.items():
        ob = bpy.data.objects[name]
        assert ob.parent == res.root
        expected = Matrix.Translation((3.0, -2.0, 1.0)) @ matrix
        assert [v for row in ob.matrix_world for v in row] == pytest.approx(
            [v for row in expected for v in row], abs=1e-5
        )


def test_existing_names_are_never_overwritten(importer: ModuleType, clean_scene: Any) -> None:
    mine = bpy.data.collections.new("Portal")
    clean_scene.collection.children.link(mine)
    bpy.ops.mesh.primitive_cube_add()
    cube = bpy.context.active_object
    mine.objects.link(cube)
    res = importer.import_result(ASSETS / "portal.glb", name="Portal", tags=TAGS)
    assert res.collection.name != "Portal"
    assert list(mine.objects) == [cube]
    assert "tripo_task_id" not in cube


def test_import_is_one_undo_step(importer: ModuleType, clean_scene: Any) -> None:
    bpy.ops.ed.undo_push(message="before")
    res = importer.import_result(ASSETS / "Wuson.stl", name="Wuson", tags=TAGS)
    name = res.root.name
    assert name in bpy.context.scene.objects
    bpy.ops.ed.undo()
    assert name not in bpy.context.scene.objects


def test_tags_survive_save_and_reload(importer: ModuleType, clean_scene: Any, tmp_path: Path) -> None:
    res = importer.import_result(ASSETS / "Wuson.stl", name="Wuson", tags=TAGS)
    name = res.root.name
    path = tmp_path / "saved.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(path))
    bpy.ops.wm.open_mainfile(filepath=str(path))
    assert bpy.data.objects[name]["tripo_task_id"] == "task-123"
    assert importer.objects_with_task("task-123") == [bpy.data.objects[name]]


def test_meshopt_probe_answers_for_this_blender(decoders: ModuleType) -> None:
    # Blender <= 5.1 cannot read EXT_meshopt_compression (docs/blender-notes.md#importers)
    answer = decoders.gltf_supports_meshopt()  # the real probe first: the answer is cached
    if bpy.app.version < (5, 2, 0):
        assert answer is False
    assert decoders.gltf_supports_meshopt(lambda: not answer) is answer  # cached, not asked again


def test_meshopt_probe_tells_the_truth_about_a_real_meshopt_glb(decoders: ModuleType, clean_scene: Any) -> None:
    """Compress is offered exactly where a meshopt GLB really imports, and hidden with a reason elsewhere.

    ``Fox.meshopt.glb`` requires ``EXT_meshopt_compression``. 5.2+ importers list the extension,
    but builds without the decoder library (the PyPI wheels, Debian's 5.2.2) fail the import:
    the probe must say no there, with that reason.
    """
    supported = decoders.gltf_supports_meshopt()
    assert gltf_really_imports(ASSETS / "Fox.meshopt.glb", clean_scene) is supported, bpy.app.version_string
    reason = decoders.meshopt_unavailable_reason()
    if supported:
        assert reason is None
    elif bpy.app.version >= (5, 2, 0):
        assert reason == "this build of Blender lacks the meshopt decoder library"
    else:
        assert reason == "its glTF importer does not support meshopt compression"


def test_unknown_format_is_explained(importer: ModuleType, clean_scene: Any, tmp_path: Path) -> None:
    odd = tmp_path / "model.3mf"
    odd.write_bytes(b"PK\x03\x04")
    with pytest.raises(importer.ImportFailed, match="no importer for '.3mf'"):
        importer.import_result(odd, name="Odd", tags=TAGS)


def test_gltf_importer_chatter_stays_out_of_the_console_only_for_our_imports(
    importer: ModuleType, clean_scene: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    importer.import_result(ASSETS / "Fox.glb", name="Fox job", tags=TAGS)
    ours = capfd.readouterr()
    assert "INFO:" not in ours.out + ours.err, ours.out

    bpy.ops.import_scene.gltf(filepath=str(ASSETS / "Fox.glb"))  # the artist's own File › Import
    theirs = capfd.readouterr()
    assert "glTF import finished" in theirs.out + theirs.err, "the filter must not outlive our import"
