"""Fault injection: error envelopes, HTML proxy pages, drops, delays, truncation, before/after processing."""

from __future__ import annotations

import http.client
import time
from urllib.parse import urlsplit

import pytest
import requests

from tests.emulator import Emulator

from .helpers import CAT, FOX, T2M, Caller, error_of


def test_error_envelope_fault_is_not_processed(emulator: Emulator, api: Caller) -> None:
    emulator.inject("POST /v3/generation/", status=429, code=2000, retry_after=7)
    response = api.post(T2M, json=CAT)
    assert error_of(response) == (429, 2000)
    assert response.headers["Retry-After"] == "7"
    assert "X-Tripo-Trace-ID" in response.headers
    assert emulator.tasks == {} and emulator.balance_of() == (10_000.0, 0.0)
    assert emulator.requests_to("POST", T2M)[0].status == 429
    assert api.post(T2M, json=CAT).status_code == 200  # times=1: consumed


def test_rate_limit_1007_with_retry_after(emulator: Emulator, api: Caller) -> None:
    emulator.inject("GET /v3/tasks/", status=429, code=1007, retry_after=3)
    task_id = api.create(T2M, CAT)
    response = api.get(f"/v3/tasks/{task_id}")
    assert error_of(response) == (429, 1007) and response.headers["Retry-After"] == "3"


def test_default_fault_is_500_1000_and_texts_can_be_overridden(emulator: Emulator, api: Caller) -> None:
    emulator.inject("GET /v3/account/balance")
    assert error_of(api.get("/v3/account/balance")) == (500, 1000)
    emulator.inject("GET /v3/account/balance", status=429, code=1007, message="slow down", suggestion="wait")
    body = api.get("/v3/account/balance").json()
    assert (body["code"], body["status"], body["message"], body["suggestion"]) == (1007, "error", "slow down", "wait")
    assert body["request_id"].startswith("req-")


def test_ok_status_with_nonzero_code(emulator: Emulator, api: Caller) -> None:
    emulator.inject("GET /v3/account/balance", status=200, code=2010)
    response = api.get("/v3/account/balance")
    assert error_of(response) == (200, 2010)


def test_non_json_proxy_page(emulator: Emulator, api: Caller) -> None:
    emulator.inject("POST /v3/generation/text-to-model", status=502, non_json=True)
    response = api.post(T2M, json=CAT)
    assert response.status_code == 502
    assert response.headers["Content-Type"] == "text/html"
    assert "<html>" in response.text and "502 Bad Gateway" in response.text
    assert "X-Tripo-Trace-ID" not in response.headers
    assert emulator.tasks == {}


def test_route_prefix_method_and_times(emulator: Emulator, api: Caller) -> None:
    emulator.inject("GET /v3/tasks/", times=2, status=503, code=1000)
    task_id = api.create(T2M, CAT)  # POST is not affected
    assert [api.get(f"/v3/tasks/{task_id}").status_code for _ in range(3)] == [503, 503, 200]
    emulator.inject("POST /v3/tasks/list", status=504, non_json=True)
    assert api.get(f"/v3/tasks/{task_id}").status_code == 200  # another route
    assert api.post("/v3/tasks/list", json={"task_ids": [task_id]}).status_code == 504


def test_uploads_can_be_spoiled(emulator: Emulator, api: Caller) -> None:
    emulator.inject("POST /v3/files", status=502, non_json=True)
    assert api.upload(FOX, "Fox.glb").status_code == 502
    assert api.upload(FOX, "Fox.glb").status_code == 200


def test_persistent_fault_until_cleared(emulator: Emulator, api: Caller) -> None:
    emulator.inject("GET /v3/account/balance", times=None, status=500, code=1001)
    assert [api.get("/v3/account/balance").status_code for _ in range(3)] == [500, 500, 500]
    emulator.clear_faults()
    assert api.get("/v3/account/balance").status_code == 200


def test_drop_before_processing(emulator: Emulator, api: Caller) -> None:
    emulator.inject("POST /v3/generation/", drop=True)
    with pytest.raises(requests.ConnectionError):
        api.post(T2M, json=CAT)
    assert emulator.tasks == {}
    assert emulator.requests_to("POST", T2M)[0].status == 0


def test_drop_after_processing_creates_and_bills_the_task(emulator: Emulator, api: Caller) -> None:
    emulator.inject("POST /v3/generation/", drop=True, after=True)
    with pytest.raises(requests.ConnectionError):
        api.post(T2M, json=CAT)
    (task,) = emulator.tasks.values()
    assert task["status"] == "success" and task["input"] == CAT
    assert emulator.balance_of() == (9_980.0, 0.0)
    assert emulator.requests_to("POST", T2M)[0].status == 0  # no answer ever left


def test_delay_after_processing_times_the_client_out(emulator: Emulator, api: Caller) -> None:
    emulator.inject("POST /v3/generation/", delay=5.0, after=True)
    with pytest.raises(requests.ReadTimeout):
        api.session.post(api.emulator.base_url + T2M, json=CAT, timeout=0.3)
    (task,) = emulator.tasks.values()
    assert task["status"] == "success"
    assert emulator.requests_to("POST", T2M)[0].status == 200  # answered late, after the client gave up


def test_delay_before_an_error_answer(emulator: Emulator, api: Caller) -> None:
    emulator.inject("GET /v3/account/balance", delay=0.2, status=504, non_json=True)
    started = time.monotonic()
    response = api.get("/v3/account/balance")
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
    url = api.finished(T2M, CAT)["output"]["model_url"]
    emulator.inject("CDN", truncate=True)
    status, length, body = _raw_get(url)
    assert status == 200 and len(body) == length // 2 and body[:4] == b"glTF"
    status, length, body = _raw_get(url)
    assert len(body) == length  # consumed


def test_cdn_error_and_drop(emulator: Emulator, api: Caller) -> None:
    url = api.finished(T2M, CAT)["output"]["model_url"]
    emulator.inject("CDN", status=503, non_json=True)
    emulator.inject("CDN", drop=True)
    assert api.download(url).status_code == 503
    with pytest.raises(requests.ConnectionError):
        api.download(url)
    assert api.download(url).status_code == 200
    assert [r.status for r in emulator.cdn_requests] == [503, 0, 200]


def test_cdn_faults_hit_presigned_puts_too(emulator: Emulator, api: Caller) -> None:
    slot = api.presign("glb")
    emulator.inject("CDN", status=503, non_json=True)
    assert requests.put(slot["presigned_url"], data=FOX, timeout=10).status_code == 503
    with pytest.raises(KeyError):
        emulator.uploaded(slot["file_token"])  # not processed
    emulator.inject("CDN", drop=True, after=True)
    with pytest.raises(requests.ConnectionError):
        requests.put(slot["presigned_url"], data=FOX, timeout=10)
    assert emulator.uploaded(slot["file_token"]) == FOX  # processed, then the answer was lost


def test_api_truncation_of_a_processed_answer(emulator: Emulator, api: Caller) -> None:
    emulator.inject("POST /v3/generation/text-to-model", truncate=True)
    with pytest.raises(requests.RequestException):
        api.post(T2M, json=CAT)
    assert len(emulator.tasks) == 1  # truncation implies the request was processed


def test_bad_route_spec_is_refused(emulator: Emulator) -> None:
    with pytest.raises(ValueError):
        emulator.inject("task", status=500)
    with pytest.raises(ValueError):
        emulator.inject("POST /v3/generation/", times=0)
