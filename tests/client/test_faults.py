"""Transport behaviour under failure, against the emulator's fault injection.

Back-off sleeps go to a recorder (``sleeps``) instead of the clock, so these tests check the
*requested* delays (Retry-After honoured, capped back-off) without waiting for them.
"""

from __future__ import annotations

import socket
import threading
import time
import uuid
from pathlib import Path

import pytest

from tests.emulator import TEST_KEY, Emulator
from tripo_blender.client import TripoAPIError, TripoClient, TripoRequestError

from .conftest import SleepRecorder


def _closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return int(port)


# --------------------------------------------------------------------------- retries that must happen


def test_retry_after_is_honoured_on_get(client: TripoClient, emulator: Emulator, sleeps: SleepRecorder) -> None:
    task_id = client.text_to_model("a cup")
    emulator.inject("GET /v3/tasks/", status=429, code=1007, retry_after=3)
    assert client.get_task(task_id).task_id == task_id
    assert sleeps == [3.0]
    assert [r.status for r in emulator.requests_to("GET", "/v3/tasks/")] == [429, 200]


def test_retry_after_is_capped(emulator: Emulator, sleeps: SleepRecorder) -> None:
    emulator.inject("GET /v3/account/balance", status=429, code=1007, retry_after=3600)
    with TripoClient(api_key=TEST_KEY, base_url=emulator.base_url, sleep=sleeps) as c:
        c.get_balance()
    assert sleeps == [60.0]


def test_post_task_refused_with_429_2000_is_resent_after_retry_after(
    client: TripoClient, emulator: Emulator, sleeps: SleepRecorder
) -> None:
    emulator.inject("POST /v3/generation/text-to-model", status=429, code=2000, retry_after=2)
    task_id = client.text_to_model("a cup")
    assert sleeps == [2.0]
    assert [r.status for r in emulator.requests_to("POST", "/v3/generation/text-to-model")] == [429, 200]
    assert list(emulator.tasks) == [task_id]


def test_5xx_on_get_is_retried_with_capped_jittered_backoff(
    client: TripoClient, emulator: Emulator, sleeps: SleepRecorder
) -> None:
    emulator.inject("GET /v3/account/balance", times=3, status=503, code=1000)
    assert client.get_balance().balance == 10_000.0
    assert len(emulator.requests_to("GET", "/v3/account/balance")) == 4
    # equal jitter: attempt n waits between half and all of min(8, 0.5 * 2**n)
    for n, slept in enumerate(sleeps):
        ceiling = min(8.0, 0.5 * 2**n)
        assert ceiling / 2 <= slept <= ceiling
    assert len(sleeps) == 3


def test_dropped_connection_on_get_is_retried(client: TripoClient, emulator: Emulator) -> None:
    task_id = client.text_to_model("a cup")
    emulator.inject("GET /v3/tasks/", drop=True)
    assert client.get_task(task_id).task_id == task_id
    assert [r.status for r in emulator.requests_to("GET", "/v3/tasks/")] == [0, 200]


def test_upload_is_retried_on_5xx(client: TripoClient, emulator: Emulator, png_file: Path) -> None:
    emulator.inject("POST /v3/files", status=502, non_json=True)
    token = client.upload_file(str(png_file))
    assert token.startswith("file_") and emulator.uploaded(token) == png_file.read_bytes()
    uploads = emulator.requests_to("POST", "/v3/files")
    assert [u.status for u in uploads] == [502, 200]
    assert uploads[0].files["file"].data == uploads[1].files["file"].data == png_file.read_bytes()


def test_post_task_retried_when_connection_never_established(sleeps: SleepRecorder) -> None:
    with TripoClient(
        api_key=TEST_KEY, base_url=f"http://127.0.0.1:{_closed_port()}", sleep=sleeps, max_retries=2, connect_timeout=2
    ) as c:
        with pytest.raises(TripoRequestError) as info:
            c.text_to_model("a cup")
    assert info.value.status_code == 0 and not info.value.may_have_reached_server
    assert "could not connect" in str(info.value)
    assert len(sleeps) == 2  # both retries were attempted: nothing could have reached a server


# --------------------------------------------------------------------------- a creation POST is never resent blindly


def test_read_timeout_on_post_task_does_not_create_a_second_task(emulator: Emulator, sleeps: SleepRecorder) -> None:
    emulator.inject("POST /v3/generation/text-to-model", after=True, delay=3.0)
    with TripoClient(api_key=TEST_KEY, base_url=emulator.base_url, sleep=sleeps, read_timeout=0.3) as c:
        started = time.monotonic()
        with pytest.raises(TripoRequestError) as info:
            c.text_to_model("a cup")
        assert time.monotonic() - started < 2.0
    assert info.value.may_have_reached_server
    assert "read timeout" in str(info.value)
    assert len(emulator.tasks) == 1
    assert len(emulator.requests_to("POST", "/v3/generation/text-to-model")) == 1
    assert sleeps == []


