"""HTTP plumbing (two stdlib servers) and :class:`Emulator`, the control API tests use.

Why two servers: output files are served by a separate "CDN" server on another port, like the
real service's CDN host, which also takes presigned PUT uploads; so tests can prove the client
never sends its API key there (that server refuses any ``Authorization`` header).
Why stdlib only: the emulator must run under any Python, including Blender's bundled one.
Both servers speak HTTP/1.1 with Content-Length (keep-alive friendly), run in daemon threads,
and :meth:`Emulator.stop` closes the listening sockets *and* any open keep-alive connection.
"""

from __future__ import annotations

import contextlib
import email.utils
import json
import logging
import socket
import threading
import uuid
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from . import cdn, presign
from .api import Api
from .errors import TASK_FAILURES, ApiError
from .faults import Fault, FaultBook
from .outputs import RETARGET_FILES
from .recording import MultipartError, Recorded, decode_json, parse_multipart
from .responses import Response, error, html_error
from .routes import CREATION_ROUTES
from .splat import FORMATS as SPLAT_FORMATS
from .state import OUTCOMES, PROGRESS_CURVES, TIME_FORMATS, Clock, Outcome, Store
from .variants import Variants

logger = logging.getLogger(__name__)

TEST_KEY = "tsk_emulator_test_key_0000000000"
TRACE_HEADER = "X-Tripo-Trace-ID"
#: How often the serve loops check for stop(); small so that a test's teardown is quick.
_POLL_SECONDS = 0.01


