"""API key checks, base URL selection and key redaction (errors and logs)."""

from __future__ import annotations

import logging

import pytest

from tripo_blender.client import CHINA_BASE_URL, GLOBAL_BASE_URL, TripoAPIError, TripoClient, TripoRequestError
from tripo_blender.client.config import get_logger, redact, resolve_api_key, resolve_base_url

GOOD = "tsk_AbCdEf0123456789_secret"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRIPO_API_KEY", raising=False)
    monkeypatch.delenv("TRIPO_API_BASE_URL", raising=False)


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (None, "No Tripo API key"),
        ("", "No Tripo API key"),
        ("sk_live_0123456789", "must start with 'tsk_'"),
        ("tcli_0123456789abcdef", "account id, not a key"),
        ("tsk_abc def", "contains whitespace"),
        ("tsk_abcdef\n", "contains whitespace"),
        (" tsk_abcdef", "contains whitespace"),
        ("tsk_ab\x07c", "cannot be part of a key"),
        ("tsk_ключ", "cannot be part of a key"),
        ("tsk_", "incomplete"),
    ],
)
def test_bad_keys_are_rejected_without_echoing_them(key: str | None, message: str) -> None:
    with pytest.raises(ValueError, match=message) as info:
        TripoClient(api_key=key)
    if key and len(key.strip()) > 4:
        assert key.strip() not in str(info.value)
        assert key.strip()[4:] not in str(info.value)


def test_key_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRIPO_API_KEY", GOOD)
    assert resolve_api_key(None) == GOOD
    assert resolve_api_key("tsk_explicit") == "tsk_explicit"  # the argument wins
    monkeypatch.setenv("TRIPO_API_KEY", "tsk_bad key")
    with pytest.raises(ValueError, match="whitespace"):
        TripoClient()


def test_base_url_precedence(monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_base_url(None) == GLOBAL_BASE_URL == "https://api.tripo3d.ai/v2/openapi"
    assert resolve_base_url(None, "china") == CHINA_BASE_URL == "https://api.tripo3d.com/v2/openapi"
    assert resolve_base_url(None, "China") == CHINA_BASE_URL
    monkeypatch.setenv("TRIPO_API_BASE_URL", "https://proxy.example/v2/openapi/")
    assert resolve_base_url(None, "china") == "https://proxy.example/v2/openapi"
    assert resolve_base_url("http://127.0.0.1:8080/v2/openapi", "china") == "http://127.0.0.1:8080/v2/openapi"
    with pytest.raises(ValueError, match="Unknown region"):
        resolve_base_url(None, "mars", environ={})


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://api.example.com/v2/openapi", "unencrypted"),
        ("ftp://api.example.com", "http\\(s\\) URL"),
        ("api.tripo3d.ai/v2/openapi", "http\\(s\\) URL"),
        ("https://api.example.com/v2?x=1", "query string"),
    ],
)
def test_bad_base_urls(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        resolve_base_url(url)


def test_loopback_http_allowed() -> None:
    for url in ("http://localhost:1/v2/openapi", "http://[::1]:1/v2/openapi", "http://127.0.0.2:5/x"):
        assert resolve_base_url(url) == url


def test_client_picks_region_url_and_keeps_tls_verification() -> None:
    import requests

    with TripoClient(api_key=GOOD, region="china") as c:
        assert c.base_url == CHINA_BASE_URL
    insecure = requests.Session()
    insecure.verify = False
    with pytest.raises(ValueError, match="TLS verification disabled"):
        TripoClient(api_key=GOOD, session=insecure)
    insecure.close()


def test_client_repr_and_attributes_do_not_expose_key() -> None:
    client = TripoClient(api_key=GOOD, base_url="http://127.0.0.1:9/v2/openapi")
    try:
        assert GOOD not in repr(client)
        assert GOOD not in repr(vars(client))
        assert GOOD not in repr(vars(client._transport))
        assert "Authorization" not in client._transport.session.headers
    finally:
        client.close()


def test_redact() -> None:
    assert redact(f"key={GOOD}&x=1") == "key=tsk_***&x=1"
    assert redact(f'{{"Authorization": "Bearer {GOOD}"}}') == '{"Authorization": "Bearer ***"}'
    assert redact("bearer abc.def") == "bearer ***"
    assert redact("nothing secret here") == "nothing secret here"


def test_errors_redact_keys_echoed_by_a_server() -> None:
    err = TripoAPIError(1002, f"bad key {GOOD}", f"check {GOOD}", status_code=401, trace_id="t-1")
    assert GOOD not in str(err) and GOOD not in err.message and GOOD not in (err.suggestion or "")
    assert str(err) == "[1002] bad key tsk_*** Suggestion: check tsk_*** (HTTP 401, trace id t-1)"
    req = TripoRequestError(502, f"<html>{GOOD}</html>", trace_id="t-2")
    assert str(req) == "HTTP 502: <html>tsk_***</html> (trace id t-2)"


def test_log_records_are_redacted(caplog: pytest.LogCaptureFixture) -> None:
    logger = get_logger()
    with caplog.at_level(logging.DEBUG, logger="tripo_blender.client"):
        logger.warning("sending %s with %s", f"Bearer {GOOD}", {"key": GOOD})
    assert caplog.records, "nothing logged"
    text = caplog.text
    assert GOOD not in text
    assert "Bearer ***" in text and "tsk_***" in text
