"""The creation stamp a result carries (``rules.tags.created_tags``), without Blender.

Why it matters: the right-click menu sends a result older than Tripo's retention as an upload of
its mesh instead of as a task Tripo forgot, so a stamp must never make a task look younger
than it is.
"""

from __future__ import annotations

import pytest

from tripo_blender.jobs.kinds import FOLLOW_KIND
from tripo_blender.jobs.model import TASK_CREATED_KEY
from tripo_blender.rules.tags import TASK_CREATED_PROP, created_tags, task_age_days

SENT = 1_790_000_000.0
DAY = 24 * 3600


def test_an_own_job_is_stamped_when_it_was_sent() -> None:
    assert created_tags("text_to_model", SENT, {TASK_CREATED_KEY: SENT - 99}) == {TASK_CREATED_PROP: int(SENT)}


def test_a_followed_task_is_stamped_with_tripos_time_for_it() -> None:
    made_last_week = SENT - 6 * DAY
    stamp = created_tags(FOLLOW_KIND, SENT, {TASK_CREATED_KEY: made_last_week})
    assert stamp == {TASK_CREATED_PROP: int(made_last_week)}
    assert task_age_days(stamp[TASK_CREATED_PROP], now=SENT) == pytest.approx(6)


@pytest.mark.parametrize("reported", [None, 0, -5, True, "2026-12-01T00:00:00Z"])
def test_a_followed_task_without_a_usable_time_stays_unstamped(reported: object) -> None:
    result = {} if reported is None else {TASK_CREATED_KEY: reported}
    assert created_tags(FOLLOW_KIND, SENT, result) == {}, "never younger than it is: no stamp at all"
