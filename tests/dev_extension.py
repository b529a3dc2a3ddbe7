"""Load the working tree's ``tripo_blender`` as a real Blender extension (bpy needed at call time).

Blender names an installed extension ``bl_ext.<repository>.tripo_blender``; relative imports,
``__package__``-based preferences and ``extension_path_user`` only behave as they do for users
when the add-on is loaded that way. A temporary *user repository* whose folder holds a symlink
to ``tripo_blender/`` gives exactly that without building or installing a zip, so the demo,
the benchmarks and the bpy tests all run the source as it is (docs/blender-notes.md#testing).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ADDON_ID = "tripo_blender"


def reraise(exc: BaseException) -> None:
    """``handle_error`` for addon_utils: its default only prints, which would hide the cause."""
    raise exc


@dataclass
class DevExtension:
    """A working-tree add-on enabled from a temporary repository; :meth:`remove` undoes it."""

    module_name: str
    module: ModuleType
    repo: Any
    repo_dir: Path

    def remove(self) -> None:
        import addon_utils
        import bpy

        if self.module_name in bpy.context.preferences.addons:
            addon_utils.disable(self.module_name, default_set=True, handle_error=reraise)
        bpy.context.preferences.extensions.repos.remove(self.repo)
        shutil.rmtree(self.repo_dir, ignore_errors=True)


def enable_working_tree(repo_module: str, *, label: str = "Tripo Dev", online: bool = True) -> DevExtension:
    """Enable ``tripo_blender/`` as ``bl_ext.<repo_module>.tripo_blender`` and return it.

    ``online`` switches Blender's "Allow Online Access" on, as a user must before any request.
    """
    import addon_utils
    import bpy

    repo_dir = Path(tempfile.mkdtemp(prefix=f"{repo_module}-repo-"))
    (repo_dir / ADDON_ID).symlink_to(ROOT / ADDON_ID, target_is_directory=True)
    repo = bpy.context.preferences.extensions.repos.new(
        name=label, module=repo_module, custom_directory=str(repo_dir), source="USER"
    )
    if online:
        bpy.context.preferences.system.use_online_access = True
    name = f"bl_ext.{repo_module}.{ADDON_ID}"
    module = addon_utils.enable(name, default_set=True, handle_error=reraise)
    if module is None:
        raise RuntimeError(f"addon_utils.enable({name!r}) returned None")
    return DevExtension(name, module, repo, repo_dir)
