"""HTTP transport: one ``requests.Session``, timeouts, retries, error mapping, auth scoping.

Rules, and why:

* **One session, shared by all threads.** Connection reuse matters for polling. The session is
  used read-only after construction: the API key is *not* put into ``session.headers`` (that is how
  SDK 0.3.0 leaked it to the CDN, docs/sdk-surface.md#known-faults 7) but attached per API request through
  :class:`BearerAuth`; downloads use :class:`NoAuth`, which strips any ``Authorization`` header a caller-supplied
  session
  or ``~/.netrc`` would add. Sessions we create also refuse cookies, so no shared mutable cookie
  jar exists.
* **Every call has (connect, read) timeouts.** The read timeout bounds each socket read, not the
  whole transfer, so a large download on a slow link is fine while a stalled one is not.
* **Retries** use capped exponential back-off with jitter, or the server's ``Retry-After`` (capped)
  when it sent one. Which failures are retried depends on whether resending is safe:

  ============================  ==============================  =================================
  failure                       GET / list / upload / download   creation POST (not idempotent)
  ============================  ==============================  =================================
  connect error / timeout       retry                            retry (request never left)
  read timeout, dropped conn    retry                            **raise**, may_have_reached_server
  HTTP 429                      retry (Retry-After)              retry only for code 1007/2000
  HTTP 5xx, non-JSON 502 page   retry                            raise (may have been processed)
  200 with code≠0 (transient)   retry for 1000/1001/1007/2000/…  raise
  other 4xx / API errors        raise                            raise
  TLS failure                   raise (verification stays on)    raise
  ============================  ==============================  =================================

  A creation POST that may have reached the server is never resent: apiv3 has no idempotency
  key, so a resend can create and bill a second task (docs/apiv3.md#retries). ``POST /v3/tasks/list``
  and the upload calls create nothing billable, so they are retried like reads.
* **Errors are typed**: a Tripo JSON envelope becomes :class:`TripoAPIError` (code, message,
  suggestion, HTTP status, request id, trace id) whatever the HTTP status — including 200 with
  ``code != 0`` or ``status: "error"``; anything else (an HTML 502 from a proxy, garbage, no
  answer) becomes :class:`TripoRequestError` with the status and a short, redacted snippet.
* **Tracing**: every attempt sends a fresh ``X-Tripo-Trace-ID`` (as the official SDK does); the
  error or result carries the id the response echoed, else the one sent, for support.
* **Presigned uploads** (``PUT`` to a storage URL) carry no ``Authorization`` (:class:`NoAuth`).
* The sleep function is injectable so tests can record back-off delays instead of waiting.
* ``requests`` (and urllib3, and the standard library's HTTP modules) are imported when a transport
  opens its session or handles an answer, not with this module: the add-on imports the client
  when Blender enables it, and ``requests`` was 58 ms of a 137 ms enable. Any callable is a requests auth, so
  :class:`BearerAuth` and :class:`NoAuth` need no import at class definition.
"""

from __future__ import annotations

import contextlib
import enum
import itertools
import json
import os
import random
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from .config import USER_AGENT, get_logger, redact, remember_secret
from .errors import RATE_LIMIT_CODES, RETRYABLE_API_CODES, TripoAPIError, TripoError, TripoRequestError
from .timestamps import parse_http_date

if TYPE_CHECKING:  # imported where it is used (see the module docstring)
    import requests

__all__ = [
    "Transport",
    "SendGuard",
    "guarded",
    "current_guard",
    "RetryMode",
    "ApiResult",
    "AttemptFailed",
    "BearerAuth",
    "NoAuth",
    "parse_api_response",
    "parse_retry_after",
    "classify_exception",
    "TRACE_HEADER",
]

log = get_logger()
T = TypeVar("T")

TRACE_HEADER = "X-Tripo-Trace-ID"
Timeouts = tuple[float, float]


class RetryMode(enum.Enum):
    """How freely a request may be resent."""

    SAFE = "safe"  # GET, upload, download: resending is harmless
    CREATE = "create"  # creation POST: resend only if the server provably did not take the request


