"""Keys: a server that echoes the key in use in *any* encoding — raw, URL-encoded, JSON ``\\u``
escapes of any of its characters, HTML entities, each with or without ``tsk_`` — gets none of its
secret part past :func:`redact`. The echoes are generated (seeded, so a failure reruns the same),
not listed: each family below makes hundreds of variants of random keys in random surroundings,
and the oracle decodes the redacted text with every decoder a reader could apply.
"""

from __future__ import annotations

import html
import json
import random
import re
import string
from collections.abc import Callable
from urllib.parse import quote, quote_plus, unquote

import pytest

from tripo_blender.client import config
from tripo_blender.client.config import redact, remember_secret

RELIABILITY_AREA = "Keys"

#: Characters of generated keys: what real keys use, plus the punctuation a key may legally hold.
_KEY_ALPHABET = string.ascii_letters + string.digits + "_-"
_ODD = ".~!*+=:@/\\\"'<>()[]{};,&%#$^|`?"
_NAMED = {
    c: [n for n, v in html.entities.html5.items() if v == c and n.endswith(";")] for c in map(chr, range(33, 127))
}
#: Where a server puts what it echoes: a JSON body, a query string, an HTML page, a log line.
_SURROUNDINGS = (
    '{{"detail": "invalid key {}", "code": 1002}}',
    "GET /v3/user?api_key={}&lang=en",
    "<p>Your key: <b>{}</b></p>",
    "auth failed for {} at 12:00",
    "{}",
)


def _key(rng: random.Random) -> str:
    length = rng.randint(24, 48)
    chars = [rng.choice(_KEY_ALPHABET) for _ in range(length)]
    if rng.random() < 0.3:  # now and then a key with punctuation in it
        for _ in range(rng.randint(1, 4)):
            chars[rng.randrange(length)] = rng.choice(_ODD)
    return "tsk_" + "".join(chars)


def _percent(rng: random.Random, c: str) -> str:
    return f"%{ord(c):02X}" if rng.random() < 0.5 else f"%{ord(c):02x}"


def _json_escape(rng: random.Random, c: str) -> str:
    short = {'"': '\\"', "\\": "\\\\", "/": "\\/"}
    if c in short and rng.random() < 0.5:
        return short[c]
    return f"\\u{ord(c):04x}" if rng.random() < 0.5 else f"\\u{ord(c):04X}"


def _entity(rng: random.Random, c: str) -> str:
    choice = rng.randrange(4)
    if choice == 0 and _NAMED.get(c):
        return "&" + rng.choice(_NAMED[c])
    if choice == 1:
        return f"&#{'0' * rng.randint(0, 3)}{ord(c)};"
    x = rng.choice("xX")
    return f"&#{x}{ord(c):x};" if rng.random() < 0.5 else f"&#{x}{ord(c):X};"


def _some(encode: Callable[[random.Random, str], str], share: float) -> Callable[[random.Random, str], str]:
    """Encode a random subset of the characters (each with probability ``share``) with ``encode``."""
    return lambda rng, text: "".join(encode(rng, c) if rng.random() < share else c for c in text)


def _url(rng: random.Random, text: str) -> str:
    way = rng.randrange(4)
    if way == 0:
        return quote(text)
    if way == 1:
        return quote_plus(text)
    if way == 2:
        encoded = quote(text, safe="")  # every character but letters, digits and _.-~
        return re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), encoded) if rng.random() < 0.5 else encoded
    return _some(_percent, rng.random())(rng, text)


def _json(rng: random.Random, text: str) -> str:
    if rng.random() < 0.2:  # what json.dumps does to a key with quotes or backslashes
        return json.dumps(text)[1:-1]
    return _some(_json_escape, rng.random())(rng, text)


def _html(rng: random.Random, text: str) -> str:
    if rng.random() < 0.2:
        return html.escape(text)
    return _some(_entity, rng.random())(rng, text)


def _mixed(rng: random.Random, text: str) -> str:
    encoders = (_percent, _json_escape, _entity)
    return "".join(rng.choice(encoders)(rng, c) if rng.random() < 0.6 else c for c in text)


FAMILIES: dict[str, Callable[[random.Random, str], str]] = {
    "raw": lambda rng, text: text,
    "URL-encoded (quote, quote_plus, any subset, upper or lower hex)": _url,
    "JSON \\u escapes of any subset of characters": _json,
    "HTML entities (named, decimal, hex)": _html,
    "all encodings mixed within one key": _mixed,
}


def _decoded(text: str) -> str:
    """What a reader could decode ``text`` to: every percent, JSON and HTML form undone."""
    text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
    text = re.sub(r'\\(["\\/])', r"\1", text)
    return html.unescape(unquote(text))


@pytest.fixture
def keys_in_use(monkeypatch: pytest.MonkeyPatch) -> None:
    """The keys this test remembers are forgotten afterwards (other tests scan for fewer)."""
    monkeypatch.setattr(config, "_KNOWN", config._KnownSecrets())


@pytest.mark.usefixtures("keys_in_use")
@pytest.mark.parametrize("family", list(FAMILIES))
def test_a_key_in_use_echoed_in_any_encoding_is_redacted(family: str) -> None:
    """A key in use, echoed with or without tsk_ (400 generated echoes each), is redacted whole"""
    rng = random.Random(family)
    keys = [_key(rng) for _ in range(6)]
    for key in keys:
        remember_secret(key)
    for _ in range(400):
        key = rng.choice(keys)
        secret = key[len("tsk_") :]
        echoed = FAMILIES[family](rng, key if rng.random() < 0.5 else secret)
        surroundings = rng.choice(_SURROUNDINGS)
        out = redact(surroundings.format(echoed))
        decoded = _decoded(out)
        leaked = [secret[i : i + 6] for i in range(len(secret) - 5) if secret[i : i + 6] in decoded]
        assert not leaked, f"{family}: {echoed!r} was redacted to {out!r}; still readable: {leaked[:3]}"
        for word in re.findall(r"[a-z]{4,}", surroundings):
            assert word in out, f"redaction ate the surrounding text {word!r}: {out!r}"


@pytest.mark.usefixtures("keys_in_use")
def test_an_unknown_key_with_an_encoded_prefix_is_redacted() -> None:
    """Keys not in use in this process are caught by their prefix, in any of its forms."""
    rng = random.Random("prefix")
    for _ in range(300):
        body = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(32))
        prefix = rng.choice(list(FAMILIES.values()))(rng, "tsk_")
        out = redact(f"echo {prefix}{body} end")
        assert body[:8] not in out and out.startswith("echo ") and out.endswith(" end"), out
