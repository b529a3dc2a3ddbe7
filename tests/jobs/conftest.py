"""Helpers for the runner tests: real emulator over HTTP, real client, a stand-in pump.

The :class:`Pump` plays Blender's timer callback: it drains events, "imports" each
FilesReady (checks the file really is a GLB, then reports back like the real pump would) and
waits for the next event on the runner's event queue — never a fixed sleep.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.emulator import TEST_KEY, Emulator, Recorded
from tripo_blender.client import TripoClient
from tripo_blender.jobs import Event, FilesReady, Job, JobChanged, JobState, Journal, Runner, WorkerSettings

#: Short pauses so retry paths run in test time; the logic is the same as with the defaults.
FAST = WorkerSettings(
    poll_interval=0.05, default_retry_after=0.2, reconnect_min=0.05, reconnect_max=0.2, download_attempts=3
)
GLB_MAGIC = b"glTF"


def is_glb(path: str) -> bool:
    with open(path, "rb") as fh:
        return fh.read(4) == GLB_MAGIC


def importable(path: str) -> bool:
    """What the stand-in importer accepts: a non-empty file, and a real GLB if it says .glb."""
    p = Path(path)
    return p.is_file() and p.stat().st_size > 0 and (p.suffix.lower() != ".glb" or is_glb(path))


@dataclass
class Pump:
    """Drains a runner's events like the Blender pump, recording everything it saw."""

    runner: Runner
    auto_import: bool = True
    events: list[Event] = field(default_factory=list)
    imported: dict[str, dict[str, str]] = field(default_factory=dict)

    def tick(self) -> None:
        for event in self.runner.drain_events(64):
            self.events.append(event)
            if isinstance(event, FilesReady) and self.auto_import:
                model = next((p for k, p in event.files.items() if k != "rendered_image"), None)
                if model is not None and importable(model):
                    self.imported[event.job_id] = dict(event.files)
                    self.runner.mark_imported(event.job_id, [f"Object.{event.job_id[:6]}"])
                else:
                    self.runner.mark_import_failed(event.job_id, f"not importable: {model}")

    def until(self, predicate: Callable[[], bool], timeout: float = 20.0, what: str = "condition") -> None:
        """Pump until ``predicate()`` holds; fail with the job list after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            self.tick()
            if predicate():
                return
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                states = [(j.name, j.state.value, j.note, j.error) for j in self.runner.jobs()]
                raise AssertionError(f"timed out waiting for {what}; jobs: {states}")
            self.runner.wait_for_events(min(remaining, 1.0))

    def resume(self, timeout: float = 20.0) -> list[Job]:
        """Bring back the journal as Blender does on enable: read on a thread
        (:meth:`Runner.resume_in_background`), the jobs adopted here as soon as it is done."""
        self.runner.resume_in_background()
        assert self.runner.wait_read(timeout), "the journal read on its thread did not end"
        adopted = self.runner.collect_resumed()
        assert adopted is not None
        return adopted

    def until_state(self, job_id: str, *states: JobState, timeout: float = 20.0) -> Job:
        self.until(lambda: self.job(job_id).state in states, timeout, f"job in {[s.value for s in states]}")
        return self.job(job_id)

    def job(self, job_id: str) -> Job:
        job = self.runner.job(job_id)
        assert job is not None
        return job

    def states_seen(self, job_id: str) -> list[JobState]:
        """States in the order the pump saw them (after coalescing, like the real pump)."""
        seen: list[JobState] = []
        for e in self.events:
            if isinstance(e, JobChanged) and e.job.id == job_id and (not seen or seen[-1] != e.job.state):
                seen.append(e.job.state)
        return seen


@pytest.fixture
def make_runner(tmp_path: Path, emulator: Emulator) -> Iterator[Callable[..., Runner]]:
    """Build runners on the shared journal/cache folders of this test (so restarts can be played)."""
    runners: list[Runner] = []

    def make(
        *,
        read_timeout: float = 10.0,
        max_retries: int = 4,
        client_class: type[TripoClient] = TripoClient,
        **kwargs: object,
    ) -> Runner:
        def factory() -> TripoClient:
            return client_class(
                api_key=TEST_KEY, base_url=emulator.base_url, read_timeout=read_timeout, max_retries=max_retries
            )

        kwargs.setdefault("settings", FAST)
        runner = Runner(factory, tmp_path / "journal", tmp_path / "cache", **kwargs)  # type: ignore[arg-type]
        runners.append(runner)
        return runner

    yield make
    for runner in runners:
        runner.shutdown(timeout=10)


def journal_files(tmp_path: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted((tmp_path / "journal").glob("*.json"))}


#: Paths of apiv3 requests that create nothing (the rest of the POSTs under /v3/ create a task).
_NOT_CREATING = ("/v3/tasks/list", "/v3/files", "/v3/files/presign")


def task_id_on_disk(journal_dir: Path, job_id: str, timeout: float = 20.0) -> str:
    """Wait for a worker of another runner (or of an add-on that was disabled meanwhile) to write
    the job's task id into the journal on disk — a condition, not a nap."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        saved = Journal(journal_dir).load(job_id)
        if saved is not None and saved.task_id:
            return saved.task_id
        time.sleep(0.02)
    raise AssertionError("no runner recorded the task id in the journal")


def post_task_count(emulator: Emulator) -> int:
    """Creation POSTs the emulator received (the requests that can cost credits)."""
    return len([r for r in emulator.requests_to("POST", "/v3/") if r.path not in _NOT_CREATING])


def polls_of(emulator: Emulator, task_id: str | None = None) -> list[Recorded]:
    """Task-list requests (the runner's only way of polling), those naming ``task_id`` if given."""
    return [
        r
        for r in emulator.requests_to("POST", "/v3/tasks/list")
        if task_id is None or task_id in ((r.json or {}).get("task_ids") or ())
    ]
