"""How long a call held Blender's main thread: its wall time less the time this thread waited in
the OS run queue meanwhile.

Why: the freeze bounds (100 ms a tick, 50 ms to enable) are about what the add-on does to the
main thread — its work, and its waits on locks, disks and threads. On a shared two-CPU machine
(CI runs six test steps side by side) a 5 ms tick can also spend 100 ms waiting for a CPU that
other processes hold; that is the neighbours' load, not a freeze the add-on caused. Linux counts
that wait per thread (``/proc/thread-self/schedstat``, its second field, in ns); elsewhere the
wall time is returned as it is.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

_SCHEDSTAT = Path("/proc/thread-self/schedstat")


def _run_queue_wait() -> float:
    """Seconds this thread has waited for a CPU since it started (0.0 where the OS does not say)."""
    try:
        return int(_SCHEDSTAT.read_text().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


def held(call: Callable[[], Any]) -> float:
    """Seconds ``call`` held the calling thread, not counting its waits for a CPU."""
    waited, started = _run_queue_wait(), time.perf_counter()
    call()
    wall = time.perf_counter() - started
    return max(0.0, wall - (_run_queue_wait() - waited))
