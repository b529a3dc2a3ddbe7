"""Every form in which a server can echo an API key, as regular expressions that scan fast.

Why: a server, proxy or error page that echoes the key rarely echoes it verbatim. A JSON body may
escape any of its characters (``"\\u0074sk_…"``), a URL or form body percent-encodes some or all
of them (``tsk%5F…``, ``%74%73%6b…``, upper- or lower-case hex), an HTML page turns them into
entities (``tsk&#95;…``, ``&lowbar;``, ``&#x5F;``), and a message may quote only the secret part,
without ``tsk_``. :func:`~.config.redact` is the last line of defence for every text that leaves
the process, so for each key in use it matches the secret part with each character in *any* of
these forms (mixed freely within one key), with or without the prefix in any form.

Why the patterns are built the way they are: every form of a character starts with the character
itself or with ``%``, ``\\`` or ``&``. Each pattern therefore starts with one character class of
those first characters, and each alternative checks which one it was with a one-character
lookbehind. Python's regex engine then skips ahead with a fast scan for that class instead of
trying every alternative at every position of the text (a megabyte of server log is scanned in
tens of milliseconds, not hundreds, on a worker that holds the GIL meanwhile).

A known key's secret part is matched without the prefix only when it is at least
:data:`BARE_SECRET_MIN` characters long: a shorter run of characters could be ordinary text.
"""

from __future__ import annotations

import html.entities
import re
from collections.abc import Iterable, Sequence

__all__ = ["forms", "anchored", "prefix_positions", "key_pattern", "BARE_SECRET_MIN", "MAX_LEADING_ZEROS"]

#: The shortest secret part matched on its own (without ``tsk_`` before it).
BARE_SECRET_MIN = 8
#: Leading zeros accepted in a numeric entity (``&#00095;``); bounded so a match is bounded too.
MAX_LEADING_ZEROS = 8

#: One position of a key: the characters that may stand there (a prefix letter in either case).
Position = Sequence[str]


def _named_entities() -> dict[str, list[str]]:
    """ASCII character → the HTML5 entity names (with their ``;``) that stand for it."""
    names: dict[str, list[str]] = {}
    for name, value in html.entities.html5.items():
        if name.endswith(";") and len(value) == 1 and value.isascii():
            names.setdefault(value, []).append(name)
    return names


_NAMED = _named_entities()
#: JSON's two-character escapes (``\\u`` forms exist for every character).
_JSON_SHORT = {'"': '"', "\\": "\\", "/": "/"}


def _forms_of(char: str) -> list[tuple[str, str]]:
    """Each form of ``char`` as (its first character, a regex for the rest): raw, percent-encoded,
    JSON-escaped, or an HTML entity (named, decimal or hex). Hex digits in either case."""
    code = ord(char)
    zeros = f"0{{0,{MAX_LEADING_ZEROS}}}"
    found = [
        (char, ""),
        ("%", f"(?i:{code:02x})"),  # quote / quote_plus
        ("\\", f"[uU](?i:{code:04x})"),  # JSON \u escape
        ("&", f"#{zeros}{code};?"),  # decimal entity
        ("&", f"#[xX]{zeros}(?i:{code:x});?"),  # hex entity
    ]
    found += [("&", re.escape(name)) for name in _NAMED.get(char, ())]
    if char in _JSON_SHORT:
        found.append(("\\", re.escape(_JSON_SHORT[char])))
    return found


def forms(position: Position) -> str:
    """A regex (one group) matching any character of ``position`` in any of its forms."""
    return "(?:" + "|".join(re.escape(first) + rest for char in position for first, rest in _forms_of(char)) + ")"


def _after_first(position: Position) -> str:
    """Like :func:`forms`, for a position whose first character was already consumed by the
    pattern's leading class: each form checks that character with a one-character lookbehind."""
    return (
        "(?:" + "|".join(f"(?<={re.escape(first)}){rest}" for char in position for first, rest in _forms_of(char)) + ")"
    )


def _firsts(position: Position) -> set[str]:
    return {first for char in position for first, _ in _forms_of(char)}


def anchored(alternatives: Iterable[Sequence[Position]], tail: str = "") -> re.Pattern[str]:
    """One pattern matching any of ``alternatives`` (each a sequence of positions) in any form,
    followed by the regex ``tail``, built to scan fast (see the module docstring)."""
    bodies: list[str] = []
    firsts: set[str] = set()
    for positions in alternatives:
        firsts |= _firsts(positions[0])
        bodies.append(_after_first(positions[0]) + "".join(forms(p) for p in positions[1:]))
    leading = "[" + "".join(re.escape(c) for c in sorted(firsts)) + "]"
    return re.compile(f"{leading}(?:{'|'.join(bodies)}){tail}")


def prefix_positions(prefix: str) -> list[Position]:
    """The key prefix (``tsk_``) as positions, its letters in either case."""
    return [(c.lower(), c.upper()) if c.isalpha() else (c,) for c in prefix]


def key_pattern(keys: Iterable[str], prefix: str) -> re.Pattern[str] | None:
    """One pattern for all ``keys``: each secret part in any form, after the prefix in any form;
    the prefix may be missing when the secret part is long enough to stand alone
    (:data:`BARE_SECRET_MIN`). Longest keys first, so a key that contains another goes whole.
    None when there are no keys."""
    alternatives: list[list[Position]] = []
    for key in sorted(set(keys), key=len, reverse=True):
        secret: list[Position] = [(c,) for c in (key[len(prefix) :] if key.startswith(prefix) else key)]
        alternatives.append(prefix_positions(prefix) + secret)
        if len(secret) >= BARE_SECRET_MIN:
            alternatives.append(secret)
    return anchored(alternatives) if alternatives else None
