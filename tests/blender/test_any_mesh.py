"""Texture, rig, retarget and Smart UV on a mesh made in Blender — no Tripo task behind it (issue 11).

The mesh is a subdivided monkey with a modifier and a material, driven through the right-click
menu's operators (the same ``poll`` and ``execute`` as a click) against the emulator: what the
emulator receives is the uploaded GLB itself (parsed here: triangle count and bounds against the
evaluated source), one upload serves every operation while the mesh is unchanged, and the
results land in the source's place. Refusals (armature, empty, no faces, caps) must send nothing.
"""

from __future__ import annotations

import os
import time
from typing import Any

import bpy
import pytest

from tests.emulator import Emulator
from tests.emulator.glb import read as read_glb

from .post_support import (
    armatures,
    draw_dialog,
    evaluated_mesh,
    finish,
    glb_mesh,
    objects_of,
    poll_message,
    posted,
    root_of,
    select,
    subdivided_monkey,
)
from .runtime_support import (
    addon_module,
    created,
    label_texts,
    uploads,
)

#: Every item of the menu (operator name).
ITEMS = ("texture", "rig", "retarget", "convert", "segment", "complete", "smart_lowpoly", "smart_uv", "check_riggable")


def _upload_notes(job: Any) -> list[str]:
    return [entry.note for entry in job.timeline if entry.note.startswith("Uploading")]


def _same_place(a: Any, b: Any) -> bool:
    return all(abs(x - y) < 1e-4 for ra, rb in zip(a.matrix_world, b.matrix_world) for x, y in zip(ra, rb))


def test_a_mesh_of_ones_own_is_textured_rigged_animated_and_unwrapped_with_one_upload(
    rt: Any, online: Emulator, clean_scene: Any
) -> None:
    monkey = subdivided_monkey(clean_scene)
    select(monkey)
    assert {name: poll_message(name) for name in ("texture", "rig", "smart_uv", "convert", "segment")} == {
        "texture": None,
        "rig": None,
        "smart_uv": None,
        "convert": None,
        "segment": None,
    }
    assert "Rig" in (poll_message("retarget") or ""), "retarget needs the rig first"

    # texture: export, upload, texture on the file token — one job
    assert bpy.ops.tripo.texture(text_prompt="rusty metal", placement="KEEP_BOTH") == {"FINISHED"}
    textured = finish(rt, "texture_model")
    (sent,) = uploads(online)
    assert sent.filename.endswith(".glb")
    triangles, low, high, materials = glb_mesh(sent.data)
    want_triangles, want_low, want_high = evaluated_mesh(monkey)
    assert triangles == want_triangles > 500 * 4, "the evaluated mesh (subdivided), not the base mesh"
    assert (low - want_low).length < 1e-3 and (high - want_high).length < 1e-3, "local space: no transform twice"
    assert materials == ["Clay"]
    (body,) = posted(online, "texture_model")
    assert body["input"].startswith("file_") and body["texture_prompt"] == {"text": "rusty metal"}
    assert _upload_notes(textured), "the row said it was uploading"
    result = root_of(textured)
    assert _same_place(result, monkey) and result.users_collection == monkey.users_collection
    assert monkey["tripo_upload_token"] == body["input"]

    # rig (the free check first, then the rig): the unchanged mesh is not uploaded again
    select(monkey)
    bpy.ops.tripo.check_riggable()
    finish(rt, "check_riggable")
    assert bpy.ops.tripo.rig(placement="HIDE_SOURCE") == {"FINISHED"}
    rigged = finish(rt, "rig_model")
    assert len(uploads(online)) == 1
    assert [b["input"] for b in posted(online, "animate_prerigcheck") + posted(online, "animate_rig")] == [
        body["input"]
    ] * 2
    (armature,) = armatures()
    assert armature in objects_of(rigged) and _same_place(armature, monkey)
    assert all(ob.parent == armature for ob in objects_of(rigged) if ob.type == "MESH")

    # retarget walk + run on the rig result: one armature, two named actions
    select(armature)
    assert bpy.ops.tripo.retarget(presets={"preset:walk", "preset:run"}) == {"FINISHED"}
    finish(rt, "retarget_animation")
    assert armatures() == [armature]
    tracks = armature.animation_data.nla_tracks
    actions = sorted(strip.action.name for track in tracks for strip in track.strips)
    assert actions == ["Suzanne – run", "Suzanne – walk"], actions

    # Smart UV needs a task: the same upload becomes one import_model task
    monkey.hide_set(False)
    select(monkey)
    assert bpy.ops.tripo.smart_uv() == {"FINISHED"}
    unwrapped = finish(rt, "mesh_uv")
    assert len(uploads(online)) == 1, "one upload for texture, rig check, rig and Smart UV"
    (imported,) = posted(online, "import_model")
    assert imported["input"] == body["input"]
    (uv_body,) = posted(online, "mesh_uv")
    assert uv_body["input"] == monkey["tripo_upload_task"]
    assert _same_place(root_of(unwrapped), monkey) and not monkey.visible_get(), "the source is hidden"

    # an edited mesh is uploaded again
    monkey.hide_set(False)
    monkey.data.vertices[0].co.x += 0.25
    monkey.data.update()
    select(monkey)
    assert bpy.ops.tripo.texture(text_prompt="wood", placement="KEEP_BOTH") == {"FINISHED"}
    finish(rt, "texture_model")
    assert len(uploads(online)) == 2
    new_token = posted(online, "texture_model")[-1]["input"]
    assert new_token != body["input"] and online.uploaded(new_token) == uploads(online)[1].data
    assert monkey["tripo_upload_token"] == new_token


