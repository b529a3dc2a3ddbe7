"""Give one bpy test venv the meshopt decoder that Blender's own 5.2+ builds ship.

Why: Blender's glTF importer (5.2+) decodes Tripo's Compress (``EXT_meshopt_compression``) through
a small native library, ``bf_intern_meshopt_bridge``, that Blender's release builds carry beside
their shared libraries — but the PyPI ``bpy`` wheels (and Debian's package) do not. Without one
build that has it, the suite could only ever show the "Compress hidden" half of the add-on's
promise, never that a compressed result it offers really lands. So the newest bpy venv gets the
bridge, built here from Debian's meshoptimizer (MIT) with a C shim of the same six functions the
importer calls (``io_scene_gltf2/io/imp/gltf2_io_binary_meshopt.py``); the other versions keep
the wheel as published and show the hidden half.

Stdlib only. Needs ``gcc`` and Debian's ``libmeshoptimizer-dev`` (installed with apt-get when
missing and possible); without them the venv is left as it is and the reason is returned.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

__all__ = ["LIBRARY", "install"]

#: The file name Blender's importer looks for (``io_scene_gltf2/io/com/library.py: dll_path``).
LIBRARY = "libbf_intern_meshopt_bridge.so"

#: The importer calls these by name with these C signatures; each forwards to meshoptimizer.
_SHIM = """\
#include <meshoptimizer.h>
int decodeVertexBuffer(void* d, size_t n, size_t s, const unsigned char* b, size_t bs)
{ return meshopt_decodeVertexBuffer(d, n, s, b, bs); }
int decodeIndexBuffer(void* d, size_t n, size_t s, const unsigned char* b, size_t bs)
{ return meshopt_decodeIndexBuffer(d, n, s, b, bs); }
int decodeIndexSequence(void* d, size_t n, size_t s, const unsigned char* b, size_t bs)
{ return meshopt_decodeIndexSequence(d, n, s, b, bs); }
void decodeFilterOct(void* b, size_t n, size_t s) { meshopt_decodeFilterOct(b, n, s); }
void decodeFilterQuat(void* b, size_t n, size_t s) { meshopt_decodeFilterQuat(b, n, s); }
void decodeFilterExp(void* b, size_t n, size_t s) { meshopt_decodeFilterExp(b, n, s); }
"""
_HEADER = Path("/usr/include/meshoptimizer.h")


def _library_dir(venv: Path) -> Path | None:
    """Where a bpy wheel's importer looks: ``site-packages/bpy/lib`` (beside ``bpy/<version>``)."""
    found = sorted(venv.glob("lib/python3*/site-packages/bpy/lib"))
    return found[0] if found else None


def _ensure_meshoptimizer(log: Path) -> str | None:
    """Install Debian's meshoptimizer headers if missing; the reason when impossible."""
    if _HEADER.exists():
        return None
    if shutil.which("apt-get") is None:
        return "no meshoptimizer headers and no apt-get to install libmeshoptimizer-dev"
    with log.open("a") as out:
        done = subprocess.run(
            ["apt-get", "install", "-y", "--no-install-recommends", "libmeshoptimizer-dev"],
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )
    return (
        None
        if done.returncode == 0 and _HEADER.exists()
        else f"apt-get could not install libmeshoptimizer-dev (see {log})"
    )


def install(venv: Path, log: Path) -> str:
    """Put the bridge into ``venv``'s bpy (once); what was done, or why it was not."""
    target_dir = _library_dir(venv)
    if target_dir is None:
        return f"no bpy in {venv}: meshopt bridge not installed"
    target = target_dir / LIBRARY
    if target.exists():
        return f"meshopt bridge present in {venv.name}"
    if shutil.which("gcc") is None:
        return "no gcc: meshopt bridge not built (Compress stays hidden on every version)"
    problem = _ensure_meshoptimizer(log)
    if problem is not None:
        return f"{problem}: meshopt bridge not built"
    with tempfile.TemporaryDirectory() as tmp:
        source, built = Path(tmp) / "bridge.c", Path(tmp) / LIBRARY
        source.write_text(_SHIM)
        with log.open("a") as out:
            done = subprocess.run(
                ["gcc", "-shared", "-fPIC", "-O2", "-o", str(built), str(source), "-lmeshoptimizer"],
                stdout=out,
                stderr=subprocess.STDOUT,
                check=False,
            )
        if done.returncode != 0:
            return f"gcc could not build the meshopt bridge (see {log})"
        shutil.copy2(built, target)
    return f"meshopt bridge built into {venv.name}"
