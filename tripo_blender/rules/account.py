"""The Tripo account as the user sees it: is the key usable, how many credits are left, and why not.

Why this module exists: "authentication failed" is the most common and least helpful message in
add-ons like this one. A Tripo key fails for a handful of distinct reasons — none entered, a
pasted value that is not a key, the key of the other region, no network, Blender's online access
switched off — and each has a different fix. This module turns each into one sentence that says
what happened and what to do, *before* any request whenever the reason is knowable locally.

It is bpy-free on purpose (the balance request runs on a background thread, and the messages
are unit-testable); the operators and drawing that use it live in :mod:`..blender.preferences_ui`.
No message here ever contains the key: they are built from codes and settings, and anything
coming from the server goes through :func:`~..client.config.redact`.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar
from urllib.parse import urlsplit

from ..client import Balance, TripoAPIError, TripoRequestError
from ..client.config import migrate_base_url, redact, resolve_base_url, validate_api_key
from ..client.errors import AUTH_FAILED_CODES
from ..client.models import TaskUsageItem
from ..jobs.plain_errors import plain_words
from .errors import UserError
from .settings import ENV_API_KEY, Connection

if TYPE_CHECKING:
    from ..client.client import TripoClient

__all__ = [
    "UserError",
    "BalanceInfo",
    "BalanceChecker",
    "UsageInfo",
    "UsageChecker",
    "USAGE_ROWS",
    "ONLINE_ACCESS_OFF",
    "NO_KEY",
    "check_connection",
    "code_hint",
    "explain_error",
    "make_client",
]

log = logging.getLogger(__name__)

#: What the panels say while online access is off (before anything is tried).
OFFLINE_HINT = (
    "Online access is off: enable Preferences › System › Network › Allow Online Access, or the "
    "add-on cannot reach Tripo."
)
ONLINE_ACCESS_OFF = (
    "Online access is disabled, so nothing was sent. Enable Preferences › System › Network › "
    "Allow Online Access, then try again."
)
NO_KEY = (
    f"No Tripo API key. Enter it in Preferences › Add-ons › Tripo 3D (or set {ENV_API_KEY}); "
    "create one at platform.tripo3d.ai."
)
#: Codes whose meaning depends on this add-on's settings, so the API's own suggestion is not enough:
#: a refused key (HTTP 401: apiv3 says code 2, older deployments 1002) and too few credits.
NO_CREDIT = 2010


def check_connection(connection: Connection) -> str:
    """Validate the key's shape and the server address *before* any request; return the base URL.

    Raises :class:`UserError` saying what to change. Never sends anything.
    """
    if not connection.api_key:
        raise UserError(NO_KEY)
    try:
        validate_api_key(connection.api_key)
        return resolve_base_url(connection.base_url, connection.region, environ={})
    except ValueError as exc:
        # The client's messages never quote the key; redact anyway in case that ever changes.
        raise UserError(f"{redact(str(exc))} Fix it in Preferences › Add-ons › Tripo 3D.") from None


def make_client(connection: Connection, **options: Any) -> TripoClient:
    """A client for ``connection`` (on any thread: it reads no bpy and no environment).

    The environment was already folded into ``connection`` by the preferences snapshot, so the
    client is told the exact server instead of looking at ``TRIPO_API_BASE_URL`` again.
    """
    from ..client.client import TripoClient  # the HTTP client (and requests) load with the first request

    base_url = resolve_base_url(connection.base_url, connection.region, environ={})
    return TripoClient(api_key=connection.api_key, base_url=base_url, **options)


def _server_name(connection: Connection) -> str:
    """The host requests go to, for messages. Drawn on every redraw of an error row, so a
    pre-apiv3 URL from the environment is migrated quietly here (the client logs it when it
    connects)."""
    base_url = migrate_base_url(connection.base_url) if connection.base_url else None
    try:
        url = resolve_base_url(base_url, connection.region, environ={})
    except ValueError:
        return "the configured server"
    return urlsplit(url).hostname or url


def code_hint(code: int | None, connection: Connection, *, auth_failed: bool = False) -> str | None:
    """Extra advice for API codes whose fix is in this add-on's settings (None: nothing to add).

    ``auth_failed``: the server refused the key (HTTP 401, :attr:`TripoAPIError.auth_failed`),
    whatever code came with it; a job's stored error keeps only the code, which then decides.
    """
    if auth_failed or code in AUTH_FAILED_CODES:
        if connection.base_url:
            return (
                f"Tripo refused the API key at {_server_name(connection)}. Check the key, and that this "
                "server (Preferences › Advanced › API Base URL) is the one that issued it."
            )
        other = "China" if connection.region == "global" else "Global"
        return (
            f"Tripo refused the API key at {_server_name(connection)}. A key only works in the region "
            f"that issued it: if yours is from the other platform, set Region to {other} in the "
            "add-on preferences; otherwise create a new key."
        )
    if code == NO_CREDIT:
        return "Your Tripo account has too few credits for this request. Top up at platform.tripo3d.ai."
    return None


def explain_error(exc: BaseException, connection: Connection) -> str:
    """One sentence for a failed request: what happened and what to do (never the key).

    Plain words first: a refused key or too few credits say so with the add-on's own advice
    (:func:`code_hint`), server trouble and "busy" as :func:`..jobs.plain_errors.plain_words` does,
    never the API's bare "Authentication failed (error 2)". Another API error keeps its message
    and code (support needs the code; the message is Tripo's sentence)."""
    if isinstance(exc, TripoAPIError):
        hint = code_hint(exc.code, connection, auth_failed=exc.auth_failed)
        if hint:
            return hint
        plain = plain_words(exc)
        if plain:
            return plain
        base = f"{exc.message} (error {exc.code})."
        return f"{base} {exc.suggestion}" if exc.suggestion else base
    if isinstance(exc, TripoRequestError):
        if exc.status_code == 0:
            text = f"No connection to {_server_name(connection)}: {exc.message}"
            if "proxy" not in text:  # the client's connect/TLS messages already say what to check
                text += " Check the network connection, proxy or firewall, then try again."
            return text
        return f"{_server_name(connection)} answered unexpectedly: {exc}. Try again later."
    return redact(str(exc)) or type(exc).__name__


@dataclass(frozen=True)
class BalanceInfo:
    """The last known state of the account, as the UI shows it.

    ``balance``/``frozen`` are from the last successful check; ``error`` is the reason the last
    check failed (None when it succeeded); ``checked_at`` is the wall-clock time of the last answer;
    ``checking`` is True while a request is out.
    """

    balance: float | None = None
    frozen: float | None = None
    error: str | None = None
    checked_at: float | None = None
    checking: bool = False

    @property
    def known(self) -> bool:
        return self.balance is not None


@dataclass(frozen=True)
class UsageInfo:
    """The account's recent tasks as the usage popup shows them (``GET /v3/account/usage``).

    ``rows`` are from the last successful request (None: never fetched); ``error`` and
    ``checking`` mean what they mean on :class:`BalanceInfo`.
    """

    rows: tuple[TaskUsageItem, ...] | None = None
    error: str | None = None
    checked_at: float | None = None
    checking: bool = False


InfoT = TypeVar("InfoT", BalanceInfo, UsageInfo)


class _BackgroundCheck(Generic[InfoT]):
    """One account request at a time on a background thread, its answer applied by the pump.

    Why not on the main thread: an account call is a network round trip with timeouts of
    seconds; Blender would freeze meanwhile (the official add-on's complaint #3). The thread
    only stores its result; the pump picks it up with :meth:`collect` on the main thread, so the
    UI updates (and redraws) in one place. Subclasses say what to fetch and how an answer, a
    failure and "asking…" look (:meth:`_fetch`, :meth:`_failed`, :meth:`_asking`).
    """

    _thread_name = "tripo-account"
    _what = "Asking Tripo about the account"  # for the log: "<what> failed: <reason>"

    def __init__(self, empty: InfoT) -> None:
        self._empty: InfoT = empty
        self._lock = threading.Lock()
        self._info: InfoT = empty
        self._thread: threading.Thread | None = None
        self._finished: InfoT | None = None

    # -- hooks ---------------------------------------------------------------------------------
    def _fetch(self, client: TripoClient) -> InfoT:
        """Worker thread: the request and its answer (raises on failure)."""
        raise NotImplementedError

    def _failed(self, previous: InfoT, message: str, at: float) -> InfoT:
        """What to show after a failure (keeping what the last answer showed)."""
        return dataclasses.replace(previous, error=message, checked_at=at, checking=False)

    @staticmethod
    def _asking(info: InfoT, checking: bool) -> InfoT:
        return dataclasses.replace(info, checking=checking)

    # -- the check -----------------------------------------------------------------------------
    @property
    def info(self) -> InfoT:
        with self._lock:
            return self._info

    @property
    def busy(self) -> bool:
        """True while a request is out or its answer waits to be collected."""
        with self._lock:
            return self._thread is not None or self._finished is not None

    def start(self, connection: Connection) -> bool:
        """Start a check with ``connection`` (validated by the caller); False if one is running."""
        with self._lock:
            if self._thread is not None:
                return False
            self._info = self._asking(self._info, True)
            self._thread = threading.Thread(target=self._run, args=(connection,), name=self._thread_name, daemon=True)
            self._thread.start()
        return True

    def fail(self, message: str) -> None:
        """Record a reason found without a request (no key, online access off…)."""
        with self._lock:
            self._info = self._asking(self._failed(self._empty, message, time.time()), self._thread is not None)

    def collect(self) -> bool:
        """Main thread: adopt a finished check's answer. True when the shown info changed."""
        with self._lock:
            finished, self._finished = self._finished, None
            if finished is None:
                return False
            self._info = finished
            return True

    def wait(self, timeout: float) -> bool:
        """Block until the running check ends (scripts and tests; never the pump). True if idle."""
        with self._lock:
            thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def reset(self) -> None:
        """Forget everything shown (the add-on is being disabled). A running check is abandoned."""
        with self._lock:
            self._info = self._empty
            self._finished = None

    def _run(self, connection: Connection) -> None:
        """Worker body: never touches bpy; stores the answer for :meth:`collect`."""
        result: InfoT
        try:
            with make_client(connection, max_retries=1) as client:
                result = self._fetch(client)
        except Exception as exc:  # noqa: BLE001 - every failure becomes a message for the user
            message = explain_error(exc, connection)
            log.warning("%s failed: %s", self._what, message)
            with self._lock:
                previous = self._info
            result = self._failed(previous, message, time.time())
        with self._lock:
            self._finished = result
            self._thread = None


class BalanceChecker(_BackgroundCheck[BalanceInfo]):
    """Fetches the balance (the Check Key button, the panel's Account line)."""

    _thread_name = "tripo-balance"
    _what = "Checking the Tripo key"

    def __init__(self) -> None:
        super().__init__(BalanceInfo())

    def _fetch(self, client: TripoClient) -> BalanceInfo:
        balance: Balance = client.get_balance()
        log.info("Tripo balance: %.0f credits (%.0f frozen)", balance.balance, balance.frozen)
        return BalanceInfo(balance.balance, balance.frozen, None, time.time())


#: Rows the usage popup asks for (the newest tasks first).
USAGE_ROWS = 20


class UsageChecker(_BackgroundCheck[UsageInfo]):
    """Fetches the account's recent tasks for the usage popup (opened from the Account line)."""

    _thread_name = "tripo-usage"
    _what = "Fetching the recent Tripo usage"

    def __init__(self) -> None:
        super().__init__(UsageInfo())

    def _fetch(self, client: TripoClient) -> UsageInfo:
        rows = tuple(client.get_usage(limit=USAGE_ROWS))
        log.info("Tripo usage: %d recent task(s)", len(rows))
        return UsageInfo(rows, None, time.time())
