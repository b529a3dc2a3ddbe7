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

import bpy

from ..client.payloads import PROMPT_MAX_CHARS
from ..rules import generate as form

__all__ = ["GenerateOptions", "TripoGenerateForm", "FORM_ATTR", "CLASSES", "register_extra", "unregister_extra"]

#: ``Scene.<FORM_ATTR>`` holds the form.
FORM_ATTR = "tripo_generate"

_D = form.DEFAULTS
_L = form.LABELS
_SKIP = {'SKIP_SAVE'}
_MODE_ITEMS = (
    ("TEXT", "Text", "Generate from a text prompt"),
    ("IMAGE", "Image", "Generate from one image"),
    ("MULTIVIEW", "Multiview", "Generate from views of one object: front (required), left, back, right"),
)
_VERSION_ITEMS = tuple((v.id, v.label, v.description) for v in form.MODEL_VERSIONS)
_SEED_HELP = "Same seed and options give the same result. 0 = random"
_FILE_HELP = "A JPEG, PNG or WEBP file (at most 20 MB)"
_LEFT_HELP = "The object's own left side"
_RIGHT_HELP = "The object's own right side"


class GenerateOptions:
    """Every option of the generate form (see the module docstring for ``SKIP_SAVE``)."""

    mode: bpy.props.EnumProperty(name=_L["mode"], items=_MODE_ITEMS, default=_D["mode"], options=_SKIP,
                                 description="What to generate from")
    prompt: bpy.props.StringProperty(
        name=_L["prompt"], default=_D["prompt"], options=_SKIP,
        description=f"Describe the object (1–{PROMPT_MAX_CHARS} characters; scripts may use line breaks)")
    negative_prompt: bpy.props.StringProperty(name=_L["negative_prompt"], default=_D["negative_prompt"],
                                              options=_SKIP, description="What the model should avoid")
    image_path: bpy.props.StringProperty(name="Image File", subtype='FILE_PATH', options=_SKIP,
                                         description=_FILE_HELP)
    front_path: bpy.props.StringProperty(name="Front File", subtype='FILE_PATH', options=_SKIP,
                                         description=f"Front view (required). {_FILE_HELP}")
    left_path: bpy.props.StringProperty(name="Left File", subtype='FILE_PATH', options=_SKIP,
                                        description=f"{_LEFT_HELP}. {_FILE_HELP}")
    back_path: bpy.props.StringProperty(name="Back File", subtype='FILE_PATH', options=_SKIP,
                                        description=f"Back view. {_FILE_HELP}")
    right_path: bpy.props.StringProperty(name="Right File", subtype='FILE_PATH', options=_SKIP,
                                         description=f"{_RIGHT_HELP}. {_FILE_HELP}")
    model_version: bpy.props.EnumProperty(name=_L["model_version"], items=_VERSION_ITEMS,
                                          default=_D["model_version"], options=_SKIP,
                                          description="Tripo model to generate with")
    texture: bpy.props.BoolProperty(name=_L["texture"], default=_D["texture"], options=_SKIP,
                                    description="Generate a texture (off: 10 credits cheaper)")
    pbr: bpy.props.BoolProperty(name=_L["pbr"], default=_D["pbr"], options=_SKIP,
                                description="Generate PBR materials (implies a texture)")
    texture_quality: bpy.props.EnumProperty(name=_L["texture_quality"], items=form.TEXTURE_QUALITY_ITEMS,
                                            default=_D["texture_quality"], options=_SKIP)
    geometry_quality: bpy.props.EnumProperty(name=_L["geometry_quality"], items=form.GEOMETRY_QUALITY_ITEMS,
                                             default=_D["geometry_quality"], options=_SKIP,
                                             description="v3.x models only (not the P series)")
    face_limit: bpy.props.IntProperty(name=_L["face_limit"], default=_D["face_limit"], min=0, max=2_000_000,
                                      soft_max=500_000, options=_SKIP,
                                      description="Maximum number of faces. 0 = automatic")
    quad: bpy.props.BoolProperty(name=_L["quad"], default=_D["quad"], options=_SKIP,
                                 description="Quad topology, at most 150,000 faces; the result comes as FBX "
                                             "(+5 credits; not the P series)")
    smart_low_poly: bpy.props.BoolProperty(
        name=_L["smart_low_poly"], default=_D["smart_low_poly"], options=_SKIP,
        description="Hand-made-style low-poly topology (+10 credits; may fail on complex input; not the P series)")
    generate_parts: bpy.props.BoolProperty(
        name=_L["generate_parts"], default=_D["generate_parts"], options=_SKIP,
        description="Split the model into editable parts (+20 credits; needs Texture, PBR and Quad off; not the "
                    "P series)")
    auto_size: bpy.props.BoolProperty(name=_L["auto_size"], default=_D["auto_size"], options=_SKIP,
                                      description="Scale the model to real-world metres (textured models only)")
    orientation: bpy.props.EnumProperty(name=_L["orientation"], items=form.ORIENTATION_ITEMS,
                                        default=_D["orientation"], options=_SKIP)
    texture_alignment: bpy.props.EnumProperty(name=_L["texture_alignment"], items=form.TEXTURE_ALIGNMENT_ITEMS,
                                              default=_D["texture_alignment"], options=_SKIP)
    enable_image_autofix: bpy.props.BoolProperty(
        name=_L["enable_image_autofix"], default=_D["enable_image_autofix"], options=_SKIP,
        description="Let Tripo clean up the input image first (crop, background, lighting) when it would "
                    "otherwise give a poor model")
    export_orientation: bpy.props.EnumProperty(name=_L["export_orientation"], items=form.EXPORT_ORIENTATION_ITEMS,
                                               default=_D["export_orientation"], options=_SKIP,
                                               description="The direction the model faces in the file")
    export_uv: bpy.props.BoolProperty(name=_L["export_uv"], default=_D["export_uv"], options=_SKIP,
                                      description="Unwrap UVs (off: no UV layout, for untextured models you "
                                                  "will unwrap yourself)")
    image_seed: bpy.props.IntProperty(name=_L["image_seed"], default=_D["image_seed"], min=0, max=2**31 - 1,
                                      options=_SKIP, description=_SEED_HELP)
    model_seed: bpy.props.IntProperty(name=_L["model_seed"], default=_D["model_seed"], min=0, max=2**31 - 1,
                                      options=_SKIP, description=_SEED_HELP)
    texture_seed: bpy.props.IntProperty(name=_L["texture_seed"], default=_D["texture_seed"], min=0,
                                        max=2**31 - 1, options=_SKIP, description=_SEED_HELP)
    compress: bpy.props.BoolProperty(
        name=_L["compress"], default=_D["compress"], options=_SKIP,
        description="Meshopt-compressed GLB (smaller download; needs a Blender that can import it)")


