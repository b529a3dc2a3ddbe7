"""Landings that respect the scene: a batch lands side by side in one collection under "Tripo", and
a result takes the artist's selection only if they left it alone since sending.

Each test sends as an artist does — a loop of prompts in the console (every job sent before
Blender next runs the pump is one batch), or one job — and checks the scene the pump leaves:
what the Outliner shows, where each result stands (measured from Blender's own evaluated world
matrices, not from the add-on's arithmetic), and what is selected and active.
"""

from __future__ import annotations

import re
from itertools import combinations
from types import ModuleType
from typing import Any

import bpy
import pytest
from mathutils import Vector

from tests.emulator import Emulator

from .runtime_support import pump_until, spec


def objects_of(job: Any) -> list[Any]:
    return [ob for ob in bpy.data.objects if ob.get("tripo_job_id") == job.id]


def root_of(job: Any) -> Any:
    roots = [ob for ob in objects_of(job) if ob.parent is None]
    assert len(roots) == 1, roots
    return roots[0]


def footprint(job: Any) -> tuple[Vector, Vector]:
    """The result's box in the scene as Blender evaluates it (after a view-layer update)."""
    points = [ob.matrix_world @ Vector(corner) for ob in objects_of(job) for corner in ob.bound_box]
    return (
        Vector([min(p[i] for p in points) for i in range(3)]),
        Vector([max(p[i] for p in points) for i in range(3)]),
    )


def overlap(a: tuple[Vector, Vector], b: tuple[Vector, Vector]) -> bool:
    return all(a[0][i] < b[1][i] and b[0][i] < a[1][i] for i in range(3))


def land_all(rt: Any, jobs: list[Any]) -> None:
    def settled(job: Any) -> bool:  # None: a resumed job before the pump listed the journal
        now = rt.job(job.id)
        return now is not None and now.state.value in ("done", "failed")

    pump_until(rt, lambda: all(settled(j) for j in jobs), timeout=60, what="every result landed")
    assert [rt.job(j.id).state.value for j in jobs] == ["done"] * len(jobs), [rt.job(j.id).error for j in jobs]


def tripo_children(scene: Any) -> list[Any]:
    tops = [c for c in scene.collection.children if c.name.startswith("Tripo")]
    assert len(tops) == 1, [c.name for c in scene.collection.children]
    return list(tops[0].children)


def test_twelve_results_of_a_console_loop_land_side_by_side_in_one_collection(
    tripo: ModuleType, rt: Any, online: Emulator, clean_scene: Any
) -> None:
    clean_scene.cursor.location = (2.0, -1.0, 0.5)
    jobs = [tripo.text_to_model(f"wooden crate variant {n}") for n in range(1, 13)]
    clean_scene.cursor.location = (0.0, 0.0, 0.0)  # the artist moves on while Tripo works

    land_all(rt, [j for j in jobs])

    assert [c.name for c in clean_scene.collection.children] == ["Tripo"], "one Tripo collection at the top"
    batch = tripo_children(clean_scene)
    assert len(batch) == 1, "one collection for the batch"
    assert set(batch[0].objects) == {ob for j in jobs for ob in objects_of(j)}
    assert re.fullmatch(r"wooden crate variant \d+ and more", batch[0].name), "named after the first that landed"
    bpy.context.view_layer.update()
    boxes = {j.name: footprint(j) for j in jobs}
    clashes = [(a, b) for a, b in combinations(boxes, 2) if overlap(boxes[a], boxes[b])]
    assert clashes == [], "no two results of the batch overlap"
    order = sorted(jobs, key=lambda j: rt.job(j.id).updated_at)  # in the order they landed
    assert tuple(root_of(order[0]).location) == pytest.approx((2.0, -1.0, 0.5)), "the first stands at the cursor"
    assert batch[0].name == order[0].name + " and more"
    assert all(root_of(j).location.z == pytest.approx(0.5) for j in jobs), "all on the cursor's level"
    spread = max(b[1].x for b in boxes.values()) - min(b[0].x for b in boxes.values())
    assert spread < 12 * 3 * max(b[1].x - b[0].x for b in boxes.values()), "side by side, not scattered"
    selected = set(bpy.context.view_layer.objects.selected)
    assert {root_of(j) for j in jobs} <= selected, "the artist left the selection alone: the batch has it"
    assert bpy.context.view_layer.objects.active == root_of(order[-1]), "the newest is active"


