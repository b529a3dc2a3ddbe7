"""What an ``input`` argument is — local file, URL, file token or task id — checked before sending.

apiv3 takes every input as one string (docs/apiv3.md#inputs): an ``http(s)`` URL, a ``file_…``
token from ``/v3/files``, or the id of an earlier task whose output is reused. A local file is
uploaded first and its token sent instead; the body never carries a local path. SDK 0.3.0 probed
paths with ``os.path.exists`` to guess, labelled every image ``jpg`` and could leak a path into a
request (docs/sdk-surface.md#known-faults, 10 and 12); SDK 1.0.0 passes any unknown string through as a token.
Here the rules are explicit and every local file is checked *before* anything is sent:

* ``http://``/``https://`` strings are URLs (with a host). Any other ``scheme://`` is refused, as
  is a ``data:`` URL (apiv3 rejects base64 input).
* ``file_…`` strings are upload tokens (v2's bare-UUID image tokens did not carry over to apiv3).
* An existing local file (or any ``os.PathLike``) is uploaded: an image must *be* JPEG, PNG or
  WEBP by its first bytes and at most 20 MB; a model must be GLB, glTF, FBX, OBJ or STL and at
  most 150 MB (:data:`MAX_UPLOAD_BYTES`; the API's cap).
* Otherwise a bare UUID is a task id (image inputs take the image of a text-to-image task); for a
  model input (a post-process's source) any plain id is a task id, as before. A string that looks
  like a path (a ``/``, or for images any extension, for models a model extension) but names no
  file is a ``FileNotFoundError``.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from .image_size import pixel_size, side_problem

__all__ = [
    "MAX_IMAGE_BYTES",
    "MAX_UPLOAD_BYTES",
    "MULTIPART_MAX_BYTES",
    "InputRef",
    "classify_image",
    "classify_model",
    "classify_upload",
    "check_local_image",
    "check_local_model",
    "sniff_image_type",
    "is_file_token",
    "is_uuid",
    "upload_filename",
    "CONTENT_TYPES",
    "PLACEHOLDER_TOKEN",
    "MODEL_TYPES",
]

#: Image inputs: the API's limit (docs/apiv3.md#uploads).
MAX_IMAGE_BYTES = 20 * 1024 * 1024
#: Any upload: the API's cap; larger files are refused before a request is made.
MAX_UPLOAD_BYTES = 150 * 1024 * 1024
#: Up to this size a file goes in one multipart ``POST /v3/files``; above it through a presigned
#: ``PUT`` (the official SDK's threshold).
MULTIPART_MAX_BYTES = 50 * 1024 * 1024

#: File type -> MIME type for uploads.
CONTENT_TYPES = {
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "glb": "model/gltf-binary",
    "gltf": "model/gltf+json",
    "fbx": "application/octet-stream",
    "obj": "model/obj",
    "stl": "model/stl",
}
MODEL_TYPES = ("glb", "gltf", "fbx", "obj", "stl")
_MODEL_EXTENSIONS = {f".{t}": t for t in MODEL_TYPES}

#: Stand-in token used to validate a request body before the real upload has happened.
PLACEHOLDER_TOKEN = "file_placeholder"

_UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_TOKEN_RE = re.compile(r"file_[A-Za-z0-9_.-]{1,200}")
_TASK_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")
_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")

InputKind = Literal["path", "url", "token", "task"]


def is_uuid(value: str) -> bool:
    """True for a bare UUID, the shape of a Tripo task id."""
    return _UUID_RE.fullmatch(value) is not None


def is_file_token(value: str) -> bool:
    """True for an apiv3 upload token (``file_…``)."""
    return _TOKEN_RE.fullmatch(value) is not None


def sniff_image_type(head: bytes) -> str | None:
    """The image type (``jpeg``/``png``/``webp``) from a file's first bytes, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def _describe_unsupported(head: bytes) -> str:
    """A human name for common formats Tripo does not accept as images, for a useful message."""
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


@dataclass(frozen=True)
class InputRef:
    """A classified input. For ``kind == "path"``, ``value`` is the absolute path, ``file_type``
    its checked type and ``size`` its byte size; the path itself never goes into a request."""

    kind: InputKind
    value: str
    file_type: str | None = None
    size: int | None = None

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES.get(self.file_type or "", "application/octet-stream")

    def wire(self, token: str | None = None) -> str:
        """The string sent in the body. A local file needs the ``token`` its upload returned."""
        if self.kind != "path":
            return self.value
        if token is None:
            raise ValueError("A local file must be uploaded before it can be referenced.")
        return token


def _stat_regular(path: str, what: str) -> os.stat_result:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise FileNotFoundError(f"The {what} file does not exist: {path}") from None
    if not stat.S_ISREG(st.st_mode):
        raise ValueError(f"The {what} path is not a regular file: {path}")
    if st.st_size == 0:
        raise ValueError(f"The {what} file is empty: {path}")
    return st


def _too_big(size: int, limit: int, what: str, path: str, advice: str) -> ValueError:
    return ValueError(
        f"The {what} file is {size / 1048576:.1f} MB; Tripo accepts at most {limit // 1048576} MB. {advice}: {path}"
    )


