"""The download host: signed, expiring output URLs and the route that serves them.

Why a separate host/port with its own signing: the real outputs live on a CDN that needs no
API key, and its URLs expire (sources say between five minutes and a day). Serving them from
another port lets tests catch a client that sends its API key there: any request carrying
``Authorization`` is refused with 403 (and recorded), so a key leak fails the test that caused
it. The signature/expiry lets tests exercise the "403 -> re-GET the task for fresh URLs" path
(:meth:`UrlSigner.expire_all`). URLs have the shape
``/tcli_emulator/<YYYYMMDD>/<task_id>/<file>?auth_key=<expiry>-<rand>-0-<hmac>``.
The same host also takes presigned PUT uploads (:mod:`.presign`).

How long a link lives (:class:`LinkPolicy`): by default ``ttl`` seconds from the read of the task
that issued it. Tripo's JS and Rust READMEs say links expire "~5 minutes after task completion":
with ``after_completion`` set, every link of a task expires that long after the task finished,
whenever it was read; a read after that issues fresh links good for as long again (``renew``; off,
the task's links stay dead — the worst reading of "download them right away"). The ``auth_key``
shape is Alibaba Cloud CDN's type-A signing, which answers an expired link with 403; some CDNs
answer 410 Gone (``expired_status``).
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
from dataclasses import dataclass

from .outputs import Asset, assets_of
from .responses import Response
from .state import Clock, Store, TaskRecord

ACCOUNT_DIR = "tcli_emulator"
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


@dataclass
class LinkPolicy:
    """How long output links live and how the CDN refuses a dead one (see the module docstring)."""

    after_completion: float | None = None  # seconds after the task finished; None: ``ttl`` from each read
    renew: bool = True  # a read after ``after_completion`` ran out issues fresh links
    expired_status: int = 403  # what the CDN answers for an expired (or revoked) link

    def deadline(self, completed: float, now: float) -> float | None:
        """When links issued ``now`` for a task that finished at ``completed`` expire; None: the signer's ``ttl``."""
        if self.after_completion is None:
            return None
        deadline = completed + self.after_completion
        return deadline if now < deadline or not self.renew else now + self.after_completion


class UrlSigner:
    """Issues and checks ``auth_key`` signatures; remembers every live nonce so it can revoke them."""

    def __init__(self, clock: Clock, ttl: float) -> None:
        self.clock = clock
        self.ttl = ttl
        self.policy = LinkPolicy()
        self._secret = os.urandom(32)
        self._live: dict[str, float] = {}  # nonce -> exact expiry
        self._lock = threading.Lock()

    def _mac(self, path: str, expiry: int, nonce: str) -> str:
        message = f"{path}-{expiry}-{nonce}-0".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()[:32]

    def sign(self, path: str, completed: float | None = None) -> str:
        """``path?auth_key=...`` valid for ``ttl`` seconds from now, or as :attr:`policy` says for a
        task that finished at ``completed`` (and until :meth:`expire_all`)."""
        now = self.clock.now()
        deadline = self.policy.deadline(completed, now) if completed is not None else None
        exact = now + self.ttl if deadline is None else deadline
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
        return (
            exact is not None and self.clock.now() < exact and hmac.compare_digest(mac, self._mac(path, expiry, nonce))
        )

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
    """Answer a CDN GET/HEAD: 403 for an API key, 403 (or the policy's status) for a bad/expired
    signature, 404 for unknown files, else 200/206."""
    if "authorization" in headers:
        return _text(403, "Forbidden: signed URLs must be fetched without an Authorization header")
    parts = path.split("/")
    if len(parts) != 5 or parts[1] != ACCOUNT_DIR:
        return _text(404, "Not Found")
    if not signer.verify(path, query.get("auth_key")):
        status = signer.policy.expired_status
        return _text(status, f"{'Gone' if status == 410 else 'Forbidden'}: the signature is invalid or has expired")
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
