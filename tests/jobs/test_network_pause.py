"""Pausing the runner's network (Blender's "Allow Online Access" switched off while jobs run).

While paused no request of any kind may leave: no POST, no poll, no download. Jobs keep their
state, say why they wait, and continue when the network is allowed again — a job paused before
its POST sends it exactly once, a task that finished meanwhile is fetched without a new charge.

Synchronisation: ``Runner.held_by_pause`` counts the workers waiting at the gate (a condition
variable, so a held worker cannot send anything until it is notified); tests wait for it through
the runner's event queue, never with fixed sleeps.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.emulator import Emulator
from tests.jobs.conftest import Pump, is_glb, post_task_count
from tripo_blender.client import Task, TripoClient
from tripo_blender.jobs import JobSpec, JobState, Runner
from tripo_blender.jobs import journal as journal_module

MakeRunner = Callable[..., Runner]
REASON = "online access is off"
PAUSED_NOTE = f"paused: {REASON}"


def _cat() -> JobSpec:
    return JobSpec("text_to_model", {"prompt": "a cat"}, name="Cat")


def _held(pump: Pump, count: int = 1) -> None:
    pump.until(lambda: pump.runner.held_by_pause == count, what=f"{count} worker(s) held by the pause")


def test_a_job_paused_before_its_post_stays_pending_and_is_sent_once_afterwards(
    make_runner: MakeRunner, emulator: Emulator
) -> None:
    runner = make_runner()
    runner.pause_network(REASON)
    assert runner.network_paused == REASON
    job = runner.submit(_cat())
    pump = Pump(runner)

    _held(pump)
    held = pump.job(job.id)
    assert (held.state, held.note, held.attempts, held.task_id) == (JobState.PENDING, PAUSED_NOTE, 0, None)
    assert emulator.requests == [], "nothing at all may be sent while paused"

    runner.resume_network()
    assert runner.network_paused is None
    done = pump.until_state(job.id, JobState.DONE)
    assert post_task_count(emulator) == 1 and done.attempts == 1
    assert runner.held_by_pause == 0
    notes = [e.note for e in done.timeline]
    assert PAUSED_NOTE in notes and notes.index(PAUSED_NOTE) < notes.index("sending")


def test_a_running_task_is_not_polled_while_paused_and_finishes_after(
    make_runner: MakeRunner, emulator: Emulator
) -> None:
    emulator.set_timing(run_seconds=3600)
    runner = make_runner()
    job = runner.submit(_cat())
    pump = Pump(runner)
    pump.until(lambda: pump.job(job.id).state == JobState.RUNNING, what="the task runs")

    runner.pause_network(REASON)
    _held(pump)  # the wait between polls ended early: the worker did not sleep out its interval
    held = pump.job(job.id)
    assert held.state == JobState.RUNNING and held.note == PAUSED_NOTE, "a paused job keeps its state"
    sent = len(emulator.requests)
    emulator.advance(3600)  # the task finishes on the server meanwhile
    for _ in range(5):
        pump.tick()
    assert runner.held_by_pause == 1 and len(emulator.requests) == sent
    assert pump.job(job.id).state == JobState.RUNNING

    runner.resume_network()
    done = pump.until_state(job.id, JobState.DONE)
    assert post_task_count(emulator) == 1 and done.attempts == 1
    assert done.task_status == "success"


def test_pausing_twice_and_resuming_twice_is_harmless(make_runner: MakeRunner, emulator: Emulator) -> None:
    runner = make_runner()
    runner.pause_network(REASON)
    runner.pause_network("another reason")
    assert runner.network_paused == "another reason"
    runner.resume_network()
    runner.resume_network()
    job = runner.submit(_cat())
    Pump(runner).until_state(job.id, JobState.DONE)
    assert post_task_count(emulator) == 1


def test_cancelling_a_held_job_releases_its_worker(make_runner: MakeRunner, emulator: Emulator) -> None:
    runner = make_runner(workers=1)
    runner.pause_network(REASON)
    job = runner.submit(_cat())
    pump = Pump(runner)
    _held(pump)

    assert runner.cancel(job.id)
    pump.until(lambda: runner.held_by_pause == 0, what="the worker left the gate")
    assert pump.job(job.id).state == JobState.CANCELLED

    runner.resume_network()  # the one worker is free again: a new job runs on it
    second = runner.submit(_cat())
    pump.until_state(second.id, JobState.DONE)
    assert post_task_count(emulator) == 1, "the cancelled job was never sent"


def test_shutdown_while_paused_stops_the_workers_and_sends_nothing(
    make_runner: MakeRunner, emulator: Emulator, tmp_path: Path
) -> None:
    runner = make_runner()
    runner.pause_network(REASON)
    job = runner.submit(_cat())
    _held(Pump(runner))

    runner.shutdown(timeout=10)
    assert runner.live_workers == 0
    assert emulator.requests == []
    # the journal still has it as never sent: the next session does not send it unasked
    restarted = make_runner()
    restarted.resume()
    again = restarted.job(job.id)
    assert again is not None and again.state == JobState.CANCELLED and again.attempts == 0


def test_paused_while_the_intent_is_written_takes_the_intent_back(
    make_runner: MakeRunner, emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pause lands between the gate and the POST: the job goes back to pending, unsent."""
    runners: list[Runner] = []
    original = journal_module.Journal.save
    intents: list[int] = []

    def save_and_pause(self: Any, job: Any, **how: Any) -> None:
        original(self, job, **how)
        if job.state == JobState.SUBMITTING and not job.request:  # the intent (the POST's record comes next)
            intents.append(job.attempts)
            if len(intents) == 1:  # the first intent only: the user switches online access off now
                runners[0].pause_network(REASON)

    monkeypatch.setattr(journal_module.Journal, "save", save_and_pause)
    runner = make_runner()
    runners.append(runner)
    job = runner.submit(_cat())
    pump = Pump(runner)

    _held(pump)
    held = pump.job(job.id)
    assert (held.state, held.attempts, held.note) == (JobState.PENDING, 0, PAUSED_NOTE)
    assert post_task_count(emulator) == 0

    runner.resume_network()
    done = pump.until_state(job.id, JobState.DONE)
    assert post_task_count(emulator) == 1 and done.attempts == 1
    assert intents == [1, 1], "the taken-back intent did not count as an attempt"


