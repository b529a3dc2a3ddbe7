"""``geometry_quality`` (v3.x "Ultra") is an API option beyond SDK 0.3.0: sent only when set."""

from __future__ import annotations

import pytest

from tests.emulator import TEST_KEY, Emulator
from tripo_blender.client import TripoClient


def test_geometry_quality_is_sent_when_set_and_left_out_otherwise(emulator: Emulator) -> None:
    with TripoClient(api_key=TEST_KEY, base_url=emulator.base_url) as client:
        client.text_to_model("a vase", model_version="v3.0-20250812", geometry_quality="detailed")
        client.text_to_model("a vase")
    first, second = (r.json for r in emulator.requests_to("POST", "/task"))
    assert first["geometry_quality"] == "detailed"
    assert "geometry_quality" not in second


def test_geometry_quality_is_refused_before_sending_for_p1_and_bad_values(emulator: Emulator) -> None:
    with TripoClient(api_key=TEST_KEY, base_url=emulator.base_url) as client:
        with pytest.raises(ValueError, match="P1"):
            client.text_to_model("a vase", model_version="P1-20260311", geometry_quality="detailed")
        with pytest.raises(ValueError, match="geometry_quality"):
            client.text_to_model("a vase", geometry_quality="ultra")
    assert emulator.requests_to("POST", "/task") == []