class _Server(ThreadingHTTPServer):
    """One listening socket; remembers its open connections so stop() can cut them."""

    daemon_threads = True
    # a backlog for a burst of connections: fifty workers sending their POSTs at once overflowed
    # socketserver's default of 5, and some of those requests broke (uncertain jobs in the bench)
    request_queue_size = 128

    def __init__(self, emulator: Emulator, kind: str, port: int) -> None:
        self.emulator = emulator
        self.kind = kind  # "api" or "cdn"
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(("127.0.0.1", port), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Connection-level errors (peer resets...) are routine in fault tests: log, don't print."""
        logger.debug("connection error from %s", client_address, exc_info=True)

    def cut_connections(self) -> None:
        with self.connections_lock:
            for conn in list(self.connections):
                _shutdown(conn)


def _shutdown(conn: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed by the peer
        conn.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    """Reads a request, records it, applies faults, asks the API/CDN for the answer, writes it."""

    protocol_version = "HTTP/1.1"
    timeout = 30  # idle keep-alive connections do not pin a thread forever
    disable_nagle_algorithm = True  # headers and body go out at once: no 40 ms delayed-ACK stalls
    wbufsize = 64 * 1024  # buffer headers + body into one write; flushed per answer
    server: _Server

    def setup(self) -> None:
        super().setup()
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with self.server.connections_lock:
            self.server.connections.discard(self.connection)
        with contextlib.suppress(OSError):  # peer went away while we flushed
            super().finish()

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The ``Date`` header on the emulator's clock (skewed or advanced like the service's)."""
        return email.utils.formatdate(self.server.emulator.clock.now() if timestamp is None else timestamp, usegmt=True)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        logger.debug("%s %s", self.server.kind, format % args)

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self._dispatch()

    do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_GET  # noqa: N815 - stdlib naming

    # ------------------------------------------------------------------ request

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _record(self, body: bytes) -> Recorded:
        split = urlsplit(self.path)
        headers = {k.lower(): v for k, v in self.headers.items()}
        content_type = headers.get("content-type", "")
        rec = Recorded(
            self.command,
            split.path,
            dict(parse_qsl(split.query, keep_blank_values=True)),
            headers,
            json=decode_json(content_type, body),
            body=body,
        )
        if content_type.startswith("multipart/form-data"):
            try:
                rec.files, rec.form = parse_multipart(content_type, body)
            except MultipartError as exc:
                logger.debug("bad multipart body: %s", exc)
        self.server.emulator._log_request(self.server.kind, rec)
        return rec

    # ------------------------------------------------------------------ answer

    def _dispatch(self) -> None:
        emulator = self.server.emulator
        kind = self.server.kind
        rec = self._record(self._read_body())
        fault = emulator._faults.take(kind, rec.method, rec.path)
        if fault is not None and fault.late > 0:
            emulator.advance(fault.late)
        if fault is not None and not fault.processes_request:
            emulator._pause(fault.delay)
            if fault.drop:
                self._drop()
                return
            response = _fault_response(fault)
        else:
            response = emulator._answer(kind, rec)
        if kind == "api" and not (fault is not None and fault.non_json and not fault.processes_request):
            # the client's trace id is carried through when it sent one, so both logs match
            response.headers[TRACE_HEADER] = rec.headers.get(TRACE_HEADER.lower()) or str(uuid.uuid4())
            if fault is not None and fault.trace_id is not None:
                response.headers[TRACE_HEADER] = fault.trace_id
        rec.status = response.status
        if fault is not None and fault.processes_request:
            response.body = fault.spoil(response.body)
            emulator._pause(fault.delay)
            if fault.drop:
                rec.status = 0
                self._drop()
                return
        self._send(
            response, truncate=fault is not None and fault.truncate, trickle=fault.trickle if fault is not None else 0.0
        )

    def _send(self, response: Response, truncate: bool, trickle: float = 0.0) -> None:
        try:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if self.command == "HEAD":
                return
            body = response.body[: len(response.body) // 2] if truncate else response.body
            if trickle > 0:  # a slow CDN: 1 KiB pieces, ``trickle`` seconds apart
                for start in range(0, len(body), 1024):
                    self.wfile.write(body[start : start + 1024])
                    self.wfile.flush()
                    self.server.emulator._pause(trickle)
            else:
                self.wfile.write(body)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError) as exc:
            logger.debug("client went away: %s", exc)
            self.close_connection = True
            return
        if truncate:
            self._drop()

    def _drop(self) -> None:
        """Close the connection without (the rest of) an answer."""
        self.close_connection = True
        with contextlib.suppress(OSError):  # nothing more can be sent anyway
            self.wfile.flush()
        _shutdown(self.connection)


def _fault_response(fault: Fault) -> Response:
    if fault.non_json:
        return html_error(fault.status, BaseHTTPRequestHandler.responses.get(fault.status, ("Error",))[0])
    response = error(
        ApiError(fault.code, retry_after=fault.retry_after, message=fault.message, suggestion=fault.suggestion)
    )
    response.status = fault.status
    return response


class Emulator:
    """An offline Tripo apiv3 service: real HTTP on 127.0.0.1, controllable from the test.

    Durations are read from an injectable clock (``clock=`` a ``time.time``-like callable)
    plus an offset moved by :meth:`advance`, so tests never sleep to wait for a task.
    ``eta`` adds ``running_left_time``/``queuing_num`` to task objects (apiv3 dropped them; some
    deployments may still send them). Tasks older than ``task_retention`` seconds are forgotten
    (404/2001). Uploads above ``upload_cap`` bytes are refused.
    """

    def __init__(
        self,
        queue_seconds: float = 0.0,
        run_seconds: float = 0.0,
        url_ttl: float = 300.0,
        concurrency_limit: int = 10,
        balance: float = 10_000.0,
        retry_after: int = 1,
        *,
        clock: Callable[[], float] | None = None,
        api_port: int = 0,
        cdn_port: int = 0,
        eta: bool = False,
        task_retention: float = 7 * 24 * 3600.0,
        upload_cap: int = 150 * 1024 * 1024,
        progress_curve: str = "linear",
    ) -> None:
        self.clock = Clock(clock)
        self._store = Store(
            self.clock,
            queue_seconds=queue_seconds,
            run_seconds=run_seconds,
            concurrency_limit=concurrency_limit,
            retry_after=retry_after,
            task_retention=task_retention,
            upload_cap=upload_cap,
            eta=eta,
        )
        self.progress_curve = progress_curve
        self._store.add_key(TEST_KEY, balance)
        self._signer = cdn.UrlSigner(self.clock, url_ttl)
        self._put_signer = presign.PutSigner()
        self._api = Api(self._store, self._signer, self._put_signer)
        self._faults = FaultBook()
        self._ports = (api_port, cdn_port)
        self._servers: list[_Server] = []
        self._bound: tuple[int, int] | None = None  # (api port, cdn port) once started; kept after stop
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()
        self._log_lock = threading.Lock()
        self._requests: list[Recorded] = []
        self._cdn_requests: list[Recorded] = []

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> Emulator:
        """Start the API and CDN servers (each in a daemon thread); returns self."""
        if self._servers:
            return self
        self._stopping.clear()
        self._servers = [_Server(self, "api", self._ports[0]), _Server(self, "cdn", self._ports[1])]
        for server in self._servers:
            thread = threading.Thread(
                target=server.serve_forever, args=(_POLL_SECONDS,), name=f"tripo-emulator-{server.kind}", daemon=True
            )
            thread.start()
            self._threads.append(thread)
        self._bound = (int(self._servers[0].server_address[1]), int(self._servers[1].server_address[1]))
        self._api.cdn_base = self.cdn_base
        logger.info("Tripo emulator API at %s, CDN at %s", self.base_url, self.cdn_base)
        return self

    def stop(self) -> None:
        """Stop both servers, close their sockets and open connections, and join their threads."""
        self._stopping.set()
        # shutdown() waits for the serve loop's next poll; wait for both loops at the same time
        stoppers = [threading.Thread(target=server.shutdown) for server in self._servers]
        for stopper in stoppers:
            stopper.start()
        for stopper in stoppers:
            stopper.join()
        for server in self._servers:
            server.cut_connections()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers, self._threads = [], []

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _ports_bound(self) -> tuple[int, int]:
        if self._bound is None:
            raise RuntimeError("the emulator has not been started")
        return self._bound

    @property
    def api_port(self) -> int:
        return self._ports_bound()[0]

    @property
    def cdn_port(self) -> int:
        return self._ports_bound()[1]

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<api_port>``: the host root; clients append ``/v3/...``."""
        return f"http://127.0.0.1:{self.api_port}"

    @property
    def cdn_base(self) -> str:
        """``http://127.0.0.1:<cdn_port>`` (a different port from the API)."""
        return f"http://127.0.0.1:{self.cdn_port}"

    # ------------------------------------------------------------------ used by the handler

    def _log_request(self, kind: str, rec: Recorded) -> None:
        with self._log_lock:
            (self._requests if kind == "api" else self._cdn_requests).append(rec)

    def _answer(self, kind: str, rec: Recorded) -> Response:
        try:
            if kind == "api":
                return self._api.handle(rec)
            if rec.method == "PUT" and presign.is_upload_path(rec.path):
                return presign.receive(self._store, self._put_signer, rec)
            if rec.method in ("GET", "HEAD"):
                return cdn.serve(self._store, self._signer, rec.path, rec.query, rec.headers)
            return Response(405, b"Method Not Allowed", "text/plain; charset=utf-8", {"Allow": "GET, HEAD, PUT"})
        except Exception:  # an emulator bug must surface as a visible 500, not as a hung client
            logger.exception("emulator failed to answer %s %s", rec.method, rec.path)
            return error(ApiError(1000, "emulator bug, see the log"))

    def _pause(self, seconds: float) -> None:
        """Sleep for an injected delay, but wake up at once when the emulator stops."""
        if seconds > 0:
            self._stopping.wait(seconds)

    # ------------------------------------------------------------------ inspection

    @property
    def requests(self) -> list[Recorded]:
        """Every API request in arrival order (a snapshot); paths are full (``/v3/...``)."""
        with self._log_lock:
            return list(self._requests)

    @property
    def cdn_requests(self) -> list[Recorded]:
        """Every CDN request (downloads and presigned PUTs) in arrival order, ``authorization`` included if sent."""
        with self._log_lock:
            return list(self._cdn_requests)

    def requests_to(self, method: str, path: str) -> list[Recorded]:
        """API requests with this method and full path; a path ending in ``/`` matches as a prefix."""
        return [
            r
            for r in self.requests
            if r.method == method.upper() and (r.path == path or (path.endswith("/") and r.path.startswith(path)))
        ]

    @property
    def tasks(self) -> dict[str, dict[str, Any]]:
        """Every task the service still knows, as GET /v3/tasks/{id} would show it now (by id, creation order)."""
        with self._store.lock:
            return {
                task_id: self._api.task_view(task)
                for task_id, task in self._store.tasks.items()
                if not self._store.is_forgotten(task)
            }

    def task_times(self, task_id: str) -> tuple[float, float]:
        """(created, completed) of a task on the emulator's clock (completed: when it turns terminal)."""
        with self._store.lock:
            task = self._store.tasks[task_id]
            return task.created, task.completed

    def task_key(self, task_id: str) -> str:
        """The API key that created a task (forgotten or not)."""
        return self._store.tasks[task_id].key

    def balance_of(self, key: str = TEST_KEY) -> tuple[float, float]:
        """``(balance, frozen)`` of a key, with finished tasks settled or refunded first."""
        return self._store.balance_of(key)

    @property
    def max_in_flight(self) -> int:
        """Highest number of simultaneously queued+running tasks seen for any one key."""
        with self._store.lock:
            return max((a.max_in_flight for a in self._store.accounts.values()), default=0)

    def uploaded(self, file_token: str) -> bytes:
        """The bytes a client uploaded under ``file_token`` (via /v3/files, or presign + PUT).

        Raises KeyError for an unknown token, or a presigned one whose PUT has not arrived.
        """
        stored = self._store.find_upload(file_token)
        if stored is None or stored.data is None:
            raise KeyError(file_token)
        return stored.data

    def upload_name(self, file_token: str) -> str:
        """The multipart filename of an upload, or the ``format`` asked for by presign. KeyError if unknown."""
        stored = self._store.find_upload(file_token)
        if stored is None:
            raise KeyError(file_token)
        return stored.name

    # ------------------------------------------------------------------ control

    def add_key(self, key: str, balance: float = 10_000.0) -> None:
        """Accept another API key (tasks and uploads are private to each key)."""
        self._store.add_key(key, balance)

    def inject(
        self,
        route: str,
        times: int | None = 1,
        *,
        status: int = 500,
        code: int = 1000,
        message: str | None = None,
        suggestion: str | None = None,
        retry_after: int | None = None,
        non_json: bool = False,
        delay: float = 0.0,
        drop: bool = False,
        truncate: bool = False,
        after: bool = False,
        trickle: float = 0.0,
        malform: str | None = None,
        trace_id: str | None = None,
        late: float = 0.0,
    ) -> None:
        """Spoil the next ``times`` requests matching ``route`` (see :class:`.faults.Fault`).

        ``route`` is ``"METHOD /full/path-prefix"`` on the API (``"POST /v3/generation/"``,
        ``"GET /v3/tasks/"``...), ``"CDN"`` (downloads and presigned PUTs) or ``"CDN /path-prefix"``
        (one file's downloads). ``status=200`` with
        a non-zero ``code`` gives the "200 with an error envelope" answer. ``after=True`` lets
        the request be processed (a task is created and billed) before the fault spoils the
        answer. ``late=seconds`` moves the emulator's clock that far before the request is
        answered (it arrived late: links expired meanwhile). ``times=None`` arms the fault until
        :meth:`clear_faults`.
        """
        self._faults.arm(
            Fault(
                route,
                times,
                status,
                code,
                message,
                suggestion,
                retry_after,
                non_json,
                delay,
                drop,
                truncate,
                after,
                trickle,
                malform,
                trace_id,
                late,
            )
        )

    def clear_faults(self) -> None:
        self._faults.clear()

    def set_outcome(
        self, status: str = "failed", error_code: int = 1001, times: int = 1, *, error_message: str | None = None
    ) -> None:
        """The next ``times`` created tasks end ``failed`` (with that code) or ``cancelled``, not ``success``.

        apiv3 has no other final statuses: content moderation is ``failed`` with 2008, a task that
        expired in the queue ``failed`` with 2018. Failed and cancelled tasks are refunded.
        """
        if status not in OUTCOMES:
            raise ValueError(f"status must be one of {sorted(OUTCOMES)}")
        if status == "failed":
            message = error_message or TASK_FAILURES.get(error_code, "Task failed (emulated)")
            outcome = Outcome(status, error_code, message)
        else:
            outcome = Outcome(status)
        with self._store.lock:
            self._store.outcomes.extend([outcome] * times)

    def set_riggable(self, riggable: bool | None, rig_type: str | None = None) -> None:
        """Force rig-check's answer for tasks created afterwards (None: guess from the prompt)."""
        with self._store.lock:
            self._store.riggable, self._store.rig_type = riggable, rig_type

    def set_glb_compression(self, compression: str | None) -> None:
        """``"draco"``: model GLBs of tasks created afterwards are Draco-compressed (None: plain)."""
        if compression not in (None, "draco"):
            raise ValueError(f"unknown GLB compression {compression!r}; use 'draco' or None")
        with self._store.lock:
            self._store.glb_compression = compression

    def echo_input(self, task_id: str, **fields: Any) -> None:
        """From now on the task's echoed ``input`` carries ``fields`` (a hostile or buggy server)."""
        with self._store.lock:
            self._store.tasks[task_id].input.update(fields)

    def website_task(self, route: str, body: dict[str, Any], *, age: float = 0.0, key: str = TEST_KEY) -> str:
        """A task made outside the add-on (Tripo's website, another program) with this key: the
        request ``body`` sent to ``route`` (``"/v3/generation/text-to-model"``), created ``age``
        seconds ago on the emulator's clock, billed like any other. Returns its id."""
        account = self._store.account(key)
        if account is None or route not in CREATION_ROUTES:
            raise ValueError(f"unknown key or creation route {route!r}")
        with self._store.lock:
            task = self._api.create(CREATION_ROUTES[route], account, json.dumps(body).encode("utf-8"))
            task.created -= age
        return task.task_id

    def hold_registration(self) -> None:
        """Tasks created from now on exist and are billed, but the service does not show them yet
        (GET answers 2001, the task list misses them, the usage rows leave them out) until
        :meth:`release_registration`: a task registered a few seconds after its POST's answer."""
        with self._store.lock:
            self._store.registering = False

    def release_registration(self) -> None:
        """Every task created while registration was held shows up now (with its real creation time)."""
        with self._store.lock:
            self._store.registering = True
            for task in self._store.tasks.values():
                task.registered = True

    @property
    def time_format(self) -> str:
        """How ``created_at``/``completed_at`` are written: a key of ``state.TIME_FORMATS``."""
        return self._store.time_format

    @time_format.setter
    def time_format(self, form: str) -> None:
        if form not in TIME_FORMATS:
            raise ValueError(f"time_format must be one of {TIME_FORMATS}, not {form!r}")
        self._store.time_format = form

    @property
    def echo_inputs(self) -> bool:
        """Whether task objects echo the request (``input``); False: an empty object, as a service
        that echoes nothing comparable would."""
        return self._store.echo_inputs

    @echo_inputs.setter
    def echo_inputs(self, on: bool) -> None:
        self._store.echo_inputs = on

    @property
    def usage_inputs(self) -> bool:
        """Whether ``/v3/account/usage`` rows also echo each task's ``input`` (the documented rows do not)."""
        return self._store.usage_inputs

    @usage_inputs.setter
    def usage_inputs(self, on: bool) -> None:
        self._store.usage_inputs = on

    def serve_model(self, data: bytes, ext: str, output: str = "model_url") -> None:
        """The next task created gets ``data`` as its ``output`` file (``model_url``; a hostile ZIP,
        a truncated splat as ``splat_url``…)."""
        with self._store.lock:
            self._store.model_override = (ext, data, output)

    def forget_task(self, task_id: str) -> None:
        """The service no longer knows the task (past retention, or a v2-era id).

        GET answers 404/2001, ``/v3/tasks/list`` lists it in ``missed``, and using it as the
        input of another task is 2001.
        """
        self._store.forget(task_id)

    def forget(self, token_or_task_id: str) -> None:
        """Tripo forgets a ``file_…`` token (a POST naming it is refused 400/1004, "invalid or
        expired file_token") or a task (:meth:`forget_task`: 404/2001) sooner than expected."""
        if token_or_task_id.startswith("file_"):
            self._store.forget_upload(token_or_task_id)
        else:
            self.forget_task(token_or_task_id)

    def expire_urls(self) -> None:
        """Every download URL issued so far is now expired: the CDN answers 403 until the task is re-read."""
        self._signer.expire_all()

    def set_timing(self, queue_seconds: float | None = None, run_seconds: float | None = None) -> None:
        """Durations for tasks created afterwards."""
        with self._store.lock:
            if queue_seconds is not None:
                self._store.queue_seconds = queue_seconds
            if run_seconds is not None:
                self._store.run_seconds = run_seconds

    def plan_runs(self, run_seconds: Iterable[float]) -> None:
        """Run times of the next tasks created, in creation order (then ``run_seconds`` again):
        many concurrent tasks of different lengths from one emulator (benchmarks)."""
        with self._store.lock:
            self._store.run_plan.extend(float(s) for s in run_seconds)

    def advance(self, seconds: float) -> None:
        """Move the emulator's clock forward (tasks progress, URLs and tokens expire, old tasks are forgotten).

        A negative ``seconds`` sets the service's clock behind this machine's (a skewed client
        clock): ``created_at`` and the HTTP ``Date`` header follow the emulator's clock."""
        self.clock.advance(seconds)

    @property
    def variants(self) -> Variants:
        """Switches for the answer shapes of Tripo's other official SDKs (:mod:`.variants`):
        ``emulator.variants.task_list = "array"``, ``.decimal_credits = True``, ``.answer_task_id(" {id}")``…"""
        return self._store.variants

    @property
    def eta(self) -> bool:
        """Whether task objects carry ``running_left_time`` (running) and ``queuing_num`` (queued)."""
        return self._store.eta

    @eta.setter
    def eta(self, on: bool) -> None:
        self._store.eta = on

    @property
    def progress_curve(self) -> str:
        """How running tasks' progress moves with time: a key of ``state.PROGRESS_CURVES``."""
        return self._store.progress_curve

    @progress_curve.setter
    def progress_curve(self, name: str) -> None:
        if name not in PROGRESS_CURVES:
            raise ValueError(f"progress_curve must be one of {sorted(PROGRESS_CURVES)}, not {name!r}")
        self._store.progress_curve = name

    @property
    def task_retention(self) -> float:
        """Seconds after creation (emulator clock) after which a task is forgotten."""
        return self._store.task_retention

    @task_retention.setter
    def task_retention(self, seconds: float) -> None:
        self._store.task_retention = seconds

    @property
    def upload_cap(self) -> int:
        """Largest accepted upload in bytes, for /v3/files (1004 above) and presigned PUTs (413 above)."""
        return self._store.upload_cap

    @upload_cap.setter
    def upload_cap(self, size: int) -> None:
        self._store.upload_cap = size

    @property
    def retarget_files(self) -> str:
        """How a retarget of an ``animations`` list answers: ``"model_url"`` (one file, the
        default), ``"model_urls"`` (one file per animation) or ``"both"`` (``outputs.RETARGET_FILES``)."""
        return self._store.retarget_files

    @retarget_files.setter
    def retarget_files(self, shape: str) -> None:
        if shape not in RETARGET_FILES:
            raise ValueError(f"retarget_files must be one of {RETARGET_FILES}, not {shape!r}")
        with self._store.lock:
            self._store.retarget_files = shape

    @property
    def splat_format(self) -> str:
        """What an image-to-splat task returns: ``"ply"`` (a 3DGS PLY, the default), ``"spz"``,
        ``"glb"`` or ``"gltf"`` (``KHR_gaussian_splatting``; ``splat.FORMATS``)."""
        return self._store.splat_format

    @splat_format.setter
    def splat_format(self, fmt: str) -> None:
        if fmt not in SPLAT_FORMATS:
            raise ValueError(f"splat_format must be one of {SPLAT_FORMATS}, not {fmt!r}")
        with self._store.lock:
            self._store.splat_format = fmt

    def expire_links_after(self, seconds: float | None, *, renew: bool = True, status: int = 403) -> None:
        """Output links expire ``seconds`` after their task finished (Tripo's READMEs: about 5
        minutes), however early they were read; a read after that gives fresh links good for as
        long again (``renew=False``: the task's links stay dead). An expired link answers ``status``
        (403, or 410 Gone). ``None`` goes back to links living :attr:`url_ttl` from each read."""
        if status not in (403, 410):
            raise ValueError("an expired link answers 403 or 410")
        self._signer.policy = cdn.LinkPolicy(seconds, renew, status)

    @property
    def url_ttl(self) -> float:
        return self._signer.ttl

    @url_ttl.setter
    def url_ttl(self, seconds: float) -> None:
        self._signer.ttl = seconds

    @property
    def concurrency_limit(self) -> int:
        return self._store.concurrency_limit

    @concurrency_limit.setter
    def concurrency_limit(self, limit: int) -> None:
        self._store.concurrency_limit = limit
