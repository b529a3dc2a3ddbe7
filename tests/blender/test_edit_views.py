"""Edit multiview in Blender (issue 21): the panel's "Edit Views…" and ``tripo.edit_multiview``,
against the emulator answering every view or only the edited ones (``variants.edit_multiview``).

What the artist sees is asserted: the views' own images get the new pixels in place (same
datablocks, one undo step takes them back), a view Tripo did not send back keeps its pixels, a
view the artist painted on keeps theirs and the edit comes beside it, the job's note says which
views changed, and Make Model then sends the edit's task. Bad input is refused with its sentence,
nothing sent.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import bpy
import pytest

from tests.emulator import Emulator

from .runtime_support import addon_module, calls_named, created, draw_panel, uploads
from .support import ASSETS
from .test_console import WAIT
from .test_image_first import _finish, _form, _panel

VIEWS = ("front", "left", "back", "right")


def _views(rt: Any) -> tuple[Any, dict[str, Any]]:
    """Four views of coffee.webp made as the panel makes them; the job and its images by view."""
    form = _form()
    form.mode = "MULTIVIEW"
    form.views_from_image = True
    form.image_path = str(ASSETS / "images" / "coffee.webp")
    assert bpy.ops.tripo.image_first() == {"FINISHED"}
    job = _finish(rt, form.views_job)
    images = addon_module("blender.concept_images").images_of(job.id)
    return job, {image["tripo_view"]: image for image in images}


def _pixel(image: Any) -> tuple[float, ...]:
    return tuple(round(v, 3) for v in image.pixels[:4])


@pytest.mark.parametrize("shape", ["all", "edited"])
def test_edit_views_in_the_panel_lands_in_place_then_make_model_uses_the_edit(
    rt: Any, online: Emulator, clean_scene: Any, shape: str
) -> None:
    online.variants.edit_multiview = shape
    views, images = _views(rt)
    before = {view: _pixel(image) for view, image in images.items()}
    count = len(bpy.data.images)
    layout = draw_panel(_panel())
    (button,) = [c for c in calls_named(layout, "operator") if c.args[0] == "tripo.edit_views"]
    assert button.kwargs["text"] == "Edit Views… (≈ 5 credits a view)"

    assert bpy.ops.tripo.edit_views(front="a red scarf", back="a red cape") == {"FINISHED"}
    form = _form()
    edit = _finish(rt, form.views_job)
    assert edit.kind == "edit_multiview" and edit.estimated_cost == 10 and edit.name == "coffee views (edited)"
    (request,) = created(online, "edit_multiview_image")
    assert request.json == {
        "input": views.task_id,
        "prompts": [{"view": "front", "prompt": "a red scarf"}, {"view": "back", "prompt": "a red cape"}],
    }
    assert len(uploads(online)) == 1, "only the source image, once: the views go as their task"

    assert len(bpy.data.images) == count, "in place: no new image"
    assert {v: _pixel(i) for v, i in images.items() if v in ("front", "back")} != {
        v: before[v] for v in ("front", "back")
    }, "the edited views show the edit"
    assert all(_pixel(images[v]) != before[v] for v in ("front", "back"))
    assert all(_pixel(images[v]) == before[v] for v in ("left", "right")), "the others as they were"
    assert all(images[v].packed_file is not None for v in VIEWS)
    assert all(images[v]["tripo_task_id"] == edit.task_id for v in VIEWS), "the set is the edit's now"
    landed = [i["tripo_view"] for i in addon_module("blender.concept_images").images_of(edit.id)]
    assert landed == (["front", "back"] if shape == "edited" else list(VIEWS)), "job.images: the views Tripo sent"
    kept = "; left and right kept as they were (not in Tripo's answer)" if shape == "edited" else ""
    updated = "front, back" if shape == "edited" else "front, left, back, right"
    assert edit.note == f"Edited front, back: updated {updated}{kept}."

    layout = draw_panel(_panel())
    icons = [c.kwargs["icon_value"] for c in calls_named(layout, "template_icon")][1:]
    assert icons == [images[v].preview.icon_id for v in VIEWS], "the panel shows the same four images"
    assert bpy.ops.tripo.image_first_model() == {"FINISHED"}
    _finish(rt, next(j for j in rt.jobs() if j.kind == "multiview_to_model").id)
    (model,) = created(online, "multiview_to_model")
    assert model.json["inputs"] == [{"task_id": edit.task_id}], "the model is made of the edited views"

    front = images["front"].name  # undo replaces every datablock: found again by name
    assert bpy.ops.ed.undo() == {"FINISHED"} and bpy.ops.ed.undo() == {"FINISHED"}  # the model, then the edit
    assert _pixel(bpy.data.images[front]) == before["front"], "one undo step takes the edit back"
    assert bpy.data.images[front]["tripo_task_id"] == views.task_id


def test_console_edit_multiview_keeps_a_painted_view_and_refuses_bad_input(
    tripo: ModuleType, ready: Emulator, rt: Any
) -> None:
    ready.variants.edit_multiview = "edited"  # ComfyUI's reading: only the edited views come back
    views, images = _views(rt)
    handle = next(j for j in tripo.jobs() if j.id == views.id)
    images["left"].pixels[0] = 0.5  # the artist painted on the left view
    painted = _pixel(images["left"])
    job = tripo.edit_multiview(handle, {"left": "a blue sleeve", "right": "a green sleeve"})
    assert job.estimated_cost == 10
    job.wait(WAIT)
    assert _pixel(images["left"]) == painted and images["left"]["tripo_task_id"] == views.task_id, "theirs, untouched"
    (new_left, right) = job.images
    assert new_left is not images["left"] and new_left.name == "coffee views (edited) left"
    assert right == images["right"] and new_left["tripo_task_id"] == job.task_id
    assert "a new image for left (its image had changes of yours or was gone)" in job.snapshot.note

    again = tripo.edit_multiview(list(job.images), {"front": "a hat"}).wait(WAIT)  # its images are the set
    assert created(ready, "edit_multiview_image")[-1].json["input"] == job.task_id
    assert again.name == "coffee views (edited)" and again.images == [images["front"]]

    sent = len(created(ready))
    with pytest.raises(ValueError, match=r"prompts has no prompt: say what to change in at least one view"):
        tripo.edit_multiview(handle, {"front": "", "back": " "})
    with pytest.raises(ValueError, match="prompts names an unknown view 'top': the views are front, left, back, right"):
        tripo.edit_multiview(handle, {"top": "a hat"})
    paths = [ASSETS / "images" / "coffee.webp"] * 4
    with pytest.raises(ValueError, match="edit_multiview edits the views of a Tripo multiview task"):
        tripo.edit_multiview(paths, {"front": "a hat"})
    with pytest.raises(ValueError, match="are not views Tripo made"):
        tripo.edit_multiview([bpy.data.images.new("sketch", 4, 4)], {"front": "a hat"})
    assert len(created(ready)) == sent, "nothing was sent"
