"""A reused upload Tripo no longer has is uploaded again, once, for free — against the real emulator.

A second operation on an unchanged mesh reuses the first one's ``file_token`` (or ``import_model``
task). Tripo may forget either sooner than the add-on guesses; the paid POST naming it is then
refused (400/1004 for a token, 404/2001 for a task), which creates and charges nothing. The job
uploads the kept export again (and imports it again where the route needs a task) and sends its
POST once more: two uploads in all, one paid task for the job. If the fresh source is refused too,
it is a genuine parameter problem: the job fails with Tripo's message, and nothing is uploaded a
third time.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.emulator import Emulator
from tests.emulator.glb import cube
from tests.jobs.conftest import Pump
from tripo_blender.jobs import Job, JobSpec, JobState, Journal, Runner
from tripo_blender.jobs.mesh_upload import PLAN_KEY, RENEW_NOTE, RESULT_KEY

RELIABILITY_AREA = "Money"

MakeRunner = Callable[..., Runner]
SOURCE = "original_model_task_id"

#: case → (job kind, its apiv3 route, the reused id Tripo forgets, the refusal's HTTP status and
#: code, and whether the fresh source is refused too)
CASES: dict[str, tuple[str, str, str, int, int, bool]] = {
    "file token forgotten (1004)": ("texture_model", "/v3/models/texture", "file_token", 400, 1004, False),
    "import task forgotten (2001)": ("mesh_uv", "/v3/mesh/uv", "import_task_id", 404, 2001, False),
    "file token forgotten, fresh one refused too": (
        "texture_model",
        "/v3/models/texture",
        "file_token",
        400,
        1004,
        True,
    ),
    "import task forgotten, fresh one refused too": ("mesh_uv", "/v3/mesh/uv", "import_task_id", 404, 2001, True),
}
_REFUSAL = "invalid parameter: texture_quality (emulated)"


def _spec(kind: str, path: Path, known: dict[str, Any] | None = None) -> JobSpec:
    plan = {"path": str(path), "size": path.stat().st_size, "known": known or {}}
    params: dict[str, Any] = {SOURCE: str(path), **({"text_prompt": "wood"} if kind == "texture_model" else {})}
    return JobSpec(kind, params, name="Mine", meta={"source_task_id": "", "source_mesh_uid": "u1", PLAN_KEY: plan})


def _export(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    path.write_bytes(cube("base_model"))  # the same bytes each time: the mesh is unchanged
    return path


def _textured_once(runner: Runner, tmp_path: Path) -> tuple[Job, dict[str, Any]]:
    """A first job (Texture) on the mesh, done: it and what it uploaded (a token, no import task)."""
    first = Pump(runner).until_state(
        runner.submit(_spec("texture_model", _export(tmp_path, "a.glb"))).id, JobState.DONE
    )
    return first, dict(first.result[RESULT_KEY])


def _paid_tasks(emulator: Emulator, kind: str) -> list[str]:
    """The tasks of ``kind`` Tripo accepted (and charged), by id."""
    return [task_id for task_id, task in emulator.tasks.items() if task["type"] == kind]


@pytest.mark.parametrize("case", list(CASES))
def test_a_forgotten_reused_upload_is_uploaded_again_once_and_paid_once(
    case: str, tmp_path: Path, emulator: Emulator, make_runner: MakeRunner
) -> None:
    """A reused upload Tripo forgot is uploaded again once, then one paid task (refused again: Tripo's message)"""
    kind, route, what, status, code, refused_again = CASES[case]
    runner = make_runner()
    pump = Pump(runner)
    first = pump.until_state(runner.submit(_spec(kind, _export(tmp_path, "a.glb"))).id, JobState.DONE)
    known = dict(first.result[RESULT_KEY])
    dead = known[what]
    emulator.forget(dead)
    if refused_again:  # a parameter Tripo refuses, whatever the source: both POSTs of the job get it
        emulator.inject(f"POST {route}", times=2, status=status, code=code, message=_REFUSAL)
    path = _export(tmp_path, "b.glb")
    job = runner.submit(_spec(kind, path, known))
    second = pump.until_state(job.id, JobState.DONE, JobState.FAILED)

    assert len(emulator.requests_to("POST", "/v3/files")) == 2, "the first job's upload and one fresh upload"
    sent = [r.json["input"] for r in emulator.requests_to("POST", route)]
    assert sent[1] == dead and len(sent) == 3, "the first job's POST, the refused reuse, one more POST"
    assert RENEW_NOTE in [e.note for e in second.timeline], "the row said what happens"
    assert dead in second.result[RESULT_KEY]["dead"], "the object is told to forget it"
    (saved,) = [j for j in Journal(tmp_path / "journal").load_all() if j.id == job.id]
    assert (JobState.PENDING, RENEW_NOTE) in [(e.state, e.note) for e in saved.timeline], "journaled before the upload"
    assert second.attempts == 2
    if refused_again:
        assert second.state == JobState.FAILED and second.task_id is None
        assert second.error is not None and second.error.code == code and _REFUSAL in second.error.message
        assert _paid_tasks(emulator, kind) == [first.task_id], "nothing created or charged for the second job"
        assert path.exists(), "the export is kept for a Retry"
        return
    assert second.state == JobState.DONE, second.error
    fresh = second.result[RESULT_KEY]
    assert sent[2] == second.spec.params[SOURCE] == fresh[what] != dead
    assert emulator.uploaded(fresh["file_token"]) == cube("base_model"), "the kept export went up again"
    assert _paid_tasks(emulator, kind) == [first.task_id, second.task_id], "exactly one paid task for the job"
    assert not path.exists(), "the export is removed once the POST was accepted"
    assert saved.spec.params[SOURCE] == fresh[what], "a resumed job never sends the dead source again"


def test_a_failed_fresh_upload_then_a_restart_and_retry_never_name_the_dead_token_again(
    tmp_path: Path, emulator: Emulator, make_runner: MakeRunner
) -> None:
    """Refused reuse, the fresh upload fails, Blender restarts: Retry uploads once, one paid task"""
    runner = make_runner()
    first, known = _textured_once(runner, tmp_path)
    emulator.forget(known["file_token"])
    emulator.inject("POST /v3/files", status=400, code=1004, message="bad file (emulated)")
    path = _export(tmp_path, "b.glb")
    job = runner.submit(_spec("texture_model", path, known))
    failed = Pump(runner).until_state(job.id, JobState.FAILED)
    assert failed.error is not None and "Could not upload the mesh" in failed.error.message
    runner.shutdown()  # Blender closes

    (saved,) = [j for j in Journal(tmp_path / "journal").load_all() if j.id == job.id]
    plan = saved.spec.meta[PLAN_KEY]
    assert not plan["ready"] and not plan["known"] and saved.spec.params[SOURCE] == str(path)
    assert (
        list(saved.result[RESULT_KEY]["dead"]) == [known["file_token"]] and "file_token" not in saved.result[RESULT_KEY]
    )
    again = make_runner()
    again.resume()
    again.retry(job.id)
    done = Pump(again).until_state(job.id, JobState.DONE)
    sent = [r.json["input"] for r in emulator.requests_to("POST", "/v3/models/texture")]
    assert sent[:2] == [known["file_token"]] * 2 and len(sent) == 3, "the dead token is never sent again"
    assert sent[2] == done.result[RESULT_KEY]["file_token"] != known["file_token"]
    assert len(emulator.requests_to("POST", "/v3/files")) == 3, "the first upload, the failed one, one more"
    assert _paid_tasks(emulator, "texture_model") == [first.task_id, done.task_id]


def test_a_forgotten_token_reused_for_an_import_is_uploaded_again_before_anything_paid(
    tmp_path: Path, emulator: Emulator, make_runner: MakeRunner
) -> None:
    """Smart UV after Texture: the token Tripo forgot is refused by the (free) import: one fresh upload, one
    paid task"""
    runner = make_runner()
    first, known = _textured_once(runner, tmp_path)
    emulator.forget(known["file_token"])
    job = runner.submit(_spec("mesh_uv", _export(tmp_path, "b.glb"), known))
    done = Pump(runner).until_state(job.id, JobState.DONE, JobState.FAILED)

    assert done.state == JobState.DONE, done.error
    imports = [r.json["input"] for r in emulator.requests_to("POST", "/v3/models/import")]
    assert imports[0] == known["file_token"] and len(imports) == 2, "the refused import, one more with the fresh token"
    assert imports[1] == done.result[RESULT_KEY]["file_token"] != known["file_token"]
    assert len(emulator.requests_to("POST", "/v3/files")) == 2
    assert known["file_token"] in done.result[RESULT_KEY]["dead"], "the object is told to forget it"
    assert [r.json["input"] for r in emulator.requests_to("POST", "/v3/mesh/uv")] == [
        done.result[RESULT_KEY]["import_task_id"]
    ]
    assert _paid_tasks(emulator, "mesh_uv") == [done.task_id]


def test_a_server_error_with_the_same_code_is_no_refusal_and_is_never_resent(
    tmp_path: Path, emulator: Emulator, make_runner: MakeRunner
) -> None:
    """A 5xx carrying code 1004 after a reused token: it may have created a task, so no second POST (it is found)"""
    runner = make_runner()
    first, known = _textured_once(runner, tmp_path)
    emulator.inject("POST /v3/models/texture", after=True, status=500, code=1004, message="internal (emulated)")
    job = runner.submit(_spec("texture_model", _export(tmp_path, "b.glb"), known))
    settled = Pump(runner).until_state(job.id, JobState.DONE, JobState.FAILED, JobState.UNCERTAIN)

    assert RENEW_NOTE not in [e.note for e in settled.timeline], "not taken for a refusal"
    assert len(emulator.requests_to("POST", "/v3/files")) == 1, "nothing uploaded again"
    assert len(emulator.requests_to("POST", "/v3/models/texture")) == 2, "the first job's POST and this one, once"
    assert _paid_tasks(emulator, "texture_model") == [first.task_id, settled.task_id], "the created task was found"
