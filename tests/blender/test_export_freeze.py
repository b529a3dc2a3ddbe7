"""Texturing (or rigging…) a mesh of one's own holds Blender's main thread only briefly: the
export's main-thread part stays within 30 ms at 4 k triangles and 300 ms at 1 M (issue 20).

Before, the upload's GLB came from Blender's glTF exporter on the main thread: 2.9-4.5 s at a
million triangles, 117-149 ms for a monkey with an Array modifier. Now the main thread reads
the evaluated mesh (``foreach_get``) and a background thread writes the file; the job's row says
"Preparing the mesh…" meanwhile.

Measured generously (the test machines are small and shared): the bound holds for the main
thread's own CPU time (``time.thread_time``), the median of a few runs, each taken with no job
running and the writer idle, on a mesh whose modifiers the viewport — here the menu's ``poll``
— has already evaluated, as when the artist right-clicks. On a shared machine the wall time
also measures the neighbours (five test runs on two cores stretch 30 ms of work to 150); both
are logged and listed in the run's summary (``export, …``). ``bench/mesh_export.py`` measures
the wall time alone against Blender's exporter.
"""

from __future__ import annotations

import contextlib
import logging
import statistics
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import bpy
import pytest

from tests.emulator import Emulator

from .post_support import evaluated_mesh, glb_mesh, newest, poll_message, posted, select, subdivided_monkey
from .runtime_support import addon_module, pump_job
from .support import RUN_FACTS

RELIABILITY_AREA = "Freeze"
log = logging.getLogger(__name__)

#: The main-thread bounds of issue 20 (seconds).
SMALL_BOUND, LARGE_BOUND = 0.030, 0.300


def _array_monkey(scene: Any) -> Any:
    """The issue's case: a monkey (968 triangles) with an Array modifier of three."""
    ob = subdivided_monkey(scene, "Arrayed")
    ob.modifiers.remove(ob.modifiers["Subdivision"])
    ob.modifiers.new("Array", "ARRAY").count = 3
    return ob


def _sculpt(scene: Any) -> Any:
    """A million triangles: the monkey subdivided five times, half its faces smooth — normals per
    corner, the most the main thread reads (a smooth sculpt's are per vertex, a quarter of it)."""
    ob = subdivided_monkey(scene, "Sculpt")
    for face in ob.data.polygons:
        face.use_smooth = face.index % 2 == 0
    ob.modifiers["Subdivision"].levels = 5
    return ob


@contextlib.contextmanager
def _timed(samples: list[tuple[float, float]]) -> Iterator[None]:
    """Append (main-thread CPU seconds, wall seconds) of the block."""
    cpu, wall = time.thread_time(), time.perf_counter()
    yield
    samples.append((time.thread_time() - cpu, time.perf_counter() - wall))


def _export_times(ob: Any, runs: int) -> list[tuple[float, float]]:
    """The export's main-thread part (read, and the write handed over), ``runs`` times."""
    mesh_export = addon_module("blender.mesh_export")
    writes = addon_module("jobs.mesh_writes").EXPORT_WRITES
    samples: list[tuple[float, float]] = []
    for _ in range(runs):
        with _timed(samples):
            exported = mesh_export.export_meshes([ob], ob)
        assert writes.wait(exported.path, 300), "the writer finished"
        Path(exported.path).unlink()
    return samples


def _figure(name: str, samples: list[tuple[float, float]]) -> float:
    """Log and record the figures; returns the median main-thread CPU time."""
    cpu, wall = (statistics.median(s[k] for s in samples) for k in (0, 1))
    text = f"CPU {cpu * 1e3:.1f} ms, wall {wall * 1e3:.1f} ms"
    if len(samples) > 1:
        walls = [s[1] * 1e3 for s in samples]
        text += f" (medians of {len(samples)}; wall {min(walls):.1f}-{max(walls):.1f})"
    log.warning("export main thread, %s: %s", name, text)
    RUN_FACTS[f"export, {name}"] = text
    return cpu


@pytest.mark.parametrize("case", ["subdivided monkey", "monkey with an Array"])
def test_the_export_of_a_4k_triangle_mesh_holds_the_main_thread_under_30_ms(
    case: str, rt: Any, online: Emulator, clean_scene: Any
) -> None:
    build: Callable[[Any], Any] = subdivided_monkey if case == "subdivided monkey" else _array_monkey
    ob = build(clean_scene)
    select(ob)
    assert poll_message("texture") is None  # the menu opens: the mesh is evaluated
    triangles = evaluated_mesh(ob)[0]
    assert 2_500 <= triangles <= 4_500
    median = _figure(f"{case} ({triangles:,} triangles)", _export_times(ob, 7))
    assert median <= SMALL_BOUND, f"{median * 1e3:.1f} ms"


def test_texturing_a_million_triangles_holds_the_main_thread_under_300_ms_and_says_it_prepares_the_mesh(
    rt: Any, online: Emulator, clean_scene: Any
) -> None:
    ob = _sculpt(clean_scene)
    select(ob)
    assert poll_message("texture") is None  # the menu opens: the mesh is evaluated
    triangles = evaluated_mesh(ob)[0]
    assert triangles >= 1_000_000
    median = _figure(f"sculpt ({triangles:,} triangles)", _export_times(ob, 3))
    assert median <= LARGE_BOUND, f"{median * 1e3:.1f} ms"

    click: list[tuple[float, float]] = []
    with _timed(click):
        assert bpy.ops.tripo.texture(text_prompt="bronze", placement="KEEP_BOTH") == {"FINISHED"}
    cpu = _figure("sculpt, the whole Texture click", click)
    assert cpu <= LARGE_BOUND, f"{cpu * 1e3:.1f} ms"
    done = pump_job(rt, newest(rt, "texture_model").id, "done", timeout=300)
    assert "Preparing the mesh…" in [entry.note for entry in done.timeline], "the row said so meanwhile"
    (body,) = posted(online, "texture_model")
    assert glb_mesh(online.uploaded(body["input"]))[0] == triangles, "the whole mesh went up (presign + PUT)"
