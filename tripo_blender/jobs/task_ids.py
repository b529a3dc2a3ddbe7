"""A job whose task id is not a Tripo task id: refused where the id arrives, never followed.

Why: the task id goes into ``GET /v3/tasks/{id}``, the body of ``POST /v3/tasks/list`` and the
cache folder's name. One id like ``' abc'`` or ``'../../x'`` (a buggy proxy's POST answer, a
hand-edited journal) made the list request raise inside the one poller thread, which died, and
every other job stayed ``queued`` for good — after a restart too, since the journal brought the
id back. The client now refuses such an id in the POST answer (the job goes ``uncertain``), and
the engine refuses one coming back from the journal or reaching a worker by any other path, with
:func:`refusal`: the id is dropped from the job (so no URL can ever hold it) and shown, quoted and
cut (:func:`~..client.payloads.shown_task_id`), in the job's message.
"""

from __future__ import annotations

from ..client.payloads import is_task_id, shown_task_id
from .book import JobBook, RunHandle
from .kinds import FOLLOW_KIND
from .model import Job, JobError, JobState

__all__ = ["is_task_id", "refuse", "REFUSED_NOTE"]

REFUSED_NOTE = "task id refused"


def refuse(book: JobBook, job: Job, run: RunHandle | None = None) -> Job:
    """Record that ``job``'s ``task_id`` is not a Tripo task id: the id is cleared, the message
    shows it; returns the new snapshot (``run``: the worker's handle, when a worker refuses it).

    A job of this add-on's own POST becomes ``uncertain``: the POST reached Tripo and may have
    created (and charged) a task, which a Retry asks Tripo for — it never resends blindly. A job
    that only followed an id it was given (import by task id) fails: nothing was sent.
    """
    shown = shown_task_id(job.task_id)
    if job.kind == FOLLOW_KIND:
        state, error = (
            JobState.FAILED,
            JobError(
                f"The task id {shown} is not a valid Tripo task id, so it was not looked up. Nothing was sent.",
                suggestion="Remove this job and import the task again with its id exactly as Tripo shows it.",
            ),
        )
    else:
        state, error = (
            JobState.UNCERTAIN,
            JobError(
                f"Tripo's answer named the task {shown}, which is not a valid Tripo task id, so the add-on does not "
                "follow it. The request did reach Tripo and may have created (and charged) a task.",
                suggestion="Retry asks Tripo which task this request created and follows it for free; nothing paid "
                "is sent again without your confirmation.",
            ),
        )
    return book.update(job.id, state, note=REFUSED_NOTE, run=run, error=error, task_id=None, task_status=None)
