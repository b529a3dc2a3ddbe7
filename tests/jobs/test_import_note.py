"""The pump can say how a result landed: ``mark_imported(…, note=…)`` ends the job done with that note
(the source object was gone, the file type has no importer and was only saved…)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.emulator import Emulator
from tests.jobs.conftest import Pump
from tripo_blender.jobs import JobSpec, JobState, Journal, Runner

TEXT = JobSpec("text_to_model", {"prompt": "a small wooden chair"}, name="Chair")


def test_mark_imported_keeps_the_note_on_the_done_job_and_in_the_journal(
    tmp_path: Path, emulator: Emulator, make_runner: Callable[..., Runner]
) -> None:
    runner = make_runner()
    pump = Pump(runner, auto_import=False)
    job = runner.submit(TEXT)
    pump.until_state(job.id, JobState.IMPORTING)
    note = "Saved chair.3mf (Blender cannot import .3mf files) in /cache/task"
    assert runner.mark_imported(job.id, [], note=note)
    done = runner.job(job.id)
    assert done is not None and done.state == JobState.DONE and done.note == note
    assert done.timeline[-1].note == note
    journal = Journal(tmp_path / "journal").load_all()  # what the next session shows (make_runner's folder)
    assert [j.note for j in journal if j.id == job.id] == [note]
