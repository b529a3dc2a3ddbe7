"""Presigned uploads: the PUT URL ``POST /v3/files/presign`` hands out, and the PUT route itself.

Why: apiv3 clients upload large files (the SDK: above 50 MB) with a plain ``PUT`` of the raw
bytes to a signed object-storage URL, then use the ``file_token`` they got with the URL. That
PUT must never carry the API key, so the URL lives on the emulator's second server (the "CDN"
port), which refuses any request with ``Authorization`` (403, recorded like every CDN request).
Like S3, errors come back as XML documents, not the API envelope: 403 for an unknown or
tampered URL, an expired one (``expires_in`` seconds after the presign) or a leaked key; 413
above the upload cap. The URL has S3's query shape: ``/tripo-uploads/<YYYYMMDD>/<file_token>.<format>``
``?X-Amz-Algorithm=…&X-Amz-Date=…&X-Amz-Expires=…&X-Amz-SignedHeaders=host&X-Amz-Signature=…``.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import time

from .formats import file_kind
from .recording import Recorded
from .responses import Response, s3_error
from .state import PRESIGN_TTL, Store, StoredFile

PATH_PREFIX = "/tripo-uploads/"
#: Formats ``POST /v3/files/presign`` accepts (lower case, no dot): the image and model kinds.
FORMATS = frozenset({"jpg", "jpeg", "png", "webp", "glb", "gltf", "fbx", "obj", "stl"})


class PutSigner:
    """Signs and checks presigned PUT URLs with a per-emulator secret."""

    def __init__(self) -> None:
        self._secret = os.urandom(32)

    def _mac(self, path: str, amz_date: str, expires: str) -> str:
        return hmac.new(self._secret, f"PUT\n{path}\n{amz_date}\n{expires}".encode(), hashlib.sha256).hexdigest()

    def url_path(self, stored: StoredFile) -> str:
        """The path and query of the PUT URL for a presign slot."""
        day = time.strftime("%Y%m%d", time.gmtime(stored.created))
        path = f"{PATH_PREFIX}{day}/{stored.token}.{stored.name}"
        amz_date = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(stored.created))
        expires = str(PRESIGN_TTL)
        return (
            f"{path}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date={amz_date}&X-Amz-Expires={expires}"
            f"&X-Amz-SignedHeaders=host&X-Amz-Signature={self._mac(path, amz_date, expires)}"
        )

    def verify(self, path: str, query: dict[str, str]) -> bool:
        expected = self._mac(path, query.get("X-Amz-Date", ""), query.get("X-Amz-Expires", ""))
        return hmac.compare_digest(expected, query.get("X-Amz-Signature", ""))


def is_upload_path(path: str) -> bool:
    return path.startswith(PATH_PREFIX)


def receive(store: Store, signer: PutSigner, rec: Recorded) -> Response:
    """Store the bytes of a presigned PUT; the slot's file_token becomes usable."""
    if "authorization" in rec.headers:
        return s3_error(403, "AccessDenied", "A presigned URL must be used without an Authorization header")
    token, _, fmt = rec.path.rsplit("/", 1)[-1].partition(".")
    stored = store.find_upload(token)
    if stored is None or stored.name != fmt or not signer.verify(rec.path, rec.query):
        return s3_error(403, "SignatureDoesNotMatch", "The request signature does not match")
    if store.clock.now() >= stored.put_deadline:
        return s3_error(403, "AccessDenied", "Request has expired")
    if len(rec.body) > store.upload_cap:
        return s3_error(
            413, "EntityTooLarge", f"Your proposed upload exceeds the maximum allowed size ({store.upload_cap} bytes)"
        )
    with store.lock:
        stored.data = rec.body
        stored.kind = file_kind(rec.body)
    etag = '"' + hashlib.md5(rec.body, usedforsecurity=False).hexdigest() + '"'  # S3's ETag is the MD5
    return Response(200, b"", "application/xml", {"ETag": etag})
