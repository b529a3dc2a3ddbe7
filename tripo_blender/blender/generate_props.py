"""Blender properties of the generate form, declared once for the panel form and the operator.

The scene form (``Scene.tripo_generate``) and the scriptable operator ``tripo.generate`` carry the
same options through one mixin, :class:`GenerateOptions`, whose names, defaults and choices come
from :mod:`..rules.generate`, so the two cannot drift apart. The form is saved in the .blend and
therefore holds no secret: the API key lives only in the add-on preferences.

Differences between the two on purpose:

* the form picks images as datablocks (``PointerProperty`` to ``bpy.types.Image``); operators
  cannot hold datablock pointers, so the operator takes image *names* (``image_name``…);
* every shared property is ``SKIP_SAVE``. For the operator that is essential: a property counts
  as "set" only when the caller set it, never because Blender remembered it from the last run,
  and "set" is how an explicit script argument is told apart from "use the panel's value". For
  the scene form it changes nothing that matters (values are still saved in the .blend —
  checked on 4.2.23 and 5.0.1) and drops ``ANIMATABLE``, which a form has no use for.
"""

from __future__ import annotations

from typing import Any

import bpy

from ..rules import generate as form
from .field_props import SKIP, field_prop

__all__ = ["GenerateOptions", "TripoGenerateForm", "FORM_ATTR", "CLASSES", "register_extra", "unregister_extra"]

#: ``Scene.<FORM_ATTR>`` holds the form.
FORM_ATTR = "tripo_generate"

_D = form.DEFAULTS
_SKIP = SKIP
_MODE_ITEMS = (
    ("TEXT", "Text", "Generate from a text prompt"),
    ("IMAGE", "Image", "Generate from one image"),
    ("MULTIVIEW", "Multiview", "Generate from views of one object: front (required), left, back, right"),
)
_VERSION_ITEMS = tuple((v.id, v.name, v.description) for v in form.MODEL_VERSIONS)
_FILE_HELP = "A JPEG, PNG or WEBP file (at most 20 MB)"
_LEFT_HELP = "The object's own left side"
_RIGHT_HELP = "The object's own right side"


#: The form's options that are route fields: their properties come from the fields (the mode, the
#: image slots and the version menu are the form's own).
_FIELD_OPTIONS = tuple(name for name in form.DEFAULTS if name not in ("mode", "model_version"))


def _options() -> Any:
    """A mixin of the form options' properties: each field's label, tooltip, choices and range, with
    the form's default (:data:`..rules.generate.DEFAULTS`)."""
    prompt = f"Describe the object (1–{form.field('prompt').max_chars} characters; scripts may use line breaks)"
    more: dict[str, dict[str, Any]] = {
        "prompt": {"description": prompt},
        "face_limit": {"max": 2_000_000, "soft_max": 500_000},
    }
    annotations = {
        name: field_prop(
            form.field(name), default=form.DEFAULTS[name], unset=form.NO_EXPORT_ORIENTATION, **more.get(name, {})
        )
        for name in _FIELD_OPTIONS
    }
    return type("FormFieldOptions", (), {"__annotations__": annotations, "__doc__": _options.__doc__})


_FieldOptions: Any = _options()


class GenerateOptions(_FieldOptions):
    """Every option of the generate form (see the module docstring for ``SKIP_SAVE``)."""

    mode: bpy.props.EnumProperty(
        name=form.LABELS["mode"],
        items=_MODE_ITEMS,
        default=_D["mode"],
        options=_SKIP,
        description="What to generate from",
    )
    image_path: bpy.props.StringProperty(name="Image File", subtype="FILE_PATH", options=_SKIP, description=_FILE_HELP)
    front_path: bpy.props.StringProperty(
        name="Front File", subtype="FILE_PATH", options=_SKIP, description=f"Front view (required). {_FILE_HELP}"
    )
    left_path: bpy.props.StringProperty(
        name="Left File", subtype="FILE_PATH", options=_SKIP, description=f"{_LEFT_HELP}. {_FILE_HELP}"
    )
    back_path: bpy.props.StringProperty(
        name="Back File", subtype="FILE_PATH", options=_SKIP, description=f"Back view. {_FILE_HELP}"
    )
    right_path: bpy.props.StringProperty(
        name="Right File", subtype="FILE_PATH", options=_SKIP, description=f"{_RIGHT_HELP}. {_FILE_HELP}"
    )
    # the panel starts on the newest model (a script's default is the client's documented one)
    model_version: bpy.props.EnumProperty(
        name=form.LABELS["model_version"],
        items=_VERSION_ITEMS,
        default=form.NEWEST_VERSION,
        options=_SKIP,
        description=form.field("model_version").description,
    )


_DATABLOCK_HELP = "A Blender image; packed, generated or edited images are written out when sending"


class TripoGenerateForm(GenerateOptions, bpy.types.PropertyGroup):
    """The panel's form, one per scene (saved with the .blend; no secrets)."""

    image: bpy.props.PointerProperty(type=bpy.types.Image, name="Image", description=_DATABLOCK_HELP)
    front_image: bpy.props.PointerProperty(
        type=bpy.types.Image, name="Front", description=f"Front view (required). {_DATABLOCK_HELP}"
    )
    left_image: bpy.props.PointerProperty(
        type=bpy.types.Image, name="Left", description=f"{_LEFT_HELP}. {_DATABLOCK_HELP}"
    )
    back_image: bpy.props.PointerProperty(
        type=bpy.types.Image, name="Back", description=f"Back view. {_DATABLOCK_HELP}"
    )
    right_image: bpy.props.PointerProperty(
        type=bpy.types.Image, name="Right", description=f"{_RIGHT_HELP}. {_DATABLOCK_HELP}"
    )
    show_advanced: bpy.props.BoolProperty(
        name="Advanced Options", default=False, description="Show the less common generation options"
    )
    # "Image first" (see .image_first): the step's switch per mode, and the id of its latest job
    # (a job id, no secret; saved so the panel still shows the image after reopening the file)
    image_first: bpy.props.BoolProperty(
        name="Image First",
        default=False,
        description="Make a concept image from the prompt first (≈ 5 credits each) and regenerate it until it is "
        "right; then make the model from it",
    )
    views_from_image: bpy.props.BoolProperty(
        name="Views From One Image",
        default=False,
        description="Make the front, left, back and right views from one image first (≈ 10 credits) and look at "
        "them; then make the model from them",
    )
    concept_job: bpy.props.StringProperty(
        name="Concept Image Job", options={"HIDDEN"}, description="The job of the latest concept image"
    )
    views_job: bpy.props.StringProperty(
        name="Four Views Job", options={"HIDDEN"}, description="The job of the latest four views"
    )


CLASSES: tuple[type, ...] = (TripoGenerateForm,)


def register_extra() -> None:
    # The stubs declare bpy.props functions as returning None; at run time this is the property.
    prop = bpy.props.PointerProperty(type=TripoGenerateForm)  # type: ignore[func-returns-value]
    setattr(bpy.types.Scene, FORM_ATTR, prop)


def unregister_extra() -> None:
    if hasattr(bpy.types.Scene, FORM_ATTR):
        delattr(bpy.types.Scene, FORM_ATTR)