def test_several_selected_meshes_go_up_as_one_file_placed_around_the_active_one(
    rt: Any, online: Emulator, clean_scene: Any
) -> None:
    first, second = subdivided_monkey(clean_scene, "Left"), subdivided_monkey(clean_scene, "Right")
    second.location.x += 4.0
    select(first, second)
    assert bpy.ops.tripo.convert(format="GLTF", placement="KEEP_BOTH") == {"FINISHED"}
    finish(rt, "convert_model")
    (sent,) = uploads(online)
    doc, _ = read_glb(sent.data)
    assert len(doc["meshes"]) == 2
    triangles = glb_mesh(sent.data)[0]
    assert triangles == evaluated_mesh(first)[0] + evaluated_mesh(second)[0]


def _refused_everywhere(online: Emulator, reason: str) -> None:
    for name in ITEMS:
        why = poll_message(name)
        assert why is not None and reason in why, (name, why)
    assert not uploads(online) and not created(online), "nothing was sent"


def test_an_armature_an_empty_and_a_mesh_without_faces_say_why_and_send_nothing(
    rt: Any, online: Emulator, clean_scene: Any
) -> None:
    armature = bpy.data.objects.new("Skeleton", bpy.data.armatures.new("Skeleton"))
    empty = bpy.data.objects.new("Marker", None)
    mesh = bpy.data.meshes.new("Points")
    mesh.from_pydata([(0, 0, 0), (1, 0, 0), (1, 1, 0)], [(0, 1), (1, 2)], [])
    points = bpy.data.objects.new("Points", mesh)
    for ob in (armature, empty, points):
        clean_scene.collection.objects.link(ob)
    select(armature)
    _refused_everywhere(online, "'Skeleton' is not a Tripo result, and it is an armature: select the mesh it deforms")
    select(empty)
    _refused_everywhere(online, "'Marker' is not a Tripo result, and it is an empty")
    select(points)
    _refused_everywhere(online, "'Points' is not a Tripo result, and it has no faces")
    tripo = addon_module("console")
    with pytest.raises(ValueError, match="it is an armature"):
        tripo.rig(armature)
    assert not uploads(online) and not created(online)


def test_smart_uv_over_80000_triangles_is_greyed_out_with_the_count(
    rt: Any, online: Emulator, clean_scene: Any
) -> None:
    monkey = subdivided_monkey(clean_scene)
    monkey.modifiers["Subdivision"].levels = 4  # 500 faces → about 252,000 triangles
    bpy.context.view_layer.update()  # what a window does before it draws the menu (poll reads the evaluated mesh)
    select(monkey)
    why = poll_message("smart_uv")
    assert why is not None and "Smart UV takes at most 80,000" in why and "triangles" in why
    assert poll_message("texture") is None, "the cap is Smart UV's only"
    assert not uploads(online) and not created(online)


