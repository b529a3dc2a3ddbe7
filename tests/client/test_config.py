"""API key checks, base URL selection and key redaction (errors and logs)."""

from __future__ import annotations

import logging

import pytest

from tripo_blender.client import CHINA_BASE_URL, GLOBAL_BASE_URL, TripoAPIError, TripoClient, TripoRequestError
from tripo_blender.client.config import get_logger, migrate_base_url, redact, resolve_api_key, resolve_base_url

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
    assert resolve_base_url(None) == GLOBAL_BASE_URL == "https://openapi.tripo3d.ai"
    assert resolve_base_url(None, "china") == CHINA_BASE_URL == "https://openapi.tripo3d.com"
    assert resolve_base_url(None, "China") == CHINA_BASE_URL
    monkeypatch.setenv("TRIPO_API_BASE_URL", "https://proxy.example/tripo/")
    assert resolve_base_url(None, "china") == "https://proxy.example/tripo"
    assert resolve_base_url("http://127.0.0.1:8080", "china") == "http://127.0.0.1:8080"
    with pytest.raises(ValueError, match="Unknown region"):
        resolve_base_url(None, "mars", environ={})


@pytest.mark.parametrize(
    ("saved", "migrated"),
    [
        ("https://api.tripo3d.ai/v2/openapi", "https://openapi.tripo3d.ai"),
        ("https://api.tripo3d.com/v2/openapi/", "https://openapi.tripo3d.com"),
        ("http://127.0.0.1:8123/v2/openapi", "http://127.0.0.1:8123"),
        ("https://api.tripo3d.ai", "https://openapi.tripo3d.ai"),
        ("https://proxy.example/tripo/v2/openapi", "https://proxy.example/tripo"),
        ("https://openapi.tripo3d.ai/v3", "https://openapi.tripo3d.ai"),
        # saved in upper case (hosts are case-insensitive): migrated, not kept on the retired host
        ("HTTPS://API.TRIPO3D.AI/v2/openapi", "https://openapi.tripo3d.ai"),
        ("https://Api.Tripo3D.com/V2/OpenAPI/", "https://openapi.tripo3d.com"),
    ],
)
def test_v2_era_base_urls_are_migrated_with_one_warning(
    saved: str, migrated: str, caplog: pytest.LogCaptureFixture
) -> None:
    assert migrate_base_url(saved) == migrated
    with caplog.at_level(logging.WARNING, logger="tripo_blender.client"):
        assert resolve_base_url(saved) == migrated
    assert [r.getMessage() for r in caplog.records] == [
        f"Tripo base URL {saved} is for the retired v2 API; using {migrated} (apiv3)"
    ]


def test_current_base_urls_are_kept_as_they_are(caplog: pytest.LogCaptureFixture) -> None:
    for url in ("https://openapi.tripo3d.ai", "http://127.0.0.1:8123", "https://proxy.example/tripo"):
        assert migrate_base_url(url) == url
        assert resolve_base_url(url) == url
    assert not caplog.records


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://api.example.com", "unencrypted"),
        ("ftp://api.example.com", "http\\(s\\) URL"),
        ("openapi.tripo3d.ai", "http\\(s\\) URL"),
        ("https://api.example.com/x?x=1", "query string"),
    ],
)
def test_bad_base_urls(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        resolve_base_url(url)


def test_loopback_http_allowed() -> None:
    for url in ("http://localhost:1", "http://[::1]:1", "http://127.0.0.2:5/x"):
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
    client = TripoClient(api_key=GOOD, base_url="http://127.0.0.1:9")
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
    err = TripoAPIError(2, f"bad key {GOOD}", f"check {GOOD}", status_code=401, trace_id="t-1", request_id="req-9")
    assert GOOD not in str(err) and GOOD not in err.message and GOOD not in (err.suggestion or "")
    assert str(err) == "[2] bad key tsk_*** Suggestion: check tsk_*** (HTTP 401, request id req-9, trace id t-1)"
    assert err.auth_failed and not err.retryable
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