@dataclass(frozen=True)
class ApiResult:
    """The ``data`` of a successful envelope, plus the response's trace id and HTTP status."""

    data: Any
    trace_id: str | None
    status_code: int


class AttemptFailed(Exception):
    """One attempt failed. ``transient``: a later attempt may succeed. ``not_processed``: the server
    provably did not act on the request (safe to resend even a POST /task)."""

    def __init__(
        self, error: TripoError, *, transient: bool, not_processed: bool = False, retry_after: float | None = None
    ) -> None:
        super().__init__(str(error))
        self.error = error
        self.transient = transient
        self.not_processed = not_processed
        self.retry_after = retry_after


class BearerAuth:
    """Adds ``Authorization: Bearer <key>`` to one request. Its repr never shows the key."""

    def __init__(self, api_key: str) -> None:
        self._header = f"Bearer {api_key}"
        remember_secret(api_key)  # redact() removes this key whole, punctuation and all

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        r.headers["Authorization"] = self._header
        return r

    def __repr__(self) -> str:
        return "BearerAuth(***)"


class NoAuth:
    """Guarantees a request carries no ``Authorization`` header (downloads from the CDN).

    Passing an explicit auth object also stops requests from consulting ``~/.netrc``.
    """

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        r.headers.pop("Authorization", None)
        return r


# --------------------------------------------------------------------------- pure helpers


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or HTTP date); None if absent/invalid."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        import email.utils  # see the module docstring: imported when an answer needs it

        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when is None:
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    if seconds != seconds:  # NaN
        return None
    return max(0.0, seconds)


_TAG_RE = re.compile(r"<[^>]*>")
_WS_RE = re.compile(r"\s+")


def _snippet(content: bytes, limit: int = 200) -> str:
    text = content[: limit * 8].decode("utf-8", errors="replace")
    text = _WS_RE.sub(" ", _TAG_RE.sub(" ", text)).strip()
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return redact(text) or "(empty body)"


_TITLE_RE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def _html_summary(content: bytes, status: int, headers: Mapping[str, str]) -> str | None:
    """One readable clause for an HTML error page (a proxy's "502 Bad Gateway … nginx"), or None.

    Why: the raw page text repeats its title and trails the proxy's name, and means nothing to a
    user; what helps is "a web page, not the API, and whose" plus what to do about it."""
    if "html" not in headers.get("Content-Type", "").lower() and not content.lstrip()[:1] == b"<":
        return None
    title = _TITLE_RE.search(content[:4096])
    if title is None and b"<html" not in content[:1024].lower():
        return None  # XML (object storage) or other markup: the snippet says more
    heading = _snippet(title.group(1), limit=80) if title else ""
    text = _snippet(content)
    rest = text.replace(heading, "").strip() if heading else ""
    server = headers.get("Server") or (rest if rest and len(rest) <= 30 else "")
    page = f"a web page{f' titled “{heading}”' if heading else ''}{f' from {redact(server)}' if server else ''}"
    if status >= 500:
        advice = "a proxy or gateway in front of the API failed; try again in a moment"
    else:
        advice = "the address may not be a Tripo apiv3 server (check API Base URL)"
    return f"{page} instead of the API: {advice}"


