"""The built zip in a real Blender with a window: Debian's Blender 4.3 under Xvfb (see conftest.py).

What only a real Blender shows: timers fire (the PyPI bpy module never runs them), so the add-on's
pump really imports results; the sidebar really draws; and Debian's Blender has no ``requests``,
so the add-on only works if the wheels bundled in the zip do. Needs root and Debian's package
registry (``python3 build.py test`` creates the Debian root once); skipped otherwise.
"""

from __future__ import annotations

import pytest

from tests.emulator import TEST_KEY, Emulator

from .conftest import SCREEN, Visit

# Fewer colours than this is a blank or nearly blank screen; Blender's UI alone has hundreds.
MIN_SCREEN_COLOURS = 64


def steps_of(visit: Visit) -> str:
    """The script's progress log, for assertion messages."""
    return "\n".join(f"  {seconds:6.2f} s  {name}" for seconds, name in visit.result.get("steps", []))


def test_blender_ran_the_whole_visit(visit: Visit) -> None:
    assert visit.result, f"no result file; Blender exited with {visit.returncode}:\n{visit.log[-3000:]}"
    assert visit.result["errors"] == [], "\n".join(visit.result["errors"]) + "\n" + steps_of(visit)
    assert visit.returncode == 0, visit.log[-3000:]


def test_zip_installs_and_enables_without_system_requests(visit: Visit) -> None:
    result = visit.result
    assert result.get("system_requests") is False, "Debian's Blender has requests: this proves nothing about the wheels"
    assert result.get("install") == ["FINISHED"], "\n".join(result.get("errors", []))
    assert result["addon_enabled"]
    assert "/extensions/user_default/tripo_blender/" in result["addon_file"]
    # Blender installs an extension's wheels into the shared extensions/.local site-packages.
    assert "/extensions/.local/" in result["requests_file"]
    assert result["online_access"] is True


def test_timers_fire(visit: Visit) -> None:
    """The driver itself is a bpy.app.timers callback; several ticks mean the event loop ran them."""
    assert visit.result.get("timer_ticks", 0) >= 3, steps_of(visit)


def test_sidebar_opens_on_the_tripo_tab(visit: Visit) -> None:
    assert visit.result.get("panels"), "the add-on registered no panel with bl_category 'Tripo'"
    assert visit.result["active_category"] == "Tripo"


def test_generate_is_imported_by_the_timer_driven_pump(visit: Visit, ui_emulator: Emulator) -> None:
    assert visit.result.get("has_generate"), "the installed add-on has no tripo.generate operator"
    assert "CANCELLED" not in visit.result["generate"], steps_of(visit)
    assert len(ui_emulator.requests_to("POST", "/task")) == 1
    created = list(ui_emulator.tasks)
    imported = visit.result.get("imported", {})
    assert imported, steps_of(visit) + "\n" + "\n".join(visit.result.get("jobs", []))
    assert set(imported.values()) == set(created)
    downloads = ui_emulator.cdn_requests
    assert downloads, "the model was imported without being downloaded from the CDN"
    assert not [r.path for r in downloads if "authorization" in r.headers]


def test_screenshot_shows_a_drawn_screen(visit: Visit) -> None:
    assert visit.screenshot.is_file(), steps_of(visit)
    stats = visit.screenshot_stats
    assert (stats["width"], stats["height"]) == SCREEN
    assert stats["colours"] >= MIN_SCREEN_COLOURS, f"looks blank: {stats}"


def test_blender_output_has_no_traceback_and_no_key(visit: Visit) -> None:
    assert "Traceback" not in visit.log, visit.log[-3000:]
    assert TEST_KEY not in visit.log