def test_a_download_interrupted_by_the_pause_is_fetched_again_afterwards(
    make_runner: MakeRunner, emulator: Emulator
) -> None:
    """The pause arrives while a file streams in: the download is abandoned (no partial file is
    kept) and, once allowed, fetched with fresh URLs — not counted as a failed attempt."""
    runners: list[Runner] = []

    class PausingMidDownload(TripoClient):
        paused = False

        def download_outputs(self, task: Task, output_dir: str, *args: Any, **kwargs: Any) -> dict[str, str]:
            on_progress = kwargs.pop("on_progress", None)

            def progress(done: int, total: int | None) -> None:
                if not PausingMidDownload.paused:  # bytes are streaming in
                    PausingMidDownload.paused = True
                    runners[0].pause_network(REASON)  # the user switches online access off right now
                if on_progress is not None:
                    on_progress(done, total)

            return super().download_outputs(task, output_dir, *args, on_progress=progress, **kwargs)

    runner = make_runner(client_class=PausingMidDownload)
    runners.append(runner)
    job = runner.submit(_cat())
    pump = Pump(runner)

    _held(pump)
    held = pump.job(job.id)
    assert held.state == JobState.DOWNLOADING and held.note == PAUSED_NOTE
    assert held.error is None, "an interrupted download is no failure"
    cdn = len(emulator.cdn_requests)
    assert cdn == 1, "the download had started"
    folder = runner.cache.folder(held.task_id or "")
    assert [p.name for p in folder.iterdir()] == [], "the partial file is discarded"
    for _ in range(3):
        pump.tick()
    assert len(emulator.cdn_requests) == cdn and runner.held_by_pause == 1

    runner.resume_network()
    done = pump.until_state(job.id, JobState.DONE)
    assert is_glb(done.files["model"])
    assert post_task_count(emulator) == 1
