"""Data models ``Task``, ``TaskOutput``, ``Balance`` (SDK 0.3.0's, docs/sdk-surface.md#data-models) and apiv3's
``BatchTaskResult``, ``TaskUsageItem`` and ``PresignedUpload``, with *tolerant* parsing.

Why tolerant: the server adds output keys and statuses over time, and apiv3 renamed fields
(``created_at`` instead of ``create_time``, ``credits_consumed``, ``error_message``, ``*_url``
outputs). SDK 0.3.0 raised ``KeyError`` on a missing field and ``ValueError`` on an unknown
status, which turns an API change into a crash in the middle of a paid job. Here a missing field
gets a neutral default, an unknown status becomes ``TaskStatus.UNKNOWN``, values of the wrong type
are ignored, and extra output keys are kept in ``TaskOutput.extra``; the whole raw dict stays in
``Task.raw``.

SDK 0.3.0's output fields keep working on apiv3, as in the official SDK 1.0.0: apiv3 returns one
``model_url``, which ``model`` and ``pbr_model`` both name; ``rendered_image`` is
``rendered_image_url``. :meth:`TaskOutput.files` lists each downloadable file once.

Where Tripo's official sources disagree on a shape (docs/sources.md), every shape they show is
read here, decided by what arrives, so nothing above this module sees two: the task list as
``{"tasks": {id: task}, "missed": [...]}`` (Python SDK) or ``{"tasks": [task, ...]}`` (JS, Go and
Rust SDKs, no ``missed``: :meth:`BatchTaskResult.unanswered` names the ids such an answer left
out, for the caller to ask one by one); ``credits_consumed`` as a number or a decimal string
(``"12.50"``: never truncated); ``completed_at``, ``running_left_time`` and ``queuing_num``
present or not; ``splat_url`` and ``depth_image_url`` outputs.

A retarget of several animations may answer ``model_urls`` (one file per animation, in the order
they were asked for: Tripo's JS/Go/Rust SDKs), with or without ``model_url``. ``TaskOutput``
reads the two once (:meth:`TaskOutput.from_dict`) and everything else asks ``model_urls``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .config import get_logger
from .enums import RigType, TaskStatus
from .timestamps import parse_time

__all__ = [
    "Task",
    "TaskOutput",
    "Balance",
    "BatchTaskResult",
    "TaskUsageItem",
    "PresignedUpload",
    "parse_status",
    "FILE_OUTPUTS",
    "VIEW_NAMES",
    "format_credits",
]

log = get_logger()

VIEW_NAMES = ("front", "left", "back", "right")
#: Downloadable outputs in the order :meth:`TaskOutput.files` lists them: the key it uses, and
#: the attribute holding the URL.
FILE_OUTPUTS: tuple[tuple[str, str], ...] = (
    ("model", "model_url"),
    ("base_model", "base_model"),
    ("rendered_image", "rendered_image"),
    ("generated_image", "generated_image"),
    *((f"{view}_view", f"{view}_view_url") for view in VIEW_NAMES),
    ("uv_render", "uv_render_url"),
    ("depth_image", "depth_image_url"),
    ("rendered_video", "rendered_video_url"),
    ("splat", "splat_url"),
)


def _int(value: Any, default: int | None = None) -> int | None:
    """An int from an int/float/numeric string; ``default`` otherwise (bools are not numbers)."""
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(float(value))
        except ValueError:
            return default
    return default


def _float(value: Any, default: float | None = None) -> float | None:
    if isinstance(value, bool):
        return default
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return default
    return default


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _first(data: dict[str, Any], *keys: str) -> str | None:
    for key in keys:
        found = _str(data.get(key))
        if found:
            return found
    return None


def _epoch(value: Any) -> int:
    """Unix seconds from an apiv3 ISO-8601 time (``2026-10-15T00:00:00Z``, any form :func:`.timestamps.parse_time`
    reads) or a v2 number; 0 if neither."""
    number = _int(value)
    if number is not None:
        return number
    seconds = parse_time(value)
    return int(seconds) if seconds is not None else 0


def format_credits(value: float) -> str:
    """Credits as the user reads them: whole numbers plain (``30``), decimals with up to the two
    places Tripo uses (``12.5``, ``47725.25``) — never rounded to fewer significant digits the
    way ``:g`` does (``47725.25`` → ``47725.2``) nor truncated to an integer."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def parse_status(value: Any) -> TaskStatus:
    """Map a wire status to :class:`TaskStatus`; anything unrecognised becomes UNKNOWN."""
    if isinstance(value, str):
        try:
            return TaskStatus(value.strip().lower())
        except ValueError:
            pass
    log.warning("Unrecognised task status %r; treating it as 'unknown'.", value)
    return TaskStatus.UNKNOWN


