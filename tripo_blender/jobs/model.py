"""The job model: what one request to Tripo is, and which states it may move through.

A *job* is one paid (or free) Tripo task as the user sees it: from the click, through the
server's queue, to files on disk and objects in the scene. Everything here is immutable and
bpy-free so that a snapshot can be handed from a worker thread to Blender's main thread without
locks, stored in the journal as plain JSON, and tested in plain Python.

Why explicit states instead of "status strings from the server": the server only knows
queued/running/success/failed; the user also needs to see the parts that happen locally
(waiting for a free slot, sending, downloading, importing) and one state the server can never
report: ``uncertain`` — the request may or may not have created (and charged) a task, so it
must not be sent again without the user saying so.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from types import MappingProxyType
from typing import Any

from ..client.models import TaskOutput
from .kinds import FOLLOW_KIND, KINDS, MODEL_OUTPUTS, RETIRED_KINDS, THUMBNAIL_OUTPUT

#: The API's code for "no such task": a wrong id, another key's task, or one past Tripo's task
#: retention (about 7 days) — or one made on the retired v2 API.
TASK_UNKNOWN_CODE = 2001
#: How long Tripo keeps a task, as far as we can tell (it documents no figure): the menu treats an
#: older result as a mesh to upload, the messages of a 2001 say it.
TASK_RETENTION_DAYS = 7
#: ``Job.result`` key of a followed task's creation time on Tripo (Unix seconds): own jobs know
#: when they were sent; a task followed by id was made elsewhere, at a time only Tripo knows.
TASK_CREATED_KEY = "task_created"

__all__ = [
    "intent_time",
    "JobState",
    "ACTIVE_STATES",
    "TERMINAL_STATES",
    "CANCELLABLE_STATES",
    "TRANSITIONS",
    "API_VERSION",
    "TASK_UNKNOWN_CODE",
    "TASK_RETENTION_DAYS",
    "TASK_CREATED_KEY",
    "FOLLOWED_INPUT_KEYS",
    "followed_input",
    "JobSpec",
    "JobError",
    "MAX_ERROR_CHARS",
    "TimelineEntry",
    "Job",
    "InvalidTransition",
    "advance",
    "VOLATILE_FIELDS",
    "settled_change",
    "select_outputs",
    "format_timeline",
    "freeze",
    "thaw",
]


class JobState(str, Enum):
    """Where a job is. The values are stored in the journal: never rename one."""

    PENDING = "pending"  # waiting locally: for a worker, a free server slot, or Retry-After
    SUBMITTING = "submitting"  # the intent is journaled; the creation POST is (about to be) in flight
    QUEUED = "queued"  # the task exists on the server and waits in its queue
    RUNNING = "running"  # the server is generating
    DOWNLOADING = "downloading"  # the task succeeded; files stream into the cache
    IMPORTING = "importing"  # files are on disk; Blender's main thread imports them
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"  # stopped locally (apiv3 cannot cancel a server task)
    UNCERTAIN = "uncertain"  # the POST may have created a task: never resent automatically

    @property
    def is_active(self) -> bool:
        """True while the engine still works on the job (the pump keeps ticking)."""
        return self in ACTIVE_STATES

    @property
    def is_terminal(self) -> bool:
        """True when nothing more will happen unless the user asks for a retry."""
        return self in TERMINAL_STATES

    @property
    def is_cancellable(self) -> bool:
        """True when Cancel means something: a worker owns the job (it stops at its next check),
        the POST is on its way, or the job is uncertain (Cancel dismisses it; a later Retry still
        asks Tripo before paying). Importing belongs to the pump and is quick; finished jobs are final."""
        return self in CANCELLABLE_STATES


ACTIVE_STATES = frozenset(
    {
        JobState.PENDING,
        JobState.SUBMITTING,
        JobState.QUEUED,
        JobState.RUNNING,
        JobState.DOWNLOADING,
        JobState.IMPORTING,
    }
)
#: ``uncertain`` is deliberately neither active nor terminal: it waits for a human decision.
TERMINAL_STATES = frozenset({JobState.DONE, JobState.FAILED, JobState.CANCELLED})
CANCELLABLE_STATES = (ACTIVE_STATES - {JobState.IMPORTING}) | {JobState.UNCERTAIN}

_S = JobState
#: Allowed moves. A state may always "move" to itself (to change its note or progress).
TRANSITIONS: Mapping[JobState, frozenset[JobState]] = MappingProxyType(
    {
        _S.PENDING: frozenset({_S.SUBMITTING, _S.FAILED, _S.CANCELLED}),
        _S.SUBMITTING: frozenset({_S.PENDING, _S.QUEUED, _S.RUNNING, _S.FAILED, _S.UNCERTAIN, _S.CANCELLED}),
        # UNCERTAIN from a task state: its task id is not a Tripo task id (a malformed POST answer
        # an older add-on recorded): never followed, so Retry asks Tripo which task the POST made
        _S.QUEUED: frozenset({_S.RUNNING, _S.DOWNLOADING, _S.DONE, _S.FAILED, _S.CANCELLED, _S.UNCERTAIN}),
        _S.RUNNING: frozenset({_S.QUEUED, _S.DOWNLOADING, _S.DONE, _S.FAILED, _S.CANCELLED, _S.UNCERTAIN}),
        _S.DOWNLOADING: frozenset({_S.IMPORTING, _S.DONE, _S.FAILED, _S.CANCELLED, _S.UNCERTAIN}),
        # back to downloading: on resume, when the downloaded files have vanished meanwhile
        _S.IMPORTING: frozenset({_S.DONE, _S.FAILED, _S.DOWNLOADING}),
        _S.DONE: frozenset(),
        # retry: PENDING sends a new POST (costs credits); QUEUED resumes an existing task (free)
        _S.FAILED: frozenset({_S.PENDING, _S.QUEUED}),
        # UNCERTAIN: cancelled while its POST was on the wire and the answer never came
        _S.CANCELLED: frozenset({_S.PENDING, _S.QUEUED, _S.UNCERTAIN}),
        # retry of an uncertain job asks Tripo first (jobs.verify): QUEUED when its task is found
        # or the artist picks one (free). It stays uncertain while nothing is found: no answer can
        # prove a POST created nothing. PENDING only through Runner.send_again, the artist's
        # explicit, confirmed "Send Again — may charge a second time"; never SUBMITTING directly.
        # FAILED: how journals of earlier versions said "not created on Tripo".
        _S.UNCERTAIN: frozenset({_S.QUEUED, _S.PENDING, _S.FAILED, _S.CANCELLED}),
    }
)

#: The Tripo API generation a job was made with. Journals written before apiv3 (add-on 0.1) have
#: no such field: their tasks live on the retired v2 API.
API_VERSION = 3
#: What a followed task's ``Job.task_input`` keeps of the input the server echoes: a whitelist of
#: short facts, so prompts, image tokens or URLs never land in the journal from someone else's task.
FOLLOWED_INPUT_KEYS: tuple[str, ...] = ("spec", "model", "model_version", "out_format", "rig_type")
_MAX_INPUT_TEXT = 64

#: Names and values that would mean a credential slipped into params/meta (Tripo keys are tsk_…).
_SECRET_NAMES = frozenset({"api_key", "apikey", "authorization", "password", "secret", "token_secret"})
#: A key: a value that is one ``tsk_…`` token or a bearer header, or a ``tsk_`` token of at least 12
#: more characters anywhere in it. A prompt that merely begins with "tsk_" ("tsk_bot warrior") is a prompt.
_SECRET_VALUE = re.compile(r"^\s*(Bearer\s+\S|tsk_\S*\s*$)|(?<!\S)tsk_\S{12,}", re.IGNORECASE)
_MAX_TIMELINE = 200


#: The note earlier versions gave an uncertain job when Tripo's recent tasks did not show its task
#: (they then let Retry resend). Only read from old journals now: no look-up can prove that a POST
#: created nothing, so this version never writes it (see :mod:`.verify`).
NOT_CREATED_NOTE = "not created on Tripo"


class InvalidTransition(ValueError):
    """A job was asked to move to a state it cannot reach from where it is (a bug, or a race)."""


def freeze(value: Any) -> Any:
    """Deep read-only copy of JSON-like data (dict → mappingproxy, list → tuple).

    Snapshots cross threads; a consumer that mutates ``job.meta`` must not change what the
    worker sees, and frozen data makes such a bug fail loudly instead of racing.
    """
    if isinstance(value, Mapping):
        return MappingProxyType({str(k): freeze(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(freeze(v) for v in value)
    return value


def followed_input(data: Any) -> dict[str, str]:
    """The :data:`FOLLOWED_INPUT_KEYS` of a task's echoed ``input`` whose values are short,
    non-empty strings (anything else the server sends is dropped, as is anything that is not a
    mapping)."""
    if not isinstance(data, Mapping):
        return {}
    return {
        key: value
        for key in FOLLOWED_INPUT_KEYS
        if isinstance(value := data.get(key), str) and value and len(value) <= _MAX_INPUT_TEXT
    }


def _mapping(value: Any) -> Mapping[str, Any]:
    """``value`` when it is a mapping (a journal field), else an empty one."""
    return value if isinstance(value, Mapping) else {}


def thaw(value: Any) -> Any:
    """Inverse of :func:`freeze`: plain dicts and lists (for json and for client calls)."""
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [thaw(v) for v in value]
    return value


def _unsavable(what: str, exc: UnicodeEncodeError) -> str:
    return (
        f"{what} contains text that cannot be saved (a lone surrogate or a file name that is not UTF-8: "
        f"{exc.object[exc.start : exc.end]!r}); nothing was sent. Retype the text or rename the file."
    )


def _utf8(text: str, what: str) -> None:
    """The journal is UTF-8: text it cannot write must be refused before the job exists, or a
    ghost job would wait "to be sent" forever (UnicodeEncodeError after it was added)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(_unsavable(what, exc)) from None


