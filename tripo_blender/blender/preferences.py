"""Add-on preferences: the Tripo API key, region, parallel jobs, download cache and import options.

What the settings *are* (plain values workers may read) is :mod:`..rules.settings`; copying them
out of Blender on the main thread is :mod:`.settings`. This module is the
``AddonPreferences`` class: the properties and their drawing (the account and cache sections
come from :mod:`.preferences_ui`).

The key lives only in Blender's user preferences (``userpref.blend``), never in a scene: a
``.blend`` you share never carries it.

The API Base URL is the apiv3 *host root* (the client appends ``/v3/…``). A value saved before
apiv3 — Tripo's v2 address (``…/v2/openapi``, the old ``api.tripo3d.ai`` host) or an emulator's
``http://127.0.0.1:PORT/v2/openapi`` — would send every request to a server that no longer
answers, so :func:`migrate_saved_base_url` rewrites it once when the add-on loads its
preferences (``register_extra``), with one log line, and the new value is saved with the
preferences. ``TRIPO_API_BASE_URL`` is not ours to rewrite: the client migrates it itself.
"""

from __future__ import annotations

import logging
import os

import bpy

from ..client.config import CHINA_BASE_URL, GLOBAL_BASE_URL, migrate_base_url
from ..rules.settings import DEFAULT_WORKERS, ENV_API_BASE_URL, ENV_API_KEY, MAX_WORKERS, setting
from . import asset_ops, preferences_ui
from .settings import ADDON_PACKAGE, get_preferences

log = logging.getLogger(__name__)


def _host(url: str) -> str:
    return url.split("://", 1)[-1]


_REGION_ITEMS = [
    ("GLOBAL", "Global", f"{_host(GLOBAL_BASE_URL)}: keys created on platform.tripo3d.ai"),
    ("CHINA", "China", f"{_host(CHINA_BASE_URL)}: keys created on platform.tripo3d.com"),
]
_SHADING_ITEMS = [
    ("NORMALS", "Normals", "Keep the normals stored in the file (exact shading; slowest for big meshes)"),
    ("SMOOTH", "Smooth", "Smooth shading everywhere (about 4x faster for big meshes)"),
    ("FLAT", "Flat", "Flat shading everywhere"),
]


