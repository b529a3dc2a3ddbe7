"""Transport-level behaviour: routing, envelope, trace ids, auth, per-key tasks, ports, recording, shutdown."""

from __future__ import annotations

import http.client
import socket
import uuid

import pytest
import requests

from tests.emulator import TEST_KEY, Emulator

from .helpers import CAT, RIG, T2M, Caller, error_of

OTHER_KEY = "tsk_other_key_11111111111111111111"


def test_success_envelope_and_trace_id(api: Caller) -> None:
    response = api.get("/v3/account/balance")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {"code": 0, "status": "success", "data": {"balance": 10_000.0, "frozen": 0.0}}
    uuid.UUID(response.headers["X-Tripo-Trace-ID"])


def test_every_api_answer_has_a_fresh_trace_id(emulator: Emulator) -> None:
    answers = [requests.get(emulator.base_url + "/v3/account/balance", timeout=5) for _ in range(2)]
    answers.append(requests.get(emulator.base_url + "/nope", timeout=5))
    ids = [a.headers["X-Tripo-Trace-ID"] for a in answers]
    assert len(set(ids)) == 3


def test_the_clients_trace_id_is_carried_through(api: Caller) -> None:
    sent = str(uuid.uuid4())
    assert api.get("/v3/account/balance", headers={"X-Tripo-Trace-ID": sent}).headers["X-Tripo-Trace-ID"] == sent


def test_error_envelope_has_status_request_id_and_suggestion(api: Caller) -> None:
    first, second = api.get(f"/v3/tasks/{uuid.uuid4()}"), api.get(f"/v3/tasks/{uuid.uuid4()}")
    assert error_of(first) == (404, 2001)
    assert first.json()["suggestion"]
    assert first.json()["request_id"] != second.json()["request_id"]


@pytest.mark.parametrize("header", [None, "", "Bearer", "Basic " + TEST_KEY, "Bearer tsk_unknown", TEST_KEY])
def test_bad_or_missing_auth_is_401_code_2(emulator: Emulator, header: str | None) -> None:
    headers = {} if header is None else {"Authorization": header}
    for method, path in (("GET", "/v3/account/balance"), ("POST", T2M), ("GET", f"/v3/tasks/{uuid.uuid4()}")):
        response = requests.request(method, emulator.base_url + path, headers=headers, json=CAT, timeout=5)
        assert error_of(response) == (401, 2)
    assert emulator.tasks == {}


@pytest.mark.parametrize(
    "path",
    [
        "/no/such/route",
        "/v3/",
        "/v3/generation/text-to-everything",
        "/v3/tasks/a/b",
        "/task",
        "/task/batch",
        "/upload",
        "/upload/sts/token",
        "/user/balance",
        "/v3/generation/text-to-model/extra",
    ],
)
def test_unknown_route_is_404_4001(api: Caller, path: str) -> None:
    assert error_of(api.post(path, json=CAT)) == (404, 4001)
    assert error_of(api.get(path)) == (404, 4001)


def test_unknown_route_is_404_even_without_a_key(emulator: Emulator) -> None:
    assert error_of(requests.get(emulator.base_url + "/user/balance", timeout=5)) == (404, 4001)


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("GET", T2M, "POST"),
        ("PUT", "/v3/files", "POST"),
        ("POST", "/v3/account/balance", "GET"),
        ("DELETE", f"/v3/tasks/{uuid.UUID(int=1)}", "GET"),
        ("GET", "/v3/tasks/list", "POST"),
        ("GET", "/v3/files/presign", "POST"),
    ],
)
def test_wrong_method_is_405_1003(api: Caller, method: str, path: str, allowed: str) -> None:
    response = api.session.request(method, api.emulator.base_url + path, timeout=10)
    assert error_of(response) == (405, 1003)
    assert response.headers["Allow"] == allowed


@pytest.mark.parametrize("raw", [b"{nope", b"[1, 2]", b"", b"\xff\xfe"])
def test_bad_json_is_400_1003(emulator: Emulator, api: Caller, raw: bytes) -> None:
    response = api.post(T2M, data=raw, headers={"Content-Type": "application/json"})
    assert error_of(response) == (400, 1003)
    assert emulator.tasks == {}


