"""What a dialog offers with the chosen model version, and why it greys the rest out, in words.

Why here: which versions take an option is a fact of the route (its field's gates in
:mod:`..client.routes`); the client refuses a request that breaks it in the client's words
(``delight needs model_version='v3.5-20260815'``). A dialog speaks the artist's words — the
option's label and the model's short name ("Delight needs texture model v3.5") — and says it
*before* the click, under the greyed option. Both read the same gate, so they cannot disagree.
bpy-free, so it is tested in the client step.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..client.inputs import PLACEHOLDER_TOKEN
from ..client.schema import Field, Route, build
from ..jobs.kinds import SOURCE_PARAM

__all__ = ["needs_text", "option_problem"]


def _what(f: Field, value: Any) -> str:
    choice = f.choice(value) if value is not None else None
    return f"{f.title} '{choice.name}'" if choice is not None else f.title


def _version_names(route: Route, versions: Sequence[str]) -> str:
    return " or ".join(known.name if (known := route.version(v)) is not None else v for v in versions)


def needs_text(route: Route, *options: str | tuple[str, Any]) -> str:
    """Why options are greyed out: ``"Delight and Quality 'Fast' need texture model v3.5"`` — each
    option a field name, or ``(name, value)`` for one value of it; the version named is the first
    option's gate's."""
    parts = [(o, None) if isinstance(o, str) else o for o in options]
    name, value = parts[0]
    gate = route.field(name).gate_for(value)
    assert gate is not None and gate.accepts, f"{name} has no version it needs"
    whats = [_what(route.field(n), v) for n, v in parts]
    verb = "need" if len(whats) > 1 else "needs"
    return f"{' and '.join(whats)} {verb} {route.model_word} {_version_names(route, gate.versions)}"


def option_problem(route: Route, options: Mapping[str, Any]) -> str | None:
    """Why ``options`` (a dialog's client keywords, without the source) cannot be sent, or None.

    An option its version does not take is said in the dialog's words (:func:`needs_text`);
    anything else the client would refuse in the client's (a face limit out of range, a text and
    an image prompt together). Inputs stand in as placeholders — the source always (a dialog's
    post-process has one, even where the route takes an image instead): nothing is read or sent."""
    version = options.get(route.version_field)
    effective = version if version is not None else route.server_version
    for name, value in options.items():
        if not route.has(name) or value is None:
            continue
        f = route.field(name)
        gate = f.refusing(effective, value)
        if gate is not None and gate.accepts:
            return needs_text(route, (name, value) if gate.values is not None else name)
    stand_ins = {
        f.name: PLACEHOLDER_TOKEN
        for f in route.inputs
        if options.get(f.name) is not None or f.required or f.name == SOURCE_PARAM
    }
    try:
        build(route, {**options, **stand_ins})
    except (TypeError, ValueError) as exc:
        return str(exc)
    return None
