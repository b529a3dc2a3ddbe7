"""Every task id a job of this add-on ever followed, kept in the journal folder for good.

Why: when an uncertain job looks for the task its lost POST may have created (:mod:`.verify`), a
task another job of this add-on follows — or ever followed — is never its own. The jobs list
cannot say that alone: Clear Finished, Remove and the journal's retention drop jobs, and a job
that was "a cat" once landed as "a dog" because its finished twin had been cleared. So each task
id is also appended here, with its job's id, when its job is journaled, and nothing removes it.

The job id and the time make it a second record of "which task did this job get, when": the
worker of a disabled add-on instance may write a job's task id after the next instance loaded the
job, and a write of the job's entry by the new instance can land on top of it — the line here
stays (see :meth:`.runner.Runner.resume`); the time tells it from a task of an earlier attempt.

Format: ``claimed-tasks.txt``, one ``<task id> <job id> <unix time>`` per line, append-only (a torn
last line is ignored until it is complete). Its suffix keeps it out of the journal's ``*.json``
entries. About 80 bytes per task; only the bytes appended since the last read are read again.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterable
from pathlib import Path

__all__ = ["ClaimedTasks", "CLAIMS_FILE"]

log = logging.getLogger("tripo_blender.jobs")

CLAIMS_FILE = "claimed-tasks.txt"


def _clean(text: str) -> bool:
    return bool(text) and text.isprintable() and not any(c.isspace() for c in text)


class ClaimedTasks:
    """The append-only record of the task ids claimed by the jobs journaled in ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / CLAIMS_FILE
        self._lock = threading.Lock()
        self._tasks: dict[str, str] = {}  # task id -> job id
        self._by_job: dict[str, tuple[str, float]] = {}  # job id -> its last task id, when recorded
        self._read_to = 0  # bytes of the file already read

    def add(self, claims: Iterable[tuple[str | None, str]]) -> None:
        """Record ``(task id, job id)`` pairs not recorded yet. A write failure is logged: the jobs'
        own entries still hold their ids, so only a removed job's claim could be lost."""
        wanted = {task: job for task, job in claims if task and _clean(task) and _clean(job)}
        with self._lock:
            if all(self._tasks.get(task) == job for task, job in wanted.items()):
                return  # the common case (a job journaled again): no disk access
            self._refresh()
            new = [(task, job) for task, job in wanted.items() if self._tasks.get(task) != job]
            if not new:
                return
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                now = time.time()
                with open(self.path, "a", encoding="utf-8") as handle:
                    handle.write("".join(f"{task} {job} {now:.3f}\n" for task, job in new))
                    handle.flush()
                    os.fsync(handle.fileno())
            except OSError as exc:
                log.warning("Journal: could not record claimed task ids in %s: %s", self.path, exc)
                return
            for task, job in new:
                self._note(task, job, now)

    def all(self) -> frozenset[str]:
        """Every claimed task id (including those another session added since the last read)."""
        with self._lock:
            self._refresh()
            return frozenset(self._tasks)

    def task_of(self, job_id: str, *, since: float) -> str | None:
        """The task id recorded last for ``job_id`` (by this or any other run), if that was at or
        after ``since`` (a Unix time: the job's last intent, so an earlier attempt's task is not it)."""
        with self._lock:
            self._refresh()
            found = self._by_job.get(job_id)
        return found[0] if found is not None and found[1] >= since else None

    def _note(self, task: str, job: str, at: float) -> None:
        self._tasks[task] = job
        if job:
            self._by_job[job] = (task, at)

    def _refresh(self) -> None:
        """Read the complete lines appended since the last read (by any session)."""
        try:
            with open(self.path, "rb") as handle:
                handle.seek(self._read_to)
                data = handle.read()
        except FileNotFoundError:
            return
        except OSError as exc:
            log.warning("Journal: could not read %s: %s", self.path, exc)
            return
        complete = data[: data.rfind(b"\n") + 1]
        self._read_to += len(complete)
        for line in complete.decode("utf-8", errors="replace").splitlines():
            task, job, at = (line.split() + ["", ""])[:3]
            try:
                when = float(at)
            except ValueError:
                when = 0.0
            if _clean(task):
                self._note(task, job, when)
