"""Recognising file kinds by their bytes, and the MIME type to serve each output with.

Why: the real service checks what an upload *is*, not what it is called (images JPEG/PNG/WEBP
and models GLB/GLTF/FBX/OBJ/STL for ``/v3/files``), and clients pick the importer from the URL's
extension, so the emulator needs both directions: bytes -> kind for inputs, extension ->
Content-Type for outputs.
"""

from __future__ import annotations

import json

IMAGE_KINDS = frozenset({"png", "jpeg", "webp"})
MODEL_KINDS = frozenset({"glb", "gltf", "fbx", "obj", "stl"})

CONTENT_TYPES: dict[str, str] = {
    "glb": "model/gltf-binary",
    "fbx": "application/octet-stream",
    "obj": "model/obj",
    "stl": "model/stl",
    "zip": "application/zip",
    "usdz": "model/vnd.usdz+zip",
    "3mf": "model/3mf",
    "gltf": "model/gltf+json",
    "ply": "application/octet-stream",
    "spz": "application/octet-stream",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "jpg": "image/jpeg",
    "webp": "image/webp",
}


def image_kind(data: bytes) -> str | None:
    """``"png"``, ``"jpeg"`` or ``"webp"`` from the magic bytes, else None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def model_kind(data: bytes) -> str | None:
    """``"glb"``, ``"gltf"``, ``"fbx"``, ``"stl"`` or ``"obj"`` from the content, else None.

    Binary STL has no magic; it is recognised by its size matching the facet count. A glTF is
    a JSON object with an ``asset`` member.
    """
    if data.startswith(b"glTF"):
        return "glb"
    if data.lstrip()[:1] == b"{":
        return "gltf" if _is_gltf_json(data) else None
    if data.startswith(b"Kaydara FBX Binary"):
        return "fbx"
    if data.lstrip().startswith(b"solid"):
        return "stl"
    if len(data) >= 84 and len(data) == 84 + 50 * int.from_bytes(data[80:84], "little"):
        return "stl"
    head = data[:4096].decode("ascii", "replace")
    if any(line.startswith(("v ", "f ", "mtllib ", "o ")) for line in head.splitlines()):
        return "obj"
    return None


def content_type(filename: str) -> str:
    """MIME type for an output file name (by extension)."""
    ext = filename.rsplit(".", 1)[-1].lower()
    return CONTENT_TYPES.get(ext, "application/octet-stream")


def _is_gltf_json(data: bytes) -> bool:
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return False
    return isinstance(doc, dict) and isinstance(doc.get("asset"), dict)


def file_kind(data: bytes) -> str | None:
    """The kind of an uploaded file: an image kind, a model kind, or None (refused)."""
    return image_kind(data) or model_kind(data)
