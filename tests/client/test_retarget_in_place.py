"""``animate_in_place`` (retarget without root travel) is an API option beyond SDK 0.3.0:
keyword only, sent only when True, so requests without it stay as the SDK sends them."""

from __future__ import annotations

import pytest

from tests.emulator import TEST_KEY, Emulator
from tripo_blender.client import Animation, TripoClient


def _rig_task(client: TripoClient) -> str:
    model = client.text_to_model("a fox")
    client.wait_for_task(model, polling_interval=0.01)
    rig = client.rig_model(model)
    client.wait_for_task(rig, polling_interval=0.01)
    return rig


def test_animate_in_place_is_sent_when_true_and_left_out_otherwise(emulator: Emulator) -> None:
    with TripoClient(api_key=TEST_KEY, base_url=emulator.base_url) as client:
        rig = _rig_task(client)
        client.retarget_animation(rig, [Animation.WALK, Animation.RUN], animate_in_place=True)
        client.retarget_animation(rig, Animation.WALK)
    in_place, plain = (r.json for r in emulator.requests_to("POST", "/task") if r.json["type"] == "animate_retarget")
    assert in_place["animate_in_place"] is True
    assert in_place["animations"] == ["preset:walk", "preset:run"]
    assert "animate_in_place" not in plain
    assert all(r.status == 200 for r in emulator.requests_to("POST", "/task"))


def test_animate_in_place_is_keyword_only_and_checked_before_sending(emulator: Emulator) -> None:
    with TripoClient(api_key=TEST_KEY, base_url=emulator.base_url) as client:
        with pytest.raises(TypeError):
            client.retarget_animation("1ec04b2e-0000-4000-8000-000000000000", Animation.WALK, "glb", True, False,
                                      True)  # type: ignore[misc]
        with pytest.raises(ValueError, match="animate_in_place"):
            client.retarget_animation("1ec04b2e-0000-4000-8000-000000000000", Animation.WALK,
                                      animate_in_place="yes")  # type: ignore[arg-type]
    assert emulator.requests_to("POST", "/task") == []
