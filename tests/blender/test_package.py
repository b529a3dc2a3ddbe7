"""The zip that ``python3 build.py build`` writes is valid for Blender, installs, and brings its wheels.

These tests swap the working-tree add-on for the installed copy (both would register the same
classes), so conftest runs them last and ``without_dev_addon`` restores the dev copy afterwards.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path

import bpy
import pytest

from tools.package import build_zip

from .support import INSTALLED_MODULE, ROOT, addon_enabled

pytestmark = pytest.mark.package

BUNDLED_MODULES = ("requests", "urllib3", "idna", "charset_normalizer", "certifi")


@pytest.fixture(scope="module")
def manifest() -> dict:
    return tomllib.loads((ROOT / "blender_manifest.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def built_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built by ``build``'s own function (tools.package) (wheels come from its cache, filled by `build.py build`)."""
    return build_zip(tmp_path_factory.mktemp("dist"))


@pytest.fixture
def installed(built_zip: Path, without_dev_addon: None) -> Iterator[str]:
    """Install the zip into the "User Default" repository like a user would; uninstall afterwards."""
    result = bpy.ops.extensions.package_install_files(
        filepath=str(built_zip), repo="user_default", enable_on_install=True
    )
    assert result == {"FINISHED"}
    try:
        yield INSTALLED_MODULE
    finally:
        repo_index = [repo.module for repo in bpy.context.preferences.extensions.repos].index("user_default")
        assert bpy.ops.extensions.package_uninstall(repo_index=repo_index, pkg_id="tripo_blender") == {"FINISHED"}
        assert not addon_enabled(INSTALLED_MODULE)


def test_zip_layout(built_zip: Path, manifest: dict) -> None:
    """Manifest and __init__.py at the root (Blender rejects a package subfolder beside the manifest)."""
    names = zipfile.ZipFile(built_zip).namelist()
    assert built_zip.name == f"{manifest['id']}-{manifest['version']}.zip"
    assert names[0] == "blender_manifest.toml"
    assert "__init__.py" in names
    assert "blender/__init__.py" in names
    assert not [n for n in names if n.startswith(("tripo_blender/", "tests/"))]
    assert not [n for n in names if "__pycache__" in n or n.endswith((".pyc", ".pyo"))]
    wheels = sorted(n for n in names if n.startswith("wheels/"))
    assert wheels == sorted(w.removeprefix("./") for w in manifest["wheels"])


def test_blender_validator_accepts_zip(built_zip: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Blender's own strict validation (what `blender --command extension validate` runs, tags included)."""
    from bl_pkg import bl_extension_cli

    rc = bl_extension_cli.cli_extension_handler(["validate", str(built_zip)])
    output = capsys.readouterr()
    assert rc == 0, output.out + output.err


def test_installed_zip_is_enabled(installed: str) -> None:
    assert addon_enabled(installed)
    prefs = bpy.context.preferences.addons[installed].preferences
    assert type(prefs).bl_idname == installed
    assert prefs.bl_rna.properties["api_key"].subtype == "PASSWORD"
    assert sys.modules[installed].__file__.startswith(bpy.utils.user_resource("EXTENSIONS"))


def test_bundled_wheels_are_importable_on_their_own(installed: str, manifest: dict) -> None:
    """Blender unpacks the wheels into a shared site-packages; they must work without the venv's copies.

    The bpy venv has its own requests (a bpy dependency), so importing here would prove nothing:
    a clean interpreter (-I -S: no venv site-packages) with only Blender's wheel folder on the path does.
    """
    site = Path(
        bpy.utils.user_resource("EXTENSIONS"),
        ".local",
        "lib",
        f"python{sys.version_info.major}.{sys.version_info.minor}",
        "site-packages",
    )
    assert str(site) in sys.path, "Blender did not put the extensions' wheel folder on sys.path"
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); "
        f"import {', '.join(BUNDLED_MODULES)}; "
        "print(requests.__version__, requests.__file__)"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-c", code, str(site)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    version, location = result.stdout.split()
    requests_wheel = next(w for w in manifest["wheels"] if "/requests-" in w)
    assert requests_wheel.endswith(f"requests-{version}-py3-none-any.whl")
    assert Path(location).is_relative_to(site)
