"""Exceptions raised by the client.

Hierarchy (everything the client raises on purpose, except argument errors, is a ``TripoError``)::

    TripoError
    ├── TripoRequestError      transport-level: no/garbled response, non-JSON error page, HTTP error
    │   │                      without a Tripo envelope. ``status_code`` is 0 when no HTTP response
    │   │                      arrived at all. ``may_have_reached_server`` tells a caller whether a
    │   │                      POST /task might have created (and billed) a task anyway.
    │   └── DownloadError      a model/image download failed (nothing was left on disk)
    ├── TripoAPIError          the API answered with its JSON error envelope (``code`` != 0 or
    │                          ``status`` "error"): carries ``code``, ``message``, ``suggestion``,
    │                          ``status_code``, ``request_id`` and the trace id to quote to support
    ├── TripoValidationError   (also a ``ValueError``) a request this client refuses to send: a
    │                          capability Tripo retired (refine, stylize), an unknown task type
    └── TaskWaitCancelled      ``wait_for_task`` stopped because its ``cancel_event`` was set

``wait_for_task`` raises :class:`TaskWaitTimeout`, a subclass of the built-in ``TimeoutError`` (not a
``TripoError``: running out of patience is the caller's decision, not an API failure). The official
SDK 1.0.0 calls it ``TripoPollTimeoutError``; that name is an alias here.

Invalid arguments raise ``ValueError``/``FileNotFoundError`` before anything is sent.

Every message goes through :func:`.config.redact`, so the API key cannot appear in ``str(error)``.
Unlike SDK 0.3.0, a structured API error is never flattened into a text-only request error
(docs/sdk-surface.md#known-faults, 1).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .config import redact

if TYPE_CHECKING:
    from .models import Task

__all__ = [
    "TripoError",
    "TripoRequestError",
    "DownloadError",
    "TripoAPIError",
    "TripoValidationError",
    "TaskWaitCancelled",
    "TaskWaitTimeout",
    "TripoPollTimeoutError",
    "AUTH_FAILED_CODES",
    "CAUSES",
    "RETRYABLE_API_CODES",
    "RATE_LIMIT_CODES",
    "INVALID_PARAMETER_CODE",
]

#: "Invalid parameter" (HTTP 400): the request was checked and refused, nothing created or charged.
INVALID_PARAMETER_CODE = 1004
#: API codes that mean "the server refused *before* doing anything; try again later".
RATE_LIMIT_CODES = frozenset({1007, 2000})
#: API codes for which retrying the same request later can succeed (docs/apiv3.md#errors).
RETRYABLE_API_CODES = frozenset({1000, 1001, 1007, 2000, 2014})
#: Why no HTTP answer came (:attr:`TripoRequestError.cause`): the connection could not be made,
#: TLS verification failed, no answer in time, or the connection broke mid-answer.
CAUSES = ("connect", "tls", "timeout", "broken")
#: Codes of a refused key (apiv3 answers HTTP 401 with code 2; some deployments still use v2's
#: 1002). Tell them by HTTP 401 first: that also covers a key used in the wrong region.
AUTH_FAILED_CODES = frozenset({2, 1002})


class TripoError(Exception):
    """Base class of all client errors. ``message`` is already redacted."""

    def __init__(self, message: str) -> None:
        self.message = redact(str(message))
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class TripoRequestError(TripoError):
    """The HTTP exchange itself failed, or the answer was not a Tripo JSON envelope.

    ``status_code`` is the HTTP status, or 0 when no response arrived (connection refused, timeout,
    dropped connection); ``cause`` then says which (:data:`CAUSES`: ``"connect"``, ``"tls"``,
    ``"timeout"``, ``"broken"``; None for an HTTP answer or a local problem), so a caller can tell
    an artist "no connection" without reading the message. ``may_have_reached_server`` is True whenever the
    request may have been received and processed: a read timeout or a connection dropped after sending, or a garbled
    answer. For ``POST /task`` that means a task may exist and be billed; the client never resends
    in that case, and callers should look the task up instead of blindly creating another.
    """

    def __init__(
        self,
        status_code: int,
        message: str,
        *,
        trace_id: str | None = None,
        may_have_reached_server: bool = False,
        url: str | None = None,
        cause: str | None = None,
    ) -> None:
        self.status_code = status_code
        self.cause = cause
        self.trace_id = redact(trace_id) if trace_id else trace_id  # a header the server chose
        self.may_have_reached_server = may_have_reached_server
        self.url = url
        super().__init__(message)

    def __str__(self) -> str:
        head = f"HTTP {self.status_code}: " if self.status_code else ""
        tail = f" (trace id {self.trace_id})" if self.trace_id else ""
        return f"{head}{self.message}{tail}"


class DownloadError(TripoRequestError):
    """Downloading a result file failed. The target and any temporary file have been removed."""


class TripoAPIError(TripoError):
    """The API answered with an error envelope ``{"code": …, "message": …, "suggestion": …}``.

    ``retry_after`` holds the parsed ``Retry-After`` header (seconds) when the server sent one,
    so a job queue can reschedule a 429/2000 instead of failing. ``request_id`` is apiv3's id of
    the failed request (quote it to support, with the trace id).
    """

    def __init__(
        self,
        code: int,
        message: str,
        suggestion: str | None = None,
        *,
        status_code: int | None = None,
        trace_id: str | None = None,
        retry_after: float | None = None,
        request_id: str | None = None,
    ) -> None:
        self.code = code
        self.suggestion = redact(suggestion) if suggestion else suggestion
        self.status_code = status_code
        self.trace_id = redact(trace_id) if trace_id else trace_id  # a header the server chose
        self.retry_after = retry_after
        self.request_id = redact(request_id) if request_id else request_id
        super().__init__(message)

    @property
    def retryable(self) -> bool:
        """True when the same request may succeed later (rate limits, transient server errors)."""
        return self.code in RETRYABLE_API_CODES

    @property
    def auth_failed(self) -> bool:
        """The key was refused: wrong, revoked, or issued for the other region."""
        return self.status_code == 401 or self.code in AUTH_FAILED_CODES

    def __str__(self) -> str:
        text = f"[{self.code}] {self.message}"
        if self.suggestion:
            text += f" Suggestion: {self.suggestion}"
        extra = []
        if self.status_code:
            extra.append(f"HTTP {self.status_code}")
        if self.request_id:
            extra.append(f"request id {self.request_id}")
        if self.trace_id:
            extra.append(f"trace id {self.trace_id}")
        if extra:
            text += f" ({', '.join(extra)})"
        return text


class TripoValidationError(TripoError, ValueError):
    """A request this client refuses to send, such as a capability Tripo has retired. Nothing was
    sent. A ``ValueError`` too, so ``except ValueError`` around argument checks still catches it."""


class TaskWaitCancelled(TripoError):
    """``wait_for_task`` was cancelled through its ``cancel_event``. The task itself keeps running
    on the server (apiv3 has no cancel endpoint); ``last_task`` is the last state seen, if any."""

    def __init__(self, task_id: str, last_task: Task | None = None) -> None:
        self.task_id = task_id
        self.last_task = last_task
        super().__init__(f"Stopped waiting for task {task_id}: cancelled by the caller.")


class TaskWaitTimeout(TimeoutError):
    """``wait_for_task`` ran out of time. The task may still finish; ``last_task`` is the last state
    seen (None when the deadline passed before the first answer)."""

    def __init__(self, task_id: str, timeout: float, last_task: Task | None = None) -> None:
        self.task_id = task_id
        self.timeout = timeout
        self.last_task = last_task
        state = ""
        if last_task is not None:
            state = f" (last status {last_task.status.value}, progress {last_task.progress}%)"
        super().__init__(f"Task {task_id} did not finish within {timeout:g} seconds{state}.")


#: The official SDK 1.0.0's name for :class:`TaskWaitTimeout`.
TripoPollTimeoutError = TaskWaitTimeout