def test_an_export_over_the_upload_cap_is_refused_and_nothing_is_sent(
    rt: Any, online: Emulator, clean_scene: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(addon_module("blender.mesh_export"), "UPLOAD_MAX_BYTES", 10_000)  # the monkey is larger
    select(subdivided_monkey(clean_scene))
    with pytest.raises(RuntimeError, match="Tripo takes models up to"):
        bpy.ops.tripo.texture(text_prompt="gold")
    assert not uploads(online) and not created(online) and not rt.jobs()


def test_a_file_over_the_upload_cap_once_written_fails_its_job_and_nothing_is_sent(
    rt: Any, online: Emulator, clean_scene: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cap is checked at once only against the least the file can weigh (the main thread
    does not measure the mesh); the writer refuses a file that turns out bigger, in the same words."""
    monkey = subdivided_monkey(clean_scene)
    mesh_export = addon_module("blender.mesh_export")
    least = mesh_export.export_meshes([monkey], monkey).least_size
    monkeypatch.setattr(mesh_export, "UPLOAD_MAX_BYTES", least + 1)
    select(monkey)
    assert bpy.ops.tripo.texture(text_prompt="gold") == {"FINISHED"}, "accepted: it may fit"
    failed = finish(rt, "texture_model", "failed")
    assert failed.error is not None and "Tripo takes models up to" in failed.error.message
    assert "decimate it" in failed.error.message and "Nothing was sent" in failed.error.message
    assert not uploads(online) and not created(online)


def test_the_console_takes_any_mesh(rt: Any, online: Emulator, clean_scene: Any) -> None:
    tripo = addon_module("console")
    monkey = subdivided_monkey(clean_scene)
    job = tripo.smart_uv(monkey, placement="KEEP_BOTH")
    job.wait(60)
    assert len(uploads(online)) == 1 and posted(online, "import_model")
    assert job.snapshot.spec.meta["source_object"] == "Suzanne"
    tripo.texture([monkey], text_prompt="stone", placement="KEEP_BOTH").wait(60)
    assert len(uploads(online)) == 1, "unchanged: the upload is reused"


def test_every_dialog_says_the_mesh_is_uploaded_first(rt: Any, online: Emulator, clean_scene: Any) -> None:
    monkey = subdivided_monkey(clean_scene)
    select(monkey)
    ops = addon_module("blender.post_ops")
    for op_class in (ops.TRIPO_OT_texture, ops.TRIPO_OT_smart_uv, ops.TRIPO_OT_convert):
        text = " ".join(label_texts(draw_dialog(op_class)))
        assert f"'Suzanne' ({evaluated_mesh(monkey)[0]:,} triangles, modifiers applied)" in text, text
        assert "not uploaded again" in text
    assert not uploads(online) and not created(online), "drawing a dialog sends nothing"


def test_exports_left_by_failed_jobs_are_pruned_after_three_days(rt: Any, online: Emulator, clean_scene: Any) -> None:
    """A job keeps its export until Tripo accepted the paid request; what failed jobs leave behind
    does not pile up in the temporary folder for ever."""
    mesh_export = addon_module("blender.mesh_export")
    folder = mesh_export._folder()
    stale, recent = folder / "left-by-a-failed-job.glb", folder / "waiting-for-a-retry.glb"
    for path, age in ((stale, mesh_export.EXPORT_KEEP_SECONDS + 60), (recent, 3600)):
        path.write_bytes(b"glTF")
        os.utime(path, (time.time() - age, time.time() - age))
    try:
        select(subdivided_monkey(clean_scene))
        assert bpy.ops.tripo.texture() == {"FINISHED"}
        finish(rt, "texture_model")  # the writer thread prunes before it writes the new file
        assert not stale.exists() and recent.exists()
    finally:
        recent.unlink(missing_ok=True)


def test_the_export_leaves_the_window_on_the_artists_scene(rt: Any, online: Emulator, clean_scene: Any) -> None:
    """Blender's exporter "restores" the scene the context named — the temporary export scene —
    which is deleted right after: the window must be back on the artist's own scene."""
    window = bpy.context.window
    assert window is not None
    first = window.scene
    mine = bpy.data.scenes.new("A shot")  # sorts first: not the scene Blender falls back to on a delete
    window.scene = mine
    try:
        select(subdivided_monkey(mine))
        assert bpy.ops.tripo.texture() == {"FINISHED"}
        assert window.scene == mine and bpy.context.scene == mine, window.scene.name
        assert {s.name for s in bpy.data.scenes} == {first.name, "A shot"}, "the export scene is gone"
    finally:
        window.scene = first
        bpy.data.scenes.remove(mine)


class _RecordingWindow:
    """Stands in for the artist's window (the bpy module has none): records the cursor calls."""

    def __init__(self, calls: list[tuple[str, ...]]) -> None:
        self.calls = calls

    def cursor_modal_set(self, cursor: str) -> None:
        self.calls.append(("set", cursor))

    def cursor_modal_restore(self) -> None:
        self.calls.append(("restore",))


def test_the_mesh_read_runs_under_the_wait_cursor_and_a_failed_read_restores_it(
    rt: Any, online: Emulator, clean_scene: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 22.14: Texture on a huge mesh holds the main thread while the mesh is read; the wait
    cursor says so, and the artist's cursor comes back whatever the read does (a mesh that cannot
    be read must not leave Blender looking busy)."""
    mesh_export = addon_module("blender.mesh_export")
    calls: list[tuple[str, ...]] = []
    monkeypatch.setattr(mesh_export, "_window", lambda: _RecordingWindow(calls))
    seen: list[list[tuple[str, ...]]] = []
    real_read = mesh_export.read_scene

    def read(*args: Any) -> Any:
        seen.append(list(calls))
        return real_read(*args)

    monkeypatch.setattr(mesh_export, "read_scene", read)
    monkey = subdivided_monkey(clean_scene)
    select(monkey)
    assert bpy.ops.tripo.texture(text_prompt="rusty metal", placement="KEEP_BOTH") == {"FINISHED"}
    assert seen == [[("set", "WAIT")]], "the read ran under the wait cursor"
    assert calls == [("set", "WAIT"), ("restore",)]

    calls.clear()

    def broken(*args: Any) -> Any:
        raise RuntimeError("a polygon with a vertex twice")

    monkeypatch.setattr(mesh_export, "read_scene", broken)
    sent = len(created(online))
    with pytest.raises(RuntimeError, match="could not be read for upload"):
        bpy.ops.tripo.texture(text_prompt="rusty metal", placement="KEEP_BOTH")
    assert calls == [("set", "WAIT"), ("restore",)], "restored though the read raised"
    assert len(created(online)) == sent, "nothing sent"
