""" "Image first" in the generate panel and the Account line's usage popup, against the emulator.

What the artist sees is asserted: the concept image (or the four views) as Blender images, the
panel drawing them with the "Make Model" button, the model in the scene — and on the wire, that
the model request names the image task (no second upload). The usage popup is drawn with a
recording layout: "Loading…" until the pump applies the background answer, then the rows.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import bpy
import pytest

from tests.emulator import Emulator

from .runtime_support import (
    addon_module,
    calls_named,
    created,
    draw_panel,
    label_texts,
    layout_spy,
    operator_ids,
    pump_job,
    pump_until,
    set_online_access,
    uploads,
)
from .support import ASSETS

IMAGES = ASSETS / "images"


@pytest.fixture(autouse=True)
def _scene(clean_scene: Any) -> Any:
    return clean_scene


def _form() -> Any:
    return bpy.context.scene.tripo_generate


def _panel() -> type:
    return addon_module("blender.generate_panel").TRIPO_PT_generate


def _finish(rt: Any, job_id: str) -> Any:
    job = pump_job(rt, job_id, "done", "failed", "cancelled")
    assert job.state.value == "done", (job.note, job.error)
    return job


def _tagged_objects(task_id: str) -> list[Any]:
    return [ob for ob in bpy.context.scene.objects if ob.get("tripo_task_id") == task_id]


def _icons(layout: Any) -> list[int]:
    return [c.kwargs["icon_value"] for c in calls_named(layout, "template_icon")]


def _model_button(layout: Any) -> str:
    (call,) = [c for c in calls_named(layout, "operator") if c.args[0] == "tripo.image_first_model"]
    return str(call.kwargs["text"])


def test_text_to_concept_image_regenerate_then_model_from_the_image_task(rt: Any, online: Emulator) -> None:
    form = _form()
    form.mode = "TEXT"
    form.prompt = "a red fox figurine"
    form.image_first = True
    layout = draw_panel(_panel())
    assert "tripo.image_first" in operator_ids(layout) and "tripo.generate_form" not in operator_ids(layout)
    (step,) = [c for c in calls_named(layout, "operator") if c.args[0] == "tripo.image_first"]
    assert step.kwargs["text"] == "Generate Image (≈ 5 credits)"

    assert bpy.ops.tripo.image_first() == {"FINISHED"}
    first = _finish(rt, form.concept_job)
    assert first.kind == "text_to_image" and first.estimated_cost == 5
    image = bpy.data.images["a red fox figurine"]
    assert image.get("tripo_task_id") == first.task_id and image.packed_file is not None
    assert tuple(image.size) == (256, 256)
    assert created(online, "text_to_image")[0].json == {"prompt": "a red fox figurine"}

    # not right yet: regenerate (a second paid job), the first image stays to compare
    assert "Regenerate Image (≈ 5 credits)" in [c.kwargs["text"] for c in calls_named(draw_panel(_panel()), "operator")]
    assert bpy.ops.tripo.image_first() == {"FINISHED"}
    second = _finish(rt, form.concept_job)
    assert second.id != first.id and len(created(online, "text_to_image")) == 2
    latest = next(i for i in bpy.data.images if i.get("tripo_job_id") == second.id)
    assert latest.name == "a red fox figurine.001" and "a red fox figurine" in bpy.data.images

    layout = draw_panel(_panel())  # the panel shows the latest concept image and offers the model
    assert _icons(layout) == [latest.preview.icon_id]
    assert latest.name in label_texts(layout)
    assert _model_button(layout) == "Make Model (≈ 30 credits)"

    assert bpy.ops.tripo.image_first_model() == {"FINISHED"}
    model_job = next(j for j in rt.jobs() if j.kind == "image_to_model")
    model_job = _finish(rt, model_job.id)
    assert model_job.name == "a red fox figurine" and _tagged_objects(model_job.task_id)
    (request,) = created(online, "image_to_model")
    assert request.json["input"] == second.task_id  # the image task itself: Tripo reuses its output
    assert uploads(online) == []  # nothing was uploaded, neither for the image nor for the model


def test_make_t_pose_changes_the_concept_image_from_its_task_then_the_model_uses_the_change(
    rt: Any, online: Emulator
) -> None:
    form = _form()
    form.mode = "TEXT"
    form.prompt = "a red fox figurine"
    form.image_first = True
    assert "tripo.image_first_edit" not in operator_ids(draw_panel(_panel())), "no concept image to change yet"
    assert bpy.ops.tripo.image_first_edit.poll() is False
    assert bpy.ops.tripo.image_first() == {"FINISHED"}
    concept = _finish(rt, form.concept_job)

    layout = draw_panel(_panel())
    edits = [c for c in calls_named(layout, "operator") if c.args[0] == "tripo.image_first_edit"]
    assert [c.kwargs["text"] for c in edits] == ["Make T-pose", "Variants"]
    assert [c.args[:2] for c in calls_named(layout, "operator_menu_enum")] == [("tripo.image_first_edit", "template")]
    assert bpy.ops.tripo.image_first_edit(template="t_pose") == {"FINISHED"}
    changed = _finish(rt, form.concept_job)
    assert changed.kind == "image_to_image" and changed.id != concept.id
    (request,) = created(online, "generate_image")
    assert request.json == {"input": concept.task_id, "template": "t_pose"}, "sent from the concept task"
    image = bpy.data.images["a red fox figurine (T-pose)"]
    assert image.get("tripo_task_id") == changed.task_id and image.packed_file is not None

    layout = draw_panel(_panel())  # the changed image is the concept image now, and the model's source
    assert _icons(layout) == [image.preview.icon_id]
    assert bpy.ops.tripo.image_first_model() == {"FINISHED"}
    model_job = _finish(rt, next(j for j in rt.jobs() if j.kind == "image_to_model").id)
    assert created(online, "image_to_model")[0].json["input"] == changed.task_id
    assert model_job.name == "a red fox figurine (T-pose)" and _tagged_objects(model_job.task_id)
    assert uploads(online) == [], "nothing was uploaded at any step"


def test_image_editor_menu_changes_any_blender_image(rt: Any, online: Emulator) -> None:
    """Image › Tripo in the Image Editor: every template of the record, on the image shown there."""
    ops = addon_module("blender.image_ops")
    assert ops.draw_image_menu in bpy.types.IMAGE_MT_image._dyn_ui_initialize()
    layout = layout_spy()
    ops.IMAGE_MT_tripo.draw(SimpleNamespace(layout=layout), bpy.context)
    texts = [c.kwargs["text"] for c in calls_named(layout, "operator")]
    assert texts[:2] == ["T-pose", "Variants"] and len(texts) == 8

    photo = bpy.data.images.load(str(IMAGES / "rocket.jpg"))
    assert bpy.ops.tripo.image_to_image(template="variants", image_name=photo.name) == {"FINISHED"}
    job = _finish(rt, next(j for j in rt.jobs() if j.kind == "image_to_image").id)
    (upload,) = uploads(online)  # a plain image is uploaded as it is on disk
    assert upload.data == (IMAGES / "rocket.jpg").read_bytes()
    (request,) = created(online, "generate_image")
    assert request.json["template"] == "variants" and request.json["input"].startswith("file_")
    result = next(i for i in bpy.data.images if i.get("tripo_job_id") == job.id)
    assert result.name == "rocket (Variants)" and result.packed_file is not None


def test_one_image_to_four_views_then_model_from_the_views_task(rt: Any, online: Emulator) -> None:
    form = _form()
    form.mode = "MULTIVIEW"
    form.views_from_image = True
    layout = draw_panel(_panel())
    assert "Choose the image to turn into four views" in " ".join(label_texts(layout))
    assert bpy.ops.tripo.image_first.poll() is False  # no image yet: greyed out, nothing sent

    path = IMAGES / "coffee.webp"
    form.image_path = str(path)
    assert bpy.ops.tripo.image_first() == {"FINISHED"}
    views = _finish(rt, form.views_job)
    assert views.kind == "image_to_multiview" and views.estimated_cost == 10
    (upload,) = uploads(online)
    assert upload.data == path.read_bytes()
    assert created(online, "generate_multiview_image")[0].json["input"].startswith("file_")

    images = addon_module("blender.concept_images").images_of(views.id)
    assert [i.get("tripo_view") for i in images] == ["front", "left", "back", "right"]
    assert [i.name for i in images] == [f"coffee views {v}" for v in ("front", "left", "back", "right")]
    layout = draw_panel(_panel())
    source = addon_module("blender.previews").icon_id(f"file:{path}")
    assert _icons(layout) == [source] + [i.preview.icon_id for i in images], "the source file, then the views"
    captions = [c.kwargs["text"] for c in calls_named(layout, "label") if c.kwargs.get("icon") == "IMAGE_DATA"]
    assert captions == ["Front", "Left", "Back", "Right"], "each view by its view, not four cut copies of the name"
    assert _model_button(layout) == "Make Model (≈ 30 credits)"

    assert bpy.ops.tripo.image_first_model() == {"FINISHED"}
    model_job = _finish(rt, next(j for j in rt.jobs() if j.kind == "multiview_to_model").id)
    assert _tagged_objects(model_job.task_id)
    (request,) = created(online, "multiview_to_model")
    assert request.json["inputs"] == [{"task_id": views.task_id}]
    assert len(uploads(online)) == 1  # the one source image; the views were never uploaded


def test_make_model_waits_for_a_finished_image_and_a_running_step_is_not_sent_twice(rt: Any, online: Emulator) -> None:
    form = _form()
    form.mode = "TEXT"
    form.prompt = "a teapot"
    form.image_first = True
    assert bpy.ops.tripo.image_first_model.poll() is False  # no concept image yet
    assert bpy.ops.tripo.image_first() == {"FINISHED"}
    assert rt.job(form.concept_job).state.is_active
    assert bpy.ops.tripo.image_first.poll() is False  # while it is made, a second click would pay twice
    assert "still being made" in " ".join(label_texts(draw_panel(_panel())))
    _finish(rt, form.concept_job)
    assert bpy.ops.tripo.image_first_model.poll() is True
    form.prompt = ""  # the prompt only matters for the image: the model is made from the task
    assert bpy.ops.tripo.image_first_model.poll() is True


def _concept(rt: Any, prompt: str) -> Any:
    form = _form()
    form.mode = "TEXT"
    form.prompt = prompt
    form.image_first = True
    assert bpy.ops.tripo.image_first() == {"FINISHED"}
    return _finish(rt, form.concept_job)


def test_concept_image_picked_in_image_mode_is_sent_as_its_task_unless_painted_on(rt: Any, online: Emulator) -> None:
    concept = _concept(rt, "a brass lamp")
    image = bpy.data.images["a brass lamp"]
    form = _form()
    form.mode = "IMAGE"
    form.image = image
    assert bpy.ops.tripo.generate_form() == {"FINISHED"}
    _finish(rt, next(j for j in rt.jobs() if j.kind == "image_to_model").id)
    assert created(online, "image_to_model")[0].json["input"] == concept.task_id
    assert uploads(online) == []

    image.pixels[0] = 0.5  # painted on: the pixels are no longer the task's, so they are sent
    assert image.is_dirty
    assert bpy.ops.tripo.generate_form() == {"FINISHED"}
    second = next(j for j in rt.jobs() if j.kind == "image_to_model" and j.state.is_active)
    _finish(rt, second.id)
    assert created(online, "image_to_model")[1].json["input"].startswith("file_")
    assert len(uploads(online)) == 1


def test_concept_image_still_makes_the_model_after_its_job_left_the_list(rt: Any, online: Emulator) -> None:
    concept = _concept(rt, "a stone owl")
    assert rt.forget(concept.id)  # "Clear Finished" / Remove: the image and its tags stay
    layout = draw_panel(_panel())
    assert "a stone owl" in label_texts(layout) and _model_button(layout) == "Make Model (≈ 30 credits)"
    assert bpy.ops.tripo.image_first_model() == {"FINISHED"}
    model_job = _finish(rt, next(j for j in rt.jobs() if j.kind == "image_to_model").id)
    assert model_job.name == "a stone owl"
    assert created(online, "image_to_model")[0].json["input"] == concept.task_id


def test_console_text_to_image_wait_gives_the_blender_image(rt: Any, online: Emulator) -> None:
    tripo = addon_module("console")  # the console API (``tripo.console``; tests/blender/test_console.py)
    job = tripo.text_to_image("a blue bird", negative_prompt="blurry")
    image = job.wait(timeout=30).image
    assert isinstance(image, bpy.types.Image) and image.name == "a blue bird"
    assert "image 'a blue bird'" in job.describe()
    assert created(online, "text_to_image")[0].json == {"prompt": "a blue bird", "negative_prompt": "blurry"}
    model = tripo.image_to_model(job.task_id).wait(timeout=30)
    assert model.objects and created(online, "image_to_model")[0].json["input"] == job.task_id
    assert uploads(online) == []
    with pytest.raises(ValueError, match="Enter a prompt"):
        tripo.text_to_image("  ")


# --------------------------------------------------------------------------- usage popup


def test_usage_popup_shows_loading_then_the_rows_via_the_pump(rt: Any, online: Emulator) -> None:
    usage_popup = addon_module("blender.usage_popup")
    jobs = addon_module("jobs")
    job = rt.submit(jobs.JobSpec("text_to_model", {"prompt": "a cat"}, name="Cat"))
    job = _finish(rt, job.id)
    assert "tripo.show_usage" in operator_ids(draw_panel(_panel()))  # on the Account line
    # the pump rebuilds an open popup when the answer lands (Blender does not on a sidebar redraw)
    assert rt.usage_listener is usage_popup.refresh_open_popup

    rt.refresh_usage()  # what opening the popup does: a background request, never on this thread
    layout = layout_spy()
    usage_popup.TRIPO_OT_show_usage.draw(SimpleNamespace(layout=layout), bpy.context)
    assert usage_popup.LOADING in label_texts(layout)  # the pump has not applied the answer yet

    pump_until(rt, lambda: rt.usage().rows is not None, what="the usage answer")
    layout = layout_spy()
    usage_popup.TRIPO_OT_show_usage.draw(SimpleNamespace(layout=layout), bpy.context)
    texts = label_texts(layout)
    assert usage_popup.LOADING not in texts
    (row,) = rt.usage().rows
    assert row.task_id == job.task_id
    task, kind, credits, date = usage_popup.usage_row(row)
    assert task == job.task_id[:8] + "…" and kind == "Text to Model"
    assert credits == f"{row.credits_consumed:g}" and date[:2] == "20"
    for cell in ("Task", "Type", "Credits", "Date", task, kind, credits, date):
        assert cell in texts
    assert online.requests_to("GET", "/v3/account/usage")


def test_usage_popup_offline_says_why_and_sends_nothing(rt: Any, online: Emulator) -> None:
    usage_popup = addon_module("blender.usage_popup")
    set_online_access(False)
    rt.refresh_usage()
    layout = layout_spy()
    usage_popup.draw_usage(layout, rt.usage())
    assert any("Online access is disabled" in t for t in label_texts(layout))
    assert not online.requests_to("GET", "/v3/account/usage")
