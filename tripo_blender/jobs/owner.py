"""Who owns a journal entry: one Blender session at a time, with a stale-owner rule.

Why: two Blender sessions on the same user folder share one journal folder. Without owners the
second session read the first one's in-flight jobs as its own: it flagged their POSTs
``uncertain`` (and its Retry paid again) and imported the same result a second time.

Design — per-entry ownership, not one lock for the whole folder: every session writes a small
lock file ``.session-<id>.lock`` (pid, hostname, process start time) and stamps each journal entry
it writes with its session id. A session loads an entry when it has no owner, is its own, or its
owner is *stale*; entries of a live other session are left alone (that session finishes them;
they are picked up when it is gone, e.g. on the next start). So two sessions can both work, and
neither touches the other's jobs.

Stale rule: the owner's lock file is gone (the session ended cleanly: :meth:`Session.release`),
or it names this host and its pid is not running, or the pid runs but started at another time
(the pid was reused after a crash). A lock of another host is treated as live (a shared network
home): its jobs show up once that session ends cleanly, or when its lock file is removed.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
import uuid
from pathlib import Path
from typing import Any

__all__ = ["Session", "LOCK_PREFIX"]

log = logging.getLogger("tripo_blender.jobs")

LOCK_PREFIX = ".session-"
_LOCK_SUFFIX = ".lock"


def _host() -> str:
    """This machine's name, for the lock file (socket is imported here, when a lock is written or
    read, not when Blender enables the add-on)."""
    import socket

    return socket.gethostname()


def _start_time(pid: int) -> str | None:
    """The process's start time as the OS records it (Linux ``/proc``), or None elsewhere."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            stat = fh.read()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[-1].split()
    return fields[19] if len(fields) > 19 else None  # field 22 of stat(5), counted after "comm"


def _pid_alive(pid: int) -> bool:
    """Is ``pid`` running on this machine? Errs on "alive" when it cannot tell."""
    if pid <= 0:
        return False
    if sys.platform == "win32":  # os.kill(pid, 0) would terminate the process on Windows
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)  # type: ignore[attr-defined]
        if not handle:
            return False
        code = ctypes.c_ulong()
        ctypes.windll.kernel32.GetExitCodeProcess(handle, ctypes.byref(code))  # type: ignore[attr-defined]
        ctypes.windll.kernel32.CloseHandle(handle)  # type: ignore[attr-defined]
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


class Session:
    """This session's identity in one journal folder, and the liveness of the others."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.id = uuid.uuid4().hex
        self._written = False
        self._claiming = threading.Lock()  # the journal read and the first save may claim at once
        self._ended = False  # released: a late write of a worker that outlived it claims nothing

    @property
    def lock_path(self) -> Path:
        return self.directory / f"{LOCK_PREFIX}{self.id}{_LOCK_SUFFIX}"

    def claim(self) -> None:
        """Write this session's lock file (once; before its first journal entry).

        Called by the journal's first save and by the background journal read, never when the
        add-on is enabled: a file write on Blender's main thread can wait on the disk for a
        tenth of a second when it is busy writing (a long history was just written)."""
        if self._written or self._ended:
            return
        with self._claiming:
            if self._written or self._ended:
                return
            pid = os.getpid()
            info = {"pid": pid, "host": _host(), "started": _start_time(pid)}
            self.directory.mkdir(parents=True, exist_ok=True)
            self.lock_path.write_text(json.dumps(info), encoding="utf-8")
            self._written = True

    def release(self) -> None:
        """The session ends: its unfinished entries may be taken over by the next session (a
        worker still waiting for a POST's answer writes its task id after this, unclaimed)."""
        with self._claiming:
            self._ended = True
        if self._written:
            self.lock_path.unlink(missing_ok=True)
            self._written = False

    def owns_or_may_take(self, owner: Any) -> bool:
        """May this session load an entry stamped ``owner``?"""
        if not owner or owner == self.id:
            return True
        return not self._alive(str(owner))

    def _alive(self, owner: str) -> bool:
        path = self.directory / f"{LOCK_PREFIX}{owner}{_LOCK_SUFFIX}"
        try:
            info = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return False
        except (OSError, ValueError):
            return True  # unreadable: do not take its jobs on a guess
        if not isinstance(info, dict) or info.get("host") != _host():
            return True
        pid = info.get("pid")
        if not isinstance(pid, int) or not _pid_alive(pid):
            self._remove_stale(path)
            return False
        started = info.get("started")
        if started is not None and _start_time(pid) not in (None, started):
            self._remove_stale(path)  # the pid was reused after that session crashed
            return False
        return True

    @staticmethod
    def _remove_stale(path: Path) -> None:
        log.info("Journal: session lock %s is stale (its Blender is gone); taking over its jobs", path.name)
        path.unlink(missing_ok=True)
