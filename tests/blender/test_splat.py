"""Image to splat in real Blender: ``tripo.image_to_splat(image).wait().objects`` is the splat.

On Blender 5.3+ it is a native Gaussian splat (a ``GAUSSIAN_SPLAT`` point cloud) with every
gaussian of the file and the attributes Blender's own importers write — checked against those
importers, gaussian by gaussian, in world space (:mod:`.splat_support`). Before 5.3 it is a mesh
of one vertex per gaussian that a Geometry Nodes modifier shows as coloured points, one per
gaussian, each as big as its gaussian. The emulator serves each format Tripo might answer with
(3DGS PLY, SPZ, GLB, .gltf); a damaged file fails the job with a sentence, and nothing is left.
"""

from __future__ import annotations

import math
from pathlib import Path
from types import ModuleType
from typing import Any

import bpy
import pytest

from tests.emulator import Emulator
from tests.emulator import splat as files

from .runtime_support import addon_module, calls_named, created, draw_panel, pump_job, uploads
from .splat_support import point_radii, sigma_mean, values, world_splat, worst_differences
from .support import ASSETS
from .test_console import WAIT

ROCKET = ASSETS / "images" / "rocket.jpg"
CLOUD = files.cloud()
SH_NAMES = [f"radiance:sh_{k}" for k in range(15)]


def _landing() -> Any:
    return addon_module("blender.splat_landing")


def _native() -> bool:
    return bool(_landing().native_splats())


@pytest.mark.parametrize("fmt", files.FORMATS)
def test_image_to_splat_lands_every_gaussian_at_the_cursor(tripo: ModuleType, ready: Emulator, fmt: str) -> None:
    ready.splat_format = fmt
    bpy.context.scene.cursor.location = (1.0, 2.0, 3.0)
    job = tripo.image_to_splat(ROCKET).wait(WAIT)

    (body,) = [r.json for r in created(ready, "image_to_splat")]
    assert body == {"input": body["input"]} and body["input"].startswith("file_")  # the photo, uploaded
    assert [u.content_type for u in uploads(ready)] == ["image/jpeg"]
    assert job.state == "done" and job.name == "rocket splat"
    (ob,) = job.objects
    assert tuple(ob.location) == (1.0, 2.0, 3.0) and ob.get("tripo_task_id") == job.task_id
    assert ob.get("tripo_splat") == CLOUD.count and ob.users_collection[0].name == job.name
    assert ob.select_get() and bpy.context.view_layer.objects.active == ob
    assert f"{CLOUD.count:,} gaussians" in job.snapshot.note
    (asset,) = [a for a in tripo.assets() if a.task_id == job.task_id]  # kept in the Tripo asset library
    assert asset.catalog == "Tripo/Gaussian Splats" and asset.name == job.name
    y_up = fmt != "ply"
    assert tuple(round(v, 6) for v in ob.rotation_euler) == ((round(math.pi / 2, 6), 0.0, 0.0) if y_up else (0, 0, 0))
    if _native():
        assert ob.type == "POINTCLOUD" and ob.data.type == "GAUSSIAN_SPLAT"
        assert len(ob.data.points) == CLOUD.count
        assert [a.name for a in ob.data.attributes] == ["position", "radiance:base", "scale", "rotation", *SH_NAMES]
        assert values(ob.data, "radiance:base", 4)[3] == pytest.approx(1 / (1 + math.exp(-CLOUD.opacity[0])), abs=3e-3)
    else:
        assert ob.type == "MESH" and len(ob.data.vertices) == CLOUD.count
        radii = point_radii(ob)
        scales = values(ob.data, "scale", 3)
        assert len(radii) == CLOUD.count
        assert radii[7] == pytest.approx(1.5 * sigma_mean(scales, 7), rel=1e-4)
        assert ob.modifiers[0].node_group.name == "Tripo Splat Points"
        colour = ob.data.attributes["Col"].data[0].color_srgb
        expected = [min(1.0, max(0.0, 0.5 + files.SH_C0 * v)) for v in CLOUD.dc[0]]
        assert list(colour)[:3] == pytest.approx(expected, abs=0.02)


@pytest.mark.skipif(bpy.app.version < (5, 3, 0), reason="Gaussian splats are native from Blender 5.3")
@pytest.mark.parametrize(
    ("fmt", "importer"), [("ply", "wm.ply_import"), ("spz", "wm.spz_import"), ("glb", "import_scene.gltf")]
)
def test_native_splat_is_what_blenders_own_importer_makes(
    addon: ModuleType, clean_scene: Any, tmp_path: Path, fmt: str, importer: str
) -> None:
    ext, data = files.make(fmt, files.cloud(300))
    path = tmp_path / f"splat.{ext}"
    path.write_bytes(data)
    ours = _landing().land_splat(str(path), name="ours", tags={}, location=(0.0, 0.0, 0.0)).object
    group, name = importer.split(".")
    getattr(getattr(bpy.ops, group), name)(filepath=str(path))
    (theirs,) = [ob for ob in bpy.data.objects if ob.type == "POINTCLOUD" and ob != ours]
    assert ours.data.type == theirs.data.type == "GAUSSIAN_SPLAT"
    assert {a.name: a.data_type for a in ours.data.attributes} == {
        a.name: a.data_type for a in theirs.data.attributes if not a.name.startswith(".")
    }
    gaps = worst_differences(world_splat(ours), world_splat(theirs))
    # SPZ v3 quaternions are exact to ~1e-3 and Blender keeps them unnormalised; everything else is float32 noise
    assert gaps["centre"] < 1e-6 and gaps["opacity"] < 1e-6 and gaps["dc"] < 1e-5, gaps
    assert gaps["covariance"] < 1e-5 and gaps["view colour"] < 1e-5, gaps


