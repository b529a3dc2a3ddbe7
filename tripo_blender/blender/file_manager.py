"""Show a folder in the system's file manager, or say clearly why that is not possible.

Why: Blender's ``wm.path_open`` runs ``xdg-open`` on Linux and, when that program is missing (a
minimal desktop, a container, a server), prints a traceback to the terminal and reports success —
the user clicks "Folder" and nothing happens. Here the opener is looked up first; a missing one
becomes a :class:`UserError` that names the folder, so the user can still find the files. The
opener is started and not waited for: the main thread never blocks on another program.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

from ..rules.account import UserError

__all__ = ["opener", "open_folder"]

log = logging.getLogger(__name__)

#: Programs that show a folder, per platform (``sys.platform`` prefix), first found wins.
_OPENERS: dict[str, tuple[str, ...]] = {"darwin": ("open",), "linux": ("xdg-open", "gio"), "freebsd": ("xdg-open",)}


def opener() -> list[str] | None:
    """The command (without the path) that shows a folder here, or None when there is none."""
    for prefix, names in _OPENERS.items():
        if sys.platform.startswith(prefix):
            for name in names:
                found = shutil.which(name)
                if found:
                    return [found, "open"] if name == "gio" else [found]
    return None


def open_folder(path: Path) -> None:
    """Show ``path`` in the file manager; raise :class:`UserError` saying what went wrong."""
    if not path.is_dir():
        raise UserError(f"The folder {path} does not exist any more (the cache may have been cleared).")
    if sys.platform.startswith("win"):
        try:
            getattr(os, "startfile")(str(path))  # Windows only; absent from the stubs elsewhere
        except OSError as exc:
            raise UserError(f"Windows could not open {path}: {exc.strerror or exc}.") from None
        return
    command = opener()
    if command is None:
        wanted = " or ".join(next((n for p, n in _OPENERS.items() if sys.platform.startswith(p)), ("xdg-open",)))
        raise UserError(f"No file manager to open it with ({wanted} is not installed). The files are in: {path}")
    try:
        subprocess.Popen(
            [*command, str(path)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as exc:
        raise UserError(
            f"Could not start {Path(command[0]).name} ({exc.strerror or exc}). The files are in: {path}"
        ) from None
    log.info("Opened %s with %s", path, command[0])