#: The output field of an image-to-multiview task holding the four views (named like its task type).
_VIEWS_KEY = "generate_multiview_image"
_OUTPUT_KEYS = frozenset(
    {
        "model",
        "model_url",
        "model_urls",
        "pbr_model",
        "pbr_model_url",
        "base_model",
        "base_model_url",
        "rendered_image",
        "rendered_image_url",
        "riggable",
        "rig_type",
        "topology",
        "generated_image",
        "generated_image_url",
        "image",
        "image_url",
        _VIEWS_KEY,
        "uv_render_url",
        "depth_image_url",
        "rendered_video_url",
        "splat_url",
        *(f"{view}_view_url" for view in VIEW_NAMES),
    }
)


def _model_urls(listed: Any, model_url: str | None) -> list[str]:
    """The model files of a task: ``model_urls`` when the service sent that list (strings only,
    each once), else ``[model_url]``.

    Why the list wins when both arrive: it is the set of files, one per animation in request order
    (the JS SDK's own example reads ``model_urls ?? [model_url]``), while Go's ``PrimaryModelURL``
    shows ``model_url`` as the *primary* of the same files — the first clip again, or a file that
    bundles every clip. Downloading it as well would land each animation twice (and download a
    file twice) with nothing gained; it stays readable as :attr:`TaskOutput.model_url`.
    """
    urls = [u for u in listed if isinstance(u, str) and u] if isinstance(listed, list) else []
    if urls:
        return list(dict.fromkeys(urls))
    return [model_url] if model_url else []


@dataclass
class TaskOutput:
    """What a finished task produced. URL fields are signed CDN links that expire (re-``get_task``
    for fresh ones). ``extra`` keeps keys this client does not know, so nothing the server sends
    is lost."""

    model: str | None = None
    base_model: str | None = None
    pbr_model: str | None = None
    rendered_image: str | None = None
    riggable: bool | None = None
    rig_type: RigType | None = None
    generated_image: str | None = None
    topology: str | None = None
    # apiv3 names (SDK 0.3.0's fields above are aliases of these where they overlap)
    model_url: str | None = None
    #: Every model file, one per animation of a retarget (see :meth:`from_dict`); ``[model_url]``
    #: for a task that names one.
    model_urls: list[str] = field(default_factory=list)
    rendered_image_url: str | None = None
    generated_image_url: str | None = None
    front_view_url: str | None = None
    left_view_url: str | None = None
    back_view_url: str | None = None
    right_view_url: str | None = None
    uv_render_url: str | None = None
    depth_image_url: str | None = None
    rendered_video_url: str | None = None
    splat_url: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def image(self) -> str | None:
        """The official SDK 1.0.0's name for the generated image."""
        return self.generated_image

    def files(self) -> dict[str, str]:
        """Every downloadable output, ``{key: url}`` in :data:`FILE_OUTPUTS` order, each URL once
        (``model``/``pbr_model`` are one file on apiv3; a ``base_model`` equal to it is left out).
        Several model files are ``model``, ``model_2``, ``model_3``… in :attr:`model_urls` order
        (:meth:`model_key`). An output built by hand with only SDK 0.3.0's names
        (``TaskOutput(pbr_model=…)``) counts too."""
        found: dict[str, str] = {}
        for key, attribute in FILE_OUTPUTS:
            url = getattr(self, attribute)
            if key == "model":
                models = self.model_urls or [u for u in (url or self.model or self.pbr_model,) if u]
                for index, model in enumerate(dict.fromkeys(models)):
                    found[self.model_key(index)] = model
                continue
            if key == "rendered_image":
                url = url or self.rendered_image_url
            if url and url not in found.values():
                found[key] = url
        return found

    @staticmethod
    def model_key(index: int) -> str:
        """The :meth:`files` key of the ``index``-th model file: ``model``, then ``model_2``…"""
        return "model" if index == 0 else f"model_{index + 1}"

    @staticmethod
    def model_index(key: str) -> int | None:
        """The position of a :meth:`files` model key (``model`` 0, ``model_2`` 1…); None for others."""
        if key == "model":
            return 0
        head, _, number = key.partition("_")
        return int(number) - 1 if head == "model" and number.isdigit() and int(number) >= 2 else None

    @classmethod
    def further_models(cls, keys: Iterable[str]) -> list[str]:
        """The keys of further model files among ``keys`` (``model_2``, ``model_3``…), in order."""
        return sorted((k for k in keys if (cls.model_index(k) or 0) > 0), key=lambda k: cls.model_index(k) or 0)

    @classmethod
    def from_dict(cls, data: Any) -> TaskOutput:
        if not isinstance(data, dict):
            return cls()
        extra = {k: v for k, v in data.items() if k not in _OUTPUT_KEYS}
        views = data.get(_VIEWS_KEY)
        views = views if isinstance(views, dict) else {}
        raw_rig = _str(data.get("rig_type")) or _str(data.get("topology"))
        rig_type: RigType | None = None
        if raw_rig is not None:
            try:
                rig_type = RigType(raw_rig)
            except ValueError:
                extra["rig_type"] = raw_rig  # keep a value we cannot type rather than drop it
        riggable = data.get("riggable")
        model_url = _first(data, "model_url", "pbr_model_url", "model", "pbr_model")
        model_urls = _model_urls(data.get("model_urls"), model_url)
        model_url = model_url or (model_urls[0] if model_urls else None)
        rendered = _first(data, "rendered_image_url", "rendered_image")
        image = _first(data, "generated_image_url", "generated_image", "image_url", "image")
        return cls(
            model=_first(data, "model", "model_url", "pbr_model_url") or model_url,
            base_model=_first(data, "base_model", "base_model_url"),
            pbr_model=_first(data, "pbr_model", "pbr_model_url", "model_url") or model_url,
            rendered_image=rendered,
            riggable=riggable if isinstance(riggable, bool) else None,
            rig_type=rig_type,
            generated_image=image,
            topology=_str(data.get("topology")),
            model_url=model_url,
            model_urls=model_urls,
            rendered_image_url=rendered,
            generated_image_url=image,
            **{
                f"{view}_view_url": _str(views.get(f"{view}_view_url")) or _str(data.get(f"{view}_view_url"))
                for view in VIEW_NAMES
            },
            uv_render_url=_str(data.get("uv_render_url")),
            depth_image_url=_str(data.get("depth_image_url")),
            rendered_video_url=_str(data.get("rendered_video_url")),
            splat_url=_str(data.get("splat_url")),
            extra=extra,
        )


