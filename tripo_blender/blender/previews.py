"""Thumbnails of finished jobs: the server's rendered image, shown in the Jobs panel.

Why a module of its own: ``bpy.utils.previews`` collections are process-wide resources that
must be freed on unregister (Blender warns about leaks otherwise), and loading the same key
twice raises ``KeyError``. Keeping the one collection here, keyed by job id, makes "load once,
free on forget, free everything on shutdown" a matter of three functions.

Main thread only. Loading is cheap (Blender reads the image lazily when the icon is drawn), so
the pump calls :func:`ensure` when a job's thumbnail file appears. Headless Blender reports
``icon_id`` 0 although the preview exists: callers test :func:`has`, not the id.
"""

from __future__ import annotations

import logging
import os

import bpy.utils.previews

__all__ = ["ensure", "has", "icon_id", "discard", "clear"]

log = logging.getLogger(__name__)

_collection: bpy.utils.previews.ImagePreviewCollection | None = None


def _previews() -> bpy.utils.previews.ImagePreviewCollection:
    global _collection
    if _collection is None:
        _collection = bpy.utils.previews.new()
    return _collection


def ensure(job_id: str, path: str) -> bool:
    """Load ``path`` as the thumbnail of ``job_id`` unless it is loaded already; False if missing."""
    previews = _previews()
    if job_id in previews:
        return True
    if not os.path.isfile(path):
        return False
    try:
        previews.load(job_id, path, "IMAGE")
    except (KeyError, RuntimeError) as exc:  # unreadable image: the row simply has no thumbnail
        log.warning("Could not load the thumbnail %s: %s", path, exc)
        return False
    return True


def has(job_id: str) -> bool:
    return _collection is not None and job_id in _collection


def icon_id(job_id: str) -> int:
    """The icon id to draw with ``template_icon`` (0 when there is none)."""
    if _collection is None or job_id not in _collection:
        return 0
    return int(_collection[job_id].icon_id)


def discard(job_id: str) -> None:
    """Forget one job's thumbnail (the job was removed from the list)."""
    if _collection is not None and job_id in _collection:
        del _collection[job_id]


def clear() -> None:
    """Free every thumbnail and the collection itself (on unregister)."""
    global _collection
    if _collection is not None:
        bpy.utils.previews.remove(_collection)
        _collection = None
