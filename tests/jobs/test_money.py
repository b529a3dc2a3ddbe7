"""Money: no code path sends a second creation POST for one job unless Tripo said the first
created nothing and the user then confirmed a Retry. Real emulator over HTTP, real runner."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.emulator import Emulator
from tests.jobs.conftest import Pump, post_task_count, task_id_on_disk
from tripo_blender.jobs import JobSpec, JobState, Runner

RELIABILITY_AREA = "Money"

MakeRunner = Callable[..., Runner]
TEXT = JobSpec("text_to_model", {"prompt": "a small wooden chair"}, name="Chair")


def test_disable_enable_mid_post_shows_the_task_the_journal_got_without_a_retry(
    tmp_path: Path, emulator: Emulator, make_runner: MakeRunner
) -> None:
    """Disable + enable with the POST on the wire: the task id the old worker journals is shown at once."""
    # created; the answer comes late (3 s: room for a loaded machine to disable, enable and read first)
    emulator.inject("POST /v3/generation/", after=True, delay=3.0)
    first = make_runner()
    job = first.submit(TEXT)
    Pump(first).until(lambda: post_task_count(emulator) == 1, what="the POST on the wire")
    first.shutdown(timeout=0)  # add-on disabled: the worker still waits for the answer
    second = make_runner()  # enabled again, same journal
    pump = Pump(second)
    pump.resume()  # read on a thread, as Blender does
    assert pump.job(job.id).state == JobState.UNCERTAIN and pump.job(job.id).task_id is None
    task_id = task_id_on_disk(tmp_path / "journal", job.id)  # the old worker recorded the answer
    pump.until(lambda: pump.job(job.id).task_id == task_id, timeout=2.0, what="the journal's task id shown")
    done = pump.until_state(job.id, JobState.DONE)
    assert done.task_id == task_id and post_task_count(emulator) == 1 and len(emulator.tasks) == 1
    assert not emulator.requests_to("GET", "/v3/account/usage"), "the journal said it: nothing to look up"


def test_retry_of_uncertain_job_looks_up_recent_tasks_before_paying(
    emulator: Emulator, make_runner: MakeRunner
) -> None:
    emulator.inject("POST /v3/generation/", after=True, delay=3.0)
    runner = make_runner(read_timeout=0.5)
    pump = Pump(runner)
    job = runner.submit(TEXT)
    assert pump.until_state(job.id, JobState.UNCERTAIN, JobState.DONE, JobState.FAILED).state == JobState.UNCERTAIN
    pump.until(lambda: not runner.has_active(), what="the run to end")
    runner.retry(job.id)
    done = pump.until_state(job.id, JobState.DONE, JobState.FAILED)
    assert done.state == JobState.DONE and post_task_count(emulator) == 1
    assert emulator.requests_to("GET", "/v3/account/usage")


def test_nothing_found_is_never_resent_by_retry_only_by_a_confirmed_send_again(
    emulator: Emulator, make_runner: MakeRunner
) -> None:
    """Nothing found after the settle window: Retry only looks again; Send Again alone pays (twice, maybe)."""
    from dataclasses import replace

    from tests.jobs.conftest import FAST
    from tripo_blender.jobs.verify import ABSENT, lookup_of

    emulator.inject("POST /v3/generation/", drop=True)  # the connection dies; nothing was created
    runner = make_runner(max_retries=0, settings=replace(FAST, settle_window=0.3, lookup_interval=0.05))
    pump = Pump(runner)
    job = runner.submit(TEXT)
    first = pump.until_state(job.id, JobState.UNCERTAIN, JobState.FAILED, JobState.DONE)
    assert first.state == JobState.UNCERTAIN and not first.retry_resends
    pump.until(lambda: not runner.has_active(), what="the run to end")
    for _ in range(2):  # a second Retry looks again: it never turns into a paid request
        runner.retry(job.id)
        pump.until(lambda: not runner.has_active(), what="the look-up to end")
        absent = pump.job(job.id)
        found = lookup_of(absent)
        assert absent.state == JobState.UNCERTAIN and absent.task_id is None and not absent.retry_resends
        assert found is not None and found.phase == ABSENT
        assert "not created" not in absent.note.lower() and "not charged" not in absent.note.lower()
        assert post_task_count(emulator) == 1 and len(emulator.tasks) == 0
    runner.send_again(job.id)  # the artist confirmed "Send Again — may charge a second time"
    done = pump.until_state(job.id, JobState.DONE)
    assert post_task_count(emulator) == 2 and len(emulator.tasks) == 1 and done.attempts == 2


def _refusing(emulator: Emulator, retry_after: int) -> None:
    """Every creation POST is refused with 429/1007 (nothing created) until the faults are cleared."""
    emulator.inject("POST /v3/generation/", times=None, status=429, code=1007, retry_after=retry_after)


def test_cancel_during_a_429_back_off_sends_nothing_more(emulator: Emulator, make_runner: MakeRunner) -> None:
    _refusing(emulator, retry_after=30)  # the HTTP layer would sleep 30 s, then resend
    runner = make_runner(max_retries=4)
    pump = Pump(runner)
    job = runner.submit(TEXT)
    pump.until(lambda: post_task_count(emulator) == 1, what="the refused POST")
    assert runner.cancel(job.id)
    pump.until(lambda: runner.in_flight == 0, timeout=5.0, what="the back-off to end at the cancel")
    emulator.clear_faults()
    assert post_task_count(emulator) == 1 and len(emulator.tasks) == 0
    assert pump.job(job.id).state == JobState.CANCELLED


def test_online_access_off_during_a_429_back_off_holds_the_post(emulator: Emulator, make_runner: MakeRunner) -> None:
    _refusing(emulator, retry_after=30)
    runner = make_runner(max_retries=4)
    pump = Pump(runner)
    job = runner.submit(TEXT)
    pump.until(lambda: post_task_count(emulator) == 1, what="the refused POST")
    runner.pause_network("online access is off")
    pump.until(lambda: runner.held_by_pause == 1, timeout=5.0, what="the worker to stop at the pause")
    assert post_task_count(emulator) == 1 and pump.job(job.id).state == JobState.PENDING
    emulator.clear_faults()
    runner.resume_network()
    done = pump.until_state(job.id, JobState.DONE)
    assert post_task_count(emulator) == 2 and len(emulator.tasks) == 1 and done.attempts == 1


def test_a_day_long_retry_after_is_capped_and_shown(emulator: Emulator, make_runner: MakeRunner) -> None:
    from dataclasses import replace

    from tests.jobs.conftest import FAST
    from tripo_blender.jobs import JobChanged

    emulator.inject("POST /v3/generation/", status=429, code=1007, retry_after=86400)
    runner = make_runner(max_retries=0, settings=replace(FAST, max_retry_after=0.3))
    pump = Pump(runner)
    job = runner.submit(TEXT)
    done = pump.until_state(job.id, JobState.DONE, timeout=10.0)
    assert done.task_id and post_task_count(emulator) == 2
    notes = [e.job.note for e in pump.events if isinstance(e, JobChanged) and e.job.id == job.id]
    assert any(n.startswith("too many requests, waiting (about ") for n in notes), notes


def test_cancel_stops_a_trickling_download_at_once(emulator: Emulator, make_runner: MakeRunner) -> None:
    emulator.inject("CDN", times=None, trickle=0.2)  # 5 KiB/s: the model would take many seconds
    runner = make_runner()
    pump = Pump(runner)
    job = runner.submit(TEXT)
    pump.until(
        lambda: pump.job(job.id).state == JobState.DOWNLOADING and len(emulator.cdn_requests) == 1,
        what="the download to start",
    )
    folder = runner.cache.folder(pump.job(job.id).task_id or "")
    assert [p.name for p in folder.iterdir() if p.suffix == ".part"], "the download is streaming into its temp file"
    assert runner.cancel(job.id)
    # the worker leaving the download is what removes its temp file
    pump.until(lambda: not [p for p in folder.iterdir()], timeout=3.0, what="the worker to leave the download")
    cancelled = pump.job(job.id)
    assert cancelled.state == JobState.CANCELLED and cancelled.task_id and post_task_count(emulator) == 1


def test_online_access_off_stops_a_trickling_download_at_once(emulator: Emulator, make_runner: MakeRunner) -> None:
    emulator.inject("CDN", times=1, trickle=0.2)
    runner = make_runner()
    pump = Pump(runner)
    job = runner.submit(TEXT)
    pump.until(
        lambda: pump.job(job.id).state == JobState.DOWNLOADING and len(emulator.cdn_requests) == 1,
        what="the download to start",
    )
    runner.pause_network("online access is off")
    pump.until(lambda: runner.held_by_pause == 1, timeout=3.0, what="the worker to stop receiving")
    runner.resume_network()
    done = pump.until_state(job.id, JobState.DONE)
    assert done.files and len(emulator.tasks) == 1


def test_online_access_off_during_a_download_retry_after_a_503_holds_the_download(
    emulator: Emulator, make_runner: MakeRunner, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="tripo_blender.client")
    emulator.inject("CDN", status=503, retry_after=30)  # the file server is busy: come back in 30 s
    runner = make_runner()
    pump = Pump(runner)
    job = runner.submit(TEXT)
    pump.until(lambda: "retry 1 of 4 in 30" in caplog.text, what="the refused download and its 30 s wait")
    runner.pause_network("online access is off")
    pump.until(lambda: runner.held_by_pause == 1, timeout=3.0, what="the worker to stop waiting and hold")
    assert len(emulator.cdn_requests) == 1, "no download retry leaves while online access is off"
    runner.resume_network()
    done = pump.until_state(job.id, JobState.DONE, timeout=10.0)
    assert done.files and len(emulator.cdn_requests) >= 2 and post_task_count(emulator) == 1


def _running(emulator: Emulator, make_runner: MakeRunner, **kwargs: object) -> tuple[Runner, Pump, str]:
    emulator.set_timing(run_seconds=1000)
    runner = make_runner(**kwargs)
    pump = Pump(runner)
    job = runner.submit(TEXT)
    pump.until_state(job.id, JobState.RUNNING)
    return runner, pump, job.id


def test_malformed_poll_answers_are_transient_and_the_job_finishes(emulator: Emulator, make_runner: MakeRunner) -> None:
    runner, pump, job_id = _running(emulator, make_runner)
    emulator.inject("POST /v3/tasks/list", times=2, status=200, malform="null-data")
    emulator.inject("POST /v3/tasks/list", times=2, status=200, malform="no-status")
    pump.until(lambda: not emulator._faults._faults, what="the malformed answers to be served")
    assert pump.job(job_id).state == JobState.RUNNING
    emulator.advance(2000)
    done = pump.until_state(job_id, JobState.DONE, JobState.FAILED)
    assert done.state == JobState.DONE and post_task_count(emulator) == 1


def test_a_stalled_server_gives_up_after_the_bound_and_retry_resumes_free(
    emulator: Emulator, make_runner: MakeRunner
) -> None:
    from dataclasses import replace

    from tests.jobs.conftest import FAST

    runner, pump, job_id = _running(emulator, make_runner, max_retries=0, settings=replace(FAST, stall_limit=1.0))
    emulator.inject("POST /v3/tasks/list", times=None, status=503, code=1000)
    failed = pump.until_state(job_id, JobState.FAILED, timeout=10.0)
    assert failed.note == "no answer from Tripo; gave up waiting" and failed.task_id and not failed.retry_resends
    emulator.clear_faults()
    emulator.advance(2000)
    pump.until(lambda: not runner.has_active(), what="the run to end")
    runner.retry(job_id)
    done = pump.until_state(job_id, JobState.DONE)
    assert done.task_id == failed.task_id and post_task_count(emulator) == 1


def test_cancel_while_the_post_is_on_the_wire_with_no_answer_is_uncertain_not_resendable(
    emulator: Emulator, make_runner: MakeRunner
) -> None:
    # created; the answer comes late (3 s: room for a loaded machine to disable, enable and read first)
    emulator.inject("POST /v3/generation/", after=True, delay=3.0)
    runner = make_runner(read_timeout=0.5)
    pump = Pump(runner)
    job = runner.submit(TEXT)
    pump.until(lambda: post_task_count(emulator) == 1, what="the POST on the wire")
    assert runner.cancel(job.id)  # lands during the POST (→ uncertain) or just after it timed out (→ dismissed)
    pump.until(lambda: runner.in_flight == 0, timeout=10.0, what="the POST's run to end")
    settled = pump.job(job.id)
    assert settled.state in (JobState.UNCERTAIN, JobState.CANCELLED) and settled.task_id is None
    assert settled.post_unsure and not settled.retry_resends
    runner.retry(job.id)  # asks Tripo: the task exists, so it is followed, not paid again
    done = pump.until_state(job.id, JobState.DONE)
    assert post_task_count(emulator) == 1 and len(emulator.tasks) == 1 and done.task_id in emulator.tasks


def test_an_uncertain_job_dismissed_by_cancel_still_asks_before_paying() -> None:
    """Uncertain, then cancelled (dismissed): Retry still asks Tripo first (an old journal's "not created" aside)."""
    from tripo_blender.jobs.model import NOT_CREATED_NOTE, Job, advance

    job = Job(id="j", spec=TEXT, state=JobState.PENDING, created_at=1.0, updated_at=1.0)
    job = advance(job, JobState.SUBMITTING, at=2.0, note="sending", attempts=1)
    job = advance(job, JobState.UNCERTAIN, at=3.0, note="may have been sent")
    dismissed = advance(job, JobState.CANCELLED, at=4.0, note="cancelled by you")
    assert dismissed.post_unsure and not dismissed.retry_resends and dismissed.may_send_again
    absent = advance(job, JobState.FAILED, at=5.0, note=NOT_CREATED_NOTE)
    assert not absent.post_unsure and absent.retry_resends
