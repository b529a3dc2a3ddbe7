"""The shape of a route record, and the one request builder that reads the records.

Why one declarative record per apiv3 route (:mod:`.routes` holds them): an option's facts — its
name, type, default, allowed values or range, the model versions that take or refuse it, what it
adds to the price, what Tripo's sources disagree on, its label and tooltip — used to be written in
the client's signatures, its request builders, the generate form's rules, the right-click dialogs
and the pricing, each a copy. Now each is written once, in a :class:`Field`, and everything else
reads it: :func:`build` turns a client call into the request the *server* expects, the form and
the dialogs take their menus, defaults, ranges and greyed-out reasons from the same fields, and
the pricing its surcharges. The model is Blender's own ``bl_pkg``, which keeps the whole
extension-manifest schema in one table and asserts it against the code that uses it (here
:func:`.routes.check_signature` asserts each ``TripoClient`` method against its route).

Which fields :func:`build` sends — the rule (the official SDK 1.0.0's, so our bodies equal its):

1. **Required fields are always sent** (``required``), and so is a field with ``fill``: ``None``
   then means the field's default (the generation and rig versions, which apiv3 requires or the
   seed always sent).
2. **Everything else is sent only when it differs from the value Tripo assumes** (``implicit``,
   by default the field's ``default``). ``None`` is never sent; no JSON ``null`` goes out except
   for an empty multiview slot. Leaving a field out lets the server apply its default, and on
   ``convert`` any option sent moves the task into the pricier "complex convert" tier.
3. The value goes on the wire under ``wire`` (dotted: nested, ``texture_prompt.text``), through
   ``encode`` where the wire type differs (``compress=True`` is ``"geometry"``).
4. **Version gates** (:class:`Gate`): where a source is explicit about which model versions take a
   field or a value (P1 + quad → 400; ``delight`` exists on texture v3.5 only), a request that
   breaks it is refused before sending, with the reason.
5. **Disputes** (:class:`Dispute`): where Tripo's own sources disagree or are silent, the field is
   sent and the service answers — a refusal costs nothing (400/1004, no task) — and the request
   carries what each source said, for the refusal's message (:func:`.payloads.disputed_refusal`).
6. Retired versions are rewritten (``Route.rewrites``, as the SDK and v2 did); versions Tripo
   announced as retired are refused (``Route.retired``); other unknown versions are sent.

Pure: no I/O, no network. Inputs arrive already resolved to wire strings (URL, ``file_…`` token or
task id); :func:`.routes.check` resolves a call's inputs to placeholders to validate it whole.
"""

from __future__ import annotations

import enum
import fnmatch
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from . import payloads
from .config import get_logger
from .payloads import Body, Request

__all__ = [
    "ValueKind",
    "InputKind",
    "Choice",
    "Gate",
    "Dispute",
    "Field",
    "Version",
    "Route",
    "Rule",
    "UNSET",
    "build",
    "version_of",
    "matches",
    "gate_problem",
    "defaults",
]

log = get_logger()

#: How a field's value is checked and written (see :func:`_checked`).
ValueKind = Literal[
    "bool",
    "int",
    "number",
    "text",
    "string",
    "choice",
    "version",
    "input",
    "inputs",
    "names",
    "views",
    "animation",
    "retired",
    "object",
    "view_prompts",
]
#: How a client method resolves an input field before sending: an image, a post-process's model
#: source (task id, file token, URL or local model file), a task id only, a model file only (no
#: task), the four multiview slots, or a list of images (image-to-image's more references).
InputKind = Literal["image", "images", "model", "task", "model_file", "views"]
#: A rule over several fields of one request: the values (defaults filled in) → a problem, or None.
Rule = Callable[[Mapping[str, Any]], "str | None"]


class _Unset(enum.Enum):
    UNSET = "unset"


#: "Not sent": what :func:`_sent` answers for a value Tripo assumes anyway.
UNSET = _Unset.UNSET
_SAME = object()


