"""Views sets: the four views of a multiview task as Blender images, and edits landing in place.

A *views set* is what Views From One Image landed (:mod:`.concept_images`): front, left, back and
right images, each tagged with the task whose views they are (``tripo_task_id``) and its view
(``tripo_view``). Edit multiview (``edit_multiview``) takes that task's id — Tripo reuses its
views, nothing is uploaded; its JavaScript SDK says the service takes nothing else
(docs/sources.md#edit-multiview-input) — and a prompt per view. Its result lands here
(:func:`land_edited_views`, from :mod:`.landing`), by these rules:

* **In place**: the image of a view Tripo sent back gets the new pixels — the same datablock, so
  the panel, an image empty or a material using it show the edit. Blender's global undo restores
  the previous pixels (the landing pushes its one undo step), and the previous task's views
  remain Tripo's until it forgets them.
* **Nothing the user made is overwritten**: a view image with unsaved changes of the artist's
  (``is_dirty``: painted or edited in Blender since it landed) keeps its pixels and tags; the edit
  of that view lands as a new image beside it ("fox views (edited) front"), which is the set's
  view from now on. So does a view whose image was deleted.
* **Partial output** (ComfyUI's nodes: the output may hold only the edited views): a view Tripo did
  not send back stays as it was. The job's note says which views were edited and which kept.
* **The set moves on to the edit**: every image of it then carries the edit's task id (Make Model
  sends that task, and a next edit builds on it: Tripo reuses an edit-multiview task's views,
  docs/apiv3.md#generation); ``tripo_job_id`` stays the job that made an image's pixels, so
  ``job.images`` of the edit are the views it changed.

Main thread only (``bpy.data``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

import bpy

from ..client.models import VIEW_NAMES
from ..client.payloads import view_prompts
from ..jobs import Job
from ..rules.tags import JOB_ID_PROP, TASK_ID_PROP, strip_duplicate_suffix
from .concept_images import VIEW_PROP, load_image, tag_image, view_name
from .importer import ImportFailed, string_tag

__all__ = ["EditedViews", "EDITED", "set_images", "set_of_job", "task_of_images", "edit_name", "land_edited_views"]

log = logging.getLogger(__name__)

#: What an edit's job name adds to its set's ("fox views" → "fox views (edited)"), once.
EDITED = " (edited)"


def set_images(task_id: str) -> dict[str, bpy.types.Image]:
    """The images of the views set of ``task_id``, by view, in front, left, back, right order."""
    found: dict[str, bpy.types.Image] = {}
    for image in bpy.data.images:
        view = string_tag(image, VIEW_PROP)
        if view in VIEW_NAMES and string_tag(image, TASK_ID_PROP) == task_id:
            found.setdefault(str(view), image)
    return {view: found[view] for view in VIEW_NAMES if view in found}


def set_of_job(job_id: str) -> list[bpy.types.Image]:
    """The views set a job's images belong to now (a views job, or an edit of one), front first;
    [] when the job left none in the file."""
    made = [
        image
        for image in bpy.data.images
        if string_tag(image, JOB_ID_PROP) == job_id and string_tag(image, VIEW_PROP) in VIEW_NAMES
    ]
    task_id = next((t for t in (string_tag(image, TASK_ID_PROP) for image in made) if t), None)
    return list(set_images(task_id).values()) if task_id else []


def task_of_images(images: list[bpy.types.Image]) -> str:
    """The task whose views set ``images`` are (ValueError, saying what they are instead)."""
    tasks = {string_tag(image, TASK_ID_PROP) for image in images}
    if not images or not all(string_tag(image, VIEW_PROP) in VIEW_NAMES for image in images) or None in tasks:
        names = ", ".join(repr(str(image.name)) for image in images) or "no image"
        raise ValueError(
            f"{names} are not views Tripo made: edit_multiview edits the views of a Tripo multiview "
            "task (Views From One Image in the panel's Multiview mode), as Tripo takes only a task id"
        )
    if len(tasks) > 1:
        raise ValueError("These images are views of different Tripo tasks: give the views of one set")
    return str(tasks.pop())


def edit_name(images: list[bpy.types.Image]) -> str:
    """An edit's job name: its set's ("fox views", from "fox views front"), then "(edited)" — once,
    so a set edited again keeps its name."""
    first = images[0] if images else None
    stem = strip_duplicate_suffix(str(first.name)) if first is not None else "Tripo views"
    view = string_tag(first, VIEW_PROP) if first is not None else None
    if view and stem.endswith(f" {view}"):
        stem = stem[: -len(view) - 1]
    return stem if stem.endswith(EDITED) else f"{stem}{EDITED}"


@dataclass(frozen=True)
class EditedViews:
    """What an edit's landing did: the images it changed or added, and which views it kept."""

    images: list[bpy.types.Image]
    note: str


