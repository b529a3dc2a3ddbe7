"""The journal: round trip, atomic replacement, newest revision wins, damage is contained."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest

from tripo_blender.jobs import Job, JobSpec, JobState, Journal, JournalError
from tripo_blender.jobs.model import advance
from tripo_blender.jobs.owner import LOCK_PREFIX


def _job(job_id: str = "job1", created_at: float = 1.0) -> Job:
    spec = JobSpec(
        "text_to_model", {"prompt": "a red apple", "texture": True}, name="Apple", meta={"placement": "cursor"}
    )
    return Job(id=job_id, spec=spec, state=JobState.PENDING, created_at=created_at, updated_at=created_at)


def test_round_trip_keeps_every_field(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal")
    job = advance(_job(), JobState.SUBMITTING, at=2.0, note="sending", attempts=1)
    job = advance(job, JobState.QUEUED, at=3.0, note="", task_id="task-1", task_status="queued")
    journal.save(job)
    (loaded,) = Journal(tmp_path / "journal").load_all()
    assert loaded == job
    data = json.loads((tmp_path / "journal" / "job1.json").read_text())
    assert data["format"] == 1
    assert data["job"]["state"] == "queued" and data["job"]["task_id"] == "task-1"
    assert data["job"]["spec"]["params"] == {"prompt": "a red apple", "texture": True}


def test_load_orders_by_creation_and_skips_damaged_entries(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    journal = Journal(tmp_path)
    journal.save(_job("b", created_at=5.0))
    journal.save(_job("a", created_at=9.0))
    (tmp_path / "broken.json").write_text("{not json")
    (tmp_path / "wrongname.json").write_text((tmp_path / "a.json").read_text())
    (tmp_path / "notes.txt").write_text("ignored")
    jobs = Journal(tmp_path).load_all()
    assert [j.id for j in jobs] == ["b", "a"]
    assert (tmp_path / "broken.json").exists()  # left for inspection, never deleted
    assert "broken.json" in caplog.text


def test_an_older_snapshot_never_overwrites_a_newer_one(tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    old = _job()
    new = advance(old, JobState.SUBMITTING, at=2.0)
    journal.save(new)
    journal.save(old)  # a slower thread arrives late
    assert Journal(tmp_path).load_all()[0].state == JobState.SUBMITTING


def test_a_failed_replace_leaves_the_previous_record_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal = Journal(tmp_path)
    journal.save(_job())
    newer = advance(_job(), JobState.SUBMITTING, at=2.0)

    def crash(src: str, _dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(JournalError, match="No space left"):
        journal.save(newer)
    monkeypatch.undo()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["job1.json"]
    assert Journal(tmp_path).load_all()[0].state == JobState.PENDING
    journal.save(newer)  # the failed revision was not marked as written
    assert Journal(tmp_path).load_all()[0].state == JobState.SUBMITTING


def test_leftover_temp_files_from_a_crash_are_removed_on_load(tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    journal.save(_job())
    crashed, in_flight = tmp_path / ".tmp-abc.tmp", tmp_path / ".tmp-def.tmp"
    crashed.write_text('{"half": ')
    an_hour_ago = time.time() - 3600
    os.utime(crashed, (an_hour_ago, an_hour_ago))  # left by a session that crashed
    in_flight.write_text('{"half": ')  # a worker's write that has not been renamed yet
    assert [j.id for j in journal.load_all()] == ["job1"]
    assert not crashed.exists()
    assert in_flight.exists(), "the read runs beside the workers: a write in flight is not cut short"


def test_concurrent_saves_of_many_jobs_all_land_intact(tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    jobs = [_job(f"job{i}", created_at=float(i)) for i in range(20)]

    def write(job: Job) -> None:
        for n in range(5):
            job = advance(job, at=float(n + 10), note=f"step {n}")
            journal.save(job)

    threads = [threading.Thread(target=write, args=(j,)) for j in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    loaded = Journal(tmp_path).load_all()
    assert len(loaded) == 20
    assert all(j.note == "step 4" for j in loaded)


def test_remove_and_unsafe_ids(tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    journal.save(_job())
    journal.remove("job1")
    journal.remove("job1")  # idempotent
    assert journal.load_all() == []
    with pytest.raises(ValueError):
        journal.path_for("../escape")


def test_a_followed_tasks_echoed_input_round_trips(tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    job = _job()
    job = advance(job, JobState.SUBMITTING, at=2.0, attempts=1)
    job = advance(
        job,
        JobState.QUEUED,
        at=3.0,
        task_id="task-1",
        task_type="animate_rig",
        task_input={"spec": "mixamo", "out_format": "fbx", "prompt": "not kept", "rig_type": 7},
    )
    assert dict(job.task_input) == {"spec": "mixamo", "out_format": "fbx"}, "only the whitelisted short strings"
    journal.save(job)
    (loaded,) = Journal(tmp_path).load_all()
    assert loaded == job and dict(loaded.task_input) == {"spec": "mixamo", "out_format": "fbx"}
    assert json.loads((tmp_path / "job1.json").read_text())["job"]["task_input"] == {
        "spec": "mixamo",
        "out_format": "fbx",
    }


def test_an_entry_written_before_task_input_existed_still_loads(tmp_path: Path) -> None:
    record = Job(
        id="old1",
        spec=JobSpec("import_task", {"task_id": "t-1"}),
        state=JobState.DONE,
        created_at=1.0,
        updated_at=2.0,
        task_id="t-1",
        task_type="animate_rig",
    ).to_dict()
    del record["task_input"]
    (tmp_path / "old1.json").write_text(json.dumps({"format": 1, "job": record}))
    (loaded,) = Journal(tmp_path).load_all()
    assert (loaded.id, loaded.task_type, dict(loaded.task_input)) == ("old1", "animate_rig", {})


def test_a_long_error_is_kept_cut_with_its_whole_texts_beside_the_entry(tmp_path: Path) -> None:
    """The job book cuts an error over MAX_ERROR_CHARS; the whole texts go beside the entry,
    come back for Copy Details (whole_error), and leave with the entry."""
    from tripo_blender.jobs import whole_error
    from tripo_blender.jobs.book import JobBook
    from tripo_blender.jobs.events import EventQueue
    from tripo_blender.jobs.model import MAX_ERROR_CHARS, JobError

    journal = Journal(tmp_path)
    book = JobBook(journal, EventQueue())
    book.add(_job())
    message = " ".join(f"line{n}" for n in range(100_000))
    detail = "GET https://api.example/v3/tasks/x answered 502: " + "<html>" * 1_000
    failed = book.update("job1", JobState.FAILED, error=JobError(message, 1001, "try again", "trace-1", detail))

    assert failed.error is not None and len(failed.error.message) <= MAX_ERROR_CHARS
    assert failed.error.message.startswith("line0 line1") and "characters in all" in failed.error.message
    assert failed.error.detail is not None and len(failed.error.detail) <= MAX_ERROR_CHARS, "the detail is cut too"
    assert (tmp_path / "job1.json").stat().st_size < 8 * 1024
    (loaded,) = Journal(tmp_path).load_all()
    assert loaded.error == failed.error
    assert whole_error(loaded.error) == JobError(message, 1001, "try again", "trace-1", detail)
    journal.remove("job1")
    assert [p for p in tmp_path.iterdir() if not p.name.startswith(LOCK_PREFIX)] == [], "only the live session's lock"


def test_a_long_error_from_an_older_journal_is_cut_on_load(tmp_path: Path) -> None:
    from tripo_blender.jobs.model import MAX_ERROR_CHARS

    job = advance(_job(), JobState.FAILED, at=2.0)
    data = job.to_dict()
    data["error"] = {"code": 1001, "message": "x " * 500_000, "suggestion": None, "trace_id": None}
    (tmp_path / "job1.json").write_text(json.dumps({"format": 1, "job": data}))
    (loaded,) = Journal(tmp_path).load_all()
    assert loaded.error is not None and len(loaded.error.message) <= MAX_ERROR_CHARS


def test_a_write_announced_by_the_book_holds_back_a_read_of_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Disable and enable in quick succession: the new session's read of the journal waits for the
    write a worker of the old one announced (by any Journal instance on the folder), then reads it."""
    from tripo_blender.jobs import journal as journal_module
    from tripo_blender.jobs.book import JobBook
    from tripo_blender.jobs.events import EventQueue

    book = JobBook(Journal(tmp_path), EventQueue())
    book.add(_job())
    writing, finish = threading.Event(), threading.Event()
    real_write = journal_module.atomic_write_text

    def slow_disk(path: Path, text: str) -> None:
        writing.set()
        finish.wait(10)
        real_write(path, text)

    monkeypatch.setattr(journal_module, "atomic_write_text", slow_disk)
    worker = threading.Thread(target=book.update, args=("job1", JobState.SUBMITTING), kwargs={"note": "sending"})
    worker.start()
    assert writing.wait(10)
    next_session = Journal(tmp_path)
    assert not next_session.wait_for_writes(0), "a read now would list the record before this change"
    finish.set()
    worker.join(10)
    assert next_session.wait_for_writes(0)
    assert next_session.load_all()[0].state == JobState.SUBMITTING


