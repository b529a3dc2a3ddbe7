"""Drive a real Blender like a user would; run by tests/ui/test_real_blender.py.

This file runs INSIDE Debian's Blender (4.3, Python 3.13) in a chroot, started as
``blender --factory-startup --python drive_blender.py -- <config.json>``: no pytest and nothing
from the repository but this file and the built zip. It

1. installs the zip like "Install from Disk…" does and enables online access;
2. sets the add-on's API key and URL to the emulator's (the test runs it on the host);
3. from a ``bpy.app.timers`` callback (timers only fire in a real Blender with an event loop):
   opens the sidebar on the Tripo tab, runs ``tripo.generate`` when the add-on has it, waits for
   the add-on's own timer-driven pump to import the result, screenshots the screen;
4. writes what it saw to a JSON file and quits.

The test asserts on the JSON; this script only observes and never decides pass or fail, so a
failure here is recorded as an error in the JSON rather than raised into Blender's event loop.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import subprocess
import sys
import time
import traceback
from pathlib import Path
from typing import Any, Iterator

import bpy

ADDON = "bl_ext.user_default.tripo_blender"
CATEGORY = "Tripo"
TASK_ID_PROP = "tripo_task_id"
TICK = 0.1  # seconds between driver ticks

CONFIG: dict[str, Any] = json.loads(Path(sys.argv[sys.argv.index("--") + 1]).read_text())
STARTED = time.monotonic()
RESULT: dict[str, Any] = {
    "blender_version": bpy.app.version_string,
    "python_version": sys.version.split()[0],
    "timer_ticks": 0,
    "errors": [],
    "steps": [],
}
draws = {"ui": 0}  # UI-region redraws of the 3D view, counted by a draw handler


def step(name: str) -> None:
    """Record progress with a timestamp (shown by the test when something goes wrong)."""
    RESULT["steps"].append([round(time.monotonic() - STARTED, 2), name])
    print(f"drive_blender: {name}", flush=True)


def save() -> None:
    """Write the result atomically: the test reads it only after Blender exited, but be safe."""
    path = Path(CONFIG["result"])
    path.with_suffix(".part").write_text(json.dumps(RESULT, indent=2, default=str))
    path.with_suffix(".part").replace(path)


def view3d() -> tuple[Any, Any, Any]:
    """(window, VIEW_3D area, its sidebar region) of the main window."""
    window = bpy.context.window_manager.windows[0]
    area = next(a for a in window.screen.areas if a.type == 'VIEW_3D')
    region = next(r for r in area.regions if r.type == 'UI')
    return window, area, region


def install_addon() -> None:
    """What a user does: allow online access, Install from Disk…, enter the key and the URL."""
    RESULT["system_requests"] = importlib.util.find_spec("requests") is not None
    prefs = bpy.context.preferences
    prefs.system.use_online_access = True
    prefs.view.use_save_prompt = False  # quitting with the imported model must not ask to save
    RESULT["online_access"] = bpy.app.online_access
    installed = bpy.ops.extensions.package_install_files(
        filepath=CONFIG["zip"], repo="user_default", enable_on_install=True)
    RESULT["install"] = sorted(installed)
    RESULT["addon_enabled"] = ADDON in prefs.addons
    RESULT["addon_file"] = getattr(sys.modules.get(ADDON), "__file__", None)
    import requests  # only importable now, from the wheels the zip brought

    RESULT["requests_file"] = requests.__file__
    addon_prefs = prefs.addons[ADDON].preferences
    addon_prefs.api_key = CONFIG["api_key"]
    addon_prefs.api_base_url = CONFIG["api_base_url"]
    step("add-on installed and configured")


def tripo_panels() -> list[str]:
    """Registered panels on the sidebar's Tripo tab."""
    found, todo = [], list(bpy.types.Panel.__subclasses__())
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if getattr(cls, "bl_category", None) == CATEGORY and cls.is_registered:
            found.append(cls.bl_idname)
    return sorted(found)


def redrawn(times: int = 2) -> Iterator[float]:
    """Tick until the sidebar has been drawn ``times`` more times (the last frame is on screen)."""
    target = draws["ui"] + times
    deadline = time.monotonic() + 10
    while draws["ui"] < target and time.monotonic() < deadline:
        view3d()[2].tag_redraw()
        yield TICK
    RESULT["sidebar_draws"] = draws["ui"]


def close_splash() -> Iterator[float]:
    """A fresh profile opens with the splash (Quick Setup) over the view: Escape, as a user would.

    Needs ``--enable-event-simulate`` (which also makes Blender ignore the real, absent, input).
    """
    window = bpy.context.window_manager.windows[0]
    for value in ('PRESS', 'RELEASE'):
        window.event_simulate(type='ESC', value=value)
    yield TICK
    step("splash closed")


