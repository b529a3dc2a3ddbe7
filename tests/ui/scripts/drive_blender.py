"""Drive a real Blender like a user would; run by tests/ui/test_real_blender.py.

This file runs INSIDE Debian's Blender (trixie's 4.3 or sid's 5.2) in a chroot, started as
``blender --factory-startup --python drive_blender.py -- <config.json>``: no pytest and nothing
from the repository but this file and the built zip. It

1. installs the zip like "Install from Disk…" does and enables online access;
2. sets the add-on's API key and URL to the emulator's (the test runs it on the host);
3. from a ``bpy.app.timers`` callback (timers only fire in a real Blender with an event loop):
   opens the sidebar on the Tripo tab, runs ``tripo.generate`` when the add-on has it, waits for
   the add-on's own timer-driven pump to import the result, screenshots the screen;
4. right-clicks the imported model in the 3D view (simulated mouse and keys), opens the context
   menu's Tripo submenu with the keyboard, records what the submenu drew (each item's operator
   and whether it was enabled, in the menu's own context) and screenshots it; then closes it
   with Escape and asks each greyed-out operator why (the poll message a script would get);
5. checks riggability, rigs and retargets the model through the menu's operators and waits for
   the timer-driven pump to land each result, then records the armature, its actions and
   whether each action moves a bone; a screenshot shows the animated character;
6. textures the generated model through the menu's operator and crops the Outliner once the
   textured result has landed (what each result is called, as the artist reads it);
7. adds a plain Blender mesh (no Tripo tag), right-clicks it and textures it: the add-on exports
   and uploads it and the timers land the result in its place (screenshots of both); then makes a
   concept image with Image First and crops the sidebar showing it; makes four views in Multiview
   mode, crops the sidebar showing them with "Edit Views…", and edits the front view through it;
   adds the Tripo asset library (the Preferences button's operator) and shows it in an Asset
   Browser (the 3D view's area, for a moment), screenshotted once the previews are drawn;
8. points the add-on at a second emulator and starts jobs from the console until the Jobs panel
   holds 30 (some fail: the emulator is told to), then crops the sidebar, scrolled to the panel;
9. writes what it saw to a JSON file and quits.

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
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import bpy

ADDON = "bl_ext.user_default.tripo_blender"
CATEGORY = "Tripo"
TASK_ID_PROP = "tripo_task_id"
TICK = 0.1  # seconds between driver ticks
MENU_TIMEOUT = 10.0  # seconds a menu may take to appear after the simulated click or key
RETARGET_PRESETS = ("preset:walk", "preset:run")
OUTLINER_GROWTH = (200, 400)  # pixels the Outliner is made wider and taller by for its screenshot

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
menus: dict[str, Any] = {"object_context": 0, "tripo": 0, "tripo_items": None}  # filled while menus draw


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
    area = next(a for a in window.screen.areas if a.type == "VIEW_3D")
    region = next(r for r in area.regions if r.type == "UI")
    return window, area, region


def install_addon() -> None:
    """What a user does: allow online access, Install from Disk…, enter the key and the URL."""
    RESULT["system_requests"] = importlib.util.find_spec("requests") is not None
    prefs = bpy.context.preferences
    prefs.system.use_online_access = True
    prefs.view.use_save_prompt = False  # quitting with the imported model must not ask to save
    RESULT["online_access"] = bpy.app.online_access
    installed = bpy.ops.extensions.package_install_files(
        filepath=CONFIG["zip"], repo="user_default", enable_on_install=True
    )
    RESULT["install"] = sorted(installed)
    RESULT["addon_enabled"] = ADDON in prefs.addons
    RESULT["addon_file"] = getattr(sys.modules.get(ADDON), "__file__", None)
    import requests  # on Debian trixie only importable now, from the wheels the zip brought

    RESULT["requests_file"] = requests.__file__
    extensions = Path(bpy.utils.user_resource("EXTENSIONS"))
    RESULT["bundled_requests"] = sorted(
        str(p) for p in extensions.glob(".local/lib/python*/site-packages/requests/__init__.py")
    )
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


def main_region() -> Any:
    """The 3D view's main (WINDOW) region, where the model is drawn and right-clicked."""
    _, area, _ = view3d()
    return next(r for r in area.regions if r.type == "WINDOW")


def in_view3d() -> Any:
    """A context override for operators a user would run with the mouse over the 3D view."""
    window, area, _ = view3d()
    return bpy.context.temp_override(window=window, area=area, region=main_region())


def select_only(ob: Any) -> None:
    """Make ``ob`` the only selected object and the active one (what a click on it does)."""
    for other in bpy.context.view_layer.objects:
        other.select_set(other == ob)
    bpy.context.view_layer.objects.active = ob


def press(key: str, **where: int) -> None:
    """One simulated key or mouse button press and release (``--enable-event-simulate``)."""
    window = bpy.context.window_manager.windows[0]
    for value in ("PRESS", "RELEASE"):
        window.event_simulate(type=key, value=value, **where)


