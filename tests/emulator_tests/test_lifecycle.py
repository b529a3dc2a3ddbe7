"""Task state machine on a frozen clock, the eta switch, outcomes, credits held/settled/refunded, concurrency."""

from __future__ import annotations

import pytest

from tests.emulator import Emulator

from .conftest import FIXED_EPOCH
from .helpers import CAT, T2M, Caller, error_of

BASE_FIELDS = {"task_id", "type", "status", "progress", "input", "output", "created_at"}
ETA_FIELDS = {"running_left_time", "queuing_num"}
CREATED_AT = "2025-06-15T15:06:40Z"  # FIXED_EPOCH in ISO 8601


def test_queued_then_running_then_success(timed: Emulator, timed_api: Caller) -> None:
    task_id = timed_api.create(T2M, CAT)
    queued = timed_api.task(task_id)
    assert set(queued) == BASE_FIELDS  # apiv3: no eta fields, nothing terminal yet
    assert (queued["type"], queued["status"], queued["progress"], queued["output"]) == (
        "text_to_model",
        "queued",
        0,
        {},
    )
    assert queued["created_at"] == CREATED_AT and queued["input"] == CAT

    timed.advance(10)  # queue over, running starts
    samples = []
    for _ in range(4):
        timed.advance(4.5)
        samples.append(timed_api.task(task_id))
    assert all(s["status"] == "running" and set(s) == BASE_FIELDS for s in samples)
    progress = [s["progress"] for s in samples]
    assert progress == sorted(progress) and len(set(progress)) == 4 and progress[0] > 0 and progress[-1] < 100

    timed.advance(2)  # 30 s in total
    done = timed_api.task(task_id)
    assert set(done) == BASE_FIELDS | {"completed_at", "credits_consumed"}
    assert (done["status"], done["progress"], done["credits_consumed"]) == ("success", 100, 20)
    assert done["completed_at"] == "2025-06-15T15:07:10Z"
    assert set(done["output"]) == {"model_url", "rendered_image_url"}


def test_eta_fields_while_queued_and_running(timed: Emulator, timed_api: Caller) -> None:
    timed.eta = True
    first = timed_api.create(T2M, CAT)
    timed.advance(1)
    second = timed_api.create(T2M, CAT)
    assert (timed_api.task(first)["queuing_num"], timed_api.task(second)["queuing_num"]) == (0, 1)
    assert "running_left_time" not in timed_api.task(first)
    timed.advance(9.5)  # first is running, second still queued
    running = timed_api.task(first)
    assert running["status"] == "running" and "queuing_num" not in running
    assert timed_api.task(second)["queuing_num"] == 0
    lefts = [running["running_left_time"]]
    for _ in range(3):
        timed.advance(5)
        lefts.append(timed_api.task(first)["running_left_time"])
    assert lefts == [20, 15, 10, 5]
    timed.advance(10)
    assert not ETA_FIELDS & set(timed_api.task(first))  # terminal: neither
    timed.eta = False
    assert not ETA_FIELDS & set(timed_api.task(second))


def test_eta_can_be_switched_on_at_construction() -> None:
    with Emulator(queue_seconds=100, eta=True) as emu:
        caller = Caller(emu)
        assert emu.eta is True
        assert caller.task(caller.create(T2M, CAT))["queuing_num"] == 0
        caller.close()


def test_zero_durations_succeed_on_first_read(api: Caller) -> None:
    assert api.finished(T2M, CAT)["status"] == "success"


def test_failed_tasks_are_refunded_and_carry_their_error(emulator: Emulator, api: Caller) -> None:
    emulator.set_outcome("failed", error_code=1001)
    task = api.finished(T2M, CAT)
    assert (task["status"], task["error_code"], task["output"], task["credits_consumed"]) == ("failed", 1001, {}, 0)
    assert task["error_message"] and task["completed_at"]
    assert emulator.balance_of() == (10_000.0, 0.0)
    assert api.finished(T2M, CAT)["status"] == "success"  # only the next task was affected


def test_cancelled_tasks_are_refunded(emulator: Emulator, api: Caller) -> None:
    emulator.set_outcome("cancelled")
    task = api.finished(T2M, CAT)
    assert (task["status"], task["credits_consumed"], task["output"]) == ("cancelled", 0, {})
    assert "error_code" not in task and "error_message" not in task
    assert emulator.balance_of() == (10_000.0, 0.0)


@pytest.mark.parametrize(("code", "words"), [(2008, "moderation"), (2018, "expired"), (1001, "server")])
def test_moderation_and_expiry_are_failed_with_their_code(
    emulator: Emulator, api: Caller, code: int, words: str
) -> None:
    emulator.set_outcome("failed", error_code=code)
    task = api.finished(T2M, CAT)
    assert (task["status"], task["error_code"]) == ("failed", code)
    assert words in task["error_message"].lower()


