"""Enabling the add-on pays for no HTTP library: ``requests`` is imported on first network use;
nor for the mesh export, the splat landing or the upload step (loaded when first needed).

Why: Blender enables the add-on at every start, and ``requests`` (with urllib3, charset_normalizer,
idna, certifi) was 58 ms of a 137 ms enable. The time itself is the bench's business
(``bench/blender_rows.py``, row 6); what a test can assert honestly is the cause: after enabling
in a fresh Blender process, and after the console API was used without the network, ``requests``
is not loaded, and the first request still works (it loads it then).

The fresh process plays ``blender -b --online-mode --python SCRIPT`` (see
:mod:`.test_console_script`); this test's own process has imported ``requests`` long ago.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.emulator import Emulator

from .test_console_script import run_headless

NETWORK = ("requests", "urllib3")
#: The add-on's stacks that enabling does not need either: the mesh export with its GLB writer,
#: the splat landing with its readers, the upload step (loaded with the first post-process sent,
#: the first splat landed, the first local mesh uploaded).
LATER = ("blender.mesh_export", "blender.glb_writer", "blender.splat_landing", "jobs.splats", "jobs.mesh_upload")

SCRIPT = f"""
import json, sys

import bpy

NETWORK = {NETWORK!r}
LATER = {LATER!r}


def loaded():
    return sorted({{name.split(".")[0] for name in sys.modules}} & set(NETWORK))


tripo = next(module for name, module in sys.modules.items() if name.endswith(".tripo_blender"))
seen = {{"enabled": loaded(), "later": sorted(n for n in LATER if f"{{tripo.__name__}}.{{n}}" in sys.modules)}}
bpy.ops.wm.read_homefile(use_empty=True)  # a file loads: the add-on's load handlers run
tripo.jobs()  # the console API, resolved through the package's __getattr__, without the network
tripo.estimate_cost("rig")
seen["console"] = loaded()
seen["balance"] = tripo.balance().balance  # the first request
seen["after_request"] = loaded()
print("RESULT " + json.dumps(seen))
"""


def test_enabling_imports_no_http_library_until_the_first_request(tmp_path: Path) -> None:
    script = tmp_path / "enable_then_ask.py"
    script.write_text(SCRIPT)
    with Emulator() as emulator:
        proc = run_headless(script, tmp_path, emulator)
        expected_balance = emulator.balance_of()[0]
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert proc.returncode == 0 and lines, f"script failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    seen = json.loads(lines[-1][len("RESULT ") :])
    assert seen["enabled"] == [], "enabling the add-on imported an HTTP library"
    assert seen["later"] == [], "enabling the add-on loaded a stack only a sent job or a landing needs"
    assert seen["console"] == [], "using the console API without the network imported an HTTP library"
    assert seen["balance"] == expected_balance, "the first request works"
    assert seen["after_request"] == sorted(NETWORK), "and it is what loads requests"