@dataclass(frozen=True)
class Choice:
    """One allowed value of a choice field, with its menu label and tooltip."""

    value: str
    label: str = ""
    description: str = ""

    @property
    def name(self) -> str:
        return self.label or self.value


@dataclass(frozen=True)
class Gate:
    """Which model versions take a field (or some of its values), where a source says so.

    ``versions`` are patterns (``fnmatch``, case-insensitive: ``"P1-*"``); ``accepts=True`` means
    only those versions take it, ``False`` that those refuse it. ``values``: the values concerned
    (None: any value that is sent). ``why`` explains a refusal; ``needs`` says in words what an
    ``accepts`` gate needs ("a banana model"; default: the versions); ``source`` names who said it.
    """

    versions: tuple[str, ...]
    accepts: bool = True
    values: tuple[Any, ...] | None = None
    why: str = ""
    source: str = ""
    needs: str = ""

    def concerns(self, value: Any) -> bool:
        return self.values is None or _plain(value) in self.values

    def allows(self, version: str | None) -> bool:
        """Whether ``version`` (None: unknown) may carry what this gate concerns."""
        if version is None:
            return True
        return matches(version, self.versions) == self.accepts


@dataclass(frozen=True)
class Dispute:
    """Where Tripo's official sources disagree on a field (or some of its values, or with some
    versions): sent as asked, and ``said`` — which source said what — goes with the request so a
    refusal can say it. ``when`` narrows it further (e.g. an empty multiview slot)."""

    said: str
    values: tuple[Any, ...] | None = None
    versions: tuple[str, ...] | None = None
    when: Callable[[Any], bool] | None = None

    def applies(self, value: Any, version: str | None) -> bool:
        if self.values is not None and _plain(value) not in self.values:
            return False
        if self.versions is not None and (version is None or not matches(version, self.versions)):
            return False
        return self.when is None or self.when(value)


@dataclass(frozen=True)
class Field:
    """One request option: what the client takes, what goes on the wire, and what it means.

    ``default``: the client method's default (its signature reads it from here). ``implicit``: the
    value Tripo assumes when the field is absent, so it is not sent (default: ``default``).
    ``choices``/``low``/``high``/``max_chars``: what is allowed. ``price``: credits a value adds
    (None: unpublished, so the total is unknown). ``applies_with``: ``(other field, values)`` when
    the option means something only with one of those values of another (a preset for FBX only);
    forms grey it out otherwise and do not send it. ``form_default``: the value the add-on's own
    forms start with when it differs from the client's (``None`` defaults are shown as 0 or
    "Default"). ``input``: how a client method resolves this input before sending.
    """

    name: str
    kind: ValueKind
    default: Any = None
    label: str = ""
    description: str = ""
    implicit: Any = _SAME
    choices: tuple[Choice, ...] = ()
    upper: bool = False
    low: float | None = None
    high: float | None = None
    positive: bool = False
    max_chars: int | None = None
    required: bool = False
    fill: bool = False
    wire: str = ""
    encode: Mapping[Any, Any] = field(default_factory=dict)
    gates: tuple[Gate, ...] = ()
    disputes: tuple[Dispute, ...] = ()
    price: Mapping[Any, int | None] = field(default_factory=dict)
    retired: str = ""
    input: InputKind | None = None
    omit_nonpositive: bool = False
    form_default: Any = _SAME
    applies_with: tuple[str, tuple[Any, ...]] | None = None

    def __post_init__(self) -> None:
        if self.implicit is _SAME:
            object.__setattr__(self, "implicit", self.default)
        if self.form_default is _SAME:
            object.__setattr__(self, "form_default", self.default)
        object.__setattr__(self, "encode", MappingProxyType(dict(self.encode)))
        object.__setattr__(self, "price", MappingProxyType(dict(self.price)))

    @property
    def values(self) -> tuple[str, ...]:
        """The allowed values of a choice field, in menu order."""
        return tuple(c.value for c in self.choices)

    @property
    def wire_name(self) -> str:
        return self.wire or self.name

    @property
    def title(self) -> str:
        """The label, or the name made readable."""
        return self.label or self.name.replace("_", " ").title()

    def applies(self, values: Mapping[str, Any]) -> bool:
        """Whether this option means anything with ``values`` of the other fields (``applies_with``)."""
        if self.applies_with is None:
            return True
        other, wanted = self.applies_with
        return _plain(values.get(other)) in wanted

    def choice(self, value: Any) -> Choice | None:
        return next((c for c in self.choices if c.value == _plain(value)), None)

    def offered(self, version: str | None, value: Any = None) -> bool:
        """Whether ``version`` takes this field (or ``value`` of it; the value Tripo assumes is
        always fine, it is not sent): no gate refuses it. Forms grey out what is not offered;
        :func:`build` refuses it."""
        if value is not None and _plain(value) == _plain(self.implicit):
            return True
        return all(gate.allows(version) for gate in self.gates if value is None or gate.concerns(value))

    def refusing(self, version: str | None, value: Any = None) -> Gate | None:
        """The first gate refusing this field (or ``value`` of it) with ``version``, if any."""
        if not self.offered(version, value):
            return next(g for g in self.gates if (value is None or g.concerns(value)) and not g.allows(version))
        return None

    def gate_for(self, value: Any = None) -> Gate | None:
        """The first gate concerning ``value`` (None: any value) of this field, if any."""
        return next((gate for gate in self.gates if value is None or gate.concerns(value)), None)


