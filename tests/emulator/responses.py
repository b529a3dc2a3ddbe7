"""The answer object the HTTP layer sends, and builders for the API's JSON shapes.

Why separate from the handler: routes return a :class:`Response` value instead of writing to
the socket, so fault injection can delay, drop or truncate *any* answer uniformly afterwards.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .errors import ApiError


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


def ok(data: Any) -> Response:
    """The apiv3 success envelope ``{"code": 0, "status": "success", "data": ...}``."""
    return Response(200, json.dumps({"code": 0, "status": "success", "data": data}).encode("utf-8"))


def error(exc: ApiError) -> Response:
    """An error envelope with the HTTP status of its code (and Retry-After when set)."""
    headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after is not None else {}
    return Response(exc.status, json.dumps(exc.body()).encode("utf-8"), headers=headers)


def html_error(status: int, reason: str) -> Response:
    """What a reverse proxy in front of the API sends when the backend fails (not JSON)."""
    page = (
        f"<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
        f"<center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    )
    return Response(status, page.encode("ascii"), "text/html")


def s3_error(status: int, code: str, message: str) -> Response:
    """An object-storage error document, as a presigned PUT gets it (XML, not the API envelope)."""
    body = f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{message}</Message></Error>'
    return Response(status, body.encode("utf-8"), "application/xml")