def check_local_image(path: str | os.PathLike[str], *, what: str = "image") -> InputRef:
    """Validate a local image file without sending anything.

    Raises FileNotFoundError (missing), ValueError (not a regular file, empty, over 20 MB, not
    JPEG/PNG/WEBP by content, or under 20 / over 6000 pixels a side).
    """
    fspath = os.fspath(path)
    st = _stat_regular(fspath, what)
    if st.st_size > MAX_IMAGE_BYTES:
        raise _too_big(st.st_size, MAX_IMAGE_BYTES, what, fspath, "Resize or recompress it")
    with open(fspath, "rb") as fh:
        head = fh.read(16)
    file_type = sniff_image_type(head)
    if file_type is None:
        raise ValueError(f"The {what} file is {_describe_unsupported(head)}; Tripo accepts JPEG, PNG or WEBP: {fspath}")
    problem = side_problem(pixel_size(fspath, file_type))
    if problem is not None:
        raise ValueError(f"The {what} is {problem}: {fspath}")
    return InputRef("path", os.path.abspath(fspath), file_type, st.st_size)


def _model_type(path: str, head: bytes) -> str | None:
    """GLB and binary FBX by their magic; glTF, ASCII FBX, OBJ and STL by their extension."""
    if head.startswith(b"glTF"):
        return "glb"
    if head.startswith(b"Kaydara FBX Binary"):
        return "fbx"
    ext = _MODEL_EXTENSIONS.get(os.path.splitext(path)[1].lower())
    return None if ext == "glb" else ext  # a .glb without the glTF magic is not a GLB


def check_local_model(path: str | os.PathLike[str], *, what: str = "model") -> InputRef:
    """Validate a local 3D model file (GLB, glTF, FBX, OBJ, STL; at most 150 MB) without sending."""
    fspath = os.fspath(path)
    st = _stat_regular(fspath, what)
    if st.st_size > MAX_UPLOAD_BYTES:
        raise _too_big(st.st_size, MAX_UPLOAD_BYTES, what, fspath, "Decimate it or split it first")
    with open(fspath, "rb") as fh:
        head = fh.read(32)
    file_type = _model_type(fspath, head)
    if file_type is None:
        raise ValueError(f"The {what} file is not a GLB, glTF, FBX, OBJ or STL model: {fspath}")
    return InputRef("path", os.path.abspath(fspath), file_type, st.st_size)


def _looks_like_path(value: str) -> bool:
    return "/" in value or os.sep in value or bool(os.path.splitext(value)[1])


def _reference(value: object, what: str) -> tuple[InputRef | None, str]:
    """URLs and tokens (no file system involved); else (None, the stripped string)."""
    if not isinstance(value, str):
        raise ValueError(f"The {what} must be a path, URL, file token or task id string, not {type(value).__name__}.")
    text = value.strip()
    if not text:
        raise ValueError(f"The {what} is empty: pass a file path, an http(s) URL, a file token or a task id.")
    if text.lower().startswith(("http://", "https://")):
        if not urlsplit(text).hostname:
            raise ValueError(f"The {what} URL has no host: {text}")
        return InputRef("url", text), text
    if text.lower().startswith("data:"):
        raise ValueError(f"The {what} is a data: URL; Tripo no longer accepts inline data. Pass a file path instead.")
    if _SCHEME_RE.match(text) and "://" in text:
        raise ValueError(f"The {what} URL must use http or https: {text}")
    if is_file_token(text):
        return InputRef("token", text), text
    return None, text


def classify_image(image: str | os.PathLike[str], *, what: str = "image") -> InputRef:
    """An image input: a URL, a file token, a local image (checked), or the UUID of a task whose
    output is an image (text-to-image)."""
    if isinstance(image, os.PathLike):
        return check_local_image(image, what=what)
    ref, text = _reference(image, what)
    if ref is not None:
        return ref
    if os.path.isfile(text) or _looks_like_path(text) or not is_uuid(text):
        return check_local_image(text, what=what)
    return InputRef("task", text)


def classify_model(source: str | os.PathLike[str], *, what: str = "original_model_task_id") -> InputRef:
    """A post-process's source: a task id, a model file token or URL, or a local model file
    (checked, then uploaded)."""
    if isinstance(source, os.PathLike):
        return check_local_model(source, what=what)
    ref, text = _reference(source, what)
    if ref is not None:
        return ref
    named_file = "/" in text or os.sep in text or os.path.splitext(text)[1].lower() in _MODEL_EXTENSIONS
    if os.path.isfile(text) or named_file:
        return check_local_model(text, what=what)
    if _TASK_ID_RE.fullmatch(text) is None:
        raise ValueError(f"{what} is not a task id, file token, URL or existing file: {text!r}")
    return InputRef("task", text)


def classify_upload(path: str | os.PathLike[str]) -> InputRef:
    """A file for :meth:`TripoClient.upload_file`: an image or a model, checked by content."""
    fspath = os.fspath(path)
    _stat_regular(fspath, "file")
    with open(fspath, "rb") as fh:
        head = fh.read(16)
    if sniff_image_type(head) is not None:
        return check_local_image(fspath, what="file")
    return check_local_model(fspath, what="file")


_SAFE_CHARS = re.compile(r"[^A-Za-z0-9._-]+")


def upload_filename(ref: InputRef) -> str:
    """Multipart filename for an upload: the file's own stem (ASCII-sanitised) plus the extension
    of its *real* type, so name and content type always agree. Never a path."""
    stem = os.path.splitext(os.path.basename(ref.value))[0]
    stem = _SAFE_CHARS.sub("_", stem).strip("._")[:64] or "upload"
    ext = "jpg" if ref.file_type == "jpeg" else (ref.file_type or "bin")
    return f"{stem}.{ext}"
