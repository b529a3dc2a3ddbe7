"""Exported meshes still being written, for the upload step to wait on (one background thread).

Why: writing the GLB of a large mesh (splitting vertices, encoding images: seconds for a million
triangles) must not hold Blender's main thread, and must not wait for the job's turn either (a
job may wait for a free slot while its export could already be done). So the Blender layer reads
the mesh on the main thread (fast, ``bpy``) and hands a *writer* — a callable holding only plain
arrays and bytes, never ``bpy`` — to :data:`EXPORT_WRITES`, which runs writers one after the
other on a single thread (bounded: a burst of clicks queues, it does not spawn threads; the
thread ends when the queue is empty). The job's
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
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout

__all__ = ["PREPARING_NOTE", "ExportNotWritten", "ExportWrites", "EXPORT_WRITES"]

log = logging.getLogger("tripo_blender.jobs")

#: The row's note while the job waits for its mesh to be written.
PREPARING_NOTE = "Preparing the mesh…"


class ExportNotWritten(Exception):
    """The export's writer failed; the message says why, in words for the row."""


class ExportWrites:
    """Writers of exported files by path, run one at a time on one thread.

    The thread starts with the first write and ends when none is left: nothing idles after an
    export, and a disabled add-on leaves no thread behind once its last file is written. It is
    not a daemon, so quitting Blender waits for a file being written (seconds) rather than
    leaving half of it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._writes: dict[str, Future[object]] = {}
        self._queue: deque[tuple[Future[object], Callable[[], object]]] = deque()
        self._thread: threading.Thread | None = None

    def start(self, path: str, write: Callable[[], object]) -> None:
        """Queue ``write`` (it writes ``path``); returns at once."""
        future: Future[object] = Future()
        with self._lock:
            # finished writes need no waiting; failed ones are kept for their job to report
            self._writes = {p: f for p, f in self._writes.items() if not f.done() or f.exception() is not None}
            self._writes[path] = future
            self._queue.append((future, write))
            if self._thread is None:
                self._thread = threading.Thread(target=self._drain, name="tripo-mesh-writer")
                self._thread.start()

    def _drain(self) -> None:
        while True:
            with self._lock:
                if not self._queue:
                    self._thread = None
                    return
                future, write = self._queue.popleft()
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(write())
            except BaseException as exc:  # noqa: BLE001 - kept for the job, which reports it
                future.set_exception(exc)

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
