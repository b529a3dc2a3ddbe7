"""The event queue (non-blocking, coalescing) and the scheduler (in-flight cap, hold, retire)."""

from __future__ import annotations

import threading

import pytest

from tripo_blender.jobs import FilesReady, Job, JobChanged, JobRemoved, JobSpec, JobState
from tripo_blender.jobs.events import EventQueue
from tripo_blender.jobs.model import advance
from tripo_blender.jobs.scheduler import RETIRE, Scheduler


def _job(job_id: str) -> Job:
    return Job(
        id=job_id,
        spec=JobSpec("text_to_model", {"prompt": "x"}),
        state=JobState.PENDING,
        created_at=0.0,
        updated_at=0.0,
    )


# -- events ------------------------------------------------------------------------------------
def test_job_changes_coalesce_into_the_latest_snapshot_at_the_first_position() -> None:
    q = EventQueue()
    a, b = _job("a"), _job("b")
    q.put(JobChanged(a))
    q.put(JobChanged(b))
    a2 = advance(a, JobState.SUBMITTING, at=1.0)
    a3 = advance(a2, JobState.QUEUED, at=2.0)
    q.put(JobChanged(a2))
    q.put(FilesReady("a", {}, a3))
    q.put(JobChanged(a3))
    q.put(JobRemoved("b"))
    assert len(q) == 4
    events = q.drain()
    assert events == [JobChanged(a3), JobChanged(b), FilesReady("a", {}, a3), JobRemoved("b")]
    assert q.drain() == []


def test_drain_respects_the_limit_and_never_waits() -> None:
    q = EventQueue()
    for i in range(5):
        q.put(JobChanged(_job(str(i))))
    assert [e.job.id for e in q.drain(2)] == ["0", "1"]  # type: ignore[union-attr]
    assert [e.job.id for e in q.drain(10)] == ["2", "3", "4"]  # type: ignore[union-attr]
    assert q.drain(10) == []


# -- scheduler ---------------------------------------------------------------------------------
class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_posts_wait_for_a_free_slot_but_tracking_never_does() -> None:
    s = Scheduler(max_in_flight=2)
    for name in ("p1", "p2", "p3"):
        s.add(name, post=True)
    s.add("t1", post=False)
    p1, p2 = s.take(), s.take()
    assert (p1.job_id, p2.job_id) == ("p1", "p2")  # type: ignore[union-attr]
    # the cap is reached: the waiting POST is skipped, the tracking job goes ahead of it
    t1 = s.take()
    assert t1.job_id == "t1"  # type: ignore[union-attr]
    assert s.in_flight == 3 and s.waiting() == ["p3"]
    assert s.is_busy("p1") and s.is_busy("p3") and not s.is_busy("nobody")
    got: list[str] = []
    taker = threading.Thread(target=lambda: got.append(s.take().job_id))  # type: ignore[union-attr]
    taker.start()
    taker.join(0.2)
    assert taker.is_alive() and got == []  # blocked: no slot
    s.leave_flight(t1)  # type: ignore[arg-type]
    s.leave_flight(p1)  # type: ignore[arg-type]
    taker.join(5)
    assert got == ["p3"]


def test_hold_after_a_refusal_delays_posts_until_retry_after() -> None:
    clock = FakeClock()
    s = Scheduler(max_in_flight=5, clock=clock)
    s.hold_posts(3.0)
    s.add("later", post=True, delay=1.0)
    s.add("track", post=False)
    assert s.take().job_id == "track"  # type: ignore[union-attr]
    ticket, wake_at = s._pick()
    assert ticket is None and wake_at == pytest.approx(103.0)  # the later of delay and hold
    clock.now = 103.5
    assert s.take().job_id == "later"  # type: ignore[union-attr]


def test_front_requeue_keeps_the_place_and_discard_removes() -> None:
    s = Scheduler(max_in_flight=5)
    s.add("a", post=True)
    s.add("b", post=True)
    s.add("c", post=True, front=True)
    assert s.waiting() == ["c", "a", "b"]
    assert s.discard("a") and not s.discard("a")
    assert s.waiting() == ["c", "b"]


def test_send_order_is_the_order_workers_take_the_posts_in() -> None:
    """The order a waiting row's place ("4th of 9") is told from: the POSTs workers will take,
    in the order they take them. A refused POST requeued at the front with its Retry-After goes
    after those runnable now; a job that only tracks its task is not waiting to be sent."""
    clock = FakeClock()
    s = Scheduler(max_in_flight=10, clock=clock)
    for name in ("a", "b", "c"):
        s.add(name, post=True)
    s.add("refused", post=True, delay=5.0, front=True)
    s.add("track", post=False)
    order = s.send_order()
    assert order == ["a", "b", "c", "refused"]
    taken = []
    while len(taken) < 5:
        ticket = s._pick()[0]
        if ticket is None:
            clock.now += 1.0
            continue
        taken.append(s.take().job_id)  # type: ignore[union-attr]
    assert [name for name in taken if name != "track"] == order
    assert s.send_order() == []


def test_retire_and_close_release_blocked_workers() -> None:
    s = Scheduler(max_in_flight=1)
    results: list[object] = []
    returned = threading.Condition()

    def work() -> None:
        ticket = s.take()
        with returned:
            results.append(ticket)
            returned.notify_all()

    workers = [threading.Thread(target=work) for _ in range(2)]
    for w in workers:
        w.start()
    s.retire(1)
    with returned:
        assert returned.wait_for(lambda: results, timeout=5)
    assert results == [RETIRE]  # exactly one worker retires; the other keeps waiting
    s.close()
    for w in workers:
        w.join(5)
    assert not any(w.is_alive() for w in workers)
    assert results == [RETIRE, None]
    with pytest.raises(RuntimeError):
        s.add("x", post=True)
