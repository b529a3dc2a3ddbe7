"""Tripo error codes, their HTTP statuses and wording (wire protocol §6.1).

Why one table: every route answers errors through :class:`ApiError`, so the status that goes
with a code and the docs' sample messages live in exactly one place.
"""

from __future__ import annotations

from dataclasses import dataclass

#: code -> (HTTP status, message, suggestion)
CODES: dict[int, tuple[int, str, str]] = {
    1000: (500, "Unknown server error", "Please try again later"),
    1001: (500, "Fatal server error", "Please try again later"),
    1002: (401, "Authentication failed", "Check your API key and the region of the host"),
    1003: (400, "The request body is malformed", "Send a valid JSON object"),
    1004: (400, "A parameter is invalid", "Check the request parameters against the documentation"),
    1005: (403, "You are not allowed to access this resource", "Check your permissions"),
    1007: (429, "Too many requests", "Slow down and retry later; check the Retry-After header"),
    2000: (429, "You have exceeded the limit of generation",
           "Please retry later; check the Retry-After header"),
    2001: (404, "The task is not found", "Check the task id; tasks are visible only to the key that created them"),
    2002: (400, "This task type is not supported", "Refer to API documentation for supported task types"),
    2003: (400, "The input file is empty", "Upload a non-empty file"),
    2004: (400, "The file type is not supported", "Use webp, jpeg or png"),
    2006: (400, "The original task type is not supported", "Use a task type this operation accepts"),
    2007: (400, "The original task is not successful", "Wait for the original task to succeed"),
    2008: (400, "The input violates the content policy", "Change the input"),
    2010: (403, "You don't have enough credit to create this task", "Top up your credits"),
    2011: (400, "The original task has no model output", "Use a task that produced a model"),
    2012: (400, "The original task is not a rig task", "Retarget a successful animate_rig task"),
    2015: (400, "The model version is deprecated", "Use a current model version"),
    2016: (400, "The task type is deprecated", "Use animate_rig and animate_retarget instead"),
    2017: (400, "The model version is invalid", "Use a model version listed in the documentation"),
    2019: (404, "The file is not found", "Upload the file again and use the new token"),
    9404: (404, "The route is not found", "Check the request path and method"),
}


@dataclass
class ApiError(Exception):
    """An error answer: ``{"code","message","suggestion"}`` with the HTTP status of its code."""

    code: int
    detail: str | None = None
    retry_after: int | None = None
    message: str | None = None  # overrides the table wording (fault injection)
    suggestion: str | None = None

    @property
    def status(self) -> int:
        return CODES.get(self.code, (500, "", ""))[0]

    def body(self) -> dict[str, object]:
        _status, message, suggestion = CODES.get(self.code, (500, "Unknown error", ""))
        if self.detail:
            message = f"{message}: {self.detail}"
        return {"code": self.code, "message": self.message or message, "suggestion": self.suggestion or suggestion}
