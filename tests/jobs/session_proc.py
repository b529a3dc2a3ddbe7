"""A second Blender session, played by a real process: a runner on a shared journal folder.

Run as ``python -m tests.jobs.session_proc BASE_URL JOURNAL CACHE [STATE]``. It submits one text
job, prints ``<STATE> <job id> <task id>`` once the job reaches STATE (default ``running``; with
``downloading`` also once its temp file exists; with ``submitting`` as soon as its intent is
journaled, task id ``-``), then idles until it is killed (the tests kill it with SIGKILL: a crash,
no clean shutdown, its session lock stays behind).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from tests.emulator import TEST_KEY
from tripo_blender.client import TripoClient
from tripo_blender.jobs import JobSpec, JobState, Runner, WorkerSettings

ROOT = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def other_session(
    base_url: str, folder: Path, state: str = "running"
) -> Iterator[tuple[subprocess.Popen[str], str, str]]:
    """Run this script as another Blender session on ``folder``'s journal and cache; yields the
    process, its job id and task id once the job reached ``state``; kills it at the end."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.jobs.session_proc",
            base_url,
            str(folder / "journal"),
            str(folder / "cache"),
            state,
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        _, job_id, task_id = proc.stdout.readline().split()  # blocks until the other session is there
        yield proc, job_id, task_id
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)


def crash(proc: subprocess.Popen[str]) -> None:
    """SIGKILL: no clean shutdown, the session lock stays behind."""
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)


def main(base_url: str, journal: str, cache: str, state: str = "running") -> None:
    wanted = JobState(state)
    runner = Runner(
        lambda: TripoClient(api_key=TEST_KEY, base_url=base_url),
        journal,
        cache,
        settings=WorkerSettings(poll_interval=0.05, reconnect_min=0.05, reconnect_max=0.2),
    )
    job = runner.submit(JobSpec("text_to_model", {"prompt": "a chair from the other session"}, name="Other"))
    while True:
        runner.wait_for_events(0.05)
        runner.drain_events()
        current = runner.job(job.id)
        if current is not None and current.state == wanted and (current.task_id or wanted == JobState.SUBMITTING):
            if wanted == JobState.DOWNLOADING and not list(runner.cache.folder(current.task_id).glob("*.part")):
                continue
            print(f"{state.upper()} {job.id} {current.task_id or '-'}", flush=True)
            break
    while True:  # keep the session alive (its worker keeps polling) until killed
        time.sleep(3600)


if __name__ == "__main__":
    main(*sys.argv[1:5])