def test_a_damaged_splat_fails_the_job_with_a_sentence_and_lands_nothing(tripo: ModuleType, ready: Emulator) -> None:
    whole = files.ply(files.cloud(200))
    ready.serve_model(whole[: len(whole) - 1000], "ply", output="splat_url")
    objects_before = set(bpy.data.objects)
    job = tripo.image_to_splat(ROCKET)
    with pytest.raises(tripo.JobFailed, match="ends after 195 of its 200 gaussians: it is truncated"):
        job.wait(WAIT)
    assert job.state == "failed" and set(bpy.data.objects) == objects_before
    assert not [c for c in bpy.data.collections if c.name.startswith(job.name)]
    assert Path(job.files["splat"]).is_file()  # kept: the Folder button shows it


def test_a_followed_splat_task_lands_as_a_splat(tripo: ModuleType, ready: Emulator) -> None:
    ready.splat_format = "spz"
    with tripo.client() as client:
        task_id = client.image_to_splat("https://example.com/cat.png")
    job = tripo.import_task(task_id).wait(WAIT)
    (ob,) = job.objects
    assert ob.get("tripo_splat") == CLOUD.count and ob.get("tripo_task_id") == task_id


def test_model_tools_refuse_a_splat_with_the_reason(tripo: ModuleType, ready: Emulator) -> None:
    (ob,) = tripo.image_to_splat(ROCKET).wait(WAIT).objects
    post_process = addon_module("blender.post_process")
    context = type("Context", (), {"active_object": ob, "object": ob, "selected_objects": [ob]})()
    for kind in ("rig_model", "texture_model", "convert_model"):
        assert "is a Gaussian splat" in post_process.unavailable(kind, context)


def test_one_click_in_image_mode_makes_a_splat_of_the_forms_image(rt: Any, online: Emulator, clean_scene: Any) -> None:
    form = bpy.context.scene.tripo_generate
    panel = addon_module("blender.generate_panel").TRIPO_PT_generate
    form.mode = "TEXT"
    assert "tripo.image_to_splat" not in [c.args[0] for c in calls_named(draw_panel(panel), "operator")]
    assert not bpy.ops.tripo.image_to_splat.poll()
    form.mode = "IMAGE"
    form.image = bpy.data.images.new("sketch", 32, 32)
    (button,) = [c for c in calls_named(draw_panel(panel), "operator") if c.args[0] == "tripo.image_to_splat"]
    assert button.kwargs["text"] == "Make Gaussian Splat (≈ 30 credits)"
    bpy.context.scene.cursor.location = (0.0, -2.0, 0.5)

    assert bpy.ops.tripo.image_to_splat() == {"FINISHED"}
    (job,) = rt.jobs()
    assert (job.kind, job.name, job.estimated_cost) == ("image_to_splat", "sketch splat", 30)
    done = pump_job(rt, job.id, "done", "failed")
    assert done.state.value == "done", (done.note, done.error)
    (ob,) = [o for o in bpy.data.objects if o.get("tripo_job_id") == job.id]
    assert tuple(ob.location) == (0.0, -2.0, 0.5) and ob.get("tripo_splat") == CLOUD.count
    assert [u.content_type for u in uploads(online)] == ["image/png"]  # the generated image, written and sent


def test_one_click_in_image_mode_makes_a_depth_map_and_its_plane(rt: Any, online: Emulator, clean_scene: Any) -> None:
    """The depth route's panel entry: beside the splat's, with its (unpublished) price."""
    form = bpy.context.scene.tripo_generate
    panel = addon_module("blender.generate_panel").TRIPO_PT_generate
    form.mode = "TEXT"
    assert not bpy.ops.tripo.image_to_depth.poll(), "Text mode has no image"
    form.mode = "IMAGE"
    form.image = bpy.data.images.new("sketch", 32, 32)
    (button,) = [c for c in calls_named(draw_panel(panel), "operator") if c.args[0] == "tripo.image_to_depth"]
    assert button.kwargs["text"] == "Make Depth Map (price unknown)"
    bpy.context.scene.cursor.location = (1.0, 0.0, 0.0)

    assert bpy.ops.tripo.image_to_depth() == {"FINISHED"}
    (job,) = rt.jobs()
    assert (job.kind, job.name) == ("image_to_depth", "sketch depth")
    done = pump_job(rt, job.id, "done", "failed")
    assert done.state.value == "done", (done.note, done.error)
    (plane,) = [o for o in bpy.data.objects if o.get("tripo_job_id") == job.id]
    assert tuple(plane.location) == (1.0, 0.0, 0.0) and [m.type for m in plane.modifiers] == ["DISPLACE"]
    assert "a plane it displaces" in done.note
