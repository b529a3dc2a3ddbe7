"""The bpy venvs can do what the add-on relies on: Blender's glTF importer (which needs numpy).

Independent of the add-on on purpose: when these fail, the environment is broken, not our code.
"""

from __future__ import annotations

from typing import Any

import bpy
import numpy

from .support import ASSETS


def test_numpy_matches_what_blender_ships() -> None:
    """The venv's numpy has the major version this Blender bundles, so we test what users run.

    Blender 4.2–5.0 ship numpy 1.x; 5.1 and newer ship numpy 2.x (the bpy 5.1+ wheels pin it).
    """
    expected_major = 1 if bpy.app.version < (5, 1, 0) else 2
    assert int(numpy.__version__.split(".")[0]) == expected_major, (bpy.app.version_string, numpy.__version__)


def test_import_textured_glb(clean_scene: Any) -> None:
    before = set(bpy.data.objects)
    assert bpy.ops.import_scene.gltf(filepath=str(ASSETS / "portal.glb")) == {"FINISHED"}
    meshes = [ob for ob in set(bpy.data.objects) - before if ob.type == "MESH"]
    assert len(meshes) == 1
    assert len(meshes[0].data.polygons) > 1000
    material = meshes[0].material_slots[0].material
    assert material.name == "PortalFrame"
    packed = [image for image in bpy.data.images if image.packed_file is not None]
    assert len(packed) == 4


def test_import_rigged_glb_keeps_every_animation(clean_scene: Any) -> None:
    """Each glTF animation becomes an NLA track named after it (action names differ: 4.2 vs 4.4+)."""
    assert bpy.ops.import_scene.gltf(filepath=str(ASSETS / "Fox.glb")) == {"FINISHED"}
    armature = next(ob for ob in clean_scene.objects if ob.type == "ARMATURE")
    assert len(armature.data.bones) == 24
    assert {track.name for track in armature.animation_data.nla_tracks} == {"Survey", "Walk", "Run"}