def _code(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def parse_api_response(
    status: int, headers: Mapping[str, str], content: bytes, *, reason: str = "", url: str | None = None
) -> ApiResult:
    """Turn one HTTP response from the API into data, or raise the matching typed error."""
    trace_id = headers.get(TRACE_HEADER)
    try:
        payload = json.loads(content) if content else None
    except ValueError:
        payload = None
    if isinstance(payload, dict) and _code(payload.get("code")) is not None:
        code = _code(payload.get("code"))
        assert code is not None
        failed = code != 0 or payload.get("status") == "error"
        if not failed and status < 400:
            return ApiResult(payload["data"] if "data" in payload else payload, trace_id, status)
        if failed:
            message = payload.get("message") or payload.get("msg") or f"HTTP {status} {reason}".strip()
            suggestion = payload.get("suggestion")
            request_id = payload.get("request_id")
            raise TripoAPIError(
                code if code != 0 else -1,
                str(message),
                str(suggestion) if suggestion else None,
                status_code=status,
                trace_id=trace_id,
                retry_after=parse_retry_after(headers.get("Retry-After")),
                request_id=str(request_id) if request_id else None,
            )
    if status < 300 and not content:
        return ApiResult({}, trace_id, status)  # an empty success (the official SDK reads it as {})
    ctype = headers.get("Content-Type", "no content type")
    where = urlsplit(url).netloc if url else "the API"
    if status >= 400:
        body = _html_summary(content, status, headers) or _snippet(content)
        message = f"{where} answered HTTP {status} {reason} with a non-Tripo response ({ctype}): {body}"
    elif payload is None:
        message = f"{where} answered HTTP {status} with a body that is not JSON ({ctype}): {_snippet(content)}"
    else:
        message = f"{where} answered HTTP {status} with JSON that is not a Tripo envelope: {_snippet(content)}"
    raise TripoRequestError(status, message, trace_id=trace_id, may_have_reached_server=True, url=url)


def _connect_failed(exc: BaseException) -> bool:
    """True if a ConnectionError happened while *establishing* the connection (nothing was sent)."""
    from urllib3.exceptions import ConnectTimeoutError, MaxRetryError, NewConnectionError

    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        e = stack.pop()
        if id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, (NewConnectionError, ConnectTimeoutError)):
            return True
        if isinstance(e, MaxRetryError) and e.reason is not None:
            stack.append(e.reason)
        stack.extend(a for a in e.args if isinstance(a, BaseException))
    return False


def classify_exception(
    exc: requests.RequestException,
    *,
    what: str,
    url: str,
    error_cls: type[TripoRequestError] = TripoRequestError,
    mention_processing: bool = True,
) -> AttemptFailed:
    """Map a requests exception to a typed error plus "may I retry it" facts.

    ``mention_processing`` adds "the request may have been processed" to messages where that is
    true and matters (API calls); downloads switch it off.
    """
    import requests

    host = urlsplit(url).netloc
    maybe = "; the request may have been processed" if mention_processing else ""
    if isinstance(exc, requests.exceptions.SSLError):
        err = error_cls(
            0,
            f"{what}: TLS verification with {host} failed ({exc}). If a proxy intercepts HTTPS, point "
            "REQUESTS_CA_BUNDLE at its certificate; verification is never switched off.",
            url=url,
            cause="tls",
        )
        return AttemptFailed(err, transient=False)
    if isinstance(exc, requests.exceptions.ConnectTimeout) or (
        isinstance(exc, requests.exceptions.ConnectionError) and _connect_failed(exc)
    ):
        err = error_cls(
            0,
            f"{what}: could not connect to {host} ({type(exc).__name__}). Check the network or proxy.",
            url=url,
            cause="connect",
        )
        return AttemptFailed(err, transient=True, not_processed=True)
    if isinstance(exc, requests.exceptions.Timeout):
        err = error_cls(
            0,
            f"{what}: no answer from {host} in time (read timeout){maybe}.",
            may_have_reached_server=True,
            url=url,
            cause="timeout",
        )
        return AttemptFailed(err, transient=True)
    if isinstance(
        exc,
        (
            requests.exceptions.ConnectionError,
            requests.exceptions.ChunkedEncodingError,
            requests.exceptions.ContentDecodingError,
        ),
    ):
        err = error_cls(
            0,
            f"{what}: the connection to {host} broke before the answer was complete ({type(exc).__name__}){maybe}.",
            may_have_reached_server=True,
            url=url,
            cause="broken",
        )
        return AttemptFailed(err, transient=True)
    err = error_cls(0, f"{what}: request to {host} failed: {type(exc).__name__}: {exc}", url=url)
    return AttemptFailed(err, transient=False)


# --------------------------------------------------------------------------- send guard

_guards = threading.local()


