"""Which splat format a file is — told by its own first bytes, never its name — and reading it.

Why the bytes: Tripo documents no format for ``splat_url`` (docs/sources.md#splat-format), and a URL's
or file's extension can say ``.ply`` of an SPZ. The magics: ``ply`` (a PLY header), ``1f 8b`` whose
stream starts ``NGSP`` (SPZ; ``NGSP`` in the clear is SPZ 4), ``glTF`` (a GLB), or a JSON object
using ``KHR_gaussian_splatting`` (a .gltf).

:func:`read_splat` is the one door: anything wrong with the file comes out as a
:class:`~.gaussians.SplatError` whose message an artist can act on — a damaged file must never
become a traceback, whatever bytes it holds (tests feed it truncated and scrambled files).
"""

from __future__ import annotations

import json
import logging
import os
import struct
import time
import zlib
from collections.abc import Callable
from typing import BinaryIO

from .gaussians import Splat, SplatError
from .gltf import GLB_MAGIC, is_splat_gltf, read_gltf
from .ply import MAGIC as PLY_MAGIC
from .ply import read_ply
from .spz import GZIP_MAGIC, PLAIN_MAGIC, is_spz_stream, read_spz

__all__ = ["FORMATS", "splat_format", "read_splat"]

log = logging.getLogger(__name__)

_READERS: dict[str, Callable[[BinaryIO], Splat]] = {"ply": read_ply, "spz": read_spz, "gltf": read_gltf}
#: The formats, as :func:`splat_format` names them.
FORMATS = tuple(_READERS)
_HEAD = 64 * 1024


def _json_splat(head: bytes, fh: BinaryIO) -> bool:
    if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return False
    try:
        doc = json.loads((head + fh.read()).decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return False
    return isinstance(doc, dict) and is_splat_gltf(doc)


def splat_format(fh: BinaryIO) -> str | None:
    """``"ply"``, ``"spz"`` or ``"gltf"`` for the file open in ``fh`` (rewound after), else None."""
    start = fh.tell()
    try:
        head = fh.read(_HEAD)
        if head[:3] == PLY_MAGIC and head[3:4] in (b"\n", b"\r"):
            return "ply"
        if head[:4] == PLAIN_MAGIC or (head[:2] == GZIP_MAGIC and is_spz_stream(head)):
            return "spz"
        if head[:4] == GLB_MAGIC or _json_splat(head, fh):
            return "gltf"
        return None
    finally:
        fh.seek(start)


def _unknown(fh: BinaryIO) -> str:
    head = fh.read(16)
    fh.seek(0)
    shown = head.decode("ascii", "replace") if head.isascii() else head[:8].hex(" ")
    return (
        f"The file is not a Gaussian splat this add-on reads (3DGS PLY, SPZ, or glTF with "
        f"KHR_gaussian_splatting): it starts with {shown!r}."
    )


def read_splat(path: str | os.PathLike[str]) -> Splat:
    """Every gaussian of the splat file at ``path`` (see :mod:`.gaussians` for the encodings).

    Raises :class:`SplatError` for anything but a readable splat (missing file included).
    """
    name = os.path.basename(os.fspath(path))
    started = time.perf_counter()
    kind: str | None = None
    try:
        with open(path, "rb") as fh:
            kind = splat_format(fh)
            if kind is None:
                raise SplatError(_unknown(fh))
            splat = _READERS[kind](fh)
    except SplatError as exc:
        raise SplatError(f"{name}: {exc}") from None
    except OSError as exc:
        raise SplatError(f"{name} cannot be read: {exc.strerror or exc}.") from None
    except (
        ValueError,
        IndexError,
        KeyError,
        TypeError,
        OverflowError,
        struct.error,
        zlib.error,
        EOFError,
        MemoryError,
    ) as exc:  # bytes no check foresaw: still the file's fault, said as such
        log.debug("Reading %s failed", path, exc_info=True)
        raise SplatError(
            f"{name} is damaged: it could not be read as a {kind or 'splat'} file ({type(exc).__name__}: {exc})."
        ) from None
    log.info(
        "Read %s: %s, %d gaussians, SH degree %d, in %.2f s",
        name,
        splat.source,
        splat.count,
        splat.sh_degree,
        time.perf_counter() - started,
    )
    return splat
