"""Transport-level behaviour: routing, envelope, trace ids, auth, per-key tasks, ports, shutdown."""

from __future__ import annotations

import http.client
import socket
import uuid

import pytest
import requests

from tests.emulator import TEST_KEY, Emulator

from .helpers import Caller, error_of

OTHER_KEY = "tsk_other_key_11111111111111111111"


def test_success_envelope_and_trace_id(api: Caller) -> None:
    response = api.get("/user/balance")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {"code": 0, "data": {"balance": 10_000.0, "frozen": 0.0}}
    uuid.UUID(response.headers["X-Tripo-Trace-ID"])


def test_every_api_answer_has_a_fresh_trace_id(emulator: Emulator) -> None:
    answers = [requests.get(emulator.base_url + "/user/balance", timeout=5) for _ in range(2)]
    auth = {"Authorization": f"Bearer {TEST_KEY}"}
    answers.append(requests.get(emulator.base_url + "/nope", headers=auth, timeout=5))
    ids = [a.headers["X-Tripo-Trace-ID"] for a in answers]
    assert len(set(ids)) == 3


@pytest.mark.parametrize("header", [None, "", "Bearer", "Basic " + TEST_KEY, "Bearer tsk_unknown", TEST_KEY])
def test_bad_or_missing_auth_is_401_1002(emulator: Emulator, header: str | None) -> None:
    headers = {} if header is None else {"Authorization": header}
    response = requests.get(emulator.base_url + "/user/balance", headers=headers, timeout=5)
    assert error_of(response) == (401, 1002)


def test_unknown_route_is_9404(api: Caller) -> None:
    assert error_of(api.get("/no/such/route")) == (404, 9404)
    assert error_of(api.post("/user/balance")) == (404, 9404)


def test_tasks_are_private_to_their_key(emulator: Emulator, api: Caller) -> None:
    emulator.add_key(OTHER_KEY, balance=50)
    other = Caller(emulator, OTHER_KEY)
    try:
        task_id = api.create({"type": "text_to_model", "prompt": "a cat"})
        assert error_of(other.get(f"/task/{task_id}")) == (404, 2001)
        # nor may the other key build on it
        rig = {"type": "animate_rig", "original_model_task_id": task_id}
        assert error_of(other.post("/task", json=rig)) == (404, 2001)
        assert other.get("/user/balance").json()["data"] == {"balance": 50.0, "frozen": 0.0}
        assert api.task(task_id)["task_id"] == task_id
    finally:
        other.close()


def test_unknown_task_is_404_2001(api: Caller) -> None:
    assert error_of(api.get(f"/task/{uuid.uuid4()}")) == (404, 2001)


def test_api_and_cdn_listen_on_different_local_ports(emulator: Emulator) -> None:
    assert emulator.base_url.startswith("http://127.0.0.1:") and emulator.base_url.endswith("/v2/openapi")
    assert emulator.cdn_base.startswith("http://127.0.0.1:")
    assert emulator.api_port != emulator.cdn_port


def test_keep_alive_connection_serves_several_requests(emulator: Emulator) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", emulator.api_port, timeout=5)
    try:
        for _ in range(3):  # http.client raises if the server closed the connection in between
            conn.request("GET", "/v2/openapi/user/balance", headers={"Authorization": f"Bearer {TEST_KEY}"})
            response = conn.getresponse()
            assert response.status == 200
            assert int(response.headers["Content-Length"]) == len(response.read())
    finally:
        conn.close()
    assert len(emulator.requests) == 3


def test_requests_are_recorded_with_body_and_status(emulator: Emulator, api: Caller) -> None:
    api.post("/task", json={"type": "text_to_model", "prompt": "a cat"})
    api.post("/task", data=b"{not json", headers={"Content-Type": "application/json"})
    first, second = emulator.requests_to("POST", "/task")
    assert first.json == {"type": "text_to_model", "prompt": "a cat"} and first.status == 200
    assert first.headers["authorization"] == f"Bearer {TEST_KEY}"
    assert second.json is None and second.status == 400
    assert len(emulator.requests_to("GET", "/task/")) == 0


def test_stop_closes_listening_sockets_and_open_connections() -> None:
    emu = Emulator().start()
    caller = Caller(emu)
    assert caller.get("/user/balance").status_code == 200  # leaves a keep-alive connection open
    api_port, cdn_port = emu.api_port, emu.cdn_port
    emu.stop()
    for port in (api_port, cdn_port):
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
    with pytest.raises(requests.ConnectionError):
        caller.get("/user/balance")
    caller.close()


def test_context_manager_and_restart_free_ports() -> None:
    with Emulator() as first, Emulator() as second:
        assert first.api_port != second.api_port
        assert requests.get(second.base_url + "/user/balance", headers={"Authorization": f"Bearer {TEST_KEY}"},
                            timeout=5).status_code == 200
