"""The wait schedule: ETA-aware, capped, never past the deadline (pure function, no clock)."""

from __future__ import annotations

import pytest

from tripo_blender.client.enums import TaskStatus
from tripo_blender.client.polling import PollSchedule

S = PollSchedule()
RUNNING, QUEUED = TaskStatus.RUNNING, TaskStatus.QUEUED


def delay(
    status: TaskStatus = RUNNING,
    eta: int | None = None,
    progress: int = 50,
    blind: int = 0,
    remaining: float | None = None,
    schedule: PollSchedule = S,
) -> float:
    return schedule.next_delay(
        status=status, running_left_time=eta, progress=progress, blind_polls=blind, remaining=remaining
    )


def test_long_eta_is_capped_not_one_long_sleep() -> None:
    # SDK 0.3.0 slept max(2, 0.5 * ETA): 150 s for a 300 s ETA
    assert delay(eta=300) == 10.0


def test_eta_halves_towards_finish() -> None:
    assert delay(eta=12) == 6.0
    assert delay(eta=6) == 3.0


@pytest.mark.parametrize("eta", [3, 2, 1])
def test_never_more_than_a_second_when_eta_says_almost_done(eta: int) -> None:
    assert S.dense_interval <= delay(eta=eta) <= 1.0


def test_overdue_or_nearly_complete_without_eta_polls_every_second() -> None:
    assert delay(eta=0) == 1.0
    assert delay(eta=None, progress=97) == 1.0
    assert delay(eta=-1, progress=99) == 1.0


def test_simulated_run_notices_finish_within_a_second() -> None:
    """Drive the schedule against a task whose ETA is accurate; the poll after the finish must
    come at most ~1 s after it."""
    finish = 37.0
    t = 0.0
    blind = 0
    while True:
        eta_left = finish - t
        if eta_left <= 0:
            break
        eta = int(eta_left + 0.999)  # the server reports whole seconds, rounded up
        d = delay(eta=eta, blind=blind)
        assert d <= 10.0
        t += d
    assert t - finish <= 1.0


def test_without_eta_backs_off_from_polling_interval_up_to_cap() -> None:
    seq = [delay(status=QUEUED, eta=-1, progress=0, blind=n) for n in range(8)]
    assert seq[:3] == [2.0, 3.0, 4.5]
    assert seq == sorted(seq)
    assert seq[-1] == 10.0  # capped, unlike the SDK's 2, 4, 8 ... 64 s


def test_polling_interval_is_the_blind_start_and_can_raise_the_cap() -> None:
    slow = PollSchedule(base_interval=30.0)
    assert delay(status=QUEUED, eta=-1, progress=0, blind=0, schedule=slow) == 30.0
    assert delay(status=QUEUED, eta=-1, progress=0, blind=5, schedule=slow) == 30.0
    fast = PollSchedule(base_interval=0.2)
    assert delay(status=QUEUED, eta=-1, progress=0, blind=0, schedule=fast) == pytest.approx(0.2)


def test_queued_ignores_eta_field() -> None:
    # a queued task's running_left_time is -1 or meaningless
    assert delay(status=QUEUED, eta=500, progress=0) == 2.0


def test_never_sleeps_past_deadline() -> None:
    assert delay(eta=300, remaining=0.25) == 0.25
    assert delay(status=QUEUED, blind=6, remaining=3.0) == 3.0
    assert delay(eta=300, remaining=-1.0) == 0.0


def test_has_eta_and_invalid_interval() -> None:
    assert PollSchedule.has_eta(RUNNING, 0)
    assert not PollSchedule.has_eta(RUNNING, -1)
    assert not PollSchedule.has_eta(QUEUED, 10)
    with pytest.raises(ValueError, match="polling_interval must be a positive"):
        PollSchedule(base_interval=0)


# --------------------------------------------------------------------------- no ETA: progress rate

from tripo_blender.client.polling import ProgressEstimator  # noqa: E402


def test_estimator_needs_two_progress_values_and_predicts_a_linear_finish() -> None:
    est = ProgressEstimator()
    est.observe(0.0, RUNNING, 0)
    assert est.left(0.0) is None, "one look gives no rate"
    est.observe(2.0, RUNNING, 10)  # 5 %/s: finishes at 20 s
    assert est.left(2.0) == pytest.approx(18.0)
    est.observe(3.0, QUEUED, 0)
    assert est.left(3.0) is None, "re-queued: the old rate means nothing"


def test_estimator_follows_progress_that_slows_down() -> None:
    est = ProgressEstimator()
    for t, p in [(0.0, 0), (10.0, 80), (20.0, 90)]:  # 8 %/s, then 1 %/s
        est.observe(t, RUNNING, p)
    assert est.left(20.0) == pytest.approx(10.0), "the latest rate, not the average"


def test_predicted_finish_is_approached_by_halving_then_polled_densely() -> None:
    assert delay(eta=None, progress=10) == 2.0, "no rate yet: the blind schedule"
    assert (
        S.next_delay(status=RUNNING, running_left_time=None, progress=10, blind_polls=1, predicted_left=40.0) == 10.0
    ), "far: capped"
    assert (
        S.next_delay(status=RUNNING, running_left_time=None, progress=50, blind_polls=1, predicted_left=8.0) == 4.0
    ), "half the way"
    assert (
        S.next_delay(status=RUNNING, running_left_time=None, progress=90, blind_polls=1, predicted_left=1.5)
        == 1.5 + S.finish_margin
    ), "near: just after the predicted finish"
    overdue = [
        S.next_delay(status=RUNNING, running_left_time=None, progress=99, blind_polls=1, predicted_left=-o)
        for o in (0.0, 0.5, 1.0, 30.0)
    ]
    assert overdue == sorted(overdue) and overdue[0] == S.dense_interval and overdue[-1] == S.near_done_interval


@pytest.mark.parametrize("run", [3.4, 7.9, 21.3, 59.6])
def test_simulated_run_without_eta_notices_finish_within_a_second_with_few_polls(run: float) -> None:
    """Drive the schedule and the estimator against a linear task that reports no ETA (apiv3)."""
    est = ProgressEstimator()
    t, polls, blind = 0.0, 0, 0
    while t < run:
        polls += 1
        progress = min(99, int(100 * t / run))
        est.observe(t, RUNNING, progress)
        t += S.next_delay(
            status=RUNNING, running_left_time=None, progress=progress, blind_polls=blind, predicted_left=est.left(t)
        )
        blind += 1
    assert t - run <= 1.0
    assert polls <= max(4, run / 2), "dense polls only near the end"
