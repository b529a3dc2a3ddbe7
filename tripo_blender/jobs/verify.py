"""An uncertain job's Retry: find the task its lost POST created — only a task provably its own.

Why: a job is ``uncertain`` when its creation POST may have reached Tripo but no task id came
back (a timeout, the add-on disabled or Blender killed while the answer was on its way). Sending
again pays twice if the first POST did create a task; following a task that is not this job's
lands someone else's model (the website's, or a cleared job's) as this one. So Retry of an
uncertain job is free: it looks for the task, and it never concludes "not created" — no answer
of a service can prove a negative within seconds of a lost answer (a task may be registered
seconds after its POST's answer was lost).

**What counts as this job's task** (:func:`look_up`, on a worker thread). A row of
``GET /v3/account/usage`` (newest first, paged back to before the request) is a candidate when

1. its type is the job's (:attr:`.kinds.Kind.wire_type`);
2. it was created no earlier than the POST left, *on Tripo's clock*: the local time the request
   was recorded (:attr:`Job.request`, written right before the POST) plus Tripo's clock offset,
   read from the HTTP ``Date`` header of the answers around the POST — the last answer before it
   (recorded with the request) and the usage answer after it; the smaller offset is used (it
   admits earlier tasks, the safe direction when the clock was changed in between), minus
   :data:`CLOCK_MARGIN` for ``Date``'s and ``created_at``'s whole seconds. The offset is kept in
   :attr:`Job.lookup`. Without any ``Date`` the time cannot be placed: then no task is provably
   the job's (see 4);
3. no job of this add-on follows it, now or ever (:class:`.claims.ClaimedTasks` outlives Clear
   Finished and Remove);
4. its request equals the job's: each candidate is fetched (``GET /v3/tasks/{id}``) and its
   echoed ``input`` must hold every field the job sent, with the same value. A field with another
   value excludes the task (never shown: its request differs). **Design decision:** apiv3
   documents ``input`` as the echo of the request, but no live answer has confirmed that it
   echoes every field unchanged; so when the echo is missing or lacks a field the job sent, the
   task is *not provably* this job's — it is offered to the artist to pick, never followed
   automatically. A job whose sent request is unknown (journaled by an earlier version) is in the
   same case.

**Outcome** (:class:`Lookup`): exactly one task proven → the job follows it (free). Several proven
(or only unprovable ones) → phase :data:`CHOOSE`: the row lists them and the artist picks one
(:meth:`Runner.follow_candidate`). None → phase :data:`LOOKING`: the row says
:data:`NOT_FOUND_YET` and the worker looks again every ``WorkerSettings.lookup_interval`` until the
settle window (``WorkerSettings.settle_window``, default :data:`SETTLE_WINDOW`: 5 minutes after
the request) is over; then phase :data:`ABSENT`. Only then — or earlier when the artist insists —
is **Send Again — may charge a second time** offered, behind a confirmation
(:meth:`Runner.send_again`). Nothing here ever says "not created" or "not charged".

Why 5 minutes: a POST whose answer was lost is registered while Tripo still processes it, which
is bounded by its request handling (our own read timeout is 60 s); five minutes is several times
that, and short enough that an artist waiting to send again is not kept long.

:func:`journal_task_id` is the other, local source: the worker of the previous add-on instance
(disabled, not yet joined) may have written the task id after this session loaded the job.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..client import Task, TripoAPIError
from ..client.models import TaskUsageItem
from ..client.payloads import validate_task_id
from ..client.timestamps import parse_time
from .journal import Journal
from .kinds import KINDS
from .model import TASK_UNKNOWN_CODE, Job, intent_time, thaw

if TYPE_CHECKING:
    from ..client.client import TripoClient

__all__ = [
    "journal_task_id",
    "look_up",
    "intent_time",
    "sent_request",
    "echo_matches",
    "lookup_of",
    "Candidate",
    "Lookup",
    "VERIFY_NOTE",
    "FOUND",
    "LOOKING",
    "ABSENT",
    "CHOOSE",
    "NOT_FOUND_YET",
    "SETTLE_WINDOW",
    "CLOCK_MARGIN",
    "CLOCK_SKEW",
    "USAGE_PAGE",
    "USAGE_PAGES",
    "MAX_FETCHED",
]

#: Exactly one task proven: the job follows it.
FOUND = "found"
#: An uncertain job's note while its task is looked for on Tripo (the Jobs row reads it before the
#: engine is loaded, so it lives here and not in :mod:`.worker`).
VERIFY_NOTE = "asking Tripo whether the task exists"
#: Nothing found yet: the worker looks again until the settle window ends.
LOOKING = "looking"
#: Nothing found, the settle window is over: Send Again is offered (confirmed, may charge twice).
ABSENT = "absent"
#: Several tasks could be the job's (or only ones whose echo cannot be compared): the artist picks.
CHOOSE = "choose"
#: What the row says while nothing is found (never "not created": see the module docstring).
NOT_FOUND_YET = "Not found on Tripo yet — it may still appear"

#: Default settle window (seconds after the request) during which a missing task is looked for again.
SETTLE_WINDOW = 300.0
#: Seconds subtracted from the request's time on Tripo's clock: ``Date`` and ``created_at`` carry
#: whole seconds, and the task may be stamped by another of Tripo's machines.
CLOCK_MARGIN = 3.0
#: Without any ``Date`` header the clocks cannot be compared: tasks this close to the request are
#: still listed (to pick), never followed automatically.
CLOCK_SKEW = 600.0
#: Usage rows per request, and how many pages back a look goes at most (rows are newest first).
USAGE_PAGE = 100
USAGE_PAGES = 5
#: Candidates fetched one by one (``GET /v3/tasks/{id}``) per look; further ones are listed to pick.
MAX_FETCHED = 20
_MAX_TEXT = 40


def journal_task_id(journal: Journal, job: Job) -> str | None:
    """The task id the journal holds for ``job`` (written by another run after this one loaded
    it): in the job's entry, or in the claims (:mod:`.claims`) when an entry written by this
    session landed on top of it — only one recorded after the job's last intent."""
    saved = journal.load(job.id)
    if saved is not None and saved.task_id:
        return saved.task_id
    return journal.claims.task_of(job.id, since=intent_time(job))