@dataclass
class Task:
    """A task as returned by ``GET /v3/tasks/{id}``.

    Seed fields first (same order and meaning as SDK 0.3.0; ``create_time`` is computed from
    apiv3's ISO ``created_at``), then additions: ``completed_at`` (ISO text, once final),
    ``credits_consumed`` (what the task really cost; 0 for failed tasks; may be fractional),
    ``trace_id`` (of the response this object was parsed from) and ``raw`` (the untouched
    ``data`` dict). ``running_left_time``/``queuing_num`` are optional on apiv3 (usually absent).
    """

    task_id: str
    type: str
    status: TaskStatus
    input: dict[str, Any]
    output: TaskOutput
    progress: int
    create_time: int
    running_left_time: int | None = None
    queuing_num: int | None = None
    error_code: int | None = None
    error_msg: str | None = None
    completed_at: str | None = None
    credits_consumed: float | None = None
    trace_id: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def created_at(self) -> datetime.datetime:
        """The creation time as a (local, naive) datetime, like the SDK."""
        return datetime.datetime.fromtimestamp(self.create_time)

    @property
    def error_message(self) -> str | None:
        """apiv3's name for :attr:`error_msg`."""
        return self.error_msg

    @property
    def completed_time(self) -> int | None:
        """:attr:`completed_at` as Unix seconds (any ISO 8601 form); None when absent or unreadable."""
        return _epoch(self.completed_at) or None

    @classmethod
    def from_dict(cls, data: Any, trace_id: str | None = None, *, task_id: str | None = None) -> Task:
        """``task_id``: the id the task was asked by, used when the object itself names none."""
        if not isinstance(data, dict):
            data = {}
        inp = data.get("input")
        created = data.get("create_time")
        return cls(
            task_id=str(data.get("task_id") or task_id or ""),
            type=str(data.get("type") or ""),
            status=parse_status(data.get("status")),
            input=inp if isinstance(inp, dict) else {},
            output=TaskOutput.from_dict(data.get("output")),
            progress=max(0, min(100, _int(data.get("progress"), 0) or 0)),
            create_time=_epoch(created if created is not None else data.get("created_at")),
            running_left_time=_int(data.get("running_left_time")),
            queuing_num=_int(data.get("queuing_num")),
            error_code=_int(data.get("error_code")),
            error_msg=_str(data.get("error_message")) or _str(data.get("error_msg")),
            completed_at=_str(data.get("completed_at")),
            credits_consumed=_float(data.get("credits_consumed"), _float(data.get("consumed_credit"))),
            trace_id=trace_id,
            raw=data,
        )


