"""The names the console API exports (``tripo.<name>``), known without Blender.

Why here: the package root answers ``tripo_blender.<name>`` and ``dir()`` lazily, so that
importing it never needs ``bpy``; it must know the names before :mod:`tripo_blender.console`
(which imports bpy) is loaded. The job functions are the kinds' console names (one place: the
kinds table); the rest are the handle, its errors and the account and batch helpers.
"""

from __future__ import annotations

from ..jobs.kinds import KINDS

__all__ = ["CONSOLE_NAMES", "SUBPACKAGE_CALLS"]

#: ``tripo.jobs()`` and ``tripo.client()``: subpackages the console makes callable while enabled.
SUBPACKAGE_CALLS = ("jobs", "client")
#: Every name ``tripo.<name>`` resolves to in :mod:`tripo_blender.console` except :data:`SUBPACKAGE_CALLS`.
CONSOLE_NAMES: tuple[str, ...] = (
    "Job",
    "JobFailed",
    "JobCancelled",
    "UserError",
    *(kind.console for kind in KINDS.values() if kind.console),
    "batch",
    "balance",
    "estimate_cost",
    "Asset",
    "assets",
)
