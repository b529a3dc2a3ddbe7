"""50 jobs through the real add-on at the emulator's concurrency limit of 10: every result lands,
never more than 10 tasks on the server, and Blender's pump stays a short tick while 50 results
are imported one per tick (real bpy, real glTF imports). The longest tick is logged for the
reliability table; a bench, not a timed assertion, judges its size (``bench/``)."""

from __future__ import annotations

import logging
import time
from typing import Any

from tests.emulator import Emulator

from .held_time import held
from .runtime_support import addon_module

RELIABILITY_AREA = "Load"
log = logging.getLogger(__name__)


def test_fifty_jobs_land_at_concurrency_ten_one_import_per_tick(
    rt: Any, online: Emulator, prefs: Any, clean_scene: Any
) -> None:
    online.concurrency_limit = 10
    online.set_timing(run_seconds=0.3)
    prefs.parallel_jobs = 10
    spec = addon_module("jobs").JobSpec
    jobs = [rt.submit(spec("text_to_model", {"prompt": f"crate {i}"}, name=f"Crate {i}")) for i in range(50)]
    longest, ticks = 0.0, 0
    deadline = time.monotonic() + 180
    while not all(rt.job(j.id).state.value in ("done", "failed") for j in jobs):
        assert time.monotonic() < deadline, "50 jobs did not land in 180 s"
        longest, ticks = max(longest, held(rt.pump)), ticks + 1  # less its waits for a CPU (.held_time)
        rt.runner().wait_for_events(0.25)
    assert [j.name for j in jobs if rt.job(j.id).state.value != "done"] == []
    assert online.max_in_flight <= 10, "the limit of 10 held"
    assert len(online.tasks) == 50, "one task each: nothing refused by the limit was resent as a new task"
    roots = {name for j in jobs for name in rt.job(j.id).objects}
    assert len(roots) >= 50, "every result landed in the scene"
    log.warning("50 jobs at concurrency 10: %d pump ticks, longest %.1f ms", ticks, longest * 1000)
