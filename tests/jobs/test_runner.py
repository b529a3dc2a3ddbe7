"""The runner end to end: real emulator over HTTP, real client, the Pump helper as Blender's timer."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.emulator import TEST_KEY, Emulator
from tests.jobs.conftest import FAST, Pump, is_glb, journal_files, polls_of, post_task_count
from tripo_blender.client import TripoClient
from tripo_blender.jobs import FilesReady, JobRemoved, JobSpec, JobState, Journal, OfflineError, Runner, estimate_cost

MakeRunner = Callable[..., Runner]
TEXT = JobSpec("text_to_model", {"prompt": "a small wooden chair"}, name="Chair", meta={"placement": "cursor"})


def test_text_job_goes_all_the_way_to_done(tmp_path: Path, emulator: Emulator, make_runner: MakeRunner) -> None:
    runner = make_runner()
    pump = Pump(runner)
    job = runner.submit(TEXT)
    assert job.state == JobState.PENDING and job.estimated_cost == 20
    assert runner.has_active()

    done = pump.until_state(job.id, JobState.DONE)
    pump.tick()  # the pump's own mark_imported produced one more event

    seen = pump.states_seen(job.id)  # coalesced: the pump sees the latest state at each tick
    assert seen[-1] == JobState.DONE and seen == sorted(seen, key=list(JobState).index)
    timeline = [e.state for e in done.timeline]
    for state in (JobState.SUBMITTING, JobState.QUEUED, JobState.DOWNLOADING, JobState.IMPORTING, JobState.DONE):
        assert state in timeline
    assert timeline.index(JobState.SUBMITTING) < timeline.index(JobState.QUEUED) < timeline.index(JobState.IMPORTING)
    # the file the pump imported is a real GLB inside <cache>/<task_id>/
    files = pump.imported[job.id]
    assert set(files) == {"model", "rendered_image"}
    assert is_glb(files["model"])
    assert Path(files["model"]).parent == tmp_path / "cache" / done.task_id
    assert done.objects == (f"Object.{job.id[:6]}",)
    assert done.progress == 100 and done.task_status == "success"
    # one POST; the real charge equals the estimate shown before spending
    assert post_task_count(emulator) == 1 and list(emulator.tasks) == [done.task_id]
    assert (
        done.consumed_credit
        == estimate_cost("text_to_model", TEXT.params)
        == emulator.tasks[done.task_id]["credits_consumed"]
    )
    # exactly one model variant was downloaded (not base + pbr + model)
    model_downloads = [r for r in emulator.cdn_requests if r.path.endswith(".glb")]
    assert len(model_downloads) == 1
    # the journal holds the final state, the spec and its meta
    (entry,) = Journal(tmp_path / "journal").load_all()
    assert entry == done and entry.spec.meta["placement"] == "cursor"
    assert not runner.has_active()
    assert [e for e in pump.events if isinstance(e, FilesReady)][0].job.state == JobState.IMPORTING


def test_intent_is_on_disk_before_the_paid_post(tmp_path: Path, emulator: Emulator, make_runner: MakeRunner) -> None:
    seen_on_disk: list[dict[str, Any]] = []

    class SpyClient(TripoClient):
        """Looks at the journal at the moment the client is asked to send, then sends."""

        def text_to_model(self, *args: Any, **kwargs: Any) -> str:
            seen_on_disk.extend(json.loads(text)["job"] for text in journal_files(tmp_path).values())
            assert post_task_count(emulator) == 0
            return super().text_to_model(*args, **kwargs)

    runner = make_runner(client_class=SpyClient)
    pump = Pump(runner)
    job = runner.submit(TEXT)
    pump.until_state(job.id, JobState.DONE)
    (intent,) = seen_on_disk
    assert intent["job_id"] == job.id and intent["state"] == "submitting" and intent["task_id"] is None
    assert intent["spec"]["kind"] == "text_to_model" and intent["spec"]["params"] == {"prompt": "a small wooden chair"}
    assert intent["attempts"] == 1


def test_timeout_after_sending_is_uncertain_and_never_resent(
    tmp_path: Path, emulator: Emulator, make_runner: MakeRunner
) -> None:
    emulator.inject("POST /v3/generation/", after=True, delay=3.0)  # the task is created; the answer comes late
    runner = make_runner(read_timeout=0.5)
    pump = Pump(runner)
    job = runner.submit(TEXT)
    uncertain = pump.until_state(job.id, JobState.UNCERTAIN, JobState.FAILED, JobState.DONE)
    assert uncertain.state == JobState.UNCERTAIN
    assert uncertain.task_id is None and uncertain.error is not None and not uncertain.retry_resends
    assert len(emulator.tasks) == 1 and post_task_count(emulator) == 1
    pump.until(lambda: not runner.has_active(), what="the run to end")  # then nothing until the user decides
    runner.shutdown()

    # a new session over the same journal keeps it uncertain and sends nothing
    second = make_runner()
    (loaded,) = second.resume()
    assert loaded.state == JobState.UNCERTAIN
    second.drain_events()
    assert not second.has_active()
    second.shutdown()  # joins the workers: anything they could have sent has been sent
    assert post_task_count(emulator) == 1 and len(emulator.tasks) == 1

    # Retry first asks Tripo: the first POST did create the task, so it is followed for free
    third = make_runner()
    third.resume()
    third.retry(job.id)
    done = Pump(third).until_state(job.id, JobState.DONE)
    assert post_task_count(emulator) == 1 and done.attempts == 1 and len(emulator.tasks) == 1
    assert done.task_id == next(iter(emulator.tasks))


def test_crash_between_intent_and_task_id_becomes_uncertain_on_restart(
    tmp_path: Path, emulator: Emulator, make_runner: MakeRunner
) -> None:
    from tripo_blender.jobs import Job
    from tripo_blender.jobs.model import advance

    pending = Job(id="crashed", spec=TEXT, state=JobState.PENDING, created_at=1.0, updated_at=1.0)
    Journal(tmp_path / "journal").save(advance(pending, JobState.SUBMITTING, at=2.0, note="sending", attempts=1))
    never_sent = Job(id="queued-only", spec=TEXT, state=JobState.PENDING, created_at=3.0, updated_at=3.0)
    Journal(tmp_path / "journal").save(never_sent)

    runner = make_runner()
    loaded = {j.id: j for j in runner.resume()}
    assert loaded.keys() == {"crashed", "queued-only"}
    assert runner.job("crashed").state == JobState.UNCERTAIN  # type: ignore[union-attr]
    assert "may or may not" in runner.job("crashed").error.message  # type: ignore[union-attr]
    # a job that never left the machine does not spend credits after a restart on its own
    assert runner.job("queued-only").state == JobState.CANCELLED  # type: ignore[union-attr]
    assert runner.job("queued-only").retry_resends  # type: ignore[union-attr]
    runner.shutdown()
    assert emulator.requests == []
    on_disk = {j.id: j.state for j in Journal(tmp_path / "journal").load_all()}
    assert on_disk == {"crashed": JobState.UNCERTAIN, "queued-only": JobState.CANCELLED}


def test_restart_mid_job_resumes_polling_without_a_second_post(
    tmp_path: Path, emulator: Emulator, make_runner: MakeRunner
) -> None:
    emulator.set_timing(run_seconds=1000)
    first = make_runner()
    job = first.submit(TEXT)
    running = Pump(first).until_state(job.id, JobState.RUNNING)
    assert running.task_id is not None and 0 <= running.progress < 100
    first.shutdown()  # Blender quits mid-job
    (saved,) = Journal(tmp_path / "journal").load_all()
    assert saved.state == JobState.RUNNING and saved.task_id == running.task_id

    emulator.advance(2000)  # the task finished while Blender was closed
    gets_before = len(polls_of(emulator, running.task_id))
    second = make_runner()
    (loaded,) = second.resume()
    assert loaded.id == job.id
    done = Pump(second).until_state(job.id, JobState.DONE)
    assert done.task_id == running.task_id
    assert post_task_count(emulator) == 1 and len(emulator.tasks) == 1
    assert len(polls_of(emulator, running.task_id)) > gets_before
    assert [e.note for e in done.timeline if e.note == "resumed"] == ["resumed"]


def test_importing_job_with_files_on_disk_is_handed_to_the_pump_again(
    tmp_path: Path, emulator: Emulator, make_runner: MakeRunner
) -> None:
    first = make_runner()
    pump = Pump(first, auto_import=False)  # Blender closes before the pump imported
    job = first.submit(TEXT)
    importing = pump.until_state(job.id, JobState.IMPORTING)
    first.shutdown()
    requests_before = len(emulator.requests)

    second = make_runner()
    second.resume()
    events = second.drain_events()
    ready = [e for e in events if isinstance(e, FilesReady)]
    assert [e.job_id for e in ready] == [job.id] and dict(ready[0].files) == dict(importing.files)
    assert second.mark_imported(job.id, ["Chair"])
    assert second.job(job.id).state == JobState.DONE  # type: ignore[union-attr]
    assert not second.mark_imported(job.id, ["again"])  # only an importing job can be marked
    second.shutdown()
    assert len(emulator.requests) == requests_before  # the files were there: no network at all


@pytest.mark.parametrize("server_limit_reached", [False, True], ids=["local-cap", "server-refuses"])
def test_twelve_jobs_with_a_limit_of_three(
    emulator: Emulator, make_runner: MakeRunner, server_limit_reached: bool
) -> None:
    emulator.concurrency_limit = 3
    emulator.set_timing(run_seconds=0.4)
    if server_limit_reached:
        # our cap is above the server's: the server answers 429/2000 and jobs wait locally
        runner = make_runner(workers=6, max_in_flight=10, max_retries=0)
    else:
        runner = make_runner(workers=6, max_in_flight=3)
    pump = Pump(runner)
    jobs = [runner.submit(JobSpec("text_to_model", {"prompt": f"chair {i}"}, name=f"Chair {i}")) for i in range(12)]
    pump.until(lambda: all(pump.job(j.id).state == JobState.DONE for j in jobs), timeout=60, what="12 jobs done")

    assert emulator.max_in_flight <= 3
    assert len(emulator.tasks) == 12  # every job created exactly one task
    assert {pump.job(j.id).task_id for j in jobs} == set(emulator.tasks)
    refused = [r for r in [r for r in emulator.requests_to("POST", "/v3/generation/")] if r.status == 429]
    if server_limit_reached:
        assert refused, "the scenario should have made the server refuse"
        waited = [j for j in jobs if any(e.note.startswith("waiting for a free slot") for e in pump.job(j.id).timeline)]
        assert waited and all(
            e.state == JobState.PENDING
            for j in waited
            for e in pump.job(j.id).timeline
            if e.note.startswith("waiting for a free slot")
        )
    else:
        assert refused == []  # the local cap kept us under the limit: no refusals at all


def test_not_enough_credit_fails_with_code_and_suggestion(tmp_path: Path) -> None:
    with Emulator(balance=5.0) as emulator:
        runner = Runner(
            lambda: TripoClient(api_key=TEST_KEY, base_url=emulator.base_url),
            tmp_path / "j",
            tmp_path / "c",
            settings=FAST,
        )
        try:
            job = runner.submit(TEXT)
            failed = Pump(runner).until_state(job.id, JobState.FAILED, JobState.DONE)
        finally:
            runner.shutdown()
        assert failed.state == JobState.FAILED and failed.error is not None
        assert failed.error.code == 2010
        assert failed.error.suggestion and failed.error.trace_id
        assert failed.task_id is None and failed.retry_resends
        assert post_task_count(emulator) == 1 and emulator.tasks == {}


def test_failed_task_reports_the_servers_error(emulator: Emulator, make_runner: MakeRunner) -> None:
    emulator.set_outcome("failed", error_code=1001)
    emulator.set_outcome("failed", error_code=2008)  # apiv3's moderation: failed with 2008
    runner = make_runner()
    pump = Pump(runner)
    failed = runner.submit(TEXT)
    banned = runner.submit(TEXT)
    pump.until(lambda: all(pump.job(j.id).state == JobState.FAILED for j in (failed, banned)), what="both failed")
    f, b = pump.job(failed.id), pump.job(banned.id)
    assert f.error.code == 1001 and "could not generate" in f.error.message  # type: ignore[union-attr]
    assert b.error.code == 2008 and "content policy" in b.error.message  # type: ignore[union-attr]
    assert f.retry_resends and b.retry_resends  # the task failed: a retry is a new request
    assert not [e for e in pump.events if isinstance(e, FilesReady)]


def test_cancel_stops_waiting_and_stays_cancelled(tmp_path: Path, emulator: Emulator, make_runner: MakeRunner) -> None:
    emulator.set_timing(run_seconds=1000)
    runner = make_runner()
    pump = Pump(runner)
    job = runner.submit(TEXT)
    running = pump.until_state(job.id, JobState.RUNNING)
    assert runner.cancel(job.id)
    cancelled = runner.job(job.id)
    assert cancelled.state == JobState.CANCELLED and cancelled.task_id == running.task_id  # type: ignore[union-attr]
    pump.tick()
    assert not runner.has_active()
    assert not runner.cancel(job.id)  # nothing left to cancel
    runner.shutdown()  # returns promptly: the worker's wait was interrupted
    gets = len(polls_of(emulator))

    again = make_runner()
    again.resume()
    assert again.job(job.id).state == JobState.CANCELLED  # type: ignore[union-attr]
    assert not again.job(job.id).retry_resends  # type: ignore[union-attr]
    again.shutdown()
    assert len(polls_of(emulator)) == gets  # it did not resume

    # Retry of a cancelled job whose task still exists resumes it for free
    emulator.advance(2000)
    third = make_runner()
    third.resume()
    third.retry(job.id)
    done = Pump(third).until_state(job.id, JobState.DONE)
    assert done.task_id == running.task_id and post_task_count(emulator) == 1


def test_cancel_before_sending_sends_nothing(emulator: Emulator, make_runner: MakeRunner) -> None:
    emulator.concurrency_limit = 1
    emulator.set_timing(run_seconds=1000)
    runner = make_runner(workers=2, max_in_flight=1)
    pump = Pump(runner)
    first = runner.submit(TEXT)
    second = runner.submit(TEXT)  # waits locally: the only slot is taken
    pump.until_state(first.id, JobState.RUNNING)
    assert pump.job(second.id).state == JobState.PENDING
    assert runner.cancel(second.id)
    assert runner.cancel(first.id)
    runner.shutdown()
    assert post_task_count(emulator) == 1


def test_connection_lost_while_polling_is_retried_not_given_up(emulator: Emulator, make_runner: MakeRunner) -> None:
    emulator.inject("POST /v3/tasks/list", times=3, drop=True)
    runner = make_runner(max_retries=0)
    pump = Pump(runner)
    job = runner.submit(TEXT)
    done = pump.until_state(job.id, JobState.DONE)
    notes = [e.note for e in done.timeline]
    assert "connection lost, retrying" in notes
    assert done.error is None and post_task_count(emulator) == 1


def test_download_failure_then_free_retry(emulator: Emulator, make_runner: MakeRunner) -> None:
    emulator.inject("CDN", times=None, status=500)
    runner = make_runner(max_retries=0)
    pump = Pump(runner)
    job = runner.submit(TEXT)
    failed = pump.until_state(job.id, JobState.FAILED)
    assert failed.task_status == "success" and "Download failed" in failed.error.message  # type: ignore[union-attr]
    assert not failed.retry_resends  # the task is fine: a retry downloads again, free
    emulator.clear_faults()
    runner.retry(job.id)
    done = pump.until_state(job.id, JobState.DONE)
    assert is_glb(done.files["model"])
    assert post_task_count(emulator) == 1


def test_a_new_download_attempt_fetches_fresh_urls(emulator: Emulator, make_runner: MakeRunner) -> None:
    # the CDN refuses twice: the client refreshes once by itself, then gives up; the job's next
    # attempt reads the task again and succeeds with new URLs
    emulator.inject("CDN", times=2, status=403)
    runner = make_runner()
    pump = Pump(runner)
    job = runner.submit(TEXT)
    done = pump.until_state(job.id, JobState.DONE, JobState.FAILED)
    assert done.state == JobState.DONE, done.error
    assert "download failed, retrying" in [e.note for e in done.timeline]
    assert post_task_count(emulator) == 1


def test_free_check_ends_done_with_a_result_and_no_files(emulator: Emulator, make_runner: MakeRunner) -> None:
    runner = make_runner()
    pump = Pump(runner)
    source = runner.submit(TEXT)
    source_task = pump.until_state(source.id, JobState.DONE).task_id
    emulator.set_riggable(True, "biped")
    check = runner.submit(JobSpec("check_riggable", {"original_model_task_id": source_task}))
    assert check.estimated_cost == 0
    done = pump.until_state(check.id, JobState.DONE, JobState.FAILED)
    assert done.state == JobState.DONE
    assert dict(done.result) == {"riggable": True, "rig_type": "biped", "topology": "biped"}
    assert dict(done.files) == {}
    assert not [e for e in pump.events if isinstance(e, FilesReady) and e.job_id == check.id]


def test_import_failure_is_reported_and_retry_reimports_without_a_new_task(
    emulator: Emulator, make_runner: MakeRunner
) -> None:
    runner = make_runner()
    pump = Pump(runner, auto_import=False)
    job = runner.submit(TEXT)
    pump.until_state(job.id, JobState.IMPORTING)
    assert runner.mark_import_failed(job.id, "importer crashed")
    failed = runner.job(job.id)
    assert failed.state == JobState.FAILED and failed.error.message == "importer crashed"  # type: ignore[union-attr]
    assert not failed.retry_resends  # type: ignore[union-attr]
    runner.retry(job.id)
    pump.auto_import = True
    pump.until_state(job.id, JobState.DONE)
    assert post_task_count(emulator) == 1


def test_journal_and_logs_never_contain_the_key(
    tmp_path: Path, emulator: Emulator, make_runner: MakeRunner, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    emulator.inject("POST /v3/generation/", after=True, delay=2.0)
    runner = make_runner(read_timeout=0.5)
    pump = Pump(runner)
    first, second = runner.submit(TEXT), runner.submit(TEXT)
    # the delayed answer goes to whichever POST arrives first: either job may end uncertain
    pump.until(lambda: {pump.job(first.id).state, pump.job(second.id).state} == {JobState.DONE, JobState.UNCERTAIN})
    texts = journal_files(tmp_path)
    assert len(texts) == 2
    for text in [*texts.values(), caplog.text]:
        assert TEST_KEY not in text and "Bearer" not in text


def test_offline_guard_and_no_network_at_construction_or_resume(
    tmp_path: Path, emulator: Emulator, make_runner: MakeRunner
) -> None:
    online = threading.Event()
    runner = make_runner(network_allowed=online.is_set)
    with pytest.raises(OfflineError):
        runner.submit(TEXT)
    runner.resume()
    assert emulator.requests == [] and runner.jobs() == []


def test_cache_clear_keeps_files_of_running_jobs(tmp_path: Path, emulator: Emulator, make_runner: MakeRunner) -> None:
    runner = make_runner()
    pump = Pump(runner)
    done = runner.submit(TEXT)
    pump.until_state(done.id, JobState.DONE)
    emulator.set_timing(run_seconds=1000)
    busy = runner.submit(TEXT)
    running = pump.until_state(busy.id, JobState.RUNNING)
    runner.cache.folder(running.task_id).mkdir(parents=True)  # type: ignore[arg-type]
    (runner.cache.folder(running.task_id) / "partial.bin").write_bytes(b"12345")  # type: ignore[arg-type]
    size = runner.cache.size()
    assert size > 5
    assert runner.clear_cache() == size - 5
    assert [e.task_id for e in runner.cache.entries()] == [running.task_id]


def test_forget_and_resize(emulator: Emulator, make_runner: MakeRunner) -> None:
    runner = make_runner(workers=3)
    runner.resume()
    assert runner.live_workers == 0  # no threads until there is work
    pump = Pump(runner)
    job = runner.submit(TEXT)
    assert runner.live_workers == 3
    pump.until_state(job.id, JobState.DONE)
    assert runner.forget(job.id)
    assert runner.job(job.id) is None and not runner.forget(job.id)
    assert [e for e in runner.drain_events() if isinstance(e, JobRemoved)] == [JobRemoved(job.id)]
    runner.resize(1)
    assert runner.workers == 1
    more = [runner.submit(TEXT) for _ in range(3)]
    pump.until(lambda: all(pump.job(j.id).state == JobState.DONE for j in more), what="jobs on a shrunk pool")
    pump.until(lambda: runner.live_workers == 1, what="two workers retired")
    runner.resize(4)
    assert runner.workers == 4 and runner.live_workers == 4


OTHER_KEY = "tsk_emulator_other_key_111111111"


def test_a_client_that_cannot_be_built_fails_the_job_with_a_reason(
    tmp_path: Path, emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TRIPO_API_KEY", raising=False)
    runner = Runner(
        lambda: TripoClient(api_key=None, base_url=emulator.base_url), tmp_path / "j", tmp_path / "c", settings=FAST
    )
    try:
        job = runner.submit(TEXT)
        failed = Pump(runner).until_state(job.id, JobState.FAILED)
    finally:
        runner.shutdown()
    assert failed.error is not None and "Tripo connection" in failed.error.message
    assert failed.error.suggestion and "API key" in failed.error.suggestion
    assert failed.attempts == 0 and emulator.requests == []


def test_reset_clients_picks_up_a_new_key_and_a_foreign_task_fails_then_resumes_free(
    tmp_path: Path, emulator: Emulator
) -> None:
    emulator.add_key(OTHER_KEY)
    settings = {"key": TEST_KEY}  # what the Blender layer's preference snapshot would hold

    def factory() -> TripoClient:
        return TripoClient(api_key=settings["key"], base_url=emulator.base_url)

    def runner() -> Runner:
        return Runner(factory, tmp_path / "j", tmp_path / "c", settings=FAST)

    first = runner()
    pump = Pump(first)
    a = first.submit(TEXT)
    task_a = pump.until_state(a.id, JobState.DONE).task_id
    settings["key"] = OTHER_KEY
    first.reset_clients()
    b = first.submit(TEXT)
    task_b = pump.until_state(b.id, JobState.DONE).task_id
    assert (emulator.task_key(task_a), emulator.task_key(task_b)) == (TEST_KEY, OTHER_KEY)  # type: ignore[arg-type]

    # a running task of key A, polled after the key changed to B: the server says "not found"
    settings["key"] = TEST_KEY
    first.reset_clients()
    emulator.set_timing(run_seconds=1000)
    c = first.submit(TEXT)
    task_c = pump.until_state(c.id, JobState.RUNNING).task_id
    first.shutdown()
    settings["key"] = OTHER_KEY
    second = runner()
    second.resume()
    refused = Pump(second).until_state(c.id, JobState.FAILED)
    second.shutdown()
    assert refused.error is not None and refused.error.code == 2001
    assert refused.task_id == task_c and not refused.retry_resends  # the task is not lost
    # back to the right key: Retry resumes polling the same task, nothing is posted
    settings["key"] = TEST_KEY
    emulator.advance(2000)
    third = runner()
    try:
        third.resume()
        third.retry(c.id)
        done = Pump(third).until_state(c.id, JobState.DONE)
    finally:
        third.shutdown()
    assert done.task_id == task_c and post_task_count(emulator) == 3


def test_no_post_without_an_intent_on_disk(tmp_path: Path, emulator: Emulator) -> None:
    blocked = tmp_path / "journal-is-a-file"
    blocked.write_text("not a folder")  # the journal cannot be written at all
    runner = Runner(
        lambda: TripoClient(api_key=TEST_KEY, base_url=emulator.base_url), blocked, tmp_path / "c", settings=FAST
    )
    try:
        job = runner.submit(TEXT)
        failed = Pump(runner).until_state(job.id, JobState.FAILED)
    finally:
        runner.shutdown()
    assert failed.error is not None and "Nothing was sent" in failed.error.message
    assert emulator.requests == []


def test_the_local_queue_is_bounded(emulator: Emulator, make_runner: MakeRunner) -> None:
    emulator.set_timing(run_seconds=1000)
    runner = make_runner(workers=1, max_in_flight=1, max_waiting=2)
    first = runner.submit(TEXT)
    Pump(runner).until_state(first.id, JobState.RUNNING)
    runner.submit(TEXT)
    runner.submit(TEXT)
    with pytest.raises(OverflowError, match="waiting"):
        runner.submit(TEXT)
    assert len(runner.jobs()) == 3


def test_estimates_match_what_the_server_charges(emulator: Emulator, make_runner: MakeRunner) -> None:
    """The emulator bills from the wire body with its own price table; the estimate comes from
    the client-side kwargs. Agreement means the cost label tells the truth."""
    runner = make_runner()
    pump = Pump(runner)
    source = runner.submit(TEXT)
    source_task = pump.until_state(source.id, JobState.DONE).task_id
    specs = [
        JobSpec("text_to_model", {"prompt": "a chair", "texture": False, "pbr": False}),
        JobSpec("text_to_model", {"prompt": "a chair", "texture_quality": "detailed", "quad": True}),
        JobSpec("texture_model", {"original_model_task_id": source_task, "texture_quality": "detailed"}),
        JobSpec("convert_model", {"original_model_task_id": source_task, "format": "OBJ", "face_limit": 5000}),
        JobSpec("smart_lowpoly", {"original_model_task_id": source_task}),
    ]
    jobs = [runner.submit(spec) for spec in specs]
    pump.until(
        lambda: all(pump.job(j.id).state in (JobState.DONE, JobState.FAILED) for j in jobs), what="all priced jobs"
    )
    for job in jobs:
        final = pump.job(job.id)
        assert final.state == JobState.DONE, (final.kind, final.error)
        assert final.estimated_cost is not None
        assert final.consumed_credit == final.estimated_cost, final.kind
