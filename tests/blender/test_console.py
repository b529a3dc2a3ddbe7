"""The console API (``tripo`` in Blender's Python console) against the emulator, in real bpy.

Nothing here calls the pump by hand: ``job.wait()`` and ``tripo.batch()`` must do it themselves,
because in ``blender -b`` (and in the bpy module) timers never fire.
"""

from __future__ import annotations

import importlib
import logging
import runpy
import sys
import threading
from pathlib import Path
from types import ModuleType
from typing import Any

import addon_utils
import bpy
import pytest

from tests.emulator import TEST_KEY, Emulator

from .runtime_support import addon_module, created, draw_panel, label_texts, set_online_access, uploads
from .support import ASSETS, DEV_MODULE, enable_addon, reraise

SCRIPTS = Path(__file__).resolve().parent / "scripts"
PIPELINE = SCRIPTS / "console_pipeline.py"
WAIT = 60.0  # generous: a failure shows as a TimeoutError naming the job's state


def open_console(key: str = "tripo-test") -> Any:
    """A Python console as Blender's console editor gets one (its module's ``get_console``)."""
    module = importlib.import_module(f"{DEV_MODULE}.blender.console_name").console_module()
    assert module is not None, "Blender's Python console module is missing"
    return module.get_console(key)[0]


@pytest.fixture
def tripo(addon: ModuleType) -> ModuleType:
    """``tripo`` as a user types it in Blender's Python console (after the add-on is enabled)."""
    found: ModuleType = open_console().locals["tripo"]
    return found


def _posts(emulator: Emulator) -> list[Any]:
    return created(emulator)


def _tagged(task_id: str | None) -> list[Any]:
    return [ob for ob in bpy.data.objects if ob.get("tripo_task_id") == task_id]


# --------------------------------------------------------------------------- the console's `tripo`


def test_the_console_has_tripo_without_an_import_and_no_top_level_module(tripo: ModuleType) -> None:
    assert tripo is sys.modules[DEV_MODULE]
    console = open_console("typed")
    console.push("found = tripo.jobs.JobState.DONE, tripo.__name__")  # what a user types, run by the console
    assert console.locals["found"] == ("done", DEV_MODULE)
    assert tripo.client.TripoAPIError is importlib.import_module(f"{DEV_MODULE}.client.errors").TripoAPIError
    assert "tripo_blender" not in sys.modules or sys.modules["tripo_blender"] is not tripo, (
        "a top-level module name is what Blender's extension policy forbids"
    )


def test_console_name_and_callable_packages_exist_only_while_enabled(tripo: ModuleType) -> None:
    jobs_package = importlib.import_module(f"{DEV_MODULE}.jobs")
    console_name = importlib.import_module(f"{DEV_MODULE}.blender.console_name")
    opened = open_console("open while disabling")
    assert callable(tripo.jobs) and callable(tripo.client)
    assert tripo.jobs.JobState.DONE == "done" and tripo.client.TripoClient  # still the subpackages
    addon_utils.disable(DEV_MODULE, default_set=True, handle_error=reraise)
    try:
        assert "tripo" not in opened.locals, "a disabled add-on must not keep answering to the name"
        assert "tripo" not in open_console("opened while disabled").locals
        assert type(console_name.console_module().get_console).__name__ == "function", "Blender's own again"
        assert not callable(jobs_package)
    finally:
        enable_addon(DEV_MODULE)
    assert opened.locals["tripo"] is sys.modules[DEV_MODULE]
    assert open_console("opened after enabling").locals["tripo"] is sys.modules[DEV_MODULE]
    assert callable(importlib.import_module(f"{DEV_MODULE}.jobs"))


def test_a_tripo_the_user_assigned_is_left_alone(addon: ModuleType) -> None:
    console = open_console("own tripo")
    console.push("tripo = 'my own'")
    addon_utils.disable(DEV_MODULE, default_set=True, handle_error=reraise)
    enable_addon(DEV_MODULE)
    assert console.locals["tripo"] == "my own"


def test_the_package_lists_exactly_the_console_api_and_help_explains_it(tripo: ModuleType) -> None:
    console = tripo.console
    assert tripo._console_names() | {"jobs", "client"} == set(console.__all__)
    assert all(callable(getattr(console, name)) for name in console.__all__), "every name is a function or class"
    assert set(console.__all__) <= set(dir(tripo))
    assert ">>> tripo.estimate_cost(" in (console.__doc__ or "")
    assert "bl_ext.user_default" in (console.__doc__ or "")  # how a script imports it
    assert "blender -b" in (console.__doc__ or "")
    for name in console.__all__:
        assert getattr(console, name).__doc__, f"{name} has no docstring for help()"
    assert tripo.text_to_model is console.text_to_model


