"""The first sentence of a failed job: plain words for the failures an artist meets most.

Why: a row that opens with "POST /v3/generation/text-to-model: could not connect to
api.tripo3d.ai (ConnectionError)" or "Authentication failed" tells an artist nothing they can act
on. The common failures each have one cause an artist understands and one fix: no connection, a
refused key, too few credits, Tripo busy, Tripo's server in trouble. For those the job's
:class:`~.model.JobError` leads with a sentence in plain words and keeps the technical text (route,
host, HTTP status) as its ``detail``, which Copy Details includes with the code and trace id. Any
other failure keeps the API's own message, which is already a sentence.

Bpy-free and settings-free: the advice that depends on the add-on's settings (the key's region)
is added where the row is drawn (:func:`..rules.account.code_hint`).
"""

from __future__ import annotations

from ..client import TripoAPIError, TripoRequestError
from ..client.errors import RATE_LIMIT_CODES
from .model import JobError

__all__ = ["NO_CONNECTION", "KEY_REFUSED", "NO_CREDITS", "TRIPO_BUSY", "SERVER_TROUBLE", "plain_words", "job_error"]

NO_CONNECTION = "No connection to Tripo — check your network (or proxy), then Retry."
NO_ANSWER = "Tripo did not answer in time (slow or broken connection); the request may have arrived."
TLS_REFUSED = "The secure connection to Tripo could not be verified (a proxy that intercepts HTTPS?)."
KEY_REFUSED = "Tripo refused the API key — check it in Preferences › Add-ons › Tripo 3D."
NO_CREDITS = "Not enough Tripo credits for this request — top up at platform.tripo3d.ai."
TRIPO_BUSY = "Tripo is busy (too many requests at once) — Retry in a moment."
SERVER_TROUBLE = "Tripo's server had a problem — Retry in a few minutes."
#: The API's codes of a server-side failure (docs/apiv3.md#errors: HTTP 500, codes 1000/1001).
_SERVER_CODES = frozenset({1000, 1001})
_NO_CREDIT_CODE = 2010


def plain_words(exc: BaseException) -> str | None:
    """The plain first sentence for ``exc`` when it is a common failure; None: its own text is best."""
    if isinstance(exc, TripoAPIError):
        if exc.auth_failed:
            return KEY_REFUSED
        if exc.code == _NO_CREDIT_CODE:
            return NO_CREDITS
        if exc.code in RATE_LIMIT_CODES or exc.status_code == 429:
            return TRIPO_BUSY
        if exc.code in _SERVER_CODES or (exc.status_code or 0) >= 500:
            return SERVER_TROUBLE
        return None
    if isinstance(exc, TripoRequestError):
        if exc.cause == "connect":
            return NO_CONNECTION
        if exc.cause in ("timeout", "broken"):
            return NO_ANSWER
        if exc.cause == "tls":
            return TLS_REFUSED
        if exc.status_code >= 500:
            return SERVER_TROUBLE
        if exc.status_code == 429:
            return TRIPO_BUSY
        if exc.status_code == 401:
            return KEY_REFUSED
    return None


def job_error(exc: BaseException) -> JobError:
    """A :class:`JobError` with everything the exception knows (code, suggestion, trace id), led
    by :func:`plain_words` when there are any (the exception's own text kept as ``detail``)."""
    if isinstance(exc, TripoAPIError):
        plain = plain_words(exc)
        return JobError(
            plain or exc.message, exc.code, exc.suggestion, exc.trace_id, detail=str(exc) if plain else None
        )
    if isinstance(exc, TripoRequestError):
        plain = plain_words(exc)
        return JobError(plain or str(exc), None, None, exc.trace_id, detail=str(exc) if plain else None)
    return JobError(str(exc) or type(exc).__name__)
