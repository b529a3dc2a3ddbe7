"""Tripo 3D generation inside Blender.

This file must stay importable without Blender: ``from tripo_blender.client import TripoClient``
works in any Python that has ``requests``. Everything that needs ``bpy`` lives in
``tripo_blender.blender`` and is imported only when Blender registers the add-on.

In Blender (add-on enabled) the package is also the console API to Tripo's apiv3: ``tripo`` in
Blender's Python console (:mod:`.blender.console_name`), ``from bl_ext.user_default import
tripo_blender as tripo`` in scripts (Blender's name for the installed extension; never a
top-level ``tripo_blender``, which the extension policy forbids): ``tripo.text_to_model(...)``,
``tripo.jobs()``… (see :mod:`tripo_blender.console`, or ``help(tripo.console)``). Those names are
imported on first use by :func:`__getattr__`, so importing the package itself never needs ``bpy``.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any


def _console_names() -> frozenset[str]:
    """What ``tripo_blender.<name>`` resolves to from :mod:`.console` (its ``__all__`` without the
    callable subpackages ``jobs``/``client``): :mod:`.rules.console_api`, which needs no bpy."""
    from .rules.console_api import CONSOLE_NAMES

    return frozenset(CONSOLE_NAMES)


def __getattr__(name: str) -> Any:
    """Lazy re-export of the console API (PEP 562): ``bpy`` is imported only when it is used.

    Dunder and ``bl_`` names are never console names: Blender asks for ``__addon_enabled__``,
    ``__time__`` and ``bl_info`` while enabling, and answering from the names' table (the kinds)
    would import the job records then."""
    if name.startswith(("__", "bl_")) or (name != "console" and name not in _console_names()):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    try:  # by import_module: ``from . import console`` would ask this function for "console" again
        console = import_module(".console", __name__)
    except ModuleNotFoundError as exc:
        if exc.name != "bpy":
            raise
        # AttributeError (not ImportError) so hasattr() keeps working outside Blender
        raise AttributeError(
            f"{__name__}.{name} is part of the console API, which runs inside Blender: enable "
            "the Tripo add-on and use it in Blender's Python console or `blender -b --python`. "
            "Outside Blender use tripo_blender.client.TripoClient."
        ) from None
    return console if name == "console" else getattr(console, name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | _console_names())


def _console_jobs(*args: Any, **kwargs: Any) -> Any:
    """``tripo.jobs()``: :func:`.console.jobs`, the console loaded on this first call (not at enable)."""
    from . import console

    return console.jobs(*args, **kwargs)


def _console_client(*args: Any, **kwargs: Any) -> Any:
    """``tripo.client()``: :func:`.console.client`, the console loaded on this first call."""
    from . import console

    return console.client(*args, **kwargs)


def register() -> None:
    """Register the add-on's classes with Blender (called by Blender when the extension is enabled),
    then set up the console API: ``tripo.jobs()``/``tripo.client()`` (see :mod:`.console`) and the
    name ``tripo`` in the Python console (see :mod:`.blender.console_name`)."""
    import sys

    from . import blender, package_calls
    from .blender import console_name

    blender.register()
    package_calls.attach({"jobs": _console_jobs, "client": _console_client})
    console_name.install(sys.modules[__name__])


def unregister() -> None:
    """Unregister everything :func:`register` added, the console's ``tripo`` name first."""
    from . import blender, package_calls
    from .blender import console_name, rig_dialog

    console_name.remove()
    rig_dialog.stop()
    package_calls.detach()
    blender.unregister()