@dataclass(frozen=True)
class Version:
    """One model version of a route: its id, menu label and tooltip, family (``P`` for the P series,
    ``H3`` for v3.x, ``H2`` for v2.5…), the documented face-limit range (None: not documented) and
    whether Tripo published its price."""

    id: str
    label: str = ""
    description: str = ""
    family: str = ""
    max_faces: int | None = None
    min_faces: int = 1
    priced: bool = True

    @property
    def name(self) -> str:
        return self.label or self.id


@dataclass(frozen=True)
class Route:
    """One apiv3 creation route.

    ``task_type``: what apiv3 calls its tasks (v2's ``type`` name; ``create_task`` routes by it).
    ``method``: the :class:`~.client.TripoClient` method that sends it (= the job kind; None: no
    method yet). ``fields`` in the method's keyword names. ``versions``: the model versions this
    add-on knows, newest first; ``version_field`` the field carrying one; ``server_version`` what
    Tripo uses when none is sent; ``rewrites`` retired versions sent as their successor;
    ``retired`` versions Tripo announced as gone, with when and who said so. ``rules``: checks over
    several fields, refused before sending (a problem sentence, or None). ``model_word``: what the
    add-on's dialogs call this route's model ("texture model").
    """

    task_type: str
    path: str
    fields: tuple[Field, ...]
    method: str | None = None
    label: str = ""
    versions: tuple[Version, ...] = ()
    version_field: str = "model_version"
    server_version: str | None = None
    rewrites: Mapping[str, str] = field(default_factory=dict)
    retired: Mapping[str, str] = field(default_factory=dict)
    rules: tuple[Rule, ...] = ()
    model_word: str = "model"

    def __post_init__(self) -> None:
        names = [f.name for f in self.fields]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.task_type}: a field is listed twice: {names}")
        object.__setattr__(self, "rewrites", MappingProxyType(dict(self.rewrites)))
        object.__setattr__(self, "retired", MappingProxyType(dict(self.retired)))

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def version_ids(self) -> tuple[str, ...]:
        return tuple(v.id for v in self.versions)

    def field(self, name: str) -> Field:
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        raise KeyError(f"{self.task_type} has no field {name!r}; it has {', '.join(self.names)}")

    def has(self, name: str) -> bool:
        return name in self.names

    def version(self, version_id: str | None) -> Version | None:
        """The record of ``version_id`` (None for one this add-on does not know)."""
        return next((v for v in self.versions if v.id == version_id), None)

    @property
    def inputs(self) -> tuple[Field, ...]:
        """The fields a client method resolves (uploads) before sending, in order."""
        return tuple(f for f in self.fields if f.input is not None)


