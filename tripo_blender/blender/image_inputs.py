"""Image inputs of the generate form: a file path or a Blender image, turned into a file to upload.

Why this exists: the job engine uploads *files* from a worker thread, and worker threads must not
touch ``bpy``. A Blender image may have no usable file at all — packed into the .blend, generated,
painted on since it was loaded, or in a format Tripo refuses (EXR, TIFF…) — so on the main
thread, before submitting, such an image is written to a file the worker can read:

* an unmodified image whose file on disk is JPEG/PNG/WEBP is sent as that file;
* an unmodified packed JPEG/PNG/WEBP is written out byte for byte (no re-encoding, so no growth
  towards the 20 MB limit and no quality loss);
* anything else is rendered to an 8-bit PNG through ``Image.save_render`` with a throw-away scene
  whose view transform is "Standard": that keeps unsaved paint strokes, converts float/linear
  images to sRGB correctly, and behaves the same on 4.2 and 5.0 (``Image.save(save_copy=)`` exists
  only from 5.0 and writes the image's own format; ``Image.copy()`` reloads the file and drops
  unsaved edits — both checked on 4.2.23 and 5.0.1).

A concept image the add-on landed (:mod:`.concept_images`) can skip all of this: its text-to-image
task id stands for it where Tripo takes one (image → model), see :func:`concept_task`.

Written files go to the add-on's user folder (``inputs/``, :meth:`.runtime.Runtime.inputs_dir`),
named by content hash: a resumed job still finds its file after a restart, and sending the same
image twice does not pile up copies. They are not deleted when their job ends (a Retry may send
it again); the preferences' "Clear" removes those no job needs any more and counts them in the
size it shows (:meth:`.runtime.Runtime.clear_cache`). Every file is then checked like a
user-picked one (exists, not empty, ≤ 20 MB, really an image, 20–6000 pixels a side). A
Blender image's size is known without any file (``Image.size``), so one Tripo would refuse is
refused before anything is written, with the sentence the client gives for a file.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bpy

from ..client.image_size import side_problem
from ..client.inputs import check_local_image, sniff_image_type
from ..jobs.kinds import IMAGE_TO_IMAGE, TEXT_TO_IMAGE
from ..rules.errors import UserError
from ..rules.tags import TASK_CREATED_PROP, TASK_RETENTION_DAYS, TASK_TYPE_PROP, task_age_days
from .importer import string_tag, task_id_of
from .runtime import runtime

__all__ = ["ImageInputError", "ImageSlot", "named_slot", "prepare_image", "inputs_dir", "concept_task"]

log = logging.getLogger(__name__)

_EXTENSIONS = {"jpeg": ".jpg", "png": ".png", "webp": ".webp"}
_SNIFF_BYTES = 16


class ImageInputError(UserError):
    """An image cannot be sent; the message says which one and what to do (safe for the UI)."""


@dataclass(frozen=True)
class ImageSlot:
    """One image input as the user gave it: a Blender image (wins when set) or a file path."""

    path: str = ""
    image: bpy.types.Image | None = None

    @property
    def filled(self) -> bool:
        return self.image is not None or bool(self.path.strip())

    @property
    def label(self) -> str | None:
        """What to call the input (job names, messages): the image's or the file's name."""
        if self.image is not None:
            return str(self.image.name)
        return os.path.basename(self.path.strip()) or None


def named_slot(path: str, image_name: str, what: str, *, path_prop: str, name_prop: str) -> ImageSlot:
    """An input given to an operator as a file path *or* the name of a Blender image.

    Operators cannot hold datablock pointers, so scripts and dialogs name the image; both at
    once would be ambiguous and an unknown name a typo: either raises :class:`ImageInputError`
    naming the operator properties (``path_prop``/``name_prop``) to fix.
    """
    if path and image_name:
        raise ImageInputError(f"Give either {path_prop} or {name_prop}, not both")
    image = None
    if image_name:
        image = bpy.data.images.get(image_name)
        if image is None:
            raise ImageInputError(f"There is no Blender image named '{image_name}' (for the {what})")
    return ImageSlot(path, image)


def inputs_dir() -> Path:
    """Where written-out images live until "Clear" finds no job that needs them.

    The extension's user folder survives restarts (a resumed job needs its file); the runtime
    owns it, so it is cleared and sized with the downloads.
    """
    return runtime.inputs_dir()


def _checked(path: str, what: str) -> str:
    """Run the client's own file checks now, on the main thread, so the user hears about a bad
    file at once instead of through a failed job."""
    try:
        check_local_image(path, what=what)
    except (OSError, ValueError) as exc:
        raise ImageInputError(str(exc)) from None
    return path


def _store(data: bytes, extension: str) -> str:
    """Write ``data`` under a name derived from its content; return the path."""
    target = inputs_dir() / f"{hashlib.sha256(data).hexdigest()[:24]}{extension}"
    if not target.exists():
        partial = target.with_suffix(target.suffix + ".part")
        partial.write_bytes(data)
        os.replace(partial, target)
    return str(target)


def _render_png(image: bpy.types.Image) -> str:
    """Write the image's current pixels as an 8-bit sRGB PNG (see the module docstring)."""
    scene = bpy.data.scenes.new("tripo image export")
    fd, scratch = tempfile.mkstemp(suffix=".png", dir=inputs_dir())
    os.close(fd)
    try:
        settings = scene.render.image_settings
        if "media_type" in settings.bl_rna.properties:  # 5.0+: the media type gates file_format
            setattr(settings, "media_type", "IMAGE")  # absent from 4.2 (and its type stubs)
        settings.file_format = "PNG"
        settings.color_mode = "RGBA"
        settings.color_depth = "8"
        view = scene.view_settings
        assert view is not None
        # no Filmic/AgX look: the pixels as they are (the stubs' enum lists only 'NONE')
        view.view_transform = "Standard"  # type: ignore[assignment]
        image.save_render(filepath=scratch, scene=scene)
        data = Path(scratch).read_bytes()
    except (RuntimeError, OSError) as exc:
        raise ImageInputError(f"The image '{image.name}' could not be written as PNG: {exc}") from None
    finally:
        bpy.data.scenes.remove(scene)
        Path(scratch).unlink(missing_ok=True)
    return _store(data, ".png")


