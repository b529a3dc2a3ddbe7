"""The one reader of the times Tripo sends (``created_at``, ``completed_at``) and of HTTP ``Date``.

Why one reader: apiv3 documents ISO 8601 UTC with a ``Z`` (``2026-10-15T00:00:00Z``), but the
services behind it answer in more than one shape — a space instead of the ``T``, an offset
instead of the ``Z`` (``2026-12-07 15:00:00+00:00``), fractions of a second of any length. A
time read as "unreadable" once made an uncertain job's own task invisible (and the add-on said
"not created"); so every place that reads a Tripo time (the task model, the usage popup, the
look-up of an uncertain job's task) goes through :func:`parse_time`.

A time without a zone is read as UTC: Tripo's times are UTC, and reading them as local time
would shift them by the artist's offset.
"""

from __future__ import annotations

import calendar
import email.utils
import re

__all__ = ["parse_time", "parse_http_date"]

_ISO = re.compile(
    r"\s*(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})"
    r"(?:[Tt ]+(?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<frac>\d+))?)?)?"
    r"\s*(?P<zone>[Zz]|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?\s*"
)


def _offset(zone: str | None) -> int:
    """Seconds east of UTC of an ISO zone designator (``Z``, ``+05:30``, ``-0800``, ``+01``)."""
    if not zone or zone[0] not in "+-":
        return 0
    digits = zone[1:].replace(":", "")
    seconds = int(digits[:2]) * 3600 + (int(digits[2:4]) * 60 if len(digits) >= 4 else 0)
    return seconds if zone[0] == "+" else -seconds


def parse_time(text: object) -> float | None:
    """Unix seconds of an ISO 8601 date-time as Tripo sends it; None when ``text`` is none.

    Accepts ``T``, ``t`` or a space between date and time, ``Z``/``UTC``/no zone (UTC) or an
    offset (``+00:00``, ``+0000``, ``-08``), seconds optional, fractions of any length.
    """
    if not isinstance(text, str):
        return None
    match = _ISO.fullmatch(text)
    if match is None:
        return None
    year, month, day = int(match["y"]), int(match["mo"]), int(match["d"])
    hour, minute, second = int(match["h"] or 0), int(match["mi"] or 0), int(match["s"] or 0)
    if not (1 <= month <= 12 and 1 <= day <= 31 and hour <= 23 and minute <= 59 and second <= 60):
        return None
    whole = calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0))
    fraction = float(f"0.{match['frac']}") if match["frac"] else 0.0
    return whole + fraction - _offset(match["zone"])


def parse_http_date(text: object) -> float | None:
    """Unix seconds of an HTTP ``Date`` header (RFC 9110 IMF-fixdate and the obsolete forms);
    None when absent or unreadable."""
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        parsed = email.utils.parsedate_tz(text)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None:
        return None
    try:
        return float(email.utils.mktime_tz(parsed))
    except (OverflowError, ValueError):
        return None