@dataclass
class Balance:
    """Credits: ``balance`` is spendable, ``frozen`` is held for tasks still running. apiv3 may send
    either as a decimal string (``"47725.00"``) and ``frozen`` as null."""

    balance: float
    frozen: float

    @classmethod
    def from_dict(cls, data: Any) -> Balance:
        if not isinstance(data, dict):
            data = {}
        return cls(balance=_float(data.get("balance"), 0.0) or 0.0, frozen=_float(data.get("frozen"), 0.0) or 0.0)


@dataclass
class BatchTaskResult:
    """``POST /v3/tasks/list``: the tasks the service knows, by id, and the ids it does not
    (``missed``: wrong id, another key's task, or past Tripo's retention).

    Read from either shape an official SDK shows (docs/sources.md#task-list): ``tasks`` as a dict by
    id with ``missed`` (Python SDK 1.0.0), or as an array of task objects, each naming its own
    ``task_id``, with no ``missed`` (JS, Go and Rust SDKs). An id in neither list is not known to
    be missing: :meth:`unanswered` names those, for the caller to ask with ``GET /v3/tasks/{id}``.
    """

    tasks: dict[str, Task]
    missed: list[str] = field(default_factory=list)

    def unanswered(self, task_ids: Iterable[str]) -> list[str]:
        """The ids of ``task_ids`` the answer says nothing about (neither a task nor ``missed``)."""
        return [t for t in task_ids if t not in self.tasks and t not in self.missed]

    @classmethod
    def from_dict(cls, data: Any, trace_id: str | None = None) -> BatchTaskResult:
        if not isinstance(data, dict):
            data = {}
        raw_tasks = data.get("tasks")
        tasks: dict[str, Task] = {}
        if isinstance(raw_tasks, dict):
            for key, payload in raw_tasks.items():
                if isinstance(payload, dict):
                    tasks[str(key)] = Task.from_dict(payload, trace_id, task_id=str(key))
        elif isinstance(raw_tasks, list):
            for payload in raw_tasks:
                task = Task.from_dict(payload, trace_id) if isinstance(payload, dict) else None
                if task is not None and task.task_id:  # an object naming no id answers for no one
                    tasks.setdefault(task.task_id, task)
        missed = data.get("missed")
        return cls(tasks=tasks, missed=[str(m) for m in missed] if isinstance(missed, list) else [])


@dataclass
class TaskUsageItem:
    """One row of ``GET /v3/account/usage``: a task and what it cost. ``input``: the request the
    task was made with, when the service echoes it in usage rows (the documented row has none:
    None then, not ``{}``)."""

    task_id: str
    type: str | None = None
    status: str | None = None
    created_at: str | None = None
    credits_consumed: float | None = None
    input: dict[str, Any] | None = None

    @property
    def created(self) -> float | None:
        """``created_at`` in Unix seconds (:func:`.timestamps.parse_time`), None if absent or unreadable."""
        return parse_time(self.created_at)

    @classmethod
    def from_dict(cls, data: Any) -> TaskUsageItem:
        if not isinstance(data, dict):
            data = {}
        echoed = data.get("input")
        return cls(
            task_id=str(data.get("task_id") or ""),
            type=_str(data.get("type")),
            status=_str(data.get("status")),
            created_at=_str(data.get("created_at")),
            credits_consumed=_float(data.get("credits_consumed")),
            input=echoed if isinstance(echoed, dict) else None,
        )


@dataclass
class PresignedUpload:
    """``POST /v3/files/presign``: where to ``PUT`` the bytes, and the token to use afterwards."""

    file_token: str
    upload_url: str
    expires_in: int | None = None

    @classmethod
    def from_dict(cls, data: Any) -> PresignedUpload:
        if not isinstance(data, dict):
            data = {}
        return cls(
            file_token=_first(data, "file_token") or "",
            upload_url=_first(data, "presigned_url", "upload_url") or "",
            expires_in=_int(data.get("expires_in")),
        )
