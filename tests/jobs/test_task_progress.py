"""Progress after a restart tells the truth (issue 22.6).

Three resumed 40 s tasks read "Running 99 %, 10 s so far" and landed 11 s later: the first poll
after the restart (75 %) was taken as the task's start, so 75 % looked reached in no time. The
task's start is now Tripo's ``created_at`` on this machine's clock (the server's clock offset
from its ``Date`` header), kept in the journal; the bar and "so far" count from it.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.emulator import TEST_KEY, Emulator
from tests.jobs.conftest import Pump
from tripo_blender.client import TripoClient
from tripo_blender.jobs import Job, JobSpec, JobState, Journal, Runner, TimelineEntry
from tripo_blender.jobs.progress import MAX_GUESS, running_since, shown_progress, task_start

MakeRunner = Callable[..., Runner]
ISO = "2026-12-07T12:00:00Z"
CREATED = 1796644800.0  # ISO in Unix seconds


def test_the_start_is_tripos_creation_on_this_machines_clock() -> None:
    assert task_start(ISO, clock_offset=None, seen_running=CREATED + 30) == CREATED
    assert task_start(ISO, clock_offset=120.0, seen_running=CREATED) == CREATED - 120, "Tripo's clock 2 min ahead"
    assert task_start(ISO, clock_offset=-3600.0, seen_running=CREATED + 3700) == CREATED + 3600, "an hour behind"


def test_the_start_is_bounded_by_what_this_machine_saw() -> None:
    assert task_start(ISO, clock_offset=None, seen_running=CREATED - 50) == CREATED - 50, (
        "not after it was seen running"
    )
    assert task_start(ISO, clock_offset=None, seen_running=CREATED + 30, not_before=CREATED + 5) == CREATED + 5, (
        "not before the job's own POST left (a skew no Date header showed)"
    )
    assert task_start(ISO, clock_offset=None, seen_running=CREATED + 30, seen_queued=CREATED + 12) == CREATED + 12, (
        "created_at counts the queue: not before the last poll that saw it queued"
    )
    assert task_start("not a time", clock_offset=None, seen_running=CREATED + 30) == CREATED + 30


def _running(progress: int, **changes: object) -> Job:
    now = CREATED + 30
    job = Job(
        id="j1",
        spec=JobSpec("text_to_model", {"prompt": "a cat"}),
        state=JobState.RUNNING,
        created_at=CREATED - 1,
        updated_at=now,
        task_id="t1",
        task_status="running",
        progress=progress,
        timeline=(TimelineEntry(now - 0.01, JobState.RUNNING),),
    )
    return dataclasses.replace(job, **changes)  # type: ignore[arg-type]


def test_a_resumed_task_continues_from_its_own_start_never_jumping_to_99() -> None:
    resumed = _running(75, task_started=CREATED)  # 75 % in 30 s, seen first by this Blender a moment ago
    assert running_since(resumed) == CREATED
    assert shown_progress(resumed, CREATED + 30) == 75
    assert shown_progress(resumed, CREATED + 34) == pytest.approx(85.0), "2.5 %/s carried forward"
    assert shown_progress(resumed, CREATED + 1000) == MAX_GUESS
    # a journal of an older version has no start: a run too short to give a rate is not extrapolated
    old = _running(75)
    assert shown_progress(old, CREATED + 34) == 75, "before: 99 % at once"


def test_the_start_survives_the_journal(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal")
    job = _running(40, task_started=CREATED + 0.25, revision=3)
    journal.save(job)
    loaded = journal.load(job.id)
    assert loaded is not None and loaded.task_started == CREATED + 0.25


@pytest.mark.parametrize("skew", [0.0, -3600.0, 900.0])
def test_after_a_restart_a_task_three_quarters_done_reads_so(
    tmp_path: Path, emulator: Emulator, make_runner: MakeRunner, skew: float
) -> None:
    """A 40 s task 30 s old when this runner starts (Tripo's clock ``skew`` seconds off ours)."""
    emulator.set_timing(run_seconds=40.0)
    emulator.advance(skew)
    with TripoClient(api_key=TEST_KEY, base_url=emulator.base_url) as client:
        task_id = client.text_to_model(prompt="a cat")
    emulator.advance(30.0)  # time passes on Tripo; this machine's clock says it was sent 30 s ago
    sent = time.time() - 30
    before = Job(
        id="resumed",
        spec=JobSpec("text_to_model", {"prompt": "a cat"}),
        state=JobState.RUNNING,
        created_at=sent - 0.1,
        updated_at=sent + 1,
        task_id=task_id,
        task_status="running",
        progress=2,
        timeline=(
            TimelineEntry(sent - 0.1, JobState.PENDING),
            TimelineEntry(sent, JobState.SUBMITTING),
            TimelineEntry(sent + 0.2, JobState.QUEUED),
            TimelineEntry(sent + 1, JobState.RUNNING),
        ),
        revision=5,
    )
    Journal(tmp_path / "journal").save(before)
    runner = make_runner()
    pump = Pump(runner)
    pump.resume()
    pump.until(lambda: pump.job("resumed").progress >= 75, what="the first poll after the restart")
    job = pump.job("resumed")
    assert job.task_started is not None
    assert abs(job.task_started - sent) <= 1.5, "the task's own start, not this runner's first poll"
    now = time.time()
    assert abs((now - running_since(job)) - 30) <= 2, "so far: about 30 s"
    assert shown_progress(job, now + 2) <= 85, "about 2 % a second, not 99 % at once"
    journal = Journal(tmp_path / "journal")
    assert journal.wait_for_writes(10), "the journal write of that change ended"
    saved = journal.load("resumed")
    assert saved is not None and saved.task_started == job.task_started, "journaled: it survives the next restart"
