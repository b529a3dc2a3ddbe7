"""Blender properties made from route fields: a dialog's options declare nothing of their own.

Why: an option's label, tooltip, default, choices and range are facts of the request, written once
in its field (:mod:`..client.routes`). A dialog property built here carries them, so the
generate form, the right-click dialogs and the client cannot disagree on what an option is
called, what it starts at or what it allows. A dialog takes its options as a mixin made by
:func:`options_of` (``class TRIPO_OT_convert(options_of(CONVERT, "format", "quad", …), …)``): a
class built at import whose ``__annotations__`` are the properties. Blender reads the annotations
of such a class like those written by hand — checked on 4.2, 5.0 and 5.3 (Python 3.11 and 3.13),
also with the mixin before the operator base and with annotations of the operator's own — and
the draw code names its properties as before.

Conventions: every property is ``SKIP_SAVE`` (a script never inherits what someone chose in a
dialog; see :mod:`.generate_props`). A field without a default gets a form value meaning "not
set": 0 for a number ("0 = Tripo decides"), the :data:`UNSET` item for a choice, "" for text —
:func:`option_value` turns them back into None, which the client does not send.
"""

from __future__ import annotations

from typing import Any

import bpy

from ..client.schema import Field, Route

__all__ = ["UNSET", "SKIP", "field_prop", "version_prop", "options_of", "choice_items", "option_value"]

#: The identifier of a choice's "not set" item (Tripo's own default applies).
UNSET = "DEFAULT"
SKIP = {"SKIP_SAVE"}
_SAME: Any = object()


def choice_items(
    f: Field, unset: str | None = None, unset_text: str = "Tripo's default"
) -> tuple[tuple[str, str, str], ...]:
    """``(identifier, name, description)`` items of a choice field, after a "Default" item when
    ``unset`` names one."""
    found = tuple((c.value, c.name, c.description or c.name) for c in f.choices)
    return ((unset, "Default", unset_text), *found) if unset is not None else found


def _start(f: Field, default: Any) -> Any:
    if default is not _SAME:
        return default
    return f.form_default


def field_prop(
    f: Field,
    *,
    default: Any = _SAME,
    name: str | None = None,
    description: str | None = None,
    unset: str = UNSET,
    **more: Any,
) -> Any:
    """The Blender property of field ``f`` (bool, int, float, enum or string by its kind), with the
    field's label, tooltip, default (its ``form_default``) and range; ``more`` adds Blender-only
    keywords (``soft_max``, ``subtype``…)."""
    start = _start(f, default)
    common: dict[str, Any] = {
        "name": name or f.title,
        "description": description or f.description,
        "options": more.pop("options", SKIP),
    }
    if f.kind == "bool":
        return bpy.props.BoolProperty(default=bool(start), **common, **more)
    if f.kind == "int":
        floor = 0 if start == 0 and (f.low is None or f.low > 0) else f.low  # 0 = not set
        bounds = {k: int(v) for k, v in (("min", floor), ("max", f.high)) if v is not None}
        return bpy.props.IntProperty(default=int(start or 0), **{**bounds, **more}, **common)
    if f.kind == "number":
        least: dict[str, float] = {"min": float(f.low)} if f.low is not None else {}
        return bpy.props.FloatProperty(default=float(start), **{**least, **more}, **common)
    if f.kind == "choice":
        # a "Default" item for a choice with no value of its own (Tripo decides when none is sent)
        unset_item = unset if f.default is None and f.implicit is None and not f.required else None
        items = more.pop("items", None) or choice_items(f, unset_item)
        return bpy.props.EnumProperty(items=items, default=start if start is not None else unset, **common, **more)
    return bpy.props.StringProperty(default=str(start or ""), **common, **more)


def version_prop(
    route: Route, *, default: Any = _SAME, first: tuple[tuple[str, str, str], ...] = (), **more: Any
) -> Any:
    """The model-version menu of ``route``: its versions newest first (``v3.0`` shown, the full id and
    what it adds in the tooltip), after ``first`` items (an "Auto")."""
    f = route.field(route.version_field)
    what = route.model_word[:1].upper() + route.model_word[1:]
    items = (
        *first,
        *((v.id, v.name, f"{what} {v.id}{f' ({v.description})' if v.description else ''}") for v in route.versions),
    )
    start = _start(f, default)
    return bpy.props.EnumProperty(
        items=items,
        default=start if start is not None else items[0][0],
        name=f.title,
        description=more.pop("description", f.description),
        options=more.pop("options", SKIP),
        **more,
    )


def option_value(f: Field, value: Any, unset: str = UNSET) -> Any:
    """A property's value as the client takes it: "not set" (0, :data:`UNSET`, "") as None, a float
    as typed (Blender stores single precision: 0.01 reads back as 0.009999999776, which the client
    would take for a changed, pricier option)."""
    if f.kind == "choice" and value == unset:
        return None
    if f.kind == "int" and value == 0 and f.default is None:
        return None
    if f.kind in ("text", "string"):
        return str(value).strip() or None
    if f.kind == "bool" and f.default is None and value is False:
        return None  # an option with no default of its own, left off: not sent
    if f.kind == "number":
        return round(float(value), 6)
    return value


def options_of(route: Route, *names: str, **overrides: Any) -> Any:
    """A mixin class whose annotations are the Blender properties of ``route``'s fields ``names``
    (the version field as its menu, :func:`version_prop`); ``overrides`` gives one a dict of
    keywords (``face_limit={"soft_max": 200_000}``). Put it first among the operator's bases."""
    annotations: dict[str, Any] = {}
    for name in names:
        more = dict(overrides.get(name, {}))
        annotations[name] = (
            version_prop(route, **more) if name == route.version_field else field_prop(route.field(name), **more)
        )
    doc = f"The options of {route.label} from its route record: {', '.join(names)}."
    return type(f"{route.label.title().replace(' ', '')}Options", (), {"__annotations__": annotations, "__doc__": doc})
