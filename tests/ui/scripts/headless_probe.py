"""Watch a user's headless script in Debian's Blender; run by tests/ui/test_headless_script.py.

The README says to run ``blender -b --online-mode --python make_foxes.py``. The test runs exactly
that, with this file around it::

    blender -b --online-mode --python headless_probe.py --python make_foxes.py --python headless_probe.py

Blender runs ``--python`` files in order, in one process. The first run of this file starts a
``bpy.app.timers`` timer that counts its calls. The second run, after the user's script is done,
writes what the script left in the scene and how often the timer fired to the JSON file named
by ``$TRIPO_UI_REPORT``. In ``-b`` mode Blender has no event loop, so that count must stay zero:
the jobs were then moved along by ``Job.wait()`` alone, not by the add-on's timer-driven pump.

Like ``drive_blender.py``, this only observes; the test decides.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path
from typing import Any

import bpy

TICKS = "tripo_ui_timer_ticks"  # key in bpy.app.driver_namespace, shared by both runs of this file
TASK_ID_PROP = "tripo_task_id"


def count_tick() -> float:
    bpy.app.driver_namespace[TICKS] += 1
    return 0.01


def start() -> None:
    """Before the user's script: a timer that would fire every 10 ms if timers ran."""
    bpy.app.driver_namespace[TICKS] = 0
    bpy.app.timers.register(count_tick, first_interval=0.0, persistent=True)


def report() -> dict[str, Any]:
    """After the user's script: the scene it left, its jobs, and the timer count."""
    from bl_ext.user_default import tripo_blender as tripo

    tagged: dict[str, list[str]] = {}
    for ob in bpy.data.objects:
        if TASK_ID_PROP in ob and ob.users_scene:
            tagged.setdefault(str(ob[TASK_ID_PROP]), []).append(ob.name)
    return {
        "blender_version": bpy.app.version_string,
        "background": bpy.app.background,
        "online_access": bpy.app.online_access,
        "requests_file": getattr(importlib.util.find_spec("requests"), "origin", None),
        "addon_file": tripo.__file__,
        "timer_ticks": bpy.app.driver_namespace[TICKS],
        "jobs": [
            {
                "name": job.name,
                "kind": job.kind,
                "state": job.state.value,
                "task_id": job.task_id,
                "objects": [ob.name for ob in job.objects],
            }
            for job in tripo.jobs()
        ],
        "tagged_objects": tagged,
        "saved_as": bpy.data.filepath,
    }


def main() -> None:
    if TICKS not in bpy.app.driver_namespace:
        start()
        return
    path = Path(os.environ["TRIPO_UI_REPORT"])
    path.write_text(json.dumps(report(), indent=2))
    print(f"headless_probe: report written to {path}", file=sys.stderr)


main()