def _own_file(image: bpy.types.Image) -> str | None:
    """The image's file on disk when it can be sent unchanged, else None."""
    if image.packed_file is not None or image.is_dirty or image.source != "FILE":
        return None
    path = bpy.path.abspath(image.filepath, library=image.library)
    try:
        with open(path, "rb") as fh:
            kind = sniff_image_type(fh.read(_SNIFF_BYTES))
    except OSError:
        return None
    return path if kind is not None else None


def _packed_bytes(image: bpy.types.Image) -> str | None:
    """Write out an unmodified packed JPEG/PNG/WEBP exactly as stored; None if it is not one."""
    packed = image.packed_file
    if packed is None or image.is_dirty:
        return None
    raw: Any = packed.data  # bytes at run time (the stubs say str)
    data = bytes(raw)
    kind = sniff_image_type(data[:_SNIFF_BYTES])
    return _store(data, _EXTENSIONS[kind]) if kind is not None else None


def _image_file(image: bpy.types.Image, what: str) -> str:
    if image.source not in {"FILE", "GENERATED"}:
        raise ImageInputError(
            f"The {what} '{image.name}' is a {image.source.lower()} image; use a still image "
            "(save a render to a file first)"
        )
    width, height = image.size
    problem = side_problem((width, height)) if width and height else None
    if problem is not None:  # known without reading or writing a file: refused before any work
        raise ImageInputError(f"The {what} '{image.name}' is {problem}")
    path = _own_file(image) or _packed_bytes(image)
    if path is None:
        if not (width and height):
            raise ImageInputError(
                f"The {what} '{image.name}' has no pixels: its file is missing "
                f"({bpy.path.abspath(image.filepath) or 'no path'}) and it is not packed"
            )
        path = _render_png(image)
        log.debug("wrote %s '%s' to %s", what, image.name, path)
    return _checked(path, what)


def prepare_image(slot: ImageSlot, what: str = "image") -> str:
    """A local file path for ``slot`` that a worker can upload; raises :class:`ImageInputError`.

    Main thread only (reads and may write Blender images). ``what`` names the input in messages
    ("image", "front view image"…).
    """
    if slot.image is not None:
        return _image_file(slot.image, what)
    raw = slot.path.strip()
    if not raw:
        raise ImageInputError(f"No {what} chosen: pick a file or a Blender image")
    return _checked(os.path.normpath(bpy.path.abspath(raw)), what)


#: The task types of a concept image (text-to-image, or image-to-image of one): Tripo takes their ids as images.
_CONCEPT_TYPES = frozenset({TEXT_TO_IMAGE.wire_type, IMAGE_TO_IMAGE.wire_type})
#: Days a concept image's task is trusted to still exist on Tripo (a day short of its retention).
_REUSE_DAYS = TASK_RETENTION_DAYS - 1


def concept_task(image: bpy.types.Image | None) -> str | None:
    """The text-to-image (or image-to-image) task a concept image came from, when its id can stand for the
    picture: Tripo reuses the task's output, so nothing is uploaded (docs/apiv3.md#inputs).

    None for any other image, for a concept image painted on since it landed (its pixels are no
    longer the task's), and for one whose task Tripo may have forgotten (it keeps tasks about
    :data:`..rules.tags.TASK_RETENTION_DAYS` days): those are sent as files like any image.
    """
    if image is None or image.is_dirty or string_tag(image, TASK_TYPE_PROP) not in _CONCEPT_TYPES:
        return None
    try:
        age = task_age_days(image[TASK_CREATED_PROP])
    except KeyError:
        return None
    return task_id_of(image) if age is not None and age <= _REUSE_DAYS else None
