"""Endpoints, regions, API-key validation and secret redaction.

Why this lives in one small module: every other part of the client (errors, logging, the
transport) needs to agree on *what a key looks like* so that it can be scrubbed from any text
that leaves the process — exception messages, log records, progress output. Keeping the
pattern and the scrubber here means there is exactly one place to get it right.

Rules enforced here:

* The key comes from the ``api_key`` argument, else from ``TRIPO_API_KEY``.
* A key that is missing, does not start with ``tsk_``, or contains whitespace or non-printable
  characters is rejected with :class:`ValueError` *before any request is made*. The message says
  what is wrong and what to do, and never repeats the key (not even a prefix of it).
* The base URL is the apiv3 *host root*; the client appends ``/v3/…``. It comes from the
  ``base_url`` argument, else ``TRIPO_API_BASE_URL``, else the region (``"global"`` →
  ``https://openapi.tripo3d.ai``, ``"china"`` → ``https://openapi.tripo3d.com``). A key is only
  valid in the region that issued it, so picking the wrong region shows up as HTTP 401.
* A base URL saved for the retired v2 API (ending in the v2 path, or on the old ``api.`` hosts)
  or one that already ends in ``/v3`` is rewritten to the apiv3 host root by
  :func:`migrate_base_url`, with one log line: keeping it would send every request to a server
  that no longer answers (Tripo shut v2 down on 2026-10-31).
* Plain ``http://`` is only accepted for loopback hosts (the local emulator): anything else would
  send the key in clear text.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import re
import threading
from collections.abc import Iterator, Mapping
from urllib.parse import urlsplit, urlunsplit

from .secret_forms import anchored, key_pattern, prefix_positions

__all__ = [
    "GLOBAL_BASE_URL",
    "CHINA_BASE_URL",
    "REGIONS",
    "ENV_API_KEY",
    "ENV_BASE_URL",
    "KEY_PREFIX",
    "LOGGER_NAME",
    "USER_AGENT",
    "resolve_api_key",
    "validate_api_key",
    "resolve_base_url",
    "migrate_base_url",
    "redact",
    "RedactingFilter",
    "get_logger",
]

GLOBAL_BASE_URL = "https://openapi.tripo3d.ai"
CHINA_BASE_URL = "https://openapi.tripo3d.com"
REGIONS: Mapping[str, str] = {"global": GLOBAL_BASE_URL, "china": CHINA_BASE_URL}
#: The hosts of the retired v2 API and their apiv3 successors.
_LEGACY_HOSTS: Mapping[str, str] = {"api.tripo3d.ai": "openapi.tripo3d.ai", "api.tripo3d.com": "openapi.tripo3d.com"}
_LEGACY_PATH = "/v2/openapi"

ENV_API_KEY = "TRIPO_API_KEY"
ENV_BASE_URL = "TRIPO_API_BASE_URL"
KEY_PREFIX = "tsk_"

LOGGER_NAME = "tripo_blender.client"
USER_AGENT = "tripo-blender/0.2.0"

# Anything that looks like a Tripo secret key (its prefix raw or encoded: ``tsk%5F…``,
# ``\u0074sk_…``, ``tsk&#95;…``), or the value of a bearer header. The character class stops at
# characters that cannot be part of a generated key so surrounding punctuation survives; "tsk_"
# followed by fewer than four key characters is a word about keys (``must start with 'tsk_'``), not
# a key. The keys actually in use are known too (:func:`remember_secret`): they are removed whole,
# whatever characters they contain, in every form a server can echo (:mod:`.secret_forms`).
_KEY_CHARS = r"[^\s\"'&;,<>()\[\]{}]"
_SECRET_PATTERNS = (
    anchored([prefix_positions(KEY_PREFIX)], tail=rf"(?={_KEY_CHARS}{{4}}){_KEY_CHARS}*"),
    re.compile(r"(?i)(bearer\s+)[^\s\"'&;,<>]+"),
)


class _KnownSecrets:
    """The keys in use in this process, and one pattern for all their forms (rebuilt on a new key).

    Thread-safe: clients (and so :func:`remember_secret`) are made on worker threads.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys: set[str] = set()
        self.pattern: re.Pattern[str] | None = None

    def add(self, key: str) -> None:
        with self._lock:
            if key not in self._keys:
                self._keys.add(key)
                self.pattern = key_pattern(self._keys, KEY_PREFIX)


_KNOWN = _KnownSecrets()


def remember_secret(key: str) -> None:
    """Redact this exact key from now on in every encoding (:mod:`.secret_forms`), with or
    without its prefix, even with punctuation in it."""
    if len(key) > len(KEY_PREFIX) + 3:
        _KNOWN.add(key)


def redact(text: str) -> str:
    """Return ``text`` with every API key / bearer token replaced by ``***``.

    Used by every exception message and every log record of the client, so a key can never leak
    through ``str(error)`` or a log file even if a server or proxy echoes it back. A long text (a
    server's megabyte of log in an error) is scrubbed piece by piece, cut where no key form can
    span the cut, so a worker thread scrubbing it never holds the GIL for long at a time.
    """
    if len(text) <= _PIECE:
        return _redact_piece(text)
    return "".join(_redact_piece(piece) for piece in _pieces(text))


#: Characters scrubbed in one regex call (a few milliseconds of GIL at most).
_PIECE = 64 * 1024
#: Where a long text may be cut: after a run of whitespace (no key form contains whitespace) that
#: does not follow "bearer" (whose token comes after whitespace).
_CUT = re.compile(r"(?<=\S)(?<![Bb][Ee][Aa][Rr][Ee][Rr])\s+")


