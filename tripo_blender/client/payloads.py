"""Pure pieces of apiv3 requests: the :class:`Request`, its JSON bytes, value checks, task ids.

Which fields a request carries and what each may hold is declared per route in :mod:`.routes`
(the records) and turned into bodies by :func:`.schema.build` (the one builder); this module has
what every route shares: :class:`Request` and :func:`encode_body` (the exact bytes), the checks a
field's value goes through (each raises ``ValueError`` naming the field), task ids (they go into
URL paths, so they are refused unless plain), the four multiview slots, the task-list body, the
refusal of what Tripo retired, and the note a refusal of a disputed field carries
(:func:`disputed_refusal`).

Shape rules the records rely on: ``retarget_animation`` sends ``animation`` for one preset (enum
or plain string) and ``animations`` for a list (1–5, no duplicates: each one is billed); multiview
``inputs`` are exactly four slots [front, left, back, right] with ``null`` for an empty one, or
``[{"task_id": …}]`` to reuse the views of an image-to-multiview task; edit-multiview's ``prompts``
are 1–4 ``{"view", "prompt"}`` with distinct views (:func:`view_prompts`).
"""

from __future__ import annotations

import enum
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from .enums import Animation
from .errors import TripoValidationError
from .models import VIEW_NAMES

__all__ = [
    "Body",
    "Request",
    "RETIRED_TYPES",
    "MAX_ANIMATIONS",
    "MAX_TASK_IDS",
    "SEED_MAX",
    "disputed_refusal",
    "encode_body",
    "retired",
    "validate_task_id",
    "is_task_id",
    "shown_task_id",
    "multiview_slots",
    "view_prompts",
    "animation_name",
    "check_input",
    "check_text",
    "check_int",
    "check_number",
    "check_bool",
    "check_choice",
    "check_version",
    "check_names",
    "list_tasks_body",
    "AnimationArg",
]


Body = dict[str, Any]
T = TypeVar("T")

#: Retarget takes at most this many presets per task (each billed).
MAX_ANIMATIONS = 5
MAX_TASK_IDS = 100
#: Seeds are 32-bit signed integers on the wire.
SEED_MAX = 2**31 - 1

_TASK_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")
_RETIRED_TEXT = (
    "{name} is no longer supported: Tripo retired this capability with its v2 API "
    "(shut down on 2026-10-31). No request was sent.{hint}"
)
_RETIRED_HINTS = {
    "refine_model": " Generate with a newer model version (v3.0 or v3.1) instead of refining a draft.",
    "stylize_model": "",
}
#: Capabilities Tripo retired with v2 (refine: generate with a v3.x model instead).
RETIRED_TYPES = frozenset(_RETIRED_HINTS)


@dataclass(frozen=True)
class Request:
    """One apiv3 call: ``POST <route>`` with ``body``. ``disputed`` pairs each field of the body that
    Tripo's own sources disagree on with what each source said (see :class:`.schema.Dispute`)."""

    route: str
    body: Body
    disputed: tuple[tuple[str, str], ...] = ()


def disputed_refusal(disputed: Sequence[tuple[str, str]]) -> tuple[str, str]:
    """What to add to a 1004 refusal of a request that sent disputed fields (:attr:`Request.disputed`):
    the sentence saying which source said what, and the suggestion."""
    said = "; ".join(dict.fromkeys(text for _, text in disputed))
    names = ", ".join(dict.fromkeys(name for name, _ in disputed))
    return (
        f"The request set {names}, which Tripo's sources disagree on: {said}.",
        f"Send it again without {names} (nothing was charged for the refused request).",
    )


# --------------------------------------------------------------------------- encoding


def encode_body(body: Mapping[str, Any]) -> bytes:
    """The exact request bytes: compact UTF-8 JSON. NaN/Infinity are rejected (not valid JSON)."""
    try:
        text = json.dumps(body, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"The request cannot be sent as JSON: {exc}") from None
    return text.encode("utf-8")


def retired(name: str) -> TripoValidationError:
    """The error for a capability Tripo retired (``refine_model``, ``stylize_model``)."""
    return TripoValidationError(_RETIRED_TEXT.format(name=name, hint=_RETIRED_HINTS.get(name, "")))


# --------------------------------------------------------------------------- validators


def is_task_id(value: Any) -> bool:
    """Whether ``value`` is a plain task id token (what :func:`validate_task_id` accepts)."""
    return isinstance(value, str) and _TASK_ID_RE.fullmatch(value) is not None


#: How much of a refused task id a message shows (a server may send anything, of any length).
_SHOWN_ID_CHARS = 64


def shown_task_id(value: Any) -> str:
    """A refused task id as a message may show it: quoted with every control character escaped
    (``' abc'``, ``'../../x'``, ``'a\\nb'``), cut to :data:`_SHOWN_ID_CHARS` characters."""
    if not isinstance(value, str):
        return f"a {type(value).__name__}"
    cut = value[:_SHOWN_ID_CHARS]
    return repr(cut) + ("…" if len(value) > len(cut) else "")


def validate_task_id(value: Any, name: str = "task_id") -> str:
    """A task id must be a plain token (UUIDs in practice): it also goes into URL paths."""
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name} must be a non-empty task id string.")
    if not is_task_id(value):
        raise ValueError(f"{name} does not look like a Tripo task id: {shown_task_id(value)}")
    return value


