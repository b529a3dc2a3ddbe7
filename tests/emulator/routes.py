"""The apiv3 task-creation routes, the task ``type`` each one creates, and families of types.

Why a table of its own: the API (which paths exist), validation (which source tasks a route
builds on), pricing and outputs (keyed by ``type``) all need the same mapping, and tests
parametrise over it. apiv3 selects the capability by path; the task object still reports the
v2-style ``type`` name (docs/apiv3.md#routes, #task-object).
"""

from __future__ import annotations

#: POST path -> task ``type`` (docs/apiv3.md#routes).
CREATION_ROUTES: dict[str, str] = {
    "/v3/generation/text-to-model": "text_to_model",
    "/v3/generation/image-to-model": "image_to_model",
    "/v3/generation/multiview-to-model": "multiview_to_model",
    "/v3/generation/text-to-image": "text_to_image",
    "/v3/generation/image-to-image": "generate_image",
    "/v3/generation/image-to-multiview": "generate_multiview_image",
    "/v3/generation/edit-multiview": "edit_multiview_image",
    "/v3/generation/image-to-splat": "image_to_splat",
    "/v3/generation/image-to-depth": "image_to_depth",
    "/v3/models/texture": "texture_model",
    "/v3/models/convert": "convert_model",
    "/v3/models/import": "import_model",
    "/v3/animations/rig-check": "animate_prerigcheck",
    "/v3/animations/rig": "animate_rig",
    "/v3/animations/retarget": "animate_retarget",
    "/v3/mesh/segment": "mesh_segmentation",
    "/v3/mesh/complete": "mesh_completion",
    "/v3/mesh/decimate": "highpoly_to_lowpoly",
    "/v3/mesh/uv": "mesh_uv",
    # not in the SDK; Tripo does not publish its task type (docs/apiv3.md#open-points): the add-on's name
    "/v3/mesh/smartsegment": "smart_segment",
}

#: Routes that existed in 2026 drafts and were retired (answer 400/2016 "task type deprecated").
RETIRED_ROUTES = frozenset({"/v3/models/refine", "/v3/models/stylize"})

#: The three generation types (the only ones with a required ``model``).
GENERATION_TYPES = frozenset({"text_to_model", "image_to_model", "multiview_to_model"})
#: Tasks whose output is an editable mesh (texture, segment, decimate, UV unwrap build on them).
MESH_TYPES = GENERATION_TYPES | {
    "texture_model",
    "import_model",
    "highpoly_to_lowpoly",
    "mesh_uv",
    "smart_segment",
    "mesh_segmentation",
    "mesh_completion",
}
#: Every task whose output includes a 3D model (rig-check, rig and convert build on them).
MODEL_TYPES = MESH_TYPES | {"convert_model", "animate_rig", "animate_retarget"}
#: Tasks whose output is one image (image-to-model and the other image routes reuse them).
IMAGE_TYPES = frozenset({"text_to_image", "generate_image"})
#: Tasks whose output is four views (multiview-to-model and edit-multiview reuse them).
MULTIVIEW_TYPES = frozenset({"generate_multiview_image", "edit_multiview_image"})
