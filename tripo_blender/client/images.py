"""Image inputs: tell a local path from a URL from an upload token, check local files, build the
wire "file object".

Why it exists: SDK 0.3.0 labelled every image ``"type": "jpg"``, probed paths with
``os.path.exists`` to guess what a string meant, and could leak a local path into a request body
(§3, §8 #10, #12). Here classification is explicit and checked *before* anything is sent:

* ``http://``/``https://`` strings are URLs; the file type comes from the URL path's extension
  (``.jpg``/``.jpeg``/``.png``/``.webp``), defaulting to ``jpeg`` (URLs must be JPEG/PNG per docs).
  Any other ``scheme://`` is rejected.
* A bare UUID string is an upload token (tokens returned by ``POST /upload`` are UUIDs). Its real
  type is not knowable, so it is sent as ``"jpg"`` (what the SDK always sent; the docs say the
  field is not validated). A file that happens to be named like a UUID can still be uploaded by
  passing ``"./<uuid>"`` or a ``pathlib.Path``.
* Anything else (and every ``os.PathLike``) is a local file. It must exist, be a regular file, be
  non-empty, be at most 20 MB and *actually be* JPEG, PNG or WEBP — sniffed from its first bytes,
  not trusted from its name. The wire type is the sniffed one.

The body sent to ``POST /task`` never contains a local path: a local image becomes
``{"type": <sniffed>, "file_token": <token from the upload>}``.
"""

from __future__ import annotations

import os
import posixpath
import re
import stat
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

__all__ = [
    "MAX_IMAGE_BYTES",
    "ImageRef",
    "classify_image",
    "check_local_image",
    "sniff_image_type",
    "type_from_url",
    "is_upload_token",
    "upload_filename",
    "CONTENT_TYPES",
    "PLACEHOLDER_TOKEN",
]

#: Upload limit of the API (wire notes §2 E3 / §1.3).
MAX_IMAGE_BYTES = 20 * 1024 * 1024

#: Wire type -> MIME type for the multipart upload.
CONTENT_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}

#: Stand-in token used to validate a request body before the real upload has happened.
PLACEHOLDER_TOKEN = "00000000-0000-0000-0000-000000000000"

_UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_URL_TYPES = {".jpg": "jpg", ".jpeg": "jpeg", ".png": "png", ".webp": "webp"}

ImageKind = Literal["path", "url", "token"]


def is_upload_token(value: str) -> bool:
    """True for a bare UUID, the shape of an ``image_token`` from ``POST /upload``."""
    return _UUID_RE.fullmatch(value) is not None


def sniff_image_type(head: bytes) -> str | None:
    """The wire type (``jpeg``/``png``/``webp``) from a file's first bytes, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def _describe_unsupported(head: bytes) -> str:
    """A human name for common formats Tripo does not accept, for a useful error message."""
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "a GIF image"
    if head.startswith(b"BM"):
        return "a BMP image"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "a TIFF image"
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return "a HEIC/AVIF image"
    if head.startswith(b"glTF"):
        return "a GLB 3D model, not an image"
    return "not a JPEG, PNG or WEBP image"


def type_from_url(url: str) -> str:
    """Wire type from the URL path's extension (query ignored); ``jpeg`` when unknown."""
    ext = posixpath.splitext(unquote(urlsplit(url).path))[1].lower()
    return _URL_TYPES.get(ext, "jpeg")


@dataclass(frozen=True)
class ImageRef:
    """A classified image argument. For ``kind == "path"``, ``value`` is the absolute path and
    ``size`` its byte size; the path itself never goes into a request body."""

    kind: ImageKind
    value: str
    file_type: str
    size: int | None = None

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES.get(self.file_type, "application/octet-stream")

    def file_object(self, token: str | None = None) -> dict[str, Any]:
        """The §3 file object. A local file needs the ``token`` its upload returned."""
        if self.kind == "url":
            return {"type": self.file_type, "url": self.value}
        if self.kind == "token":
            return {"type": self.file_type, "file_token": self.value}
        if token is None:
            raise ValueError("A local image must be uploaded before it can be referenced.")
        return {"type": self.file_type, "file_token": token}

    def placeholder_object(self) -> dict[str, Any]:
        """A file object of the right shape for validating a body before uploading."""
        return self.file_object(PLACEHOLDER_TOKEN if self.kind == "path" else None)


def check_local_image(path: str | os.PathLike[str], *, what: str = "image") -> ImageRef:
    """Validate a local image file without sending anything.

    Raises FileNotFoundError (missing), ValueError (not a regular file, empty, over 20 MB, or not
    JPEG/PNG/WEBP by content).
    """
    fspath = os.fspath(path)
    try:
        st = os.stat(fspath)
    except FileNotFoundError:
        raise FileNotFoundError(f"The {what} file does not exist: {fspath}") from None
    if not stat.S_ISREG(st.st_mode):
        raise ValueError(f"The {what} path is not a regular file: {fspath}")
    if st.st_size == 0:
        raise ValueError(f"The {what} file is empty: {fspath}")
    if st.st_size > MAX_IMAGE_BYTES:
        raise ValueError(
            f"The {what} file is {st.st_size / 1048576:.1f} MB; Tripo accepts at most "
            f"{MAX_IMAGE_BYTES // 1048576} MB. Resize or recompress it: {fspath}"
        )
    with open(fspath, "rb") as fh:
        head = fh.read(16)
    file_type = sniff_image_type(head)
    if file_type is None:
        raise ValueError(
            f"The {what} file is {_describe_unsupported(head)}; Tripo accepts JPEG, PNG or WEBP: {fspath}"
        )
    return ImageRef(kind="path", value=os.path.abspath(fspath), file_type=file_type, size=st.st_size)


def classify_image(image: str | os.PathLike[str], *, what: str = "image") -> ImageRef:
    """Decide whether ``image`` is a URL, an upload token or a local file (checked)."""
    if isinstance(image, os.PathLike):
        return check_local_image(image, what=what)
    if not isinstance(image, str):
        raise ValueError(f"The {what} must be a path, URL or upload token string, not {type(image).__name__}.")
    value = image.strip()
    if not value:
        raise ValueError(f"The {what} is empty: pass a file path, an http(s) URL or an upload token.")
    lowered = value.lower()
    if lowered.startswith(("http://", "https://")):
        if not urlsplit(value).hostname:
            raise ValueError(f"The {what} URL has no host: {value}")
        return ImageRef(kind="url", value=value, file_type=type_from_url(value))
    if _SCHEME_RE.match(value):
        raise ValueError(f"The {what} URL must use http or https: {value}")
    if is_upload_token(value):
        return ImageRef(kind="token", value=value, file_type="jpg")
    return check_local_image(image, what=what)


_SAFE_CHARS = re.compile(r"[^A-Za-z0-9._-]+")


def upload_filename(ref: ImageRef) -> str:
    """Multipart filename for an upload: the file's own stem (ASCII-sanitised) plus the extension
    of its *real* type, so name and content type always agree. Never a path."""
    stem = os.path.splitext(os.path.basename(ref.value))[0]
    stem = _SAFE_CHARS.sub("_", stem).strip("._")[:64] or "image"
    ext = "jpg" if ref.file_type == "jpeg" else ref.file_type
    return f"{stem}.{ext}"
