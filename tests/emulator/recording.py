"""What the emulator remembers about each HTTP request, and multipart parsing.

Why record: client tests assert on what actually went over the wire (how many POSTs, which
headers reached the CDN, which body fields were sent), not on mocks. Multipart bodies are
parsed with the stdlib ``email`` package so the emulator stays dependency-free.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Part:
    """One file part of a multipart body."""

    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class Recorded:
    """One request as received. ``status`` is filled in once answered (0: connection dropped)."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    json: Any = None
    files: dict[str, Part] = field(default_factory=dict)
    form: dict[str, str] = field(default_factory=dict)
    status: int = 0
    body: bytes = b""


class MultipartError(ValueError):
    """The body is not valid multipart/form-data."""


def parse_multipart(content_type: str, body: bytes) -> tuple[dict[str, Part], dict[str, str]]:
    """Split a multipart/form-data body into file parts and plain fields."""
    if "boundary=" not in content_type:
        raise MultipartError("multipart body without boundary")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
    )
    if not message.is_multipart():
        raise MultipartError("not a multipart body")
    files: dict[str, Part] = {}
    form: dict[str, str] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        if filename is None and part.get_content_type() == "text/plain":
            form[name] = data.decode("utf-8", "replace")
        else:
            files[name] = Part(filename, part.get_content_type(), data)
    return files, form


def decode_json(content_type: str, body: bytes) -> Any:
    """The parsed JSON body, or None when there is none or it does not parse."""
    if not body or content_type.startswith("multipart/"):
        return None
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
