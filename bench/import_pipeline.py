"""Row 4 of ``python3 build.py bench``: what our import pipeline adds to Blender's own importer.

Run with a Blender venv (Blender as a Python module)::

    .venv/bpy-5.0/bin/python bench/import_pipeline.py [--smoke] [--json]

Why: a finished job lands through ``landing.import_job`` (new collection, placement at the
submit-time cursor, tags, one undo step). That work is ours and runs on the main thread; the
importer's own time is Blender's. Baseline, same run and same file: the raw
``bpy.ops.import_scene.gltf``/``fbx`` call with its defaults. Each import starts from an empty
scene; rounds alternate which side goes first; medians.

Assets: a static GLB (``portal.glb``), a rigged and animated GLB (``Fox.glb``), an animated FBX
(``Skeleton.fbx``), and a generated GLB of >= 20 MB (a dense grid, written at start-up).
"""

from __future__ import annotations

import json
import statistics
import struct
import time
from importlib import import_module
from pathlib import Path
from typing import Any

from _common import ROOT, bench_arguments, blender_session, print_table

REPO_MODULE = "tripo_bench"
ADDON_MODULE = f"bl_ext.{REPO_MODULE}.tripo_blender"
ASSETS = ROOT / "tests" / "assets"


def addon(name: str) -> Any:
    return import_module(f"{ADDON_MODULE}.{name}")


def big_glb(path: Path, side: int) -> None:
    """A ``side`` x ``side`` vertex grid (positions + indices): ~``side**2 * 36`` bytes of GLB."""
    from tests.emulator import glb

    positions = bytearray()
    for y in range(side):
        for x in range(side):
            positions += struct.pack("<3f", x / side, y / side, ((x * 7 + y * 13) % 17) / 170)
    indices = bytearray()
    for y in range(side - 1):
        row = y * side
        for x in range(side - 1):
            a = row + x
            indices += struct.pack("<6I", a, a + 1, a + side, a + 1, a + side + 1, a + side)
    count = (side - 1) ** 2 * 6
    doc = {
        "asset": {"version": "2.0"},
        "scene": 0,
        "scenes": [{"nodes": [0]}],
        "nodes": [{"mesh": 0, "name": "grid"}],
        "meshes": [{"primitives": [{"attributes": {"POSITION": 0}, "indices": 1}]}],
        "buffers": [{"byteLength": len(positions) + len(indices)}],
        "bufferViews": [
            {"buffer": 0, "byteOffset": 0, "byteLength": len(positions), "target": 34962},
            {"buffer": 0, "byteOffset": len(positions), "byteLength": len(indices), "target": 34963},
        ],
        "accessors": [
            {
                "bufferView": 0,
                "componentType": 5126,
                "count": side * side,
                "type": "VEC3",
                "min": [0, 0, 0],
                "max": [1, 1, 0.1],
            },
            {"bufferView": 1, "componentType": 5125, "count": count, "type": "SCALAR"},
        ],
    }
    path.write_bytes(glb.write(doc, bytes(positions + indices)))


def raw(path: Path) -> None:
    import bpy

    op = bpy.ops.import_scene.gltf if path.suffix.lower() == ".glb" else bpy.ops.import_scene.fbx
    op(filepath=str(path))


def ours(path: Path, index: int) -> None:
    jobs, landing, importer = addon("jobs"), addon("blender.landing"), addon("blender.importer")
    now = time.time()
    job = jobs.Job(
        id=f"bench{index}",
        spec=jobs.JobSpec("text_to_model", {"prompt": "bench"}, name=path.stem, meta={"location": [0.0, 0.0, 0.0]}),
        state=jobs.JobState.IMPORTING,
        created_at=now,
        updated_at=now,
        revision=1,
        task_id=f"task-{index}",
    )
    landing.import_job(job, {"model": str(path)}, importer.ImportOptions())


def timed(fn: Any, *args: Any) -> float:
    import bpy

    bpy.ops.wm.read_homefile(use_empty=True)
    started = time.perf_counter()
    fn(*args)
    return time.perf_counter() - started


def run(smoke: bool) -> dict[str, Any]:
    with blender_session("tripo-bench-import-", REPO_MODULE) as scratch:
        import bpy

        big = scratch / "grid.glb"
        big_glb(big, 120 if smoke else 760)
        assets = {
            "static GLB": ASSETS / "portal.glb",
            "rigged GLB": ASSETS / "Fox.glb",
            "animated FBX": ASSETS / "Skeleton.fbx",
            f"{big.stat().st_size / 1e6:.0f} MB GLB": big,
        }
        rounds = 1 if smoke else 7
        out: dict[str, Any] = {}
        for name, path in assets.items():
            mine: list[float] = []
            theirs: list[float] = []
            timed(raw, path)  # warm the importer add-on and the file cache
            for r in range(rounds):
                if r % 2:
                    mine.append(timed(ours, path, r))
                    theirs.append(timed(raw, path))
                else:
                    theirs.append(timed(raw, path))
                    mine.append(timed(ours, path, r))
            m, t = statistics.median(mine), statistics.median(theirs)
            out[name] = {"ours_s": m, "raw_s": t, "ratio": m / t, "raw_op": "gltf" if path.suffix == ".glb" else "fbx"}
        return {"blender": bpy.app.version_string, "rounds": rounds, "assets": out}


def main() -> int:
    args = bench_arguments(__doc__)
    result = run(args.smoke)
    print_table(
        ["asset", "ours ms", "raw ms", "ours/raw"],
        [
            [n, f"{a['ours_s'] * 1e3:.1f}", f"{a['raw_s'] * 1e3:.1f}", f"{a['ratio']:.2f}x"]
            for n, a in result["assets"].items()
        ],
        title=f"Row 4: import pipeline vs raw importer (Blender {result['blender']}, median of {result['rounds']})",
    )
    if args.json:
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