def open_sidebar() -> Iterator[float]:
    """Show the 3D view's sidebar and switch it to the Tripo tab (known only once it has drawn)."""
    _, area, region = view3d()
    area.spaces.active.show_region_ui = True
    yield from redrawn()
    step(f"sidebar shown ({draws['ui']} draws)")
    if RESULT["panels"]:
        region.active_panel_category = CATEGORY
        yield from redrawn()
    RESULT["active_category"] = region.active_panel_category
    step(f"sidebar open on {region.active_panel_category!r}")


def tagged_objects() -> dict[str, str]:
    """Object name -> task id, for every object an import tagged."""
    return {ob.name: ob[TASK_ID_PROP] for ob in bpy.data.objects if TASK_ID_PROP in ob}


def job_states() -> list[str]:
    """The add-on's job list, for the JSON when the import does not come (diagnostics only)."""
    try:
        runtime = sys.modules[ADDON + ".blender.runtime"].runtime
        return [repr(job) for job in runtime.runner().jobs()]
    except Exception as exc:  # noqa: BLE001 - whatever the add-on looks like today
        return [f"job list unavailable: {exc!r}"]


def generate() -> Iterator[float]:
    """Run the generate operator from the sidebar and wait for the pump to import the result."""
    window, area, region = view3d()
    with bpy.context.temp_override(window=window, area=area, region=region):
        returned = bpy.ops.tripo.generate(mode='TEXT', prompt=CONFIG["prompt"])
    RESULT["generate"] = sorted(returned)
    step(f"tripo.generate returned {RESULT['generate']}")
    deadline = time.monotonic() + CONFIG["import_timeout"]
    while not tagged_objects():
        if time.monotonic() > deadline:
            RESULT["jobs"] = job_states()
            raise TimeoutError(f"nothing imported within {CONFIG['import_timeout']} s")
        yield TICK
    RESULT["imported"] = tagged_objects()
    step(f"imported {RESULT['imported']}")
    yield from frame_imported()


def frame_imported() -> Iterator[float]:
    """Point the view at the imported model, so the screenshot shows it."""
    window, area, _ = view3d()
    for ob in bpy.context.view_layer.objects:
        ob.select_set(ob.name in RESULT["imported"])
    main = next(r for r in area.regions if r.type == 'WINDOW')
    with bpy.context.temp_override(window=window, area=area, region=main):
        bpy.ops.view3d.view_selected()
    yield 0.5  # the view moves smoothly
    yield from redrawn()


def screenshot() -> None:
    """ImageMagick grabs the X screen (Blender's own screenshot operator gives black on 4.3)."""
    subprocess.run(["import", "-window", "root", "-display", CONFIG["display"], CONFIG["screenshot"]],
                   check=True, timeout=60)
    step("screenshot taken")


def scenario() -> Iterator[float]:
    """The whole visit; each ``yield`` hands control back to Blender's event loop for that long."""
    RESULT["panels"] = tripo_panels()
    RESULT["has_generate"] = "generate" in dir(bpy.ops.tripo)
    yield from close_splash()
    yield from open_sidebar()
    if RESULT["has_generate"]:
        yield from generate()
    yield from redrawn()
    screenshot()


def quit_blender() -> None:
    """Save the result and quit (the operator needs a window in the context)."""
    RESULT["seconds"] = round(time.monotonic() - STARTED, 2)
    save()
    with bpy.context.temp_override(window=bpy.context.window_manager.windows[0]):
        bpy.ops.wm.quit_blender()


def driver(visit: Iterator[float]) -> Any:
    """The timer callback: advance the scenario by one step; any exception ends it, recorded."""
    def tick() -> float | None:
        RESULT["timer_ticks"] += 1
        try:
            return next(visit)
        except StopIteration:
            step("done")
        except Exception:  # noqa: BLE001 - reported in the JSON, the test fails on it
            RESULT["errors"].append(traceback.format_exc())
            step("failed")
        quit_blender()
        return None
    return tick


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    bpy.types.SpaceView3D.draw_handler_add(lambda: draws.update(ui=draws["ui"] + 1), (), 'UI', 'POST_PIXEL')
    try:
        install_addon()
    except Exception:  # noqa: BLE001
        RESULT["errors"].append(traceback.format_exc())
        save()
        raise  # --python-exit-code makes Blender exit non-zero
    bpy.app.timers.register(driver(scenario()), first_interval=0.5)


main()