def wait_for(what: str, done: Any, timeout: float) -> Iterator[float]:
    """Tick until ``done()`` is true; TimeoutError naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            RESULT["jobs"] = job_states()
            raise TimeoutError(f"{what}: not within {timeout} s")
        yield TICK


def close_splash() -> Iterator[float]:
    """A fresh profile opens with the splash (Quick Setup) over the view: Escape, as a user would.

    Needs ``--enable-event-simulate`` (which also makes Blender ignore the real, absent, input).
    """
    press("ESC")
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
        returned = bpy.ops.tripo.generate(mode="TEXT", prompt=CONFIG["prompt"])
    RESULT["generate"] = sorted(returned)
    step(f"tripo.generate returned {RESULT['generate']}")
    yield from wait_for("the generated model's import", tagged_objects, CONFIG["import_timeout"])
    RESULT["imported"] = tagged_objects()
    step(f"imported {RESULT['imported']}")
    yield from frame_imported()


def frame_imported() -> Iterator[float]:
    """Point the view at the imported model, so the screenshot shows it."""
    for ob in bpy.context.view_layer.objects:
        ob.select_set(ob.name in RESULT["imported"])
    yield from frame_selected()


def frame_selected() -> Iterator[float]:
    """View Selected in the 3D view, and wait until the moved view is on screen."""
    with in_view3d():
        bpy.ops.view3d.view_selected()
    yield 0.5  # the view moves smoothly
    yield from redrawn()


def screenshot(key: str = "screenshot", boxes: list[list[int]] | None = None) -> None:
    """ImageMagick grabs the X screen (Blender's own screenshot operator gives black on 4.3).

    ``boxes`` (x, y from the top, width, height): where the add-on's own text is on it, for the
    OCR check (default: the sidebar); the rest of the screen is Blender's."""
    subprocess.run(["import", "-window", "root", "-display", CONFIG["display"], CONFIG[key]], check=True, timeout=60)
    RESULT.setdefault("ocr_boxes", {})[key] = boxes if boxes is not None else [list(region_box("VIEW_3D", "UI"))]
    step(f"{key} taken")


def around(x: int, y: int, width: int = 900, height: int = 700) -> list[int]:
    """A box of the screen (x, y from the top) around Blender's window point ``x, y`` (from the
    bottom left), where a menu or dialog opened at the mouse is; clipped to the screen."""
    window = bpy.context.window_manager.windows[0]
    top = window.y + window.height - y
    left, upper = max(0, x - width // 2), max(0, top - height // 2)
    return [left, upper, min(width, window.width - left), min(height, window.height - upper)]


def column(x: int, width: int = 900) -> list[int]:
    """A box of the screen ``width`` wide around Blender's window point ``x``, the window's full
    height: where a menu opened at the mouse and its submenus are, however far down they reach
    (a long menu's last item opens its submenu near the window's bottom, and Blender moves a menu
    up when it would not fit), so none of their items falls outside the box that is read."""
    window = bpy.context.window_manager.windows[0]
    left = max(0, x - width // 2)
    return [left, 0, min(width, window.width - left), window.height]


def region_box(area_type: str, region_type: str = "WINDOW") -> tuple[int, int, int, int]:
    """(x, y from the top, width, height) of a region on the X screen: where to crop a screenshot.

    Blender counts region positions from the window's bottom left; X from the screen's top left.
    """
    window = bpy.context.window_manager.windows[0]
    area = next(a for a in window.screen.areas if a.type == area_type)
    region = next(r for r in area.regions if r.type == region_type)
    return region.x, window.y + window.height - region.y - region.height, region.width, region.height


def cropped_screenshot(key: str, area_type: str, region_type: str = "WINDOW") -> None:
    """A screenshot of one region only (the sidebar, the Outliner), for a person to read."""
    x, y, width, height = region_box(area_type, region_type)
    subprocess.run(
        [
            "import",
            "-window",
            "root",
            "-display",
            CONFIG["display"],
            "-crop",
            f"{width}x{height}+{x}+{y}",
            "+repage",
            CONFIG[key],
        ],
        check=True,
        timeout=60,
    )
    RESULT.setdefault("crops", {})[key] = [x, y, width, height]
    step(f"{key} taken ({width}x{height} at {x},{y})")


def tripo_menu_items() -> list[tuple[str, str]]:
    """(operator idname, text) of the Tripo submenu's items, in the add-on's own order."""
    post_ops = sys.modules[ADDON + ".blender.post_ops"]
    return [(item[0].bl_idname, item[1]) for item in post_ops.MENU_OPERATORS if item is not None]


def operator(idname: str) -> Any:
    """``bpy.ops.<idname>`` from ``"tripo.rig"``."""
    module, name = idname.split(".")
    return getattr(getattr(bpy.ops, module), name)


def count_object_context_menu(menu: Any, context: Any) -> None:
    """Appended to the object context menu: counts its draws (it drew, so it was open)."""
    menus["object_context"] += 1


def record_tripo_menu(menu: Any, context: Any) -> None:
    """Appended to the Tripo submenu: runs each time it draws, in the context its items are greyed
    out in, and records each item's operator poll there (False = drawn greyed out)."""
    menus["tripo"] += 1
    selected = getattr(context, "active_object", None)
    menus["tripo_items"] = {
        "object": selected.name if selected is not None else None,
        "items": [
            {"operator": idname, "text": text, "enabled": bool(operator(idname).poll())}
            for idname, text in tripo_menu_items()
        ],
    }


def imported_root() -> Any:
    """The root of the generated model: the tagged object whose parent carries no tag."""
    tagged = [bpy.data.objects[name] for name in RESULT["imported"]]
    return next(ob for ob in tagged if ob.parent is None or TASK_ID_PROP not in ob.parent)


def poll_reason(idname: str) -> str | None:
    """Why an operator cannot run, as a script calling it is told (None if it could run).

    Only called for items the menu drew greyed out, so a poll that passes now sends nothing:
    the operator is not called then.
    """
    op = operator(idname)
    with in_view3d():
        if op.poll():
            return None
        try:
            op("EXEC_DEFAULT")
        except RuntimeError as exc:
            return str(exc)
    return "called without error although its poll failed"


def context_menu(root: Any = None, key: str = "context_menu") -> Iterator[float]:
    """Right-click the selected model in the 3D view, open the Tripo submenu with the keyboard,
    screenshot it, close it with Escape. A real click and real keys: Blender's keymap opens the
    menu, its menu code opens the submenu, exactly as for a user. ``root``: the generated model
    unless given; ``key``: where the result and the screenshot go."""
    root = imported_root() if root is None else root
    select_only(root)
    menus.update(object_context=0, tripo=0, tripo_items=None)
    region = main_region()
    # The menus are read by OCR, and the bones and outlines the view draws beside them were read
    # as words ("Rig…" came out "2 Bio… bv Te"): overlays off while the menu is shown.
    overlay = view3d()[1].spaces.active.overlay
    shown, overlay.show_overlays = overlay.show_overlays, False
    # Near the top of the view: the menu opens downward from the mouse and the Tripo submenu, its
    # last item, from its bottom; clicked lower, the submenu reaches into the timeline.
    where = {"x": region.x + region.width // 3, "y": region.y + region.height * 5 // 6}
    bpy.context.window_manager.windows[0].event_simulate(type="MOUSEMOVE", value="NOTHING", **where)
    yield TICK
    press("RIGHTMOUSE", **where)
    yield from wait_for("the object context menu", lambda: menus["object_context"] > 0, MENU_TIMEOUT)
    step(f"object context menu open ({menus['object_context']} draws)")
    press("UP_ARROW")  # in a freshly opened menu: highlights the last item, Tripo's submenu
    yield TICK
    press("RET")  # opens the highlighted submenu
    yield from wait_for("the Tripo submenu", lambda: menus["tripo"] > 0, MENU_TIMEOUT)
    yield TICK  # the drawn frame reaches the screen
    yield TICK
    screenshot(f"{key}_screenshot", [column(where["x"])])
    press("ESC")  # closes the submenu
    yield TICK
    press("ESC")  # closes the context menu
    overlay.show_overlays = shown
    yield from redrawn()
    found = menus["tripo_items"]
    for item in found["items"]:
        item["reason"] = None if item["enabled"] else poll_reason(item["operator"])
    RESULT[key] = {
        "selected": root.name,
        "object_context_draws": menus["object_context"],
        "tripo_draws": menus["tripo"],
        **found,
    }
    step("context menu recorded and closed")


def jobs_of(kind: str) -> list[Any]:
    """The add-on's jobs of one kind (newest first), through the public console API."""
    from bl_ext.user_default import tripo_blender as tripo  # the README's import for scripts

    return [job for job in tripo.jobs() if job.kind == kind]


def settled(kind: str) -> bool:
    """Whether the newest job of ``kind`` ended; raises when it ended in failure (nothing to wait for)."""
    found = jobs_of(kind)
    if not found or found[0].state.is_active:
        return False
    if not found[0].done:
        raise RuntimeError(f"{kind} job ended {found[0].describe()}")
    return True


def run_operator(idname: str, **properties: Any) -> list[str]:
    """Run one of the menu's operators as a script does (EXEC: no dialog), over the 3D view."""
    with in_view3d():
        returned = sorted(operator(idname)("EXEC_DEFAULT", **properties))
    step(f"{idname} returned {returned}")
    return returned


def armatures() -> list[Any]:
    """Armature objects in the scene (deleted ones may linger in bpy.data without users)."""
    return [ob for ob in bpy.context.scene.objects if ob.type == "ARMATURE"]


def all_fcurves(action: Any) -> list[Any]:
    """Every F-curve of ``action``: ``Action.fcurves`` up to 4.x, removed in 5.0, where they live
    in layers → strips → channelbags (4.4+). Written out here, not taken from the add-on's
    ``actions.py``, so the visit checks the add-on's result with code of its own."""
    if hasattr(action, "fcurves"):  # 4.x (on 4.4+ a proxy for the first slot, which is all we key)
        return list(action.fcurves)
    return [
        fcurve
        for layer in action.layers
        for strip in layer.strips
        for bag in strip.channelbags
        for fcurve in bag.fcurves
    ]


def keyed_bones(action: Any) -> list[str]:
    """Bones an action has keys for, in F-curve order."""
    found: list[str] = []
    for fcurve in all_fcurves(action):
        if fcurve.data_path.startswith('pose.bones["'):
            name = fcurve.data_path.split('"')[1]
            if name not in found:
                found.append(name)
    return found


def pose_motion(armature: Any, action: Any) -> dict[str, Any]:
    """Play ``action`` on ``armature`` (as the active action, like picking it in the Action editor)
    and measure how far its bones' pose moves between its first frame and a third of the way in."""
    anim = armature.animation_data
    scene = bpy.context.scene
    start, end = action.frame_range
    frames = (int(start), int(start + (end - start) / 3))
    anim.action = action
    poses = []
    for frame in frames:
        scene.frame_set(frame)
        poses.append({b.name: [v for row in b.matrix for v in row] for b in armature.pose.bones})
    moved = {name: max(abs(a - b) for a, b in zip(poses[0][name], poses[1][name])) for name in poses[0]}
    bone = max(moved, key=lambda name: moved[name])
    return {
        "frames": frames,
        "frame_range": [start, end],
        "keyed_bones": len(keyed_bones(action)),
        "most_moved_bone": bone,
        "moved": moved[bone],
    }


def rig_and_retarget() -> Iterator[float]:
    """The menu's Rig and Retarget on the generated model, each landed by the timer-driven pump.

    The riggability check (free) runs first, like the Rig dialog does; the rig is then sent
    without "rig anyway", so it only goes through because the check's answer says it can.
    """
    timeout = CONFIG["import_timeout"]
    select_only(imported_root())
    RESULT["check_riggable"] = run_operator("tripo.check_riggable")
    yield from wait_for("the riggability check", lambda: settled("check_riggable"), timeout)
    RESULT["rig_check"] = jobs_of("check_riggable")[0].result
    RESULT["rig"] = run_operator("tripo.rig")
    yield from wait_for("the rig's armature", lambda: settled("rig_model") and armatures(), timeout)
    armature = armatures()[0]
    RESULT["rigged"] = {
        "armature": armature.name,
        "task_id": armature.get(TASK_ID_PROP),
        "meshes": sorted(ob.name for ob in armature.children if ob.type == "MESH"),
        "hidden_source": [ob.name for ob in bpy.data.objects if ob.name in RESULT["imported"] and not ob.visible_get()],
    }
    step(f"rig landed: {RESULT['rigged']}")
    select_only(armature)
    RESULT["retarget"] = run_operator("tripo.retarget", presets=set(RETARGET_PRESETS))
    yield from wait_for("the retarget", lambda: settled("retarget_animation"), timeout)
    anim = armature.animation_data
    landed = {
        "armatures": [ob.name for ob in armatures()],
        "active_action": anim.action.name if anim and anim.action else None,
        "track_actions": [strip.action.name for track in anim.nla_tracks for strip in track.strips if strip.action]
        if anim
        else [],
    }
    active = anim.action if anim else None
    landed["motion"] = {name: pose_motion(armature, bpy.data.actions[name]) for name in landed["track_actions"]}
    anim.action = active
    RESULT["animated"] = landed
    step(f"retarget landed: {landed['track_actions']} on {landed['armatures']}")
    yield from show_animated(armature, landed)


def show_animated(armature: Any, landed: dict[str, Any]) -> Iterator[float]:
    """Frame the animated character mid-stride and screenshot it (for people to look at)."""
    # actions are named "<character> – walk"
    walk = next((motion for name, motion in landed["motion"].items() if name.endswith("walk")), None)
    if walk:
        bpy.context.scene.frame_set(walk["frames"][1])
    select_only(armature)
    for child in armature.children:
        child.select_set(True)  # frame the whole character, not just its bones
    yield from frame_selected()
    screenshot("animated_screenshot")


def texture() -> Iterator[float]:
    """Texture the generated model (shown again: the rig had taken its place) from the menu's
    operator, and crop the Outliner once the result has landed."""
    timeout = CONFIG["import_timeout"]
    root = imported_root()
    root.hide_set(False)
    select_only(root)
    RESULT["texture"] = run_operator("tripo.texture")
    yield from wait_for("the textured model", lambda: settled("texture_model"), timeout)
    job = jobs_of("texture_model")[0]
    landed = [ob for ob in job.objects if ob.parent is None or ob.parent not in job.objects]
    RESULT["textured"] = {
        "task_id": job.task_id,
        "roots": [ob.name for ob in landed],
        "source_hidden": not root.visible_get(),
    }
    step(f"texture landed: {RESULT['textured']}")
    select_only(landed[0])
    window = bpy.context.window_manager.windows[0]
    outliner = next(a for a in window.screen.areas if a.type == "OUTLINER")
    # The default layout's Outliner is a narrow strip above the Properties editor: drag its left
    # and bottom edges (as a user would), so the results and their names fit.
    with bpy.context.temp_override(window=window, screen=window.screen, area=outliner):
        bpy.ops.screen.area_move(x=outliner.x + outliner.width // 2, y=outliner.y, delta=-OUTLINER_GROWTH[1])
        bpy.ops.screen.area_move(x=outliner.x, y=outliner.y + outliner.height // 2, delta=-OUTLINER_GROWTH[0])
    region = next(r for r in outliner.regions if r.type == "WINDOW")
    with bpy.context.temp_override(window=window, area=outliner, region=region):
        bpy.ops.outliner.show_hierarchy()  # each object's hierarchy open, nothing else (no data-blocks)
        bpy.ops.outliner.show_active()
    yield from redrawn()
    cropped_screenshot("outliner_screenshot", "OUTLINER")


def plain_mesh_texture() -> Iterator[float]:
    """Add a plain Blender mesh (a monkey with a Subdivision modifier, no Tripo tag), right-click
    it, and texture it from the menu's operator: the add-on exports and uploads it, and the real
    timers land the result in its place."""
    before = len(jobs_of("texture_model"))
    with in_view3d():
        bpy.ops.mesh.primitive_monkey_add(location=(3.0, 0.0, 0.0))
    monkey = bpy.context.view_layer.objects.active
    monkey.name = "Suzanne"
    monkey.modifiers.new("Subdivision", "SUBSURF").levels = 1
    yield from context_menu(monkey, "plain_context_menu")
    select_only(monkey)
    RESULT["plain_texture"] = run_operator("tripo.texture")
    yield from wait_for(
        "the textured monkey",
        lambda: len(jobs_of("texture_model")) > before and settled("texture_model"),
        CONFIG["import_timeout"],
    )
    job = jobs_of("texture_model")[0]
    landed = [ob for ob in job.objects if ob.parent is None or ob.parent not in job.objects]
    RESULT["plain_textured"] = {
        "task_id": job.task_id,
        "source": monkey.name,
        "roots": [ob.name for ob in landed],
        "source_hidden": not monkey.visible_get(),
        "same_place": [round(v, 3) for v in landed[0].matrix_world.translation]
        == [round(v, 3) for v in monkey.matrix_world.translation],
    }
    step(f"plain mesh textured: {RESULT['plain_textured']}")
    select_only(landed[0])
    yield from frame_selected()
    screenshot("plain_mesh_screenshot")


def scroll_sidebar(wheel: str) -> Iterator[float]:
    """Move the mouse over the sidebar and turn its wheel (``WHEELUPMOUSE``/``WHEELDOWNMOUSE``)
    far enough to reach the top or the bottom, as a user scrolls it."""
    _, _, sidebar = view3d()
    where = {"x": sidebar.x + sidebar.width // 2, "y": sidebar.y + sidebar.height // 2}
    window = bpy.context.window_manager.windows[0]
    window.event_simulate(type="MOUSEMOVE", value="NOTHING", **where)
    yield TICK
    for _ in range(40):
        window.event_simulate(type=wheel, value="PRESS", **where)
    yield from redrawn()


def concept_image() -> Iterator[float]:
    """Image First in the sidebar: make the concept image from the prompt and crop the sidebar,
    scrolled back to the top, once the image is shown in the panel."""
    form = getattr(bpy.context.scene, "tripo_generate")
    form.mode, form.prompt, form.image_first = "TEXT", CONFIG["prompt"], True
    RESULT["concept"] = run_operator("tripo.image_first")
    yield from wait_for("the concept image", lambda: settled("text_to_image"), CONFIG["import_timeout"])
    job = jobs_of("text_to_image")[0]
    images = [image.name for image in bpy.data.images if image.get("tripo_job_id") == job.id]
    RESULT["concept_image"] = {"task_id": job.task_id, "images": images}
    step(f"concept image landed: {RESULT['concept_image']}")
    yield from scroll_sidebar("WHEELUPMOUSE")  # back to the top of the sidebar, where the form is
    cropped_screenshot("concept_screenshot", "VIEW_3D", "UI")


def views_edit() -> Iterator[float]:
    """Multiview mode, Views From One Image: the four views in the sidebar with "Edit Views…" under
    them (views_edit.png, OCR-checked), then the front view edited through that operator and
    landed in place (the same image, new pixels)."""
    form = getattr(bpy.context.scene, "tripo_generate")
    sketch = bpy.data.images.new("sketch", 64, 64)  # a generated image: the add-on writes it to a file to send
    form.mode, form.views_from_image, form.image = "MULTIVIEW", True, sketch
    RESULT["views_edit"] = {"views": run_operator("tripo.image_first")}
    yield from wait_for("the four views", lambda: settled("image_to_multiview"), CONFIG["import_timeout"])
    views = jobs_of("image_to_multiview")[0]
    front = next(image for image in views.images if image.get("tripo_view") == "front")
    before = [round(v, 3) for v in front.pixels[:4]]
    yield from scroll_sidebar("WHEELUPMOUSE")
    for _ in range(4):  # the views' previews are drawn, the panels below slide to their place
        yield 0.3
        yield from redrawn()
    cropped_screenshot("views_screenshot", "VIEW_3D", "UI")
    count = len(bpy.data.images)
    RESULT["views_edit"].update(
        intended="Edit Views…", views_task=views.task_id, edit=run_operator("tripo.edit_views", front="a red scarf")
    )
    yield from wait_for("the edited views", lambda: settled("edit_multiview"), CONFIG["import_timeout"])
    edit = jobs_of("edit_multiview")[0]
    RESULT["views_edit"].update(
        task_id=edit.task_id,
        note=edit.snapshot.note,
        edited=[image.get("tripo_view") for image in edit.images],
        in_place=any(image == front for image in edit.images),
        new_images=len(bpy.data.images) - count,
        changed=[round(v, 3) for v in front.pixels[:4]] != before,
        front_task=front.get("tripo_task_id"),
    )
    step(f"views edited: {RESULT['views_edit']}")
    form.mode, form.views_from_image, form.image = "TEXT", False, None


def area_box(area: Any) -> list[int]:
    """(x, y from the top, width, height) of a whole area (header and side regions included)."""
    window = bpy.context.window_manager.windows[0]
    return [area.x, window.y + window.height - area.y - area.height, area.width, area.height]


def kept_previews(folder: Path) -> dict[str, str]:
    """Each kept result's name -> the preview the add-on gave it ("server", "generated" or ""),
    as its index says (one JSON line per asset)."""
    index = folder / "tripo_assets.jsonl"
    lines = index.read_text().splitlines() if index.is_file() else []
    return {record["name"]: record.get("preview", "") for record in map(json.loads, lines)}


def picture_share(path: str, box: list[int]) -> float:
    """The share of ``box`` (x, y from the top, width, height) of the PNG at ``path`` showing the
    emulator's picture (the test's ``PICTURE_PIXEL`` rule: clearly bluer than red and green)."""
    import numpy

    image = bpy.data.images.load(path, check_existing=False)
    try:
        width, height = image.size
        pixels = numpy.empty(width * height * 4, dtype=numpy.float32)
        image.pixels.foreach_get(pixels)
    finally:
        bpy.data.images.remove(image)
    rows = pixels.reshape(height, width, 4)[::-1]  # Blender's rows go bottom up
    x, y, w, h = box
    part = rows[y : y + h, x : x + w]
    red, green, blue = part[..., 0], part[..., 1], part[..., 2]
    return float(((blue - red > 0.15) & (blue - green > 0.08)).mean())


def asset_browser() -> Iterator[float]:
    """What an artist does to see the kept results: Preferences' **Add the Tripo Library to
    Blender's Asset Libraries** (its operator), then the big 3D view switched to an Asset Browser
    on the "Tripo" library, its thumbnails large enough for the names. Blender reads the previews
    out of the assets' .blend files in a background job, so the area is screenshotted until the
    results kept with the server's picture show it (or the config's ``preview_timeout`` passed): that is
    asset_browser.png. Records where its file region is (where the previews are drawn) and turns
    the area back into the 3D view."""
    RESULT["asset_library_add"] = run_operator("tripo.asset_library_add")
    library = sys.modules[ADDON + ".blender.asset_library"]
    entry = library.registered_entry()
    folder = library.library_folder()
    previews = kept_previews(folder)
    RESULT["asset_library"] = {
        "entry": entry.name if entry is not None else None,
        "blends": sorted(p.name for p in folder.glob("*.blend")),
        "previews": previews,
    }
    _, area, _ = view3d()
    area.ui_type = "ASSETS"
    yield from wait_for("the Asset Browser's settings", lambda: area.spaces.active.params is not None, MENU_TIMEOUT)
    params = area.spaces.active.params  # they exist once the file browser has drawn
    params.asset_library_reference = entry.name
    params.display_type = "THUMBNAIL"
    params.display_size = CONFIG["asset_thumbnail"]  # large enough that a result's name fits under it
    RESULT["asset_library"]["shown"] = params.asset_library_reference
    region = next(r for r in area.regions if r.type == "WINDOW")
    box = area_box(area)
    files_box = [region.x - area.x, (area.y + area.height) - (region.y + region.height), region.width, region.height]
    # what the server's pictures cover once drawn, at 80 % of a thumbnail each (the test's rule)
    wanted = (
        sum(kind == "server" for kind in previews.values())
        * 0.8
        * CONFIG["asset_thumbnail"] ** 2
        / (region.width * region.height)
    )
    deadline = time.monotonic() + CONFIG["preview_timeout"]
    share = 0.0
    while True:
        area.tag_redraw()
        yield 0.5
        subprocess.run(
            [
                "import",
                "-window",
                "root",
                "-display",
                CONFIG["display"],
                "-crop",
                "{2}x{3}+{0}+{1}".format(*box),
                "+repage",
                CONFIG["asset_browser_screenshot"],
            ],
            check=True,
            timeout=60,
        )
        share = picture_share(CONFIG["asset_browser_screenshot"], files_box)
        if share >= wanted or time.monotonic() > deadline:
            break
    RESULT.setdefault("crops", {})["asset_browser_screenshot"] = box
    RESULT["asset_library"].update(files_box=files_box, share_seen=round(share, 4), share_wanted=round(wanted, 4))
    step(f"asset_browser_screenshot taken ({box}): {RESULT['asset_library']}")
    area.ui_type = "VIEW_3D"
    yield from redrawn()


def thirty_jobs() -> Iterator[float]:
    """Fill the Jobs panel to 30 jobs from the console, against a second emulator (the first one's
    request log stays the visit's), wait until they settle and crop the sidebar at the panel."""
    from bl_ext.user_default import tripo_blender as tripo

    prefs = bpy.context.preferences.addons[ADDON].preferences
    prefs.api_base_url = CONFIG["jobs_api_base_url"]
    prefs.parallel_jobs = 8
    started = []
    for number in range(CONFIG["jobs_wanted"] - len(tripo.jobs())):
        started.append(tripo.text_to_model(f"test prop {number + 1:02d}"))
    yield from wait_for(
        "the 30 jobs", lambda: not [job for job in started if job.state.is_active], CONFIG["import_timeout"]
    )
    states: dict[str, int] = {}
    for job in tripo.jobs():
        states[job.state.value] = states.get(job.state.value, 0) + 1
    RESULT["jobs_panel"] = {"started": len(started), "jobs": len(tripo.jobs()), "states": states}
    step(f"jobs settled: {RESULT['jobs_panel']}")
    yield from scroll_sidebar("WHEELDOWNMOUSE")  # down to the Jobs panel
    cropped_screenshot("jobs_screenshot", "VIEW_3D", "UI")


def crowd() -> Iterator[float]:
    """Parallel Jobs 3 and six jobs sent at once to a third emulator whose tasks run for minutes:
    three run, three wait in line. The Jobs panel (its summary line, the waiting rows) is cropped
    (crowd.png) and what the rows say is recorded; then the six are stopped and removed, and the
    thirty jobs' server and Parallel Jobs come back, so the rest of the visit is as before."""
    from bl_ext.user_default import tripo_blender as tripo

    prefs = bpy.context.preferences.addons[ADDON].preferences
    job_list = sys.modules[ADDON + ".blender.job_list"]
    runtime = sys.modules[ADDON + ".blender.runtime"].runtime
    prefs.api_base_url = CONFIG["crowd_api_base_url"]
    prefs.parallel_jobs = CONFIG["crowd_parallel"]
    started = [tripo.text_to_model(f"crowd prop {number + 1}") for number in range(CONFIG["crowd_jobs"])]
    waiting = CONFIG["crowd_jobs"] - CONFIG["crowd_parallel"]

    def in_line() -> bool:
        states = [job.state.value for job in started]
        return states.count("running") == CONFIG["crowd_parallel"] and states.count("pending") == waiting

    yield from wait_for("the crowd: three running, three waiting", in_line, CONFIG["import_timeout"])
    yield from scroll_sidebar("WHEELDOWNMOUSE")
    cropped_screenshot("crowd_screenshot", "VIEW_3D", "UI")
    line = job_list.VIEW.line()
    every = job_list.VIEW.listing("ALL")
    RESULT["crowd"] = {
        "states": [job.state.value for job in started],
        "rows": [job_list.row_status(job.snapshot, place=line.place(job.id)).text for job in started],
        "icons": [job_list.row_status(job.snapshot, place=line.place(job.id)).icon for job in started],
        "summary": job_list.summary_text(every.counts, len(line), False),
    }
    step(f"crowd: {RESULT['crowd']}")
    for job in reversed(started):  # the waiting ones first: a stopped running one frees its slot for the next
        job.cancel()
        runtime.forget(job.id)
    prefs.api_base_url = CONFIG["jobs_api_base_url"]
    prefs.parallel_jobs = 8
    yield from redrawn()


def texture_dialog() -> Iterator[float]:
    """The Texture dialog as the menu opens it (INVOKE over the 3D view, the mouse in the middle),
    screenshotted, then cancelled with Escape (nothing is sent)."""
    root = imported_root()
    root.hide_set(False)
    select_only(root)
    window, area, _ = view3d()
    region = main_region()
    where = {"x": region.x + region.width // 2, "y": region.y + region.height // 2}
    window.event_simulate(type="MOUSEMOVE", value="NOTHING", **where)
    yield TICK
    with bpy.context.temp_override(window=window, area=area, region=region):
        RESULT["texture_dialog"] = sorted(bpy.ops.tripo.texture("INVOKE_DEFAULT"))
    yield 0.5
    yield TICK
    screenshot("texture_dialog_screenshot", [around(where["x"], where["y"], 1000, 1000)])
    press("ESC")
    yield from redrawn()


def preferences_window() -> Iterator[float]:
    """Preferences › Add-ons filtered to the add-on and expanded (its own drawing), screenshotted
    and closed again. Online access is off by then, so its notice shows too."""
    wm = bpy.context.window_manager
    before = set(wm.windows[:])
    bpy.context.preferences.active_section = "ADDONS"
    with bpy.context.temp_override(window=wm.windows[0]):
        bpy.ops.screen.userpref_show(section="ADDONS")
    yield 1.0
    window = next((w for w in wm.windows if w not in before), None)
    if window is None:
        raise RuntimeError("Preferences did not open a window")
    wm.addon_search = "Tripo"
    try:
        bpy.ops.preferences.addon_expand(module=ADDON)
    except RuntimeError as exc:  # already expanded, or this Blender names it differently
        step(f"addon_expand: {exc}")
    for area in window.screen.areas:
        area.tag_redraw()
    yield 1.0
    area = max(window.screen.areas, key=lambda a: a.width * a.height)
    region = next(r for r in area.regions if r.type == "WINDOW")
    screen_height = wm.windows[0].y + wm.windows[0].height
    box = [window.x + region.x, screen_height - (window.y + region.y + region.height), region.width, region.height]
    RESULT["preferences"] = {"window": [window.x, window.y, window.width, window.height], "box": box}
    screenshot("preferences_screenshot", [box])
    with bpy.context.temp_override(window=window):
        bpy.ops.wm.window_close()
    yield 0.5


def failed_jobs() -> Iterator[float]:
    """The Jobs panel filtered to its failed rows (what a failure says), cropped like jobs.png."""
    job_list = sys.modules[ADDON + ".blender.job_list"]
    job_list.VIEW.filter, job_list.VIEW.page = "FAILED", 0
    yield from scroll_sidebar("WHEELDOWNMOUSE")
    cropped_screenshot("failed_jobs_screenshot", "VIEW_3D", "UI")
    job_list.VIEW.filter = "ALL"


def offline_and_multiview() -> Iterator[float]:
    """Online access off: the sidebar's Generate greyed with the reason in words (offline.png);
    then the multiview form (multiview.png), whose four inputs must leave room for Jobs; then Image
    mode with an image (image_mode.png): its Splat and Depth Map buttons."""
    bpy.context.preferences.system.use_online_access = False
    RESULT["offline"] = {"online_access": bpy.app.online_access}
    form = getattr(bpy.context.scene, "tripo_generate")
    form.image_first = False
    yield from scroll_sidebar("WHEELUPMOUSE")
    cropped_screenshot("offline_screenshot", "VIEW_3D", "UI")
    RESULT["offline"]["generate_poll"] = bool(bpy.ops.tripo.generate_form.poll())
    form.mode = "MULTIVIEW"
    for _ in range(4):  # the panels below slide to their new place, one redraw at a time
        yield 0.3
        yield from redrawn()
    cropped_screenshot("multiview_screenshot", "VIEW_3D", "UI")
    form.mode = "IMAGE"  # with an image: its one-click routes (splat, depth map) under Generate
    form.image = bpy.data.images.new("sketch", 64, 64)
    for _ in range(4):
        yield 0.3
        yield from redrawn()
    cropped_screenshot("image_mode_screenshot", "VIEW_3D", "UI")
    form.image = None
    form.mode = "TEXT"


class CutSamplePanel(bpy.types.Panel):
    """A label too long for the sidebar, on one line: Blender cuts it with "…". Its screenshot
    proves the OCR check sees a cut (a check that cannot fail proves nothing)."""

    bl_idname = "TRIPO_UI_PT_cut_sample"
    bl_label = "Cut sample"
    bl_space_type = "VIEW_3D"
    bl_region_type = "UI"
    bl_category = "Cut"

    def draw(self, context: Any) -> None:
        self.layout.label(text="Allow Online Access in Preferences before you generate models here")


def cut_sample() -> Iterator[float]:
    bpy.utils.register_class(CutSamplePanel)
    _, _, region = view3d()
    yield from redrawn()  # a category exists once a panel of it was drawn
    region.active_panel_category = "Cut"
    yield from redrawn()
    cropped_screenshot("cut_sample_screenshot", "VIEW_3D", "UI")
    region.active_panel_category = CATEGORY
    bpy.utils.unregister_class(CutSamplePanel)
    yield from redrawn()


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
    _, _, sidebar = view3d()
    RESULT["sidebar"] = {"width": sidebar.width, "ui_scale": bpy.context.preferences.view.ui_scale}
    cropped_screenshot("sidebar_screenshot", "VIEW_3D", "UI")  # the default width: nothing cut off
    if RESULT.get("imported"):
        yield from context_menu()
        yield from rig_and_retarget()
        yield from texture()
        yield from plain_mesh_texture()
        yield from concept_image()
        yield from views_edit()
        yield from asset_browser()
        yield from texture_dialog()
        yield from thirty_jobs()
        yield from crowd()
        yield from failed_jobs()
        yield from offline_and_multiview()
        yield from preferences_window()
    yield from cut_sample()


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
    bpy.types.SpaceView3D.draw_handler_add(lambda: draws.update(ui=draws["ui"] + 1), (), "UI", "POST_PIXEL")
    try:
        install_addon()
        bpy.types.VIEW3D_MT_object_context_menu.append(count_object_context_menu)
        bpy.types.VIEW3D_MT_tripo.append(record_tripo_menu)
    except Exception:  # noqa: BLE001
        RESULT["errors"].append(traceback.format_exc())
        save()
        raise  # --python-exit-code makes Blender exit non-zero
    bpy.app.timers.register(driver(scenario()), first_interval=0.5)


main()