class TripoPreferences(bpy.types.AddonPreferences):
    """Preferences › Add-ons › Tripo 3D."""

    bl_idname = ADDON_PACKAGE

    api_key: bpy.props.StringProperty(
        name="API Key",
        description=f"Your Tripo API key (tsk_…). Leave empty to use the {ENV_API_KEY} environment variable",
        subtype="PASSWORD",
    )
    region: bpy.props.EnumProperty(
        name="Region",
        description=(
            "Which Tripo server to use. A key only works in the region that issued it. "
            f"A custom API Base URL (Advanced, or {ENV_API_BASE_URL}) wins over this"
        ),
        items=_REGION_ITEMS,
        default="GLOBAL",
    )
    parallel_jobs: bpy.props.IntProperty(
        name="Parallel Jobs",
        description="How many jobs are sent, followed and downloaded at the same time",
        default=DEFAULT_WORKERS,
        min=1,
        max=MAX_WORKERS,
    )
    cache_dir: bpy.props.StringProperty(
        name="Download Folder",
        description="Where downloaded results are kept (one folder per task). Empty: the add-on's user folder",
        subtype="DIR_PATH",
    )
    keep_assets: bpy.props.BoolProperty(
        name="Keep Results as Assets",
        description=(
            "Write every result that lands to the Tripo asset library: one .blend each, with Tripo's preview, "
            "the prompt, tags and the whole request (never the key), so it stays in the Asset Browser after "
            "Tripo forgets the task, and Generate Again and Variant can send it again"
        ),
        default=True,
    )
    asset_library_dir: bpy.props.StringProperty(
        name="Asset Library Folder",
        description="Where the Tripo asset library keeps results (one .blend each). Empty: the add-on's user folder",
        subtype="DIR_PATH",
    )
    gltf_shading: bpy.props.EnumProperty(
        name="glTF Shading",
        description="How imported glTF/GLB meshes are shaded",
        items=_SHADING_ITEMS,
        default="NORMALS",
    )
    merge_vertices: bpy.props.BoolProperty(
        name="Merge Vertices",
        description="Merge co-located vertices of glTF meshes (never those with different normals)",
        default=False,
    )
    fbx_ignore_leaf_bones: bpy.props.BoolProperty(
        name="FBX: Ignore Leaf Bones",
        description="Drop the extra end bones many FBX rigs carry (Mixamo-style rigs want this)",
        default=False,
    )
    fbx_automatic_bone_orientation: bpy.props.BoolProperty(
        name="FBX: Automatic Bone Orientation",
        description="Point FBX bones at their children instead of keeping the file's orientation",
        default=False,
    )
    show_advanced: bpy.props.BoolProperty(
        name="Advanced",
        description="Show settings meant for testing and development",
        default=False,
    )
    api_base_url: bpy.props.StringProperty(
        name="API Base URL",
        description=(
            f"Leave empty for Tripo's own API. Set it (or {ENV_API_BASE_URL}) to another apiv3 server's "
            "address without /v3, e.g. http://127.0.0.1:8123 for the local emulator started by "
            "`python3 build.py emulator`. When set, it wins over Region"
        ),
    )

    def draw(self, context: bpy.types.Context) -> None:
        """Key and account, connection, downloads, import options, then a collapsed advanced section."""
        layout = self.layout
        assert layout is not None
        layout.prop(self, "api_key")
        if self.api_key.strip():
            source = "Using the key entered above"
        elif setting("", ENV_API_KEY):
            source = f"Using the key from the {ENV_API_KEY} environment variable"
        else:
            source = f"No key yet: enter one above or set the {ENV_API_KEY} environment variable"
        preferences_ui.draw_wrapped(layout, source, icon="INFO")
        preferences_ui.draw_account(layout)
        layout.prop(self, "region")
        if self.api_base_url.strip() or os.environ.get(ENV_API_BASE_URL, "").strip():
            # Say which wins: a custom base URL (here or in the environment) replaces the region's server.
            preferences_ui.draw_wrapped(
                layout, "A custom API Base URL is set (Advanced): it wins over Region", icon="INFO"
            )
        layout.prop(self, "parallel_jobs")
        preferences_ui.draw_cache(layout, self)
        asset_ops.draw_library(layout, self)

        box = layout.box()
        box.label(text="Import")
        box.prop(self, "gltf_shading")
        box.prop(self, "merge_vertices")
        box.prop(self, "fbx_ignore_leaf_bones")
        box.prop(self, "fbx_automatic_bone_orientation")

        layout.prop(self, "show_advanced", icon="TRIA_DOWN" if self.show_advanced else "TRIA_RIGHT", emboss=False)
        if self.show_advanced:
            box = layout.box()
            box.prop(self, "api_base_url")
            preferences_ui.draw_wrapped(box, f"Empty: {ENV_API_BASE_URL} if set, else the region's server", boxes=1)


CLASSES: tuple[type, ...] = (TripoPreferences,)


def migrate_saved_base_url(prefs: TripoPreferences | None = None) -> str | None:
    """Rewrite a saved pre-apiv3 API Base URL to its apiv3 host root; return the new value, or
    None when there was nothing to change. Logs one line and marks the preferences changed, so
    Blender saves the new value (the old one could never work again)."""
    prefs = prefs if prefs is not None else get_preferences()
    saved = prefs.api_base_url.strip() if prefs is not None else ""
    if prefs is None or not saved:
        return None
    migrated = migrate_base_url(saved)
    if migrated == saved:
        return None
    prefs.api_base_url = migrated
    user_preferences = bpy.context.preferences
    if user_preferences is not None:
        user_preferences.is_dirty = True
    log.warning(
        "Tripo add-on: the saved API Base URL %s was for Tripo's retired v2 API; it is now %s (apiv3)", saved, migrated
    )
    return migrated


def register_extra() -> None:
    """The add-on loaded its preferences: bring a pre-apiv3 API Base URL up to date."""
    migrate_saved_base_url()