@dataclass(frozen=True)
class SendGuard:
    """What a caller (the job engine's worker) wants checked around every request of its thread.

    ``check`` runs right before each attempt leaves (the first one and every retry) and raises to
    stop it: a cancel or a network pause must stop a POST still in its 429 back-off, not after
    the back-off sent it. ``wait`` replaces the back-off sleep so a cancel can cut it short.
    Thread-local: each worker thread guards only its own requests.
    """

    check: Callable[[], None]
    wait: Callable[[float], None]
    #: Called by :class:`~.client.TripoClient` right before a creation POST leaves (once, before its
    #: first attempt) with the route and the body it sends: the job engine records the request its
    #: task must echo (:mod:`...jobs.verify`). Raising stops the POST: nothing is sent.
    creating: Callable[[str, Mapping[str, Any]], None] | None = None


@contextlib.contextmanager
def guarded(guard: SendGuard) -> Iterator[None]:
    """Apply ``guard`` to every request this thread sends inside the ``with`` block."""
    previous = getattr(_guards, "value", None)
    _guards.value = guard
    try:
        yield
    finally:
        _guards.value = previous


def current_guard() -> SendGuard | None:
    """The guard of the calling thread, if any (downloads check it between reads too)."""
    return getattr(_guards, "value", None)


# --------------------------------------------------------------------------- transport


