"""Play ``blender -b --online-mode --python SCRIPT`` with the ``bpy`` module.

Usage: ``python run_as_blender.py REPO_MODULE REPO_DIR SCRIPT``. Does what a user's Blender has
already done before their script runs: the extension sits in a user repository (module name
``REPO_MODULE``, a new one or Blender's own ``user_default``; folder ``REPO_DIR``) and is enabled, and
online access is allowed. Then SCRIPT runs as ``__main__``, exactly like ``--python``.
``BLENDER_USER_RESOURCES`` (set by the caller) keeps the run away from the real user's Blender folders.
"""

from __future__ import annotations

import runpy
import sys

import bpy  # first: starts Blender and puts addon_utils on sys.path

# isort: split
import addon_utils


def reraise(exc: BaseException) -> None:
    raise exc


def main() -> None:
    repo_module, repo_dir, script = sys.argv[1:4]
    repos = bpy.context.preferences.extensions.repos
    existing = next((repo for repo in repos if repo.module == repo_module), None)
    if existing is not None:  # Blender's own "user_default", which a fresh profile already has
        existing.custom_directory = repo_dir
        existing.use_custom_directory = True
    else:
        repos.new(name=repo_module, module=repo_module, custom_directory=repo_dir, source="USER")
    addon_utils.enable(f"bl_ext.{repo_module}.tripo_blender", default_set=True, handle_error=reraise)
    bpy.context.preferences.system.use_online_access = True  # what --online-mode does
    sys.argv = [script]
    runpy.run_path(script, run_name="__main__")


if __name__ == "__main__":
    main()
