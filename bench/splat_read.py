"""Image to splat: reading a 1 M-gaussian splat file, and landing it, per format.

Run with the Blender 5.3 venv (Blender as a Python module; the importer baseline needs 5.3)::

    .venv/bpy-5.3/bin/python bench/splat_read.py [--smoke] [--json]

Why: a splat Tripo returns is a file of up to millions of gaussians, and the add-on reads it
without numpy (the bpy-free layers do without it) on the job's worker thread, then lands it on
the main thread from ready arrays. Per format (3DGS PLY, SPZ v3, GLB with
``KHR_gaussian_splatting``, SH degree 3, 1 M gaussians — the emulator's 1000-gaussian ball tiled;
2000 with ``--smoke``), four figures:

* **ours, worker** (``read_splat``): wall and CPU seconds of the pure-Python reader, off the main
  thread;
* **numpy reader** (PLY only, baseline): the same reading written with numpy — what the decision
  to stay numpy-free was measured against;
* **ours, main thread** (``land_splat`` from the read arrays): what Blender's UI waits for;
* **Blender's importer** (baseline): ``wm.ply_import`` / ``wm.spz_import`` / ``import_scene.gltf``
  of the same file, all of it on the main thread.

Medians of 3 rounds (1 with ``--smoke``). Nothing is sent anywhere.
"""

from __future__ import annotations

import gzip
import json
import struct
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from _common import bench_arguments, blender_session, median, print_table, ratio

from tests.emulator import splat as files

REPO_MODULE = "tripo_bench"
ADDON_MODULE = f"bl_ext.{REPO_MODULE}.tripo_blender"
BLOCK = 1000  # gaussians of the cloud that is tiled