def sent_request(job: Job) -> Mapping[str, Any] | None:
    """The record of the job's *last* POST (:attr:`Job.request`), or None when it is missing or
    older than the last intent (a run stopped between the intent and the POST)."""
    at = job.request.get("at")
    body = job.request.get("body")
    if not isinstance(at, (int, float)) or not isinstance(body, Mapping) or at < intent_time(job):
        return None
    return job.request


def echo_matches(sent: Mapping[str, Any] | None, echoed: Any) -> bool | None:
    """Does a task's echoed ``input`` show the request ``sent``? True: every sent field is there
    with the same value; False: a field has another value (not this request); None: it cannot
    be told (no echo, a field missing, or the sent request unknown)."""
    if not sent or not isinstance(echoed, Mapping) or not echoed:
        return None
    wanted = json.loads(json.dumps(thaw(sent)))
    if any(name in echoed and echoed[name] != value for name, value in wanted.items()):
        return False
    return True if all(name in echoed for name in wanted) else None


@dataclass(frozen=True)
class Candidate:
    """A task that may be the job's: ``proven`` when its type, time and echoed request match."""

    task_id: str
    created_at: str | None = None  # as Tripo wrote it
    status: str | None = None
    proven: bool = False

    def __post_init__(self) -> None:
        # server text kept in the journal and drawn in a row: bounded, whatever Tripo sends
        for name in ("created_at", "status"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, value[:_MAX_TEXT])

    def to_dict(self) -> dict[str, Any]:
        return {"task_id": self.task_id, "created_at": self.created_at, "status": self.status, "proven": self.proven}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Candidate:
        created, status = data.get("created_at"), data.get("status")
        return cls(
            str(data.get("task_id") or ""),
            created if isinstance(created, str) else None,
            status if isinstance(status, str) else None,
            data.get("proven") is True,
        )


