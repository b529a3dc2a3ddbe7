"""Fault injection: error envelopes, HTML proxy pages, drops, delays, truncation, before/after processing."""

from __future__ import annotations

import http.client
import time
from urllib.parse import urlsplit

import pytest
import requests

from tests.emulator import Emulator

from .helpers import Caller, error_of

CAT = {"type": "text_to_model", "prompt": "a cat"}


def test_error_envelope_fault_is_not_processed(emulator: Emulator, api: Caller) -> None:
    emulator.inject("POST /task", status=429, code=2000, retry_after=7)
    response = api.post("/task", json=CAT)
    assert error_of(response) == (429, 2000)
    assert response.headers["Retry-After"] == "7"
    assert "X-Tripo-Trace-ID" in response.headers
    assert emulator.tasks == {} and emulator.balance_of() == (10_000.0, 0.0)
    assert emulator.requests_to("POST", "/task")[0].status == 429
    assert api.post("/task", json=CAT).status_code == 200  # times=1: consumed


def test_default_fault_is_500_1000_and_texts_can_be_overridden(emulator: Emulator, api: Caller) -> None:
    emulator.inject("GET /user/balance")
    assert error_of(api.get("/user/balance")) == (500, 1000)
    emulator.inject("GET /user/balance", status=429, code=1007, message="slow down", suggestion="wait")
    assert api.get("/user/balance").json() == {"code": 1007, "message": "slow down", "suggestion": "wait"}


def test_ok_status_with_nonzero_code(emulator: Emulator, api: Caller) -> None:
    emulator.inject("GET /task/", status=200, code=1001)
    task_id = api.create(CAT)
    response = api.get(f"/task/{task_id}")
    assert response.status_code == 200 and response.json()["code"] == 1001


def test_non_json_proxy_page(emulator: Emulator, api: Caller) -> None:
    emulator.inject("POST /task", status=502, non_json=True)
    response = api.post("/task", json=CAT)
    assert response.status_code == 502
    assert response.headers["Content-Type"] == "text/html"
    assert "<html>" in response.text and "502 Bad Gateway" in response.text
    assert "X-Tripo-Trace-ID" not in response.headers
    assert emulator.tasks == {}


def test_route_prefix_and_times(emulator: Emulator, api: Caller) -> None:
    emulator.inject("GET /task/", times=2, status=503, code=1000)
    task_id = api.create(CAT)  # POST is not affected
    assert [api.get(f"/task/{task_id}").status_code for _ in range(3)] == [503, 503, 200]


def test_persistent_fault_until_cleared(emulator: Emulator, api: Caller) -> None:
    emulator.inject("GET /user/balance", times=None, status=500, code=1001)
    assert [api.get("/user/balance").status_code for _ in range(3)] == [500, 500, 500]
    emulator.clear_faults()
    assert api.get("/user/balance").status_code == 200


def test_drop_before_processing(emulator: Emulator, api: Caller) -> None:
    emulator.inject("POST /task", drop=True)
    with pytest.raises(requests.ConnectionError):
        api.post("/task", json=CAT)
    assert emulator.tasks == {}
    assert emulator.requests_to("POST", "/task")[0].status == 0


def test_drop_after_processing_creates_and_bills_the_task(emulator: Emulator, api: Caller) -> None:
    emulator.inject("POST /task", drop=True, after=True)
    with pytest.raises(requests.ConnectionError):
        api.post("/task", json=CAT)
    assert len(emulator.tasks) == 1
    assert emulator.balance_of() == (9_980.0, 0.0)


def test_delay_after_processing_times_the_client_out(emulator: Emulator, api: Caller) -> None:
    emulator.inject("POST /task", delay=5.0, after=True)
    with pytest.raises(requests.ReadTimeout):
        api.session.post(api.emulator.base_url + "/task", json=CAT, timeout=0.3)
    (task,) = emulator.tasks.values()
    assert task["status"] == "success"
    assert emulator.requests_to("POST", "/task")[0].status == 200  # answered late, after the client gave up


def test_delay_before_an_error_answer(emulator: Emulator, api: Caller) -> None:
    emulator.inject("GET /user/balance", delay=0.2, status=504, non_json=True)
    started = time.monotonic()
    response = api.get("/user/balance")
    assert time.monotonic() - started >= 0.2
    assert response.status_code == 504 and "Gateway" in response.text


def _raw_get(url: str) -> tuple[int, int, bytes]:
    """GET with http.client so a short body is visible: (status, Content-Length, bytes received)."""
    split = urlsplit(url)
    conn = http.client.HTTPConnection(split.hostname or "127.0.0.1", split.port, timeout=5)
    try:
        conn.request("GET", f"{split.path}?{split.query}")
        response = conn.getresponse()
        length = int(response.headers["Content-Length"])
        try:
            body = response.read()
        except http.client.IncompleteRead as exc:
            body = exc.partial
        return response.status, length, body
    finally:
        conn.close()


def test_cdn_truncation(emulator: Emulator, api: Caller) -> None:
    url = api.finished(CAT)["output"]["pbr_model"]
    emulator.inject("CDN", truncate=True)
    status, length, body = _raw_get(url)
    assert status == 200 and len(body) == length // 2 and body[:4] == b"glTF"
    status, length, body = _raw_get(url)
    assert len(body) == length  # consumed


def test_cdn_error_and_drop(emulator: Emulator, api: Caller) -> None:
    url = api.finished(CAT)["output"]["pbr_model"]
    emulator.inject("CDN", status=503, non_json=True)
    emulator.inject("CDN", drop=True)
    assert api.download(url).status_code == 503
    with pytest.raises(requests.ConnectionError):
        api.download(url)
    assert api.download(url).status_code == 200
    assert [r.status for r in emulator.cdn_requests] == [503, 0, 200]


def test_api_truncation_of_a_processed_answer(emulator: Emulator, api: Caller) -> None:
    emulator.inject("POST /task", truncate=True)
    with pytest.raises(requests.RequestException):
        api.post("/task", json=CAT)
    assert len(emulator.tasks) == 1  # truncation implies the request was processed


def test_bad_route_spec_is_refused(emulator: Emulator) -> None:
    with pytest.raises(ValueError):
        emulator.inject("task", status=500)
    with pytest.raises(ValueError):
        emulator.inject("POST /task", times=0)
