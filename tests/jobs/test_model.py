"""The job model: specs refuse what must not be persisted, the state machine refuses illegal moves."""

from __future__ import annotations

import json

import pytest

from tripo_blender.jobs import ACTIVE_STATES, TERMINAL_STATES, TRANSITIONS, Job, JobSpec, JobState, format_timeline
from tripo_blender.jobs.model import InvalidTransition, advance, select_outputs


def _job(state: JobState = JobState.PENDING, **changes: object) -> Job:
    return Job(
        id="j1",
        spec=JobSpec("text_to_model", {"prompt": "a cat"}),
        state=state,
        created_at=1.0,
        updated_at=1.0,
        **changes,
    )  # type: ignore[arg-type]


# -- JobSpec -----------------------------------------------------------------------------------
def test_spec_rejects_unknown_kinds_so_a_journal_cannot_make_workers_call_anything() -> None:
    with pytest.raises(ValueError, match="unknown job kind"):
        JobSpec("close", {})
    with pytest.raises(ValueError):
        JobSpec("create_task", {"task_data": {}})


@pytest.mark.parametrize(
    "params",
    [
        {"prompt": "x", "api_key": "whatever"},
        {"prompt": "tsk_abcdef"},
        {"nested": {"Authorization": "Bearer abc"}},
        {"images": ["a.png", "Bearer tsk_123"]},
    ],
)
def test_spec_refuses_credentials(params: dict) -> None:
    with pytest.raises(ValueError, match="credentials|API key"):
        JobSpec("text_to_model", params)
    with pytest.raises(ValueError):
        JobSpec("text_to_model", {"prompt": "ok"}, meta=params)


def test_spec_refuses_data_that_cannot_be_journaled() -> None:
    with pytest.raises(ValueError, match="JSON"):
        JobSpec("text_to_model", {"prompt": object()})
    with pytest.raises(ValueError, match="JSON"):
        JobSpec("text_to_model", {"face_limit": float("nan")})


def test_spec_is_deeply_immutable_and_normalised_like_its_journal_copy() -> None:
    from tripo_blender.client import Animation

    params = {"original_model_task_id": "t", "animation": [Animation.WALK, "preset:run"]}
    meta = {"target": {"object": "Cube"}}
    spec = JobSpec("retarget_animation", params, meta=meta)
    params["animation"].append("preset:jump")  # the caller's dict stays theirs
    meta["target"]["object"] = "Other"
    assert spec.params["animation"] == ("preset:walk", "preset:run")
    assert spec.meta["target"]["object"] == "Cube"
    with pytest.raises(TypeError):
        spec.params["x"] = 1  # type: ignore[index]
    again = JobSpec.from_dict(json.loads(json.dumps(spec.to_dict())))
    assert again == spec


def test_outputs_must_be_a_sequence_of_keys() -> None:
    with pytest.raises(ValueError):
        JobSpec("text_to_model", {"prompt": "x"}, outputs="pbr_model")  # type: ignore[arg-type]
    assert JobSpec("text_to_model", {"prompt": "x"}, outputs=["model"]).outputs == ("model",)  # type: ignore[arg-type]


# -- outputs -----------------------------------------------------------------------------------
def test_default_outputs_pick_one_model_plus_the_thumbnail() -> None:
    spec = JobSpec("text_to_model", {"prompt": "x"})
    assert select_outputs(spec, ["model", "rendered_image"]) == ("model", "rendered_image")
    assert select_outputs(spec, ["base_model", "model", "pbr_model", "rendered_image"]) == ("model", "rendered_image")
    assert select_outputs(spec, ["pbr_model", "base_model"]) == ("pbr_model",)
    assert select_outputs(spec, ["rendered_image", "base_model"]) == ("base_model", "rendered_image")
    assert select_outputs(spec, []) == ()


def test_explicit_outputs_and_free_checks() -> None:
    spec = JobSpec("text_to_model", {"prompt": "x"}, outputs=("base_model", "pbr_model"))
    assert select_outputs(spec, ["pbr_model", "rendered_image"]) == ("pbr_model",)
    assert select_outputs(JobSpec("check_riggable", {"original_model_task_id": "t"}), ["model"]) == ()


def test_a_model_in_several_files_is_every_file_right_after_the_first() -> None:
    """A retarget answered one file per animation (``model``, ``model_2``…): each was paid for."""
    spec = JobSpec("retarget_animation", {"original_model_task_id": "t", "animation": ["preset:walk"]})
    assert select_outputs(spec, ["model_3", "rendered_image", "model", "model_2"]) == (
        "model",
        "model_2",
        "model_3",
        "rendered_image",
    )
    explicit = JobSpec("text_to_model", {"prompt": "x"}, outputs=("rendered_image", "model"))
    assert select_outputs(explicit, ["model", "model_2", "rendered_image"]) == ("rendered_image", "model", "model_2")
    no_model = JobSpec("text_to_model", {"prompt": "x"}, outputs=("rendered_image",))
    assert select_outputs(no_model, ["model", "model_2", "rendered_image"]) == ("rendered_image",)


# -- state machine -----------------------------------------------------------------------------
def test_states_partition_into_active_terminal_and_uncertain() -> None:
    assert ACTIVE_STATES | TERMINAL_STATES | {JobState.UNCERTAIN} == set(JobState)
    assert not ACTIVE_STATES & TERMINAL_STATES
    assert JobState.UNCERTAIN not in ACTIVE_STATES | TERMINAL_STATES
    assert set(TRANSITIONS) == set(JobState)


