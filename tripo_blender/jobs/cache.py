"""The download cache: one folder per task, ``<cache>/<task_id>/``, that users can see and clear;
and the folder of files written for upload (:class:`InputFiles`).

Why per task: a task's files (model, thumbnail, an unpacked OBJ zip) belong together, the
folder name says which task made them (the imported objects carry the same id), and clearing
one result is one ``rmtree``. Why a helper at all: downloads that pile up in a hidden folder
with no way to see or clear them are a classic complaint; the UI shows :meth:`Cache.size`
and offers :meth:`Cache.clear`, which never touches folders of jobs still in progress.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Cache", "CacheEntry", "InputFiles", "local_paths"]

log = logging.getLogger("tripo_blender.jobs")

# Task ids are UUIDs; anything else could name a path outside the cache.
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


@dataclass(frozen=True)
class CacheEntry:
    """One task folder: its id, where it is, how many bytes it holds, when it last changed."""

    task_id: str
    path: Path
    size: int
    modified: float


def _tree_size(path: Path) -> tuple[int, float]:
    """Total bytes of the regular files below ``path`` and the newest modification time."""
    total = 0
    newest = path.stat().st_mtime
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                st = os.stat(os.path.join(root, name), follow_symlinks=False)
            except FileNotFoundError:  # removed while we walk: it no longer counts
                continue
            total += st.st_size
            newest = max(newest, st.st_mtime)
    return total, newest


class Cache:
    """Per-task download folders below ``root`` (created on first use)."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def folder(self, task_id: str) -> Path:
        """The folder for ``task_id``'s files (not created here)."""
        if not _SAFE_NAME.match(task_id) or task_id in (".", ".."):
            raise ValueError(f"unsafe task id for a cache folder: {task_id!r}")
        return self.root / task_id

    def entries(self) -> list[CacheEntry]:
        """Every task folder with its size, newest first."""
        if not self.root.is_dir():
            return []
        found = []
        for path in self.root.iterdir():
            if path.is_dir() and not path.is_symlink() and _SAFE_NAME.match(path.name):
                try:
                    size, modified = _tree_size(path)
                except FileNotFoundError:
                    continue
                found.append(CacheEntry(path.name, path, size, modified))
        found.sort(key=lambda e: e.modified, reverse=True)
        return found

    def size(self) -> int:
        """Bytes used by all task folders."""
        return sum(e.size for e in self.entries())

    def remove(self, task_id: str) -> int:
        """Delete one task's folder; returns the bytes freed (0 when it did not exist)."""
        path = self.folder(task_id)
        if not path.is_dir():
            return 0
        size, _ = _tree_size(path)
        shutil.rmtree(path)
        log.info("Removed cached files of task %s (%d bytes)", task_id, size)
        return size

    def clear(self, keep: Collection[str] = ()) -> int:
        """Delete every task folder except those in ``keep``; returns the bytes freed.

        ``keep`` must hold the task ids of jobs still downloading or importing: deleting their
        files would break an import in progress.
        """
        freed = 0
        for entry in self.entries():
            if entry.task_id in keep:
                continue
            try:
                freed += self.remove(entry.task_id)
            except OSError as exc:  # a file open elsewhere (Windows): keep going, report it
                log.warning("Could not remove cached task %s: %s", entry.task_id, exc)
        return freed


def local_paths(params: Mapping[str, Any]) -> set[str]:
    """Every string in a job's params (nested lists and dicts too): the local files it may upload
    are among them. Which key holds an image differs per kind; walking them all cannot miss one."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, Mapping):
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)

    walk(params)
    return found


class InputFiles:
    """Files the add-on wrote so a worker can upload them (images packed in a .blend, generated
    or painted on), flat in one folder.

    They must outlive the session (a resumed job uploads its file after a restart), so nothing
    deletes them when a job ends; instead "Clear cache" removes every file that no unfinished
    job's params name (:meth:`clear`) and the cache size shown includes them (:meth:`size`).
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def files(self) -> list[Path]:
        """The regular files directly in the folder (leftover ``.part`` files included)."""
        if not self.root.is_dir():
            return []
        return [p for p in self.root.iterdir() if p.is_file() and not p.is_symlink()]

    def size(self) -> int:
        total = 0
        for path in self.files():
            try:
                total += path.stat().st_size
            except FileNotFoundError:
                continue
        return total

    def clear(self, keep: Iterable[str]) -> int:
        """Delete every file not named in ``keep`` (absolute paths, as the params hold them; other
        strings are ignored); returns the bytes freed."""
        kept = {os.path.normcase(os.path.realpath(p)) for p in keep if os.path.isabs(p)}  # prepared paths are absolute
        freed = 0
        for path in self.files():
            if os.path.normcase(os.path.realpath(path)) in kept:
                continue
            try:
                size = path.stat().st_size
                path.unlink()
            except FileNotFoundError:
                continue
            except OSError as exc:  # open elsewhere (Windows): keep going, report it
                log.warning("Could not remove input file %s: %s", path.name, exc)
                continue
            freed += size
        if freed:
            log.info("Removed %d bytes of images written for upload", freed)
        return freed
