"""Splats read on a job's worker thread, waiting for the main thread to land them.

Why: reading a splat is the long part of landing one (seconds for a million gaussians in plain
Python), and the main thread must not freeze for it. The worker that downloaded the file reads
it right after (:meth:`ReadySplats.prepare`, as it unpacks a ZIP) and keeps the arrays here; the
pump's landing then only hands them to Blender (:meth:`ReadySplats.take`). A file whose reading
failed keeps its :class:`SplatError`, so the landing reports the same sentence.

What is kept is bounded (:data:`BUDGET` bytes; the oldest go first). A splat that is not here —
evicted, or its job brought back by the journal after a restart — is read by :meth:`take` on the
spot: correct, only not in the background. Entries are keyed by the file's path, size and
modification time, so a file replaced meanwhile is read again.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict

from .gaussians import Splat, SplatError
from .read import read_splat

__all__ = ["BUDGET", "ReadySplats", "ready_splats"]

log = logging.getLogger(__name__)

#: Bytes of read splats kept for landing (a 1 M-gaussian splat of SH degree 3 is about 0.25 GB).
BUDGET = 2 << 30
_Key = tuple[str, int, int]


def _key(path: str | os.PathLike[str]) -> _Key | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return os.path.realpath(path), stat.st_size, stat.st_mtime_ns


class ReadySplats:
    """The read splats (or their errors) by file; thread-safe."""

    def __init__(self, budget: int = BUDGET) -> None:
        self.budget = budget
        self._lock = threading.Lock()
        self._kept: OrderedDict[_Key, Splat | SplatError] = OrderedDict()

    def prepare(self, path: str | os.PathLike[str]) -> Splat | SplatError:
        """Read ``path`` now (a worker thread) and keep the result for :meth:`take`."""
        try:
            result: Splat | SplatError = read_splat(path)
        except SplatError as exc:
            log.warning("%s", exc)
            result = exc
        key = _key(path)
        if key is not None:
            with self._lock:
                self._kept[key] = result
                self._trim()
        return result

    def take(self, path: str | os.PathLike[str]) -> Splat:
        """The splat of ``path``, read by :meth:`prepare` (and forgotten here), else read now.
        Raises :class:`SplatError` when the file is no readable splat."""
        key = _key(path)
        with self._lock:
            kept = self._kept.pop(key, None) if key is not None else None
        if kept is None:
            log.info("%s was not read in the background (a restart, or evicted): reading it now", path)
            kept = read_splat(path)
        if isinstance(kept, SplatError):
            raise kept
        return kept

    def forget(self) -> None:
        """Drop everything kept (the add-on is being disabled)."""
        with self._lock:
            self._kept.clear()

    @property
    def kept_bytes(self) -> int:
        with self._lock:
            return sum(v.nbytes for v in self._kept.values() if isinstance(v, Splat))

    def _trim(self) -> None:
        total = sum(v.nbytes for v in self._kept.values() if isinstance(v, Splat))
        while total > self.budget and len(self._kept) > 1:
            _, dropped = self._kept.popitem(last=False)
            if isinstance(dropped, Splat):
                total -= dropped.nbytes
                log.info(
                    "Read splat of %d gaussians dropped (over %d MB kept); it is read again when it lands",
                    dropped.count,
                    self.budget >> 20,
                )


#: The add-on's one store: the job workers fill it, the landing empties it.
ready_splats = ReadySplats()
