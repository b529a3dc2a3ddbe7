"""What Preferences would show as extension-policy warnings, in Debian's real Blender; run by
tests/ui/test_policy.py as ``blender -b --python policy_probe.py -- REPORT.json``.

Preferences › Add-ons draws ``addon_utils._extensions_warnings_get()``. That list depends on what
is in :data:`sys.modules`, so first everything a session can load is loaded: every module of the
add-on, and the console API used through the name ``tripo`` in a Python console, as a user types
it. Then the cached list is reset (as Blender does when extensions change) and written out with
the facts the test needs. Like the other scripts here, this only observes; the test decides.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import sys
from pathlib import Path
from typing import Any

import addon_utils
import bpy

ADDON = "bl_ext.user_default.tripo_blender"


def console_module() -> Any:
    for name in ("_console_python", "console_python"):
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    return None


def main() -> None:
    report: dict[str, Any] = {
        "blender_version": bpy.app.version_string,
        "enabled": ADDON in bpy.context.preferences.addons,
    }
    package = importlib.import_module(ADDON)
    names = [info.name for info in pkgutil.walk_packages(package.__path__, ADDON + ".")]
    for name in names:
        importlib.import_module(name)
    report["modules_loaded"] = len(names)
    console = console_module().get_console("policy probe")[0]
    console.push("price = tripo.estimate_cost('text_to_model', prompt='a fox')")
    report["console_tripo"] = getattr(console.locals.get("tripo"), "__name__", None)
    report["console_price"] = console.locals.get("price")
    addon_utils._is_first_reset()
    report["warnings"] = {k: list(v) for k, v in addon_utils._extensions_warnings_get().items()}
    report["top_level"] = sorted(n for n in sys.modules if n == "tripo_blender" or n.startswith("tripo_blender."))
    Path(sys.argv[sys.argv.index("--") + 1]).write_text(json.dumps(report, indent=2))


main()
