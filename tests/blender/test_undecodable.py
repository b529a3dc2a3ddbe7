"""A paid result this Blender cannot decode stays on disk, says what is missing, and offers a way out.

Tripo returns Draco-compressed GLBs (image, multiview, segmentation results) and meshopt-compressed
ones (Compress); many Blender builds lack one decoder or both. These tests buy such a result from
the emulator in a Blender without the decoder — really without it (meshopt in bpy ≤ 5.1, Draco in
the 4.2 and 5.2+ wheels), or with it switched off by the probe's own switch
(``decoders.ABSENT_ENV``) where this build has it — and check what the artist sees: a failed row
whose first sentence names the missing decoder, the file still in its folder, and a Convert button
with its price that lands the model, converted to FBX, exactly where and as what the original would
have landed.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import bpy
import pytest

from tests.emulator import TEST_KEY, Emulator
from tripo_blender.client import TripoClient

from .runtime_support import (
    addon_module,
    calls_named,
    created,
    draw_panel,
    pump_job,
    spec,
)
from .support import ASSETS, gltf_really_imports


@pytest.fixture(name="decoders")
def _decoders(addon: ModuleType) -> ModuleType:
    return addon_module("blender.decoders")  # the probe, with its switch ABSENT_ENV


def _buttons(layout: Any) -> dict[str, str]:
    """The panel's operator buttons: id -> text (the last of each id)."""
    return {c.args[0]: c.kwargs.get("text", "") for c in calls_named(layout, "operator")}


def _placed_at(root: bpy.types.Object) -> tuple[float, ...]:
    """Where the landing put ``root``: its location less the offset its file gave it."""
    offset = addon_module("blender.importer").file_matrix(root).to_translation()
    return tuple(root.location - offset)


def _tagged(task_id: str) -> list[bpy.types.Object]:
    return [ob for ob in bpy.data.objects if ob.get("tripo_task_id") == task_id]


def _fails_then_converts(rt: Any, online: Emulator, job_id: str, missing: str) -> tuple[Any, Any]:
    """The failed row's story: its sentence, its file, its buttons; then Convert lands the model.
    Returns (the failed job, the conversion job) as the panel last saw them."""
    job_list = addon_module("blender.job_list")
    failed = pump_job(rt, job_id, "failed", "done")
    assert failed.state.value == "failed", "the result must not land as if nothing were missing"
    assert job_list.row_status(failed).text == "Failed (not imported)"
    assert failed.error.message.startswith(missing), failed.error.message
    assert "Location:" not in failed.error.message and "Traceback" not in failed.error.message
    assert "Convert" in (failed.error.suggestion or "") and "5 credits" in (failed.error.suggestion or "")
    assert all(Path(p).is_file() for p in failed.files.values()), "the paid file stays on disk"
    assert not _tagged(failed.task_id), "nothing half-imported stays in the scene"

    buttons = _buttons(draw_panel(job_list.TRIPO_PT_jobs))
    assert buttons.get("tripo.job_convert") == "Convert to FBX (≈ 5 credits)", buttons
    assert "tripo.job_open_folder" in buttons

    assert bpy.ops.tripo.job_convert(job_id=failed.id) == {"FINISHED"}
    conversion = next(j for j in rt.jobs() if j.kind == "convert_model")
    assert "tripo.job_convert" not in _buttons(draw_panel(job_list.TRIPO_PT_jobs)), "no second paid conversion"
    assert bpy.ops.tripo.job_convert(job_id=failed.id) == {"CANCELLED"}

    conversion = pump_job(rt, conversion.id, "done", "failed")
    assert conversion.state.value == "done", conversion.error
    posts = created(online, "convert_model")
    assert [(p.json["input"], p.json["format"]) for p in posts] == [(failed.task_id, "FBX")], (
        "one conversion, paid once"
    )
    assert conversion.note.startswith(f'Landed in place of "{failed.name}"'), conversion.note
    return failed, conversion


