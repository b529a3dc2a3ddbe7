"""The Blender-facing layer: the only part of tripo_blender that imports ``bpy``.

Each submodule listed in ``_MODULES`` exposes ``CLASSES`` (a tuple of bpy classes, registered in
order) and may define ``register_extra()``/``unregister_extra()`` for anything that is not a class
(properties on ``bpy.types``, timers, menus). Add new modules to ``_MODULES``; nothing else here
should need to change.
"""

from __future__ import annotations

import logging
from types import ModuleType

import bpy

from . import (
    asset_library,
    asset_ops,
    context_menu,
    frame_range,
    generate_ops,
    generate_panel,
    generate_props,
    image_first,
    image_ops,
    image_route_ops,
    import_task,
    job_list,
    post_ops,
    preferences,
    preferences_ui,
    runtime,
    usage_popup,
)

log = logging.getLogger(__name__)

_MODULES: tuple[ModuleType, ...] = (
    preferences,
    preferences_ui,
    job_list,
    runtime,
    asset_library,
    generate_props,
    generate_ops,
    image_first,
    image_route_ops,
    usage_popup,
    generate_panel,
    import_task,
    post_ops,
    frame_range,
    context_menu,
    image_ops,
    asset_ops,
)


def _classes() -> list[type]:
    """All classes to register, in dependency order (modules first to last)."""
    return [cls for module in _MODULES for cls in module.CLASSES]


def _call_hook(module: ModuleType, name: str) -> None:
    """Call ``module.<name>()`` when the module defines it."""
    hook = getattr(module, name, None)
    if hook is not None:
        hook()


def register() -> None:
    """Register every class and module hook; on failure undo what was done, then re-raise.

    A half-registered add-on cannot be enabled again ("already registered"), so a failure here
    must leave Blender as it was.
    """
    done: list[type] = []
    try:
        for cls in _classes():
            bpy.utils.register_class(cls)
            done.append(cls)
        for module in _MODULES:
            _call_hook(module, "register_extra")
    except Exception:
        log.exception("registering the Tripo add-on failed; rolling back")
        for cls in reversed(done):
            bpy.utils.unregister_class(cls)
        raise


def unregister() -> None:
    """Undo :func:`register` in reverse order."""
    for module in reversed(_MODULES):
        _call_hook(module, "unregister_extra")
    for cls in reversed(_classes()):
        bpy.utils.unregister_class(cls)
