"""The package root stays usable without Blender.

The check runs in a fresh interpreter (this venv's Python, which has no ``bpy``), so nothing
imported by other tests can hide a stray import.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str, *paths: Path) -> subprocess.CompletedProcess[str]:
    env_path = [str(p) for p in paths]
    script = f"import sys\nsys.path[:0] = {env_path!r}\n" + textwrap.dedent(code)
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd="/")


def test_client_imports_without_bpy_and_console_names_explain_themselves() -> None:
    proc = _run(
        """
        import tripo_blender
        from tripo_blender.client import TripoClient
        assert "bpy" not in sys.modules
        assert not hasattr(tripo_blender, "text_to_model")   # AttributeError, so hasattr() works
        try:
            tripo_blender.batch
        except AttributeError as exc:
            assert "runs inside Blender" in str(exc), exc
        assert "bpy" not in sys.modules and "tripo_blender.console" not in sys.modules
        assert "text_to_model" in dir(tripo_blender)
    """,
        ROOT,
    )
    assert proc.returncode == 0, proc.stderr
