"""Finished jobs the journal no longer keeps as entries: one line each in one archive file.

Why: every journal entry is read and parsed when the add-on starts (0.5 ms each), so a long
history made the start-up slow (5,040 jobs: 2.8 s), the job list long and every later start as
slow. :func:`compact` bounds what the journal keeps: a finished job (done, failed, cancelled) is
moved out when it is older than the retention or beyond the newest ``keep`` finished ones. Jobs
that still need someone (in progress, uncertain) are never moved.

Where the task ids go: a task id this add-on followed must stay known for good, so that no later
job is ever handed a task that was already another job's (the look-up behind an uncertain Retry,
:mod:`.verify`). The one record of them is the claims file (:mod:`.claims`): every task id is
appended there when its job is journaled (and when an older entry is read), and nothing removes
it — not this archiving, not Remove, not Clear Finished. :func:`compact` moves a job only once
its task id is in that file (it records it first); a job whose claim could not be written stays
in the journal. The archive keeps what the claims do not: a summary line of each moved job (its
name, kind, state and dates), so the history is not lost; nothing reads it at start.

Format (``<journal>/archive.jsonl``, UTF-8, appended, never rewritten): one JSON object a line,
``{"job_id", "task_id", "kind", "name", "state", "created_at", "updated_at"}``. Not a journal
entry (its suffix is not ``.json``), so :meth:`~.journal.Journal.load_all` never reads it. A line
is appended (and fsynced) before the entry is deleted: a crash between the two leaves the job in
both, which is harmless.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..client.payloads import is_task_id
from .journal import Journal
from .model import TERMINAL_STATES, Job

__all__ = ["JobArchive", "compact", "ARCHIVE_NAME"]

log = logging.getLogger("tripo_blender.jobs")

ARCHIVE_NAME = "archive.jsonl"


class JobArchive:
    """The archive file of one journal folder (appended to only; thread-safe)."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.path = Path(directory) / ARCHIVE_NAME
        self._lock = threading.Lock()

    def append(self, jobs: Sequence[Job]) -> None:
        """Add a line for each of ``jobs`` and fsync (raises OSError when the disk refuses)."""
        lines = [json.dumps(_summary(job), ensure_ascii=True) + "\n" for job in jobs]
        if not lines:
            return
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "a", encoding="utf-8") as handle:
                handle.writelines(lines)
                handle.flush()
                os.fsync(handle.fileno())


def _summary(job: Job) -> dict[str, Any]:
    return {
        "job_id": job.id,
        "task_id": job.task_id,
        "kind": job.kind,
        "name": job.name,
        "state": job.state.value,
        "created_at": job.created_at,
        "updated_at": job.updated_at,
    }


def compact(
    journal: Journal, archive: JobArchive, jobs: list[Job], *, now: float, retention: float | None, keep: int | None
) -> list[Job]:
    """Move the finished jobs among ``jobs`` that are older than ``retention`` seconds (by their
    last change) or beyond the newest ``keep`` finished ones (by creation) from ``journal`` into
    ``archive``; return the others, in order. None disables either bound. Each moved job's task id
    is in the claims file first (:mod:`.claims`); a job whose claim or summary cannot be written
    is not moved (and that is logged): the journal only ever grows slower, it never loses a task id."""
    finished = sorted(
        (job for job in jobs if job.state in TERMINAL_STATES), key=lambda j: (j.created_at, j.id), reverse=True
    )
    old = {job.id for job in finished if retention is not None and job.updated_at < now - retention}
    beyond = {job.id for job in finished[keep:]} - old if keep is not None else set()
    moving = [job for job in jobs if job.id in old or job.id in beyond]
    if not moving:
        return jobs
    moving = _claimed(journal, moving)
    old &= {job.id for job in moving}
    beyond &= {job.id for job in moving}
    if not moving:
        return jobs
    try:
        archive.append(moving)
    except OSError as exc:
        log.warning(
            "Journal: could not write the job archive %s (%s); the finished jobs stay listed", archive.path, exc
        )
        return jobs
    for job in moving:
        journal.remove(job.id)
    if old:
        assert retention is not None
        log.info(
            "Journal: archived %d finished job(s) older than %.0f days (their task ids stay in %s)",
            len(old),
            retention / 86400,
            journal.claims.path.name,
        )
    if beyond:
        log.info("Journal: archived %d finished job(s) beyond the newest %d", len(beyond), keep)
    return [job for job in jobs if job.id not in old and job.id not in beyond]


def _claimed(journal: Journal, jobs: list[Job]) -> list[Job]:
    """``jobs`` whose task id the claims file holds once this returns (recorded here if it was not):
    those whose claim could not be written stay in the journal. An id that is no Tripo task id
    (never followed, see :mod:`.task_ids`) needs no claim."""
    journal.claims.add((job.task_id, job.id) for job in jobs)
    claimed = journal.claims.all()
    kept = [job for job in jobs if not job.task_id or not is_task_id(job.task_id) or job.task_id in claimed]
    if len(kept) < len(jobs):
        log.warning(
            "Journal: %d finished job(s) stay in the journal: their task ids could not be recorded in %s",
            len(jobs) - len(kept),
            journal.claims.path.name,
        )
    return kept
