"""Blender's extension policy: no warning for the add-on, read where Preferences reads it.

Preferences › Add-ons (and ``blender --command extension list``) show what
``addon_utils._extensions_warnings_get()`` returns: every module in :data:`sys.modules` outside
``bl_ext.*`` whose file lies inside an extension ("Policy violation with top level module: …")
and every ``sys.path`` entry inside one. Version 0.2's plain ``tripo_blender`` alias produced 49
such lines. The list is computed once and cached, so each check resets it first, as Blender does
when extensions change. Runs on every bpy version of the test run (the real window is
``tests/ui/test_policy.py``).
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path
from types import ModuleType

import addon_utils

from .support import DEV_MODULE
from .test_console import open_console


def policy_warnings() -> dict[str, list[str]]:
    """What Preferences would list now, by extension module."""
    addon_utils._is_first_reset()
    found: dict[str, list[str]] = addon_utils._extensions_warnings_get()
    return dict(found)


def _import_every_module(package: ModuleType) -> list[str]:
    """Import all of the add-on's modules (a console session can reach any of them)."""
    names = [info.name for info in pkgutil.walk_packages(package.__path__, package.__name__ + ".")]
    for name in names:
        importlib.import_module(name)
    return names


def test_no_policy_warning_once_every_module_is_loaded_and_the_console_used(addon: ModuleType) -> None:
    assert len(_import_every_module(addon)) > 30
    console = open_console("policy")
    console.push("price = tripo.estimate_cost('text_to_model', prompt='a fox')")  # the lazily imported API
    assert console.locals["price"] > 0
    assert policy_warnings().get(DEV_MODULE, []) == []
    inside = Path(addon.__file__).resolve().parent  # the clone's own folder may be called tripo_blender too
    assert not [p for p in sys.path if p and Path(p).resolve().is_relative_to(inside)], (
        "sys.path must not point into the add-on"
    )


def test_the_check_sees_a_top_level_module_when_there_is_one(addon: ModuleType) -> None:
    """The control: the very alias version 0.2 installed is reported, so an empty list means something."""
    sys.modules["tripo_blender_probe"] = sys.modules[f"{DEV_MODULE}.console"]
    try:
        assert policy_warnings().get(DEV_MODULE) == ["Policy violation with top level module: tripo_blender_probe"]
    finally:
        del sys.modules["tripo_blender_probe"]
    assert policy_warnings().get(DEV_MODULE, []) == []
