"""The add-on enables as a real extension, exposes its preferences, and survives re-registration."""

from __future__ import annotations

from types import ModuleType, SimpleNamespace
from typing import Any
from unittest.mock import MagicMock

import addon_utils
import bpy
import pytest

from .support import DEV_MODULE, addon_enabled, enable_addon


def test_reports_blender_version() -> None:
    """The run says which Blender it is (4.2 LTS or 5.0), so a summary can't hide a skipped version."""
    major, minor, _ = bpy.app.version
    print(f"running on Blender {bpy.app.version_string}")
    assert (major, minor) >= (4, 2)


def test_addon_is_enabled_as_extension(addon: ModuleType) -> None:
    assert addon.__name__ == DEV_MODULE
    assert addon_enabled(DEV_MODULE)
    loaded, enabled = addon_utils.check(DEV_MODULE)
    assert loaded and enabled


def test_preferences_registered_under_root_package(prefs: Any) -> None:
    """bl_idname must be the add-on's root module, not ``….blender`` where the class lives."""
    assert type(prefs).bl_idname == DEV_MODULE
    assert prefs.api_key == ""


def test_api_key_is_a_password_field(prefs: Any) -> None:
    prop = prefs.bl_rna.properties["api_key"]
    assert prop.type == "STRING"
    assert prop.subtype == "PASSWORD"


def test_api_key_round_trips(prefs: Any) -> None:
    prefs.api_key = "tsk_example"
    assert bpy.context.preferences.addons[DEV_MODULE].preferences.api_key == "tsk_example"


@pytest.mark.parametrize(
    ("pref", "env", "expected"),
    [
        ("", None, None),
        ("", "  tsk_env ", "tsk_env"),
        ("tsk_pref", "tsk_env", "tsk_pref"),
        ("   ", "tsk_env", "tsk_env"),
    ],
)
def test_preference_wins_over_environment(
    addon: ModuleType, monkeypatch: pytest.MonkeyPatch, pref: str, env: str | None, expected: str | None
) -> None:
    from importlib import import_module

    preferences = import_module(f"{DEV_MODULE}.rules.settings")
    if env is None:
        monkeypatch.delenv(preferences.ENV_API_KEY, raising=False)
    else:
        monkeypatch.setenv(preferences.ENV_API_KEY, env)
    assert preferences.setting(pref, preferences.ENV_API_KEY) == expected


def _draw(prefs: Any, **values: Any) -> Any:
    """Run the preferences' draw() with a recording layout; ``values`` stand in for the properties."""
    layout = MagicMock(spec=list(bpy.types.UILayout.bl_rna.functions.keys()))
    type(prefs).draw(SimpleNamespace(layout=layout, **values), bpy.context)
    return layout


def _labels(layout: Any) -> list[str]:
    """Everything the labels say, as one text (a sentence may be wrapped over several labels)."""
    texts = [c.kwargs.get("text", "") for c in layout.mock_calls if c[0] == "label" or c[0].endswith(".label")]
    return [" ".join(texts)]


def test_preferences_draw_without_key_mentions_environment_variable(
    prefs: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no key anywhere, the panel tells the user both ways to provide one."""
    monkeypatch.delenv("TRIPO_API_KEY", raising=False)
    layout = _draw(prefs, api_key="", show_advanced=False, api_base_url="")
    props = [call.args[1] for call in layout.prop.call_args_list]
    assert props[0] == "api_key" and "show_advanced" in props, props
    assert any("TRIPO_API_KEY" in text and "No key" in text for text in _labels(layout)), _labels(layout)
    drawn = [c.args[1] for c in layout.mock_calls if c[0].endswith("prop") and len(c.args) > 1]
    assert "api_base_url" not in drawn, "the advanced section is collapsed"


def test_preferences_draw_names_environment_key_source(prefs: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRIPO_API_KEY", "tsk_from_env")
    layout = _draw(prefs, api_key="", show_advanced=True, api_base_url="")
    assert any("environment variable" in text for text in _labels(layout)), _labels(layout)
    box = layout.box.return_value
    assert "api_base_url" in [call.args[1] for call in box.prop.call_args_list]
    assert not any("tsk_from_env" in text for text in _labels(layout)), "the key itself must never be shown"


def test_unregister_register_round_trip(addon: ModuleType, prefs: Any) -> None:
    """Disabling and re-enabling (what Blender does on reload) must not fail with "already registered"."""
    preferences_cls = type(prefs)
    addon.unregister()
    try:
        assert not preferences_cls.is_registered
    finally:
        addon.register()
    assert preferences_cls.is_registered
    assert bpy.context.preferences.addons[DEV_MODULE].preferences is not None


def test_disable_enable_through_blender(addon: ModuleType) -> None:
    addon_utils.disable(DEV_MODULE, default_set=True)
    assert not addon_enabled(DEV_MODULE)

    enable_addon(DEV_MODULE)
    assert addon_enabled(DEV_MODULE)
    assert bpy.context.preferences.addons[DEV_MODULE].preferences.bl_rna.properties["api_key"].subtype == "PASSWORD"
