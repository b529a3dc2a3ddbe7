"""Every apiv3 creation route: a minimal valid body creates a task of the right ``type``."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from tests.emulator import Emulator
from tests.emulator.routes import CREATION_ROUTES, RETIRED_ROUTES
from tests.emulator.validation import SPECS

from .helpers import (
    CAT,
    COMPLETE,
    CONVERT,
    DECIMATE,
    DEPTH,
    EDIT_MV,
    I2I,
    I2M,
    I2MV,
    IMAGE_URL,
    IMPORT,
    MV2M,
    RETARGET,
    RIG,
    RIG_CHECK,
    SEGMENT,
    SMART_SEGMENT,
    SPLAT,
    T2I,
    T2M,
    TEXTURE,
    UV,
    V25,
    Caller,
    error_of,
)

Sources = dict[str, str]

MINIMAL: dict[str, Callable[[Sources], dict[str, Any]]] = {
    T2M: lambda s: CAT,
    I2M: lambda s: {"input": IMAGE_URL, "model": V25},
    MV2M: lambda s: {"inputs": [IMAGE_URL, None, IMAGE_URL, None], "model": V25},
    T2I: lambda s: {"prompt": "a fox"},
    I2I: lambda s: {"input": IMAGE_URL, "prompt": "make it red"},
    I2MV: lambda s: {"input": IMAGE_URL},
    EDIT_MV: lambda s: {"input": s["views"], "prompts": [{"view": "front", "prompt": "red shirt"}]},
    SPLAT: lambda s: {"input": IMAGE_URL},
    DEPTH: lambda s: {"input": IMAGE_URL},
    TEXTURE: lambda s: {"input": s["model"]},
    CONVERT: lambda s: {"input": s["model"], "format": "FBX"},
    IMPORT: lambda s: {"input": "https://example.com/m.glb"},
    RIG_CHECK: lambda s: {"input": s["model"]},
    RIG: lambda s: {"input": s["model"]},
    RETARGET: lambda s: {"input": s["rig"], "animation": "preset:walk"},
    SEGMENT: lambda s: {"input": s["model"]},
    COMPLETE: lambda s: {"input": s["segments"]},
    DECIMATE: lambda s: {"input": s["model"]},
    UV: lambda s: {"input": s["model"]},
    SMART_SEGMENT: lambda s: {"input": IMAGE_URL, "seg_type": "image"},
}


@pytest.fixture
def sources(api: Caller) -> Sources:
    model = api.model()
    return {
        "model": model,
        "rig": api.create(RIG, {"input": model}),
        "segments": api.create(SEGMENT, {"input": model}),
        "views": api.create(I2MV, {"input": IMAGE_URL}),
    }


def test_the_route_table_is_complete() -> None:
    assert set(MINIMAL) == set(CREATION_ROUTES)
    assert set(SPECS) == set(CREATION_ROUTES.values())
    assert len(set(CREATION_ROUTES.values())) == len(CREATION_ROUTES)


@pytest.mark.parametrize("path", sorted(CREATION_ROUTES))
def test_creation_answers_task_id_type_and_queued(emulator: Emulator, api: Caller, sources: Sources, path: str) -> None:
    body = MINIMAL[path](sources)
    response = api.post(path, json=body)
    assert response.status_code == 200, response.text
    envelope = response.json()
    assert (envelope["code"], envelope["status"]) == (0, "success")
    data = envelope["data"]
    assert set(data) == {"task_id", "type", "status"}
    assert uuid.UUID(data["task_id"]).version == 4
    assert (data["type"], data["status"]) == (CREATION_ROUTES[path], "queued")
    task = api.task(data["task_id"])
    assert (task["type"], task["status"], task["input"]) == (CREATION_ROUTES[path], "success", body)
    shown = emulator.tasks[data["task_id"]]  # the inspection view is the wire view (URLs freshly signed)
    assert {k: v for k, v in shown.items() if k != "output"} == {k: v for k, v in task.items() if k != "output"}
    assert set(shown["output"]) == set(task["output"])


@pytest.mark.parametrize("path", sorted(RETIRED_ROUTES))
def test_retired_refine_and_stylize_are_2016(emulator: Emulator, api: Caller, sources: Sources, path: str) -> None:
    before = set(emulator.tasks)
    response = api.post(path, json={"input": sources["model"], "style": "lego"})
    assert error_of(response) == (400, 2016)
    assert set(emulator.tasks) == before


def test_a_type_field_in_the_body_is_ignored(api: Caller) -> None:
    """The route chooses the capability; a leftover v2 ``type`` changes nothing."""
    task = api.finished(T2M, {**CAT, "type": "image_to_model"})
    assert task["type"] == "text_to_model"


def test_smart_segment_reads_its_input_by_seg_type_and_a_model_needs_its_transform(
    api: Caller, sources: Sources
) -> None:
    """Smart segment: ``seg_type`` says whether ``input`` is an image or a model; a model needs 16 numbers."""
    identity = [1.0, 0, 0, 0, 0, 1.0, 0, 0, 0, 0, 1.0, 0, 0, 0, 0, 1.0]
    assert error_of(api.post(SMART_SEGMENT, json={"input": sources["model"], "seg_type": "model"}))[0] == 400
    assert (
        error_of(
            api.post(SMART_SEGMENT, json={"input": sources["model"], "seg_type": "model", "transform": [1, 2, 3]})
        )[0]
        == 400
    )
    assert error_of(api.post(SMART_SEGMENT, json={"input": sources["model"], "seg_type": "image"}))[0] == 400, (
        "a model task is no image"
    )
    assert (
        error_of(api.post(SMART_SEGMENT, json={"input": sources["model"], "seg_type": "both", "transform": identity}))[
            0
        ]
        == 400
    )
    parts = api.finished(
        SMART_SEGMENT,
        {
            "input": sources["model"],
            "seg_type": "model",
            "transform": identity,
            "granularity": "fine",
            "hint": "the arms",
        },
    )
    assert parts["type"] == "smart_segment" and parts["output"]["model_url"]
    completed = api.finished(COMPLETE, {"input": parts["task_id"]})  # used like a segmentation's result
    assert completed["type"] == "mesh_completion"
