"""The package root stays usable without Blender, and its ``tripo_blender`` alias is bpy-free.

Each check runs in a fresh interpreter (this venv's Python, which has no ``bpy``), so nothing
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
    proc = _run("""
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
    """, ROOT)
    assert proc.returncode == 0, proc.stderr


def _fake_extension(tmp_path: Path) -> Path:
    """``<tmp>/bl_ext_fake/studio/tripo_blender`` → the working tree, like an installed extension."""
    repo = tmp_path / "bl_ext_fake" / "studio"
    repo.mkdir(parents=True)
    (tmp_path / "bl_ext_fake" / "__init__.py").write_text("")
    (repo / "__init__.py").write_text("")
    (repo / "tripo_blender").symlink_to(ROOT / "tripo_blender", target_is_directory=True)
    return tmp_path


def test_alias_gives_one_copy_of_every_module_and_is_removed_cleanly(tmp_path: Path) -> None:
    proc = _run("""
        import importlib
        real = importlib.import_module("bl_ext_fake.studio.tripo_blender")
        from bl_ext_fake.studio.tripo_blender import alias
        assert alias.install(real.__name__) and alias.installed_for() == real.__name__
        import tripo_blender
        from tripo_blender.client import TripoAPIError
        import tripo_blender.jobs.model as model          # not imported before: found through the alias
        assert tripo_blender is real
        assert TripoAPIError is sys.modules["bl_ext_fake.studio.tripo_blender.client.errors"].TripoAPIError
        assert model is sys.modules["bl_ext_fake.studio.tripo_blender.jobs.model"]
        assert model.__spec__.name == "bl_ext_fake.studio.tripo_blender.jobs.model"
        alias.remove()
        assert alias.installed_for() is None
        assert not [n for n in sys.modules if n == "tripo_blender" or n.startswith("tripo_blender.")]
        assert "bl_ext_fake.studio.tripo_blender.jobs.model" in sys.modules
    """, _fake_extension(tmp_path))
    assert proc.returncode == 0, proc.stderr


def test_a_plain_import_of_the_same_files_is_replaced_but_a_different_module_is_not(tmp_path: Path) -> None:
    proc = _run("""
        import importlib, types
        plain_client = importlib.import_module("tripo_blender.client")     # the checkout on sys.path
        real = importlib.import_module("bl_ext_fake.studio.tripo_blender")
        from bl_ext_fake.studio.tripo_blender import alias
        assert alias.install(real.__name__)
        assert importlib.import_module("tripo_blender.client") is real.client is not plain_client
        alias.remove()

        sys.modules["tripo_blender"] = other = types.ModuleType("tripo_blender")
        assert not alias.install(real.__name__)
        assert sys.modules["tripo_blender"] is other and alias.installed_for() is None
    """, _fake_extension(tmp_path), ROOT)
    assert proc.returncode == 0, proc.stderr