def test_outcome_applies_to_the_next_n_tasks(emulator: Emulator, api: Caller) -> None:
    emulator.set_outcome("failed", error_code=2008, times=2, error_message="policy")
    tasks = [api.finished(T2M, CAT) for _ in range(3)]
    assert [(t["status"], t.get("error_code"), t.get("error_message")) for t in tasks] == [
        ("failed", 2008, "policy"),
        ("failed", 2008, "policy"),
        ("success", None, None),
    ]


@pytest.mark.parametrize("status", ["banned", "expired", "unknown", "success", "running"])
def test_only_apiv3_final_statuses_can_be_forced(emulator: Emulator, status: str) -> None:
    with pytest.raises(ValueError):
        emulator.set_outcome(status)


def test_credits_held_then_settled(timed: Emulator, timed_api: Caller) -> None:
    task_id = timed_api.create(T2M, {**CAT, "texture": False, "pbr": False})  # 10 credits
    assert timed.balance_of() == (9_990.0, 10.0)
    assert timed_api.get("/v3/account/balance").json()["data"] == {"balance": 9_990.0, "frozen": 10.0}
    assert "credits_consumed" not in timed_api.task(task_id)
    timed.advance(31)
    assert timed_api.get("/v3/account/balance").json()["data"] == {"balance": 9_990.0, "frozen": 0.0}
    assert timed_api.task(task_id)["credits_consumed"] == 10


def test_credits_refunded_on_failure_even_if_nobody_polls(timed: Emulator, timed_api: Caller) -> None:
    timed.set_outcome("failed")
    timed_api.create(T2M, CAT)
    assert timed.balance_of() == (9_980.0, 20.0)
    timed.advance(31)
    assert timed.balance_of() == (10_000.0, 0.0)


def test_not_enough_credits_is_403_2010(emulator: Emulator) -> None:
    emulator.add_key("tsk_poor", balance=19)
    poor = Caller(emulator, "tsk_poor")
    try:
        assert error_of(poor.post(T2M, json=CAT)) == (403, 2010)
        assert poor.post(T2M, json={**CAT, "texture": False, "pbr": False}).status_code == 200
        assert emulator.balance_of("tsk_poor") == (9.0, 0.0)
    finally:
        poor.close()


def test_concurrency_limit_429_with_retry_after(timed: Emulator, timed_api: Caller) -> None:
    timed.concurrency_limit = 2
    timed_api.create(T2M, CAT)
    timed_api.create(T2M, CAT)
    rejected = timed_api.post(T2M, json=CAT)
    assert error_of(rejected) == (429, 2000)
    assert rejected.headers["Retry-After"] == "1"
    assert len(timed.tasks) == 2 and timed.max_in_flight == 2
    assert timed.balance_of() == (9_960.0, 40.0)  # the refused one holds nothing
    timed.advance(31)  # both finished: room again
    timed_api.create(T2M, CAT)
    assert timed.max_in_flight == 2


def test_retry_after_is_configurable() -> None:
    with Emulator(concurrency_limit=0, retry_after=7) as emu:
        caller = Caller(emu)
        assert caller.post(T2M, json=CAT).headers["Retry-After"] == "7"
        caller.close()


def test_concurrency_is_per_key(timed: Emulator, timed_api: Caller) -> None:
    timed.concurrency_limit = 1
    timed.add_key("tsk_second")
    second = Caller(timed, "tsk_second")
    try:
        timed_api.create(T2M, CAT)
        second.create(T2M, CAT)
        assert error_of(second.post(T2M, json=CAT)) == (429, 2000)
    finally:
        second.close()
    assert timed.max_in_flight == 1


def test_set_timing_applies_to_later_tasks(timed: Emulator, timed_api: Caller) -> None:
    slow = timed_api.create(T2M, CAT)
    timed.set_timing(queue_seconds=0, run_seconds=0)
    assert timed_api.finished(T2M, CAT)["status"] == "success"
    assert timed_api.task(slow)["status"] == "queued"


def test_injectable_clock_drives_everything() -> None:
    now = [FIXED_EPOCH]
    with Emulator(queue_seconds=5, run_seconds=5, clock=lambda: now[0]) as emu:
        caller = Caller(emu)
        task_id = caller.create(T2M, CAT)
        now[0] += 7
        assert caller.task(task_id)["status"] == "running"
        now[0] += 3
        assert caller.task(task_id)["status"] == "success"
        caller.close()
