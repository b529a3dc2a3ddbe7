"""Helpers shared by the bpy tests (imported only where bpy exists)."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import addon_utils
import bpy

from tests.dev_extension import reraise

ROOT = Path(__file__).resolve().parents[2]
ASSETS = ROOT / "tests" / "assets"
ADDON_ID = "tripo_blender"
DEV_REPO_MODULE = "tripo_dev"
DEV_MODULE = f"bl_ext.{DEV_REPO_MODULE}.{ADDON_ID}"
INSTALLED_MODULE = f"bl_ext.user_default.{ADDON_ID}"
#: Facts about this Blender that tests established, printed at the end of the run (conftest's
#: ``pytest_terminal_summary``) so build.py's summary row can say them: ``{"compress": "…"}``.
RUN_FACTS: dict[str, str] = {}


def enable_addon(module: str) -> ModuleType:
    """Enable an add-on by module name, raising whatever its import or register() raised."""
    mod = addon_utils.enable(module, default_set=True, handle_error=reraise)
    assert mod is not None, f"addon_utils.enable({module!r}) returned None"
    return mod


def addon_enabled(module: str) -> bool:
    """True if Blender lists the add-on as enabled in the preferences."""
    return module in bpy.context.preferences.addons


def gltf_really_imports(path: Path, scene: bpy.types.Scene) -> bool:
    """Whether Blender's own glTF importer brings ``path`` in with its mesh (more than 100 faces):
    what a decoder probe's answer is checked against."""
    try:
        result = bpy.ops.import_scene.gltf(filepath=str(path))
    except RuntimeError:
        return False
    meshes = [ob for ob in scene.objects if ob.type == "MESH"]
    return result == {"FINISHED"} and bool(meshes) and len(meshes[0].data.polygons) > 100
