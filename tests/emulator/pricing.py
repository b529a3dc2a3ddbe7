"""Credit prices per task (docs/apiv3.md#prices), used to hold/settle/refund balances.

Why a function and not a flat cost: tests of the add-on's cost estimate and of balance handling
need the emulator to charge what the price list says (textured vs. untextured, P series vs. H
series, surcharges, per-animation retarget, the "complex convert" tier). Credits are held at
creation, settled on success and refunded in full when a task fails or is cancelled
(:meth:`.state.Store.create_task`, :meth:`.state.Store.settle_due`).

Every figure of docs/apiv3.md#prices is third-party and unconfirmed; the real charge is the task's
``credits_consumed``. Where that table has no figure, :data:`ASSUMED` says what the emulator charges.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_GENERATION = {  # type -> (H untextured, H textured, P untextured, P textured)
    "text_to_model": (10, 20, 30, 40),
    "image_to_model": (20, 30, 40, 50),
    "multiview_to_model": (20, 30, 40, 50),
}
_GENERATION_SURCHARGES = (  # (field, value that triggers it, credits); H series only
    ("geometry_quality", "detailed", 20),
    ("smart_low_poly", True, 10),
    ("quad", True, 5),
    ("generate_parts", True, 20),
)
_TEXTURE_QUALITY_SURCHARGES = {"detailed": 10, "extreme": 20}
_FLAT = {
    "animate_prerigcheck": 0,
    "animate_rig": 25,
    "mesh_segmentation": 40,
    "mesh_completion": 50,
    "highpoly_to_lowpoly": 30,
    "text_to_image": 5,
    "generate_multiview_image": 10,
    "image_to_splat": 30,
}
#: Types docs/apiv3.md#prices does not price, and what the emulator charges for them: import was free on v2;
#: image-to-image is priced like text-to-image; depth and UV unwrap are guesses.
ASSUMED = {
    "import_model": 0,
    "generate_image": 5,
    "image_to_depth": 5,
    "mesh_uv": 10,
}
_EDIT_MULTIVIEW_PER_VIEW = 5
_RETARGET_PER_ANIMATION = 10
_CONVERT, _COMPLEX_CONVERT = 5, 10
#: The only convert fields that keep a conversion in the plain tier. Any other option *present*
#: makes it a "complex convert": whether an explicitly sent default counts is not documented, and
#: the emulator assumes it does, which rewards clients that (like the official SDK 1.0.0) send
#: only non-default options.
PLAIN_CONVERT_FIELDS = frozenset({"input", "original_model_task_id", "format"})


def is_textured(body: Mapping[str, Any]) -> bool:
    """``pbr=true`` forces texturing, so only ``texture=false`` *and* ``pbr=false`` is untextured."""
    return body.get("texture", True) is not False or body.get("pbr", True) is not False


def is_p_series(body: Mapping[str, Any]) -> bool:
    """P-series models have flat prices (and refuse the H-series options).

    P2's price is not published; the emulator charges P1's.
    """
    return str(body.get("model", "")).startswith(("P1-", "P2-"))


def retarget_count(body: Mapping[str, Any]) -> int:
    """How many animations a retarget request asks for (billed per animation)."""
    animations = body.get("animations")
    return len(animations) if isinstance(animations, list) else 1


def price(task_type: str, body: Mapping[str, Any]) -> float | None:
    """Credits docs/apiv3.md#prices lists for a validated request, or None when it lists none (see :data:`ASSUMED`)."""
    if task_type in _GENERATION:
        prices = _GENERATION[task_type]
        p_series = is_p_series(body)
        textured = is_textured(body)
        credits = prices[2 * p_series + textured]
        if not p_series:
            if textured:
                credits += _TEXTURE_QUALITY_SURCHARGES.get(str(body.get("texture_quality")), 0)
            credits += sum(c for name, value, c in _GENERATION_SURCHARGES if body.get(name) == value)
        return float(credits)
    if task_type in _FLAT:
        return float(_FLAT[task_type])
    if task_type == "texture_model":
        return 10.0 + _TEXTURE_QUALITY_SURCHARGES.get(str(body.get("texture_quality")), 0)
    if task_type == "animate_retarget":
        return float(_RETARGET_PER_ANIMATION * retarget_count(body))
    if task_type == "edit_multiview_image":
        prompts = body.get("prompts")
        return float(_EDIT_MULTIVIEW_PER_VIEW * (len(prompts) if isinstance(prompts, list) else 1))
    if task_type == "convert_model":
        return float(_COMPLEX_CONVERT if set(body) - PLAIN_CONVERT_FIELDS else _CONVERT)
    return None


def charge(task_type: str, body: Mapping[str, Any]) -> float:
    """What the emulator actually holds for a task: :func:`price`, else the :data:`ASSUMED` figure."""
    listed = price(task_type, body)
    return float(ASSUMED[task_type]) if listed is None else listed
