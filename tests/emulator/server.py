"""HTTP plumbing (two stdlib servers) and :class:`Emulator`, the control API tests use.

Why two servers: output files are served by a separate "CDN" server on another port, like the
real service's CDN host, so tests can prove the client never sends its API key there.
Why stdlib only: the emulator must run under any Python, including Blender's bundled one.
Both servers speak HTTP/1.1 with Content-Length (keep-alive friendly), run in daemon threads,
and :meth:`Emulator.stop` closes the listening sockets *and* any open keep-alive connection.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from . import cdn
from .api import API_PREFIX, Api
from .errors import ApiError
from .faults import Fault, FaultBook
from .recording import MultipartError, Recorded, decode_json, parse_multipart
from .responses import Response, error, html_error
from .state import OUTCOMES, Clock, Outcome, Store

logger = logging.getLogger(__name__)

TEST_KEY = "tsk_emulator_test_key_0000000000"
TRACE_HEADER = "X-Tripo-Trace-ID"
#: How often the serve loops check for stop(); small so that a test's teardown is quick.
_POLL_SECONDS = 0.01


class _Server(ThreadingHTTPServer):
    """One listening socket; remembers its open connections so stop() can cut them."""

    daemon_threads = True

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

    def _record(self, body: bytes) -> tuple[Recorded, str]:
        split = urlsplit(self.path)
        raw_path = split.path
        under_api = self.server.kind == "api" and raw_path.startswith(API_PREFIX + "/")
        path = raw_path[len(API_PREFIX) :] if under_api else raw_path
        headers = {k.lower(): v for k, v in self.headers.items()}
        content_type = headers.get("content-type", "")
        rec = Recorded(self.command, path, dict(parse_qsl(split.query, keep_blank_values=True)), headers,
                       json=decode_json(content_type, body), body=body)
        if content_type.startswith("multipart/form-data"):
            try:
                rec.files, rec.form = parse_multipart(content_type, body)
            except MultipartError as exc:
                logger.debug("bad multipart body: %s", exc)
        self.server.emulator._log_request(self.server.kind, rec)
        return rec, raw_path

    # ------------------------------------------------------------------ answer

    def _dispatch(self) -> None:
        emulator = self.server.emulator
        kind = self.server.kind
        rec, raw_path = self._record(self._read_body())
        fault = emulator._faults.take(kind, rec.method, rec.path)
        if fault is not None and not fault.processes_request:
            emulator._pause(fault.delay)
            if fault.drop:
                self._drop()
                return
            response = _fault_response(fault)
        else:
            response = emulator._answer(kind, rec, raw_path)
        if kind == "api" and not (fault is not None and fault.non_json and not fault.processes_request):
            response.headers[TRACE_HEADER] = str(uuid.uuid4())
        rec.status = response.status
        if fault is not None and fault.processes_request:
            emulator._pause(fault.delay)
            if fault.drop:
                rec.status = 0
                self._drop()
                return
        self._send(response, truncate=fault is not None and fault.truncate)

    def _send(self, response: Response, truncate: bool) -> None:
        try:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if self.command == "HEAD":
                return
            self.wfile.write(response.body[: len(response.body) // 2] if truncate else response.body)
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
    response = error(ApiError(fault.code, retry_after=fault.retry_after, message=fault.message,
                              suggestion=fault.suggestion))
    response.status = fault.status
    return response


class Emulator:
    """An offline Tripo v2 API: real HTTP on 127.0.0.1, controllable from the test.

    Durations are read from an injectable clock (``clock=`` a ``time.time``-like callable)
    plus an offset moved by :meth:`advance`, so tests never sleep to wait for a task.
    """

    def __init__(self, queue_seconds: float = 0.0, run_seconds: float = 0.0, url_ttl: float = 300.0,
                 concurrency_limit: int = 10, balance: float = 10_000.0, retry_after: int = 1, *,
                 clock: Callable[[], float] | None = None, api_port: int = 0, cdn_port: int = 0) -> None:
        self.clock = Clock(clock)
        self._store = Store(self.clock, queue_seconds=queue_seconds, run_seconds=run_seconds,
                            concurrency_limit=concurrency_limit, retry_after=retry_after)
        self._store.add_key(TEST_KEY, balance)
        self._signer = cdn.UrlSigner(self.clock, url_ttl)
        self._api = Api(self._store, self._signer)
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
            thread = threading.Thread(target=server.serve_forever, args=(_POLL_SECONDS,),
                                      name=f"tripo-emulator-{server.kind}", daemon=True)
            thread.start()
            self._threads.append(thread)
        self._bound = (int(self._servers[0].server_address[1]), int(self._servers[1].server_address[1]))
        self._api.cdn_base = self.cdn_base
        self._api.s3_host = f"127.0.0.1:{self.api_port}"
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

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
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
        """``http://127.0.0.1:<api_port>/v2/openapi``"""
        return f"http://127.0.0.1:{self.api_port}{API_PREFIX}"

    @property
    def cdn_base(self) -> str:
        """``http://127.0.0.1:<cdn_port>`` (a different port from the API)."""
        return f"http://127.0.0.1:{self.cdn_port}"

    # ------------------------------------------------------------------ used by the handler

    def _log_request(self, kind: str, rec: Recorded) -> None:
        with self._log_lock:
            (self._requests if kind == "api" else self._cdn_requests).append(rec)

    def _answer(self, kind: str, rec: Recorded, raw_path: str) -> Response:
        try:
            if kind == "api":
                return self._api.handle(rec, raw_path)
            return cdn.serve(self._store, self._signer, raw_path, rec.query, rec.headers.get("range"))
        except Exception:  # an emulator bug must surface as a visible 500, not as a hung client
            logger.exception("emulator failed to answer %s %s", rec.method, raw_path)
            return error(ApiError(1000, "emulator bug, see the log"))

    def _pause(self, seconds: float) -> None:
        """Sleep for an injected delay, but wake up at once when the emulator stops."""
        if seconds > 0:
            self._stopping.wait(seconds)

    # ------------------------------------------------------------------ inspection

    @property
    def requests(self) -> list[Recorded]:
        """Every API request in arrival order (a snapshot)."""
        with self._log_lock:
            return list(self._requests)

    @property
    def cdn_requests(self) -> list[Recorded]:
        """Every CDN request in arrival order (a snapshot), ``authorization`` header included if sent."""
        with self._log_lock:
            return list(self._cdn_requests)

    def requests_to(self, method: str, path: str) -> list[Recorded]:
        """API requests with this method and path; a path ending in ``/`` matches as a prefix."""
        return [r for r in self.requests if r.method == method.upper()
                and (r.path == path or (path.endswith("/") and r.path.startswith(path)))]

    @property
    def tasks(self) -> dict[str, dict[str, Any]]:
        """Every task created so far, as GET /task/{id} would show it now (by id, creation order)."""
        with self._store.lock:
            return {task_id: self._api.task_view(task) for task_id, task in self._store.tasks.items()}

    def task_key(self, task_id: str) -> str:
        """The API key that created a task."""
        return self._store.tasks[task_id].key

    def balance_of(self, key: str = TEST_KEY) -> tuple[float, float]:
        """``(balance, frozen)`` of a key, with finished tasks settled or refunded first."""
        return self._store.balance_of(key)

    @property
    def max_in_flight(self) -> int:
        """Highest number of simultaneously queued+running tasks seen for any one key."""
        with self._store.lock:
            return max((a.max_in_flight for a in self._store.accounts.values()), default=0)

    # ------------------------------------------------------------------ control

    def add_key(self, key: str, balance: float = 10_000.0) -> None:
        """Accept another API key (tasks and uploads are private to each key)."""
        self._store.add_key(key, balance)

    def inject(self, route: str = "POST /task", times: int | None = 1, *, status: int = 500, code: int = 1000,
               message: str | None = None, suggestion: str | None = None, retry_after: int | None = None,
               non_json: bool = False, delay: float = 0.0, drop: bool = False, truncate: bool = False,
               after: bool = False) -> None:
        """Spoil the next ``times`` requests matching ``route`` (see :class:`.faults.Fault`).

        ``route`` is ``"METHOD /path-prefix"`` on the API (path relative to ``/v2/openapi``)
        or ``"CDN"``. ``times=None`` arms the fault until :meth:`clear_faults`.
        """
        self._faults.arm(Fault(route, times, status, code, message, suggestion, retry_after, non_json,
                               delay, drop, truncate, after))

    def clear_faults(self) -> None:
        self._faults.clear()

    def set_outcome(self, status: str = "failed", error_code: int = 1001, times: int = 1, *,
                    error_msg: str | None = None) -> None:
        """The next ``times`` created tasks end with ``status`` instead of success."""
        if status not in OUTCOMES:
            raise ValueError(f"status must be one of {sorted(OUTCOMES)}")
        outcome = (Outcome(status, error_code, error_msg or "Task failed (emulated)") if status == "failed"
                   else Outcome(status))
        with self._store.lock:
            self._store.outcomes.extend([outcome] * times)

    def set_riggable(self, riggable: bool | None, rig_type: str | None = None) -> None:
        """Force animate_prerigcheck's answer for tasks created afterwards (None: guess from the prompt)."""
        with self._store.lock:
            self._store.riggable, self._store.rig_type = riggable, rig_type

    def expire_urls(self) -> None:
        """Every signed URL issued so far is now expired: the CDN answers 403 until the task is re-read."""
        self._signer.expire_all()

    def set_timing(self, queue_seconds: float | None = None, run_seconds: float | None = None) -> None:
        """Durations for tasks created afterwards."""
        with self._store.lock:
            if queue_seconds is not None:
                self._store.queue_seconds = queue_seconds
            if run_seconds is not None:
                self._store.run_seconds = run_seconds

    def advance(self, seconds: float) -> None:
        """Move the emulator's clock forward (tasks progress, URLs and tokens expire)."""
        self.clock.advance(seconds)

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
