"""Synchronous client for the Tripo 3D v2 API — the surface of the official SDK 0.3.0, fixed.

Importable with nothing but ``requests`` (no Blender). Only relative imports inside this package:
it ships inside a Blender extension, where the top-level package name is ``bl_ext.<repo>.…``.

Modules: :mod:`.config` (URLs, key checks, redaction), :mod:`.enums`, :mod:`.models`,
:mod:`.errors`, :mod:`.images` (path/URL/token and sniffing), :mod:`.payloads` (pure request
builders and the "which fields are sent" rule), :mod:`.transport` (session, timeouts, retries),
:mod:`.polling` (wait schedule), :mod:`.download` (verified atomic downloads),
:mod:`.client` (``TripoClient``).
"""

from __future__ import annotations

from .client import TripoClient
from .config import CHINA_BASE_URL, GLOBAL_BASE_URL, redact
from .download import DownloadURLExpired
from .enums import TERMINAL_STATUSES, Animation, ModelStyle, PostStyle, RigSpec, RigType, TaskStatus
from .errors import (
    DownloadError,
    TaskWaitCancelled,
    TaskWaitTimeout,
    TripoAPIError,
    TripoError,
    TripoRequestError,
)
from .models import Balance, Task, TaskOutput
from .payloads import UNSET

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
    "TripoError",
    "TripoRequestError",
    "TripoAPIError",
    "DownloadError",
    "DownloadURLExpired",
    "TaskWaitCancelled",
    "TaskWaitTimeout",
    "UNSET",
    "GLOBAL_BASE_URL",
    "CHINA_BASE_URL",
    "redact",
]