def _json_normalised(value: Any, what: str) -> Any:
    """Round-trip through JSON so what runs now is exactly what a resumed job would run."""
    try:
        text = json.dumps(thaw(value), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what} must be JSON-serialisable (str, number, bool, list, dict): {exc}") from None
    _utf8(text, what)
    try:
        return json.loads(text)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what} must be JSON-serialisable (str, number, bool, list, dict): {exc}") from None


def _reject_secrets(value: Any, what: str, key: str = "") -> None:
    """Refuse credentials in data that is written to disk and shown in the UI."""
    if key.lower() in _SECRET_NAMES:
        raise ValueError(f"{what} must not contain credentials (found {key!r})")
    if isinstance(value, str) and _SECRET_VALUE.search(value):
        raise ValueError(f"{what} must not contain an API key")
    if isinstance(value, Mapping):
        for k, v in value.items():
            _reject_secrets(v, what, str(k))
    elif isinstance(value, (list, tuple)):
        for v in value:
            _reject_secrets(v, what)


@dataclass(frozen=True)
class JobSpec:
    """What to ask Tripo for. Everything in it is persisted in the journal, so: no secrets.

    ``kind`` is the client method name and ``params`` its keyword arguments (images as local
    paths, URLs, file tokens or task ids). ``outputs`` lists the output keys to download;
    ``None`` means the kind's own (:attr:`~.kinds.Kind.outputs`: the model and its thumbnail).
    ``meta`` is free-form for the Blender layer (target object, placement, import options).
    """

    kind: str
    params: Mapping[str, Any] = field(default_factory=dict)
    name: str = ""
    outputs: tuple[str, ...] | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in KINDS and self.kind not in RETIRED_KINDS:
            raise ValueError(f"unknown job kind {self.kind!r}; expected one of {sorted(KINDS)}")
        for what in ("params", "meta"):
            value = getattr(self, what)
            if not isinstance(value, Mapping):
                raise ValueError(f"{what} must be a mapping")
            plain = _json_normalised(value, what)
            _reject_secrets(plain, what)
            object.__setattr__(self, what, freeze(plain))
        if self.outputs is not None:
            if isinstance(self.outputs, str) or not all(isinstance(o, str) for o in self.outputs):
                raise ValueError("outputs must be a sequence of output keys such as 'pbr_model'")
            object.__setattr__(self, "outputs", tuple(self.outputs))
        if not isinstance(self.name, str):
            raise ValueError("name must be a string")
        _utf8(self.name, "name")

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form (used by the journal)."""
        return {
            "kind": self.kind,
            "name": self.name,
            "params": thaw(self.params),
            "outputs": list(self.outputs) if self.outputs is not None else None,
            "meta": thaw(self.meta),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> JobSpec:
        outputs = data.get("outputs")
        return cls(
            kind=data["kind"],
            params=data.get("params") or {},
            name=data.get("name") or "",
            outputs=tuple(outputs) if outputs is not None else None,
            meta=data.get("meta") or {},
        )


#: The longest text a :class:`JobError` field keeps in the job (and so in the journal, the events
#: and the Jobs panel). A server once sent a 1 MB ``error_message``: kept whole it made the journal
#: entry 1 MB and every redraw of the panel slow. Real messages are a sentence or two.
MAX_ERROR_CHARS = 2000
_TEXT_FIELDS = ("message", "suggestion", "trace_id", "detail")


@dataclass(frozen=True)
class JobError:
    """Why a job failed (or is uncertain), in the words of the API when it gave any.

    ``message`` is what the row shows first: plain words when the failure is a common one (no
    connection, a refused key, too few credits, server trouble: :mod:`.plain_errors`), else the
    API's or the exception's own text. ``detail`` is the technical text behind plain words (the
    route, the host, the HTTP status): only Copy Details shows it. ``code`` is the Tripo error
    code (2010, 1002…) or the task's ``error_code``; ``trace_id`` is what support asks for.

    ``full_text``: when a text (message, suggestion, trace id or detail) was longer than
    :data:`MAX_ERROR_CHARS`, the file that holds the whole error (JSON of the texts, written once
    by :meth:`~.journal.Journal.keep_full_error`); the fields here then end with a note that they
    were cut, and Copy Details reads the file.
    """

    message: str
    code: int | None = None
    suggestion: str | None = None
    trace_id: str | None = None
    detail: str | None = None
    full_text: str | None = None

    @property
    def too_long(self) -> bool:
        """Whether a text is longer than the job may keep (:meth:`bounded` cuts it)."""
        return any(len(getattr(self, name) or "") > MAX_ERROR_CHARS for name in _TEXT_FIELDS)

    def texts(self) -> dict[str, str | None]:
        """The texts, as :meth:`~.journal.Journal.keep_full_error` stores them."""
        return {name: getattr(self, name) for name in _TEXT_FIELDS}

    def bounded(self, full_text: str | None) -> JobError:
        """This error with each text cut to :data:`MAX_ERROR_CHARS` (and saying so); ``full_text``
        names the file with the whole texts (None: they could not be kept)."""
        where = "Copy Details copies all of it" if full_text else "the rest was not kept"
        return replace(
            self,
            message=_cut(self.message, where) or "",
            suggestion=_cut(self.suggestion, where),
            trace_id=_cut(self.trace_id, where),
            detail=_cut(self.detail, where),
            full_text=full_text,
        )

    def to_dict(self) -> dict[str, Any]:
        data = {
            "code": self.code,
            "message": self.message,
            "suggestion": self.suggestion,
            "trace_id": self.trace_id,
            "detail": self.detail,
        }
        if self.full_text:
            data["full_text"] = self.full_text
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> JobError:
        error = cls(
            message=str(data.get("message") or ""),
            code=data.get("code"),
            suggestion=data.get("suggestion"),
            trace_id=data.get("trace_id"),
            detail=data.get("detail") or None,
            full_text=data.get("full_text") or None,
        )
        # an entry written before texts were bounded: the job keeps them cut, like any other
        return error.bounded(error.full_text) if error.too_long else error


def _cut(text: str | None, where: str) -> str | None:
    """``text`` cut to :data:`MAX_ERROR_CHARS` in all, at a word, ending with how long it was."""
    if text is None or len(text) <= MAX_ERROR_CHARS:
        return text
    said = f" … [cut here: {len(text):,} characters in all; {where}]"
    room = MAX_ERROR_CHARS - len(said)
    head = text[:room]
    space = head.rfind(" ")
    if space > room // 2:
        head = head[:space]
    return head.rstrip() + said


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a job's history: when it entered ``state`` (or its note changed)."""

    at: float
    state: JobState
    note: str = ""

    def to_list(self) -> list[Any]:
        return [self.at, self.state.value, self.note]

    @classmethod
    def from_list(cls, data: Iterable[Any]) -> TimelineEntry:
        at, state, note = list(data)
        return cls(float(at), JobState(state), str(note))


