"""What the Jobs panel shows of an uncertain job's search for its task (:mod:`..jobs.verify`).

An uncertain job's request may or may not have created (and charged) a task. Its row says where
the search stands, in words that claim nothing the search cannot prove:

* before any search: "Uncertain: may have been charged" (Retry looks for the task, for free);
* nothing found yet: "Not found on Tripo yet — it may still appear" while the worker looks again
  through the settle window;
* several tasks could be it (or one whose request Tripo does not echo): one button per task,
  "Follow <id>…", for the artist to pick (``tripo.job_follow_candidate``);
* nothing found after the window: **Send Again — may charge a second time (≈ N credits)**
  (``tripo.job_send_again``, behind a confirmation). The open row offers it at any time: the
  artist may insist before the window ends.

Pure text helpers plus one draw function taking a layout; the operators live with the other row
operators in :mod:`.job_list` (this module names them by id, so it imports none of them).
"""

from __future__ import annotations

import time
from typing import Any

from ..client.timestamps import parse_time
from ..jobs import Job, JobState
from ..jobs.verify import ABSENT, CHOOSE, FOUND, LOOKING, VERIFY_NOTE, Candidate, lookup_of

__all__ = [
    "UNSURE",
    "is_unsure",
    "searching",
    "status_text",
    "send_again_label",
    "send_again_warning",
    "candidate_label",
    "draw_search",
    "FOLLOW_OP",
    "SEND_AGAIN_OP",
    "MAX_CANDIDATE_BUTTONS",
]

#: The row of an uncertain job nobody has looked for yet.
UNSURE = "Uncertain: may have been charged"
FOLLOW_OP = "tripo.job_follow_candidate"
SEND_AGAIN_OP = "tripo.job_send_again"
#: "Follow" buttons a row draws at most: a look-up may list hundreds of tasks (five pages of
#: usage rows), and a row that draws them all freezes each redraw; the console lists them all.
MAX_CANDIDATE_BUTTONS = 6
_ID_CHARS = 8


def is_unsure(job: Job) -> bool:
    """Uncertain, or dismissed while uncertain: its request may have created a task nobody found."""
    return job.task_id is None and (job.state == JobState.UNCERTAIN or job.post_unsure)


def searching(job: Job) -> bool:
    """Its Retry is looking for its task right now (or will look again within the settle window)."""
    if not is_unsure(job) or job.state != JobState.UNCERTAIN:
        return False
    found = lookup_of(job)
    return found.phase == LOOKING if found is not None else job.note == VERIFY_NOTE


def status_text(job: Job) -> str:
    """The status line of an uncertain row: where the search for its task stands."""
    found = lookup_of(job)
    return found.note if found is not None and found.phase != FOUND else UNSURE


def _credits(job: Job) -> str:
    return f"≈ {job.estimated_cost} credits" if job.estimated_cost else "credits"


def send_again_label(job: Job) -> str:
    """The button's text: what it may cost, plainly."""
    return f"Send Again — may charge a second time ({_credits(job)})"


def send_again_warning(job: Job) -> str:
    """The confirmation's text."""
    found = lookup_of(job)
    seen = (
        "Tripo shows no task from the first request"
        if found is not None and found.phase == ABSENT
        else "Tripo has not shown a task from the first request yet"
    )
    return (
        f'{seen}, but it may still have created and charged one. Sending "{job.name}" again makes a new '
        f"request that costs {_credits(job)}, possibly a second time."
    )


def candidate_label(candidate: Candidate) -> str:
    """One task to pick: its id, when Tripo made it (local time), its status, and whether its
    request is known to be the job's."""
    moment = parse_time(candidate.created_at)
    when = time.strftime("%H:%M:%S", time.localtime(moment)) if moment is not None else "time unknown"
    short = candidate.task_id[:_ID_CHARS] + ("…" if len(candidate.task_id) > _ID_CHARS else "")
    known = "same request" if candidate.proven else "request not shown by Tripo"
    return f"Follow {short}, made {when}, {candidate.status or 'status unknown'} ({known})"


def draw_search(layout: Any, job: Job, *, expanded: bool) -> None:
    """The search's buttons under an uncertain row: the tasks to pick from, and Send Again once
    the settle window is over (or in the open row, when the artist insists)."""
    if not is_unsure(job) or not job.can_retry:
        return
    found = lookup_of(job)
    if found is not None and found.phase == CHOOSE:
        for candidate in found.candidates[:MAX_CANDIDATE_BUTTONS]:
            op = layout.operator(FOLLOW_OP, text=candidate_label(candidate), icon="LINKED")
            op.job_id, op.task_id = job.id, candidate.task_id
        more = len(found.candidates) - MAX_CANDIDATE_BUTTONS
        if more > 0:
            layout.label(text=f"{more} more could be it: the Python console's job.candidates lists them all")
    if expanded or (found is not None and found.phase == ABSENT):
        layout.operator(SEND_AGAIN_OP, text=send_again_label(job), icon="ERROR").job_id = job.id
