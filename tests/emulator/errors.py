"""apiv3 error codes, their HTTP statuses and wording (docs/apiv3.md#errors).

Why one table: every route answers errors through :class:`ApiError`, so the status that goes
with a code and the sample wording live in exactly one place. A few codes travel with more than
one HTTP status on the real service (1003 is also a wrong method, 405, or a wrong Content-Type,
415); :attr:`ApiError.http_status` overrides the table for those.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

#: code -> (HTTP status, message, suggestion)
CODES: dict[int, tuple[int, str, str]] = {
    2: (401, "Authentication failed", "Check your API key and the region of the host"),
    1000: (500, "Unknown server error", "Please try again later"),
    1001: (500, "Fatal server error", "Please try again later"),
    1003: (400, "The request body is malformed", "Send a valid JSON object"),
    1004: (400, "A parameter is invalid", "Check the request parameters against the documentation"),
    1005: (403, "You are not allowed to access this resource", "Check your permissions"),
    1007: (429, "Too many requests", "Slow down and retry later; check the Retry-After header"),
    2000: (429, "You have exceeded the limit of generation", "Please retry later; check the Retry-After header"),
    2001: (
        404,
        "The task is not found",
        "Check the task id; tasks are visible only to the key that created them and only for a limited time",
    ),
    2006: (400, "The original task type is not supported", "Use a task type this operation accepts"),
    2007: (400, "The original task is not successful", "Wait for the original task to succeed"),
    2008: (400, "The input violates the content policy", "Change the input"),
    2010: (403, "You don't have enough credit to create this task", "Top up your credits"),
    2011: (400, "The original task has no model output", "Use a task that produced a model"),
    2012: (400, "The original task is not a rig task", "Retarget a successful rig task"),
    2015: (400, "The model version is deprecated", "Use a current model version"),
    2016: (400, "The task type is deprecated", "This capability has been retired"),
    2017: (400, "The model version is invalid", "Use a model version listed in the documentation"),
    2018: (400, "The task expired in the queue", "Create the task again"),
    4001: (404, "The route is not found", "Check the request path"),
}

#: Wording of a failed task's ``error_message`` when the test did not choose one.
TASK_FAILURES: dict[int, str] = {
    1001: "Fatal server error (emulated)",
    2008: "Input rejected by content moderation.",
    2018: "The task expired in the queue.",
}


def request_id() -> str:
    """A fresh ``request_id`` for an error answer (support quotes it)."""
    return f"req-{uuid.uuid4().hex[:20]}"


@dataclass
class ApiError(Exception):
    """An error answer: ``{"code","status":"error","message","suggestion","request_id"}``."""

    code: int
    detail: str | None = None
    retry_after: int | None = None
    message: str | None = None  # overrides the table wording (fault injection)
    suggestion: str | None = None
    http_status: int | None = None  # overrides the table's HTTP status

    @property
    def status(self) -> int:
        if self.http_status is not None:
            return self.http_status
        return CODES.get(self.code, (500, "", ""))[0]

    def body(self) -> dict[str, object]:
        _status, message, suggestion = CODES.get(self.code, (500, "Unknown error", ""))
        if self.detail:
            message = f"{message}: {self.detail}"
        return {
            "code": self.code,
            "status": "error",
            "message": self.message or message,
            "suggestion": self.suggestion or suggestion,
            "request_id": request_id(),
        }