def test_done_is_final_and_uncertain_never_goes_straight_back_to_sending() -> None:
    assert TRANSITIONS[JobState.DONE] == frozenset()
    # an uncertain job is never sent straight again: Retry looks for its task on Tripo and follows
    # it (queued); only Runner.send_again, the artist's confirmed "Send Again", goes back to
    # pending; or dismissed; failed is how journals of earlier versions said "not created"
    assert TRANSITIONS[JobState.UNCERTAIN] == {JobState.QUEUED, JobState.PENDING, JobState.FAILED, JobState.CANCELLED}
    assert JobState.SUBMITTING not in TRANSITIONS[JobState.UNCERTAIN]
    # a job with files being imported belongs to the pump: it cannot be cancelled by a worker
    assert JobState.CANCELLED not in TRANSITIONS[JobState.IMPORTING]


def test_happy_path_builds_a_timeline_and_revisions() -> None:
    job = _job()
    path = [
        (JobState.SUBMITTING, "sending"),
        (JobState.QUEUED, ""),
        (JobState.RUNNING, ""),
        (JobState.DOWNLOADING, ""),
        (JobState.IMPORTING, ""),
        (JobState.DONE, ""),
    ]
    for n, (state, note) in enumerate(path, start=2):
        job = advance(job, state, at=float(n), note=note)
    assert [e.state for e in job.timeline] == [s for s, _ in path]
    assert [e.at for e in job.timeline] == [2.0, 3.0, 4.0, 5.0, 6.0, 7.0]
    assert job.revision == len(path)
    assert job.updated_at == 7.0
    lines = format_timeline(job)
    assert lines[0] == "+1.00s  submitting   sending" and lines[-1] == "+6.00s  done"


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (JobState.DONE, JobState.PENDING),
        (JobState.UNCERTAIN, JobState.SUBMITTING),
        (JobState.PENDING, JobState.DONE),
        (JobState.IMPORTING, JobState.CANCELLED),
        (JobState.CANCELLED, JobState.RUNNING),
    ],
)
def test_illegal_moves_raise(start: JobState, target: JobState) -> None:
    with pytest.raises(InvalidTransition):
        advance(_job(start), target, at=2.0)


def test_no_change_returns_the_same_object_so_callers_can_throttle() -> None:
    job = _job(JobState.RUNNING, progress=40)
    assert advance(job, JobState.RUNNING, at=9.0, progress=40) is job
    moved = advance(job, at=9.0, progress=41)
    assert moved is not job and moved.progress == 41 and moved.revision == 1
    assert moved.timeline == job.timeline  # progress alone is not a timeline event
    noted = advance(moved, at=10.0, note="connection lost, retrying")
    assert noted.timeline[-1].note == "connection lost, retrying"


def test_job_round_trips_through_json() -> None:
    from tripo_blender.jobs import JobError

    job = advance(
        _job(JobState.DOWNLOADING, task_id="t-1", estimated_cost=20),
        JobState.FAILED,
        at=3.0,
        note="download failed",
        error=JobError("boom", 1001, "try again", "trace-1"),
        files={"pbr_model": "/tmp/x.glb"},
        result={"riggable": True},
        objects=("A", "B"),
    )
    again = Job.from_dict(json.loads(json.dumps(job.to_dict())))
    assert again == job


def test_retry_resends_only_when_no_usable_task_exists() -> None:
    assert not _job(JobState.UNCERTAIN).retry_resends  # Retry asks Tripo first (free)
    assert _job(JobState.FAILED, task_id="t", task_status="failed").retry_resends  # the server failed it
    assert not _job(JobState.FAILED, task_id="t", task_status="success").retry_resends  # download failed
    assert not _job(JobState.CANCELLED, task_id="t", task_status="running").retry_resends  # local wait stopped


# -- apiv3: journals of the v2 era, retired kinds, tasks the service forgot -------------------------
def test_a_journal_entry_without_an_api_field_was_written_for_v2() -> None:
    job = _job(JobState.RUNNING, task_id="t-1")
    data = job.to_dict()
    assert data["api"] == 3 and Job.from_dict(data).api_version == 3
    del data["api"]  # what add-on 0.1 wrote
    assert Job.from_dict(data).api_version == 2


def test_retired_kinds_load_from_a_journal_but_cannot_be_retried() -> None:
    spec = JobSpec("refine_model", {"draft_model_task_id": "t"}, name="Refine Fox")
    job = advance(
        Job(id="j", spec=spec, state=JobState.PENDING, created_at=1.0, updated_at=1.0), JobState.CANCELLED, at=2.0
    )
    assert Job.from_dict(json.loads(json.dumps(job.to_dict()))).spec.kind == "refine_model"
    assert not job.can_retry


def test_a_task_the_service_no_longer_knows_is_gone() -> None:
    from tripo_blender.jobs import JobError

    gone = advance(
        _job(JobState.RUNNING, task_id="t-1", task_status="running"),
        JobState.FAILED,
        at=3.0,
        error=JobError("Tripo no longer knows task t-1", 2001),
    )
    assert gone.task_gone and gone.can_retry and not gone.retry_resends  # another key's? looking again is free
    v2_era = Job.from_dict({k: v for k, v in gone.to_dict().items() if k != "api"})
    assert v2_era.task_gone and not v2_era.can_retry  # apiv3 never knows a v2 task
    refused = advance(
        _job(JobState.RUNNING, task_id="t-1", task_status="running"),
        JobState.FAILED,
        at=3.0,
        error=JobError("Authentication failed", 2),
    )
    assert not refused.task_gone and refused.can_retry
