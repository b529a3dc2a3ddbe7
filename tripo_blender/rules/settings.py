"""The add-on's settings as plain values: what worker threads and the rules may read.

Why frozen dataclasses outside the preferences module: worker threads must never read ``bpy``, so
the main thread copies what they need (plain strings and numbers) into a
:class:`PreferencesSnapshot` (``blender/settings.py`` does the copying). The runtime compares a
fresh snapshot with the one in use on every pump, so a changed key, region or worker count takes
effect without update callbacks (which would not see a changed environment variable anyway).

The snapshot's ``repr`` leaves the key out, so logging a snapshot cannot leak it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

__all__ = [
    "ENV_API_KEY",
    "ENV_API_BASE_URL",
    "DEFAULT_WORKERS",
    "MAX_WORKERS",
    "setting",
    "Connection",
    "ImportOptions",
    "PreferencesSnapshot",
]

ENV_API_KEY = "TRIPO_API_KEY"
ENV_API_BASE_URL = "TRIPO_API_BASE_URL"
DEFAULT_WORKERS = 3
MAX_WORKERS = 10  # Tripo's concurrency pool for generation tasks: more would only wait in its queue


def setting(value: str, env_var: str) -> str | None:
    """The effective value of a preference that an environment variable may supply instead.

    The preference wins when set, so a user can override a shell-wide variable for one Blender.
    """
    return value.strip() or os.environ.get(env_var, "").strip() or None


@dataclass(frozen=True)
class Connection:
    """Everything a worker needs to build a client: plain strings, never ``bpy``.

    ``base_url`` None means "the region's server". The key is left out of ``repr`` so a log line
    or a traceback showing this object never shows it.
    """

    api_key: str | None = field(default=None, repr=False)
    base_url: str | None = None
    region: str = "global"


@dataclass(frozen=True)
class ImportOptions:
    """User-facing importer settings (mirrored in the add-on preferences)."""

    gltf_shading: str = "NORMALS"
    merge_vertices: bool = False
    fbx_ignore_leaf_bones: bool = False
    fbx_automatic_bone_orientation: bool = False


@dataclass(frozen=True)
class PreferencesSnapshot:
    """A main-thread copy of the preferences (see the module docstring for why)."""

    connection: Connection = Connection()
    workers: int = DEFAULT_WORKERS
    cache_dir: str = ""  # "" = the add-on's user folder
    import_options: ImportOptions = ImportOptions()