class Transport:
    """Sends API requests and opens download streams; owns the retry policy."""

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str,
        connect_timeout: float = 10.0,
        read_timeout: float = 60.0,
        max_retries: int = 4,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        backoff_base: float = 0.5,
        backoff_cap: float = 8.0,
        retry_after_cap: float = 60.0,
        rng: random.Random | None = None,
    ) -> None:
        for name, value in (("connect_timeout", connect_timeout), ("read_timeout", read_timeout)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
                raise ValueError(f"{name} must be a positive number of seconds.")
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise ValueError("max_retries must be an integer >= 0.")
        self.base_url = base_url.rstrip("/")
        self.connect_timeout = float(connect_timeout)
        self.read_timeout = float(read_timeout)
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.retry_after_cap = retry_after_cap
        self._auth = BearerAuth(api_key)
        self._no_auth = NoAuth()
        self._sleep = sleep if sleep is not None else time.sleep
        self._clock = clock
        self._rng = rng if rng is not None else random.Random()
        self._lock = threading.Lock()
        self._closed = False
        self._server_offset: float | None = None
        self._owns_session = session is None
        if session is None:
            from http.cookiejar import DefaultCookiePolicy  # urllib.request, http.client, ssl, email…

            import requests
            from requests.adapters import HTTPAdapter

            session = requests.Session()
            adapter = HTTPAdapter(pool_connections=4, pool_maxsize=16, max_retries=0)
            session.mount("https://", adapter)
            session.mount("http://", adapter)
            session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
        elif session.verify is False:
            raise ValueError("The session has TLS verification disabled; the Tripo client requires it.")
        self.session = session

    # -- lifecycle

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
        if self._owns_session:
            self.session.close()

    @property
    def closed(self) -> bool:
        with self._lock:
            return self._closed

    def _ensure_open(self) -> None:
        if self.closed:
            raise RuntimeError("This TripoClient is closed.")

    # -- retry machinery

    def retry_delay(self, attempt: int, retry_after: float | None) -> float:
        """Delay before retry number ``attempt + 1``: the server's Retry-After (capped), else
        exponential back-off capped at ``backoff_cap`` with "equal jitter" (half fixed, half random)
        so that many clients hit by the same outage do not retry in lockstep."""
        if retry_after is not None:
            return min(retry_after, self.retry_after_cap)
        ceiling = min(self.backoff_cap, self.backoff_base * float(2**attempt))
        return ceiling / 2 + self._rng.random() * ceiling / 2

    def _timeouts(self, deadline: float | None, last: AttemptFailed | None, what: str) -> Timeouts:
        connect, read = self.connect_timeout, self.read_timeout
        if deadline is not None:
            remaining = deadline - self._clock()
            if remaining <= 0:
                raise TimeoutError(f"{what}: deadline reached") from (last.error if last else None)
            connect, read = min(connect, remaining), min(read, remaining)
        return connect, read

    def run(
        self,
        attempt: Callable[[Timeouts], T],
        *,
        mode: RetryMode,
        what: str,
        deadline: float | None = None,
        pause: Callable[[float], None] | None = None,
    ) -> T:
        """Call ``attempt(timeouts)`` until it returns, retrying :class:`AttemptFailed` per ``mode``.

        With a ``deadline`` (a ``clock()`` value) timeouts shrink to the time left and no retry
        starts after it; running out raises ``TimeoutError`` chained to the last failure.
        ``pause`` replaces the transport's sleep for this call (``wait_for_task`` passes one that
        a cancel event interrupts).
        """
        last: AttemptFailed | None = None
        guard = current_guard()
        for n in itertools.count():
            self._ensure_open()
            timeouts = self._timeouts(deadline, last, what)
            if guard is not None:
                guard.check()  # right before the request leaves: cancel/pause win over a retry
            try:
                return attempt(timeouts)
            except AttemptFailed as failure:
                allowed = failure.not_processed if mode is RetryMode.CREATE else failure.transient
                if not allowed or n >= self.max_retries:
                    if mode is RetryMode.CREATE and failure.transient and not failure.not_processed:
                        log.warning("%s: not resent, it may already have created a task: %s", what, failure.error)
                    raise failure.error from failure.__cause__
                delay = self.retry_delay(n, failure.retry_after)
                if deadline is not None and self._clock() + delay >= deadline:
                    raise TimeoutError(f"{what}: deadline reached while retrying") from failure.error
                log.warning(
                    "%s failed (%s); retry %d of %d in %.2f s", what, failure.error, n + 1, self.max_retries, delay
                )
                (pause or (guard.wait if guard is not None else None) or self._sleep)(delay)
                last = failure
        raise AssertionError("unreachable")  # pragma: no cover

    # -- API requests

    def api_request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        upload: tuple[str, str, str] | None = None,
        params: Mapping[str, str | int] | None = None,
        mode: RetryMode = RetryMode.SAFE,
        deadline: float | None = None,
        pause: Callable[[float], None] | None = None,
    ) -> ApiResult:
        """One API call with retries. ``body`` is JSON bytes; ``upload`` is
        ``(filename, local_path, content_type)`` sent as the multipart part ``file`` (the file is
        reopened for every attempt); ``params`` is the query string."""
        import requests

        url = self.base_url + path
        what = f"{method} {path}"

        def attempt(timeouts: Timeouts) -> ApiResult:
            headers = {"User-Agent": USER_AGENT, "Accept": "application/json", TRACE_HEADER: str(uuid.uuid4())}
            if body is not None:
                headers["Content-Type"] = "application/json"
            started = time.monotonic()
            try:
                if upload is not None:
                    filename, local_path, content_type = upload
                    try:
                        fh = open(local_path, "rb")
                    except OSError as exc:
                        raise TripoRequestError(0, f"Could not read the file to upload: {exc.strerror or exc}") from exc
                    with fh:
                        resp = self.session.request(
                            method,
                            url,
                            files={"file": (filename, fh, content_type)},
                            headers=headers,
                            params=params,
                            auth=self._auth,
                            timeout=timeouts,
                            allow_redirects=False,
                        )
                else:
                    resp = self.session.request(
                        method,
                        url,
                        data=body,
                        headers=headers,
                        params=params,
                        auth=self._auth,
                        timeout=timeouts,
                        allow_redirects=False,
                    )
            except requests.RequestException as exc:
                raise classify_exception(exc, what=what, url=url) from exc
            self._note_server_time(resp.headers.get("Date"))
            if TRACE_HEADER not in resp.headers:
                resp.headers[TRACE_HEADER] = headers[TRACE_HEADER]
            log.debug(
                "%s -> HTTP %s in %.0f ms (trace id %s)",
                what,
                resp.status_code,
                (time.monotonic() - started) * 1000,
                resp.headers.get(TRACE_HEADER),
            )
            return self._interpret(resp, url)

        return self.run(attempt, mode=mode, what=what, deadline=deadline, pause=pause)

    @property
    def server_clock_offset(self) -> float | None:
        """Seconds the API's clock is ahead of this machine's (negative: behind), from the HTTP
        ``Date`` header of the latest API answer that carried one; None before any did.

        ``Date`` has whole seconds (truncated) and is stamped before the answer travels, so this
        reads up to about a second plus the answer's latency *low*: Tripo's time of a local moment
        comes out slightly early, never late (what :mod:`..jobs.verify` needs for "created after").
        """
        return self._server_offset

    def _note_server_time(self, date_header: str | None) -> None:
        server = parse_http_date(date_header)
        if server is not None:
            self._server_offset = server - time.time()  # one float store: atomic across threads

    def _interpret(self, resp: requests.Response, url: str) -> ApiResult:
        status = resp.status_code
        retry_after = parse_retry_after(resp.headers.get("Retry-After"))
        if 300 <= status < 400:
            err = TripoRequestError(
                status,
                f"The API answered with a redirect to {resp.headers.get('Location', '?')}; check the base URL.",
                trace_id=resp.headers.get(TRACE_HEADER),
                url=url,
            )
            raise AttemptFailed(err, transient=False)
        try:
            return parse_api_response(status, resp.headers, resp.content, reason=resp.reason or "", url=url)
        except TripoAPIError as err:
            transient = status == 429 or status >= 500 or err.code in RETRYABLE_API_CODES
            not_processed = status == 429 and err.code in RATE_LIMIT_CODES
            raise AttemptFailed(
                err, transient=transient, not_processed=not_processed, retry_after=retry_after
            ) from None
        except TripoRequestError as err:
            raise AttemptFailed(err, transient=status == 429 or status >= 500, retry_after=retry_after) from None

    # -- presigned uploads

    def put_file(self, url: str, local_path: str, content_type: str) -> None:
        """``PUT`` a file's bytes to a presigned storage URL: no ``Authorization`` (the URL is the
        credential), ``Content-Length`` from the file, retried like a read (same bytes, same URL)."""
        import requests

        what = f"PUT {urlsplit(url).netloc}"

        def attempt(timeouts: Timeouts) -> None:
            try:
                with open(local_path, "rb") as fh:
                    size = os.fstat(fh.fileno()).st_size
                    resp = self.session.put(
                        url,
                        data=fh,
                        timeout=timeouts,
                        auth=self._no_auth,
                        allow_redirects=False,
                        headers={"User-Agent": USER_AGENT, "Content-Type": content_type, "Content-Length": str(size)},
                    )
            except OSError as exc:
                raise AttemptFailed(
                    TripoRequestError(0, f"Could not read the file to upload: {exc.strerror or exc}"), transient=False
                ) from exc
            except requests.RequestException as exc:
                raise classify_exception(exc, what=what, url=url, mention_processing=False) from exc
            with resp:
                if resp.status_code < 300:
                    return
                err = TripoRequestError(
                    resp.status_code,
                    f"The upload storage answered HTTP {resp.status_code} {resp.reason or ''}: "
                    f"{_snippet(resp.content)}",
                    url=url,
                )
                transient = resp.status_code == 429 or resp.status_code >= 500
                raise AttemptFailed(
                    err, transient=transient, retry_after=parse_retry_after(resp.headers.get("Retry-After"))
                )

        self.run(attempt, mode=RetryMode.SAFE, what=what)

    # -- downloads

    def open_download(self, url: str, timeouts: Timeouts) -> requests.Response:
        """Start a streamed GET of a CDN URL: no Authorization, no content encoding (so that
        ``Content-Length`` is the byte count we will receive). One attempt; see :mod:`.download`."""
        self._ensure_open()
        return self.session.get(
            url,
            stream=True,
            timeout=timeouts,
            auth=self._no_auth,
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity"},
            allow_redirects=True,
        )
