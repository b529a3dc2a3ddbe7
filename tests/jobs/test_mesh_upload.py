"""The upload step of a job on a local mesh (``jobs/mesh_upload.py``), against the real emulator.

A job whose spec carries an upload plan uploads the file (or reuses an earlier upload of the
same bytes) and, for routes that need a task, imports it, before its one paid POST; the spec it
journals then names the token or task, so nothing is uploaded twice by a resume or a retry.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.emulator import Emulator
from tests.emulator.glb import cube
from tests.jobs.conftest import Pump, post_task_count
from tripo_blender.jobs import JobSpec, JobState, Journal, Runner
from tripo_blender.jobs.mesh_upload import PLAN_KEY, RESULT_KEY, upload_note
from tripo_blender.jobs.mesh_writes import EXPORT_WRITES, PREPARING_NOTE

MakeRunner = Callable[..., Runner]
SOURCE = "original_model_task_id"


def _glb(tmp_path: Path, name: str = "mesh.glb", variant: str = "base_model") -> Path:
    path = tmp_path / name
    path.write_bytes(cube(variant))
    return path


def _spec(kind: str, path: Path, known: dict[str, Any] | None = None, **params: Any) -> JobSpec:
    return _spec_for(path, kind, known, path.stat().st_size, **params)


def _spec_for(path: Path, kind: str, known: dict[str, Any] | None = None, size: int = 0, **params: Any) -> JobSpec:
    """The spec the Blender layer submits (``size`` 0: the file is still being written)."""
    plan = {"path": str(path), "size": size, "known": known or {}}
    return JobSpec(
        kind,
        {SOURCE: str(path), **params},
        name="Mine",
        meta={"source_task_id": "", "source_mesh_uid": "u1", PLAN_KEY: plan},
    )


def _uploads(emulator: Emulator) -> list[Any]:
    return emulator.requests_to("POST", "/v3/files")


def _bodies(emulator: Emulator, path: str) -> list[dict[str, Any]]:
    return [r.json for r in emulator.requests_to("POST", path)]


def test_a_texture_job_uploads_the_mesh_once_and_sends_its_token(
    tmp_path: Path, emulator: Emulator, make_runner: MakeRunner
) -> None:
    runner = make_runner()
    path = _glb(tmp_path)
    data = path.read_bytes()
    done = Pump(runner).until_state(runner.submit(_spec("texture_model", path, text_prompt="wood")).id, JobState.DONE)
    (upload,) = _uploads(emulator)
    assert upload.files["file"].data == data
    (body,) = _bodies(emulator, "/v3/models/texture")
    token = body["input"]
    assert token.startswith("file_") and emulator.uploaded(token) == data
    record = done.result[RESULT_KEY]
    assert record["hash"] == hashlib.sha256(data).hexdigest() and record["file_token"] == token
    assert upload_note(len(data)) in [e.note for e in done.timeline], "the row said it was uploading"
    assert done.spec.params[SOURCE] == token and done.spec.meta[PLAN_KEY]["ready"] is True
    (journaled,) = Journal(tmp_path / "journal").load_all()
    assert journaled.spec.params[SOURCE] == token, "a resumed job never uploads again"
    assert not path.exists(), "the temporary export is removed once Tripo has it"


def test_an_unchanged_mesh_reuses_its_token_and_a_changed_one_is_uploaded_again(
    tmp_path: Path, emulator: Emulator, make_runner: MakeRunner
) -> None:
    runner = make_runner()
    pump = Pump(runner)
    first = pump.until_state(runner.submit(_spec("rig_model", _glb(tmp_path, "a.glb"))).id, JobState.DONE)
    known = dict(first.result[RESULT_KEY])
    pump.until_state(runner.submit(_spec("check_riggable", _glb(tmp_path, "b.glb"), known)).id, JobState.DONE)
    assert len(_uploads(emulator)) == 1
    assert _bodies(emulator, "/v3/animations/rig-check")[0]["input"] == known["file_token"]
    changed = _glb(tmp_path, "c.glb", variant="pbr_model")
    pump.until_state(runner.submit(_spec("texture_model", changed, known)).id, JobState.DONE)
    assert len(_uploads(emulator)) == 2
    assert _bodies(emulator, "/v3/models/texture")[0]["input"] != known["file_token"]


def test_smart_uv_imports_the_upload_as_a_task_and_reuses_it(
    tmp_path: Path, emulator: Emulator, make_runner: MakeRunner
) -> None:
    runner = make_runner()
    pump = Pump(runner)
    first = pump.until_state(runner.submit(_spec("mesh_uv", _glb(tmp_path, "a.glb"))).id, JobState.DONE)
    record = first.result[RESULT_KEY]
    (imported,) = _bodies(emulator, "/v3/models/import")
    assert imported["input"] == record["file_token"]
    (uv,) = _bodies(emulator, "/v3/mesh/uv")
    assert uv["input"] == record["import_task_id"] == first.spec.params[SOURCE]
    pump.until_state(runner.submit(_spec("smart_lowpoly", _glb(tmp_path, "b.glb"), dict(record))).id, JobState.DONE)
    assert len(_uploads(emulator)) == 1 and len(_bodies(emulator, "/v3/models/import")) == 1
    assert _bodies(emulator, "/v3/mesh/decimate")[0]["input"] == record["import_task_id"]


def test_a_failed_upload_fails_the_job_and_sends_nothing_paid(
    tmp_path: Path, emulator: Emulator, make_runner: MakeRunner
) -> None:
    emulator.inject("POST /v3/files", times=None, status=400, code=1004, message="bad file")
    runner = make_runner()
    path = _glb(tmp_path)
    failed = Pump(runner).until_state(runner.submit(_spec("texture_model", path)).id, JobState.FAILED)
    assert failed.error is not None and "Could not upload the mesh" in failed.error.message
    assert "Nothing paid was sent" in (failed.error.suggestion or "")
    assert post_task_count(emulator) == 0
    assert path.exists(), "kept for the Retry"


def test_a_paused_network_holds_the_upload_and_it_happens_once_afterwards(
    tmp_path: Path, emulator: Emulator, make_runner: MakeRunner
) -> None:
    runner = make_runner()
    runner.pause_network("Online access is off")
    job = runner.submit(_spec("mesh_uv", _glb(tmp_path)))
    pump = Pump(runner)
    pump.until(lambda: runner.held_by_pause == 1, what="the worker held before the upload")
    assert emulator.requests == [], "nothing at all may be sent while paused"
    assert pump.job(job.id).state == JobState.PENDING
    runner.resume_network()
    done = pump.until_state(job.id, JobState.DONE)
    assert len(_uploads(emulator)) == 1 and len(_bodies(emulator, "/v3/models/import")) == 1
    assert post_task_count(emulator) == 2, "the import and the Smart UV task, each once"
    assert done.attempts == 1


def test_a_failed_import_fails_the_job_unpaid_and_retry_reuses_the_upload(
    tmp_path: Path, emulator: Emulator, make_runner: MakeRunner
) -> None:
    emulator.set_outcome("failed", 1001, times=1)  # the next task created: the import
    runner = make_runner()
    pump = Pump(runner)
    job = runner.submit(_spec("mesh_uv", _glb(tmp_path)))
    failed = pump.until_state(job.id, JobState.FAILED)
    assert failed.error is not None and "could not import the mesh" in failed.error.message
    assert _bodies(emulator, "/v3/mesh/uv") == [], "the paid request was not sent"
    pump.until(lambda: not runner.has_active(), what="the run to end")
    runner.retry(job.id)
    done = pump.until_state(job.id, JobState.DONE)
    assert len(_uploads(emulator)) == 1, "the retry reuses the job's own upload"
    assert len(_bodies(emulator, "/v3/models/import")) == 2
    assert _bodies(emulator, "/v3/mesh/uv")[0]["input"] == done.result[RESULT_KEY]["import_task_id"]


def test_a_job_waits_for_its_mesh_to_be_written_saying_so_then_uploads_it(
    tmp_path: Path, emulator: Emulator, make_runner: MakeRunner
) -> None:
    """The Blender layer writes the GLB on a background thread (``mesh_writes``): the job's row
    says "Preparing the mesh…" until the file is there, and nothing is sent before."""
    path, finished = tmp_path / "mesh.glb", threading.Event()

    def write() -> None:
        finished.wait(20)
        path.write_bytes(cube("base_model"))

    EXPORT_WRITES.start(str(path), write)
    runner = make_runner()
    pump = Pump(runner)
    job = runner.submit(_spec_for(path, "texture_model"))
    pump.until(lambda: pump.job(job.id).note == PREPARING_NOTE, what="the row to say it prepares the mesh")
    assert emulator.requests == [], "nothing is sent before the file is written"
    finished.set()
    done = pump.until_state(job.id, JobState.DONE)
    (upload,) = _uploads(emulator)
    assert upload.files["file"].data == cube("base_model")
    assert done.spec.params[SOURCE].startswith("file_")


def test_a_mesh_that_could_not_be_written_fails_its_job_with_the_reason_and_sends_nothing(
    tmp_path: Path, emulator: Emulator, make_runner: MakeRunner
) -> None:
    path = tmp_path / "huge.glb"

    def write() -> None:
        raise ValueError(
            "The exported mesh is 160 MB; Tripo takes models up to 150 MB. Nothing was sent: "
            "decimate it (or remove modifiers) and try again"
        )

    EXPORT_WRITES.start(str(path), write)
    runner = make_runner()
    failed = Pump(runner).until_state(runner.submit(_spec_for(path, "rig_model")).id, JobState.FAILED)
    assert failed.error is not None and failed.error.message.startswith("The exported mesh is 160 MB")
    assert "Run the operation again" in (failed.error.suggestion or "")
    assert emulator.requests == [], "no upload, no task"
