"""Credit cost rules, estimated from a request's options: the one place that knows Tripo's prices.

Why an estimate lives client-side at all: the user should see what a button costs *before*
spending (apiv3 has no quote endpoint). The figures are the apiv3 prices collected in the wire
reference §8.1 (Tripo's own pricing page could not be read; they match v2's published list where
both exist). Where no source gives a price (P2, texture v3.5, rig v3.0, Smart UV, import, the
``fast`` texture quality) the answer is ``None`` = "price unknown": a wrong number on a paid button
is worse than none. The real charge of a finished task is ``Job.consumed_credit``; the Jobs panel
shows it next to the estimate.

Each rule takes a kind's client keyword arguments; :mod:`.kinds` says which rule prices which kind.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from ..client import versions
from ..client.payloads import convert_model_request

__all__ = ["Rule", "generation", "texture", "retarget", "convert", "flat", "unknown"]

Rule = Callable[[Mapping[str, Any]], "int | None"]

_QUALITY_SURCHARGE: Mapping[str, int] = {"standard": 0, "detailed": 10, "extreme": 20}
_GENERATION_SURCHARGES: Mapping[str, int] = {"smart_low_poly": 10, "quad": 5, "generate_parts": 20}
_UNPRICED_RIG = frozenset({"v3.0-20260909"})


def _value(value: Any) -> Any:
    return getattr(value, "value", value)


def _quality(params: Mapping[str, Any]) -> int | None:
    """The texture-quality surcharge; None for a quality the price list does not name."""
    return _QUALITY_SURCHARGE.get(str(_value(params.get("texture_quality") or "standard")))


def generation(h_series: tuple[int, int], p1: tuple[int, int]) -> Rule:
    """Text/image/multiview to model: the base price (untextured, textured) of the H series or of
    P1 by the version asked for, plus the surcharges of paid options (H series only)."""
    untextured_price, textured_price = h_series
    p1_untextured, p1_textured = p1

    def rule(params: Mapping[str, Any]) -> int | None:
        version = str(params.get("model_version") or versions.GENERATION_DEFAULT)
        textured = params.get("texture", True) is not False or params.get("pbr", True) is not False
        surcharge = sum(price for name, price in _GENERATION_SURCHARGES.items() if params.get(name) is True)
        if _value(params.get("geometry_quality")) == "detailed":
            surcharge += 20
        quality = _quality(params) if textured else 0
        if versions.is_p1(version):
            # P1 has a flat price; it refuses the paid options and a quality surcharge is unpublished
            return None if quality != 0 or surcharge else (p1_textured if textured else p1_untextured)
        if versions.is_p_series(version) or quality is None:
            return None
        return (textured_price if textured else untextured_price) + quality + surcharge

    return rule


def texture(params: Mapping[str, Any]) -> int | None:
    """10 credits, +10 detailed / +20 extreme; texture v3.5 is not priced anywhere yet."""
    if params.get("model_version") == versions.TEXTURE_V35:
        return None
    quality = _quality(params)
    return None if quality is None else 10 + quality


def retarget(params: Mapping[str, Any]) -> int | None:
    """10 credits per animation; a request with none is invalid, so its price is unknown."""
    animations = params.get("animation", params.get("animations"))
    if isinstance(animations, (list, tuple)):
        return 10 * len(animations) if animations else None
    return 10 if animations else None


def convert(params: Mapping[str, Any]) -> int | None:
    """5 credits; 10 for a "complex convert": any option that differs from Tripo's default.

    Whether an option differs is exactly whether the client sends it, so the client's own request
    builder decides (one definition of every default).
    """
    options = {k: v for k, v in params.items() if k != "original_model_task_id"}
    try:
        body = convert_model_request("task", **options).body
    except (TypeError, ValueError):
        return None
    return 10 if set(body) - {"input", "format"} else 5


def rig(params: Mapping[str, Any]) -> int | None:
    """25 credits; the price of rig model v3.0 is not published."""
    return None if params.get("model_version") in _UNPRICED_RIG else 25


def flat(price: int) -> Rule:
    return lambda _params: price


def unknown(_params: Mapping[str, Any]) -> None:
    """No source gives this price."""
    return None
