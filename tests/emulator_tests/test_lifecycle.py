"""Task state machine on a frozen clock, outcomes, balance freeze/settle/refund, concurrency."""

from __future__ import annotations

import pytest

from tests.emulator import Emulator
from tests.emulator.pricing import price

from .conftest import FIXED_EPOCH
from .helpers import Caller, error_of

CAT = {"type": "text_to_model", "prompt": "a cat"}
SDK_REQUIRED = {"task_id", "type", "status", "input", "output", "progress", "create_time"}


def test_queued_then_running_then_success(timed: Emulator, timed_api: Caller) -> None:
    task_id = timed_api.create(CAT)
    queued = timed_api.task(task_id)
    assert set(queued) >= SDK_REQUIRED
    assert (queued["status"], queued["progress"], queued["running_left_time"], queued["queuing_num"]) == (
        "queued", 0, -1, 0)
    assert queued["output"] == {} and queued["result"] == {} and queued["consumed_credit"] == 0
    assert queued["create_time"] == int(FIXED_EPOCH)
    assert queued["input"] == CAT

    timed.advance(10)  # queue over, running starts
    samples = []
    for _ in range(4):
        timed.advance(4.5)
        samples.append(timed_api.task(task_id))
    assert all(s["status"] == "running" and s["queuing_num"] == -1 for s in samples)
    progress = [s["progress"] for s in samples]
    left = [s["running_left_time"] for s in samples]
    assert progress == sorted(progress) and len(set(progress)) == 4 and progress[0] > 0 and progress[-1] < 100
    assert left == sorted(left, reverse=True) and len(set(left)) == 4 and left[-1] >= 1

    timed.advance(2)  # 30 s total
    done = timed_api.task(task_id)
    fields = (done["status"], done["progress"], done["running_left_time"], done["queuing_num"])
    assert fields == ("success", 100, -1, -1)
    assert set(done["output"]) == {"pbr_model", "rendered_image"}
    assert done["result"]["pbr_model"] == {"url": done["output"]["pbr_model"], "type": "glb"}
    assert done["thumbnail"] == done["output"]["rendered_image"]
    assert done["consumed_credit"] == 20


def test_queuing_num_counts_earlier_queued_tasks(timed: Emulator, timed_api: Caller) -> None:
    first = timed_api.create(CAT)
    timed.advance(1)
    second = timed_api.create(CAT)
    assert timed_api.task(first)["queuing_num"] == 0
    assert timed_api.task(second)["queuing_num"] == 1
    timed.advance(9.5)  # first is running, second still queued
    assert timed_api.task(first)["status"] == "running"
    assert timed_api.task(second)["queuing_num"] == 0


def test_zero_durations_succeed_on_first_read(api: Caller) -> None:
    assert api.finished(CAT)["status"] == "success"


@pytest.mark.parametrize("status", ["failed", "banned", "expired", "cancelled", "unknown"])
def test_injected_outcomes_are_refunded(emulator: Emulator, api: Caller, status: str) -> None:
    emulator.set_outcome(status, error_code=1001, times=1)
    task = api.finished(CAT)
    assert task["status"] == status
    assert task["output"] == {} and task["consumed_credit"] == 0
    if status == "failed":
        assert task["error_code"] == 1001 and task["error_msg"]
    else:
        assert "error_code" not in task
    assert emulator.balance_of() == (10_000.0, 0.0)
    assert api.finished(CAT)["status"] == "success"  # only the next task was affected


def test_outcome_applies_to_the_next_n_tasks(emulator: Emulator, api: Caller) -> None:
    emulator.set_outcome("failed", error_code=2008, times=2, error_msg="policy")
    statuses = [api.finished(CAT) for _ in range(3)]
    assert [(t["status"], t.get("error_code"), t.get("error_msg")) for t in statuses] == [
        ("failed", 2008, "policy"), ("failed", 2008, "policy"), ("success", None, None)]


def test_credits_frozen_then_settled(timed: Emulator, timed_api: Caller) -> None:
    task_id = timed_api.create({**CAT, "texture": False, "pbr": False})  # 10 credits
    assert timed.balance_of() == (9_990.0, 10.0)
    assert timed_api.get("/user/balance").json()["data"] == {"balance": 9_990.0, "frozen": 10.0}
    timed.advance(31)
    assert timed_api.get("/user/balance").json()["data"] == {"balance": 9_990.0, "frozen": 0.0}
    assert timed_api.task(task_id)["consumed_credit"] == 10


