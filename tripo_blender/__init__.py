"""Tripo 3D generation inside Blender.

This file must stay importable without Blender: ``from tripo_blender.client import TripoClient``
works in any Python that has ``requests``. Everything that needs ``bpy`` lives in
``tripo_blender.blender`` and is imported only when Blender registers the add-on.

In Blender (add-on enabled) the package is also the console API to Tripo's apiv3, ``import
tripo_blender as tripo``: ``tripo.text_to_model(...)``, ``tripo.jobs()``… (see
:mod:`tripo_blender.console`, or ``help(tripo.console)``). Those names are imported on first use by :func:`__getattr__`, so
importing the package itself never needs ``bpy``.
"""

from __future__ import annotations

from typing import Any

#: What ``tripo_blender.<name>`` resolves to from :mod:`.console` (with ``jobs`` and ``client``,
#: which are subpackages made callable by ``console.attach()``, this is ``console.__all__``; a test
#: keeps them equal). Listed here so that no bpy import is needed to know them.
_CONSOLE_NAMES = frozenset({
    "Job", "JobFailed", "JobCancelled", "UserError",
    "text_to_model", "image_to_model", "multiview_to_model",
    "texture", "rig", "check_riggable", "retarget", "convert", "segment", "complete",
    "smart_lowpoly", "import_task", "batch", "balance", "estimate_cost",
})


def __getattr__(name: str) -> Any:
    """Lazy re-export of the console API (PEP 562): ``bpy`` is imported only when it is used."""
    if name not in _CONSOLE_NAMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    try:
        from . import console
    except ModuleNotFoundError as exc:
        if exc.name != "bpy":
            raise
        # AttributeError (not ImportError) so hasattr() keeps working outside Blender
        raise AttributeError(f"{__name__}.{name} is part of the console API, which runs inside Blender: enable "
                             "the Tripo add-on and use it in Blender's Python console or `blender -b --python`. "
                             "Outside Blender use tripo_blender.client.TripoClient.") from None
    return getattr(console, name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | _CONSOLE_NAMES)


def register() -> None:
    """Register the add-on's classes with Blender (called by Blender when the extension is enabled),
    then set up the console API: ``tripo.jobs()``/``tripo.client()`` (see :mod:`.console`) and the
    plain ``tripo_blender`` name (see :mod:`.alias`)."""
    from . import alias, blender, console

    blender.register()
    console.attach()
    alias.install(__name__)


def unregister() -> None:
    """Unregister everything :func:`register` added, the ``tripo_blender`` alias first."""
    from . import alias, blender, console

    alias.remove()
    console.detach()
    blender.unregister()
