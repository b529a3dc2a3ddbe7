"""The polling schedule of ``wait_for_task``, as a pure function.

Why not a fixed interval or SDK 0.3.0's schedule: the SDK slept ``max(2, 0.5 * ETA)`` (one long
sleep for a long ETA) or *doubled without a cap* when there was no ETA (2, 4, … 64 s), and it only
checked the timeout before each poll, overshooting by a whole sleep (docs/sdk-surface.md#known-faults, 3).
Users then see a finished model minutes late.

The rules (all numbers are fields of :class:`PollSchedule`):

1. **Running with an ETA** (``running_left_time`` > 0): sleep half the ETA, clamped to
   [``min_interval``, cap]. Halving converges on the finish time, so an accurate ETA gets the
   result noticed within ``near_done_interval`` (~1 s) of the end; once the ETA is at most
   ``near_done_eta`` seconds, the sleep is never longer than ``near_done_interval``, and at an ETA
   of 1 (the last second) it is ``dense_interval``.
2. **Running without an ETA, but with a progress rate** (apiv3's normal case: its task object has
   no ETA): a :class:`ProgressEstimator` extrapolates the progress values seen, and their times,
   to a predicted finish. Far from it, sleep half the predicted time left (like an ETA, capped);
   within ``dense_window`` of it, poll *at* the predicted finish (``finish_margin`` after it: a
   poll a moment early finds the task at 99 % and waits a whole gap more; at least
   ``finish_floor`` after the last poll, where ``dense_interval`` made a task seen at 98 % wait
   0.4 s), then, while the task is overdue,
   every ``dense_interval`` plus ``overdue_growth`` times the time overdue (up to
   ``overdue_max``; every ``near_done_interval`` after ``dense_overdue`` seconds: a
   stalled task must not be hammered). Why: a blind back-off noticed a
   finished task 6.5 s late at p95; dense polls only near the predicted end notice it within
   ~0.4 s and cost a few requests per task, not one per second of its run.
3. **Running, ETA 0 (overdue) or progress ≥ ``near_done_progress`` without an ETA or rate**: the
   task is about to finish; poll every ``near_done_interval``.
4. **Otherwise** (queued, or no usable ETA): start at the caller's ``polling_interval`` and grow by
   ``backoff`` per consecutive blind poll, up to the cap. The cap is ``max_interval`` (10 s), or the
   caller's interval if that is larger — we never poll *more* often than asked when blind, and never
   let a missing ETA stretch the gap past the cap.
5. **Young tasks** (only when the caller passes the task's ``age``: the job engine's poller, whose
   one ``POST /v3/tasks/list`` a round serves every task): whatever the rules above say, the gap
   is at most ``young_growth`` of the task's age, and never under ``min_interval`` — 0.5, 1, 1.5,
   2 s… until it reaches ``base_interval`` (at 8 s of age with the defaults) — unless rule 2
   predicts the finish within ``dense_window``: then the prediction decides. Why: most of a short
   task's lateness came from its second poll, 2 s after the first: a 3 s task was polled at 0,
   2.07 and 5.07 s, and a batch of 1.5 s tasks at Tripo's concurrency of 10 took twice its ideal
   time. A gap of a quarter of the age keeps a task's lateness to about a quarter of its run,
   for a handful of extra polls per task (log-many: the gap grows with the age).
   ``wait_for_task`` (one ``GET`` per poll per task) does not pass ``age``: there a poll every
   0.5 s would cost more requests than the task has seconds.
6. **Deadline**: the sleep never extends past the remaining time, so ``timeout`` is honoured to the
   precision of one HTTP round trip.

The first poll happens immediately (the caller does that; this function computes only the gap
*after* a poll).
"""

from __future__ import annotations

from dataclasses import dataclass

from .enums import TaskStatus

__all__ = ["PollSchedule", "ProgressEstimator"]