def test_a_job_sent_after_the_pump_ran_starts_a_batch_of_its_own(rt: Any, online: Emulator, clean_scene: Any) -> None:
    first = rt.submit(spec("a lamp", name="Lamp"))
    rt.pump()  # Blender ran the timer: the artist could have done anything since
    second = rt.submit(spec("a chair", name="Chair"))
    land_all(rt, [first, second])

    assert sorted(c.name for c in tripo_children(clean_scene)) == ["Chair", "Lamp"]
    assert [c.name for c in clean_scene.collection.children] == ["Tripo"], "still one Tripo collection"
    assert tuple(root_of(second).location) == pytest.approx(tuple(root_of(first).location)), (
        "each batch starts at the cursor"
    )


def test_a_result_asked_for_another_spot_lands_there(rt: Any, online: Emulator, clean_scene: Any) -> None:
    here = rt.submit(spec("a lamp", name="Lamp", location=[0.0, 0.0, 0.0]))
    there = rt.submit(spec("a chair", name="Chair", location=[5.0, 5.0, 0.0]))
    land_all(rt, [here, there])

    assert tuple(root_of(there).location) == pytest.approx((5.0, 5.0, 0.0)), "a given location is kept"
    assert len(tripo_children(clean_scene)) == 1, "still one batch"


def test_the_artists_own_tripo_collection_is_left_alone(rt: Any, online: Emulator, clean_scene: Any) -> None:
    mine = bpy.data.collections.new("Tripo")
    clean_scene.collection.children.link(mine)
    job = rt.submit(spec())
    land_all(rt, [job])

    assert list(mine.objects) == [] and list(mine.children) == []
    ours = [c for c in clean_scene.collection.children if c != mine]
    assert len(ours) == 1 and [c.name for c in ours[0].children] == ["Cat"]


def test_the_active_object_stays_when_the_artist_selected_something_else_meanwhile(
    rt: Any, online: Emulator, clean_scene: Any
) -> None:
    bpy.ops.mesh.primitive_cube_add()
    cube = bpy.context.view_layer.objects.active
    job = rt.submit(spec())
    bpy.ops.mesh.primitive_uv_sphere_add(location=(3.0, 0.0, 0.0))  # the artist goes on: a sphere, selected
    sphere = bpy.context.view_layer.objects.active
    assert sphere != cube

    land_all(rt, [job])

    assert objects_of(job), "the result landed"
    assert bpy.context.view_layer.objects.active == sphere
    assert list(bpy.context.view_layer.objects.selected) == [sphere]


def test_the_result_becomes_active_when_the_artist_left_the_selection_alone(
    rt: Any, online: Emulator, clean_scene: Any
) -> None:
    bpy.ops.mesh.primitive_cube_add()
    cube = bpy.context.view_layer.objects.active
    job = rt.submit(spec())

    land_all(rt, [job])

    root = root_of(job)
    assert bpy.context.view_layer.objects.active == root
    assert set(bpy.context.view_layer.objects.selected) == set(objects_of(job))
    assert not cube.select_get()


def test_a_resumed_job_does_not_take_the_selection(rt: Any, online: Emulator, clean_scene: Any) -> None:
    """After a restart nobody knows what was selected when the job was sent: it lands unselected."""
    bpy.ops.mesh.primitive_cube_add()
    cube = bpy.context.view_layer.objects.active
    job = rt.submit(spec())
    pump_until(rt, lambda: rt.job(job.id).task_id is not None, what="the task exists")
    rt.shutdown()  # Blender quits; the journal keeps the job
    rt.start()

    land_all(rt, [job])

    assert objects_of(job), "the resumed job landed"
    assert bpy.context.view_layer.objects.active == cube
    assert list(bpy.context.view_layer.objects.selected) == [cube]
