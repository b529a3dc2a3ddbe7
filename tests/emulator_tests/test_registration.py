"""What the emulator offers the uncertain-retry tests: late registration, website tasks, the shapes
of ``created_at``, no echo of ``input``, usage rows with ``input``, and ``Date`` on its own clock."""

from __future__ import annotations

import email.utils
import time

from tests.emulator import Emulator

from .helpers import CAT, T2M, Caller, error_of

USAGE = "/v3/account/usage"


def _usage(api: Caller) -> list[dict]:
    rows: list[dict] = api.get(USAGE).json()["data"]
    return rows


def test_a_task_held_from_registration_exists_but_shows_nowhere_until_released(emulator: Emulator, api: Caller) -> None:
    emulator.hold_registration()
    task_id = api.create(T2M, CAT)
    assert task_id in emulator.tasks, "created and billed"
    assert error_of(api.get(f"/v3/tasks/{task_id}")) == (404, 2001)
    assert api.post("/v3/tasks/list", json={"task_ids": [task_id]}).json()["data"]["missed"] == [task_id]
    assert _usage(api) == []
    emulator.release_registration()
    assert [row["task_id"] for row in _usage(api)] == [task_id] and api.task(task_id)["input"] == CAT


def test_a_website_task_is_dated_back_and_listed_in_time_order(emulator: Emulator, api: Caller) -> None:
    own = api.create(T2M, CAT)
    website = emulator.website_task(T2M, {"prompt": "a dog", "model": CAT["model"]}, age=120)
    assert [row["task_id"] for row in _usage(api)] == [own, website]
    assert api.task(website)["input"]["prompt"] == "a dog"


def test_times_echo_and_usage_input_can_be_shaped(emulator: Emulator, api: Caller) -> None:
    emulator.time_format = "space-offset"
    emulator.echo_inputs = False
    emulator.usage_inputs = True
    task_id = api.create(T2M, CAT)
    task = api.task(task_id)
    assert task["created_at"].endswith("+00:00") and " " in task["created_at"] and task["input"] == {}
    (row,) = _usage(api)
    assert row["input"] == {} and row["created_at"] == task["created_at"]
    emulator.time_format = "fraction"
    assert api.task(task_id)["created_at"].count(".") == 1


def test_the_date_header_follows_the_emulators_clock(emulator: Emulator, api: Caller) -> None:
    emulator.advance(-600)
    served = email.utils.parsedate_to_datetime(api.get(USAGE).headers["Date"]).timestamp()
    assert abs(served - (time.time() - 600)) < 5
