"""Following a task that already exists (``Runner.submit(spec, task_id=…)``): no POST, no charge.

Used by the console's ``tripo.import_task(task_id)``: a task made on the website or by another
program is polled, downloaded and handed to the pump like any job of this add-on.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.emulator import TEST_KEY, Emulator
from tests.jobs.conftest import Pump, is_glb, polls_of, post_task_count
from tripo_blender.client import TripoClient
from tripo_blender.jobs import FOLLOW_KIND, FilesReady, JobSpec, JobState, Runner


def _task_made_elsewhere(emulator: Emulator, prompt: str = "a teapot") -> str:
    with TripoClient(api_key=TEST_KEY, base_url=emulator.base_url) as client:
        return client.text_to_model(prompt)


def test_following_a_task_downloads_it_without_sending_anything(
    make_runner: Callable[..., Runner], emulator: Emulator
) -> None:
    task_id = _task_made_elsewhere(emulator)
    posts_before, balance_before = post_task_count(emulator), emulator.balance_of(TEST_KEY)
    runner = make_runner()

    job = runner.submit(JobSpec(FOLLOW_KIND, {"task_id": task_id}, name="Teapot"), task_id=task_id)

    assert (job.state, job.task_id, job.estimated_cost, job.attempts) == (JobState.QUEUED, task_id, 0, 0)
    pump = Pump(runner)
    done = pump.until_state(job.id, JobState.DONE)
    assert done.task_status == "success" and done.attempts == 0
    ready = [e for e in pump.events if isinstance(e, FilesReady) and e.job_id == job.id]
    assert len(ready) == 1 and is_glb(ready[0].files["model"])
    assert post_task_count(emulator) == posts_before, "following a task must never POST"
    assert emulator.balance_of(TEST_KEY) == balance_before
    assert polls_of(emulator, task_id)


def test_a_follow_job_needs_its_task_id(make_runner: Callable[..., Runner]) -> None:
    runner = make_runner()
    with pytest.raises(ValueError, match="task_id"):
        runner.submit(JobSpec(FOLLOW_KIND, {}))
    # refused where it arrives, shown quoted (a trailing newline passed the cache's folder check)
    for bad in ("../../etc", "abc\n", " abc"):
        with pytest.raises(ValueError, match="not look like a Tripo task id: '"):
            runner.submit(JobSpec(FOLLOW_KIND, {}), task_id=bad)
    assert runner.jobs() == []


def test_a_followed_task_that_failed_on_tripo_is_never_resent(
    make_runner: Callable[..., Runner], emulator: Emulator
) -> None:
    emulator.set_outcome("failed", error_code=1001)
    task_id = _task_made_elsewhere(emulator)
    runner = make_runner()
    job = runner.submit(JobSpec(FOLLOW_KIND, {"task_id": task_id}), task_id=task_id)

    failed = Pump(runner).until_state(job.id, JobState.FAILED)

    assert failed.error is not None and failed.error.code == 1001
    assert not failed.can_retry
    with pytest.raises(ValueError, match="did not create it"):
        runner.retry(job.id)
    assert post_task_count(emulator) == 1  # only the one made "elsewhere"


def test_a_followed_task_resumes_after_a_restart(make_runner: Callable[..., Runner], emulator: Emulator) -> None:
    emulator.set_timing(run_seconds=3600)
    task_id = _task_made_elsewhere(emulator)
    first = make_runner()
    job = first.submit(JobSpec(FOLLOW_KIND, {"task_id": task_id}), task_id=task_id)
    Pump(first).until(lambda: polls_of(emulator, task_id) != [], what="first poll")
    first.shutdown(timeout=10)

    emulator.advance(3600)
    second = make_runner()
    loaded = second.resume()

    assert [j.id for j in loaded] == [job.id]
    done = Pump(second).until_state(job.id, JobState.DONE)
    assert done.task_id == task_id
    assert post_task_count(emulator) == 1


def _rig_made_elsewhere(emulator: Emulator) -> str:
    with TripoClient(api_key=TEST_KEY, base_url=emulator.base_url) as client:
        model = client.text_to_model("a fox")
        client.wait_for_task(model, polling_interval=0.05)
        return client.rig_model(model)


def test_a_followed_task_records_the_type_the_server_reports_and_keeps_it(
    make_runner: Callable[..., Runner], emulator: Emulator
) -> None:
    """The job's kind says only "import_task"; what made the task (a rig, here) comes from the
    server and must survive a restart, since the landing and the context menu need it."""
    task_id = _rig_made_elsewhere(emulator)
    first = make_runner()
    job = first.submit(JobSpec(FOLLOW_KIND, {"task_id": task_id}), task_id=task_id)
    assert job.task_type is None, "not known before the first poll"

    done = Pump(first).until_state(job.id, JobState.DONE)
    assert (done.kind, done.task_type) == (FOLLOW_KIND, "animate_rig")
    first.shutdown(timeout=10)

    second = make_runner()
    second.resume()
    again = second.job(job.id)
    assert again is not None and again.task_type == "animate_rig"


def test_own_jobs_record_their_task_type_and_a_paid_retry_forgets_it(
    make_runner: Callable[..., Runner], emulator: Emulator
) -> None:
    source = _task_made_elsewhere(emulator)
    emulator.set_outcome("failed", error_code=1001)  # the low-poly task fails on Tripo
    runner = make_runner()
    job = runner.submit(JobSpec("smart_lowpoly", {"original_model_task_id": source}))
    pump = Pump(runner)
    failed = pump.until_state(job.id, JobState.FAILED)
    assert failed.task_type == "highpoly_to_lowpoly" and failed.retry_resends

    retried = runner.retry(job.id)
    assert retried.task_type is None and retried.task_id is None, "a new request makes a new task"
    assert pump.until_state(job.id, JobState.DONE).task_type == "highpoly_to_lowpoly"


@pytest.mark.parametrize("spec", ["mixamo", "tripo"])
def test_a_followed_task_keeps_the_facts_of_its_input_the_server_echoes(
    make_runner: Callable[..., Runner], emulator: Emulator, spec: str
) -> None:
    """A followed rig's spec (a Mixamo rig cannot be retargeted) is known only from the server's
    echo of its input: it is recorded, whitelisted, and survives a restart."""
    with TripoClient(api_key=TEST_KEY, base_url=emulator.base_url) as client:
        model = client.text_to_model("a fox", model_version="v2.5-20250123")
        client.wait_for_task(model, polling_interval=0.05)
        rig = client.rig_model(model, out_format="fbx", spec=spec)
    first = make_runner()
    followed_rig = first.submit(JobSpec(FOLLOW_KIND, {"task_id": rig}), task_id=rig)
    followed_model = first.submit(JobSpec(FOLLOW_KIND, {"task_id": model}), task_id=model)
    pump = Pump(first)
    # apiv3 echoes the body as sent: a default (the tripo spec) goes unsaid, and the landing assumes it
    echoed = {"model": "v1.0-20240301", "out_format": "fbx", **({"spec": spec} if spec != "tripo" else {})}
    assert dict(pump.until_state(followed_rig.id, JobState.DONE).task_input) == echoed
    done_model = pump.until_state(followed_model.id, JobState.DONE)
    assert dict(done_model.task_input) == {"model": "v2.5-20250123"}, "no prompt: only the whitelist"
    first.shutdown(timeout=10)

    second = make_runner()
    second.resume()
    again = second.job(followed_rig.id)
    assert again is not None and dict(again.task_input) == echoed


def test_own_jobs_do_not_record_the_echoed_input(make_runner: Callable[..., Runner], emulator: Emulator) -> None:
    runner = make_runner()
    job = runner.submit(JobSpec("text_to_model", {"prompt": "a cat", "model_version": "v2.5-20250123"}))
    done = Pump(runner).until_state(job.id, JobState.DONE)
    assert dict(done.task_input) == {}, "their own params say it already"