# --------------------------------------------------------------------------- jobs, panel, wait


def test_console_job_is_in_the_jobs_panel_and_lands_tagged(tripo: ModuleType, ready: Emulator) -> None:
    bpy.context.scene.cursor.location = (2.0, 0.0, 1.0)
    job = tripo.text_to_model("a ceramic cat", name="Cat")

    assert job.state in ("pending", "submitting", "queued", "running")  # returned at once
    panel = addon_module("blender.job_list").TRIPO_PT_jobs
    assert "Cat" in label_texts(draw_panel(panel))
    assert job in tripo.jobs()

    assert job.wait(WAIT) is job
    assert job.done and job.progress == 100 and job.error is None
    objects = job.objects
    assert objects and set(objects) == set(_tagged(job.task_id))
    assert objects[0].parent is None and tuple(objects[0].location) == pytest.approx((2.0, 0.0, 1.0))
    assert set(job.files) >= {"model"} and all(Path(p).is_file() for p in job.files.values())
    assert "done" in repr(job) and "Cat" in repr(job)
    assert [b.json["prompt"] for b in _posts(ready)] == ["a ceramic cat"]


def test_operator_job_is_in_tripo_jobs(tripo: ModuleType, ready: Emulator) -> None:
    assert bpy.ops.tripo.generate(mode="TEXT", prompt="a wooden dog") == {"FINISHED"}

    (job,) = [j for j in tripo.jobs() if j.name == "a wooden dog"]
    assert job.kind == "text_to_model"
    assert job.wait(WAIT).objects


def test_wait_times_out_and_the_job_finishes_later(tripo: ModuleType, ready: Emulator) -> None:
    ready.set_timing(queue_seconds=3600)
    job = tripo.text_to_model("a slow statue")

    with pytest.raises(TimeoutError, match="keeps running"):
        job.wait(timeout=0.5)
    assert job.state in ("pending", "submitting", "queued")

    ready.advance(3600)
    assert job.wait(WAIT).done
    assert job.objects
    assert len(_posts(ready)) == 1


def test_no_credit_raises_the_api_error_with_its_code(tripo: ModuleType, ready: Emulator, prefs: Any) -> None:
    TripoAPIError = tripo.client.TripoAPIError  # what a script catches is what the add-on raises

    poor = "tsk_poor_account_key_0000000000"
    ready.add_key(poor, balance=0)
    prefs.api_key = poor
    job = tripo.text_to_model("an expensive castle")

    with pytest.raises(TripoAPIError) as raised:
        job.wait(WAIT)
    assert raised.value.code == 2010
    assert job.state == "failed" and job.error is not None and job.error.code == 2010
    assert job.objects == []


def test_a_failed_task_raises_its_error_code(tripo: ModuleType, ready: Emulator) -> None:
    ready.set_outcome("failed", error_code=1001)
    job = tripo.text_to_model("a doomed vase")

    with pytest.raises(tripo.client.TripoAPIError) as raised:
        job.wait(WAIT)
    assert raised.value.code == 1001 and "could not generate" in str(raised.value)


def test_cancel_then_wait_raises_job_cancelled(tripo: ModuleType, ready: Emulator) -> None:
    ready.set_timing(queue_seconds=3600)
    job = tripo.text_to_model("a forgotten chair")
    assert job.cancel() is True
    with pytest.raises(tripo.JobCancelled):
        job.wait(WAIT)
    assert job.cancel() is False


def test_wait_from_another_thread_is_refused(tripo: ModuleType, ready: Emulator) -> None:
    job = tripo.text_to_model("a threaded lamp")
    caught: list[BaseException] = []

    def body() -> None:
        try:
            job.wait(1)
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread
            caught.append(exc)

    thread = threading.Thread(target=body)
    thread.start()
    thread.join(10)
    assert len(caught) == 1 and isinstance(caught[0], RuntimeError) and "main thread" in str(caught[0])
    assert job.wait(WAIT).done  # the job itself was not disturbed


