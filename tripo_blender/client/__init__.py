"""Synchronous client for Tripo's apiv3 — the surface of the official SDK (0.3.0's methods, enums,
dataclasses and errors, as 1.0.0 kept them), without its bugs.

Importable with nothing but ``requests`` (no Blender). Only relative imports inside this package:
it ships inside a Blender extension, where the top-level package name is ``bl_ext.<repo>.…``.

Modules: :mod:`.config` (hosts, key checks, redaction, migration of v2-era base URLs),
:mod:`.enums`, :mod:`.models`, :mod:`.errors`, :mod:`.inputs` (path / URL / file token / task id,
checked before sending), :mod:`.versions` (model versions per route, legacy rewrites),
:mod:`.routes` (one record per apiv3 route: every option's name, type, default, allowed values,
version gates, disputes, price and label; the one check every job goes through), :mod:`.schema`
(the records' shape and the one request builder, with the "which fields are sent" rule),
:mod:`.payloads` (the request, its bytes, value checks, task ids),
:mod:`.transport` (session, timeouts, retries), :mod:`.polling` (wait schedule), :mod:`.download`
(verified atomic downloads), :mod:`.client` (``TripoClient``).

``TripoClient`` and ``DownloadURLExpired`` are imported on first use (PEP 562 ``__getattr__``):
the client with its transport and downloads is the largest part of this package, and the Blender
add-on, enabled at every start, needs only the records (routes, enums, models) until it sends
its first request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .config import CHINA_BASE_URL, GLOBAL_BASE_URL, migrate_base_url, redact
from .enums import TERMINAL_STATUSES, Animation, ModelStyle, PostStyle, RigSpec, RigType, TaskStatus
from .errors import (
    DownloadError,
    TaskWaitCancelled,
    TaskWaitTimeout,
    TripoAPIError,
    TripoError,
    TripoPollTimeoutError,
    TripoRequestError,
    TripoValidationError,
)
from .models import Balance, BatchTaskResult, PresignedUpload, Task, TaskOutput, TaskUsageItem

if TYPE_CHECKING:
    from .client import TripoClient
    from .download import DownloadURLExpired


def __getattr__(name: str) -> Any:
    """``TripoClient`` and ``DownloadURLExpired``, imported when first asked for (see above)."""
    if name == "TripoClient":
        from .client import TripoClient

        return TripoClient
    if name == "DownloadURLExpired":
        from .download import DownloadURLExpired

        return DownloadURLExpired
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "TripoClient",
    "Animation",
    "ModelStyle",
    "PostStyle",
    "RigType",
    "RigSpec",
    "TaskStatus",
    "TERMINAL_STATUSES",
    "Task",
    "TaskOutput",
    "Balance",
    "BatchTaskResult",
    "TaskUsageItem",
    "PresignedUpload",
    "TripoError",
    "TripoRequestError",
    "TripoAPIError",
    "TripoValidationError",
    "DownloadError",
    "DownloadURLExpired",
    "TaskWaitCancelled",
    "TaskWaitTimeout",
    "TripoPollTimeoutError",
    "GLOBAL_BASE_URL",
    "CHINA_BASE_URL",
    "migrate_base_url",
    "redact",
]