def _owned(image: bpy.types.Image | None) -> bool:
    """Whether ``image`` may take new pixels: the add-on's landing, with no unsaved change of the artist's."""
    return image is not None and not image.is_dirty


def _replace_pixels(image: bpy.types.Image, path: str) -> None:
    """``image`` shows the file at ``path`` from now on, packed (the same datablock: users keep it)."""
    if image.packed_file is not None:
        image.unpack(method="REMOVE")
    image.filepath = path
    image.reload()
    try:
        image.pack()
    except RuntimeError as exc:  # it keeps working from the cache file; only a saved .blend is affected
        log.warning("Could not pack the image %s: %s", image.name, exc)


def _checked(files: Mapping[str, str]) -> dict[str, str]:
    """The view files that came down, each opened once by Blender first, so a file it cannot read
    fails the landing before any image of the set has changed (:class:`ImportFailed`)."""
    views = {str(view_name(output)): path for output, path in files.items() if view_name(output) and path}
    if not views:
        raise ImportFailed("the job downloaded no view")
    for view, path in views.items():
        probe = load_image(path, f".tripo probe {view}")
        try:
            if not all(probe.size):
                raise ImportFailed(f"Blender could not read the {view} view {path}")
        finally:
            bpy.data.images.remove(probe)
    return views


def _prompted(job: Job) -> list[str]:
    """The views the job asked to change, in view order."""
    try:
        return [p["view"] for p in view_prompts(job.spec.params.get("prompts"))]
    except ValueError:
        return []


def land_edited_views(job: Job, files: Mapping[str, str], edited_task: str | None) -> EditedViews:
    """Land an edit-multiview job's views in place of the views of ``edited_task`` (the rules in the
    module docstring). Raises :class:`ImportFailed` when no view came down or one cannot be read."""
    views = _checked(files)
    old = set_images(edited_task) if edited_task else {}
    changed: list[bpy.types.Image] = []
    added: list[str] = []
    for view in VIEW_NAMES:
        path = views.get(view)
        image = old.get(view)
        if path is None:
            if image is not None:  # not sent back: kept as it is, still the set's view
                tag_image(image, job, view, made=False)
            continue
        if image is not None and _owned(image):
            _replace_pixels(image, path)
        else:
            image = load_image(path, f"{job.name} {view}")
            added.append(view)
        tag_image(image, job, view)
        changed.append(image)
    note = (
        f"Edited {', '.join(_prompted(job)) or 'the views'}: updated {', '.join(v for v in VIEW_NAMES if v in views)}"
    )
    kept = [view for view in VIEW_NAMES if view not in views]
    if kept:
        note += f"; {' and '.join(kept)} kept as {'it was' if len(kept) == 1 else 'they were'} (not in Tripo's answer)"
    if added:
        note += f"; a new image for {' and '.join(added)} (" + (
            "its image had changes of yours or was gone)" if old else "the views' images were gone)"
        )
    log.info("Job %s: %s", job.id, note)
    return EditedViews(changed, note + ".")
