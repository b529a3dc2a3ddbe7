"""POST /task validation: real codes, HTTP statuses and the order of wire protocol §7.3."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.emulator import Emulator

from .helpers import Caller, error_of

URL_FILE = {"type": "jpg", "url": "https://example.com/a.jpg"}
Sources = dict[str, str]


@pytest.fixture
def sources(emulator: Emulator, api: Caller) -> Sources:
    """Successful tasks to build on, plus one that is still queued."""
    made: Sources = {"model": api.create({"type": "text_to_model", "prompt": "a knight"})}
    made["rig"] = api.create({"type": "animate_rig", "original_model_task_id": made["model"]})
    made["check"] = api.create({"type": "animate_prerigcheck", "original_model_task_id": made["model"]})
    made["segments"] = api.create({"type": "mesh_segmentation", "original_model_task_id": made["model"]})
    emulator.set_timing(queue_seconds=1000)
    made["queued_model"] = api.create({"type": "text_to_model", "prompt": "slow"})
    made["queued_rig"] = api.create({"type": "animate_rig", "original_model_task_id": made["model"]})
    emulator.set_timing(queue_seconds=0)
    return made


def _t2m(**fields: Any) -> dict[str, Any]:
    return {"type": "text_to_model", "prompt": "a cat", **fields}


CASES: list[tuple[str, Callable[[Sources], Any], int, int]] = [
    # 1. JSON
    ("not json", lambda s: b"{nope", 400, 1003),
    ("json array", lambda s: b"[1, 2]", 400, 1003),
    # 2. type
    ("unknown type", lambda s: {"type": "make_it_pretty"}, 400, 2002),
    ("missing type", lambda s: {"prompt": "a cat"}, 400, 2002),
    ("animate_model deprecated", lambda s: {"type": "animate_model", "original_model_task_id": s["model"]}, 400, 2016),
    # 3. fields
    ("missing prompt", lambda s: {"type": "text_to_model"}, 400, 1004),
    ("empty prompt", lambda s: _t2m(prompt=""), 400, 1004),
    ("blank prompt", lambda s: _t2m(prompt="   "), 400, 1004),
    ("prompt too long", lambda s: _t2m(prompt="x" * 1025), 400, 1004),
    ("texture not bool", lambda s: _t2m(texture="yes"), 400, 1004),
    ("face_limit negative", lambda s: _t2m(face_limit=-1), 400, 1004),
    ("bad texture_quality", lambda s: _t2m(texture_quality="ultra"), 400, 1004),
    ("P1 with quad", lambda s: _t2m(model_version="P1-20260311", quad=False), 400, 1004),
    ("generate_parts while textured", lambda s: _t2m(generate_parts=True), 400, 1004),
    ("untextured standard quality", lambda s: _t2m(texture=False, pbr=False, texture_quality="standard"), 400, 1004),
    ("image without file", lambda s: {"type": "image_to_model"}, 400, 1004),
    ("file with two sources", lambda s: {"type": "image_to_model", "file": {**URL_FILE, "file_token": "t"}}, 400, 1004),
    ("file without source", lambda s: {"type": "image_to_model", "file": {"type": "jpg"}}, 400, 1004),
    ("file url not http", lambda s: {"type": "image_to_model", "file": {**URL_FILE, "url": "ftp://a"}}, 400, 1004),
    ("multiview 3 slots", lambda s: {"type": "multiview_to_model", "files": [URL_FILE, URL_FILE, {}]}, 400, 1004),
    ("multiview no front", lambda s: {"type": "multiview_to_model", "files": [{}, URL_FILE, URL_FILE, {}]}, 400, 1004),
    ("multiview one view", lambda s: {"type": "multiview_to_model", "files": [URL_FILE, {}, {}, {}]}, 400, 1004),
    ("texture_prompt text+image", lambda s: {"type": "texture_model", "original_model_task_id": s["model"],
                                             "texture_prompt": {"text": "red", "image": URL_FILE}}, 400, 1004),
    ("retarget both keys", lambda s: {"type": "animate_retarget", "original_model_task_id": s["rig"],
                                      "animation": "preset:walk", "animations": ["preset:run"]}, 400, 1004),
    ("retarget neither key", lambda s: {"type": "animate_retarget", "original_model_task_id": s["rig"]}, 400, 1004),
    ("retarget six", lambda s: {"type": "animate_retarget", "original_model_task_id": s["rig"],
                                "animations": ["preset:walk"] * 6}, 400, 1004),
    ("retarget not a preset", lambda s: {"type": "animate_retarget", "original_model_task_id": s["rig"],
                                         "animation": "walk"}, 400, 1004),
    ("rig bad out_format", lambda s: {"type": "animate_rig", "original_model_task_id": s["model"],
                                      "out_format": "obj"}, 400, 1004),
    ("convert bad format", lambda s: {"type": "convert_model", "original_model_task_id": s["model"],
                                      "format": "DAE"}, 400, 1004),
    ("stylize block too big", lambda s: {"type": "stylize_model", "original_model_task_id": s["model"],
                                         "style": "minecraft", "block_size": 200}, 400, 1004),
    ("import by url", lambda s: {"type": "import_model", "file": URL_FILE}, 400, 1004),
    ("fields before version", lambda s: {"type": "text_to_model", "model_version": "v9"}, 400, 1004),
    # 4. versions
    ("invalid version", lambda s: _t2m(model_version="v9.9-20990101"), 400, 2017),
    ("deprecated version", lambda s: _t2m(model_version="v1.3-20240522"), 400, 2015),
    ("multiview turbo", lambda s: {"type": "multiview_to_model", "files": [URL_FILE, URL_FILE, {}, {}],
                                   "model_version": "Turbo-v1.0-20250506"}, 400, 2017),
    ("texture deprecated version", lambda s: {"type": "texture_model", "original_model_task_id": s["model"],
                                              "model_version": "v2.0-20240919"}, 400, 2015),
    ("version before source", lambda s: {"type": "texture_model", "original_model_task_id": "nope",
                                         "model_version": "v9"}, 400, 2017),
    # 5. source exists
    ("unknown source", lambda s: {"type": "animate_rig", "original_model_task_id": "nope"}, 404, 2001),
    ("source before files", lambda s: {"type": "texture_model", "original_model_task_id": "nope",
                                       "texture_prompt": {"image": {"type": "jpg", "file_token": "nope"}}}, 404, 2001),
    # 6. source type
    ("texture on a rig", lambda s: {"type": "texture_model", "original_model_task_id": s["rig"]}, 400, 2006),
    ("completion on a model", lambda s: {"type": "mesh_completion", "original_model_task_id": s["model"]}, 400, 2006),
    ("refine on v2.5", lambda s: {"type": "refine_model", "draft_model_task_id": s["model"]}, 400, 2006),
    ("retarget on a model", lambda s: {"type": "animate_retarget", "original_model_task_id": s["model"],
                                       "animation": "preset:walk"}, 400, 2012),
    ("prerigcheck on a prerigcheck", lambda s: {"type": "animate_prerigcheck",
                                                "original_model_task_id": s["check"]}, 400, 2011),
    # 7. source status
    ("rig a queued model", lambda s: {"type": "animate_rig", "original_model_task_id": s["queued_model"]}, 400, 2007),
    ("retarget a queued rig", lambda s: {"type": "animate_retarget", "original_model_task_id": s["queued_rig"],
                                         "animation": "preset:walk"}, 400, 2007),
    # 8. files
    ("unknown file token", lambda s: {"type": "image_to_model", "file": {"type": "jpg", "file_token": "x"}}, 404, 2019),
    ("unknown sts object", lambda s: {"type": "import_model", "file": {
        "type": "glb", "object": {"bucket": "tripo-data", "key": "tcli_x/1/2/input.glb"}}}, 404, 2019),
]


@pytest.mark.parametrize(("body", "status", "code"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rejections(emulator: Emulator, api: Caller, sources: Sources,
                    body: Callable[[Sources], Any], status: int, code: int) -> None:
    before, balance_before = set(emulator.tasks), emulator.balance_of()
    payload = body(sources)
    if isinstance(payload, bytes):
        response = api.post("/task", data=payload, headers={"Content-Type": "application/json"})
    else:
        response = api.post("/task", json=payload)
    assert error_of(response) == (status, code)
    assert set(emulator.tasks) == before  # nothing created, nothing billed
    assert emulator.balance_of() == balance_before


ACCEPTED: list[tuple[str, Callable[[Sources], dict[str, Any]]]] = [
    ("prompt of 1024 chars", lambda s: _t2m(prompt="x" * 1024)),
    ("sdk v0.3.0 text body", lambda s: _t2m(model_version="v2.5-20250123", texture=True, pbr=True, auto_size=False,
                                            quad=False, texture_quality="standard")),
    ("url file", lambda s: {"type": "image_to_model", "file": URL_FILE}),
    ("multiview two views", lambda s: {"type": "multiview_to_model", "files": [URL_FILE, {}, URL_FILE, {}]}),
    ("untextured without quality", lambda s: _t2m(texture=False, pbr=False)),
    ("parts untextured", lambda s: _t2m(texture=False, pbr=False, generate_parts=True)),
    ("P1 plain", lambda s: _t2m(model_version="P1-20260311")),
    ("sdk rig with spec null", lambda s: {"type": "animate_rig", "original_model_task_id": s["model"],
                                          "out_format": "glb", "spec": None}),
    ("texture with nested prompt", lambda s: {"type": "texture_model", "original_model_task_id": s["model"],
                                              "texture_prompt": {"text": "red", "style_image": URL_FILE}}),
    ("sdk v0.3.0 texture body (top-level prompts ignored)", lambda s: {
        "type": "texture_model", "original_model_task_id": s["model"], "texture": True, "pbr": True,
        "texture_alignment": "original_image", "bake": True, "texture_quality": "standard", "part_names": ["a"],
        "compress": "geometry", "text_prompt": "red", "image_prompt": {"bogus": True}}),
    ("retarget list", lambda s: {"type": "animate_retarget", "original_model_task_id": s["rig"],
                                 "animations": ["preset:walk", "preset:quadruped:walk"]}),
    ("completion on segments", lambda s: {"type": "mesh_completion", "original_model_task_id": s["segments"],
                                          "part_names": ["head"]}),
    ("sdk lowpoly body", lambda s: {"type": "highpoly_to_lowpoly", "original_model_task_id": s["model"],
                                    "model_version": "P-v1.0-20250506", "quad": False, "bake": True,
                                    "face_limit": 4000}),
    ("unknown extra fields", lambda s: _t2m(some_future_flag=True)),
]


@pytest.mark.parametrize("body", [c[1] for c in ACCEPTED], ids=[c[0] for c in ACCEPTED])
def test_accepted(api: Caller, sources: Sources, body: Callable[[Sources], dict[str, Any]]) -> None:
    task = api.finished(body(sources))
    assert task["status"] == "success"


def test_concurrency_is_checked_before_credits(emulator: Emulator, api: Caller) -> None:
    emulator.concurrency_limit = 0
    emulator.add_key("tsk_poor", balance=0)
    poor = Caller(emulator, "tsk_poor")
    try:
        assert error_of(poor.post("/task", json=_t2m())) == (429, 2000)
        emulator.concurrency_limit = 10
        assert error_of(poor.post("/task", json=_t2m())) == (403, 2010)
    finally:
        poor.close()