def test_credits_refunded_on_failure_even_if_nobody_polls(timed: Emulator, timed_api: Caller) -> None:
    timed.set_outcome("failed")
    timed_api.create(CAT)
    assert timed.balance_of() == (9_980.0, 20.0)
    timed.advance(31)
    assert timed.balance_of() == (10_000.0, 0.0)


def test_not_enough_credits_is_403_2010(emulator: Emulator) -> None:
    emulator.add_key("tsk_poor", balance=19)
    poor = Caller(emulator, "tsk_poor")
    try:
        assert error_of(poor.post("/task", json=CAT)) == (403, 2010)
        assert poor.post("/task", json={**CAT, "texture": False, "pbr": False}).status_code == 200
        assert emulator.balance_of("tsk_poor") == (9.0, 0.0)
    finally:
        poor.close()


def test_concurrency_limit_429_with_retry_after(timed: Emulator, timed_api: Caller) -> None:
    timed.concurrency_limit = 2
    timed_api.create(CAT)
    timed_api.create(CAT)
    rejected = timed_api.post("/task", json=CAT)
    assert error_of(rejected) == (429, 2000)
    assert rejected.headers["Retry-After"] == "1"
    assert len(timed.tasks) == 2 and timed.max_in_flight == 2
    timed.advance(31)  # both finished: room again
    timed_api.create(CAT)
    assert timed.max_in_flight == 2


def test_concurrency_is_per_key(timed: Emulator, timed_api: Caller) -> None:
    timed.concurrency_limit = 1
    timed.add_key("tsk_second")
    second = Caller(timed, "tsk_second")
    try:
        timed_api.create(CAT)
        second.create(CAT)
        assert error_of(second.post("/task", json=CAT)) == (429, 2000)
    finally:
        second.close()
    assert timed.max_in_flight == 1


def test_set_timing_applies_to_later_tasks(timed: Emulator, timed_api: Caller) -> None:
    slow = timed_api.create(CAT)
    timed.set_timing(queue_seconds=0, run_seconds=0)
    assert timed_api.finished(CAT)["status"] == "success"
    assert timed_api.task(slow)["status"] == "queued"


def test_injectable_clock_drives_everything() -> None:
    now = [1_000.0]
    with Emulator(queue_seconds=5, run_seconds=5, clock=lambda: now[0]) as emu:
        caller = Caller(emu)
        task_id = caller.create(CAT)
        now[0] += 7
        assert caller.task(task_id)["status"] == "running"
        now[0] += 3
        assert caller.task(task_id)["status"] == "success"
        caller.close()


@pytest.mark.parametrize(("body", "credits"), [
    ({"type": "text_to_model", "prompt": "x"}, 20),
    ({"type": "text_to_model", "prompt": "x", "texture": False, "pbr": False}, 10),
    ({"type": "text_to_model", "prompt": "x", "texture": False}, 20),  # pbr=true forces texture
    ({"type": "text_to_model", "prompt": "x", "model_version": "P1-20260311"}, 40),
    ({"type": "image_to_model", "texture_quality": "detailed", "quad": True, "smart_low_poly": True}, 30 + 10 + 5 + 10),
    ({"type": "multiview_to_model", "texture": False, "pbr": False, "generate_parts": True}, 40),
    ({"type": "texture_model", "texture_quality": "detailed"}, 20),
    ({"type": "animate_prerigcheck"}, 0),
    ({"type": "animate_rig"}, 25),
    ({"type": "animate_retarget", "animation": "preset:walk"}, 10),
    ({"type": "animate_retarget", "animations": ["preset:walk", "preset:run", "preset:idle"]}, 30),
    ({"type": "convert_model", "format": "OBJ"}, 5),
    ({"type": "convert_model", "format": "OBJ", "face_limit": 10000}, 10),
    ({"type": "mesh_segmentation"}, 40),
    ({"type": "mesh_completion"}, 50),
    ({"type": "highpoly_to_lowpoly"}, 30),
    ({"type": "import_model"}, 0),
    ({"type": "stylize_model"}, None),
])
def test_price_list(body: dict[str, object], credits: int | None) -> None:
    assert price(body) == credits