@dataclass(frozen=True)
class Job:
    """An immutable snapshot of one job. The engine replaces it on every change.

    ``revision`` grows with each change, so a consumer (or the journal) can tell newer from
    older snapshots without comparing fields.
    """

    id: str
    spec: JobSpec
    state: JobState
    created_at: float
    updated_at: float
    note: str = ""
    task_id: str | None = None
    task_status: str | None = None  # the server's last reported status string
    # the task's type as the server reports it (``animate_rig``…): for a followed task the only
    # way to know what made it (its kind is ``import_task``), and what the context menu needs
    task_type: str | None = None
    # for a followed task: the few facts of the input the server echoed (FOLLOWED_INPUT_KEYS: the
    # rig's spec, the model version…) that the landing and the menu cannot learn from its kind
    task_input: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    # the last creation POST as it left (``route``, ``body``, local time ``at``, Tripo's clock
    # offset then): the request a task must echo to count as this job's (jobs.verify)
    request: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    # an uncertain job's search for its task (jobs.verify.Lookup.to_dict): phase, candidates…
    lookup: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    progress: int = 0
    # when the task began running, on this machine's clock (Tripo's ``created_at`` moved by the
    # server's clock offset; jobs.progress.task_start): the bar's rate and "N s so far" count
    # from it, also after a restart (journaled)
    task_started: float | None = None
    eta_seconds: int | None = None
    queue_position: int | None = None
    error: JobError | None = None
    files: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    result: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    objects: tuple[str, ...] = ()
    estimated_cost: int | None = None
    consumed_credit: float | None = None
    attempts: int = 0  # how many creation POSTs were sent for this job
    timeline: tuple[TimelineEntry, ...] = ()
    revision: int = 0
    api_version: int = API_VERSION  # 2: loaded from a journal written for the retired v2 API

    @property
    def kind(self) -> str:
        return self.spec.kind

    @property
    def name(self) -> str:
        return self.spec.name or self.spec.kind

    @property
    def retry_resends(self) -> bool:
        """Would :meth:`Runner.retry` send a new (paid) POST? The UI confirms only then.

        A job with a task the server did not report as failed is resumed instead (free): the
        download failed, the user cancelled the local wait, or polling was refused.
        """
        if self.state == JobState.UNCERTAIN or self.post_unsure:
            return False  # Retry first asks Tripo whether the task exists (jobs.verify): free
        if self.task_id is None:
            return True
        return self.task_status not in (None, "queued", "running", "success")

    @property
    def post_unsure(self) -> bool:
        """Its last creation POST may have created a task nobody has looked for yet: the job went
        ``uncertain`` after that POST and Tripo has not said "not created" since. Stays true when
        the uncertain job was then cancelled (dismissed): its Retry must still ask Tripo first."""
        if self.task_id is not None:
            return False
        verdict = None
        for entry in self.timeline:
            if entry.state == JobState.SUBMITTING:
                verdict = None
            elif entry.state == JobState.UNCERTAIN or entry.note == NOT_CREATED_NOTE:
                verdict = entry
        return verdict is not None and verdict.state == JobState.UNCERTAIN

    @property
    def may_send_again(self) -> bool:
        """Could a (confirmed) Retry ever send this job's POST again? Then its inputs must stay.
        An uncertain job too: when Tripo says its first POST created nothing, a Retry resends."""
        return self.can_retry and (self.retry_resends or self.state == JobState.UNCERTAIN or self.post_unsure)

    @property
    def task_gone(self) -> bool:
        """The service no longer knows this job's task (v2-era, or past Tripo's retention): its
        result cannot be fetched, and following it again would only ask once more."""
        return self.task_id is not None and self.error is not None and self.error.code == TASK_UNKNOWN_CODE

    @property
    def can_retry(self) -> bool:
        """Failed, cancelled or uncertain — except a followed task the server reported failed
        (this add-on never sent it, so it has nothing to send again), a kind Tripo retired, and
        a task made on the retired v2 API, which apiv3 can never know. (An apiv3 task the service
        does not know may belong to another API key: Retry looks again, for free.)"""
        if self.spec.kind == FOLLOW_KIND and self.retry_resends:
            return False
        if (self.task_gone and self.api_version < API_VERSION) or self.spec.kind in RETIRED_KINDS:
            return False
        return self.state in (JobState.FAILED, JobState.CANCELLED, JobState.UNCERTAIN)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON form for the journal. Contains nothing secret (specs refuse secrets)."""
        return {
            "job_id": self.id,
            "spec": self.spec.to_dict(),
            "state": self.state.value,
            "note": self.note,
            "task_id": self.task_id,
            "task_status": self.task_status,
            "task_type": self.task_type,
            "task_input": thaw(self.task_input),
            "request": thaw(self.request),
            "lookup": thaw(self.lookup),
            "progress": self.progress,
            "task_started": self.task_started,
            "error": self.error.to_dict() if self.error else None,
            "files": dict(self.files),
            "result": thaw(self.result),
            "objects": list(self.objects),
            "estimated_cost": self.estimated_cost,
            "consumed_credit": self.consumed_credit,
            "attempts": self.attempts,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "timeline": [e.to_list() for e in self.timeline],
            "revision": self.revision,
            "api": self.api_version,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Job:
        """Rebuild a job from :meth:`to_dict` output; raises KeyError/ValueError when damaged."""
        error = data.get("error")
        return cls(
            id=str(data["job_id"]),
            spec=JobSpec.from_dict(data["spec"]),
            state=JobState(data["state"]),
            created_at=float(data["created_at"]),
            updated_at=float(data.get("updated_at") or data["created_at"]),
            note=str(data.get("note") or ""),
            task_id=data.get("task_id"),
            task_status=data.get("task_status"),
            task_type=data.get("task_type"),
            task_input=freeze(followed_input(data.get("task_input") or {})),
            request=freeze(_mapping(data.get("request"))),
            lookup=freeze(_mapping(data.get("lookup"))),
            progress=int(data.get("progress") or 0),
            task_started=_seconds(data.get("task_started")),
            error=JobError.from_dict(error) if error else None,
            files=freeze({str(k): str(v) for k, v in (data.get("files") or {}).items()}),
            result=freeze(data.get("result") or {}),
            objects=tuple(str(o) for o in data.get("objects") or ()),
            estimated_cost=data.get("estimated_cost"),
            consumed_credit=data.get("consumed_credit"),
            attempts=int(data.get("attempts") or 0),
            timeline=tuple(TimelineEntry.from_list(e) for e in data.get("timeline") or ()),
            revision=int(data.get("revision") or 0),
            api_version=int(data.get("api") or 2),
        )


def _seconds(value: Any) -> float | None:
    """A journaled time in Unix seconds, or None (absent, or not a finite number)."""
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or value != value
        or value in (float("inf"), float("-inf"))
    ):
        return None
    return float(value)


def advance(job: Job, state: JobState | None = None, *, at: float, note: str | None = None, **changes: Any) -> Job:
    """Return ``job`` moved to ``state`` (default: unchanged) with ``changes`` applied.

    The only way the engine changes a job, so every move is checked against
    :data:`TRANSITIONS` and every state or note change lands in the timeline. Returns the same
    object when nothing changed, which is how callers throttle events and journal writes.
    """
    new_state = job.state if state is None else state
    if new_state != job.state and new_state not in TRANSITIONS[job.state]:
        raise InvalidTransition(f"job {job.id}: {job.state.value} → {new_state.value} is not allowed")
    new_note = job.note if note is None else note
    if "files" in changes:
        changes["files"] = freeze(dict(changes["files"]))
    for name in ("result", "request", "lookup"):
        if name in changes:
            changes[name] = freeze(thaw(changes[name]))
    if "task_input" in changes:
        changes["task_input"] = freeze(followed_input(changes["task_input"]))
    if "objects" in changes:
        changes["objects"] = tuple(changes["objects"])
    candidate = replace(job, state=new_state, note=new_note, **changes)
    if candidate == job:
        return job
    timeline = job.timeline
    if new_state != job.state or new_note != job.note:
        timeline = (timeline + (TimelineEntry(at, new_state, new_note),))[-_MAX_TIMELINE:]
    return replace(candidate, updated_at=at, timeline=timeline, revision=job.revision + 1)


#: Fields that change on every poll: shown live, but neither worth a journal write
#: (:mod:`.book`) nor a reason for a list of jobs to be filtered and sorted again
#: (:mod:`..blender.job_view`).
VOLATILE_FIELDS = frozenset({"progress", "eta_seconds", "queue_position", "updated_at", "revision"})
_SETTLED_FIELDS = tuple(name for name in Job.__dataclass_fields__ if name not in VOLATILE_FIELDS)


def intent_time(job: Job) -> float:
    """When the last creation POST was about to leave (the last ``submitting`` in the timeline)."""
    times = [entry.at for entry in job.timeline if entry.state == JobState.SUBMITTING]
    return times[-1] if times else job.created_at


def settled_change(old: Job, new: Job) -> bool:
    """Whether ``new`` differs from ``old`` beyond :data:`VOLATILE_FIELDS` (a state, a note, files…)."""
    for name in _SETTLED_FIELDS:
        before, after = getattr(old, name), getattr(new, name)
        if before is not after and before != after:  # advance() keeps unchanged values: mostly `is`
            return True
    return False


def select_outputs(spec: JobSpec, available: Iterable[str]) -> tuple[str, ...]:
    """Which output keys of a finished task to download, in order.

    ``available`` are the keys the task really has (with a URL). The default is the kind's own
    outputs (:attr:`~.kinds.Kind.outputs`), of which a model is one (the first the task has) and
    the rest each as present: never two variants of one mesh. A model that comes as several files
    (a retarget's ``model_urls``: ``model``, ``model_2``…, one per animation) is every one of them,
    wherever ``model`` is wanted: each is an animation that was paid for.
    """
    present = list(available)
    if spec.outputs is not None:
        return _with_model_parts(tuple(k for k in spec.outputs if k in present), present)
    record = KINDS.get(spec.kind)
    wanted = record.outputs if record is not None else (MODEL_OUTPUTS[0], THUMBNAIL_OUTPUT)
    chosen: list[str] = []
    if any(k in MODEL_OUTPUTS for k in wanted):
        chosen += [k for k in MODEL_OUTPUTS if k in present][:1]
    chosen += [k for k in wanted if k not in MODEL_OUTPUTS and k in present]
    return _with_model_parts(tuple(chosen), present)


def _with_model_parts(chosen: tuple[str, ...], present: Sequence[str]) -> tuple[str, ...]:
    """``chosen`` with the further files of its model (``model_2``…) right after ``model``."""
    if MODEL_OUTPUTS[0] not in chosen:
        return chosen
    parts = TaskOutput.further_models(present)
    at = chosen.index(MODEL_OUTPUTS[0]) + 1
    return (*chosen[:at], *parts, *(k for k in chosen[at:] if k not in parts))


def format_timeline(job: Job) -> list[str]:
    """One line per timeline entry, seconds relative to the job's creation (demo, logs, tooltips)::

    +0.00s  pending      waiting to be sent
    +0.02s  submitting   sending
    """
    width = max(len(s.value) for s in JobState)
    return [f"+{e.at - job.created_at:.2f}s  {e.state.value:<{width}}  {e.note}".rstrip() for e in job.timeline]
