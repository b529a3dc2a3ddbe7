"""One boundary for everything the server sends that a job keeps: keys never get past it.

Why: a server, proxy or error page that echoes the API key put it into a job's error (message,
suggestion, trace-id header), a task's ``error_msg`` and extra output fields, and a followed
task's echoed input — and from there into the journal, the Jobs panel, object tags saved in the
.blend and the log. Every job change passes :meth:`~.book.JobBook.update`, so scrubbing there
(:func:`scrub_changes`) covers every path at once, whatever code produced the value. The jobs
logger gets the client's redacting filter too (:func:`protect_logger`).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from typing import Any

from ..client.config import RedactingFilter, redact

__all__ = ["scrub", "scrub_changes", "protect_logger"]

#: Job fields whose values can come from the server (never local paths such as ``files``).
_SERVER_FIELDS = frozenset({"note", "error", "result", "task_input", "task_status", "task_type", "task_id"})


def scrub(value: Any) -> Any:
    """``value`` with every string in it redacted (mappings, sequences and JobErrors walked)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, Mapping):
        return {scrub(k): scrub(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(scrub(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(
            value,
            **{
                f.name: scrub(getattr(value, f.name))
                for f in dataclasses.fields(value)
                if isinstance(getattr(value, f.name), (str, Mapping, list, tuple))
            },
        )
    return value


def scrub_changes(note: str | None, changes: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    """The note and the field changes of one job update, with server-sent values redacted."""
    return (redact(note) if note else note, {k: scrub(v) if k in _SERVER_FIELDS else v for k, v in changes.items()})


def protect_logger(name: str) -> logging.Logger:
    """The logger ``name`` with the redacting filter attached (once)."""
    logger = logging.getLogger(name)
    if not any(isinstance(f, RedactingFilter) for f in logger.filters):
        logger.addFilter(RedactingFilter())
    return logger
