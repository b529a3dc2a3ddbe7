"""The polling schedule of ``wait_for_task``, as a pure function.

Why not a fixed interval or SDK 0.3.0's schedule: the SDK slept ``max(2, 0.5 * ETA)`` (one long
sleep for a long ETA) or *doubled without a cap* when there was no ETA (2, 4, … 64 s), and it only
checked the timeout before each poll, overshooting by a whole sleep (§8 #3). Users then see a
finished model minutes late.

The rules (all numbers are fields of :class:`PollSchedule`):

1. **Running with an ETA** (``running_left_time`` > 0): sleep half the ETA, clamped to
   [``min_interval``, cap]. Halving converges on the finish time, so an accurate ETA gets the
   result noticed within ``near_done_interval`` (~1 s) of the end; once the ETA is at most
   ``near_done_eta`` seconds, the sleep is never longer than ``near_done_interval``.
2. **Running, ETA 0 (overdue) or progress ≥ ``near_done_progress`` without an ETA**: the task is
   about to finish; poll every ``near_done_interval``.
3. **Otherwise** (queued, or no usable ETA): start at the caller's ``polling_interval`` and grow by
   ``backoff`` per consecutive blind poll, up to the cap. The cap is ``max_interval`` (10 s), or the
   caller's interval if that is larger — we never poll *more* often than asked when blind, and never
   let a missing ETA stretch the gap past the cap.
4. **Deadline**: the sleep never extends past the remaining time, so ``timeout`` is honoured to the
   precision of one HTTP round trip.

The first poll happens immediately (the caller does that; this function computes only the gap
*after* a poll).
"""

from __future__ import annotations

from dataclasses import dataclass

from .enums import TaskStatus

__all__ = ["PollSchedule"]


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
    ) -> float:
        """Seconds to wait before the next poll.

        ``blind_polls`` is the number of consecutive earlier polls that had no usable ETA (0 for the
        first); ``remaining`` is the time left before the caller's deadline, or None.
        """
        eta = running_left_time if running_left_time is not None and running_left_time >= 0 else None
        if status is TaskStatus.RUNNING and eta is not None and eta > 0:
            delay = min(max(eta * self.eta_fraction, self.min_interval), self.cap)
            if eta <= self.near_done_eta:
                delay = min(delay, self.near_done_interval)
        elif status is TaskStatus.RUNNING and (eta == 0 or progress >= self.near_done_progress):
            delay = self.near_done_interval
        else:
            delay = min(self.base_interval * self.backoff ** max(blind_polls, 0), self.cap)
        if remaining is not None:
            delay = min(delay, max(remaining, 0.0))
        return delay

    @staticmethod
    def has_eta(status: TaskStatus, running_left_time: int | None) -> bool:
        """Whether a poll result counts as "with ETA" (resets the blind back-off)."""
        return status is TaskStatus.RUNNING and running_left_time is not None and running_left_time >= 0
