"""Two Blender sessions on one journal folder, the other one a real process that is killed."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.emulator import Emulator
from tests.jobs import session_proc
from tests.jobs.conftest import Pump, post_task_count
from tripo_blender.jobs import JobState, Runner

RELIABILITY_AREA = "Lost or half work"

MakeRunner = Callable[..., Runner]


@pytest.fixture
def other_session(tmp_path: Path, emulator: Emulator) -> Iterator[tuple[subprocess.Popen[str], str, str]]:
    emulator.set_timing(run_seconds=1000)
    with session_proc.other_session(emulator.base_url, tmp_path) as found:  # once the other session's task runs
        yield found


def test_a_second_session_leaves_the_first_sessions_jobs_alone_until_it_dies(
    other_session: tuple[subprocess.Popen[str], str, str], emulator: Emulator, make_runner: MakeRunner
) -> None:
    proc, job_id, task_id = other_session
    second = make_runner()
    assert second.resume() == [] and second.jobs() == []  # not uncertain, not imported twice, not retried
    assert post_task_count(emulator) == 1

    session_proc.crash(proc)  # the first Blender crashes: its session lock stays behind
    (taken,) = second.resume()  # stale lock (pid gone): its unfinished job is taken over
    assert taken.id == job_id and taken.task_id == task_id
    emulator.advance(2000)
    done = Pump(second).until_state(job_id, JobState.DONE)
    assert done.task_id == task_id and post_task_count(emulator) == 1 and len(emulator.tasks) == 1


def test_a_session_killed_mid_download_leaves_no_part_file_after_the_resume(
    tmp_path: Path, emulator: Emulator, make_runner: MakeRunner
) -> None:
    emulator.inject("CDN", times=1, trickle=0.2)  # the first download crawls: the kill lands mid-file
    with session_proc.other_session(emulator.base_url, tmp_path, "downloading") as (proc, job_id, task_id):
        session_proc.crash(proc)
    folder = tmp_path / "cache" / task_id
    assert list(folder.glob(".tripo-*.part")), "the crash left its temp file"
    runner = make_runner()
    runner.resume()
    done = Pump(runner).until_state(job_id, JobState.DONE)
    assert done.task_id == task_id and post_task_count(emulator) == 1
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == []
