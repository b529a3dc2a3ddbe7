"""What a glTF result needs to be opened, and whether this Blender has it — asked before importing.

Why before: Tripo returns Draco-compressed GLBs for several kinds (image, multiview, segment…),
meshopt-compressed ones when Compress was asked, and may use texture extensions (KTX2). Blender's
glTF importer decodes Draco and meshopt with native libraries that many builds lack (Debian's
Blender packages, the PyPI ``bpy`` wheels of 4.2 and 5.2+), and refuses a required extension it
does not manage. Tried blindly, the import fails *after the credits were spent* with an importer
traceback ("Location: …importer.py:165"). Asked first, the file stays on disk and the job row says
in one sentence what is missing, with a way out that works here (convert it on Tripo to a format
this Blender opens; the Folder).

How we ask, without importing anything:

* the file's declared needs: ``extensionsRequired`` and ``extensionsUsed`` of its glTF JSON (a
  GLB's first chunk), read once per file version (:func:`declared`);
* the importer's ``extensions_managed`` list (the one it checks ``extensionsRequired`` against);
* for Draco and meshopt, whether the decoder library loads — found exactly where the importer's
  own code finds it (the function differs between 4.2, 4.5–5.1 and 5.2+), then ``ctypes.CDLL``,
  which is what the importer does next (no side effect beyond mapping the library).

:data:`ABSENT_ENV` is the probe's own switch: a comma-separated list of decoders (``draco``,
``meshopt``) to treat as absent, so a Blender that has them can show what an artist without them
sees (tests; a support person reproducing a report). It is read on every question, never cached.
"""

from __future__ import annotations

import ctypes
import importlib
import json
import logging
import os
import struct
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import bpy

log = logging.getLogger(__name__)

__all__ = [
    "ABSENT_ENV",
    "DRACO",
    "MESHOPT_EXTENSIONS",
    "Missing",
    "declared",
    "missing_for",
    "gltf_supports_meshopt",
    "meshopt_unavailable_reason",
    "blender_and_meshopt",
    "compress_note",
    "draco_loads",
]

#: Decoders to treat as absent (``"draco"``, ``"meshopt"``, comma-separated): the probe's switch.
ABSENT_ENV = "TRIPO_ABSENT_DECODERS"
DRACO = "KHR_draco_mesh_compression"
MESHOPT_EXTENSIONS = ("EXT_meshopt_compression", "KHR_meshopt_compression")
_GLB_MAGIC = b"glTF"
_JSON_CHUNK = 0x4E4F534A
#: A GLB's JSON chunk larger than this is not read (a model's JSON is kilobytes; the binary follows).
_MAX_JSON = 64 << 20
#: What an artist may know an extension as, for the sentence (others are named as they are).
_PLAIN_NAMES = {
    "KHR_texture_basisu": "KTX2 (Basis Universal) textures",
    "EXT_texture_webp": "WebP textures",
    "EXT_texture_avif": "AVIF textures",
    "KHR_mesh_quantization": "quantized meshes",
}


@dataclass(frozen=True)
class Missing:
    """One thing this Blender lacks to open a file: the extension and the sentence that says so."""

    extension: str
    sentence: str


def _absent(decoder: str) -> bool:
    """The switch (:data:`ABSENT_ENV`) says to treat ``decoder`` as missing."""
    names = {n.strip().lower() for n in os.environ.get(ABSENT_ENV, "").split(",")}
    return decoder in names


# --------------------------------------------------------------------------- the file's needs

_declared_cache: dict[tuple[str, int, int], tuple[frozenset[str], frozenset[str]]] = {}


def _gltf_json(path: Path) -> dict[str, Any] | None:
    """The glTF JSON of a ``.glb`` (its first chunk) or ``.gltf`` file; None if it is not one."""
    with path.open("rb") as fh:
        head = fh.read(20)
        if path.suffix.lower() == ".gltf":
            data = head + fh.read(_MAX_JSON)
        elif len(head) == 20 and head[:4] == _GLB_MAGIC:
            length, chunk_type = struct.unpack_from("<II", head, 12)
            if chunk_type != _JSON_CHUNK or length > _MAX_JSON:
                return None
            data = fh.read(length)
        else:
            return None
    try:
        doc = json.loads(data)
    except ValueError:
        return None
    return doc if isinstance(doc, dict) else None


def declared(path: str | os.PathLike[str]) -> tuple[frozenset[str], frozenset[str]]:
    """The extensions ``path`` declares: (``extensionsRequired``, ``extensionsUsed``); empty for a
    file that is not glTF or cannot be read. Cached per file version (path, size, mtime): the Jobs
    panel asks on every redraw of a failed row."""
    p = Path(path)
    try:
        stat = p.stat()
    except OSError:
        return frozenset(), frozenset()
    key = (str(p), stat.st_size, stat.st_mtime_ns)
    if key not in _declared_cache:
        try:
            doc = _gltf_json(p)
        except OSError:
            doc = None
        lists = [(doc or {}).get(name) for name in ("extensionsRequired", "extensionsUsed")]
        required, used = (frozenset(str(e) for e in v) if isinstance(v, list) else frozenset() for v in lists)
        if len(_declared_cache) > 256:
            _declared_cache.clear()
        _declared_cache[key] = (required, used)
    return _declared_cache[key]


# --------------------------------------------------------------------------- what this Blender has

_managed: frozenset[str] | None = None


def managed_extensions() -> frozenset[str] | None:
    """The extensions this Blender's glTF importer accepts as required (None: it cannot be asked)."""
    global _managed
    if _managed is None:
        try:
            from io_scene_gltf2.io.imp import gltf2_io_gltf  # type: ignore[import-not-found]

            reader = gltf2_io_gltf.glTFImporter("", {"import_user_extensions": [], "loglevel": logging.CRITICAL})
        except (ImportError, TypeError, KeyError, AttributeError) as exc:
            log.info("the glTF importer could not be asked which extensions it reads: %s", exc)
            return None
        _managed = frozenset(getattr(reader, "extensions_managed", ()))
    return _managed


#: Where each importer generation finds its Draco library: (module, arguments of its ``dll_path``).
_DRACO_LOCATORS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("io_scene_gltf2.io.com.library", ("bf_intern_draco_bridge", "Draco")),  # 5.2+
    ("io_scene_gltf2.io.com.draco", ()),  # 4.5–5.1
    ("io_scene_gltf2.io.com.gltf2_io_draco_compression_extension", ()),  # 4.2
)
_draco: bool | None = None


def _library_loads(find: Callable[[], Any], what: str) -> bool:
    """``find()`` gives the library's path as the importer computes it; does ``ctypes`` load it?"""
    try:
        path = find()
        if path is None:
            return False
        ctypes.CDLL(str(Path(path).resolve()))
    except Exception as exc:  # noqa: BLE001 - the importer's own errors, OSError from ctypes, …
        log.info("%s decoder unavailable: %s", what, exc)
        return False
    return True


def draco_loads() -> bool:
    """Whether this Blender's glTF importer can decode Draco (its library is there and loads)."""
    global _draco
    if _absent("draco"):
        return False
    if _draco is None:
        _draco = False
        for module_name, args in _DRACO_LOCATORS:
            try:
                module = importlib.import_module(module_name)
            except ImportError:
                continue
            _draco = _library_loads(partial(module.dll_path, *args), "Draco")
            break
    return _draco


_MESHOPT_SUPPORT: bool | None = None
_MESHOPT_REASON: str | None = None


def gltf_supports_meshopt(probe: Callable[[], bool] | None = None) -> bool:
    """Whether this Blender's glTF importer can open meshopt-compressed GLBs (Tripo's ``compress``).

    Blender ≤ 5.1 refuses ``EXT_meshopt_compression``; 5.2+ lists it, but some builds (the PyPI
    ``bpy`` wheels, Debian's package) ship without the decoder library, and the import then fails
    with "Meshopt decoder library not found". So we ask what the importer can really do, once:
    it must manage the extension *and* its decoder library must load (the way the importer loads
    it). A later Blender that gains support is recognised without an add-on update.
    """
    global _MESHOPT_SUPPORT
    if _absent("meshopt"):
        return False
    if _MESHOPT_SUPPORT is None:
        _MESHOPT_SUPPORT = (probe or _probe_meshopt)()
    return _MESHOPT_SUPPORT


def meshopt_unavailable_reason() -> str | None:
    """Why compressed GLBs cannot be imported here (for the UI), or ``None`` when they can."""
    if gltf_supports_meshopt():
        return None
    if _absent("meshopt"):
        return f"its meshopt decoder is switched off ({ABSENT_ENV})"
    return _MESHOPT_REASON or "this Blender's glTF importer cannot open meshopt GLBs"


def blender_and_meshopt() -> str:
    """This Blender's version with the meshopt probe's reason, for messages that refuse Compress:
    "5.2.4 (this build of Blender lacks the meshopt decoder library)"."""
    return f"{bpy.app.version_string} ({meshopt_unavailable_reason() or 'no meshopt'})"


def compress_note() -> str:
    """The line drawn where Compress is greyed out: why it is not offered here."""
    return f"No Compress: {meshopt_unavailable_reason()}"


def _probe_meshopt() -> bool:
    global _MESHOPT_REASON
    managed = managed_extensions()
    if managed is None:
        _MESHOPT_REASON = "its glTF importer could not be asked"
        return False
    if "EXT_meshopt_compression" not in managed:
        _MESHOPT_REASON = "its glTF importer does not support meshopt compression"
        return False
    try:
        from io_scene_gltf2.io.imp.gltf2_io_binary_meshopt import MeshoptDecoder  # type: ignore[import-not-found]
    except ImportError:
        # An importer that manages the extension without this module decodes some other way.
        return True
    # Mirrors ``MeshoptDecoder.load_library`` (io_scene_gltf2/io/imp/gltf2_io_binary_meshopt.py).
    if not _library_loads(MeshoptDecoder.find_library, "meshopt"):
        _MESHOPT_REASON = "this build of Blender lacks the meshopt decoder library"
        return False
    return True


# --------------------------------------------------------------------------- the verdict


def _plain(extension: str) -> str:
    return _PLAIN_NAMES.get(extension, extension)


def missing_for(path: str | os.PathLike[str]) -> list[Missing]:
    """What this Blender lacks to open ``path`` (empty: nothing, or not a glTF file).

    Draco and meshopt count when the file uses them at all (a primitive or buffer view that uses
    them cannot be read without the decoder, required or not); any other extension only when the
    file requires it and the importer does not manage it (an unknown *used* one is skipped by the
    importer, the model still lands).
    """
    if Path(path).suffix.lower() not in (".glb", ".gltf"):
        return []
    required, used = declared(path)
    found: list[Missing] = []
    if DRACO in required | used and not draco_loads():
        found.append(
            Missing(
                DRACO,
                "This Blender has no Draco decoder (Linux distributions' Blender packages "
                "often lack it), so it cannot open this Draco-compressed model.",
            )
        )
    meshopt = next((e for e in MESHOPT_EXTENSIONS if e in required | used), None)
    if meshopt is not None and not gltf_supports_meshopt():
        found.append(
            Missing(meshopt, f"This Blender cannot open meshopt-compressed models ({meshopt_unavailable_reason()}).")
        )
    managed = managed_extensions()
    if managed is not None:
        for extension in sorted(required - managed - {DRACO, *MESHOPT_EXTENSIONS}):
            found.append(
                Missing(
                    extension,
                    f"This Blender's glTF importer cannot read {_plain(extension)}, which this model requires.",
                )
            )
    return found
