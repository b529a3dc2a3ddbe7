"""The artist's selection, active object and mode: a landing takes them only when left to it.

Why: a landing selects its result and makes the root active (the importer does; it is what lets
the artist grab a new model at once). But results arrive minutes after they were asked for, and
an artist who has gone on working — selected the lamp, is tweaking it in the sidebar — must not
find a crate made active under their hands, twelve times in a row.

* **At send** the runtime records a fingerprint of the selection (:func:`fingerprint`: the active
  object and the selected objects, by name) for the job (:meth:`Keeper.sent`; a Retry is a send).
* **At landing** (:meth:`Keeper.landing`) the result may take the selection only when it is still
  as it was at send — or as the add-on's own last landing left it, if that landing came after
  the send (twelve results of one batch: the artist did nothing in between, so each may take
  it). Otherwise the selection and active object from before the landing are put back exactly.
  A result of the same batch as that last landing is *added* to the selection, so after a batch
  its results are selected together, the newest active. Kept in memory only: after a restart
  nobody knows what the artist had selected when they sent, so a resumed job never takes it.
* **Land Now** (:func:`put_back`): the artist asked to land a result while sculpting; their mode,
  active object and selection are all restored after it landed.

The main thread only.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

import bpy

__all__ = ["Selection", "fingerprint", "restore", "put_back", "Keeper"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Selection:
    """What the artist had: the active object's name, the selected objects' names, the mode."""

    active: str | None
    selected: frozenset[str]
    mode: str = "OBJECT"

    @classmethod
    def of(cls, view_layer: bpy.types.ViewLayer) -> Selection:
        active = view_layer.objects.active
        return cls(
            active.name if active is not None else None,
            frozenset(ob.name for ob in view_layer.objects.selected if ob is not None),  # None: just removed
            str(active.mode) if active is not None else "OBJECT",
        )

    @property
    def fingerprint(self) -> str:
        """A short digest of the active object and the selection (not the mode)."""
        text = "\0".join([self.active or "", *sorted(self.selected)])
        return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


def fingerprint(view_layer: bpy.types.ViewLayer) -> str:
    """The fingerprint of ``view_layer``'s current selection (:attr:`Selection.fingerprint`)."""
    return Selection.of(view_layer).fingerprint


def restore(selection: Selection, view_layer: bpy.types.ViewLayer, *, also: frozenset[str] = frozenset()) -> None:
    """Select exactly ``selection``'s objects (and ``also``) that still exist, and make its active
    object active again (none if it is gone)."""
    wanted = selection.selected | also
    objects = view_layer.objects
    for ob in list(objects.selected):
        if ob is not None and ob.name not in wanted:
            ob.select_set(False)
    for name in wanted:
        found = objects.get(name)
        if found is not None and not found.select_get():
            try:
                found.select_set(True)
            except RuntimeError as exc:  # not selectable here any more
                log.debug("could not select %s again: %s", name, exc)
    objects.active = objects.get(selection.active) if selection.active else None


def put_back(selection: Selection, view_layer: bpy.types.ViewLayer) -> str | None:
    """Restore the selection, the active object and then its mode; why the mode could not be
    restored (its object is gone, Blender refused), or None."""
    restore(selection, view_layer)
    if selection.mode == "OBJECT":
        return None
    active = view_layer.objects.active
    if active is None or active.name != selection.active:
        return f"{selection.active} is no longer in the scene"
    try:
        bpy.ops.object.mode_set(mode=cast(Any, selection.mode))  # the object's own mode: a valid one
    except (RuntimeError, TypeError) as exc:
        lines = [line.strip() for line in str(exc).splitlines() if line.strip() and not line.startswith("Location")]
        return lines[-1] if lines else type(exc).__name__
    return None


class Keeper:
    """Which landings may take the selection (see the module docstring); one per runtime."""

    def __init__(self) -> None:
        self._clock = 0
        #: job id -> (when, fingerprint) of its send
        self._sent: dict[str, tuple[int, str]] = {}
        #: What the last landing that took the selection left: (when, fingerprint, batch).
        self._left: tuple[int, str, str] | None = None

    def clear(self) -> None:
        self._sent.clear()
        self._left = None

    def sent(self, job_id: str, view_layer: bpy.types.ViewLayer | None) -> None:
        """``job_id`` was sent (or retried) now, with this selection."""
        if view_layer is None:
            return
        self._clock += 1
        self._sent[job_id] = (self._clock, fingerprint(view_layer))

    def forget(self, job_id: str) -> None:
        self._sent.pop(job_id, None)

    def _may_take(self, job_id: str, now: Selection) -> bool:
        sent = self._sent.pop(job_id, None)
        if sent is None:
            return False
        if now.fingerprint == sent[1]:
            return True
        return self._left is not None and self._left[0] > sent[0] and self._left[1] == now.fingerprint

    @contextmanager
    def landing(self, job_id: str, batch: str, view_layer: bpy.types.ViewLayer | None) -> Iterator[None]:
        """Around one landing of ``job_id``: let it take the selection, add it to its batch's, or
        put the artist's back (also when the landing fails)."""
        if view_layer is None:
            yield
            return
        before = Selection.of(view_layer)
        free = self._may_take(job_id, before)
        same_batch = free and self._left is not None and self._left[2] == batch and self._left[1] == before.fingerprint
        landed = False
        try:
            yield
            landed = True
        finally:
            if not (free and landed):
                restore(before, view_layer)
        if not free:
            return
        if same_batch:  # the batch's earlier results stay selected; the newest is active
            active = view_layer.objects.active
            restore(
                Selection(active.name if active is not None else None, before.selected),
                view_layer,
                also=Selection.of(view_layer).selected,
            )
        self._clock += 1
        self._left = (self._clock, fingerprint(view_layer), batch)
