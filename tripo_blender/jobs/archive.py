"""Safe extraction of ZIP archives delivered by the Tripo API (bpy-free).

Tripo delivers some conversions (OBJ with its MTL and textures, for example) as ZIP files. A
ZIP is data from the network: an entry named ``../../.bashrc``, ``/etc/passwd`` or a symbolic
link must never write outside the task's own folder. Python's ``zipfile.extractall`` only
sanitises names silently; we refuse the whole archive instead, so a hostile or corrupt download
is reported rather than half-extracted.

Why in the job's worker (:func:`unpack_downloads`), not in the importer: inflating is CPU and
disk work proportional to what the archive *unpacks to*; done inside the pump's tick, a 2 MiB ZIP
that inflates to 1 GiB froze Blender for most of a second. The worker unpacks right after the
download. Two caps keep a zip bomb out: the total size, and the ratio of unpacked to packed bytes
per entry.

Why the worker also picks the model file (:func:`model_in`): an OBJ bundle of 20,000 small files
made the importer's walk of the folder (``rglob`` and a ``stat`` per file) freeze the landing tick
for most of a second. The worker chooses from the archive's own listing (names and sizes, no walk)
and hands the landing the model's path instead of the archive's.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

__all__ = [
    "UnsafeArchiveError",
    "safe_extract_zip",
    "unpack",
    "model_in",
    "refusal",
    "MAX_UNPACKED_BYTES",
    "MAX_RATIO",
    "MODEL_SUFFIXES",
]

#: A conversion result is a few hundred MB at most; anything bigger is treated as a zip bomb.
MAX_UNPACKED_BYTES = 2 * 1024**3
#: Deflate packs OBJ text about 3-10x and textures hardly at all; a bomb packs zeros about 1000x.
MAX_RATIO = 100
#: Formats Blender can open, in order of preference when an archive holds several candidates.
MODEL_SUFFIXES = (".glb", ".gltf", ".fbx", ".obj", ".usdz", ".usdc", ".usda", ".usd", ".stl")
#: Entries smaller than this are not ratio-checked (a tiny file of blanks packs well and is harmless).
_RATIO_FLOOR = 1024 * 1024


class UnsafeArchiveError(ValueError):
    """The archive contains an entry that would escape the destination folder (or is too big)."""


def _check_entry(info: zipfile.ZipInfo) -> PurePosixPath:
    """Return the entry's relative path, or raise if it is absolute, climbs out, is a link, or
    inflates far beyond its packed size (a zip bomb)."""
    name = info.filename.replace("\\", "/")
    path = PurePosixPath(name)
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise UnsafeArchiveError(f"archive entry {name!r} is a symbolic link")
    if path.is_absolute() or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise UnsafeArchiveError(f"archive entry {name!r} has an absolute path")
    if any(part == ".." for part in path.parts):
        raise UnsafeArchiveError(f"archive entry {name!r} points outside its folder")
    packed = max(info.compress_size, 1)
    if info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * packed:
        raise UnsafeArchiveError(
            f"archive entry {name!r} unpacks {info.file_size // packed} times its packed size (a zip bomb?)"
        )
    return path


def safe_extract_zip(archive: str | os.PathLike[str], destination: str | os.PathLike[str]) -> list[Path]:
    """Extract ``archive`` into ``destination`` and return the extracted file paths.

    Every entry is checked before anything is written; extraction goes to a temporary folder
    beside ``destination`` that is renamed into place only when complete, so a failure leaves
    nothing behind. ``destination`` must not exist yet (results are never overwritten).
    """
    dest = Path(destination)
    if dest.exists():
        raise FileExistsError(f"{dest} already exists; refusing to overwrite it")
    with zipfile.ZipFile(archive) as zf:
        infos = zf.infolist()
        entries = [(_check_entry(info), info) for info in infos]
        total = sum(info.file_size for info in infos)
        if total > MAX_UNPACKED_BYTES:
            raise UnsafeArchiveError(f"archive unpacks to {total} bytes, more than allowed")
        dest.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".unzip-", dir=dest.parent))
        try:
            written: list[Path] = []
            for rel, info in entries:
                target = staging.joinpath(*rel.parts)
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, open(target, "wb") as out:
                    shutil.copyfileobj(src, out)
                written.append(dest.joinpath(*rel.parts))
            os.replace(staging, dest)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return written


def unpack(path: str | os.PathLike[str]) -> Path | None:
    """Unpack the downloaded ``path`` beside itself if it is a ZIP (once); its folder, or None.

    Raises :class:`UnsafeArchiveError` (hostile or too big) or :class:`zipfile.BadZipFile`
    (damaged); nothing is left extracted then.
    """
    if Path(path).suffix.lower() != ".zip":
        return None
    folder = Path(path).with_suffix("")  # beside the archive, named after it
    if not folder.is_dir():
        safe_extract_zip(path, folder)
    return folder


def model_in(path: str | os.PathLike[str]) -> Path | None:
    """The model file of the ZIP ``path`` once unpacked (:func:`unpack`): the largest entry of the
    best-ranked format in :data:`MODEL_SUFFIXES`; None when the archive holds none.

    Chosen from the archive's listing, not by walking the unpacked folder, so the answer costs no
    ``stat`` per file. Raises :class:`UnsafeArchiveError` or :class:`zipfile.BadZipFile` as
    :func:`safe_extract_zip` does.
    """
    with zipfile.ZipFile(path) as zf:
        entries = [(_check_entry(info), info.file_size) for info in zf.infolist() if not info.is_dir()]
    for suffix in MODEL_SUFFIXES:
        matches = [(size, name) for name, size in entries if name.suffix.lower() == suffix]
        if matches:
            _, best = max(matches, key=lambda m: (m[0], str(m[1])))
            return Path(path).with_suffix("").joinpath(*best.parts)
    return None


def refusal(name: str, exc: UnsafeArchiveError | zipfile.BadZipFile) -> str:
    """What the artist reads when the archive ``name`` could not be unpacked (one wording everywhere)."""
    if isinstance(exc, UnsafeArchiveError):
        return (
            f"Refused the downloaded archive {name}: {exc}. Nothing was extracted; "
            "the server's file may be damaged or hostile."
        )
    return f"The downloaded archive {name} is damaged ({exc})."
