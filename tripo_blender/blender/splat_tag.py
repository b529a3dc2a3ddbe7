"""The tag that marks a landed splat, and the check for it.

Why apart from :mod:`.splat_landing`: the context menu's ``poll`` asks whether the object is a
splat (Tripo's model tools take meshes; a splat has none) from the moment the add-on is enabled,
while the landing, with the splat readers under it, is needed only when a splat arrives.
"""

from __future__ import annotations

import bpy

__all__ = ["SPLAT_PROP", "is_splat"]

#: Stamped on a landed splat: how many gaussians it has (the context menu's model tools skip it).
SPLAT_PROP = "tripo_splat"


def is_splat(ob: bpy.types.Object | None) -> bool:
    """Whether ``ob`` is a splat this add-on landed."""
    if ob is None:
        return False
    try:
        return isinstance(ob[SPLAT_PROP], int)
    except KeyError:
        return False