def test_a_draco_result_without_a_draco_decoder_says_so_and_converts(
    rt: Any, online: Emulator, decoders: ModuleType, clean_scene: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(decoders.ABSENT_ENV, "draco")  # where this build has Draco; elsewhere it is really absent
    online.set_glb_compression("draco")
    job = rt.submit(spec("a wooden crate", name="wooden crate", location=[1.0, 2.0, 3.0]))

    failed, conversion = _fails_then_converts(rt, online, job.id, "This Blender has no Draco decoder")

    landed = _tagged(failed.task_id)  # tagged as the original task's result: the menu works on it
    roots = [ob for ob in landed if ob.parent is None]
    assert [ob.name for ob in roots] == ["wooden crate"], [ob.name for ob in landed]
    assert _placed_at(roots[0]) == pytest.approx((1.0, 2.0, 3.0)), "where the original would have landed"
    assert any(ob.type == "MESH" for ob in landed)
    assert roots[0]["tripo_task_type"] == "text_to_model"


def test_a_meshopt_result_without_a_meshopt_decoder_says_so_and_converts(
    rt: Any, online: Emulator, decoders: ModuleType, clean_scene: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(decoders.ABSENT_ENV, "meshopt")  # bpy <= 5.1 has none anyway
    with TripoClient(api_key=TEST_KEY, base_url=online.base_url) as client:  # made elsewhere, with Compress
        task_id = client.text_to_model("a compressed fox", compress=True)
    job = addon_module("blender.import_task").follow_task(task_id, "compressed fox", meta={"location": [0.0, 4.0, 0.0]})

    failed, _conversion = _fails_then_converts(rt, online, job.id, "This Blender cannot open meshopt-compressed models")

    roots = [ob for ob in _tagged(task_id) if ob.parent is None]
    assert [ob.name for ob in roots] == ["compressed fox"]
    assert _placed_at(roots[0]) == pytest.approx((0.0, 4.0, 0.0))


def test_the_draco_probe_tells_the_truth_about_a_real_draco_glb(
    decoders: ModuleType, clean_scene: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the probe says is what the importer does: with the decoder the sphere imports, without
    it the import fails — and then the probe must say no (no switch set here)."""
    monkeypatch.delenv(decoders.ABSENT_ENV, raising=False)
    says = decoders.draco_loads()
    assert gltf_really_imports(ASSETS / "sphere.draco.glb", clean_scene) is says, bpy.app.version_string
    assert bool(decoders.missing_for(ASSETS / "sphere.draco.glb")) is not says
    assert decoders.missing_for(ASSETS / "Fox.glb") == []


def test_a_draco_result_lands_where_blender_has_the_decoder(
    rt: Any, online: Emulator, decoders: ModuleType, clean_scene: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(decoders.ABSENT_ENV, raising=False)
    if not decoders.draco_loads():
        pytest.skip(f"Blender {bpy.app.version_string} has no Draco decoder (the other tests cover it)")
    online.set_glb_compression("draco")
    job = pump_job(rt, rt.submit(spec("a clay ball", name="clay ball")).id, "done", "failed")
    assert job.state.value == "done", job.error
    assert any(ob.type == "MESH" for ob in _tagged(job.task_id))


def test_an_importer_failure_shows_the_exceptions_message(addon: ModuleType) -> None:
    importer = addon_module("blender.importer")
    traceback = RuntimeError(
        'Error: Python: Traceback (most recent call last):\n  File "/x/io_scene_gltf2/__init__.py", line 2073, in '
        "execute\n    return self.import_gltf2(context)\nOSError: libbf_intern_draco_bridge.so: cannot open shared "
        "object file: No such file or directory\nLocation: <string>:3\n"
    )
    assert importer.importer_message(traceback) == (
        "libbf_intern_draco_bridge.so: cannot open shared object file: No such file or directory"
    )
    short = RuntimeError("Error: Extension EXT_meshopt_compression is not available on this addon version\n")
    assert (
        importer.importer_message(short) == "Extension EXT_meshopt_compression is not available on this addon version"
    )
