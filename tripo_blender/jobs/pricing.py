"""Credit cost rules, estimated from a request's options.

Why an estimate lives client-side at all: the user should see what a button costs *before*
spending (apiv3 has no quote endpoint). The figures are the apiv3 prices collected in
docs/apiv3.md#prices (Tripo's own pricing page could not be read; they match v2's published list where
both exist). Where no source gives a price (P2, texture v3.5, rig v3.0, Smart UV, import, the
``fast`` texture quality) the answer is ``None`` = "price unknown": a wrong number on a paid button
is worse than none. The real charge of a finished task is ``Job.consumed_credit``; the Jobs panel
shows it next to the estimate.

Each rule takes a kind's client keyword arguments; :mod:`.kinds` says which rule prices which kind
and with which base price, and what an option adds (``quad`` +5, a detailed texture +10…) is in
the option's own field (:mod:`..client.routes`), read here by :func:`surcharge`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..client import payloads, routes, versions
from ..client.schema import Route, build

__all__ = ["Rule", "generation", "texture", "retarget", "convert", "rig", "per_view", "flat", "unknown", "surcharge"]

Rule = Callable[[Mapping[str, Any]], "int | None"]


def _value(value: Any) -> Any:
    return getattr(value, "value", value)


def surcharge(route: Route, params: Mapping[str, Any], names: Sequence[str]) -> int | None:
    """What the options ``names`` of ``route`` add to the price (each field's ``price``, in
    :mod:`..client.routes`); None when one is set to a value whose price nobody published."""
    total = 0
    for name in names:
        f = route.field(name)
        value = _value(params.get(name))
        if value is None or value == f.implicit:
            continue
        price = f.price.get(value)
        if price is None:
            return None
        total += price
    return total


def _priced(route: Route, params: Mapping[str, Any]) -> bool:
    """Whether Tripo published the price of the model version ``params`` ask for (or default to)."""
    version = route.version(params.get(route.version_field, route.field(route.version_field).default))
    return version is None or version.priced


def generation(route: Route, h_series: tuple[int, int], p1: tuple[int, int]) -> Rule:
    """Text/image/multiview to model: the base price (untextured, textured) of the H series or of
    P1 by the version asked for, plus the surcharges of paid options (H series only)."""
    untextured_price, textured_price = h_series
    p1_untextured, p1_textured = p1
    paid = [f.name for f in route.fields if f.price and f.name != "texture_quality"]  # quad, parts…

    def rule(params: Mapping[str, Any]) -> int | None:
        version = str(params.get("model_version") or versions.GENERATION_DEFAULT)
        textured = any(params.get(flag, route.field(flag).default) is not False for flag in ("texture", "pbr"))
        extra = surcharge(route, params, paid)
        quality = surcharge(route, params, ("texture_quality",)) if textured else 0
        if versions.is_p1(version):
            # P1 has a flat price; it refuses the paid options and a quality surcharge is unpublished
            return None if quality != 0 or extra else (p1_textured if textured else p1_untextured)
        if versions.is_p_series(version) or not _priced(route, params) or quality is None or extra is None:
            return None
        return (textured_price if textured else untextured_price) + quality + extra

    return rule


def texture(params: Mapping[str, Any]) -> int | None:
    """10 credits, +10 detailed / +20 extreme; texture v3.5 and the Fast quality are not priced anywhere yet."""
    quality = surcharge(routes.TEXTURE, params, ("texture_quality",))
    return None if quality is None or not _priced(routes.TEXTURE, params) else 10 + quality


def retarget(params: Mapping[str, Any]) -> int | None:
    """10 credits per animation; a request with none is invalid, so its price is unknown."""
    animations = params.get("animation", params.get("animations"))
    if isinstance(animations, (list, tuple)):
        return 10 * len(animations) if animations else None
    return 10 if animations else None


def convert(params: Mapping[str, Any]) -> int | None:
    """5 credits; 10 for a "complex convert": any option that differs from Tripo's default.

    Whether an option differs is exactly whether the client sends it, so the route's record
    decides (one definition of every default).
    """
    try:
        body = build(routes.CONVERT, {**params, "original_model_task_id": "task"}).body
    except (TypeError, ValueError):
        return None
    return 10 if set(body) - {"input", "format"} else 5


def rig(params: Mapping[str, Any]) -> int | None:
    """25 credits; the price of rig model v3.0 is not published."""
    return 25 if _priced(routes.RIG, params) else None


def per_view(price: int) -> Rule:
    """``price`` credits per view edited (edit multiview: the views whose prompt is not empty);
    prompts Tripo would refuse have no price."""

    def rule(params: Mapping[str, Any]) -> int | None:
        try:
            return price * len(payloads.view_prompts(params.get("prompts")))
        except ValueError:
            return None

    return rule


def flat(price: int) -> Rule:
    return lambda _params: price


def unknown(_params: Mapping[str, Any]) -> None:
    """No source gives this price."""
    return None
