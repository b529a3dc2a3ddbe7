"""Credit prices per task (wire protocol §6.5), used to freeze/settle/refund balances.

Why a function and not a flat cost: tests of the add-on's cost estimate and of balance handling
need the emulator to charge what the real price list says (textured vs. untextured, P1 vs.
H2/H3, surcharges, per-animation retarget, convert surcharge).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: What the emulator charges for task types the price list does not cover (stylize, refine,
#: image generation). Arbitrary; the add-on should show "price unknown" for them.
UNLISTED_PRICE = 20.0

_GENERATION = {  # type -> (H2/H3 untextured, H2/H3 textured, P1 untextured, P1 textured)
    "text_to_model": (10, 20, 30, 40),
    "image_to_model": (20, 30, 40, 50),
    "multiview_to_model": (20, 30, 40, 50),
}
_GENERATION_SURCHARGES = (  # (field, value that triggers it, credits); H2/H3 only
    ("geometry_quality", "detailed", 20),
    ("smart_low_poly", True, 10),
    ("quad", True, 5),
    ("generate_parts", True, 20),
)
_FLAT = {
    "import_model": 0,
    "animate_prerigcheck": 0,
    "mesh_segmentation": 40,
    "mesh_completion": 50,
    "highpoly_to_lowpoly": 30,
    "animate_rig": 25,
}
#: Fields whose *presence* triggers the +5 convert surcharge. The docs do not say whether an
#: explicitly sent default counts; the emulator assumes it does, which rewards clients that
#: omit unset fields (the official SDK always sends them).
CONVERT_SURCHARGE_FIELDS = (
    "quad", "face_limit", "flatten_bottom", "flatten_bottom_threshold", "texture_size",
    "texture_format", "pivot_to_center_bottom", "scale_factor",
)


def is_textured(body: Mapping[str, Any]) -> bool:
    """``pbr=true`` forces texturing, so only ``texture=false`` *and* ``pbr=false`` is untextured."""
    return body.get("texture", True) is not False or body.get("pbr", True) is not False


def retarget_count(body: Mapping[str, Any]) -> int:
    """How many animations a retarget request asks for (billed per animation)."""
    animations = body.get("animations")
    return len(animations) if isinstance(animations, list) else 1


def price(body: Mapping[str, Any]) -> float | None:
    """Credits for a validated task body, or None when the price list does not cover it."""
    task_type = body.get("type")
    if task_type in _GENERATION:
        prices = _GENERATION[task_type]
        p1 = str(body.get("model_version", "")).startswith("P1-")
        textured = is_textured(body)
        credits = prices[2 * p1 + textured]
        if not p1:
            if textured and body.get("texture_quality") == "detailed":
                credits += 10
            credits += sum(c for field, value, c in _GENERATION_SURCHARGES if body.get(field) == value)
        return float(credits)
    if task_type in _FLAT:
        return float(_FLAT[task_type])
    if task_type == "texture_model":
        return 20.0 if body.get("texture_quality") == "detailed" else 10.0
    if task_type == "animate_retarget":
        return 10.0 * retarget_count(body)
    if task_type == "convert_model":
        return 10.0 if any(f in body for f in CONVERT_SURCHARGE_FIELDS) else 5.0
    return None


def charge(body: Mapping[str, Any]) -> float:
    """What the emulator actually freezes: :func:`price`, or :data:`UNLISTED_PRICE`."""
    listed = price(body)
    return UNLISTED_PRICE if listed is None else listed
