"""Data models ``Task``, ``TaskOutput`` and ``Balance`` with *tolerant* parsing.

Why tolerant: the server adds output keys and statuses over time, and the docs warn that
``output`` may carry undocumented keys. SDK 0.3.0 raised ``KeyError`` on a missing field and
``ValueError`` on an unknown status (§8 #4, #14), which turns an API addition into a crash in the
middle of a paid job. Here a missing field gets a neutral default, an unknown status becomes
``TaskStatus.UNKNOWN`` (which is terminal), values of the wrong type are ignored, and extra output
keys are kept in ``TaskOutput.extra``; the whole raw dict stays in ``Task.raw``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from .config import get_logger
from .enums import RigType, TaskStatus

__all__ = ["Task", "TaskOutput", "Balance", "parse_status"]

log = get_logger()


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


def parse_status(value: Any) -> TaskStatus:
    """Map a wire status to :class:`TaskStatus`; anything unrecognised becomes UNKNOWN."""
    if isinstance(value, str):
        try:
            return TaskStatus(value.strip().lower())
        except ValueError:
            pass
    log.warning("Unrecognised task status %r; treating it as 'unknown' (final).", value)
    return TaskStatus.UNKNOWN


_OUTPUT_FIELDS = ("model", "base_model", "pbr_model", "rendered_image", "riggable", "rig_type", "generated_image", "topology")


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
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: Any) -> TaskOutput:
        if not isinstance(data, dict):
            return cls()
        extra = {k: v for k, v in data.items() if k not in _OUTPUT_FIELDS}
        rig_type: RigType | None = None
        raw_rig = data.get("rig_type")
        if isinstance(raw_rig, str):
            try:
                rig_type = RigType(raw_rig)
            except ValueError:
                extra["rig_type"] = raw_rig  # keep a value we cannot type rather than drop it
        riggable = data.get("riggable")
        return cls(
            model=_str(data.get("model")),
            base_model=_str(data.get("base_model")),
            pbr_model=_str(data.get("pbr_model")),
            rendered_image=_str(data.get("rendered_image")),
            riggable=riggable if isinstance(riggable, bool) else None,
            rig_type=rig_type,
            generated_image=_str(data.get("generated_image")),
            topology=_str(data.get("topology")),
            extra=extra,
        )


@dataclass
class Task:
    """A task as returned by ``GET /task/{id}``.

    Seed fields first (same order and meaning as SDK 0.3.0), then additions: ``consumed_credit``
    (what the task really cost; 0 for failed tasks), ``thumbnail``, ``trace_id`` (of the response
    this object was parsed from) and ``raw`` (the untouched ``data`` dict).
    ``running_left_time``/``queuing_num`` are passed through as sent; the server uses -1 for
    "not applicable".
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
    consumed_credit: float | None = None
    thumbnail: str | None = None
    trace_id: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def created_at(self) -> datetime.datetime:
        """The creation time as a (local, naive) datetime, like the SDK."""
        return datetime.datetime.fromtimestamp(self.create_time)

    @classmethod
    def from_dict(cls, data: Any, trace_id: str | None = None) -> Task:
        if not isinstance(data, dict):
            data = {}
        inp = data.get("input")
        error_msg = _str(data.get("error_msg")) or _str(data.get("error_message"))
        return cls(
            task_id=str(data.get("task_id") or ""),
            type=str(data.get("type") or ""),
            status=parse_status(data.get("status")),
            input=inp if isinstance(inp, dict) else {},
            output=TaskOutput.from_dict(data.get("output")),
            progress=max(0, min(100, _int(data.get("progress"), 0) or 0)),
            create_time=_int(data.get("create_time"), 0) or 0,
            running_left_time=_int(data.get("running_left_time")),
            queuing_num=_int(data.get("queuing_num")),
            error_code=_int(data.get("error_code")),
            error_msg=error_msg,
            consumed_credit=_float(data.get("consumed_credit")),
            thumbnail=_str(data.get("thumbnail")),
            trace_id=trace_id,
            raw=data,
        )


@dataclass
class Balance:
    """Credits: ``balance`` is spendable, ``frozen`` is held for tasks still running."""

    balance: float
    frozen: float

    @classmethod
    def from_dict(cls, data: Any) -> Balance:
        if not isinstance(data, dict):
            data = {}
        return cls(balance=_float(data.get("balance"), 0.0) or 0.0, frozen=_float(data.get("frozen"), 0.0) or 0.0)