def check_input(value: Any, name: str) -> str:
    """A resolved input string (URL, file token or task id); see :mod:`.inputs`."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a task id, file token or URL.")
    return value


def check_text(value: Any, name: str, max_chars: int) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string, not {type(value).__name__}.")
    if not value.strip():
        raise ValueError(f"{name} is empty: describe what to generate.")
    if len(value) > max_chars:
        raise ValueError(f"{name} is {len(value)} characters long; Tripo accepts at most {max_chars}.")
    return value


def check_int(value: Any, name: str, minimum: int | None = None, maximum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be an integer, not {type(value).__name__}.")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}.")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum}, got {value}.")
    return value


def check_number(value: Any, name: str, minimum: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number.")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}.")
    return value


def check_bool(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be True or False, not {value!r}.")
    return value


def check_choice(value: Any, name: str, choices: Sequence[str], *, upper: bool = False) -> str:
    raw = value.value if isinstance(value, enum.Enum) else value
    if not isinstance(raw, str):
        raise ValueError(f"{name} must be one of {', '.join(choices)}; got {value!r}.")
    norm = raw.upper() if upper else raw
    if norm not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}; got {raw!r}.")
    return norm


def check_version(value: Any, name: str = "model_version") -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty string, not {value!r}.")
    return value


def check_names(value: Any) -> list[str]:
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise ValueError("part_names must be a list of part name strings.")
    names = list(value)
    for n in names:
        if not isinstance(n, str) or not n:
            raise ValueError("part_names must contain non-empty strings only.")
    return names


def multiview_slots(images: Sequence[T]) -> list[T | None]:
    """Normalise multiview input to exactly four slots [front, left, back, right].

    A shorter list is padded with empty slots at the end. Front is mandatory and the docs ask for
    at least two real views.
    """
    if isinstance(images, (str, bytes)) or not isinstance(images, Sequence):
        raise ValueError("images must be a list of up to 4 images in the order [front, left, back, right].")
    slots: list[T | None] = list(images)
    if len(slots) > 4:
        raise ValueError(f"images has {len(slots)} entries; multiview takes at most 4: [front, left, back, right].")
    slots += [None] * (4 - len(slots))
    if slots[0] is None:
        raise ValueError("The front view (images[0]) is required for multiview_to_model.")
    if sum(s is not None for s in slots) < 2:
        raise ValueError(
            "multiview_to_model needs at least 2 views (front plus left, back or right); "
            "use image_to_model for one image."
        )
    return slots


#: The longest edit prompt of one view (Tripo's API schema, like a generation's prompt).
MAX_VIEW_PROMPT = 1024


def view_prompts(value: Any, name: str = "prompts") -> list[dict[str, str]]:
    """Edit-multiview's prompts as the wire carries them: ``[{"view", "prompt"}]`` in front, left,
    back, right order, from a dict ``{view: prompt}`` (a form's four fields) or the SDKs' list of
    ``{"view", "prompt"}``. A view whose prompt is empty is not edited (an empty field of a form),
    so it is left out; an unknown view, a view given twice, or no prompt at all is refused,
    naming the views: Tripo would refuse them too (1004), and nothing is sent."""
    if isinstance(value, Mapping):
        pairs = list(value.items())
    elif isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        if not all(isinstance(item, Mapping) and set(item) <= {"view", "prompt"} for item in value):
            raise ValueError(f"{name} must be a dict {{view: prompt}} or a list of {{'view': …, 'prompt': …}}.")
        pairs = [(item.get("view"), item.get("prompt")) for item in value]
    else:
        raise ValueError(
            f"{name} must be a dict {{view: prompt}} (views: {', '.join(VIEW_NAMES)}), not {type(value).__name__}."
        )
    given: dict[str, str] = {}
    for view, prompt in pairs:
        if view not in VIEW_NAMES:
            raise ValueError(f"{name} names an unknown view {view!r}: the views are {', '.join(VIEW_NAMES)}.")
        if view in given:
            raise ValueError(f"{name} gives the {view} view twice: one prompt per view.")
        if prompt is not None and not isinstance(prompt, str):
            raise ValueError(f"{name}: the {view} view's prompt must be a string, not {type(prompt).__name__}.")
        text = (prompt or "").strip()
        if len(text) > MAX_VIEW_PROMPT:
            raise ValueError(
                f"{name}: the {view} view's prompt is {len(text)} characters long; Tripo accepts at "
                f"most {MAX_VIEW_PROMPT}."
            )
        given[view] = text
    if not any(given.values()):
        raise ValueError(f"{name} has no prompt: say what to change in at least one view ({', '.join(VIEW_NAMES)}).")
    return [{"view": view, "prompt": given[view]} for view in VIEW_NAMES if given.get(view)]


# --------------------------------------------------------------------------- tasks


def list_tasks_body(task_ids: Sequence[str]) -> Body:
    """``POST /v3/tasks/list`` takes 1–100 task ids."""
    if isinstance(task_ids, str) or not isinstance(task_ids, Sequence):
        raise ValueError("task_ids must be a list of task id strings.")
    ids = [validate_task_id(t) for t in task_ids]
    if not ids:
        raise ValueError("task_ids is empty; pass at least one task id.")
    if len(ids) > MAX_TASK_IDS:
        raise ValueError(f"{len(ids)} task ids given; Tripo lists at most {MAX_TASK_IDS} per request.")
    return {"task_ids": ids}


def animation_name(value: Any) -> str:
    """A preset animation's wire name: an :class:`Animation` or a plain ``"preset:…"`` string."""
    raw = value.value if isinstance(value, Animation) else value
    if not isinstance(raw, str) or not raw.startswith("preset:") or any(ch.isspace() for ch in raw):
        raise ValueError(f"Each animation must be an Animation or a preset name like 'preset:walk', got {value!r}.")
    return raw


# Public alias used in type hints of the client: what ``retarget_animation`` accepts.
AnimationArg = Animation | str | Sequence[Animation | str]
