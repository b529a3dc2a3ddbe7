"""Open the Rig dialog in a real Blender window while the free check runs; run by tests/ui/test_rig_dialog_window.py.

Runs INSIDE Debian's Blender (``blender --factory-startup --enable-event-simulate --python
rig_dialog_probe.py -- <config.json>``). It installs the zip, points the add-on at the emulator
(which takes a few seconds per task), generates a model from the console, selects it and opens
the Rig dialog the way the menu does (``INVOKE_DEFAULT`` over the 3D view). Then it touches
nothing: no event, no mouse, only timer ticks. It records every time the dialog drew its Rig
button and what it knew then (check running, answer), and screenshots the dialog while waiting and
after the answer. If the dialog updates in place, a draw after the answer shows it; if not, the
only draws are the first ones. Observes only; the test decides.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import bpy

ADDON = "bl_ext.user_default.tripo_blender"
TICK = 0.1
CONFIG: dict[str, Any] = json.loads(Path(sys.argv[sys.argv.index("--") + 1]).read_text())
STARTED = time.monotonic()
RESULT: dict[str, Any] = {"blender_version": bpy.app.version_string, "errors": [], "draws": [], "steps": []}


def step(name: str) -> None:
    RESULT["steps"].append([round(time.monotonic() - STARTED, 2), name])
    print(f"rig_dialog_probe: {name}", flush=True)


def screenshot(key: str) -> None:
    subprocess.run(["import", "-window", "root", "-display", CONFIG["display"], CONFIG[key]], check=True, timeout=60)
    step(f"{key} taken")


def record_draws() -> None:
    """Wrap the dialog's button helper (looked up by name at each draw) to see each draw."""
    post_ops = sys.modules[ADDON + ".blender.post_ops"]
    original = post_ops.draw_rig_button

    def recording(layout: Any, **state: Any) -> None:
        RESULT["draws"].append(
            {
                "t": round(time.monotonic() - STARTED, 2),
                "riggable": state["riggable"],
                "pending": state["pending"],
                "region_popup": bool(bpy.context.region_popup),
            }
        )
        original(layout, **state)

    post_ops.draw_rig_button = recording


def scenario() -> Iterator[float]:
    window = bpy.context.window_manager.windows[0]
    for value in ("PRESS", "RELEASE"):  # the splash
        window.event_simulate(type="ESC", value=value)
    yield 0.5
    from bl_ext.user_default import tripo_blender as tripo

    job = tripo.text_to_model("a knight")
    while job.state.is_active:
        yield TICK
    step(f"model {job.state.value}: {[ob.name for ob in job.objects]}")
    root = next(ob for ob in job.objects if ob.parent is None)
    for ob in bpy.context.view_layer.objects:
        ob.select_set(ob == root)
    bpy.context.view_layer.objects.active = root
    area = next(a for a in window.screen.areas if a.type == "VIEW_3D")
    region = next(r for r in area.regions if r.type == "WINDOW")
    mouse = (area.x + area.width // 2, area.y + area.height // 2)
    window.event_simulate(type="MOUSEMOVE", value="NOTHING", x=mouse[0], y=mouse[1])
    # where the dialog opens (x, y from the screen's top, width, height): what the OCR check reads
    top = window.y + window.height - mouse[1]
    RESULT["ocr_box"] = [max(0, mouse[0] - 400), max(0, top - 450), 800, 900]
    yield TICK
    with bpy.context.temp_override(window=window, area=area, region=region):
        RESULT["invoke"] = sorted(bpy.ops.tripo.rig("INVOKE_DEFAULT"))
    step(f"rig dialog invoked: {RESULT['invoke']}")
    yield 1.0
    screenshot("waiting_screenshot")
    deadline = time.monotonic() + CONFIG["answer_timeout"]
    dialog = sys.modules[ADDON + ".blender.rig_dialog"]
    while time.monotonic() < deadline and not any(d["riggable"] is True for d in RESULT["draws"]):
        RESULT["watched_max"] = max(RESULT.get("watched_max", 0), dialog.watched())
        yield TICK
    step(f"{len(RESULT['draws'])} draws")
    yield 0.5
    screenshot("answered_screenshot")
    RESULT["watched_after"] = dialog.watched()
    check = [j for j in tripo.jobs() if j.kind == "check_riggable"]
    RESULT["check"] = check[0].state.value if check else None
    RESULT["rig_jobs"] = len([j for j in tripo.jobs() if j.kind == "rig_model"])
    for value in ("PRESS", "RELEASE"):  # close the dialog: Cancel
        window.event_simulate(type="ESC", value=value)
    yield 0.5


def main() -> None:
    prefs = bpy.context.preferences
    prefs.system.use_online_access = True
    prefs.view.use_save_prompt = False
    bpy.ops.extensions.package_install_files(filepath=CONFIG["zip"], repo="user_default", enable_on_install=True)
    addon_prefs = prefs.addons[ADDON].preferences
    addon_prefs.api_key = CONFIG["api_key"]
    addon_prefs.api_base_url = CONFIG["api_base_url"]
    record_draws()
    visit = scenario()

    def tick() -> float | None:
        try:
            return next(visit)
        except StopIteration:
            step("done")
        except Exception:  # noqa: BLE001 - recorded, the test fails on it
            RESULT["errors"].append(traceback.format_exc())
        Path(CONFIG["result"]).write_text(json.dumps(RESULT, indent=2, default=str))
        with bpy.context.temp_override(window=bpy.context.window_manager.windows[0]):
            bpy.ops.wm.quit_blender()
        return None

    bpy.app.timers.register(tick, first_interval=0.5)


main()