def _pieces(text: str) -> Iterator[str]:
    start = 0
    while len(text) - start > _PIECE:
        cut = _CUT.search(text, start + _PIECE // 2, start + _PIECE)
        end = cut.end() if cut is not None else start + _PIECE
        if cut is None:  # one "word" of 32 KiB: no cut is safe before its end
            found = _CUT.search(text, end)
            end = found.end() if found is not None else len(text)
        yield text[start:end]
        start = end
    yield text[start:]


def _redact_piece(text: str) -> str:
    known = _KNOWN.pattern
    if known is not None:
        text = known.sub("tsk_***", text)
    text = _SECRET_PATTERNS[0].sub("tsk_***", text)
    return _SECRET_PATTERNS[1].sub(lambda m: m.group(1) + "***", text)


class RedactingFilter(logging.Filter):
    """Logging filter that scrubs keys from the fully formatted message of each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not take the caller down
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        return True


def get_logger() -> logging.Logger:
    """The client's one logger (``tripo_blender.client``), with the redacting filter attached once.

    One logger instead of one per module because logger *filters* only apply to records logged
    directly on that logger, not to records propagating from children.
    """
    logger = logging.getLogger(LOGGER_NAME)
    if not any(isinstance(f, RedactingFilter) for f in logger.filters):
        logger.addFilter(RedactingFilter())
    return logger


def validate_api_key(key: object) -> str:
    """Check the *shape* of a key and return it unchanged.

    Raises ValueError with a message that explains the problem without quoting the key. We refuse
    to "fix" a key (e.g. strip a trailing newline): silently altering a credential hides a
    copy-paste problem that the user should see once and fix at the source.
    """
    if key is None or key == "":
        raise ValueError(
            "No Tripo API key: pass api_key=... or set the TRIPO_API_KEY environment variable "
            "(create a key at https://platform.tripo3d.ai)."
        )
    if not isinstance(key, str):
        raise ValueError(f"The Tripo API key must be a string, not {type(key).__name__}.")
    if any(ch.isspace() for ch in key):
        raise ValueError(
            "The Tripo API key contains whitespace (a stray space or newline from copy-paste?). "
            "Remove it and try again."
        )
    if not key.isascii() or not key.isprintable():
        raise ValueError("The Tripo API key contains characters that cannot be part of a key.")
    if not key.startswith(KEY_PREFIX):
        hint = " (a value starting with 'tcli_' is your account id, not a key)" if key.startswith("tcli_") else ""
        raise ValueError(f"The Tripo API key must start with '{KEY_PREFIX}'{hint}.")
    if len(key) == len(KEY_PREFIX):
        raise ValueError(f"The Tripo API key is incomplete: nothing follows '{KEY_PREFIX}'.")
    return key


def resolve_api_key(api_key: str | None, environ: Mapping[str, str] | None = None) -> str:
    """The key from the argument or, when the argument is None/empty, from ``TRIPO_API_KEY``."""
    env = os.environ if environ is None else environ
    return validate_api_key(api_key if api_key else env.get(ENV_API_KEY))


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def migrate_base_url(url: str) -> str:
    """The apiv3 host root for a base URL saved before apiv3; ``url`` itself when it needs nothing.

    ``https://api.tripo3d.ai/v2/openapi`` → ``https://openapi.tripo3d.ai`` (China likewise), a
    local emulator's ``http://127.0.0.1:8123/v2/openapi`` → ``http://127.0.0.1:8123``, and a URL
    ending in ``/v3`` loses it (the client appends ``/v3/…`` itself). Pure: callers log the change.
    """
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/")
    for suffix in (_LEGACY_PATH, "/v3"):
        if path.lower().endswith(suffix):  # hosts and these paths are matched whatever their case
            path = path[: -len(suffix)]
    host = parts.netloc
    if parts.hostname is not None and parts.hostname in _LEGACY_HOSTS:  # urlsplit lower-cases .hostname
        host = re.sub(re.escape(parts.hostname), _LEGACY_HOSTS[parts.hostname], host, count=1, flags=re.IGNORECASE)
    migrated = urlunsplit((parts.scheme, host, path, parts.query, parts.fragment))
    return migrated if migrated != url.strip().rstrip("/") else url


def resolve_base_url(base_url: str | None, region: str = "global", environ: Mapping[str, str] | None = None) -> str:
    """Pick and validate the API base URL (argument > ``TRIPO_API_BASE_URL`` > region).

    A pre-apiv3 value is migrated (:func:`migrate_base_url`) with a warning naming both URLs.
    """
    env = os.environ if environ is None else environ
    url = base_url or env.get(ENV_BASE_URL) or ""
    migrated = migrate_base_url(url) if url else url
    if migrated != url:
        get_logger().warning("Tripo base URL %s is for the retired v2 API; using %s (apiv3)", url, migrated)
        url = migrated
    if not url:
        key = (region or "").strip().lower()
        if key not in REGIONS:
            raise ValueError(f"Unknown region {region!r}: use one of {sorted(REGIONS)}.")
        return REGIONS[key]
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"The Tripo base URL must be an http(s) URL with a host, got {redact(url)!r}.")
    if parts.query or parts.fragment:
        raise ValueError("The Tripo base URL must not contain a query string or fragment.")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise ValueError(
            "Refusing plain http:// for a non-local Tripo base URL: the API key would travel unencrypted. Use https://."
        )
    return url.rstrip("/")