_DATABLOCK_HELP = "A Blender image; packed, generated or edited images are written out when sending"


class TripoGenerateForm(GenerateOptions, bpy.types.PropertyGroup):
    """The panel's form, one per scene (saved with the .blend; no secrets)."""

    image: bpy.props.PointerProperty(type=bpy.types.Image, name="Image", description=_DATABLOCK_HELP)
    front_image: bpy.props.PointerProperty(type=bpy.types.Image, name="Front",
                                           description=f"Front view (required). {_DATABLOCK_HELP}")
    left_image: bpy.props.PointerProperty(type=bpy.types.Image, name="Left",
                                          description=f"{_LEFT_HELP}. {_DATABLOCK_HELP}")
    back_image: bpy.props.PointerProperty(type=bpy.types.Image, name="Back",
                                          description=f"Back view. {_DATABLOCK_HELP}")
    right_image: bpy.props.PointerProperty(type=bpy.types.Image, name="Right",
                                           description=f"{_RIGHT_HELP}. {_DATABLOCK_HELP}")
    show_advanced: bpy.props.BoolProperty(name="Advanced Options", default=False,
                                          description="Show the less common generation options")
    # "Image first" (see .image_first): the step's switch per mode, and the id of its latest job
    # (a job id, no secret; saved so the panel still shows the image after reopening the file)
    image_first: bpy.props.BoolProperty(
        name="Image First", default=False,
        description="Make a concept image from the prompt first (≈ 5 credits each) and regenerate it until it is "
                    "right; then make the model from it")
    views_from_image: bpy.props.BoolProperty(
        name="Views From One Image", default=False,
        description="Make the front, left, back and right views from one image first (≈ 10 credits) and look at "
                    "them; then make the model from them")
    concept_job: bpy.props.StringProperty(name="Concept Image Job", options={'HIDDEN'},
                                          description="The job of the latest concept image")
    views_job: bpy.props.StringProperty(name="Four Views Job", options={'HIDDEN'},
                                        description="The job of the latest four views")


CLASSES: tuple[type, ...] = (TripoGenerateForm,)


def register_extra() -> None:
    # The stubs declare bpy.props functions as returning None; at run time this is the property.
    prop = bpy.props.PointerProperty(type=TripoGenerateForm)  # type: ignore[func-returns-value]
    setattr(bpy.types.Scene, FORM_ATTR, prop)


def unregister_extra() -> None:
    if hasattr(bpy.types.Scene, FORM_ATTR):
        delattr(bpy.types.Scene, FORM_ATTR)
