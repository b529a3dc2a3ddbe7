"""Reading the add-on's preferences on the main thread into a :class:`PreferencesSnapshot`.

Why a module apart from ``preferences.py``: the runtime, the Jobs panel and the account need the
snapshot, and the preferences' ``draw`` needs the Jobs panel's and the account's widgets; with the
snapshot in ``preferences.py`` the two needs made an import loop. The values themselves are plain
dataclasses in :mod:`..rules.settings` (bpy-free).

``AddonPreferences.bl_idname`` must equal the add-on's *root* module name, which Blender chooses at
install time (``bl_ext.user_default.tripo_blender``, ``bl_ext.<repo>.tripo_blender``…), so it is
derived from ``__package__`` here rather than written down.
"""

from __future__ import annotations

from typing import Any

import bpy

from ..client.config import REGIONS
from ..rules.settings import (
    ENV_API_BASE_URL,
    ENV_API_KEY,
    MAX_WORKERS,
    Connection,
    ImportOptions,
    PreferencesSnapshot,
    setting,
)

__all__ = ["ADDON_PACKAGE", "get_preferences", "snapshot"]


def _root_package(package: str | None) -> str:
    """``bl_ext.user_default.tripo_blender.blender`` -> ``bl_ext.user_default.tripo_blender``."""
    if not package or "." not in package:
        raise ImportError("tripo_blender.blender must be imported as a subpackage of the add-on")
    return package.rpartition(".")[0]


ADDON_PACKAGE = _root_package(__package__)


def get_preferences(context: bpy.types.Context | None = None) -> Any:
    """This add-on's preferences, or None while it is not enabled (e.g. during unregister)."""
    preferences = (context or bpy.context).preferences
    addon = preferences.addons.get(ADDON_PACKAGE) if preferences is not None else None
    return addon.preferences if addon is not None else None


def snapshot(context: bpy.types.Context | None = None) -> PreferencesSnapshot:
    """Copy the effective settings (preference, else environment variable, else default).

    Works while the add-on is not (yet) enabled too: then only the environment counts.
    """
    prefs = get_preferences(context)
    if prefs is None:
        return PreferencesSnapshot(Connection(setting("", ENV_API_KEY), setting("", ENV_API_BASE_URL)))
    region = str(prefs.region).lower()
    return PreferencesSnapshot(
        connection=Connection(
            api_key=setting(prefs.api_key, ENV_API_KEY),
            base_url=setting(prefs.api_base_url, ENV_API_BASE_URL),
            region=region if region in REGIONS else "global",
        ),
        workers=max(1, min(MAX_WORKERS, int(prefs.parallel_jobs))),
        cache_dir=bpy.path.abspath(prefs.cache_dir).strip() if prefs.cache_dir.strip() else "",
        import_options=ImportOptions(
            gltf_shading=str(prefs.gltf_shading),
            merge_vertices=bool(prefs.merge_vertices),
            fbx_ignore_leaf_bones=bool(prefs.fbx_ignore_leaf_bones),
            fbx_automatic_bone_orientation=bool(prefs.fbx_automatic_bone_orientation),
        ),
    )
