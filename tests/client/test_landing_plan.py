"""The landing plan (``rules.landing_plan.plan_landing``), without Blender: which way each finished
job lands, with which files, name, tags, source and undo step.

Why it matters: the plan is the only place that decides a landing; ``blender/landing.py`` only
executes it. A job sent down the wrong route lands a paid result in the wrong place (a rig beside
its source instead of in its place, a retarget as a second character), so each route, and the
facts each carries, is pinned here in plain Python. The bpy tests (tests/blender/test_landing*.py)
check that the executed plan gives what the artist sees.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from tripo_blender.jobs import Job, JobSpec, JobState
from tripo_blender.jobs.kinds import (
    CONVERT,
    FOLLOW_KIND,
    IMAGE_TO_DEPTH,
    IMAGE_TO_MULTIVIEW,
    IMAGE_TO_SPLAT,
    RETARGET,
    RIG,
    SEGMENT,
    SOURCE_PARAM,
    TEXT_TO_IMAGE,
    TEXT_TO_MODEL,
    TEXTURE,
)
from tripo_blender.jobs.mesh_upload import SOURCE_UID_META
from tripo_blender.jobs.model import TASK_CREATED_KEY
from tripo_blender.jobs.stand_in import STAND_IN_FORMAT, stand_in_spec
from tripo_blender.rules.landing_plan import (
    BATCH_META,
    DEFAULT_PLACEMENT,
    LOCAL_SOURCE,
    Route,
    SourcePlan,
    plan_landing,
)
from tripo_blender.rules.tags import (
    JOB_ID_PROP,
    MODEL_VERSION_PROP,
    RIG_FORMAT_PROP,
    RIG_SPEC_PROP,
    RIG_TYPE_PROP,
    TASK_CREATED_PROP,
    TASK_ID_PROP,
    TASK_TYPE_PROP,
)

SENT = 1_790_000_000.0
SOURCE = "1ec04a1b-aaaa-4bbb-8ccc-000000000001"
TASK = "0edda99d-aaaa-4bbb-8ccc-000000000002"
MODEL = {"model": "/cache/t/model.glb", "rendered_image": "/cache/t/preview.webp"}


def job(
    kind: str,
    params: Mapping[str, Any] | None = None,
    *,
    name: str = "Knight",
    meta: Mapping[str, Any] | None = None,
    task_id: str | None = TASK,
    task_type: str | None = None,
    task_input: Mapping[str, Any] | None = None,
    result: Mapping[str, Any] | None = None,
    job_id: str = "j1",
) -> Job:
    return Job(
        id=job_id,
        spec=JobSpec(kind, dict(params or {}), name=name, meta=dict(meta or {})),
        state=JobState.IMPORTING,
        created_at=SENT,
        updated_at=SENT,
        task_id=task_id,
        task_type=task_type,
        task_input=dict(task_input or {}),
        result=dict(result or {}),
    )


def post(kind: str, params: Mapping[str, Any] | None = None, **meta: Any) -> Job:
    """A post-process of the source task, asked from its object "Knight" in the scene."""
    return job(
        kind,
        {SOURCE_PARAM: SOURCE, **(params or {})},
        meta={"source_task_id": SOURCE, "source_object": "Knight", **meta},
    )


# --------------------------------------------------------------------------- one test per route


def test_a_generation_lands_new_in_its_batch_at_its_location_with_one_undo_step() -> None:
    plan = plan_landing(
        job(
            TEXT_TO_MODEL.name,
            {"prompt": "a knight", "model_version": "v3.0-20250812"},
            meta={"location": [1, 2, 3], BATCH_META: "b7"},
        ),
        MODEL,
    )
    assert plan.route == Route.NEW
    assert plan.models == ("/cache/t/model.glb",), "the thumbnail is no model"
    assert (plan.name, plan.character, plan.result_name()) == ("Knight", "Knight", "Knight")
    assert plan.batch == "b7" and plan.location == (1.0, 2.0, 3.0)
    assert plan.tags == {
        JOB_ID_PROP: "j1",
        TASK_ID_PROP: TASK,
        TASK_TYPE_PROP: TEXT_TO_MODEL.wire_type,
        TASK_CREATED_PROP: int(SENT),
        MODEL_VERSION_PROP: "v3.0-20250812",
    }
    assert plan.source is None and not plan.rig and not plan.tag_parts
    assert plan.undo_message == "Import Tripo result Knight"


def test_without_a_batch_or_a_usable_location_a_job_is_its_own_batch_at_the_cursor() -> None:
    plan = plan_landing(job(TEXT_TO_MODEL.name, meta={"location": [1, "2", 3]}), MODEL)
    assert plan.batch == "j1" and plan.location is None


def test_further_files_of_a_task_that_answered_one_per_animation_land_in_order() -> None:
    files = {"model_3": "/c/3.glb", "model": "/c/1.glb", "model_2": "/c/2.glb"}
    plan = plan_landing(job(FOLLOW_KIND, name="Task 0edda99d", task_type=RETARGET.wire_type), files)
    assert plan.route == Route.NEW
    assert plan.models == ("/c/1.glb", "/c/2.glb", "/c/3.glb")


def test_a_followed_task_is_named_after_the_task_and_tagged_with_what_the_server_echoed() -> None:
    followed = job(
        FOLLOW_KIND,
        name="Task 0edda99d",
        task_type=TEXTURE.wire_type,
        task_input={"model": "v2.5-20250123"},
        result={TASK_CREATED_KEY: SENT - 99},
    )
    plan = plan_landing(followed, MODEL)
    assert plan.route == Route.NEW and plan.source is None
    assert plan.character == "Tripo 0edda99d" and plan.result_name() == "Tripo 0edda99d (textured)"
    assert plan.tags[TASK_TYPE_PROP] == TEXTURE.wire_type
    assert plan.tags[TASK_CREATED_PROP] == int(SENT - 99), "Tripo's time for it, not when it was followed"


def test_a_followed_rig_is_set_up_as_a_rig_and_tagged_with_its_files_format() -> None:
    rig = job(FOLLOW_KIND, name="Task 0edda99d", task_type=RIG.wire_type, task_input={"spec": "tripo"})
    plan = plan_landing(rig, {"model": "/c/rig.fbx", "model_2": "/c/other.fbx"})
    assert plan.route == Route.NEW_RIG and plan.rig
    assert plan.models == ("/c/rig.fbx",), "a rig is one file"
    assert plan.tags[RIG_FORMAT_PROP] == "fbx" and plan.tags[RIG_SPEC_PROP] == "tripo"
    assert plan.result_name() == "Tripo 0edda99d (rigged)"
    assert plan.undo_message == "Tripo: Task 0edda99d"


def test_a_followed_rig_in_a_format_no_rig_comes_in_gets_no_format_tag() -> None:
    plan = plan_landing(job(FOLLOW_KIND, task_type=RIG.wire_type), {"model": "/c/rig.obj"})
    assert plan.route == Route.NEW_RIG and RIG_FORMAT_PROP not in plan.tags


def test_a_rig_takes_its_sources_place_set_up_as_a_rig_with_the_rig_tags() -> None:
    plan = plan_landing(post(RIG.name, {"out_format": "fbx", "spec": "tripo"}, placement="KEEP_BOTH"), MODEL)
    assert plan.route == Route.IN_PLACE and plan.rig
    assert plan.source == SourcePlan(SOURCE, None, "Knight")
    assert plan.placement == "KEEP_BOTH"
    assert {k: plan.tags[k] for k in (RIG_SPEC_PROP, RIG_FORMAT_PROP, RIG_TYPE_PROP)} == {
        RIG_SPEC_PROP: "tripo",
        RIG_FORMAT_PROP: "fbx",
        RIG_TYPE_PROP: "",
    }, "the params, not the file's suffix"
    assert plan.result_name("Hero") == "Hero (rigged)", "named after the character the source carries"
    assert plan.undo_message == "Tripo: Knight"


def test_a_post_process_lands_in_place_named_after_its_step() -> None:
    plan = plan_landing(post(CONVERT.name, {"format": "fbx"}, placement="sideways"), MODEL)
    assert plan.route == Route.IN_PLACE and not plan.rig
    assert plan.placement == DEFAULT_PLACEMENT, "an unknown mode is the default"
    assert plan.result_name() == "Knight (FBX)"


def test_a_post_process_asked_by_task_id_alone_falls_back_to_the_jobs_name() -> None:
    plan = plan_landing(
        job(TEXTURE.name, {SOURCE_PARAM: SOURCE}, name="Texture 1ec04a1b", meta={"source_task_id": SOURCE}), MODEL
    )
    assert plan.route == Route.IN_PLACE
    assert plan.source == SourcePlan(SOURCE) and plan.character == "Texture 1ec04a1b"


def test_a_post_process_of_a_mesh_of_the_users_finds_it_by_its_uid() -> None:
    plan = plan_landing(
        job(TEXTURE.name, {"file_token": "tok"}, meta={SOURCE_UID_META: "u-42", "source_object": "Cube"}), MODEL
    )
    assert plan.route == Route.IN_PLACE
    assert plan.source == SourcePlan(LOCAL_SOURCE, "u-42", "Cube") and plan.source.local


def test_a_post_process_with_no_source_lands_as_something_new() -> None:
    plan = plan_landing(job(TEXTURE.name, {SOURCE_PARAM: SOURCE}), MODEL)
    assert plan.route == Route.NEW and plan.source is None
    assert plan.result_name() == "Knight", "named after its job, like a generation"


def test_a_retarget_goes_onto_the_rigs_armature_with_every_file() -> None:
    files = {"model": "/c/walk.glb", "model_2": "/c/run.glb"}
    plan = plan_landing(
        post(
            RETARGET.name,
            {"animations": ["walk", "run"]},
            target_armature="Knight rig",
            presets=["walk", "run"],
            fit_frame_range=True,
        ),
        files,
    )
    assert plan.route == Route.RETARGET
    assert plan.models == ("/c/walk.glb", "/c/run.glb")
    assert plan.target_armature == "Knight rig" and plan.source == SourcePlan(SOURCE, None, "Knight")
    assert plan.presets == ("walk", "run") and plan.fit_frame_range
    assert plan.result_name() == "Knight (animated)", "the fallback's name, when the armature is gone"


def test_a_retarget_without_an_armature_name_leaves_the_search_to_the_rig_tag() -> None:
    plan = plan_landing(post(RETARGET.name, target_armature=7), {"model": "/c/walk.glb"})
    assert plan.route == Route.RETARGET and plan.target_armature is None and not plan.fit_frame_range


def test_a_splat_lands_as_a_splat_whatever_its_kind() -> None:
    own = plan_landing(job(IMAGE_TO_SPLAT.name, meta={"location": [0, 0, 1]}), {"splat": "/c/s.spz"})
    followed = plan_landing(job(FOLLOW_KIND, task_type=IMAGE_TO_SPLAT.wire_type), {"splat": "/c/s.spz", **MODEL})
    for plan in (own, followed):
        assert plan.route == Route.SPLAT and plan.models == ("/c/s.spz",)
        assert plan.undo_message == "Tripo: Knight"
    assert own.location == (0.0, 0.0, 1.0) and own.tags[TASK_TYPE_PROP] == IMAGE_TO_SPLAT.wire_type


def test_a_depth_map_lands_as_its_image_and_a_plane_tagged_in_its_batch() -> None:
    plan = plan_landing(job(IMAGE_TO_DEPTH.name, meta={BATCH_META: "b1"}), {"depth_image": "/c/d.png"})
    assert plan.route == Route.DEPTH and plan.batch == "b1"
    assert plan.files == {"depth_image": "/c/d.png"}
    assert plan.tags[TASK_TYPE_PROP] == IMAGE_TO_DEPTH.wire_type and MODEL_VERSION_PROP not in plan.tags


@pytest.mark.parametrize("kind", [TEXT_TO_IMAGE.name, IMAGE_TO_MULTIVIEW.name])
def test_image_first_lands_images(kind: str) -> None:
    plan = plan_landing(job(kind), {"generated_image": "/c/i.png"})
    assert plan.route == Route.IMAGES and plan.undo_message == "Tripo: Knight"


def test_a_file_blender_cannot_import_is_saved_only() -> None:
    plan = plan_landing(
        job(CONVERT.name, {SOURCE_PARAM: SOURCE, "format": "3mf"}, meta={"source_task_id": SOURCE}),
        {"model": "/c/m.3mf"},
        importable=lambda path: not path.endswith(".3mf"),
    )
    assert plan.route == Route.SAVED and plan.models == ("/c/m.3mf",) and plan.undo_message is None


def test_a_job_that_downloaded_no_model_has_nothing_to_land() -> None:
    plan = plan_landing(job(TEXT_TO_MODEL.name), {})
    assert plan.route == Route.NOTHING and plan.models == () and plan.undo_message is None


def test_a_conversion_standing_in_for_an_undecodable_result_lands_as_that_result() -> None:
    original = post(RIG.name, {"out_format": "glb"}, location=[4, 5, 6], placement="REPLACE")
    conversion = job(
        CONVERT.name,
        stand_in_spec(original).params,
        name=f"Knight ({STAND_IN_FORMAT})",
        meta=stand_in_spec(original).meta,
        task_id="c0ffee00-aaaa-4bbb-8ccc-000000000003",
        job_id="j2",
    )
    plan = plan_landing(conversion, {"model": "/c/m.fbx"})
    assert plan.stands_for == ("Knight",)
    assert plan.route == Route.IN_PLACE and plan.rig and plan.placement == "REPLACE"
    assert plan.source == SourcePlan(SOURCE, None, "Knight") and plan.location == (4.0, 5.0, 6.0)
    assert plan.tags[TASK_ID_PROP] == TASK, "the original task's result, as the menu should know it"
    assert plan.tags[JOB_ID_PROP] == "j2" and plan.tags[TASK_TYPE_PROP] == RIG.wire_type
    assert plan.result_name("Hero") == "Hero (rigged)"


# --------------------------------------------------------------------------- tags and parts


@pytest.mark.parametrize("case", ["segmentation", "followed segmentation", "generated parts"])
def test_a_result_of_named_parts_has_its_parts_tagged(case: str) -> None:
    made = {
        "segmentation": post(SEGMENT.name),
        "followed segmentation": job(FOLLOW_KIND, task_type=SEGMENT.wire_type),
        "generated parts": job(TEXT_TO_MODEL.name, {"prompt": "x", "generate_parts": True}),
    }[case]
    assert plan_landing(made, MODEL).tag_parts


def test_a_plain_model_has_no_parts_tagged() -> None:
    assert not plan_landing(post(TEXTURE.name), MODEL).tag_parts


def test_a_job_not_yet_sent_is_tagged_without_a_task() -> None:
    tags = plan_landing(job(TEXT_TO_MODEL.name, task_id=None), MODEL).tags
    assert tags == {JOB_ID_PROP: "j1", TASK_TYPE_PROP: TEXT_TO_MODEL.wire_type}
