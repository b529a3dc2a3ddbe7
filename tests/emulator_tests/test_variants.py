"""The answer shapes of Tripo's other official SDKs (docs/sources.md), one switch each."""

from __future__ import annotations

import uuid

import pytest

from tests.emulator import Emulator
from tests.emulator.variants import DECIMAL_FRACTION

from .helpers import CAT, EDIT_MV, I2MV, IMAGE_URL, T2M, Caller, error_of

LIST = "/v3/tasks/list"


def test_the_task_list_as_an_array_has_no_missed(emulator: Emulator, api: Caller) -> None:
    first, second = api.create(T2M, CAT), api.create(T2M, CAT)
    emulator.variants.task_list = "array"
    data = api.post(LIST, json={"task_ids": [first, str(uuid.uuid4()), second]}).json()["data"]
    assert set(data) == {"tasks"}, "no missed: an unknown id is simply absent"
    assert [t["task_id"] for t in data["tasks"]] == [first, second]
    assert set(data["tasks"][0]) == set(api.task(first))


@pytest.mark.parametrize("shape, status, code", [("gone-404", 404, 4001), ("gone-405", 405, 1003)])
def test_the_task_list_route_can_be_absent(emulator: Emulator, api: Caller, shape: str, status: int, code: int) -> None:
    task_id = api.create(T2M, CAT)
    emulator.variants.task_list = shape
    assert error_of(api.post(LIST, json={"task_ids": [task_id]})) == (status, code)
    assert api.task(task_id)["status"] == "success", "GET /v3/tasks/{id} still answers"


def test_an_unknown_shape_is_refused(emulator: Emulator) -> None:
    with pytest.raises(ValueError, match="task_list"):
        emulator.variants.task_list = "tuple"


def test_a_post_answer_can_carry_a_malformed_task_id(emulator: Emulator, api: Caller) -> None:
    emulator.variants.answer_task_id(" {id}")
    emulator.variants.answer_task_id("../../x")
    spaced, dotted = api.create(T2M, CAT), api.create(T2M, CAT)
    first, second = emulator.tasks
    assert (spaced, dotted) == (f" {first}", "../../x"), "the answers lie; the tasks exist under their ids"
    assert api.create(T2M, CAT) not in (spaced, dotted) and len(emulator.tasks) == 3


def test_decimal_credits_are_sent_as_text_with_two_places(emulator: Emulator, api: Caller) -> None:
    emulator.variants.decimal_credits = True
    before, _ = emulator.balance_of()
    task = api.task(api.create(T2M, CAT))
    charged = float(task["credits_consumed"])
    assert task["credits_consumed"] == f"{charged:.2f}" and charged % 1 == DECIMAL_FRACTION
    balance = api.get("/v3/account/balance").json()["data"]
    assert balance["balance"] == f"{before - charged:.2f}"
    (row,) = api.get("/v3/account/usage").json()["data"]
    assert row["credits_consumed"] == task["credits_consumed"]


def test_completed_at_can_be_absent(emulator: Emulator, api: Caller) -> None:
    emulator.variants.completed_at = False
    task = api.task(api.create(T2M, CAT))
    assert task["status"] == "success" and "completed_at" not in task


def test_p2_takes_quad_as_fbx_and_refuses_the_rest_of_p1s_list_unless_told(emulator: Emulator, api: Caller) -> None:
    """S3/S4: quad is P2's and comes as FBX; what P2 does with the other three nobody says, so the
    emulated P2 rejects them by default and takes them with ``p2_refuses = ()``."""
    quad = api.task(api.create(T2M, {**CAT, "model": "P2-20260801", "quad": True}))
    assert quad["output"]["model_url"].split("?")[0].endswith(".fbx")
    parts = {**CAT, "model": "P2-20260801", "smart_low_poly": True}
    assert error_of(api.post(T2M, json=parts)) == (400, 1004)
    emulator.variants.p2_refuses = ()
    assert api.task(api.create(T2M, parts))["status"] == "success"


@pytest.mark.parametrize("shape, views", [("all", ["front", "left", "back", "right"]), ("edited", ["front", "back"])])
def test_an_edit_multiview_answers_every_view_or_only_the_edited_ones(
    emulator: Emulator, api: Caller, shape: str, views: list[str]
) -> None:
    source = api.create(I2MV, {"input": IMAGE_URL})
    emulator.variants.edit_multiview = shape
    edit = api.create(
        EDIT_MV,
        {
            "input": source,
            "prompts": [{"view": "front", "prompt": "a red scarf"}, {"view": "back", "prompt": "a red cape"}],
        },
    )
    output, before = api.task(edit)["output"], api.task(source)["output"]
    assert [key for key in output if key.endswith("_view_url")] == [f"{view}_view_url" for view in views]
    assert all(output[f"{view}_view_url"] != before[f"{view}_view_url"] for view in ("front", "back"))
    with pytest.raises(ValueError, match="edit_multiview"):
        emulator.variants.edit_multiview = "some"
