"""The client is a plain Python library: importable where only ``requests`` exists (no Blender)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

IMPORT_LINE = "from tripo_blender.client import TripoClient, Animation, TaskStatus, TripoAPIError"


def test_client_imports_without_bpy_and_pulls_in_no_blender_module() -> None:
    check = (
        "import importlib.util, sys\n"
        "assert importlib.util.find_spec('bpy') is None, 'this venv must not have bpy'\n"
        f"{IMPORT_LINE}\n"
        "assert TaskStatus('success').is_terminal and Animation.WALK.value == 'preset:walk'\n"
        "assert not [m for m in sys.modules if m == 'bpy' or m.startswith('tripo_blender.blender')]\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