def matches(version: str, patterns: Sequence[str]) -> bool:
    """Whether ``version`` is one of ``patterns`` (``fnmatch``, case-insensitive)."""
    return any(fnmatch.fnmatchcase(version.upper(), p.upper()) for p in patterns)


def _plain(value: Any) -> Any:
    """A str enum member as its wire value."""
    return value.value if isinstance(value, enum.Enum) else value


def _shown(f: Field, value: Any) -> str:
    """A field as a message names it: ``quad`` for a flag, ``texture_quality='fast'`` otherwise."""
    value = _plain(value)
    return f.name if value is True else f"{f.name}={value!r}"


def gate_problem(f: Field, value: Any, gate: Gate, version: str | None, version_field: str = "model_version") -> str:
    """The sentence refusing ``value`` of ``f`` with ``version`` under ``gate``."""
    shown = _shown(f, value)
    source = f" ({gate.source})" if gate.source else ""
    if gate.accepts:
        needed = gate.needs or f"{version_field}=" + " or ".join(repr(v) for v in gate.versions)
        lead = f"{gate.why}; " if gate.why else ""
        return f"{lead}{shown} needs {needed}{source}."
    why = f" {gate.why}" if gate.why else ""
    return f"{shown} is not supported by {version_field} {version!r}{why}{source}."


# --------------------------------------------------------------------------- values


def _choice(f: Field, value: Any) -> str:
    return payloads.check_choice(value, f.name, f.values, upper=f.upper)


def _text(f: Field, value: Any) -> Any:
    if not f.required and not value:
        return UNSET  # an empty optional text (a negative prompt) is not sent
    return payloads.check_text(value, f.name, f.max_chars or 10**9)


def _views(f: Field, value: Any) -> list[Any]:
    """Four multiview slots of resolved inputs (None for an empty one), or a task id whose views are reused."""
    if isinstance(value, str):
        return [{"task_id": payloads.validate_task_id(value, f.name)}]
    return [payloads.check_input(v, "image") if v is not None else None for v in payloads.multiview_slots(value)]


def _animation(f: Field, value: Any) -> tuple[str, Any]:
    """One preset goes as ``animation``, a list (1–5, each billed) as ``animations``."""
    if isinstance(value, (enum.Enum, str)):
        return "animation", payloads.animation_name(value)
    if isinstance(value, Sequence):
        names = [payloads.animation_name(a) for a in value]
        if not names:
            raise ValueError("animation is an empty list; pass at least one animation.")
        if len(names) > payloads.MAX_ANIMATIONS:
            raise ValueError(
                f"{len(names)} animations requested; Tripo retargets at most {payloads.MAX_ANIMATIONS} per task."
            )
        if len(set(names)) != len(names):
            raise ValueError("The animation list contains duplicates (each one is billed); remove them.")
        return "animations", names
    raise ValueError("animation must be an Animation, a preset name, or a list of them.")


def _checked(f: Field, value: Any) -> Any:
    """``value`` checked for ``f``'s kind (ValueError naming the field), as the wire carries it."""
    kind = f.kind
    if kind == "bool":
        return payloads.check_bool(value, f.name)
    if kind == "int":
        return payloads.check_int(
            value, f.name, None if f.low is None else int(f.low), None if f.high is None else int(f.high)
        )
    if kind == "number":
        number = payloads.check_number(value, f.name, f.low)
        if f.positive and number <= 0:
            raise ValueError(f"{f.name} must be positive, got {number}.")
        return number
    if kind == "text":
        return _text(f, value)
    if kind == "choice":
        return _choice(f, value)
    if kind in ("string", "version"):
        return payloads.check_version(value, f.name)
    if kind == "input":
        return payloads.check_input(value, f.name)
    if kind == "inputs":  # an empty list sends nothing
        return [payloads.check_input(v, f"{f.name}[{i}]") for i, v in enumerate(value)] or UNSET
    if kind == "names":
        return payloads.check_names(value) if value else UNSET
    if kind == "views":
        return _views(f, value)
    if kind == "view_prompts":
        return payloads.view_prompts(value, f.name)
    if kind == "retired":
        raise ValueError(f.retired)
    return value  # "object": sent as given (the JSON encoder refuses what JSON cannot carry)


