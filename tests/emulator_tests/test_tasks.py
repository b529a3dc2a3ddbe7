"""Reading tasks: GET one, POST /v3/tasks/list with ``missed``, forgetting and retention, usage and balance."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.emulator import Emulator

from .helpers import CAT, RIG, T2M, Caller, error_of

LIST = "/v3/tasks/list"
WEEK = 7 * 24 * 3600.0


def _list(api: Caller, ids: Any) -> dict[str, Any]:
    response = api.post(LIST, json={"task_ids": ids})
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def test_get_ignores_step(api: Caller) -> None:
    task_id = api.create(T2M, CAT)
    with_step = api.get(f"/v3/tasks/{task_id}", params={"step": 1})
    assert with_step.status_code == 200
    assert set(with_step.json()["data"]) == set(api.task(task_id))


def test_list_reports_known_tasks_and_misses(emulator: Emulator, api: Caller) -> None:
    first, second = api.create(T2M, CAT), api.create(T2M, CAT)
    unknown = str(uuid.uuid4())
    data = _list(api, [first, unknown, second, "not-an-id", unknown])
    assert list(data["tasks"]) == [first, second]
    assert data["missed"] == [unknown, "not-an-id"]
    assert data["tasks"][first]["status"] == "success"
    assert set(data["tasks"][first]) == set(api.task(first))


def test_list_takes_up_to_100_ids(api: Caller) -> None:
    task_id = api.create(T2M, CAT)
    data = _list(api, [task_id] + [str(uuid.uuid4()) for _ in range(99)])
    assert list(data["tasks"]) == [task_id] and len(data["missed"]) == 99


@pytest.mark.parametrize(
    "body",
    [{"task_ids": []}, {"task_ids": ["x"] * 101}, {"task_ids": "abc"}, {"task_ids": [1, 2]}, {"ids": ["abc"]}, {}],
)
def test_list_validation_is_1004(api: Caller, body: dict[str, Any]) -> None:
    assert error_of(api.post(LIST, json=body)) == (400, 1004)


def test_list_needs_a_json_object(api: Caller) -> None:
    assert error_of(api.post(LIST, data=b'["abc"]', headers={"Content-Type": "application/json"})) == (400, 1003)


def test_forget_task(emulator: Emulator, api: Caller) -> None:
    kept, forgotten = api.create(T2M, CAT), api.create(T2M, CAT)
    emulator.forget_task(forgotten)
    assert error_of(api.get(f"/v3/tasks/{forgotten}")) == (404, 2001)
    listed = _list(api, [kept, forgotten])
    assert (list(listed["tasks"]), listed["missed"]) == ([kept], [forgotten])
    assert error_of(api.post(RIG, json={"input": forgotten})) == (404, 2001)
    assert list(emulator.tasks) == [kept]
    assert api.post(RIG, json={"input": kept}).status_code == 200


def test_tasks_older_than_the_retention_period_are_forgotten(timed: Emulator, timed_api: Caller) -> None:
    old = timed_api.create(T2M, CAT)
    timed.advance(WEEK - 31)
    recent = timed_api.create(T2M, CAT)
    timed.advance(30)  # old: a week minus one second
    assert timed_api.task(old)["status"] == "success"
    timed.advance(2)  # old: a week and a second
    assert error_of(timed_api.get(f"/v3/tasks/{old}")) == (404, 2001)
    assert _list(timed_api, [old, recent])["missed"] == [old]
    assert error_of(timed_api.post(RIG, json={"input": old})) == (404, 2001)
    assert timed_api.post(RIG, json={"input": recent}).status_code == 200
    assert old not in timed.tasks and recent in timed.tasks


def test_retention_is_configurable() -> None:
    with Emulator(task_retention=60) as emu:
        caller = Caller(emu)
        task_id = caller.create(T2M, CAT)
        emu.advance(61)
        assert error_of(caller.get(f"/v3/tasks/{task_id}")) == (404, 2001)
        emu.task_retention = 3600
        assert caller.task(task_id)["status"] == "success"
        caller.close()


def test_usage_lists_rows_newest_first(emulator: Emulator, api: Caller) -> None:
    emulator.set_outcome("failed")
    failed = api.create(T2M, CAT)
    model = api.create(T2M, CAT)
    rig = api.create(RIG, {"input": model})
    rows = api.get("/v3/account/usage").json()["data"]
    assert [(r["task_id"], r["type"], r["status"], r["credits_consumed"]) for r in rows] == [
        (rig, "animate_rig", "success", 25),
        (model, "text_to_model", "success", 20),
        (failed, "text_to_model", "failed", 0),
    ]
    assert all(set(r) == {"task_id", "type", "status", "created_at", "credits_consumed"} for r in rows)
    assert rows[0]["created_at"].endswith("Z")


def test_usage_shows_held_tasks_with_nothing_consumed_yet(timed: Emulator, timed_api: Caller) -> None:
    task_id = timed_api.create(T2M, CAT)
    (row,) = timed_api.get("/v3/account/usage").json()["data"]
    assert (row["task_id"], row["status"], row["credits_consumed"]) == (task_id, "queued", 0)


def test_usage_limit_and_offset(api: Caller) -> None:
    ids = [api.create(T2M, CAT) for _ in range(5)][::-1]
    page = api.get("/v3/account/usage", params={"limit": 2, "offset": 1}).json()["data"]
    assert [r["task_id"] for r in page] == ids[1:3]
    assert api.get("/v3/account/usage", params={"offset": 10}).json()["data"] == []
    assert len(api.get("/v3/account/usage", params={"limit": 200}).json()["data"]) == 5


def test_usage_default_limit_is_50(api: Caller) -> None:
    for _ in range(51):
        api.create(T2M, {**CAT, "texture": False, "pbr": False})
    assert len(api.get("/v3/account/usage").json()["data"]) == 50


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 201}, {"limit": "ten"}, {"offset": -1}, {"offset": "1.5"}])
def test_usage_validation_is_1004(api: Caller, params: dict[str, Any]) -> None:
    assert error_of(api.get("/v3/account/usage", params=params)) == (400, 1004)


def test_balance_is_decimal(emulator: Emulator) -> None:
    emulator.add_key("tsk_fraction", balance=123.45)
    caller = Caller(emulator, "tsk_fraction")
    try:
        assert caller.get("/v3/account/balance").json()["data"] == {"balance": 123.45, "frozen": 0.0}
    finally:
        caller.close()
