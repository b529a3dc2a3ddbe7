"""The apiv3 routes: auth, task creation, tasks, account, files (docs/apiv3.md#routes).

Why here and not in the HTTP handler: routes take a :class:`.recording.Recorded` request and
return a :class:`.responses.Response`, so they are plain functions of the emulator state and
the HTTP layer stays a thin, fault-injecting pipe.

Routing order: an unknown path is 404/4001 and a known path with the wrong method 405/1003,
whoever asks; then the key is checked (401/2); then the route runs. Everything lives under
``/v3/`` on the host root; no route of the retired v2 API is served (they are all 404/4001).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

from . import outputs, pricing, responses
from .cdn import UrlSigner, asset_path
from .errors import ApiError
from .formats import file_kind
from .outputs import Asset, Outputs
from .presign import FORMATS, PutSigner
from .recording import Recorded
from .responses import Response
from .routes import CREATION_ROUTES, RETIRED_ROUTES
from .state import PRESIGN_TTL, Account, Store, TaskRecord, iso
from .validation import parse_body, validate

Handler = Callable[[Account, Recorded], Response]

_TASK_PATH = re.compile(r"^/v3/tasks/([^/]+)$")
LIST_PATH = "/v3/tasks/list"
MAX_LIST_IDS = 100
MAX_USAGE_LIMIT = 200
DEFAULT_USAGE_LIMIT = 50


def size_text(size: int) -> str:
    """``150 MB`` for whole mebibytes, else ``<n> bytes``: how error messages name the upload cap."""
    mib = 1024 * 1024
    return f"{size // mib} MB" if size % mib == 0 else f"{size} bytes"


class Api:
    """Answers API requests from :class:`.state.Store`; signs output URLs with :class:`.cdn.UrlSigner`."""

    def __init__(self, store: Store, signer: UrlSigner, put_signer: PutSigner) -> None:
        self.store = store
        self.signer = signer
        self.put_signer = put_signer
        self.cdn_base = ""  # set once the CDN server is listening
        self._routes: dict[str, dict[str, Handler]] = {
            LIST_PATH: {"POST": self._list_tasks},
            "/v3/account/balance": {"GET": self._balance},
            "/v3/account/usage": {"GET": self._usage},
            "/v3/files": {"POST": self._upload},
            "/v3/files/presign": {"POST": self._presign},
        }
        for path, task_type in CREATION_ROUTES.items():
            self._routes[path] = {"POST": self._creator(task_type)}
        for path in RETIRED_ROUTES:
            self._routes[path] = {"POST": self._retired}

    # ------------------------------------------------------------------ dispatch

    def handle(self, rec: Recorded) -> Response:
        """Route one request; every failure becomes the JSON error envelope of its code."""
        try:
            task_match = _TASK_PATH.match(rec.path)
            methods = self._routes.get(rec.path)
            if rec.path == LIST_PATH and self.store.variants.task_list == "gone-404":
                raise ApiError(4001, f"{rec.method} {rec.path}")
            if rec.path == LIST_PATH and self.store.variants.task_list == "gone-405":
                methods = None  # only GET /v3/tasks/{id} is left to match the path
            if methods is None and task_match:
                methods = {"GET": lambda account, _rec: self._get_task(account, task_match.group(1))}
            if methods is None:
                raise ApiError(4001, f"{rec.method} {rec.path}")
            handler = methods.get(rec.method)
            if handler is None:
                error = responses.error(ApiError(1003, f"{rec.method} is not allowed on {rec.path}", http_status=405))
                error.headers["Allow"] = ", ".join(sorted(methods))
                return error
            return handler(self._authenticate(rec), rec)
        except ApiError as exc:
            return responses.error(exc)

    def _authenticate(self, rec: Recorded) -> Account:
        scheme, _, key = rec.headers.get("authorization", "").partition(" ")
        account = self.store.account(key.strip()) if scheme.lower() == "bearer" else None
        if account is None:
            raise ApiError(2)
        return account

    # ------------------------------------------------------------------ task creation

    def _creator(self, task_type: str) -> Handler:
        return lambda account, rec: self._create(task_type, account, rec)

    def _create(self, task_type: str, account: Account, rec: Recorded) -> Response:
        task = self.create(task_type, account, rec.body)
        answered = self.store.variants.answered_id(task.task_id)  # a malformed id, when a test asks
        return responses.ok({"task_id": answered, "type": task_type, "status": "queued"})

    def create(self, task_type: str, account: Account, raw: bytes) -> TaskRecord:
        """Validate and create a task of ``account`` from a raw request body (the API's POST, or a
        task made on Tripo's website: :meth:`.server.Emulator.website_task`)."""
        with self.store.lock:
            checked = validate(task_type, raw, account, self.store)
            task_id = str(uuid.uuid4())
            hints = outputs.hints_for(checked.effective, checked.files, checked.sources)
            ctx = outputs.Context(
                task_id,
                task_type,
                checked.effective,
                checked.source,
                checked.files,
                hints,
                self.store.riggable,
                self.store.rig_type,
                self.store.retarget_files,
                compression=self.store.glb_compression,
                splat_format=self.store.splat_format,
                edit_views=self.store.variants.edit_multiview,
            )
            built = outputs.build(ctx)
            if self.store.model_override is not None:  # a test serves a file of its own (a hostile one)
                (ext, data, key), self.store.model_override = self.store.model_override, None
                built[key] = outputs.Asset(ctx.name(f"tripo_{key.removesuffix('_url')}", ext), data)
            price = self.store.variants.price(pricing.charge(task_type, checked.effective))
            return self.store.create_task(
                task_id, account.key, task_type, checked.body, price, checked.source, built, hints
            )

    def _retired(self, account: Account, rec: Recorded) -> Response:
        raise ApiError(2016, f"{rec.path} has been retired")

    # ------------------------------------------------------------------ tasks

    def _get_task(self, account: Account, task_id: str) -> Response:
        return responses.ok(self.task_view(self.store.known_task(account.key, task_id)))

    def _list_tasks(self, account: Account, rec: Recorded) -> Response:
        ids = parse_body(rec.body).get("task_ids")
        if not isinstance(ids, list) or not 0 < len(ids) <= MAX_LIST_IDS or not all(isinstance(i, str) for i in ids):
            raise ApiError(1004, f"task_ids must be a list of 1 to {MAX_LIST_IDS} task ids")
        tasks: dict[str, Any] = {}
        missed: list[str] = []
        with self.store.lock:
            for task_id in ids:
                try:
                    tasks[task_id] = self.task_view(self.store.known_task(account.key, task_id))
                except ApiError:
                    if task_id not in missed:
                        missed.append(task_id)
        if self.store.variants.task_list == "array":  # JS/Go/Rust SDK typing: no ``missed``
            return responses.ok({"tasks": list(tasks.values())})
        return responses.ok({"tasks": tasks, "missed": missed})

    def task_view(self, task: TaskRecord) -> dict[str, Any]:
        """The task object (docs/apiv3.md#task-object), with freshly signed output URLs once it succeeded."""
        with self.store.lock:
            self.store.settle_due()
            phase = self.store.phase(task)
            eta = self.store.eta
            variants = self.store.variants
        view: dict[str, Any] = {
            "task_id": task.task_id,
            "type": task.type,
            "status": phase.status,
            "progress": phase.progress,
            "input": task.input if self.store.echo_inputs else {},
            "output": {},
            "created_at": iso(task.created, self.store.time_format),
        }
        if eta and phase.queuing_num is not None:
            view["queuing_num"] = phase.queuing_num
        if eta and phase.running_left_time is not None:
            view["running_left_time"] = phase.running_left_time
        if phase.terminal:
            if variants.completed_at:
                view["completed_at"] = iso(task.completed, self.store.time_format)
            view["credits_consumed"] = variants.credits(task.credits_consumed)
        if phase.status == "success":
            view["output"] = self._signed_outputs(task, task.outputs)
        elif phase.status == "failed":
            view["error_code"] = task.outcome.error_code
            view["error_message"] = task.outcome.error_message
        return view

    def _signed_outputs(self, task: TaskRecord, outs: Outputs) -> dict[str, Any]:
        """Every Asset becomes a signed CDN URL (lists and dicts of them too); an asset listed
        twice gets the same URL both times."""
        urls: dict[str, str] = {}

        def url(asset: Asset) -> str:
            if asset.filename not in urls:
                urls[asset.filename] = self.cdn_base + self.signer.sign(asset_path(task, asset), task.completed)
            return urls[asset.filename]

        output: dict[str, Any] = {}
        for key, value in outs.items():
            if isinstance(value, Asset):
                output[key] = url(value)
            elif isinstance(value, dict):
                output[key] = {name: url(asset) for name, asset in value.items()}
            elif isinstance(value, list):
                output[key] = [url(asset) for asset in value]
            else:
                output[key] = value
        return output

    # ------------------------------------------------------------------ account

    def _balance(self, account: Account, rec: Recorded) -> Response:
        balance, frozen = self.store.balance_of(account.key)
        variants = self.store.variants
        return responses.ok({"balance": variants.credits(balance), "frozen": variants.credits(frozen)})

    def _usage(self, account: Account, rec: Recorded) -> Response:
        limit = _query_int(rec.query, "limit", DEFAULT_USAGE_LIMIT, 1, MAX_USAGE_LIMIT)
        offset = _query_int(rec.query, "offset", 0, 0, None)
        with self.store.lock:
            self.store.settle_due()
            own = [t for t in self.store.tasks.values() if t.key == account.key and self.store.is_shown(t)]
            newest_first = sorted(reversed(own), key=lambda t: -t.created)  # newest first; ties: last made first
            rows = [self._usage_row(t) for t in newest_first[offset : offset + limit]]
        return responses.ok(rows)

    def _usage_row(self, task: TaskRecord) -> dict[str, Any]:
        row = {
            "task_id": task.task_id,
            "type": task.type,
            "status": self.store.phase(task).status,
            "created_at": iso(task.created, self.store.time_format),
            "credits_consumed": self.store.variants.credits(task.credits_consumed),
        }
        if self.store.usage_inputs:
            row["input"] = task.input if self.store.echo_inputs else {}
        return row

    # ------------------------------------------------------------------ files

    def _upload(self, account: Account, rec: Recorded) -> Response:
        if not rec.headers.get("content-type", "").startswith("multipart/form-data"):
            raise ApiError(1003, "expected multipart/form-data", http_status=415)
        part = rec.files.get("file")
        if part is None:
            raise ApiError(1004, "missing multipart part 'file'")
        if not part.data:
            raise ApiError(1004, "the file is empty")
        cap = self.store.upload_cap
        if len(part.data) > cap:
            raise ApiError(1004, f"the file is larger than the {size_text(cap)} upload limit")
        kind = file_kind(part.data)
        if kind is None:
            raise ApiError(1004, "unsupported file type: upload a JPEG/PNG/WEBP image or a GLB/GLTF/FBX/OBJ/STL model")
        stored = self.store.add_upload(account.key, part.filename or "upload", part.data, kind)
        return responses.ok({"file_token": stored.token})

    def _presign(self, account: Account, rec: Recorded) -> Response:
        fmt = parse_body(rec.body).get("format")
        if fmt not in FORMATS:
            raise ApiError(1004, f"format must be one of {', '.join(sorted(FORMATS))}")
        stored = self.store.add_presign_slot(account.key, fmt)
        url = self.cdn_base + self.put_signer.url_path(stored)
        return responses.ok(
            {"presigned_url": url, "upload_url": url, "file_token": stored.token, "expires_in": PRESIGN_TTL}
        )


def _query_int(query: dict[str, str], name: str, default: int, low: int, high: int | None) -> int:
    """An integer query parameter within [low, high]; anything else is 1004."""
    raw = query.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(1004, f"{name} must be an integer") from None
    if value < low or (high is not None and value > high):
        raise ApiError(1004, f"{name} must be between {low} and {high}" if high is not None else f"{name} >= {low}")
    return value
