"""``wait_for_task``: every final status ends it, timeouts are precise, cancelling is immediate."""

from __future__ import annotations

import threading
import time

import pytest

from tests.client.conftest import FAST_POLLS
from tests.emulator import TEST_KEY, Emulator
from tripo_blender.client import Task, TaskStatus, TaskWaitCancelled, TaskWaitTimeout, TripoClient
from tripo_blender.client.polling import PollSchedule


@pytest.mark.parametrize(
    ("outcome", "code"), [("failed", 1001), ("failed", 2008), ("failed", 2018), ("cancelled", None)]
)
def test_every_final_status_ends_the_wait(
    client: TripoClient, emulator: Emulator, outcome: str, code: int | None
) -> None:
    """apiv3 has five statuses: moderation (2008) and queue expiry (2018) arrive as failed."""
    emulator.set_outcome(outcome, **({"error_code": code} if code else {}))
    emulator.set_timing(queue_seconds=1, run_seconds=1)
    task_id = client.text_to_model("a cup")
    task = client.wait_for_task(
        task_id, polling_interval=0.01, timeout=10, on_progress=lambda _t: emulator.advance(1.0)
    )
    assert task.status == TaskStatus(outcome)
    if outcome == "failed":
        assert task.error_code == code and task.error_msg
    # it stopped at the first final answer
    assert emulator.requests_to("GET", f"/v3/tasks/{task_id}")[-1].status == 200
    assert client.get_task(task_id).status == task.status


class _Garbled(TripoClient):
    """A client behind a proxy that garbles the status of the first ``bad`` answers."""

    bad = 0

    def _get_task(self, task_id: str, **kwargs: object) -> Task:
        task = super()._get_task(task_id, **kwargs)  # type: ignore[arg-type]
        if self.bad:
            self.bad -= 1
            task.status = TaskStatus.UNKNOWN
        return task


def test_an_unknown_status_does_not_end_a_paid_task_but_cannot_spin_forever(emulator: Emulator) -> None:
    with _Garbled(api_key=TEST_KEY, base_url=emulator.base_url) as client:
        client.poll_schedule = FAST_POLLS
        task_id = client.text_to_model("a cup")
        client.bad = 2  # two odd answers, then the truth
        assert client.wait_for_task(task_id, polling_interval=0.01, timeout=10).status is TaskStatus.SUCCESS
        client.bad = 100  # it never recovers: the wait ends after the bound, with the odd status
        task = client.wait_for_task(task_id, polling_interval=0.01, timeout=10)
    assert task.status is TaskStatus.UNKNOWN
    assert len(emulator.requests_to("GET", f"/v3/tasks/{task_id}")) == 3 + client.unknown_status_limit


def test_timeout_is_precise_even_with_a_long_polling_interval(client: TripoClient, emulator: Emulator) -> None:
    client.poll_schedule = PollSchedule()  # real limits
    emulator.set_timing(queue_seconds=1000)
    task_id = client.text_to_model("a cup")
    started = time.monotonic()
    with pytest.raises(TaskWaitTimeout) as info:
        client.wait_for_task(task_id, polling_interval=5.0, timeout=0.5)
    elapsed = time.monotonic() - started
    assert 0.5 <= elapsed < 0.8
    assert isinstance(info.value, TimeoutError)
    assert info.value.last_task is not None and info.value.last_task.status is TaskStatus.QUEUED
    assert "did not finish within 0.5 seconds (last status queued" in str(info.value)
    assert len(emulator.requests_to("GET", "/v3/tasks/")) == 1  # no poll after the deadline


def test_timeout_holds_while_the_server_does_not_answer(client: TripoClient, emulator: Emulator) -> None:
    task_id = client.text_to_model("a cup")
    emulator.inject("GET /v3/tasks/", after=True, delay=5.0)
    started = time.monotonic()
    with pytest.raises(TaskWaitTimeout):
        client.wait_for_task(task_id, timeout=0.4)
    assert time.monotonic() - started < 0.8


def test_zero_timeout_and_bad_arguments_send_nothing(client: TripoClient, emulator: Emulator) -> None:
    with pytest.raises(TaskWaitTimeout):
        client.wait_for_task("a" * 8, timeout=0)
    with pytest.raises(ValueError, match="polling_interval"):
        client.wait_for_task("a" * 8, polling_interval=0)
    with pytest.raises(ValueError, match="timeout"):
        client.wait_for_task("a" * 8, timeout=-1)
    with pytest.raises(ValueError, match="task id"):
        client.wait_for_task("../v3/account/balance")
    assert emulator.requests == []