def _sent(f: Field, value: Any) -> Any:
    """``value`` of ``f`` checked and normalised (``"glb"`` → ``"GLB"``), or :data:`UNSET` when
    nothing is sent: None, an empty optional, the value Tripo assumes anyway."""
    if value is None and not f.required:
        return UNSET
    checked = _checked(f, value)  # a required field given as None is refused here, naming it
    if checked is UNSET or (f.omit_nonpositive and checked <= 0):
        return UNSET  # convert's face_limit of 0 or less keeps the model's own
    if f.implicit is not None and not f.required and checked == _plain(f.implicit):
        return UNSET
    return checked


def _put(body: Body, path: str, value: Any) -> None:
    head, _, rest = path.partition(".")
    if not rest:
        body[head] = value
        return
    inner = body.setdefault(head, {})
    _put(inner, rest, value)


def version_of(route: Route, values: Mapping[str, Any]) -> str | None:
    """The version ``values`` send on ``route`` (a filled-in default, a rewritten retired one),
    or None when none is sent; ValueError for a version Tripo announced as gone."""
    if not route.has(route.version_field):
        return None
    f = route.field(route.version_field)
    given = values.get(f.name, f.default)
    if given is None and f.fill:
        given = f.default
    if given is None:
        return None
    version = payloads.check_version(given, f.name)
    gone = route.retired.get(version)
    if gone is not None:
        raise ValueError(f"{f.name} {version!r} {gone}; choose one of {', '.join(route.version_ids)}.")
    sent = route.rewrites.get(version, version)
    if sent != version:
        log.warning("Model version %s is retired on apiv3; sending %s instead (as v2 did)", version, sent)
    return sent


def build(route: Route, values: Mapping[str, Any]) -> Request:
    """The request for ``route`` with these keyword arguments (the client method's names; missing
    ones take the field's default). Raises TypeError for an unknown or missing argument (as
    calling the method would), ValueError naming the field for a value Tripo would refuse."""
    caller = route.method or route.task_type
    unknown = sorted(set(values) - set(route.names))
    if unknown:
        raise TypeError(f"{caller}() got an unexpected keyword argument {unknown[0]!r}")
    missing = [f.name for f in route.fields if f.required and f.name not in values]
    if missing:
        raise TypeError(f"{caller}() missing required argument: {missing[0]!r}")
    filled = {f.name: values.get(f.name, f.default) for f in route.fields}
    for rule in route.rules:
        problem = rule(filled)
        if problem:
            raise ValueError(problem)
    version = version_of(route, filled)
    effective = version if version is not None else route.server_version
    body: Body = {}
    disputed: list[tuple[str, str]] = []
    for f in route.fields:
        if f.name == route.version_field:
            if version is not None:
                body[f.wire_name] = version
            continue
        if f.kind == "animation":
            wire_name, value = _animation(f, filled[f.name])
            body[wire_name] = value
            continue
        value = _sent(f, filled[f.name])
        if value is UNSET:
            continue
        for gate in f.gates:
            if gate.concerns(value) and not gate.allows(effective):
                raise ValueError(gate_problem(f, value, gate, effective, route.version_field))
        disputed += [(f.name, d.said) for d in f.disputes if d.applies(value, effective)]
        _put(body, f.wire_name, f.encode.get(value, value) if f.encode else value)
    return Request(route.path, body, tuple(disputed))


def defaults(route: Route) -> Any:
    """The client's defaults of ``route`` as attributes (``defaults(TEXT_TO_MODEL).texture``): what
    a method signature reads, so the default is written once, in the field."""
    return _Defaults({f.name: f.default for f in route.fields})


class _Defaults:
    """Read-only attribute access to a route's defaults (a typo is an AttributeError at import)."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self.__dict__.update(values)

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(f"no field {name!r}")