def test_claimed_task_ids_outlive_the_removal_of_their_jobs(tmp_path: Path) -> None:
    """A task a job ever followed stays claimed after Remove, for every session (see jobs.claims)."""
    journal = Journal(tmp_path)
    job = advance(_job("cat"), JobState.SUBMITTING, at=2.0, note="sending", attempts=1)
    journal.save(advance(job, JobState.QUEUED, at=3.0, note="", task_id="task-cat"))
    journal.remove("cat")
    other = Journal(tmp_path)  # another session (or the next start): no entry, still claimed
    assert "task-cat" in other.claims.all()
    assert other.claims.task_of("cat", since=0.0) == "task-cat"
    assert other.claims.task_of("cat", since=float("inf")) is None  # an earlier attempt's task is not it


def test_claims_read_only_complete_lines_and_ignore_unclean_ids(tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    journal.claims.add([("task-1", "job-1"), ("bad id", "job-2"), (None, "job-3")])
    with open(journal.claims.path, "a", encoding="utf-8") as handle:
        handle.write("task-torn job-4")  # a write cut short: no newline yet
    reader = Journal(tmp_path)
    assert reader.claims.all() == {"task-1"}
    with open(journal.claims.path, "a", encoding="utf-8") as handle:
        handle.write(" 5.0\n")
    assert reader.claims.all() == {"task-1", "task-torn"} and reader.claims.task_of("job-4", since=5.0) == "task-torn"


def test_a_journal_written_before_claims_existed_claims_its_tasks_on_load(tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    sent = advance(_job("old"), JobState.SUBMITTING, at=2.0, attempts=1)
    journal.save(advance(sent, JobState.QUEUED, at=3.0, task_id="task-old"))
    journal.claims.path.unlink()  # as an earlier version left it
    Journal(tmp_path).load_all()
    assert "task-old" in Journal(tmp_path).claims.all()