def test_cancel_event_set_during_progress_stops_at_once(client: TripoClient, emulator: Emulator) -> None:
    client.poll_schedule = PollSchedule()
    emulator.set_timing(queue_seconds=1000)
    task_id = client.text_to_model("a cup")
    cancel = threading.Event()
    started = time.monotonic()
    with pytest.raises(TaskWaitCancelled) as info:
        client.wait_for_task(task_id, polling_interval=30, cancel_event=cancel, on_progress=lambda _t: cancel.set())
    assert time.monotonic() - started < 0.5
    assert info.value.task_id == task_id and info.value.last_task is not None
    assert len(emulator.requests_to("GET", "/v3/tasks/")) == 1


def test_cancel_from_another_thread_interrupts_the_sleep(client: TripoClient, emulator: Emulator) -> None:
    client.poll_schedule = PollSchedule()
    emulator.set_timing(queue_seconds=1000)
    task_id = client.text_to_model("a cup")
    cancel, first_poll = threading.Event(), threading.Event()
    outcome: list[BaseException] = []

    def waiter() -> None:
        try:
            client.wait_for_task(
                task_id, polling_interval=30, cancel_event=cancel, on_progress=lambda _t: first_poll.set()
            )
        except BaseException as exc:  # noqa: BLE001 - inspected below
            outcome.append(exc)

    thread = threading.Thread(target=waiter)
    thread.start()
    assert first_poll.wait(5), "the waiter never polled"
    cancelled_at = time.monotonic()
    cancel.set()
    thread.join(5)
    assert not thread.is_alive()
    assert time.monotonic() - cancelled_at < 0.5
    assert len(outcome) == 1 and isinstance(outcome[0], TaskWaitCancelled)


def test_preset_cancel_event_sends_nothing(client: TripoClient, emulator: Emulator) -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(TaskWaitCancelled):
        client.wait_for_task("a" * 8, cancel_event=cancel)
    assert emulator.requests == []


def test_progress_callback_and_verbose_output(
    client: TripoClient, emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    emulator.eta = True  # a server that reports an ETA: the verbose line shows it
    emulator.set_timing(queue_seconds=1, run_seconds=4)
    task_id = client.text_to_model("a cup")
    seen: list[Task] = []

    def progress(task: Task) -> None:
        seen.append(task)
        emulator.advance(1.0)

    final = client.wait_for_task(task_id, polling_interval=0.01, verbose=True, on_progress=progress)
    assert seen[-1] is final
    running = [t for t in seen if t.status is TaskStatus.RUNNING]
    assert running and all(t.running_left_time is not None and t.running_left_time >= 0 for t in running)
    progresses = [t.progress for t in seen]
    assert progresses == sorted(progresses) and progresses[-1] == 100
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"Task {task_id} is queued. Progress: [{' ' * 20}] 0%"
    assert any(
        line.startswith(f"Task {task_id} is running. Progress: [") and "estimated time remaining" in line
        for line in lines
    )
    assert lines[-1].startswith(f"Task {task_id} success in ") and lines[-1].endswith(" seconds")
    assert len(lines) == len(seen)


class _CancelOnFirstWait(threading.Event):
    """A cancel event that a user "sets" the moment the client starts waiting on it."""

    def __init__(self) -> None:
        super().__init__()
        self.waits: list[float | None] = []

    def wait(self, timeout: float | None = None) -> bool:
        self.waits.append(timeout)
        self.set()
        return True


def test_cancel_interrupts_a_retry_after_backoff(client: TripoClient, emulator: Emulator, sleeps: list[float]) -> None:
    task_id = client.text_to_model("a cup")
    emulator.inject("GET /v3/tasks/", status=429, code=1007, retry_after=30)
    cancel = _CancelOnFirstWait()
    with pytest.raises(TaskWaitCancelled):
        client.wait_for_task(task_id, cancel_event=cancel)
    assert cancel.waits == [30.0]  # the Retry-After pause was spent waiting on the event ...
    assert sleeps == []  # ... not in an uninterruptible sleep
    assert len(emulator.requests_to("GET", "/v3/tasks/")) == 1
