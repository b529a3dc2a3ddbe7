"""Images made before a model ("Image first"): a concept image from text, four views from one image.

Why they land as Blender images and not as objects: the artist judges a concept before paying for
a model; the generate panel shows it (the image's own preview) and it is a normal image in the
file (Image Editor, reference, texture paint). The *task* is what the model is made from — its id
is the model's input, so "Make Model" uploads nothing (docs/apiv3.md#inputs, #generation) — and the image
only has to be looked at.

Rules, and why:

* An image is named after what made it: the prompt of a concept image (the job's name), the
  source image's name plus the view for four views ("fox front"…); a regenerate adds a new image
  (Blender's ``.001``), so earlier attempts stay to compare until the artist deletes them.
* Each image is packed into the .blend: the download cache may be cleared ("Clear" in the
  preferences) and the image must not turn pink in a saved file.
* Each carries the importer's tags (``tripo_job_id``, ``tripo_task_id``, ``tripo_task_type``) and
  ``tripo_view`` for a view: the panel and ``tripo.text_to_image(…).wait().image`` find them by
  tag, which survives renames and save/reload.

Main thread only (``bpy.data``), called by :func:`.landing.import_job` from the pump.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import bpy

from ..jobs import Job
from ..jobs.kinds import KINDS, VIEW_OUTPUTS
from ..jobs.model import intent_time
from ..rules.tags import JOB_ID_PROP, TASK_ID_PROP, TASK_TYPE_PROP, created_tags, result_task_type
from .importer import ImportFailed, string_tag

__all__ = ["VIEW_PROP", "land_images", "load_image", "tag_image", "images_of", "view_name"]

log = logging.getLogger(__name__)

#: The view an image of a four-views task shows (front, left, back, right).
VIEW_PROP = "tripo_view"


def view_name(output: str) -> str | None:
    """``"front_view"`` → ``"front"``; None for an output that is no view."""
    return output[: -len("_view")] if output in VIEW_OUTPUTS else None


def load_image(path: str, name: str) -> bpy.types.Image:
    """A downloaded image as a packed Blender image named ``name`` (:class:`ImportFailed` if Blender
    cannot open it)."""
    try:
        image = bpy.data.images.load(path, check_existing=False)
    except RuntimeError as exc:
        raise ImportFailed(f"Blender could not open the image {path}: {exc}") from None
    image.name = name
    try:
        image.pack()
    except RuntimeError as exc:  # keeps working from the cache file; only a saved .blend is affected
        log.warning("Could not pack the image %s: %s", name, exc)
    return image


def tag_image(image: bpy.types.Image, job: Job, view: str | None = None, *, made: bool = True) -> None:
    """Give ``image`` the tags of ``job``'s result: its task (id, type, creation time: Tripo forgets
    tasks), the view it shows, and — ``made`` — the job id (the job made these pixels)."""
    if made:
        image[JOB_ID_PROP] = job.id
    task_type = result_task_type(job.kind, job.task_type)
    if job.task_id:
        image[TASK_ID_PROP] = job.task_id
    if task_type:
        image[TASK_TYPE_PROP] = task_type
    if view:
        image[VIEW_PROP] = view
    for name, value in created_tags(job.kind, intent_time(job), job.result).items():
        image[name] = value


def land_images(job: Job, files: Mapping[str, str]) -> list[bpy.types.Image]:
    """Load ``job``'s downloaded images as tagged, packed Blender images, in the kind's output
    order (front, left, back, right for views). Raises :class:`ImportFailed` when there is none."""
    record = KINDS.get(job.kind)
    order = record.outputs if record is not None else tuple(sorted(files))
    images: list[bpy.types.Image] = []
    for output in order:
        path = files.get(output)
        if not path:
            continue
        view = view_name(output)
        image = load_image(path, f"{job.name} {view}" if view else job.name)
        tag_image(image, job, view)
        images.append(image)
    if not images:
        raise ImportFailed("the job downloaded no image")
    log.info("Job %s: loaded %s", job.id, ", ".join(image.name for image in images))
    return images


def images_of(job_id: str) -> list[bpy.types.Image]:
    """The images a job landed (still in the file), views in front, left, back, right order."""
    found = [image for image in bpy.data.images if string_tag(image, JOB_ID_PROP) == job_id]
    rank = {view_name(output): i for i, output in enumerate(VIEW_OUTPUTS)}
    return sorted(found, key=lambda image: rank.get(string_tag(image, VIEW_PROP), -1))
