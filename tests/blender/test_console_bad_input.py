"""Bad console input raises at the call, with nothing sent (the README's promise)."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

import pytest

from tests.emulator import Emulator

from .runtime_support import online, rt  # noqa: F401 - fixtures

RELIABILITY_AREA = "Bad input"


@pytest.fixture
def tripo(addon: ModuleType) -> ModuleType:
    return importlib.import_module("tripo_blender")


@pytest.mark.parametrize("prompt", [None, 42])
def test_text_to_model_with_a_prompt_that_is_no_string_raises_type_error(
        prompt: Any, tripo: ModuleType, rt: Any, online: Emulator, clean_scene: Any) -> None:
    with pytest.raises(TypeError, match="prompt must be a string"):
        tripo.text_to_model(prompt)
    assert tripo.jobs() == [] and online.requests == []