@pytest.mark.parametrize("after", [True, False])
def test_dropped_connection_after_sending_post_is_not_resent(
    client: TripoClient, emulator: Emulator, after: bool
) -> None:
    emulator.inject("POST /v3/generation/text-to-model", drop=True, after=after)
    with pytest.raises(TripoRequestError) as info:
        client.text_to_model("a cup")
    assert info.value.may_have_reached_server
    assert len(emulator.requests_to("POST", "/v3/generation/text-to-model")) == 1
    assert len(emulator.tasks) == (1 if after else 0)


def test_5xx_on_post_task_is_not_resent(client: TripoClient, emulator: Emulator, sleeps: SleepRecorder) -> None:
    emulator.inject("POST /v3/generation/text-to-model", status=500, code=1000)
    with pytest.raises(TripoAPIError) as info:
        client.text_to_model("a cup")
    assert (info.value.code, info.value.status_code) == (1000, 500)
    assert len(emulator.requests_to("POST", "/v3/generation/text-to-model")) == 1 and sleeps == []


def test_html_502_on_post_task_is_typed_and_not_resent(client: TripoClient, emulator: Emulator) -> None:
    emulator.inject("POST /v3/generation/text-to-model", status=502, non_json=True)
    with pytest.raises(TripoRequestError) as info:
        client.text_to_model("a cup")
    err = info.value
    assert err.status_code == 502 and err.may_have_reached_server
    assert "non-Tripo response (text/html" in err.message and "Bad Gateway" in err.message
    assert len(emulator.requests_to("POST", "/v3/generation/text-to-model")) == 1


# --------------------------------------------------------------------------- typed API errors


def test_wrong_key_is_http_401(emulator: Emulator) -> None:
    with TripoClient(api_key="tsk_not_known_to_the_server", base_url=emulator.base_url) as c:
        with pytest.raises(TripoAPIError) as info:
            c.get_balance()
    err = info.value
    assert (err.code, err.status_code) == (2, 401) and err.auth_failed
    assert err.message == "Authentication failed" and err.suggestion == "Check your API key and the region of the host"
    assert err.trace_id and uuid.UUID(err.trace_id)
    assert "tsk_not_known" not in str(err)
    assert len(emulator.requests) == 1  # auth errors are not retried


def test_2001_task_not_found(client: TripoClient, emulator: Emulator) -> None:
    with pytest.raises(TripoAPIError) as info:
        client.get_task(str(uuid.uuid4()))
    assert (info.value.code, info.value.status_code) == (2001, 404)
    assert info.value.suggestion and uuid.UUID(info.value.trace_id or "")
    assert len(emulator.requests) == 1


def test_2010_not_enough_credit(emulator: Emulator) -> None:
    emulator.add_key("tsk_poor_key_0000", balance=0)
    with TripoClient(api_key="tsk_poor_key_0000", base_url=emulator.base_url) as c:
        with pytest.raises(TripoAPIError) as info:
            c.text_to_model("a cup")
    err = info.value
    assert (err.code, err.status_code, err.suggestion) == (2010, 403, "Top up your credits")
    assert str(err).startswith("[2010] You don't have enough credit") and f"trace id {err.trace_id}" in str(err)
    assert emulator.tasks == {}


def test_code_nonzero_with_http_200(client: TripoClient, emulator: Emulator) -> None:
    emulator.inject(
        "GET /v3/account/balance", status=200, code=1004, message="A parameter is invalid", suggestion="Fix it"
    )
    with pytest.raises(TripoAPIError) as info:
        client.get_balance()
    assert (info.value.code, info.value.status_code, info.value.suggestion) == (1004, 200, "Fix it")
    assert len(emulator.requests) == 1


def test_persistent_html_502_on_get_gives_up_with_typed_error(emulator: Emulator, sleeps: SleepRecorder) -> None:
    emulator.inject("GET /v3/account/balance", times=None, status=502, non_json=True)
    with TripoClient(api_key=TEST_KEY, base_url=emulator.base_url, sleep=sleeps, max_retries=2) as c:
        with pytest.raises(TripoRequestError) as info:
            c.get_balance()
    assert info.value.status_code == 502 and "Bad Gateway" in str(info.value)
    assert len(emulator.requests) == 3 and len(sleeps) == 2


# --------------------------------------------------------------------------- concurrency


def test_one_client_shared_by_threads(client: TripoClient, emulator: Emulator) -> None:
    results: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(i: int) -> None:
        try:
            task_id = client.text_to_model(f"thing number {i}")
            task = client.get_task(task_id)
            client.get_balance()
            with lock:
                results.append(task.task_id)
        except BaseException as exc:  # noqa: BLE001 - reported below
            with lock:
                errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert sorted(results) == sorted(emulator.tasks)
    assert len(set(results)) == 8


def test_closed_client_refuses_calls(emulator: Emulator) -> None:
    c = TripoClient(api_key=TEST_KEY, base_url=emulator.base_url)
    c.close()
    c.close()  # idempotent
    with pytest.raises(RuntimeError, match="closed"):
        c.get_balance()
    assert emulator.requests == []
