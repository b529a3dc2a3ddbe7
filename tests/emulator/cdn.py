"""The download host: signed, expiring output URLs and the route that serves them.

Why a separate host/port with its own signing: the real outputs live on a CDN that needs no
API key, and its URLs expire (sources say between five minutes and a day). Serving them from
another port lets tests catch a client that sends its API key there: any request carrying
``Authorization`` is refused with 403 (and recorded), so a key leak fails the test that caused
it. The signature/expiry lets tests exercise the "403 -> re-GET the task for fresh URLs" path
(:meth:`UrlSigner.expire_all`). URLs have the shape
``/tcli_emulator/<YYYYMMDD>/<task_id>/<file>?auth_key=<expiry>-<rand>-0-<hmac>``.
The same host also takes presigned PUT uploads (:mod:`.presign`).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
import re
import threading
import time
import uuid

from .outputs import Asset, assets_of
from .responses import Response
from .state import Clock, Store, TaskRecord

ACCOUNT_DIR = "tcli_emulator"
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class UrlSigner:
    """Issues and checks ``auth_key`` signatures; remembers every live nonce so it can revoke them."""

    def __init__(self, clock: Clock, ttl: float) -> None:
        self.clock = clock
        self.ttl = ttl
        self._secret = os.urandom(32)
        self._live: dict[str, float] = {}  # nonce -> exact expiry
        self._lock = threading.Lock()

    def _mac(self, path: str, expiry: int, nonce: str) -> str:
        message = f"{path}-{expiry}-{nonce}-0".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()[:32]

    def sign(self, path: str) -> str:
        """``path?auth_key=...`` valid for ``ttl`` seconds from now (or until :meth:`expire_all`)."""
        exact = self.clock.now() + self.ttl
        expiry = math.ceil(exact)
        nonce = uuid.uuid4().hex[:16]
        with self._lock:
            self._live[nonce] = exact
        return f"{path}?auth_key={expiry}-{nonce}-0-{self._mac(path, expiry, nonce)}"

    def verify(self, path: str, auth_key: str | None) -> bool:
        parts = (auth_key or "").split("-")
        if len(parts) != 4 or not parts[0].isdigit():
            return False
        expiry, nonce, _uid, mac = int(parts[0]), parts[1], parts[2], parts[3]
        with self._lock:
            exact = self._live.get(nonce)
        return (exact is not None and self.clock.now() < exact
                and hmac.compare_digest(mac, self._mac(path, expiry, nonce)))

    def expire_all(self) -> None:
        """Every URL issued so far stops working (the CDN answers 403)."""
        with self._lock:
            self._live.clear()


def asset_path(task: TaskRecord, asset: Asset) -> str:
    """Where an output lives on the CDN: account dir, creation date (UTC), task id, file name."""
    day = time.strftime("%Y%m%d", time.gmtime(task.created))
    return f"/{ACCOUNT_DIR}/{day}/{task.task_id}/{asset.filename}"


def _text(status: int, message: str) -> Response:
    return Response(status, message.encode("utf-8"), "text/plain; charset=utf-8")


def serve(store: Store, signer: UrlSigner, path: str, query: dict[str, str], headers: dict[str, str]) -> Response:
    """Answer a CDN GET/HEAD: 403 for an API key or a bad/expired signature, 404 for unknown files, else 200/206."""
    if "authorization" in headers:
        return _text(403, "Forbidden: signed URLs must be fetched without an Authorization header")
    parts = path.split("/")
    if len(parts) != 5 or parts[1] != ACCOUNT_DIR:
        return _text(404, "Not Found")
    if not signer.verify(path, query.get("auth_key")):
        return _text(403, "Forbidden: the signature is invalid or has expired")
    with store.lock:
        task = store.tasks.get(parts[3])
        asset = assets_of(task.outputs).get(parts[4]) if task is not None else None
        if task is None or asset is None or store.phase(task).status != "success":
            return _text(404, "Not Found")
    return _ranged(asset, headers.get("range"))


def _ranged(asset: Asset, range_header: str | None) -> Response:
    """Whole file, or one ``bytes=a-b`` range (206); unsatisfiable ranges get 416."""
    size = len(asset.data)
    headers = {"Accept-Ranges": "bytes"}
    match = _RANGE.match(range_header.strip()) if range_header else None
    if match is None or match.groups() == ("", ""):
        return Response(200, asset.data, asset.content_type, headers)
    first, last = match.groups()
    if first:
        start, end = int(first), min(int(last), size - 1) if last else size - 1
    else:
        start, end = max(0, size - int(last)), size - 1
    if start >= size or start > end:
        return Response(416, b"", asset.content_type, {**headers, "Content-Range": f"bytes */{size}"})
    headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    return Response(206, asset.data[start : end + 1], asset.content_type, headers)
