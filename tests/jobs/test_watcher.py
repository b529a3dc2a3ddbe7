"""Polling on apiv3: every running job is followed with one ``POST /v3/tasks/list`` per round, and
a task the service does not know ends its job with a sentence that says why — never a resend."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.emulator import Emulator
from tests.jobs.conftest import Pump, polls_of, post_task_count
from tripo_blender.jobs import Job, JobBusyError, JobSpec, JobState, Journal, Runner

MakeRunner = Callable[..., Runner]


def _text(i: int) -> JobSpec:
    return JobSpec("text_to_model", {"prompt": f"chair number {i}"}, name=f"Chair {i}")


def test_ten_running_jobs_share_each_poll(emulator: Emulator, make_runner: MakeRunner) -> None:
    emulator.set_timing(run_seconds=1000)
    runner = make_runner()
    pump = Pump(runner)
    jobs = [runner.submit(_text(i)) for i in range(10)]
    pump.until(lambda: all(pump.job(j.id).state == JobState.RUNNING for j in jobs), what="all running")
    task_ids = {pump.job(j.id).task_id for j in jobs}
    rounds = len(polls_of(emulator))
    pump.until(lambda: len(polls_of(emulator)) >= rounds + 2, what="two more rounds")
    # a round after all ten were running asks for all ten at once
    assert set(polls_of(emulator)[-1].json["task_ids"]) == task_ids
    assert emulator.requests_to("GET", "/v3/tasks/") == [], "no job polls on its own"
    emulator.advance(1000)
    pump.until(lambda: all(pump.job(j.id).state == JobState.DONE for j in jobs), what="all done")
    assert post_task_count(emulator) == 10
    # each round served every job: far fewer requests than one per job per round
    assert len(polls_of(emulator)) == runner.poll_rounds


def _journaled(tmp_path: Path, job: Job, *, v2: bool) -> None:
    data = job.to_dict()
    if v2:
        del data["api"]  # what add-on 0.1 wrote
    Journal(tmp_path / "journal").save(Job.from_dict(data))


def test_a_v2_era_job_is_looked_up_once_and_says_its_result_is_gone(
    tmp_path: Path, emulator: Emulator, make_runner: MakeRunner
) -> None:
    v2_task = "1ec04b2e-0000-4000-8000-00000000dead"  # apiv3 knows no v2 task: 2001
    running = Job(
        id="v2job",
        spec=_text(1),
        state=JobState.RUNNING,
        created_at=1.0,
        updated_at=1.0,
        task_id=v2_task,
        task_status="running",
        progress=40,
    )
    _journaled(tmp_path, running, v2=True)
    runner = make_runner()
    (loaded,) = runner.resume()
    assert loaded.api_version == 2
    failed = Pump(runner).until_state("v2job", JobState.FAILED)
    assert failed.error is not None and failed.error.code == 2001
    assert "retired v2 API" in failed.error.message and "no longer available" in failed.error.message
    assert failed.note == "no longer on Tripo" and failed.task_gone and not failed.can_retry
    assert polls_of(emulator, v2_task) and post_task_count(emulator) == 0, "looked up, never sent again"


def test_an_apiv3_task_past_retention_fails_with_the_reason_and_retry_only_looks_again(
    emulator: Emulator, make_runner: MakeRunner
) -> None:
    emulator.set_timing(run_seconds=1000)
    runner = make_runner()
    pump = Pump(runner)
    job = runner.submit(_text(2))
    task_id = pump.until_state(job.id, JobState.RUNNING).task_id
    assert task_id is not None
    emulator.forget_task(task_id)
    failed = pump.until_state(job.id, JobState.FAILED)
    assert failed.error is not None and "about 7 days" in failed.error.message
    assert failed.can_retry and not failed.retry_resends

    def retried() -> bool:  # as the Retry button does: the worker may still be letting go of the job
        try:
            runner.retry(job.id)
        except JobBusyError:
            return False
        return True

    pump.until(retried, what="the retry to be accepted")
    assert pump.until_state(job.id, JobState.FAILED).task_id == task_id
    assert post_task_count(emulator) == 1, "Retry looked for the same task; nothing was paid twice"
