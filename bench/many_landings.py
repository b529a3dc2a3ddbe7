"""Row 9 of ``python3 build.py bench``: a hundred landings into one scene against the raw importer.

Run with a Blender venv (Blender as a Python module)::

    .venv/bpy-5.0/bin/python bench/many_landings.py [--smoke] [--json] [--landings N] [--rounds N]

Why: row 4 times one landing into an empty scene. A batch of results lands into a scene that
fills up, and Blender's view-layer update grows with every collection in it: with one new
top-level collection per result the last of a hundred landings took 100-120 ms against 50-67 ms
for the raw importer (issue 25). Results of one batch now share one collection under the "Tripo"
collection, so the landings should cost what the importer costs.

* **ours**: ``landing.import_job`` of N jobs of one batch (``meta.batch``), each from the same
  static GLB (``portal.glb``, 3 objects after landing, 6 raw), all asked at the same cursor: the whole
  landing — import, naming, tags, placement side by side in the batch's collection.
* **raw** (baseline, same run): ``bpy.ops.import_scene.gltf`` of the same file N times *into the
  same structure*: a "Tripo" collection under the scene's with one batch collection in it, made
  the active collection before the first import (so the importer links straight into it).

Each run starts from an empty scene; rounds alternate which side goes first; medians over rounds
of the total and of the mean of the last 10 landings ("last landing"), so one slow tick does not
decide it. Wall time is the figure (what the artist waits); the process's CPU time is reported
beside it because it barely moves when other processes load the machine, which wall time does
by ±30 % on a shared 2-core box. The undo push is skipped in background mode for both (``importer.push_undo``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from importlib import import_module
from typing import Any

from _common import ROOT, blender_session, print_table

REPO_MODULE = "tripo_bench"
ADDON_MODULE = f"bl_ext.{REPO_MODULE}.tripo_blender"
ASSET = ROOT / "tests" / "assets" / "portal.glb"
#: Landings averaged for "last landing" (the tail of the run, where the scene is fullest).
TAIL = 10


def addon(name: str) -> Any:
    return import_module(f"{ADDON_MODULE}.{name}")


Sample = tuple[float, float]  # (wall, CPU) seconds of one landing


def timed(fn: Any, *args: Any) -> Sample:
    wall, cpu = time.perf_counter(), time.process_time()
    fn(*args)
    return time.perf_counter() - wall, time.process_time() - cpu


def ours(count: int) -> list[Sample]:
    """(wall, CPU) seconds of each of ``count`` landings of one batch, into an empty scene."""
    jobs, landing, importer = addon("jobs"), addon("blender.landing"), addon("blender.importer")
    now = time.time()
    seconds: list[Sample] = []
    for index in range(count):
        job = jobs.Job(
            id=f"bench{index}",
            spec=jobs.JobSpec(
                "text_to_model",
                {"prompt": "bench"},
                name=f"crate {index + 1}",
                meta={"location": [0.0, 0.0, 0.0], "batch": "bench-batch"},
            ),
            state=jobs.JobState.IMPORTING,
            created_at=now,
            updated_at=now,
            revision=1,
            task_id=f"task-{index}",
        )
        seconds.append(timed(landing.import_job, job, {"model": str(ASSET)}, importer.ImportOptions()))
    return seconds


def raw(count: int) -> list[Sample]:
    """(wall, CPU) seconds of each of ``count`` raw glTF imports into a Tripo/batch collection pair."""
    import bpy

    scene = bpy.context.scene
    parent = bpy.data.collections.new("Tripo")
    scene.collection.children.link(parent)
    batch = bpy.data.collections.new("crate 1")
    parent.children.link(batch)
    layer = bpy.context.view_layer.layer_collection.children[parent.name].children[batch.name]
    bpy.context.view_layer.active_layer_collection = layer
    return [timed(lambda: bpy.ops.import_scene.gltf(filepath=str(ASSET))) for _ in range(count)]


def fresh() -> None:
    import bpy

    bpy.ops.wm.read_homefile(use_empty=True)


def run(smoke: bool, count: int, rounds: int) -> dict[str, Any]:
    with blender_session("tripo-bench-landings-", REPO_MODULE):
        import bpy

        fresh()
        raw(2)  # warm the importer add-on and the file cache
        mine: list[list[Sample]] = []
        theirs: list[list[Sample]] = []
        for r in range(rounds):
            for side in ((ours, mine), (raw, theirs)) if r % 2 == 0 else ((raw, theirs), (ours, mine)):
                fresh()
                side[1].append(side[0](count))
        tail = min(TAIL, count)

        def summary(runs: list[list[Sample]], k: int) -> dict[str, float]:
            return {
                "total_s": statistics.median(sum(x[k] for x in s) for s in runs),
                "last_s": statistics.median(statistics.fmean(x[k] for x in s[-tail:]) for s in runs),
                "first_s": statistics.median(s[0][k] for s in runs),
            }

        m, t = summary(mine, 0), summary(theirs, 0)
        mc, tc = summary(mine, 1), summary(theirs, 1)
        return {
            "blender": bpy.app.version_string,
            "asset": ASSET.name,
            "landings": count,
            "rounds": rounds,
            "tail": tail,
            "ours": m,
            "raw": t,
            "total_ratio": m["total_s"] / t["total_s"],
            "last_ratio": m["last_s"] / t["last_s"],
            "ours_cpu": mc,
            "raw_cpu": tc,
            "total_cpu_ratio": mc["total_s"] / tc["total_s"],
            "last_cpu_ratio": mc["last_s"] / tc["last_s"],
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="5 landings, 1 round")
    parser.add_argument("--landings", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON line at the end")
    args = parser.parse_args()
    result = run(args.smoke, 5 if args.smoke else args.landings, 1 if args.smoke else args.rounds)
    rows = []
    for clock, mine, theirs in (
        ("wall", result["ours"], result["raw"]),
        ("CPU", result["ours_cpu"], result["raw_cpu"]),
    ):
        rows += [
            [
                f"{clock}: all landings",
                f"{mine['total_s'] * 1e3:.0f}",
                f"{theirs['total_s'] * 1e3:.0f}",
                f"{mine['total_s'] / theirs['total_s']:.2f}x",
            ],
            [
                f"{clock}: last landing (mean of last {result['tail']})",
                f"{mine['last_s'] * 1e3:.1f}",
                f"{theirs['last_s'] * 1e3:.1f}",
                f"{mine['last_s'] / theirs['last_s']:.2f}x",
            ],
            [
                f"{clock}: first landing",
                f"{mine['first_s'] * 1e3:.1f}",
                f"{theirs['first_s'] * 1e3:.1f}",
                f"{mine['first_s'] / theirs['first_s']:.2f}x",
            ],
        ]
    print_table(
        ["", "ours ms", "raw ms", "ours/raw"],
        rows,
        title=f"Row 9: {result['landings']} landings of {result['asset']} vs the raw importer into the same "
        f"structure (Blender {result['blender']}, median of {result['rounds']})",
    )
    if args.json:
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
