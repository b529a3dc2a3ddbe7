"""The ``/v2/openapi`` routes: auth, tasks, uploads, STS, balance (wire protocol §1-§7).

Why here and not in the HTTP handler: routes take a :class:`.recording.Recorded` request and
return a :class:`.responses.Response`, so they are plain functions of the emulator state and
the HTTP layer stays a thin, fault-injecting pipe.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
import uuid
from collections.abc import Callable
from typing import Any

from . import outputs, pricing, responses
from .cdn import ACCOUNT_DIR, UrlSigner, asset_path
from .errors import ApiError
from .formats import image_kind, model_kind
from .outputs import Asset, Outputs
from .recording import Recorded
from .responses import Response
from .state import Account, Store, StoredFile, TaskRecord
from .validation import parse_body, validate

API_PREFIX = "/v2/openapi"
BUCKET = "tripo-data"
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
STS_FORMATS = frozenset({"webp", "jpeg", "png", "glb", "obj", "fbx", "stl"})
_TASK_PATH = re.compile(r"^/task/([^/]+)$")


class Api:
    """Answers API requests from :class:`.state.Store`; signs output URLs with :class:`.cdn.UrlSigner`."""

    def __init__(self, store: Store, signer: UrlSigner) -> None:
        self.store = store
        self.signer = signer
        self.cdn_base = ""  # set once the CDN server is listening
        self.s3_host = ""  # "127.0.0.1:<api port>": STS uploads PUT back to the API server
        self._routes: dict[tuple[str, str], Callable[[Account, Recorded], Response]] = {
            ("POST", "/task"): self._create_task,
            ("POST", "/upload"): self._upload,
            ("POST", "/upload/sts"): self._upload,
            ("POST", "/upload/sts/token"): self._sts_token,
            ("GET", "/user/balance"): self._balance,
        }

    # ------------------------------------------------------------------ dispatch

    def handle(self, rec: Recorded, raw_path: str) -> Response:
        """Route one request; every failure becomes the JSON error envelope of its code."""
        try:
            if not raw_path.startswith(API_PREFIX + "/"):
                if rec.method == "PUT" and raw_path.startswith(f"/{BUCKET}/"):
                    return self._put_object(rec, raw_path)
                raise ApiError(9404, raw_path)
            account = self._authenticate(rec)
            task_match = _TASK_PATH.match(rec.path)
            if rec.method == "GET" and task_match:
                return self._get_task(account, task_match.group(1))
            route = self._routes.get((rec.method, rec.path))
            if route is None:
                raise ApiError(9404, f"{rec.method} {rec.path}")
            return route(account, rec)
        except ApiError as exc:
            return responses.error(exc)

    def _authenticate(self, rec: Recorded) -> Account:
        scheme, _, key = rec.headers.get("authorization", "").partition(" ")
        account = self.store.account(key.strip()) if scheme.lower() == "bearer" else None
        if account is None:
            raise ApiError(1002)
        return account

    # ------------------------------------------------------------------ tasks

    def _create_task(self, account: Account, rec: Recorded) -> Response:
        with self.store.lock:
            checked = validate(rec.body, account, self.store)
            task_id = str(uuid.uuid4())
            hints = outputs.hints_for(checked.body, checked.files, checked.source)
            ctx = outputs.Context(task_id, checked.body, checked.source, checked.files, hints,
                                  self.store.riggable, self.store.rig_type)
            self.store.create_task(task_id, account.key, checked.body, pricing.charge(checked.body),
                                   checked.source, outputs.build(ctx), hints)
        return responses.ok({"task_id": task_id})

    def _get_task(self, account: Account, task_id: str) -> Response:
        return responses.ok(self.task_view(self.store.owned_task(account.key, task_id)))

    def task_view(self, task: TaskRecord) -> dict[str, Any]:
        """The task object of §5.1, with freshly signed output URLs once it succeeded."""
        self.store.settle_due()
        phase = self.store.phase(task)
        view: dict[str, Any] = {
            "task_id": task.task_id,
            "type": task.type,
            "status": phase.status,
            "input": task.input,
            "output": {},
            "progress": phase.progress,
            "create_time": int(task.created),
            "running_left_time": phase.running_left_time,
            "queuing_num": phase.queuing_num,
            "consumed_credit": task.consumed_credit,
            "result": {},
        }
        if phase.status == "success":
            view["output"], view["result"] = self._signed_outputs(task, task.outputs)
            if "rendered_image" in view["output"]:
                view["thumbnail"] = view["output"]["rendered_image"]
        elif phase.status == "failed":
            view["error_code"] = task.outcome.error_code
            view["error_msg"] = task.outcome.error_msg
        return view

    def _signed_outputs(self, task: TaskRecord, outs: Outputs) -> tuple[dict[str, Any], dict[str, Any]]:
        output: dict[str, Any] = {}
        result: dict[str, Any] = {}
        for key, value in outs.items():
            if isinstance(value, Asset):
                output[key] = self._url(task, value)
                result[key] = {"url": output[key], "type": value.ext}
            elif isinstance(value, dict):
                output[key] = {name: self._url(task, asset) for name, asset in value.items()}
            else:
                output[key] = value
        return output, result

    def _url(self, task: TaskRecord, asset: Asset) -> str:
        return self.cdn_base + self.signer.sign(asset_path(task, asset))

    # ------------------------------------------------------------------ uploads

    def _upload(self, account: Account, rec: Recorded) -> Response:
        part = rec.files.get("file")
        if part is None:
            if not rec.headers.get("content-type", "").startswith("multipart/form-data"):
                raise ApiError(1003, "expected multipart/form-data")
            raise ApiError(1004, "missing multipart part 'file'")
        if not part.data:
            raise ApiError(2003)
        if len(part.data) > MAX_UPLOAD_BYTES:
            raise ApiError(1004, "file larger than 20 MB")
        kind = image_kind(part.data)
        if kind is None:
            raise ApiError(2004)
        token = self.store.add_upload(account.key, part.filename or "upload", part.data, kind)
        return responses.ok({"image_token": token})

    def _sts_token(self, account: Account, rec: Recorded) -> Response:
        fmt = parse_body(rec.body).get("format")
        if fmt not in STS_FORMATS:
            raise ApiError(1004, f"format must be one of {sorted(STS_FORMATS)}")
        day = time.strftime("%Y%m%d", time.gmtime(self.store.clock.now()))
        object_key = f"{ACCOUNT_DIR}/{day}/{uuid.uuid4()}/input.{fmt}"
        session_token = secrets.token_urlsafe(24)
        with self.store.lock:
            account.objects[(BUCKET, object_key)] = StoredFile(
                f"input.{fmt}", self.store.clock.now(), session_token=session_token)
        return responses.ok({
            "s3_host": self.s3_host,
            "resource_bucket": BUCKET,
            "resource_uri": object_key,
            "session_token": session_token,
            "sts_ak": "ASIA" + secrets.token_hex(8).upper(),
            "sts_sk": secrets.token_urlsafe(30),
        })

    def _put_object(self, rec: Recorded, raw_path: str) -> Response:
        """S3-style path-addressed PUT of an STS object; the key must come from /upload/sts/token.

        The AWS signature is not verified; a ``x-amz-security-token`` header, when sent, must
        be the session token issued with that key.
        """
        object_key = raw_path[len(BUCKET) + 2 :].split("?", 1)[0]
        stored = self.store.find_object(BUCKET, object_key)
        sent_token = rec.headers.get("x-amz-security-token")
        if stored is None or (sent_token is not None and sent_token != stored.session_token):
            body = b"<?xml version=\"1.0\"?><Error><Code>AccessDenied</Code></Error>"
            return Response(403, body, "application/xml")
        with self.store.lock:
            stored.data = rec.body
            stored.kind = image_kind(rec.body) or model_kind(rec.body)
        etag = '"' + hashlib.md5(rec.body, usedforsecurity=False).hexdigest() + '"'  # S3 ETag = MD5
        return Response(200, b"", "application/xml", {"ETag": etag})

    # ------------------------------------------------------------------ balance

    def _balance(self, account: Account, rec: Recorded) -> Response:
        balance, frozen = self.store.balance_of(account.key)
        return responses.ok({"balance": balance, "frozen": frozen})
