"""Money: Retry of an uncertain job follows only a task provably its own, and never pays twice
on a guess. Real emulator over HTTP (late registration, skewed clock, other time formats, website
tasks, no echo), real runner; each test is a way the add-on once paid twice or landed the wrong
model (issue 20)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.emulator import Emulator
from tests.jobs import session_proc
from tests.jobs.conftest import FAST, Pump, post_task_count
from tripo_blender.jobs import Job, JobBusyError, JobSpec, JobState, Runner
from tripo_blender.jobs.claims import CLAIMS_FILE
from tripo_blender.jobs.verify import CHOOSE, LOOKING, NOT_FOUND_YET, lookup_of

RELIABILITY_AREA = "Money"

MakeRunner = Callable[..., Runner]
TEXT_ROUTE = "/v3/generation/text-to-model"
#: A settle window far longer than a test: "not found yet" stays what the row says.
SLOW = replace(FAST, settle_window=120.0, lookup_interval=0.05)


def spec(prompt: str) -> JobSpec:
    return JobSpec("text_to_model", {"prompt": prompt}, name=prompt)


def lose_answer(emulator: Emulator, *, created: bool) -> None:
    """The next creation POST gets no answer: the connection drops after Tripo created the task,
    or before it read the request."""
    emulator.inject("POST /v3/generation/", after=created, drop=True)


def uncertain(runner: Runner, pump: Pump, job_spec: JobSpec) -> Job:
    job = runner.submit(job_spec)
    settled = pump.until_state(job.id, JobState.UNCERTAIN, JobState.FAILED, JobState.DONE)
    assert settled.state == JobState.UNCERTAIN and settled.task_id is None
    return settled


def when_free(pump: Pump, action: Callable[[], Any]) -> None:
    """Do ``action`` (retry, send again) once the job's previous run has ended (no JobBusyError)."""

    def done() -> bool:
        try:
            action()
        except JobBusyError:
            return False
        return True

    pump.until(done, what="the previous run to end")


def looked(pump: Pump, job_id: str, *phases: str) -> Job:
    """The job once its look-up reached one of ``phases`` (or it left ``uncertain``)."""

    def reached() -> bool:
        job = pump.job(job_id)
        found = lookup_of(job)
        return job.state != JobState.UNCERTAIN or (found is not None and found.phase in phases)

    pump.until(reached, what=f"a look-up in {phases}")
    return pump.job(job_id)


def says_nothing_untrue(job: Job) -> None:
    """No line of the job claims what no look-up can prove."""
    texts = [job.note, *(t for t in (job.error.message, job.error.suggestion) if job.error for t in [t] if t)]
    for text in texts:
        assert "not created" not in text.lower() and "not charged" not in text.lower(), text


def still_looking(pump: Pump, job_id: str) -> Job:
    """The row says "not found yet": uncertain, no task, nothing to resend."""
    job = looked(pump, job_id, LOOKING)
    assert job.state == JobState.UNCERTAIN and job.task_id is None, (job.state, job.note)
    assert job.note == NOT_FOUND_YET and not job.retry_resends
    says_nothing_untrue(job)
    return job


def test_a_task_registered_after_the_answer_was_lost_is_found_not_paid_twice(
    emulator: Emulator, make_runner: MakeRunner
) -> None:
    """Tripo registers the task seconds after the answer was lost: "not found yet", then followed; one POST."""
    emulator.hold_registration()
    lose_answer(emulator, created=True)
    runner = make_runner(max_retries=0, settings=SLOW)
    pump = Pump(runner)
    job = uncertain(runner, pump, spec("a small wooden chair"))
    when_free(pump, lambda: runner.retry(job.id))
    still_looking(pump, job.id)
    emulator.release_registration()  # the service shows the task now
    done = pump.until_state(job.id, JobState.DONE)
    assert done.task_id in emulator.tasks and post_task_count(emulator) == 1 and len(emulator.tasks) == 1


def test_a_task_registered_late_after_blender_was_killed_mid_post_is_found(
    tmp_path: Path, emulator: Emulator, make_runner: MakeRunner
) -> None:
    """Blender killed while the POST was on the server, task registered late: found after the restart; one POST."""
    emulator.hold_registration()
    emulator.inject("POST /v3/generation/", after=True, delay=30.0)  # created; the kill comes before the answer
    with session_proc.other_session(emulator.base_url, tmp_path, "submitting") as (proc, job_id, _):
        runner = make_runner(settings=SLOW)
        pump = Pump(runner)
        pump.until(lambda: len(emulator.tasks) == 1, what="the POST to reach Tripo")
        session_proc.crash(proc)  # Blender killed while Tripo holds the POST
    assert [j.id for j in runner.resume()] == [job_id]
    restored = pump.job(job_id)
    assert restored.state == JobState.UNCERTAIN and restored.task_id is None
    when_free(pump, lambda: runner.retry(job_id))
    still_looking(pump, job_id)
    emulator.release_registration()
    done = pump.until_state(job_id, JobState.DONE)
    assert done.task_id in emulator.tasks and post_task_count(emulator) == 1