def tiled_ply(count: int) -> bytes:
    data = files.ply(files.cloud(BLOCK))
    head, _, body = data.partition(b"end_header\n")
    head = head.replace(f"element vertex {BLOCK}".encode(), f"element vertex {count}".encode())
    return head + b"end_header\n" + body * (count // BLOCK)


def tiled_spz(count: int) -> bytes:
    raw = gzip.decompress(files.spz(files.cloud(BLOCK)))
    header, rest, at = bytearray(raw[:16]), raw[16:], 0
    struct.pack_into("<I", header, 8, count)
    blocks = []
    for size in (9, 1, 3, 3, 4, 45):  # positions, alphas, colours, scales, rotations (v3), SH degree 3
        blocks.append(rest[at : at + size * BLOCK] * (count // BLOCK))
        at += size * BLOCK
    return gzip.compress(bytes(header) + b"".join(blocks), compresslevel=6)


def tiled_glb(count: int) -> bytes:
    data = files.gltf(files.cloud(BLOCK))
    size = struct.unpack_from("<I", data, 12)[0]
    doc, blob = json.loads(data[20 : 20 + size]), data[20 + size + 8 :]
    reps, out = count // BLOCK, bytearray()
    for view in doc["bufferViews"]:
        chunk = blob[view["byteOffset"] : view["byteOffset"] + view["byteLength"]] * reps
        view["byteOffset"], view["byteLength"] = len(out), len(chunk)
        out += chunk + bytes(-len(chunk) % 4)
    for accessor in doc["accessors"]:
        accessor["count"] = count
    doc["buffers"] = [{"byteLength": len(out)}]
    text = json.dumps(doc).encode()
    text += b" " * (-len(text) % 4)
    chunks = struct.pack("<II", len(text), 0x4E4F534A) + text + struct.pack("<II", len(out), 0x004E4942) + bytes(out)
    return b"glTF" + struct.pack("<II", 2, 12 + len(chunks)) + chunks


def numpy_ply(path: Path) -> Any:
    """The PLY reading of ``read_splat``, written with numpy (the baseline)."""
    import numpy as np

    with open(path, "rb") as fh:
        header = b""
        while not header.endswith(b"end_header\n"):
            header += fh.readline()
        names = [line.split()[-1].decode() for line in header.splitlines() if line.startswith(b"property")]
        count = int(next(line for line in header.splitlines() if line.startswith(b"element vertex")).split()[-1])
        rows = np.fromfile(fh, dtype=np.dtype([(n, "<f4") for n in names]), count=count)
    col = {n: rows[n] for n in names}
    rest = [n for n in names if n.startswith("f_rest_")]
    k = len(rest) // 3
    quats = np.stack([col[f"rot_{i}"] for i in range(4)], axis=1)
    dc = np.stack([col[f"f_dc_{i}"] for i in range(3)], axis=1)
    return {
        "positions": np.stack([col["x"], col["y"], col["z"]], axis=1),
        "scales": np.exp(np.stack([col[f"scale_{i}"] for i in range(3)], axis=1)),
        "rotations": quats / np.linalg.norm(quats, axis=1, keepdims=True),
        "opacities": 1.0 / (1.0 + np.exp(-col["opacity"])),
        "colors": np.clip(0.5 + 0.28209479177387814 * dc, 0.0, 1.0),
        "sh": [np.stack([col[rest[j]], col[rest[k + j]], col[rest[2 * k + j]]], axis=1) for j in range(k)],
    }


def timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def run(count: int, rounds: int) -> dict[str, Any]:
    from importlib import import_module

    import bpy

    read_splat = import_module(f"{ADDON_MODULE}.jobs.splats").read_splat
    landing = import_module(f"{ADDON_MODULE}.blender.splat_landing")
    importers = {"ply": bpy.ops.wm.ply_import, "spz": bpy.ops.wm.spz_import, "glb": bpy.ops.import_scene.gltf}
    makers = {"ply": tiled_ply, "spz": tiled_spz, "glb": tiled_glb}
    out: dict[str, Any] = {"count": count, "native": landing.native_splats(), "formats": {}}
    folder = Path(tempfile.mkdtemp(prefix="tripo-bench-splat-"))
    for fmt, make in makers.items():
        path = folder / f"splat.{fmt}"
        path.write_bytes(make(count))
        figures: dict[str, list[float]] = {"read_wall": [], "read_cpu": [], "numpy": [], "land": [], "importer": []}
        for _ in range(rounds):
            wall, cpu, splat = timed(partial(read_splat, path))
            assert splat.count == count
            figures["read_wall"].append(wall)
            figures["read_cpu"].append(cpu)
            if fmt == "ply":
                figures["numpy"].append(timed(partial(numpy_ply, path))[0])
            landing.ready_splats.prepare(path)  # what the worker did: the landing only takes it
            bpy.ops.wm.read_homefile(use_empty=True)
            figures["land"].append(timed(partial(landing.land_splat, str(path), name="bench", tags={}))[0])
            bpy.ops.wm.read_homefile(use_empty=True)
            if landing.native_splats():
                figures["importer"].append(timed(partial(importers[fmt], filepath=str(path)))[0])
            del splat
        out["formats"][fmt] = {
            "bytes": path.stat().st_size,
            **{k: median(v) if v else None for k, v in figures.items()},
        }
        path.unlink()
    folder.rmdir()
    return out


def main() -> int:
    args = bench_arguments(__doc__)
    count, rounds = (2 * BLOCK, 1) if args.smoke else (1000 * BLOCK, 3)
    with blender_session("tripo-bench-splat-", REPO_MODULE):
        result = run(count, rounds)
    rows = []
    for fmt, f in result["formats"].items():
        rows.append(
            [
                fmt,
                f"{f['bytes'] / 2**20:.0f}",
                f"{f['read_wall']:.2f}",
                f"{f['read_cpu']:.2f}",
                f"{f['numpy']:.2f}" if f["numpy"] is not None else "-",
                f"{f['land']:.3f}",
                f"{f['importer']:.2f}" if f["importer"] is not None else "-",
                ratio(f["land"], f["importer"]) if f["importer"] is not None else "-",
            ]
        )
    print_table(
        [
            "format",
            "MiB",
            "ours worker s",
            "ours worker cpu s",
            "numpy s",
            "ours main s",
            "importer s",
            "main/importer",
        ],
        rows,
        title=f"{result['count']:,} gaussians, SH degree 3",
    )
    if args.json:
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
