"""Background mode skips the import's undo push; the UI (and scripts that ask) keep it.

Why: in ``blender -b`` or bpy-as-a-module no one presses Ctrl+Z, and the push copies the scene's
changed data, a cost that grows with the scene (100 scripted imports took 1.7x the raw import).
The rest of the suite sets ``TRIPO_UNDO_IN_BACKGROUND=1`` (conftest) to test the UI behaviour.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import bpy
import pytest

from .runtime_support import addon_module
from .support import ASSETS


@pytest.fixture
def importer(addon: ModuleType) -> ModuleType:
    return addon_module("blender.importer")


def test_background_import_pushes_no_undo_step(
    importer: ModuleType, clean_scene: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert bpy.app.background
    monkeypatch.delenv(importer.UNDO_IN_BACKGROUND_ENV)
    bpy.ops.ed.undo_push(message="before")
    first = importer.import_result(ASSETS / "Wuson.stl", name="First", tags={}).root.name
    second = importer.import_result(ASSETS / "Wuson.stl", name="Second", tags={}).root.name
    bpy.ops.ed.undo_push(message="after")  # the script's own step
    bpy.ops.ed.undo()
    names = set(bpy.context.scene.objects.keys())
    assert first not in names and second not in names, "no step of their own: one undo takes both back"


def test_a_script_can_ask_for_the_steps(
    importer: ModuleType, clean_scene: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(importer.UNDO_IN_BACKGROUND_ENV, "1")
    bpy.ops.ed.undo_push(message="before")
    first = importer.import_result(ASSETS / "Wuson.stl", name="First", tags={}).root.name
    second = importer.import_result(ASSETS / "Wuson.stl", name="Second", tags={}).root.name
    bpy.ops.ed.undo()
    names = set(bpy.context.scene.objects.keys())
    assert first in names and second not in names