def found_by_retry(emulator: Emulator, make_runner: MakeRunner) -> Job:
    """An answer lost after Tripo created the task, then Retry: the job lands its task, one POST."""
    lose_answer(emulator, created=True)
    runner = make_runner(max_retries=0, settings=SLOW)
    pump = Pump(runner)
    job = uncertain(runner, pump, spec("a small wooden chair"))
    when_free(pump, lambda: runner.retry(job.id))
    done = pump.until_state(job.id, JobState.DONE, JobState.FAILED)
    assert done.state == JobState.DONE and done.task_id in emulator.tasks and post_task_count(emulator) == 1
    return done


def test_a_clock_ten_minutes_ahead_of_tripos_still_finds_the_task(emulator: Emulator, make_runner: MakeRunner) -> None:
    """This machine's clock 10 minutes ahead of Tripo's: the task is found (skew from Date) and recorded; one POST."""
    emulator.advance(-600)  # Tripo's clock (created_at, Date) is 10 minutes behind this machine's
    offset = found_by_retry(emulator, make_runner).lookup.get("clock_offset")
    assert isinstance(offset, float) and -605 < offset < -595, offset  # the skew the match used is kept


def test_two_uncertain_jobs_retried_in_the_wrong_order_each_get_only_their_own(
    emulator: Emulator, make_runner: MakeRunner
) -> None:
    """X created a task, Y did not; Y retried first is not handed X's task, X lands as X; no third POST."""
    runner = make_runner(max_retries=0, settings=SLOW)
    pump = Pump(runner)
    lose_answer(emulator, created=True)
    x = uncertain(runner, pump, spec("a red chair"))
    lose_answer(emulator, created=False)
    y = uncertain(runner, pump, spec("a blue lamp"))
    (x_task,) = emulator.tasks
    when_free(pump, lambda: runner.retry(y.id))
    still_looking(pump, y.id)
    when_free(pump, lambda: runner.retry(x.id))
    done = pump.until_state(x.id, JobState.DONE)
    assert done.task_id == x_task and x.id in pump.imported and y.id not in pump.imported
    assert post_task_count(emulator) == 2 and pump.job(y.id).task_id is None
    when_free(pump, lambda: runner.send_again(y.id))  # the artist confirmed: Y's own, new task
    lamp = pump.until_state(y.id, JobState.DONE)
    assert lamp.task_id != x_task and emulator.tasks[lamp.task_id or ""]["input"]["prompt"] == "a blue lamp"
    assert post_task_count(emulator) == 3 and len(emulator.tasks) == 2


@pytest.mark.parametrize("case", ["created_at with a space and +00:00", "created_at with fractions"])
def test_every_iso_form_of_created_at_is_read(case: str, emulator: Emulator, make_runner: MakeRunner) -> None:
    """Usage and task times in each form Tripo may write them are read: the task is found, one POST"""
    emulator.time_format = "space-offset" if "space" in case else "fraction"
    found_by_retry(emulator, make_runner)


def test_a_website_task_made_two_minutes_earlier_is_not_this_jobs(emulator: Emulator, make_runner: MakeRunner) -> None:
    """The same request made on Tripo's website 2 minutes before is never landed as this job's result."""
    lose_answer(emulator, created=False)
    runner = make_runner(max_retries=0, settings=SLOW)
    pump = Pump(runner)
    job = uncertain(runner, pump, spec("a small wooden chair"))
    (sent,) = emulator.requests_to("POST", TEXT_ROUTE)
    website = emulator.website_task(TEXT_ROUTE, dict(sent.json or {}), age=120)  # same request, earlier
    when_free(pump, lambda: runner.retry(job.id))
    looking = still_looking(pump, job.id)
    assert looking.task_id != website and job.id not in pump.imported and post_task_count(emulator) == 1


@pytest.mark.parametrize("case", ["usage rows without input", "usage rows echoing input"])
def test_a_cleared_done_job_is_not_landed_again_as_another_request(
    case: str, emulator: Emulator, make_runner: MakeRunner
) -> None:
    """ "a cat" done and cleared (Clear Finished), then "a dog" uncertain: the dog never gets the cat's task"""
    emulator.usage_inputs = "echoing" in case
    runner = make_runner(max_retries=0, settings=SLOW)
    pump = Pump(runner)
    cat = runner.submit(spec("a cat"))
    cat_task = pump.until_state(cat.id, JobState.DONE).task_id
    assert runner.forget(cat.id)  # Clear Finished
    lose_answer(emulator, created=False)
    dog = uncertain(runner, pump, spec("a dog"))
    when_free(pump, lambda: runner.retry(dog.id))
    looking = still_looking(pump, dog.id)
    assert looking.task_id != cat_task and dog.id not in pump.imported and len(emulator.tasks) == 1