@dataclass(frozen=True)
class PollSchedule:
    """Parameters of the adaptive schedule. ``base_interval`` is ``wait_for_task``'s ``polling_interval``."""

    base_interval: float = 2.0
    min_interval: float = 0.5
    near_done_interval: float = 1.0
    near_done_eta: float = 3.0
    near_done_progress: int = 95
    max_interval: float = 10.0
    backoff: float = 1.5
    eta_fraction: float = 0.5
    dense_interval: float = 0.4
    dense_window: float = 3.0
    dense_overdue: float = 6.0
    overdue_growth: float = 0.5
    overdue_max: float = 0.7
    young_growth: float = 0.25
    finish_margin: float = 0.05
    finish_floor: float = 0.15

    def __post_init__(self) -> None:
        if not self.base_interval > 0:
            raise ValueError("polling_interval must be a positive number of seconds.")

    @property
    def cap(self) -> float:
        """Longest gap between two polls."""
        return max(self.max_interval, self.base_interval)

    def next_delay(
        self,
        *,
        status: TaskStatus,
        running_left_time: int | None,
        progress: int,
        blind_polls: int,
        remaining: float | None = None,
        predicted_left: float | None = None,
        age: float | None = None,
    ) -> float:
        """Seconds to wait before the next poll.

        ``blind_polls`` is the number of consecutive earlier polls that had no usable ETA (0 for the
        first); ``remaining`` is the time left before the caller's deadline, or None;
        ``predicted_left`` is :meth:`ProgressEstimator.left` (negative: overdue by that much);
        ``age`` is the seconds since the task was created (or first watched), or None: rule 5.
        """
        eta = running_left_time if running_left_time is not None and running_left_time >= 0 else None
        if status is TaskStatus.RUNNING and eta is not None and eta > 0:
            delay = min(max(eta * self.eta_fraction, self.min_interval), self.cap)
            if eta <= self.near_done_eta:
                delay = min(delay, self.near_done_interval)
            if eta <= 1:  # whole seconds, rounded up: it ends within the second, look densely
                delay = min(self.dense_interval, self.near_done_interval)
        elif status is TaskStatus.RUNNING and eta is None and predicted_left is not None:
            delay = self._predicted_delay(predicted_left)
        elif status is TaskStatus.RUNNING and (eta == 0 or progress >= self.near_done_progress):
            delay = self.near_done_interval
        else:
            delay = min(self.base_interval * self.backoff ** max(blind_polls, 0), self.cap)
        near_prediction = (
            status is TaskStatus.RUNNING
            and eta is None
            and predicted_left is not None
            and predicted_left <= self.dense_window
        )
        if age is not None and not status.is_terminal and not near_prediction:
            delay = min(delay, max(self.min_interval, age * self.young_growth))
        if remaining is not None:
            delay = min(delay, max(remaining, 0.0))
        return delay

    def _predicted_delay(self, left: float) -> float:
        """Rule 2: half the way to the predicted finish, then at it, then densely while overdue."""
        dense = min(self.dense_interval, self.near_done_interval)
        if left > self.dense_window:
            return min(max(left * self.eta_fraction, self.min_interval), self.cap)
        if left > 0:
            return max(left + self.finish_margin, self.finish_floor)
        if -left > self.dense_overdue:
            return self.near_done_interval
        # overdue: the prediction was early (progress slowing down near the end); look less often
        # the longer it lasts, so a slow finish costs a few requests, not one every dense_interval
        return min(dense + self.overdue_growth * -left, self.overdue_max, self.near_done_interval)

    @staticmethod
    def has_eta(status: TaskStatus, running_left_time: int | None) -> bool:
        """Whether a poll result counts as "with ETA" (resets the blind back-off)."""
        return status is TaskStatus.RUNNING and running_left_time is not None and running_left_time >= 0


class ProgressEstimator:
    """Predicts when a running task finishes from the progress values polled so far.

    Why: apiv3 sends no ETA, but its progress (0-99 while running) moves at a fairly steady rate
    per task, so two looks at it say roughly when it ends. The rate is taken over the *latest*
    ``min_step`` points of progress seen, so a curve that slows down near the end (most do) is
    followed, and whole-percent rounding does not dominate. Pure bookkeeping: the caller passes
    the clock reading of each poll (tests drive it without a clock).

    The numbers (here and in :class:`PollSchedule`) were tuned on linear, eased and front-loaded
    progress curves of 3-60 s tasks (``bench/completion.py``): p95 lateness under 1 s with one
    task or fifty, and under 0.2 list requests per active task-second with ten.
    """

    min_step = 5

    def __init__(self) -> None:
        self._samples: list[tuple[float, int]] = []

    def observe(self, now: float, status: TaskStatus, progress: int) -> None:
        """Record one poll's answer (only running states with a new progress value count)."""
        if status is TaskStatus.QUEUED:
            self._samples.clear()  # (re-)queued: an earlier run's rate means nothing
        if status is not TaskStatus.RUNNING:
            return
        if self._samples and progress < self._samples[-1][1]:
            self._samples.clear()  # progress went back: start over
        if not self._samples or progress != self._samples[-1][1]:
            self._samples.append((now, progress))

    def left(self, now: float) -> float | None:
        """Seconds until the predicted finish (negative: overdue), or None without a rate yet."""
        if len(self._samples) < 2:
            return None
        t_last, p_last = self._samples[-1]
        anchor_t, anchor_p = self._samples[0]
        for t, p in reversed(self._samples[:-1]):
            if p_last - p >= self.min_step:
                anchor_t, anchor_p = t, p
                break
        if t_last <= anchor_t or p_last <= anchor_p:
            return None
        rate = (p_last - anchor_p) / (t_last - anchor_t)
        return t_last + (100 - p_last) / rate - now
