"""Tripo 3D generation inside Blender.

This file must stay importable without Blender: ``from tripo_blender.client import TripoClient``
works in any Python that has ``requests``. Everything that needs ``bpy`` lives in
``tripo_blender.blender`` and is imported only when Blender registers the add-on.
"""

from __future__ import annotations


def register() -> None:
    """Register the add-on's classes with Blender (called by Blender when the extension is enabled)."""
    from . import blender

    blender.register()


def unregister() -> None:
    """Unregister everything :func:`register` added."""
    from . import blender

    blender.unregister()