def cat_twins(emulator: Emulator, runner: Runner) -> tuple[Job, Job, str]:
    """Two "a cat" jobs: B's POST is held, then lost (nothing made); A, sent after it with the same
    request, lands its task. Returns A done, B uncertain, and A's task id."""
    emulator.inject("POST /v3/generation/", delay=1.0, drop=True)
    pump = Pump(runner)
    b = runner.submit(spec("a cat"))
    pump.until(lambda: post_task_count(emulator) == 1, what="B's POST to arrive")
    a = runner.submit(spec("a cat"))
    done = pump.until_state(a.id, JobState.DONE)
    assert done.task_id is not None
    return done, pump.until_state(b.id, JobState.UNCERTAIN), done.task_id


def never_the_twins_task(emulator: Emulator, runner: Runner, b: Job, a_task: str) -> None:
    """B's Retry keeps looking: A's task (the same request, made after B's POST) is never B's."""
    pump = Pump(runner)
    when_free(pump, lambda: runner.retry(b.id))
    looking = still_looking(pump, b.id)
    assert looking.task_id != a_task and len(emulator.tasks) == 1 and post_task_count(emulator) == 2


def test_a_cleared_twin_with_the_same_request_stays_claimed_across_a_restart(
    emulator: Emulator, make_runner: MakeRunner
) -> None:
    """Two "a cat" jobs: the one done is cleared and Blender restarts; its task is never the uncertain twin's."""
    runner = make_runner(max_retries=0, settings=SLOW)
    a, b, a_task = cat_twins(emulator, runner)
    assert runner.forget(a.id)  # Clear Finished
    runner.shutdown()
    again = make_runner(settings=SLOW)  # Blender restarted: A is in no list any more
    again.resume()
    never_the_twins_task(emulator, again, b, a_task)


def test_an_archived_twin_stays_claimed_though_the_journal_predates_the_claims_file(
    tmp_path: Path, emulator: Emulator, make_runner: MakeRunner
) -> None:
    """A done "a cat" is archived when Blender restarts (its journal has no claims file yet): never the
    uncertain twin's task."""
    runner = make_runner(max_retries=0, settings=SLOW)
    a, b, a_task = cat_twins(emulator, runner)
    runner.shutdown()
    claims = tmp_path / "journal" / CLAIMS_FILE
    claims.unlink()  # as a journal written before claimed task ids were kept
    again = make_runner(settings=replace(SLOW, journal_keep_finished=0))  # A is archived on this start
    Pump(again).resume()  # as Blender reads it: on a thread, listed when done
    assert again.job(a.id) is None and again.job(b.id) is not None, "A archived, B listed"
    assert a_task in claims.read_text(), "the archived job's task id is claimed before its entry goes"
    never_the_twins_task(emulator, again, b, a_task)


def test_two_tasks_with_the_same_request_are_listed_for_the_artist_to_pick(
    emulator: Emulator, make_runner: MakeRunner
) -> None:
    """Two tasks match the request (one made elsewhere): none is followed on a guess; the artist picks."""
    lose_answer(emulator, created=True)
    runner = make_runner(max_retries=0, settings=SLOW)
    pump = Pump(runner)
    job = uncertain(runner, pump, spec("a small wooden chair"))
    (own,) = emulator.tasks
    (sent,) = emulator.requests_to("POST", TEXT_ROUTE)
    twin = emulator.website_task(TEXT_ROUTE, dict(sent.json or {}))  # the same request, just after
    when_free(pump, lambda: runner.retry(job.id))
    listed = looked(pump, job.id, CHOOSE)
    found = lookup_of(listed)
    assert listed.state == JobState.UNCERTAIN and listed.task_id is None and found is not None
    assert {c.task_id for c in found.candidates} == {own, twin} and all(c.proven for c in found.candidates)
    when_free(pump, lambda: runner.follow_candidate(job.id, own))
    done = pump.until_state(job.id, JobState.DONE)
    assert done.task_id == own and post_task_count(emulator) == 1


def test_a_task_whose_request_is_not_echoed_is_offered_never_followed(
    emulator: Emulator, make_runner: MakeRunner
) -> None:
    """Tripo echoes no input: the task cannot be proven the job's, so it is listed to pick, not followed."""
    emulator.echo_inputs = False
    lose_answer(emulator, created=True)
    runner = make_runner(max_retries=0, settings=SLOW)
    pump = Pump(runner)
    job = uncertain(runner, pump, spec("a small wooden chair"))
    (own,) = emulator.tasks
    when_free(pump, lambda: runner.retry(job.id))
    listed = looked(pump, job.id, CHOOSE)
    found = lookup_of(listed)
    assert listed.task_id is None and found is not None
    assert [(c.task_id, c.proven) for c in found.candidates] == [(own, False)]
    with pytest.raises(ValueError, match="not one of the tasks"):
        when_free(pump, lambda: runner.follow_candidate(job.id, "0196f4ce-82a8-7ddb-970f-6a940e17c830"))
    runner.follow_candidate(job.id, own)
    assert pump.until_state(job.id, JobState.DONE).task_id == own and post_task_count(emulator) == 1
