"""Journal pruning on :meth:`Runner.resume`: finished jobs older than the retention, or beyond the
newest ``journal_keep_finished``, leave the journal for its archive (their task ids stay known);
jobs that still need someone (uncertain, or just restored) never do.

The entries are written with old timestamps straight into the journal, as a past session would
have left them: no clock is waited on.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.jobs.conftest import FAST
from tripo_blender.jobs import FOLLOW_KIND, Job, JobSpec, JobState, Journal, Runner

DAY = 24 * 3600.0


def _entry(journal: Journal, job_id: str, state: JobState, age_days: float, **changes: object) -> None:
    at = time.time() - age_days * DAY
    spec = (
        JobSpec(FOLLOW_KIND, {"task_id": f"t-{job_id}"})
        if "task_id" in changes
        else JobSpec("text_to_model", {"prompt": job_id})
    )
    job = Job(id=job_id, spec=spec, state=state, created_at=at - 60, updated_at=at, revision=3)
    journal.save(dataclasses.replace(job, **changes))  # type: ignore[arg-type]


def _journal_ids(tmp_path: Path) -> set[str]:
    return {p.stem for p in (tmp_path / "journal").glob("*.json")}


def test_resume_drops_old_finished_jobs_and_keeps_the_rest(
    make_runner: Callable[..., Runner], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    journal = Journal(tmp_path / "journal")
    _entry(journal, "old-done", JobState.DONE, 45, task_id="a1")
    _entry(journal, "old-failed", JobState.FAILED, 31)
    _entry(journal, "old-cancelled", JobState.CANCELLED, 400)
    _entry(journal, "old-uncertain", JobState.UNCERTAIN, 400)  # waits for a human decision
    _entry(journal, "old-submitting", JobState.SUBMITTING, 400)  # becomes uncertain: kept
    _entry(journal, "recent-done", JobState.DONE, 29, task_id="a2")

    runner = make_runner()
    with caplog.at_level(logging.INFO, logger="tripo_blender.jobs"):
        loaded = runner.resume()

    kept = {"old-uncertain", "old-submitting", "recent-done"}
    assert {j.id for j in loaded} == kept
    assert _journal_ids(tmp_path) == kept, "the pruned entries are gone from disk"
    assert any("archived 3 finished job(s) older than 30 days" in r.getMessage() for r in caplog.records)
    assert {"a1", "a2"} <= runner.task_ids(), "an archived job's task id stays known"


def test_finished_jobs_beyond_the_bound_are_archived_and_their_task_ids_kept(
    make_runner: Callable[..., Runner], tmp_path: Path
) -> None:
    journal = Journal(tmp_path / "journal")
    for day in range(8):
        _entry(journal, f"done-{day}", JobState.DONE, 8 - day, task_id=f"t{day}")
    _entry(journal, "uncertain", JobState.UNCERTAIN, 20)  # never archived, however many finished jobs
    keep_five = dataclasses.replace(FAST, journal_keep_finished=5)

    runner = make_runner(settings=keep_five)
    loaded = runner.resume()

    newest = {f"done-{day}" for day in range(3, 8)}
    assert {j.id for j in loaded} == newest | {"uncertain"}
    assert _journal_ids(tmp_path) == newest | {"uncertain"}, "the next start reads six entries, not nine"
    archived = [json.loads(line) for line in (tmp_path / "journal" / "archive.jsonl").read_text().splitlines()]
    assert sorted(line["job_id"] for line in archived) == ["done-0", "done-1", "done-2"]
    assert {f"t{day}" for day in range(8)} <= runner.task_ids()


def test_the_retention_is_a_setting_and_none_keeps_everything(
    make_runner: Callable[..., Runner], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    journal = Journal(tmp_path / "journal")
    _entry(journal, "ten-days", JobState.DONE, 10, task_id="b1")
    _entry(journal, "two-days", JobState.FAILED, 2)

    with caplog.at_level(logging.INFO, logger="tripo_blender.jobs"):
        assert {j.id for j in make_runner(settings=dataclasses.replace(FAST, journal_retention=None)).resume()} == {
            "ten-days",
            "two-days",
        }
    assert not any("archived" in r.getMessage() for r in caplog.records), "nothing pruned: nothing logged"

    week = make_runner(settings=dataclasses.replace(FAST, journal_retention=7 * DAY))
    assert {j.id for j in week.resume()} == {"two-days"}
    assert _journal_ids(tmp_path) == {"two-days"}


def test_a_finished_job_whose_task_id_cannot_be_claimed_stays_in_the_journal(
    make_runner: Callable[..., Runner], tmp_path: Path
) -> None:
    """The claims file cannot be written (a folder in its place): nothing with a task id is archived, so no
    task id is lost."""
    journal = Journal(tmp_path / "journal")
    _entry(journal, "old-done", JobState.DONE, 45, task_id="c1")
    _entry(journal, "old-failed", JobState.FAILED, 45)  # no task: nothing to lose
    journal.claims.path.unlink()
    journal.claims.path.mkdir()  # as an entry written before claims were kept, on a disk that refuses the file

    loaded = make_runner().resume()

    assert {j.id for j in loaded} == {"old-done"}
    assert _journal_ids(tmp_path) == {"old-done"}, "its entry is the only record of its task id"
