"""Add-on preferences: where the user puts the Tripo API key (and, for testing, another API URL).

``AddonPreferences.bl_idname`` must equal the add-on's *root* module name, which Blender chooses at
install time (``bl_ext.user_default.tripo_blender``, ``bl_ext.<repo>.tripo_blender``…), so it is
derived from ``__package__`` here rather than written down.
"""

from __future__ import annotations

import os

import bpy

ENV_API_KEY = "TRIPO_API_KEY"
ENV_API_BASE_URL = "TRIPO_API_BASE_URL"


def _root_package(package: str | None) -> str:
    """``bl_ext.user_default.tripo_blender.blender`` -> ``bl_ext.user_default.tripo_blender``."""
    if not package or "." not in package:
        raise ImportError("tripo_blender.blender must be imported as a subpackage of the add-on")
    return package.rpartition(".")[0]


ADDON_PACKAGE = _root_package(__package__)


def setting(value: str, env_var: str) -> str | None:
    """The effective value of a preference that an environment variable may supply instead.

    The preference wins when set, so a user can override a shell-wide variable for one Blender.
    """
    return value.strip() or os.environ.get(env_var, "").strip() or None


class TripoPreferences(bpy.types.AddonPreferences):
    """Preferences › Add-ons › Tripo 3D."""

    bl_idname = ADDON_PACKAGE

    api_key: bpy.props.StringProperty(
        name="API Key",
        description=f"Your Tripo API key (tsk_…). Leave empty to use the {ENV_API_KEY} environment variable",
        subtype='PASSWORD',
    )
    show_advanced: bpy.props.BoolProperty(
        name="Advanced",
        description="Show settings meant for testing and development",
        default=False,
    )
    api_base_url: bpy.props.StringProperty(
        name="API Base URL",
        description=(f"Leave empty for Tripo's own API. Set it (or {ENV_API_BASE_URL}) to talk to another "
                     "server, e.g. the local emulator started by `python3 build.py emulator`"),
    )

    def draw(self, context: bpy.types.Context) -> None:
        """Key field, where the key comes from, and a collapsed advanced section."""
        layout = self.layout
        layout.prop(self, "api_key")
        if self.api_key.strip():
            source = "Using the key entered above"
        elif setting("", ENV_API_KEY):
            source = f"Using the key from the {ENV_API_KEY} environment variable"
        else:
            source = f"No key yet: enter one above or set the {ENV_API_KEY} environment variable"
        layout.label(text=source, icon='INFO')

        layout.prop(self, "show_advanced", icon='TRIA_DOWN' if self.show_advanced else 'TRIA_RIGHT',
                    emboss=False)
        if self.show_advanced:
            box = layout.box()
            box.prop(self, "api_base_url")
            box.label(text=f"Empty: {ENV_API_BASE_URL} if set, else Tripo's API")


CLASSES: tuple[type, ...] = (TripoPreferences,)


def get_preferences(context: bpy.types.Context | None = None) -> TripoPreferences | None:
    """This add-on's preferences, or None while it is not enabled (e.g. during unregister)."""
    preferences = (context or bpy.context).preferences
    addon = preferences.addons.get(ADDON_PACKAGE) if preferences is not None else None
    return addon.preferences if addon is not None else None
