"""The one poller every job waits on cannot be stopped: not by a task id that is no Tripo id (from a
POST answer or the journal), a task Tripo lists a moment late, a service without
``POST /v3/tasks/list``, an answer in the array shape of the other official SDKs, nor a bug in a
round (docs/sources.md#task-list; issue 20 "Stuck or failed jobs", issue 21 "tolerant reader")."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from tests.emulator import Emulator, Recorded
from tests.jobs.conftest import Pump, polls_of, post_task_count
from tripo_blender.client import BatchTaskResult, TripoClient
from tripo_blender.jobs import Job, JobSpec, JobState, Journal, Runner, TimelineEntry

RELIABILITY_AREA = "Lost or half work"

MakeRunner = Callable[..., Runner]
#: POST answers whose task id is no Tripo task id (``{id}``: the real one), as the cases name them.
MALFORMED = {"a leading space": " {id}", "a path": "../../x"}


def _chairs(runner: Runner, count: int) -> list[Job]:
    return [runner.submit(JobSpec("text_to_model", {"prompt": f"chair {i}"}, name=f"Chair {i}")) for i in range(count)]


def _landed(pump: Pump, jobs: Sequence[Job]) -> None:
    """Every job of ``jobs`` ends done, with its files imported."""
    pump.until(lambda: all(pump.job(j.id).state in (JobState.DONE, JobState.FAILED) for j in jobs), what="all final")
    assert [(j.name, pump.job(j.id).state, pump.job(j.id).error) for j in jobs] == [
        (j.name, JobState.DONE, None) for j in jobs
    ]
    assert all(j.id in pump.imported for j in jobs)


def _carried(emulator: Emulator, raw: str) -> list[Recorded]:
    """Requests whose path or body carries ``raw`` (a refused id must be in none)."""
    return [r for r in emulator.requests if raw in r.path or raw.encode() in (r.body or b"")]


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_malformed_task_id_in_a_post_answer_leaves_every_other_job_landing(
    emulator: Emulator, make_runner: MakeRunner, case: str
) -> None:
    """A POST answer naming a task id that is no Tripo id: that job is uncertain with the id quoted and in no
    request; the others land"""
    emulator.set_timing(run_seconds=1000)
    emulator.variants.answer_task_id(MALFORMED[case])
    runner = make_runner()
    pump = Pump(runner)
    jobs = _chairs(runner, 4)
    pump.until(
        lambda: (
            sum(pump.job(j.id).state == JobState.UNCERTAIN for j in jobs) == 1
            and sum(pump.job(j.id).state == JobState.RUNNING for j in jobs) == 3
        ),
        what="3 running, 1 refused",
    )
    (bad,) = [pump.job(j.id) for j in jobs if pump.job(j.id).state == JobState.UNCERTAIN]
    raw = MALFORMED[case].replace("{id}", next(iter(emulator.tasks)))
    assert bad.task_id is None and bad.error is not None and repr(raw) in bad.error.message
    assert "not a valid Tripo task id" in bad.error.message and not bad.retry_resends
    emulator.advance(1000)
    _landed(pump, [j for j in jobs if j.id != bad.id])
    assert _carried(emulator, raw) == [] and post_task_count(emulator) == 4, "never followed, never resent"


def test_a_malformed_task_id_in_the_journal_leaves_every_other_job_landing_after_a_restart(
    tmp_path: Path, emulator: Emulator, make_runner: MakeRunner
) -> None:
    """A journal entry with a task id that is no Tripo id (an older add-on's): refused on load, uncertain;
    after the restart every other job lands"""
    emulator.set_timing(run_seconds=1000)
    first = make_runner()
    pump = Pump(first)
    jobs = _chairs(first, 3)
    pump.until(lambda: all(pump.job(j.id).state == JobState.RUNNING for j in jobs), what="all running")
    first.shutdown()
    # what an older add-on recorded from such an answer (then its poller died on it)
    sent = [TimelineEntry(1.0, JobState.SUBMITTING, "sending"), TimelineEntry(2.0, JobState.QUEUED, "")]
    Journal(tmp_path / "journal").save(
        Job(
            id="bad",
            spec=JobSpec("text_to_model", {"prompt": "a ghost"}),
            state=JobState.QUEUED,
            created_at=1.0,
            updated_at=2.0,
            task_id="../../x",
            task_status="queued",
            timeline=tuple(sent),
        )
    )
    runner = make_runner()
    pump = Pump(runner)
    assert len(pump.resume()) == 4  # read on a thread, as Blender does
    bad = runner.job("bad")
    assert bad is not None and bad.state == JobState.UNCERTAIN and bad.task_id is None
    assert bad.error is not None and "'../../x'" in bad.error.message and bad.note == "task id refused"
    emulator.advance(1000)
    _landed(pump, jobs)
    assert _carried(emulator, "../../x") == [] and post_task_count(emulator) == 3
    assert Journal(tmp_path / "journal").load("bad").task_id is None  # type: ignore[union-attr]


def test_a_task_tripo_lists_a_moment_late_is_polled_again_and_lands(
    emulator: Emulator, make_runner: MakeRunner
) -> None:
    """A fresh task Tripo answers as missed for its first seconds is asked again, not failed, and lands"""
    emulator.hold_registration()  # created and billed, but missed until released
    runner = make_runner()
    pump = Pump(runner)
    job = runner.submit(JobSpec("text_to_model", {"prompt": "a lamp"}, name="Lamp"))
    task_id = pump.until_state(job.id, JobState.QUEUED).task_id
    assert task_id is not None
    pump.until(lambda: len(polls_of(emulator, task_id)) >= 3, what="three polls answered 'missed'")
    assert pump.job(job.id).state == JobState.QUEUED and pump.job(job.id).error is None
    emulator.release_registration()
    _landed(pump, [job])
    assert post_task_count(emulator) == 1


@pytest.mark.parametrize("shape", ["gone-404", "gone-405"])
def test_without_the_task_list_route_every_job_lands_by_single_task_gets(
    emulator: Emulator, make_runner: MakeRunner, shape: str
) -> None:
    """POST /v3/tasks/list answering 404 or 405: the session polls each task with GET /v3/tasks/{id}, and every
    job lands"""
    emulator.variants.task_list = shape
    emulator.set_timing(run_seconds=1000)
    runner = make_runner()
    pump = Pump(runner)
    jobs = _chairs(runner, 3)
    pump.until(lambda: all(pump.job(j.id).state == JobState.RUNNING for j in jobs), what="all running")
    task_ids = {pump.job(j.id).task_id for j in jobs}
    assert {r.path.rsplit("/", 1)[-1] for r in emulator.requests_to("GET", "/v3/tasks/")} == task_ids
    emulator.advance(1000)
    _landed(pump, jobs)
    assert len(polls_of(emulator)) == 1, "after the first 404/405 this session asks each task instead"
    assert post_task_count(emulator) == 3


def test_with_the_task_list_as_an_array_every_job_lands_and_a_gone_task_still_says_so(
    emulator: Emulator, make_runner: MakeRunner
) -> None:
    """The task list answered as an array (no missed): every job lands; a forgotten task is asked alone and
    fails as gone"""
    emulator.variants.task_list = "array"
    emulator.set_timing(run_seconds=1000)
    runner = make_runner()
    pump = Pump(runner)
    jobs = _chairs(runner, 4)
    pump.until(lambda: all(pump.job(j.id).state == JobState.RUNNING for j in jobs), what="all running")
    gone = jobs.pop()
    emulator.forget_task(pump.job(gone.id).task_id)  # type: ignore[arg-type]
    failed = pump.until_state(gone.id, JobState.FAILED)
    assert failed.error is not None and "about 7 days" in failed.error.message
    assert emulator.requests_to("GET", f"/v3/tasks/{failed.task_id}"), "asked alone before counting as unknown"
    emulator.advance(1000)
    _landed(pump, jobs)


def test_the_main_flows_land_with_the_task_list_as_an_array_and_decimal_credits(
    emulator: Emulator, make_runner: MakeRunner
) -> None:
    """Text to model, its riggability check and its rig land with the task list as an array; a decimal charge
    stays decimal

    The model is downloaded and imported, credits come as decimal text ("30.25"), times with a space."""
    emulator.variants.task_list = "array"
    emulator.variants.decimal_credits = True
    emulator.time_format = "space-offset"
    runner = make_runner()
    pump = Pump(runner)
    (model,) = _chairs(runner, 1)
    _landed(pump, [model])
    source = pump.job(model.id).task_id
    assert pump.job(model.id).consumed_credit == float(emulator.tasks[source]["credits_consumed"])  # type: ignore[index]
    assert pump.job(model.id).consumed_credit % 1 == 0.25  # type: ignore[operator]
    emulator.set_riggable(True, "biped")
    check = runner.submit(JobSpec("check_riggable", {"original_model_task_id": source}))
    assert pump.until_state(check.id, JobState.DONE).result["riggable"] is True
    rig = runner.submit(JobSpec("rig_model", {"original_model_task_id": source}, name="Chair rig"))
    _landed(pump, [rig])
    assert len(polls_of(emulator)) == runner.poll_rounds and post_task_count(emulator) == 3


class _BuggyOnce(TripoClient):
    """A client whose first task-list call for three tasks fails with an error no code expects (a bug)."""

    failed = False

    def list_tasks(self, task_ids: Sequence[str]) -> BatchTaskResult:
        if len(task_ids) == 3 and not _BuggyOnce.failed:
            _BuggyOnce.failed = True
            raise KeyError("a bug in one round")
        return super().list_tasks(task_ids)


def test_an_unexpected_error_in_a_round_restarts_the_poller_and_every_job_lands(
    emulator: Emulator, make_runner: MakeRunner, caplog: pytest.LogCaptureFixture
) -> None:
    """An unexpected exception in a polling round is logged, the poller restarts, and every job lands"""
    _BuggyOnce.failed = False
    emulator.set_timing(run_seconds=1000)
    runner = make_runner(client_class=_BuggyOnce)
    pump = Pump(runner)
    jobs = _chairs(runner, 3)
    pump.until(
        lambda: all(pump.job(j.id).state == JobState.RUNNING for j in jobs) and _BuggyOnce.failed,
        what="all running after the failed round",
    )
    assert "The task poller failed; restarting it" in caplog.text
    emulator.advance(1000)
    _landed(pump, jobs)
    assert post_task_count(emulator) == 3