@dataclass(frozen=True)
class Lookup:
    """One look's outcome, kept in :attr:`Job.lookup` (journaled; drawn by the Jobs panel).

    ``found``: the one proven task (the job follows it). ``until``: local time the settle window
    ends. ``since``: the earliest creation time (Tripo's clock) a task of this request can have;
    ``clock_offset``: Tripo's clock minus this machine's used for it (None: unknown).
    ``complete``: the usage rows reached back to before the request.
    """

    phase: str
    candidates: tuple[Candidate, ...] = ()
    found: str | None = None
    until: float = 0.0
    since: float | None = None
    clock_offset: float | None = None
    complete: bool = True

    @property
    def note(self) -> str:
        """The row's line for this outcome."""
        if self.phase == CHOOSE:
            count = len(self.candidates)
            return (
                f"{count} tasks on Tripo could be this one: pick one"
                if count > 1
                else "A task on Tripo may be this one: pick it if it is"
            )
        if self.phase == ABSENT:
            return "Not found on Tripo; Send Again may charge a second time"
        return NOT_FOUND_YET

    def to_dict(self) -> dict[str, Any]:
        return {
            "phase": self.phase,
            "candidates": [c.to_dict() for c in self.candidates],
            "until": self.until,
            "since": self.since,
            "clock_offset": self.clock_offset,
            "complete": self.complete,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Lookup | None:
        phase = data.get("phase")
        if phase not in (FOUND, LOOKING, ABSENT, CHOOSE):
            return None
        rows = data.get("candidates") or ()
        until, since, offset = data.get("until"), data.get("since"), data.get("clock_offset")
        return cls(
            str(phase),
            tuple(Candidate.from_dict(c) for c in rows if isinstance(c, Mapping)),
            until=float(until) if isinstance(until, (int, float)) else 0.0,
            since=float(since) if isinstance(since, (int, float)) else None,
            clock_offset=float(offset) if isinstance(offset, (int, float)) else None,
            complete=data.get("complete") is not False,
        )


def lookup_of(job: Job) -> Lookup | None:
    """The job's last look (None: it never looked, or it has its task)."""
    if job.task_id is not None or not job.lookup:
        return None
    return Lookup.from_dict(job.lookup)


def _since(job: Job, sent: Mapping[str, Any] | None, offset_now: float | None) -> tuple[float, float | None]:
    """The earliest creation time (Tripo's clock) of the job's task, and the offset used (None: unknown)."""
    local = float(sent["at"]) if sent is not None else intent_time(job)
    before = sent.get("clock_offset") if sent is not None else None
    offsets = [o for o in (before, offset_now) if isinstance(o, (int, float))]
    if not offsets:
        return local - CLOCK_SKEW, None
    offset = float(min(offsets))
    return local + offset - CLOCK_MARGIN, offset


def _recent(
    client: TripoClient, job: Job, sent: Mapping[str, Any] | None
) -> tuple[list[TaskUsageItem], float, float | None, bool]:
    """Usage rows that may be the job's task (newest first), paged back to the first row older
    than the request, at most :data:`USAGE_PAGES` pages; with ``since`` and the clock offset (read
    from the first answer's ``Date``) and whether the rows reached back that far. Network errors
    propagate: "could not ask" must never read as "not there"."""
    rows: dict[str, TaskUsageItem] = {}
    since, offset = _since(job, sent, None)
    for page in range(USAGE_PAGES):
        items = client.get_usage(limit=USAGE_PAGE, offset=page * USAGE_PAGE)
        if page == 0:
            since, offset = _since(job, sent, client.server_clock_offset)
        for item in items:
            created = item.created
            if item.task_id and (created is None or created >= since):
                rows.setdefault(item.task_id, item)  # a row may shift to the next page meanwhile
        if len(items) < USAGE_PAGE or any(i.created is not None and i.created < since for i in items):
            return list(rows.values()), since, offset, True
    return list(rows.values()), since, offset, False


def _fetch(client: TripoClient, task_id: str) -> Task | None:
    """The candidate as ``GET /v3/tasks/{id}`` shows it; None when Tripo does not know it (any more)."""
    try:
        return client.get_task(task_id)
    except TripoAPIError as exc:
        if exc.code == TASK_UNKNOWN_CODE:
            return None
        raise


def _judge(
    task: Task, row: TaskUsageItem, wire_type: str | None, since: float, timed: bool, sent: Mapping[str, Any] | None
) -> Candidate | None:
    """The fetched task as a candidate (None: provably not the job's, or not the task asked for)."""
    if (task.task_id and task.task_id != row.task_id) or (
        wire_type is not None and task.type and task.type != wire_type
    ):
        return None
    created_at = task.raw.get("created_at") if isinstance(task.raw.get("created_at"), str) else row.created_at
    created = parse_time(created_at)
    if created is not None and created < since:
        return None
    match = echo_matches(sent.get("body") if sent else None, task.input)
    if match is False:
        return None
    typed = wire_type is not None and wire_type in (task.type, row.type)
    proven = match is True and timed and created is not None and typed
    status = getattr(task.status, "value", None) or row.status
    return Candidate(row.task_id, created_at, status, proven)


def _candidates(
    client: TripoClient,
    job: Job,
    rows: Iterable[TaskUsageItem],
    claimed: Collection[str],
    since: float,
    timed: bool,
    sent: Mapping[str, Any] | None,
) -> list[Candidate]:
    record = KINDS.get(job.kind)
    wire_type = record.wire_type if record is not None else None
    body = sent.get("body") if sent else None
    found: list[Candidate] = []
    fetched = 0
    for row in rows:
        if not row.task_id or row.task_id in claimed or (wire_type is not None and row.type not in (None, wire_type)):
            continue
        if row.input is not None and echo_matches(body, row.input) is False:
            continue  # the usage row already shows another request
        try:
            validate_task_id(row.task_id)
        except ValueError:
            continue  # not a clean id: it must never reach a URL
        if fetched >= MAX_FETCHED:
            found.append(Candidate(row.task_id, row.created_at, row.status))  # listed, unproven
            continue
        fetched += 1
        task = _fetch(client, row.task_id)
        candidate = _judge(task, row, wire_type, since, timed, sent) if task is not None else None
        if candidate is not None:
            found.append(candidate)
    return found


def look_up(client: TripoClient, job: Job, claimed: Collection[str], *, now: float, window: float) -> Lookup:
    """Look on Tripo for the task ``job``'s last POST created (see the module docstring).

    ``claimed``: task ids any job of this add-on follows or followed. ``now``: this machine's
    time; ``window``: the settle window in seconds. Network errors propagate.
    """
    sent = sent_request(job)
    until = (float(sent["at"]) if sent is not None else intent_time(job)) + window
    rows, since, offset, complete = _recent(client, job, sent)
    found = _candidates(client, job, rows, claimed, since, offset is not None, sent)
    proven = [c for c in found if c.proven]
    if len(proven) == 1:
        return Lookup(FOUND, tuple(proven), proven[0].task_id, until, since, offset, complete)
    if found:
        return Lookup(CHOOSE, tuple(proven or found), None, until, since, offset, complete)
    return Lookup(LOOKING if now < until else ABSENT, (), None, until, since, offset, complete)
