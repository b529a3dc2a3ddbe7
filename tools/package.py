"""``build``: the wheels the manifest lists, fetched once, and the extension zip in Blender's layout.

Also what the packaging tests and the real-window tests call, so CI tests exactly what ``build``
produces.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tools.manifest import load_manifest, manifest_errors, wheel_filename
from tools.paths import DIST_DIR, MANIFEST_PATH, PACKAGE_DIR, WHEEL_CACHE, BuildError, log
from tools.venvs import PYTHON_VERSION

# Fixed timestamp for zip entries, so that building twice from the same tree gives the same bytes.
ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)


def manifest_wheel_names(manifest: dict[str, Any]) -> list[str]:
    """File names of the wheels the manifest promises (validated by :func:`manifest_errors`)."""
    return [name for entry in manifest.get("wheels", []) if (name := wheel_filename(entry))]


def wheel_requirement(filename: str) -> str:
    """``requests-2.34.2-py3-none-any.whl`` -> ``requests==2.34.2`` (what pip must fetch)."""
    name, version = filename.split("-")[:2]
    return f"{name}=={version}"


def fetch_wheels(names: Sequence[str], cache: Path = WHEEL_CACHE) -> list[Path]:
    """Download the missing wheels from PyPI into ``cache`` (reused across builds); return their paths.

    pip is asked for exactly the pinned version as a pure wheel; if what it saves has a different
    file name than the manifest lists, the manifest is wrong and we say so rather than ship it.
    """
    cache.mkdir(parents=True, exist_ok=True)
    missing = [name for name in names if not (cache / name).is_file()]
    if missing:
        log.info("downloading %d wheel(s) into %s", len(missing), cache)
        cmd = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary=:all:",
            "--platform",
            "any",
            "--python-version",
            "{}.{}".format(*PYTHON_VERSION),
            "--dest",
            str(cache),
            *map(wheel_requirement, missing),
        ]
        result = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise BuildError(f"pip download failed:\n{result.stdout}{result.stderr}")
    still_missing = [name for name in names if not (cache / name).is_file()]
    if still_missing:
        found = sorted(p.name for p in cache.glob("*.whl"))
        raise BuildError(
            f"wheels listed in {MANIFEST_PATH.name} were not obtained: {still_missing}; "
            f"{cache} holds {found} — fix the file names in the manifest"
        )
    return [cache / name for name in names]


def package_files(package_dir: Path = PACKAGE_DIR) -> list[Path]:
    """The add-on's files to ship: everything under the package minus caches, dotfiles and backups."""
    skipped_suffixes = {".pyc", ".pyo", ".zip", ".blend1", ".orig", ".rej", ".swp"}
    files = []
    for path in sorted(package_dir.rglob("*")):
        rel = path.relative_to(package_dir)
        if path.is_dir() or path.suffix in skipped_suffixes or path.name.endswith("~"):
            continue
        if any(part == "__pycache__" or part.startswith(".") for part in rel.parts):
            continue
        files.append(path)
    return files


def _add_file(zf: zipfile.ZipFile, source: Path, arcname: str, compress: int) -> None:
    """Add one file with a fixed timestamp and mode so the zip is reproducible."""
    info = zipfile.ZipInfo(arcname, date_time=ZIP_DATE_TIME)
    info.external_attr = 0o644 << 16
    info.compress_type = compress
    zf.writestr(info, source.read_bytes(), compress_type=compress, compresslevel=9)


def write_zip(out: Path, manifest_path: Path, files: Sequence[Path], package_dir: Path, wheels: Sequence[Path]) -> None:
    """Write the extension zip in the layout Blender installs: manifest and ``__init__.py`` at the root.

    The repository keeps the manifest beside ``tripo_blender/``; Blender rejects that layout, so the
    package contents are flattened to the root. Wheels are stored uncompressed, as Blender does.
    Written to a temporary name first so an interrupted build never leaves a half zip in dist/.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_suffix(".zip.part")
    with zipfile.ZipFile(partial, "w") as zf:
        _add_file(zf, manifest_path, "blender_manifest.toml", zipfile.ZIP_DEFLATED)
        for path in files:
            _add_file(zf, path, path.relative_to(package_dir).as_posix(), zipfile.ZIP_DEFLATED)
        for wheel in wheels:
            _add_file(zf, wheel, f"wheels/{wheel.name}", zipfile.ZIP_STORED)
    partial.replace(out)


def build_zip(dist_dir: Path = DIST_DIR, *, wheel_cache: Path = WHEEL_CACHE) -> Path:
    """Check the manifest, fetch its wheels and write ``<dist_dir>/<id>-<version>.zip``; return the path.

    Also the function the packaging tests call, so CI tests exactly what ``build`` produces.
    """
    manifest = load_manifest()
    if errors := manifest_errors(manifest):
        raise BuildError(f"{MANIFEST_PATH.name} is invalid:\n  " + "\n  ".join(errors))
    if not (PACKAGE_DIR / "__init__.py").is_file():
        raise BuildError(f"{PACKAGE_DIR} has no __init__.py: Blender would refuse the add-on")
    wheels = fetch_wheels(manifest_wheel_names(manifest), wheel_cache)
    out = dist_dir / f"{manifest['id']}-{manifest['version']}.zip"
    write_zip(out, MANIFEST_PATH, package_files(), PACKAGE_DIR, wheels)
    log.info("wrote %s (%d KiB)", out, out.stat().st_size // 1024)
    return out