def test_tasks_are_private_to_their_key(emulator: Emulator, api: Caller) -> None:
    emulator.add_key(OTHER_KEY, balance=50)
    other = Caller(emulator, OTHER_KEY)
    try:
        task_id = api.create(T2M, CAT)
        assert error_of(other.get(f"/v3/tasks/{task_id}")) == (404, 2001)
        # nor may the other key build on it, or see it in a list
        assert error_of(other.post(RIG, json={"input": task_id})) == (404, 2001)
        assert other.post("/v3/tasks/list", json={"task_ids": [task_id]}).json()["data"] == {
            "tasks": {},
            "missed": [task_id],
        }
        assert other.get("/v3/account/balance").json()["data"] == {"balance": 50.0, "frozen": 0.0}
        assert other.get("/v3/account/usage").json()["data"] == []
        assert api.task(task_id)["task_id"] == task_id
        assert emulator.task_key(task_id) == TEST_KEY
    finally:
        other.close()


def test_unknown_task_is_404_2001(api: Caller) -> None:
    assert error_of(api.get(f"/v3/tasks/{uuid.uuid4()}")) == (404, 2001)
    assert error_of(api.get("/v3/tasks/not-even-a-uuid")) == (404, 2001)


def test_base_url_is_the_host_root_and_the_cdn_another_port(emulator: Emulator) -> None:
    assert emulator.base_url == f"http://127.0.0.1:{emulator.api_port}"
    assert emulator.cdn_base == f"http://127.0.0.1:{emulator.cdn_port}"
    assert emulator.api_port != emulator.cdn_port


def test_keep_alive_connection_serves_several_requests(emulator: Emulator) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", emulator.api_port, timeout=5)
    try:
        for _ in range(3):  # http.client raises if the server closed the connection in between
            conn.request("GET", "/v3/account/balance", headers={"Authorization": f"Bearer {TEST_KEY}"})
            response = conn.getresponse()
            assert response.status == 200
            assert int(response.headers["Content-Length"]) == len(response.read())
    finally:
        conn.close()
    assert len(emulator.requests) == 3


def test_requests_are_recorded_with_full_path_body_query_and_status(emulator: Emulator, api: Caller) -> None:
    api.post(T2M, json=CAT)
    api.post(T2M, data=b"{not json", headers={"Content-Type": "application/json"})
    api.get("/v3/account/usage", params={"limit": 5, "offset": 0})
    first, second = emulator.requests_to("POST", T2M)
    assert first.json == CAT and first.status == 200 and first.body == first.body.strip()
    assert first.headers["authorization"] == f"Bearer {TEST_KEY}"
    assert second.json is None and second.status == 400
    (usage,) = emulator.requests_to("GET", "/v3/account/usage")
    assert usage.query == {"limit": "5", "offset": "0"}
    assert len(emulator.requests_to("POST", "/v3/")) == 2  # a trailing slash matches as a prefix
    assert len(emulator.requests_to("POST", "/v3/generation/")) == 2
    assert emulator.requests_to("POST", "/v3/generation") == []  # without it: exact
    assert emulator.requests_to("get", "/v3/account/usage") == [usage]


def test_stop_closes_listening_sockets_and_open_connections() -> None:
    emu = Emulator().start()
    caller = Caller(emu)
    assert caller.get("/v3/account/balance").status_code == 200  # leaves a keep-alive connection open
    api_port, cdn_port = emu.api_port, emu.cdn_port
    emu.stop()
    for port in (api_port, cdn_port):
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
    with pytest.raises(requests.ConnectionError):
        caller.get("/v3/account/balance")
    caller.close()


def test_context_manager_and_restart_free_ports() -> None:
    with Emulator() as first, Emulator() as second:
        assert first.api_port != second.api_port
        assert (
            requests.get(
                second.base_url + "/v3/account/balance", headers={"Authorization": f"Bearer {TEST_KEY}"}, timeout=5
            ).status_code
            == 200
        )


def test_ports_are_unknown_before_start() -> None:
    with pytest.raises(RuntimeError):
        _ = Emulator().base_url
