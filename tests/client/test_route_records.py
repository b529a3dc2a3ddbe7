"""The route records against the code that uses them, and the one validation every job goes through.

As Blender's ``bl_pkg`` asserts its manifest table against the dataclass it fills, every
``TripoClient`` method is asserted against its route's record (same parameters, same defaults),
every job kind has a route, and :func:`routes.check` — what ``Runner.submit`` calls for every
caller — refuses what the client would refuse, sending nothing. The dialogs' wording of a
version gate (:mod:`tripo_blender.rules.offers`) is checked here too.
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import pytest

from tripo_blender.client import TripoClient, routes
from tripo_blender.jobs import FOLLOW_KIND, KINDS
from tripo_blender.rules.offers import needs_text, option_problem

TASK = "11111111-2222-3333-4444-555555555555"
METHODS = sorted(name for name, route in ((n, routes.by_method(n)) for n in dir(TripoClient)) if route is not None)


@pytest.mark.parametrize("method", METHODS)
def test_every_client_method_matches_its_route_record(method: str) -> None:
    route = routes.by_method(method)
    assert route is not None
    parameters = {
        name: p for name, p in inspect.signature(getattr(TripoClient, method)).parameters.items() if name != "self"
    }
    defaults = {name: p.default for name, p in parameters.items() if p.default is not inspect.Parameter.empty}
    assert routes.signature_problems(route, list(parameters), defaults) == []


def test_every_route_has_a_record_and_every_kind_a_route() -> None:
    assert {k.name for k in KINDS.values() if k.route is None} == {FOLLOW_KIND}
    assert all(
        k.route is not None and k.wire_type == k.route.task_type for k in KINDS.values() if k.name != FOLLOW_KIND
    )
    # import_model is no job of its own: a mesh of the user's goes up in its post-process's upload step
    assert set(METHODS) - {"import_model"} == {k.name for k in KINDS.values() if k.route is not None}, (
        "a client method is a job kind"
    )
    assert routes.PATHS["image_to_depth"] == "/v3/generation/image-to-depth"


def test_the_signature_check_sees_a_default_that_drifted() -> None:
    problems = routes.signature_problems(
        routes.CONVERT, [f.name for f in routes.CONVERT.fields], {"texture_size": 2048, "colour": "red"}
    )
    assert problems == ["texture_size defaults to 2048, the record says 4096"]
    assert (
        routes.signature_problems(routes.CONVERT, ["original_model_task_id", "colour"], {})[0]
        == "colour is not a field of convert_model"
    )


# --------------------------------------------------------------------------- the one validation


@pytest.mark.parametrize(
    ("kind", "params", "error", "message"),
    [
        (
            "text_to_model",
            {"prompt": "a cat", "model_version": "P1-20260311", "quad": True},
            ValueError,
            "quad is not supported by model_version 'P1-20260311'",
        ),
        ("text_to_model", {"prompt": "a cat", "colour": "red"}, TypeError, "unexpected keyword argument 'colour'"),
        ("text_to_model", {}, TypeError, "missing required argument: 'prompt'"),
        ("text_to_model", {"prompt": "a cat", "model_version": "v3.5"}, ValueError, "is not a text_to_model version"),
        ("image_to_model", {"image": "/nonexistent/picture.png"}, FileNotFoundError, "does not exist"),
        ("texture_model", {"original_model_task_id": TASK, "delight": True}, ValueError, "delight needs"),
        ("rig_model", {"original_model_task_id": TASK, "rig_type": "quadruped"}, ValueError, "bipeds only"),
        (
            "retarget_animation",
            {"original_model_task_id": TASK, "animation": ["preset:moonwalk"]},
            ValueError,
            "unknown preset animation 'preset:moonwalk'",
        ),
        (
            "retarget_animation",
            {"original_model_task_id": "file_abc", "animation": "preset:walk"},
            ValueError,
            "id of a Tripo task",
        ),
        ("smart_lowpoly", {"original_model_task_id": TASK, "face_limit": 100}, ValueError, "at least 500"),
        ("text_to_image", {"prompt": "a fox", "model": "chat_image_1.5"}, ValueError, "retired by Tripo on 2026-12-01"),
        (
            "image_to_depth",
            {"image": "https://x/a.png", "kind": "depth"},
            ValueError,
            "kind must be one of gray, color",
        ),
        ("refine_model", {"draft_model_task_id": TASK}, ValueError, "retired"),
    ],
)
def test_the_one_check_refuses_what_the_client_would(
    kind: str, params: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        routes.check(kind, params)


def test_the_one_check_passes_what_the_client_sends_and_reads_local_files_only(png_file: Path) -> None:
    routes.check("image_to_model", {"image": str(png_file), "model_version": "P2-20260801", "quad": True})
    routes.check("multiview_to_model", {"images": [str(png_file), None, "https://x/b.png"]})
    routes.check("convert_model", {"original_model_task_id": TASK, "format": "GLB", "fbx_preset": "bake_scale"})
    routes.check("image_to_depth", {"image": TASK, "process_res": 504})
    routes.check(FOLLOW_KIND, {"task_id": TASK})  # sends nothing: nothing to check


# --------------------------------------------------------------------------- the dialogs' words


def test_a_dialog_says_which_version_an_option_needs_in_its_own_words() -> None:
    assert (
        needs_text(routes.TEXTURE, "delight", ("texture_quality", "fast"))
        == "Delight and Quality 'Fast' need texture model v3.5"
    )
    assert needs_text(routes.DECIMATE, "smart_uv") == "Smart UV needs low-poly model v3.0"
    assert (
        needs_text(routes.SEGMENT, "segmentation_granularity", "split_by_connectivity")
        == "Granularity and Split by Connectivity need segmentation model v2.0"
    )


@pytest.mark.parametrize(
    ("route", "options", "problem"),
    [
        (routes.TEXTURE, {"model_version": "v3.0-20250812", "delight": True}, "Delight needs texture model v3.5"),
        (
            routes.TEXTURE,
            {"model_version": "v2.5-20250123", "texture_quality": "fast"},
            "Quality 'Fast' needs texture model v3.5",
        ),
        (routes.TEXTURE, {"text_prompt": "red", "image_prompt": "image prompt"}, "not both"),
        (routes.SEGMENT, {"split_by_connectivity": True}, "Split by Connectivity needs segmentation model v2.0"),
        (routes.DECIMATE, {"model_version": "v2.0", "smart_uv": True}, "Smart UV needs low-poly model v3.0"),
        (routes.DECIMATE, {"face_limit": 15_000, "quad": True}, "at most 10,000 with quad"),
        (routes.TEXTURE, {"model_version": "v3.5-20260815", "delight": True, "texture_quality": "fast"}, None),
        (routes.CONVERT, {"format": "OBJ", "texture_size": 1024}, None),
    ],
)
def test_a_dialogs_options_are_refused_before_the_click(
    route: routes.Route, options: dict[str, Any], problem: str | None
) -> None:
    found = option_problem(route, options)
    assert (found is None) if problem is None else (found is not None and problem in found), found
