"""Exported meshes still being written, for the upload step to wait on (one background thread).

Why: writing the GLB of a large mesh (splitting vertices, encoding images: seconds for a million
triangles) must not hold Blender's main thread, and must not wait for the job's turn either (a
job may wait for a free slot while its export could already be done). So the Blender layer reads
the mesh on the main thread (fast, ``bpy``) and hands a *writer* — a callable holding only plain
arrays and bytes, never ``bpy`` — to :data:`EXPORT_WRITES`, which runs writers one after the
other on a single thread (bounded: a burst of clicks queues, it does not spawn threads). The job's
upload step (:mod:`.mesh_upload`) waits here for its file before hashing it, its row saying
"Preparing the mesh…".

A writer's failure (the file would exceed Tripo's cap, a disk error) is kept until its job asks,
and reaches the job as :class:`ExportNotWritten` with the writer's sentence. After a restart
nothing is pending: the file is there (complete: writers rename a finished file into place) or
it is not, and the step says the export is gone.

No ``bpy`` and no numpy here: the jobs layer runs without Blender.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Callable

__all__ = ["PREPARING_NOTE", "ExportNotWritten", "ExportWrites", "EXPORT_WRITES"]

log = logging.getLogger("tripo_blender.jobs")

#: The row's note while the job waits for its mesh to be written.
PREPARING_NOTE = "Preparing the mesh…"


class ExportNotWritten(Exception):
    """The export's writer failed; the message says why, in words for the row."""


class ExportWrites:
    """Writers of exported files by path, run one at a time on one thread (started on first use)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._writes: dict[str, Future[object]] = {}
        self._pool: ThreadPoolExecutor | None = None

    def start(self, path: str, write: Callable[[], object]) -> None:
        """Queue ``write`` (it writes ``path``); returns at once."""
        with self._lock:
            # finished writes need no waiting; failed ones are kept for their job to report
            self._writes = {p: f for p, f in self._writes.items() if not f.done() or f.exception() is not None}
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tripo-mesh-writer")
            self._writes[path] = self._pool.submit(write)

    def pending(self, path: str) -> bool:
        """Is ``path`` still being written (or did its writer fail, unreported)?"""
        with self._lock:
            future = self._writes.get(path)
        return future is not None and (not future.done() or future.exception() is not None)

    def wait(self, path: str, timeout: float) -> bool:
        """Wait up to ``timeout`` s for ``path``'s writer: True once written (or nothing was
        pending), False while it still runs; :class:`ExportNotWritten` when it failed."""
        with self._lock:
            future = self._writes.get(path)
        if future is None:
            return True
        try:
            future.result(timeout=timeout)
        except FutureTimeout:
            return False
        except Exception as exc:  # noqa: BLE001 - any writer error becomes the job's sentence
            with self._lock:
                self._writes.pop(path, None)
            if not isinstance(exc, (ValueError, OSError)):
                log.exception("The mesh writer for %s failed", path, exc_info=exc)
            raise ExportNotWritten(str(exc) or type(exc).__name__) from exc
        return True


#: The process's writer queue (the Blender layer starts writes, the upload step waits).
EXPORT_WRITES = ExportWrites()
