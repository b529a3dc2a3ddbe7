"""Row 7 of ``python3 build.py bench``: the any-mesh export for upload, main thread and file.

Run with a Blender venv (Blender as a Python module)::

    .venv/bpy-5.0/bin/python bench/mesh_export.py [--smoke] [--json]

Why: Texture / Rig / Smart UV… on a mesh of one's own upload it as a GLB first. Its export used to
be Blender's glTF exporter on the main thread — 2.9-4.5 s of frozen Blender for a sculpt of a
million triangles (issue 20). Now the main thread only reads the evaluated mesh into numpy arrays
(``mesh_export.export_meshes``) and a background thread writes the file. Three figures per size:

* **ours, main thread**: ``export_meshes`` (what the click holds Blender for);
* **ours, file ready**: the same plus the writer thread until the GLB is complete;
* **raw glTF exporter** (baseline): ``bpy.ops.export_scene.gltf`` of the same object, selected,
  modifiers applied, materials, normals and UVs — the exporter an add-on would otherwise call,
  all of it on the main thread;
* **foreach_get floor** (baseline): reading the arrays the file is made of (positions, corner
  vertices, normals — per vertex, the mesh is smooth —, UVs, triangle faces) with
  ``foreach_get`` into numpy — the least any export from the evaluated mesh costs on the main
  thread.

Meshes: the monkey, smooth-shaded with a UV map and a material, under a Subdivision modifier at
levels 1, 4 and 5 (4 k, 252 k and 1.0 M triangles), evaluated before timing (as the viewport
has when the artist right-clicks). Rounds interleave the sides; medians. Nothing is sent anywhere.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import Any

from _common import bench_arguments, blender_session, exit_without_teardown, print_table

REPO_MODULE = "tripo_bench"
ADDON_MODULE = f"bl_ext.{REPO_MODULE}.tripo_blender"
LEVELS = {"4k": 1, "250k": 4, "1M": 5}


def addon(name: str) -> Any:
    return import_module(f"{ADDON_MODULE}.{name}")


def sculpt(level: int) -> Any:
    """The monkey, smooth, UV-mapped, with a material, subdivided ``level`` times and evaluated."""
    import bmesh
    import bpy

    bpy.ops.wm.read_homefile(use_empty=True)
    mesh = bpy.data.meshes.new("Sculpt")
    bm = bmesh.new()
    bm.loops.layers.uv.new("UVMap")
    bmesh.ops.create_monkey(bm, calc_uvs=True)
    for face in bm.faces:
        face.smooth = True
    bm.to_mesh(mesh)
    bm.free()
    mesh.materials.append(bpy.data.materials.new("Clay"))
    ob = bpy.data.objects.new("Sculpt", mesh)
    bpy.context.scene.collection.objects.link(ob)
    ob.modifiers.new("Subdivision", "SUBSURF").levels = level
    ob.select_set(True)
    bpy.context.view_layer.objects.active = ob
    bpy.context.view_layer.update()
    floor(ob)  # evaluates the modifier and Blender's lazy caches (normals, triangles) once
    return ob


def floor(ob: Any) -> None:
    import bpy
    import numpy as np

    mesh = ob.evaluated_get(bpy.context.evaluated_depsgraph_get()).data
    corners, triangles = len(mesh.loops), len(mesh.loops) - 2 * len(mesh.polygons)
    for collection, prop, count, dtype in (
        (mesh.attributes["position"].data, "vector", len(mesh.vertices) * 3, np.float32),
        (mesh.attributes[".corner_vert"].data, "value", corners, np.int32),
        (mesh.vertex_normals, "vector", len(mesh.vertices) * 3, np.float32),  # smooth: per vertex
        (mesh.uv_layers[0].uv, "vector", corners * 2, np.float32),
        (mesh.loop_triangle_polygons, "value", triangles, np.int32),
    ):
        collection.foreach_get(prop, np.empty(count, dtype))


def ours(ob: Any) -> tuple[float, float]:
    """(main-thread seconds, seconds until the file is written)."""
    writes = addon("jobs.mesh_writes").EXPORT_WRITES
    started = time.perf_counter()
    exported = addon("blender.mesh_export").export_meshes([ob], ob)
    main = time.perf_counter() - started
    assert writes.wait(exported.path, 600)
    ready = time.perf_counter() - started
    Path(exported.path).unlink()
    return main, ready


def raw(ob: Any, folder: Path) -> None:
    import bpy

    bpy.ops.export_scene.gltf(
        filepath=str(folder / "raw.glb"),
        export_format="GLB",
        use_selection=True,
        export_apply=True,
        export_animations=False,
        export_materials="EXPORT",
        export_cameras=False,
        export_lights=False,
        export_extras=False,
    )


def seconds(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def run(smoke: bool) -> dict[str, Any]:
    with blender_session("tripo-bench-export-", REPO_MODULE) as scratch:
        import bpy

        levels = {"4k": 1, "16k": 2} if smoke else LEVELS
        out: dict[str, Any] = {}
        for name, level in levels.items():
            ob = sculpt(level)
            triangles = len(ob.evaluated_get(bpy.context.evaluated_depsgraph_get()).data.loop_triangle_polygons)
            rounds = 1 if smoke else (3 if level >= 5 else 5)
            ours(ob)  # warm: first-touch memory, the writer thread
            raw(ob, scratch)
            main: list[float] = []
            ready: list[float] = []
            theirs: list[float] = []
            least: list[float] = []

            def time_ours(ob: Any = ob, main: list[float] = main, ready: list[float] = ready) -> None:
                main_s, ready_s = ours(ob)
                main.append(main_s)
                ready.append(ready_s)

            sides: list[Callable[[], None]] = [
                lambda ob=ob, least=least: least.append(seconds(lambda: floor(ob))),
                time_ours,
                lambda ob=ob, theirs=theirs: theirs.append(seconds(lambda: raw(ob, scratch))),
            ]
            for r in range(rounds):  # each side first in turn
                for side in sides[r % 3 :] + sides[: r % 3]:
                    side()
            m, f, t, b = (statistics.median(v) for v in (main, ready, theirs, least))
            out[name] = {
                "triangles": triangles,
                "rounds": rounds,
                "main_s": m,
                "ready_s": f,
                "raw_s": t,
                "floor_s": b,
                "main_vs_raw": m / t,
                "main_vs_floor": m / b,
                "ready_vs_raw": f / t,
            }
        return {"blender": bpy.app.version_string, "sizes": out}


def main() -> int:
    args = bench_arguments(__doc__)
    result = run(args.smoke)
    print_table(
        [
            "mesh",
            "triangles",
            "ours main ms",
            "file ready ms",
            "raw glTF ms",
            "floor ms",
            "main/raw",
            "main/floor",
            "ready/raw",
        ],
        [
            [
                n,
                f"{s['triangles']:,}",
                f"{s['main_s'] * 1e3:.1f}",
                f"{s['ready_s'] * 1e3:.0f}",
                f"{s['raw_s'] * 1e3:.0f}",
                f"{s['floor_s'] * 1e3:.1f}",
                f"{s['main_vs_raw']:.3f}x",
                f"{s['main_vs_floor']:.1f}x",
                f"{s['ready_vs_raw']:.2f}x",
            ]
            for n, s in result["sizes"].items()
        ],
        title=f"Row 7: any-mesh export for upload (Blender {result['blender']}; baselines: the raw glTF "
        "exporter and a foreach_get floor, same run; medians)",
    )
    if args.json:
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    exit_without_teardown(main())