def test_pump_entered_again_from_inside_an_import_imports_each_result_once(
    tripo: ModuleType, ready: Emulator, rt: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A handler run by an import that waits (and so pumps) must not import anything twice."""
    runtime_module = addon_module("blender.runtime")
    real_import = runtime_module.import_job
    nested: list[float | None] = []

    def import_and_pump(*args: Any, **kwargs: Any) -> Any:
        nested.append(rt.pump())
        return real_import(*args, **kwargs)

    monkeypatch.setattr(runtime_module, "import_job", import_and_pump)
    first, second = tripo.text_to_model("a first cup"), tripo.text_to_model("a second cup")
    first.wait(WAIT)
    second.wait(WAIT)

    assert nested, "the pump was re-entered"
    assert len(first.objects) == len(second.objects) > 0
    assert len(bpy.data.collections["Tripo"].children) == 1, "one batch"
    assert bpy.data.collections["Tripo"].children[0].name.endswith(" cup and more"), "both results in it, once"


# --------------------------------------------------------------------------- batch


def test_batch_of_twelve_keeps_to_three_in_flight(
    tripo: ModuleType, ready: Emulator, prefs: Any, rt: Any, caplog: pytest.LogCaptureFixture
) -> None:
    prefs.parallel_jobs = 8  # more workers than the batch may use: the cap must come from the runner
    ready.concurrency_limit = 3
    ready.set_timing(run_seconds=0.4)
    prompts = [f"a small statue number {n}" for n in range(12)]

    with caplog.at_level(logging.INFO, logger="tripo_blender.console"):
        jobs = tripo.batch(prompts, parallel=3)

    assert [j.name for j in jobs] == prompts
    assert [j.state for j in jobs] == ["done"] * 12, [(j.name, j.state, j.error) for j in jobs]
    assert all(j.objects for j in jobs)
    assert ready.max_in_flight <= 3
    posts = _posts(ready)
    assert len(posts) == 12 and {p.status for p in posts} == {200}, "a refused POST means the cap was exceeded"
    assert rt.runner().max_in_flight == 10, "the runner's limit is restored after the batch"
    lines = [r.getMessage() for r in caplog.records if r.name == "tripo_blender.console" and "/12]" in r.getMessage()]
    assert [line.split("]")[0] for line in lines] == [f"[{n}/12" for n in range(1, 13)]
    assert all("done: " in line for line in lines)


def test_batch_checks_every_prompt_before_sending_any(tripo: ModuleType, ready: Emulator) -> None:
    with pytest.raises(ValueError, match="prompt 2"):
        tripo.batch(["a fine cup", "x" * 2000], parallel=2)
    assert _posts(ready) == [] and tripo.jobs() == []


def test_progress_lines_reach_the_console_without_logging_setup(
    tripo: ModuleType, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Blender configures no logging handler: the batch adds one that prints to the current stdout."""
    console = tripo.console
    logger = logging.getLogger("tripo_blender.console")
    monkeypatch.setattr(logging.getLogger(), "handlers", [])
    monkeypatch.setattr(logger, "handlers", [])
    level = logger.level
    logger.setLevel(logging.NOTSET)
    try:
        console._ensure_console_output()
        console._ensure_console_output()
        assert len(logger.handlers) == 1
        logger.info("[1/1] done: 'x'")
    finally:
        logger.setLevel(level)
    assert capsys.readouterr().out == "tripo: [1/1] done: 'x'\n"


# --------------------------------------------------------------------------- post-processes and friends


def test_post_process_from_a_users_child_object_uses_the_results_task(tripo: ModuleType, ready: Emulator) -> None:
    model = tripo.text_to_model("a stone bench", name="Bench").wait(WAIT)
    root = model.objects[0]
    helper = bpy.data.objects.new("my helper", None)  # the user's own object under the result
    bpy.context.scene.collection.objects.link(helper)
    helper.parent = root

    job = tripo.texture(helper, text_prompt="mossy granite")

    spec = job.snapshot.spec
    assert spec.kind == "texture_model" and job.name == "Texture Bench"
    assert spec.params["original_model_task_id"] == model.task_id
    assert dict(spec.meta) | {"location": None, "batch": None} == {
        "source_task_id": model.task_id,
        "source_object": root.name,
        "placement": "HIDE_SOURCE",
        "location": None,
        "batch": None,
    }
    job.wait(WAIT)
    (body,) = [r.json for r in created(ready, "texture_model")]
    assert body["input"] == model.task_id


def test_post_process_arguments_are_checked_before_sending(tripo: ModuleType, ready: Emulator) -> None:
    plain = bpy.data.objects.new("not from tripo", None)
    with pytest.raises(ValueError, match="not a Tripo result"):
        tripo.rig(plain)
    with pytest.raises(TypeError, match="colour"):
        tripo.rig("some-task-id", colour="red")
    with pytest.raises(ValueError, match="placement"):
        tripo.texture("some-task-id", placement="SOMEWHERE")
    with pytest.raises(ValueError, match="1 to 5"):
        tripo.retarget("some-task-id", [])
    with pytest.raises(TypeError):
        tripo.text_to_model("a cat", colour="red")
    with pytest.raises(ValueError, match="P1 does not support"):
        tripo.text_to_model("a cat", model_version="P1-20260311", quad=True)
    with pytest.raises(ValueError, match="P1 does not support Geometry Quality"):
        tripo.text_to_model("a cat", model_version="P1-20260311", geometry_quality="detailed")
    with pytest.raises(ValueError, match="retired by Tripo on 2026-12-01"):
        tripo.text_to_image("a cat", model="chat_image_1.5")
    with pytest.raises(ValueError, match="aspect_ratio='16:9' needs a banana model"):
        tripo.text_to_image("a cat", aspect_ratio="16:9")
    with pytest.raises(ValueError, match="Generation styles no longer exist"):
        tripo.text_to_model("a cat", style="gold")
    with pytest.raises(ValueError, match="rigs bipeds only"):
        tripo.rig("some-task-id", rig_type="quadruped")  # rig model v1.0, the client's default
    with pytest.raises(ValueError, match="delight needs"):
        tripo.texture("some-task-id", delight=True)
    with pytest.raises(ValueError, match="does not exist"):
        tripo.image_to_model("/nonexistent/picture.png")
    assert _posts(ready) == [] and tripo.jobs() == []


def test_image_to_depth_lands_the_depth_map_and_a_plane_it_displaces(tripo: ModuleType, ready: Emulator) -> None:
    """The new route, end to end: one route record, one kind record, this console function, and
    its landing: the map as a packed image, and an upright plane in relief at ``location``."""
    job = tripo.image_to_depth(ASSETS / "images" / "rocket.jpg", kind="color", location=(3.0, 0.0, 1.0))
    assert job.estimated_cost is None, "Tripo publishes no price for depth maps"
    job.wait(WAIT)
    (body,) = [r.json for r in created(ready, "image_to_depth")]
    assert body["kind"] == "color" and body["input"].startswith("file_")
    image = job.image
    assert image is not None and image.name == "rocket depth" and tuple(image.size) != (0, 0)
    assert image.packed_file is not None, "kept in the .blend"
    (plane,) = job.objects
    assert plane.name == "rocket depth" and plane.type == "MESH" and plane.get("tripo_task_id") == job.task_id
    assert tuple(plane.location) == (3.0, 0.0, 1.0)
    (displace,) = [m for m in plane.modifiers if m.type == "DISPLACE"]
    assert displace.texture.image == image and displace.texture_coords == "UV"
    assert plane.users_collection[0].name in bpy.data.collections["Tripo"].children, "with the other results"
    evaluated = plane.evaluated_get(bpy.context.evaluated_depsgraph_get()).data
    depths = [(plane.matrix_world @ v.co).y for v in evaluated.vertices]
    heights = [(plane.matrix_world @ v.co).z for v in evaluated.vertices]
    assert max(heights) - min(heights) > 1.0, "upright: the image's height is the plane's"
    assert max(depths) - min(depths) > 0.05 and max(depths) < 0.0, "relief towards the front view, from the map"
    with pytest.raises(ValueError, match="process_res must be at most 2016"):
        tripo.image_to_depth(ASSETS / "images" / "rocket.jpg", process_res=4096)


def test_image_to_image_lands_a_blender_image_from_a_concept_image_without_uploading(
    tripo: ModuleType, ready: Emulator
) -> None:
    """Issue 21's route, end to end: the concept image (a Blender image) goes as its task id, the
    template reaches Tripo, and the result is a packed Blender image whose task can make a model."""
    concept = tripo.text_to_image("a red fox figurine").wait(WAIT).image
    assert concept is not None
    job = tripo.image_to_image(concept, template="t_pose")
    assert job.estimated_cost is None, "Tripo publishes no price for image to image"
    image = job.wait(WAIT).image
    assert isinstance(image, bpy.types.Image) and image.name == "a red fox figurine (T-pose)"
    assert tuple(image.size) != (0, 0) and image.packed_file is not None and job.objects == []
    (body,) = [r.json for r in created(ready, "generate_image")]
    assert body == {"input": concept["tripo_task_id"], "template": "t_pose"}, "the concept's task, not an upload"
    assert ready.requests_to("POST", "/v3/files") == []
    assert image["tripo_task_type"] == "generate_image" and image["tripo_task_id"] == job.task_id

    edited = tripo.image_to_image(ASSETS / "images" / "rocket.jpg", "paint it red").wait(WAIT)
    (_, second) = [r.json for r in created(ready, "generate_image")]
    assert second["input"].startswith("file_") and second["prompt"] == "paint it red"
    assert edited.image is not None and edited.image.name == "rocket (edited)"
    with pytest.raises(ValueError, match="prompt is required unless a template is given"):
        tripo.image_to_image(concept)
    with pytest.raises(ValueError, match="template must be one of"):
        tripo.image_to_image(concept, template="tpose")
    assert len(created(ready, "generate_image")) == 2, "refused before sending"


def test_smart_segment_of_an_object_replaces_it_and_of_an_image_lands_parts_at_the_cursor(
    tripo: ModuleType, ready: Emulator
) -> None:
    fox = tripo.text_to_model("a fox").wait(WAIT)
    parts = tripo.smart_segment(fox.objects[0], hint="legs apart", granularity="coarse").wait(WAIT)
    (body,) = [r.json for r in created(ready, "smart_segment")]
    assert (body["input"], body["seg_type"], body["hint"], body["granularity"]) == (
        fox.task_id,
        "model",
        "legs apart",
        "coarse",
    )
    assert len(body["transform"]) == 16, "a model goes with its transform (the identity)"
    assert {ob.get("tripo_part_name") for ob in parts.objects if ob.type == "MESH"} >= {"head", "legs"}
    assert all(ob.hide_get() for ob in fox.objects), "the parts took the model's place"

    concept = tripo.text_to_image("a robot").wait(WAIT).image
    robot = tripo.smart_segment(concept, location=(4.0, 0.0, 0.0)).wait(WAIT)
    (_, second) = [r.json for r in created(ready, "smart_segment")]
    assert second == {"input": concept["tripo_task_id"], "seg_type": "image"}, "the concept's task, no transform"
    assert robot.name == "a robot parts" and robot.objects
    root = next(ob for ob in robot.objects if ob.parent is None)
    assert tuple(root.location) == pytest.approx((4.0, 0.0, 0.0)), "a new model, at the location asked"
    with pytest.raises(ValueError, match="granularity must be one of coarse, medium, fine"):
        tripo.smart_segment(concept, granularity="detailed")
    assert len(created(ready, "smart_segment")) == 2


def test_p2_quad_is_sent_and_lands_as_fbx(tripo: ModuleType, ready: Emulator) -> None:
    """Quad is P2's (Tripo's JS SDK): sent, and the FBX Tripo makes lands (its extension from the URL)."""
    job = tripo.text_to_model("a crate", model_version="P2-20260801", quad=True).wait(WAIT)
    (body,) = [r.json for r in created(ready, "text_to_model")]
    assert (body["model"], body["quad"]) == ("P2-20260801", True)
    assert job.files["model"].endswith(".fbx") and job.objects


def test_refine_and_stylize_are_gone(tripo: ModuleType) -> None:
    """Tripo retired both with its v2 API: the console no longer offers them."""
    for name in ("refine", "stylize"):
        assert not hasattr(tripo, name) and name not in dir(tripo) and name not in tripo.console.__all__
        with pytest.raises(AttributeError):
            getattr(tripo.console, name)
    assert tripo.estimate_cost("stylize") is None


def test_options_new_in_apiv3_reach_tripo(tripo: ModuleType, ready: Emulator) -> None:
    cat = tripo.text_to_model(
        "a cat", model_version="v3.1-20260211", geometry_quality="detailed", export_orientation="-y", export_uv=False
    ).wait(WAIT)
    body = created(ready, "text_to_model")[0].json
    assert (body["model"], body["geometry_quality"], body["export_orientation"], body["export_uv"]) == (
        "v3.1-20260211",
        "detailed",
        "-y",
        False,
    )
    tripo.image_to_model(ASSETS / "images" / "rocket.jpg", enable_image_autofix=True, model_version="P2-20260801").wait(
        WAIT
    )
    body = created(ready, "image_to_model")[0].json
    assert (body["model"], body["enable_image_autofix"]) == ("P2-20260801", True)
    assert not {"quad", "smart_low_poly", "generate_parts", "geometry_quality"} & set(body)
    tripo.smart_lowpoly(cat.objects[0], model_version="v3.0", smart_uv=True).wait(WAIT)
    (body,) = [r.json for r in created(ready, "highpoly_to_lowpoly")]
    assert (body["input"], body["model"], body["smart_uv"]) == (cat.task_id, "v3.0", True)


def test_check_riggable_by_task_id_returns_data_not_objects(tripo: ModuleType, ready: Emulator) -> None:
    model = tripo.text_to_model("a running fox").wait(WAIT)
    job = tripo.check_riggable(model.task_id).wait(WAIT)
    assert job.result["riggable"] is True
    assert "quadruped" in (job.result.get("rig_type"), job.result.get("topology")), job.result
    assert job.objects == [] and job.files == {}


def test_import_task_follows_an_existing_task_without_posting(tripo: ModuleType, ready: Emulator) -> None:
    with tripo.client() as client:
        task_id = client.text_to_model("a vase made elsewhere")
    assert len(_posts(ready)) == 1

    job = tripo.import_task(f" {task_id} ", location=(0.0, 5.0, 0.0)).wait(WAIT)

    assert job.kind == "import_task" and job.estimated_cost == 0 and job.task_id == task_id
    assert job.objects and set(job.objects) == set(_tagged(task_id))
    assert tuple(job.objects[0].location) == pytest.approx((0.0, 5.0, 0.0))
    assert len(_posts(ready)) == 1, "following a task must not create another"


def test_import_task_and_the_operator_make_the_same_job(tripo: ModuleType, ready: Emulator) -> None:
    with tripo.client() as client:
        task_id = client.text_to_model("a vase made elsewhere")
    bpy.context.scene.cursor.location = (1.0, 2.0, 3.0)
    from_console = tripo.import_task(task_id)
    assert bpy.ops.tripo.import_task(task_id=f"{task_id}\n") == {"FINISHED"}
    from_operator = next(j for j in tripo.jobs() if j != from_console)
    assert from_console.snapshot.spec == from_operator.snapshot.spec
    assert tuple(from_console.snapshot.spec.meta["location"]) == (1.0, 2.0, 3.0)
    with pytest.raises(TypeError, match="must be a string"):
        tripo.import_task(12345)
    with pytest.raises(ValueError, match="Enter a task id"):
        tripo.import_task("  ")
    assert len(tripo.jobs()) == 2 and len(_posts(ready)) == 1


def test_images_from_files_and_blender_are_uploaded(tripo: ModuleType, ready: Emulator) -> None:
    generated = bpy.data.images.new("sketch", 32, 32)
    job = tripo.image_to_model(generated)
    assert job.name == "sketch"
    views = tripo.multiview_to_model(ASSETS / "images" / "rocket.jpg", back=str(ASSETS / "images" / "coffee.webp"))
    job.wait(WAIT)
    views.wait(WAIT)

    assert sorted(u.content_type for u in uploads(ready)) == ["image/jpeg", "image/png", "image/webp"]
    (body,) = [r.json for r in created(ready, "multiview_to_model")]
    assert [bool(f) for f in body["inputs"]] == [True, False, True, False]
    assert all(f.startswith("file_") for f in body["inputs"] if f)


def test_estimate_cost_accepts_console_and_client_names(tripo: ModuleType) -> None:
    assert tripo.estimate_cost("rig") == tripo.estimate_cost("rig_model") == 25
    assert tripo.estimate_cost("import_task") == 0
    assert tripo.estimate_cost("text_to_model", texture_quality="detailed") == 10 + tripo.estimate_cost("text_to_model")
    assert tripo.estimate_cost("texture", model_version="v3.5-20260815") is None  # price not published


def test_estimate_cost_of_an_unknown_kind_names_the_valid_ones(tripo: ModuleType) -> None:
    """A typo is an error naming the kinds, not None (which means "no published price")."""
    with pytest.raises(ValueError, match=r"unknown kind 'bogus'.*\brig\b.*texture.*rig_model") as raised:
        tripo.estimate_cost("bogus")
    assert "text_to_model" in str(raised.value)


def test_balance_and_client_use_the_add_on_settings(
    tripo: ModuleType, ready: Emulator, prefs: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = ready.balance_of(TEST_KEY)[0]
    assert tripo.balance().balance == expected
    with tripo.client() as client:
        assert client.get_balance().balance == expected

    prefs.api_key = ""
    with pytest.raises(tripo.UserError, match="No Tripo API key"):
        tripo.balance()
    with pytest.raises(tripo.UserError, match="No Tripo API key"):
        tripo.client()
    set_online_access(False)
    prefs.api_key = TEST_KEY
    with pytest.raises(tripo.UserError, match="Online access"):
        tripo.client()
    with pytest.raises(tripo.UserError, match="Online access"):
        tripo.text_to_model("a cat")


# --------------------------------------------------------------------------- text → rig → retarget


def test_pipeline_script_in_process(tripo: ModuleType, ready: Emulator) -> None:
    """text → rig → retarget: one armature (the rig's) with walk and run, the model hidden."""
    result = runpy.run_path(str(PIPELINE))["main"]()
    assert [kind for _, kind, state in result["jobs"]] == ["retarget_animation", "rig_model", "text_to_model"]
    assert {state for _, _, state in result["jobs"]} == {"done"}
    assert result["rig"]["armature"] in result["armatures"]
    assert result["rig"]["parented_meshes"], "the rigged mesh hangs under the armature"
    posted = [(p.path, p.json) for p in _posts(ready)]
    assert [path for path, _ in posted] == [
        "/v3/generation/text-to-model",
        "/v3/animations/rig",
        "/v3/animations/retarget",
    ]
    assert posted[1][1]["input"] == result["model"]["task"]
    assert posted[2][1]["input"] == result["rig"]["task"]
    assert posted[2][1]["animations"] == ["preset:walk", "preset:run"]
    assert_landed(result)


def assert_landed(result: dict[str, Any]) -> None:
    """The landing the console API promises for text → rig → retarget (shared with the script test)."""
    armature = result["rig"]["armature"]
    assert result["armatures"] == [armature], "a retarget adds no second character"
    assert result["retarget"]["objects"] == []
    assert result["retarget"]["armature"] == armature
    assert armature == "Fox (rigged)", "the rig is named after the character and the step"
    assert result["retarget"]["actions"] == ["Fox – run", "Fox – walk"], "actions say whose they are"
    assert result["animation"][armature]["active"] == "Fox – walk"
    assert sorted(a for track in result["animation"][armature]["tracks"] for a in track) == ["Fox – run", "Fox – walk"]
    assert result["animation"][armature]["playing"] == [["Fox – walk"]], "only the active action's track plays"
    assert result["model"]["hidden"] == result["model"]["objects"], "the rig replaces the model on screen"


def _when_free(rt: Any, action: Any) -> None:
    """``action()`` (a job's retry, follow…) once its previous run has ended ("try again in a moment" before)."""
    from .runtime_support import pump_until

    def accepted() -> bool:
        try:
            action()
        except addon_module("rules.account").UserError as exc:
            if "try again in a moment" not in str(exc):
                raise
            return False
        return True

    pump_until(rt, accepted, what="the retry to be accepted")


def test_an_uncertain_job_is_looked_for_picked_and_sent_again_only_when_confirmed(
    tripo: ModuleType, ready: Emulator, rt: Any
) -> None:
    """Console: retry() looks (free), candidates/follow() pick, send_again() needs confirm=True."""
    ready.echo_inputs = False  # Tripo echoes no request: its task is offered, never followed on a guess
    ready.inject("POST /v3/generation/", after=True, drop=True)  # created; the answer is lost
    job = tripo.text_to_model("a lost cat")
    with pytest.raises(tripo.JobFailed, match=r"job\.retry\(\)"):
        job.wait(WAIT)
    with pytest.raises(tripo.UserError, match=r"confirm=True") as refused:
        job.send_again()
    assert "second time" in str(refused.value) and len(_posts(ready)) == 1
    _when_free(rt, job.retry)
    with pytest.raises(tripo.JobFailed, match="pick"):
        job.wait(WAIT)  # the search ends with a task to pick, not with a guess
    (candidate,) = job.candidates
    assert candidate.task_id in ready.tasks and not candidate.proven and job.task_id is None
    _when_free(rt, lambda: job.follow(candidate.task_id))
    assert job.wait(WAIT).done and job.task_id == candidate.task_id
    assert len(_posts(ready)) == 1
