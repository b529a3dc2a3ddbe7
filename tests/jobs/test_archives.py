"""ZIP results (OBJ conversions) are unpacked by the job's worker, never in Blender's pump tick,
and a hostile or bomb archive fails the job with nothing extracted (real runner, the emulator)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.emulator import Emulator, archives
from tests.jobs.conftest import Pump
from tripo_blender.jobs import FilesReady, JobSpec, JobState, Runner
from tripo_blender.jobs.archive import MAX_RATIO

RELIABILITY_AREA = "Freeze"

MakeRunner = Callable[..., Runner]


def _converted(runner: Runner, pump: Pump) -> str:
    """Submit a text job, then its OBJ conversion; the conversion job's id."""
    first = runner.submit(JobSpec("text_to_model", {"prompt": "a small wooden chair"}, name="Chair"))
    task_id = pump.until_state(first.id, JobState.DONE).task_id
    return runner.submit(
        JobSpec("convert_model", {"original_model_task_id": task_id, "format": "OBJ"}, name="Chair (OBJ)")
    ).id


def test_an_obj_zip_is_unpacked_by_the_worker_before_blender_sees_it(
    emulator: Emulator, make_runner: MakeRunner
) -> None:
    runner = make_runner()
    pump = Pump(runner)
    job_id = _converted(runner, pump)
    pump.until(lambda: any(isinstance(e, FilesReady) and e.job_id == job_id for e in pump.events), what="files ready")
    ready = next(e for e in pump.events if isinstance(e, FilesReady) and e.job_id == job_id)
    model = Path(ready.files["model"])
    assert model.name == "cow.obj", "the pump is handed the model inside the archive, not the archive"
    assert model.parent.with_suffix(".zip").is_file()
    assert sorted(p.name for p in model.parent.iterdir()) == ["cow.mtl", "cow.obj", "cow_texture.png"], (
        "the pump receives an archive that is already unpacked"
    )


@pytest.mark.parametrize("entry", ["../../escaped.txt", "/tmp/tripo-absolute-escape.txt", "symlink", "bomb"])
def test_a_hostile_or_bomb_zip_fails_the_job_and_nothing_is_extracted(
    tmp_path: Path, emulator: Emulator, make_runner: MakeRunner, entry: str
) -> None:
    runner = make_runner()
    pump = Pump(runner)
    first = runner.submit(JobSpec("text_to_model", {"prompt": "a small wooden chair"}, name="Chair"))
    task_id = pump.until_state(first.id, JobState.DONE).task_id
    emulator.serve_model(archives.hostile(entry), "zip")
    job = runner.submit(
        JobSpec("convert_model", {"original_model_task_id": task_id, "format": "OBJ"}, name="Chair (OBJ)")
    )

    failed = pump.until_state(job.id, JobState.FAILED, JobState.DONE)
    assert failed.state == JobState.FAILED and failed.error is not None
    assert "Refused the downloaded archive" in failed.error.message and "Nothing was extracted" in failed.error.message
    if entry == "bomb":
        assert "zip bomb" in failed.error.message and f"{MAX_RATIO}" not in failed.error.message
    assert "without a new charge" in (failed.error.suggestion or "")
    assert job.id not in pump.imported, "Blender never gets a refused archive"
    folder = runner.cache.folder(failed.task_id or "")
    assert not folder.exists() or not any(folder.iterdir()), "nothing extracted, the hostile file deleted"
    outside = [p for p in tmp_path.rglob("*") if p.name.startswith(("escaped", "link", "textures"))]
    assert not outside and not Path("/tmp/tripo-absolute-escape.txt").exists()
