"""Model versions per apiv3 route: what the service accepts, its defaults, and the legacy rewrites.

One table, because the client (rewrites), the generate form and the right-click dialogs (their
menus) and the docs must agree. The allow-lists are the ones the official SDK 1.0.0 copied from
the apiv3 validators (its ``tests/test_legacy_comfyui_contract.py``; docs/apiv3.md#model-versions). The
client does *not* refuse a version missing here — Tripo adds versions, and the server answers
1004 (nothing charged) for one it does not take — but it rewrites the retired versions apiv3
rejects, exactly as the official SDK does and as v2 did silently:

==========================  ====================  ======================================
route                       sent as               because
==========================  ====================  ======================================
``/v3/animations/rig``      ``v2.0-20250506``     → ``v2.5-20260210`` (v2 rewrote it the same way)
``/v3/mesh/decimate``       ``P-v1.0-20250506``   → ``v1.0``
``/v3/mesh/decimate``       ``P-v2.0-20251225``   → ``v2.0``
``/v3/mesh/decimate``       ``P-v2.0-20251226``   → ``v2.0``
``/v3/mesh/decimate``       ``P-v3.0-20260909``   → ``v3.0``
==========================  ====================  ======================================
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "GENERATION",
    "TEXTURE",
    "RIG",
    "SEGMENTATION",
    "COMPLETION",
    "DECIMATE",
    "GENERATION_DEFAULT",
    "TEXTURE_DEFAULT",
    "RIG_DEFAULT",
    "SEGMENTATION_DEFAULT",
    "COMPLETION_DEFAULT",
    "TEXTURE_V35",
    "TEXTURE_SERVER_DEFAULT",
    "RIG_ALL_TYPES",
    "RIG_V25",
    "RIG_V30",
    "SEGMENTATION_V2",
    "DECIMATE_SMART_UV",
    "DECIMATE_SERVER_DEFAULT",
    "RIG_REWRITES",
    "DECIMATE_REWRITES",
    "RETIRED",
    "is_p1",
    "is_p_series",
    "rewrite",
]

#: Generation (text, image and multiview to model), newest first; P1/P2 are the P series.
GENERATION = ("v3.1-20260211", "v3.0-20250812", "v2.5-20250123", "P1-20260311", "P2-20260801")
#: What the client sends when the caller gives none (SDK 0.3.0's and the official SDK's default;
#: apiv3 requires a version on these routes).
GENERATION_DEFAULT = "v2.5-20250123"

TEXTURE = ("v3.5-20260815", "v3.0-20250812", "v2.5-20250123")
#: The client's default (the SDK's); the *server's* default when none is sent is v3.0.
TEXTURE_DEFAULT = "v2.5-20250123"
#: What Tripo uses when no texture version is sent.
TEXTURE_SERVER_DEFAULT = "v3.0-20250812"
#: The texture version that adds ``texture_quality="fast"`` and ``delight``.
TEXTURE_V35 = "v3.5-20260815"

#: The rig versions that take every rig type and the unity / unreal / vrm specs (v1.0 rigs bipeds).
RIG_V30 = "v3.0-20260909"
RIG_V25 = "v2.5-20260210"
RIG = (RIG_V30, RIG_V25, "v1.0-20240301")
RIG_DEFAULT = "v1.0-20240301"
RIG_ALL_TYPES = (RIG_V30, RIG_V25)

SEGMENTATION = ("v2.0-20260430", "v1.0-20250506")
SEGMENTATION_DEFAULT = "v1.0-20250506"
#: The segmentation version with granularity, connectivity and a reference image.
SEGMENTATION_V2 = "v2.0-20260430"

COMPLETION = ("v1.0-20250506",)
COMPLETION_DEFAULT = "v1.0-20250506"

#: Decimate (smart low poly). None sent = the server's default, v2.0 (smart low poly).
DECIMATE = ("v3.0", "v2.0", "v1.0")
#: The decimate version that can also unwrap UVs (``smart_uv``).
DECIMATE_SMART_UV = "v3.0"
#: What Tripo uses when no decimate version is sent (smart low poly).
DECIMATE_SERVER_DEFAULT = "v2.0"

#: Retired versions apiv3 rejects on the rig route, and what the client sends instead.
RIG_REWRITES: Mapping[str, str] = {"v2.0-20250506": RIG_V25}
#: Retired versions apiv3 rejects on the decimate (smart low poly) route, and what is sent instead.
DECIMATE_REWRITES: Mapping[str, str] = {
    "P-v1.0-20250506": "v1.0",
    "P-v2.0-20251225": "v2.0",
    "P-v2.0-20251226": "v2.0",
    "P-v3.0-20260909": "v3.0",
}
#: Every retired version the client still accepts (and rewrites).
RETIRED = frozenset(RIG_REWRITES) | frozenset(DECIMATE_REWRITES)


def is_p1(version: str | None) -> bool:
    """The P1 generation version (its own price list; P2 is not priced yet)."""
    return isinstance(version, str) and version.upper().startswith("P1-")


def is_p_series(version: str | None) -> bool:
    """P1/P2 generation versions: they refuse quad, smart_low_poly, generate_parts and
    geometry_quality even when false, and take face limits up to 20,000 only."""
    return is_p1(version) or (isinstance(version, str) and version.upper().startswith("P2-"))


def rewrite(rewrites: Mapping[str, str], version: str) -> str:
    """The version to send for ``version`` on a route with these ``rewrites`` (itself unless retired)."""
    return rewrites.get(version, version)
