"""Credit cost of a request, estimated from its options: the one place that knows Tripo's prices.

Why an estimate lives client-side at all: the user should see what a button costs *before*
spending (the V2 API has no quote endpoint). The figures are Tripo's published prices
(docs.tripo3d.ai/get-started/pricing.html, copied in the wire-protocol reference §6.5).
Where the price list says nothing (stylize, refine, P1 surcharges, ``extreme`` textures) the
answer is ``None`` = "price unknown": a wrong number on a paid button is worse than none.
The real charge of a finished task is ``Job.consumed_credit``; show it next to the estimate.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Callable, Mapping

__all__ = ["estimate_cost", "PRICED_KINDS"]

# Generation base prices: (without texture, with texture) for H2/H3 and for P1 versions.
_GENERATION_BASE: Mapping[str, tuple[tuple[int, int], tuple[int, int]]] = {
    "text_to_model": ((10, 20), (30, 40)),
    "image_to_model": ((20, 30), (40, 50)),
    "multiview_to_model": ((20, 30), (40, 50)),
}
_P1_PREFIX = "P1-"
_DEFAULT_TEXTURE_QUALITY = "standard"
# Convert options that trigger the +5 surcharge when set (the price list's own list).
_CONVERT_SURCHARGE_OPTIONS = (
    "quad",
    "face_limit",
    "flatten_bottom",
    "flatten_bottom_threshold",
    "texture_size",
    "texture_format",
    "pivot_to_center_bottom",
    "scale_factor",
)
_FLAT: Mapping[str, int] = {
    "check_riggable": 0,
    "import_model": 0,
    "import_task": 0,  # model.FOLLOW_KIND: follows an existing task, sends nothing
    "rig_model": 25,
    "mesh_segmentation": 40,
    "mesh_completion": 50,
    "smart_lowpoly": 30,
}


def _is_set(value: Any) -> bool:
    """A flag counts when true; any other option counts when it is given at all."""
    if isinstance(value, bool):
        return value
    return value is not None


def _texture_quality_surcharge(params: Mapping[str, Any]) -> int | None:
    """+10 for ``detailed``; unknown for qualities the price list does not name (``extreme``)."""
    quality = params.get("texture_quality") or _DEFAULT_TEXTURE_QUALITY
    quality = getattr(quality, "value", quality)
    if quality == "standard":
        return 0
    if quality == "detailed":
        return 10
    return None


def _generation(kind: str, params: Mapping[str, Any]) -> int | None:
    version = str(params.get("model_version") or "")
    textured = bool(params.get("texture", True)) or bool(params.get("pbr", True))  # pbr forces texture
    h_prices, p1_prices = _GENERATION_BASE[kind]
    surcharges = {
        "geometry_quality": 20 if params.get("geometry_quality") == "detailed" else 0,
        "smart_low_poly": 10 if params.get("smart_low_poly") else 0,
        "quad": 5 if params.get("quad") else 0,
        "generate_parts": 20 if params.get("generate_parts") else 0,
    }
    quality = _texture_quality_surcharge(params) if textured else 0
    if version.startswith(_P1_PREFIX):
        # The price list gives P1 surcharges nowhere; P1 rejects most of these options anyway.
        if quality != 0 or any(surcharges.values()):
            return None
        return p1_prices[textured]
    if quality is None:
        return None
    return h_prices[textured] + quality + sum(surcharges.values())


def _texture_model(params: Mapping[str, Any]) -> int | None:
    quality = _texture_quality_surcharge(params)
    return None if quality is None else 10 + quality


def _retarget(params: Mapping[str, Any]) -> int | None:
    """10 credits per animation; a request with none is invalid, so its price is unknown."""
    animations = params.get("animation", params.get("animations"))
    if isinstance(animations, (list, tuple)):
        return 10 * len(animations) if animations else None
    return 10 if animations else None


def _convert(params: Mapping[str, Any]) -> int:
    extra = any(_is_set(params.get(name)) for name in _CONVERT_SURCHARGE_OPTIONS)
    return 5 + (5 if extra else 0)


Rule = Callable[[Mapping[str, Any]], "int | None"]


def _flat(price: int) -> Rule:
    return lambda _params: price


_RULES: Mapping[str, Rule] = {
    **{kind: partial(_generation, kind) for kind in _GENERATION_BASE},
    "texture_model": _texture_model,
    "retarget_animation": _retarget,
    "convert_model": _convert,
    **{kind: _flat(price) for kind, price in _FLAT.items()},
}
#: Kinds with a known price rule (others, such as stylize_model and refine_model, give None).
PRICED_KINDS = frozenset(_RULES)


def estimate_cost(kind: str, params: Mapping[str, Any]) -> int | None:
    """Credits that ``kind`` (a client method name) with these keyword arguments will cost.

    ``None`` means the price is unknown (not listed, or an option whose price is not
    published): show "price unknown", never 0.
    """
    rule = _RULES.get(kind)
    return None if rule is None else rule(params)
