"""Every task type returns the apiv3 output keys with real, well-formed files."""

from __future__ import annotations

import io
import struct
import zipfile
from typing import Any

import pytest

from tests.emulator import Emulator, fbx, glb, splat
from tests.emulator.outputs import asset_bytes

from .helpers import (
    COMPLETE,
    CONVERT,
    DECIMATE,
    DEPTH,
    EDIT_MV,
    FOX,
    I2I,
    I2M,
    I2MV,
    IMAGE_URL,
    IMPORT,
    MV2M,
    RETARGET,
    RIG,
    RIG_CHECK,
    SEGMENT,
    SPLAT,
    T2I,
    T2M,
    TEXTURE,
    UV,
    V25,
    Caller,
)
from .test_uploads import GLTF

Task = dict[str, Any]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def model(api: Caller) -> str:
    return api.model()


@pytest.fixture
def rig(api: Caller, model: str) -> str:
    return api.create(RIG, {"input": model})


def _get(api: Caller, task: Task, key: str = "model_url") -> bytes:
    response = api.download(task["output"][key])
    assert response.status_code == 200
    return response.content


def _ext(task: Task, key: str = "model_url") -> str:
    return str(task["output"][key].split("?")[0].rsplit(".", 1)[-1])


@pytest.mark.parametrize(
    ("fields", "stem", "magic"),
    [
        ({}, "tripo_pbr_model", b"glTF"),
        ({"pbr": False}, "tripo_model", b"glTF"),
        ({"texture": False, "pbr": False}, "tripo_base_model", b"glTF"),
        ({"quad": True}, "tripo_pbr_model", b"Kaydara FBX Binary"),
        ({"model": "v1.4-20240625"}, "tripo_pbr_model", b"glTF"),
    ],
)
def test_generation_outputs(api: Caller, fields: dict[str, Any], stem: str, magic: bytes) -> None:
    task = api.finished(T2M, {"prompt": "a cat", "model": V25, **fields})
    assert set(task["output"]) == {"model_url", "rendered_image_url"}
    assert _get(api, task).startswith(magic)
    assert _ext(task) == ("fbx" if fields.get("quad") else "glb")
    assert task["output"]["model_url"].split("?")[0].endswith(f"/{stem}_{task['task_id']}.{_ext(task)}")
    assert _get(api, task, "rendered_image_url").startswith(PNG_MAGIC)


def test_textured_is_the_portal_asset_and_untextured_a_bare_cube(api: Caller) -> None:
    textured = _get(api, api.finished(T2M, {"prompt": "a", "model": V25}))
    base = _get(api, api.finished(T2M, {"prompt": "a", "model": V25, "texture": False, "pbr": False}))
    assert textured == asset_bytes("portal.glb")
    assert glb.read(textured)[0].get("images") and not glb.read(base)[0].get("images")


def test_image_and_multiview_generation(api: Caller) -> None:
    views = api.create(I2MV, {"input": IMAGE_URL})
    for path, body in (
        (I2M, {"input": IMAGE_URL, "model": V25}),
        (MV2M, {"inputs": [IMAGE_URL, None, IMAGE_URL, None], "model": V25}),
        (MV2M, {"inputs": [{"task_id": views}], "model": V25}),
    ):
        assert _get(api, api.finished(path, body))[:4] == b"glTF"


def test_generate_parts_gives_named_parts(api: Caller) -> None:
    task = api.finished(T2M, {"prompt": "robot", "model": V25, "texture": False, "pbr": False, "generate_parts": True})
    assert len(glb.node_names(_get(api, task))) > 1


def test_texture_model(api: Caller, model: str) -> None:
    task = api.finished(TEXTURE, {"input": model, "texture_prompt": {"text": "gold"}})
    assert set(task["output"]) == {"model_url", "rendered_image_url"}
    assert _get(api, task)[:4] == b"glTF"


def test_rig_check_guesses_and_can_be_forced(emulator: Emulator, api: Caller) -> None:
    def check(prompt: str) -> Task:
        output: Task = api.finished(RIG_CHECK, {"input": api.model(prompt)})["output"]
        return output

    # both keys: sources disagree on which one apiv3 uses (docs/sources.md#rig-check-skeleton)
    assert check("a knight in armour") == {"riggable": True, "rig_type": "biped", "topology": "biped"}
    assert check("a red fox") == {"riggable": True, "rig_type": "quadruped", "topology": "quadruped"}
    assert check("a mossy rock") == {"riggable": False, "rig_type": "others", "topology": "others"}
    assert check("a rocket")["riggable"] is True  # "rock" as a word only
    emulator.set_riggable(False)
    assert check("a knight")["riggable"] is False
    emulator.set_riggable(True, "avian")
    assert check("a mossy rock") == {"riggable": True, "rig_type": "avian", "topology": "avian"}


def test_rig_check_of_an_upload_guesses_from_its_name(api: Caller) -> None:
    task = api.finished(RIG_CHECK, {"input": api.token(FOX, "Fox.glb")})
    assert task["output"]["rig_type"] == "quadruped"


def test_rig_glb_is_rigged_without_animations(api: Caller, rig: str) -> None:
    task = api.task(rig)
    assert set(task["output"]) == {"model_url"} and _ext(task) == "glb"
    doc, _ = glb.read(_get(api, task))
    assert doc["skins"] and "animations" not in doc


def test_rig_fbx_has_no_takes(api: Caller, model: str) -> None:
    task = api.finished(RIG, {"input": model, "out_format": "fbx"})
    data = _get(api, task)
    assert _ext(task) == "fbx" and data.startswith(fbx.MAGIC)
    assert fbx.take_names(data) == []


def test_retarget_glb_has_every_animation_named_after_its_preset(api: Caller, rig: str) -> None:
    presets = ["preset:walk", "preset:quadruped:walk", "preset:run", "preset:idle", "preset:biped:wave"]
    task = api.finished(RETARGET, {"input": rig, "animations": presets})
    assert set(task["output"]) == {"model_url"} and _ext(task) == "glb"  # one file with all of them
    data = _get(api, task)
    assert glb.animation_names(data) == ["walk", "quadruped_walk", "run", "idle", "biped_wave"]
    doc, _ = glb.read(data)
    assert all(a["channels"] and a["samplers"] for a in doc["animations"])


def test_retarget_single_animation(api: Caller, rig: str) -> None:
    task = api.finished(RETARGET, {"input": rig, "animation": "preset:jump"})
    assert glb.animation_names(_get(api, task)) == ["jump"]


def test_retarget_fbx_takes_are_named_after_presets(api: Caller, rig: str) -> None:
    task = api.finished(
        RETARGET, {"input": rig, "out_format": "fbx", "animations": ["preset:walk", "preset:hexapod:walk"]}
    )
    assert _ext(task) == "fbx"
    assert fbx.take_names(_get(api, task)) == ["walk", "hexapod_walk"]


@pytest.mark.parametrize("out_format", ["glb", "fbx"])
def test_retarget_answers_one_file_per_animation_when_switched(
    emulator: Emulator, api: Caller, rig: str, out_format: str
) -> None:
    emulator.retarget_files = "model_urls"
    task = api.finished(RETARGET, {"input": rig, "out_format": out_format, "animations": ["preset:walk", "preset:run"]})
    assert set(task["output"]) == {"model_urls"}, "no model_url: the JS SDK's `model_urls ?? [model_url]` shape"
    files = [api.download(url) for url in task["output"]["model_urls"]]
    assert [f.status_code for f in files] == [200, 200]
    names = glb.animation_names if out_format == "glb" else fbx.take_names
    assert [names(f.content) for f in files] == [["walk"], ["run"]], "request order, one animation each"
    one = api.finished(RETARGET, {"input": rig, "animations": ["preset:jump"]})
    assert len(one["output"]["model_urls"]) == 1, "one clip sent as a list answers a list too"
    single = api.finished(RETARGET, {"input": rig, "animation": "preset:jump"})
    assert set(single["output"]) == {"model_url"}, "`animation` (not a list) keeps the one-file answer"


def test_retarget_may_answer_both_shapes_with_a_bundle_as_model_url(emulator: Emulator, api: Caller, rig: str) -> None:
    emulator.retarget_files = "both"
    task = api.finished(RETARGET, {"input": rig, "animations": ["preset:walk", "preset:run"]})
    assert set(task["output"]) == {"model_url", "model_urls"}
    assert glb.animation_names(_get(api, task)) == ["walk", "run"]
    assert [glb.animation_names(api.download(u).content) for u in task["output"]["model_urls"]] == [["walk"], ["run"]]
    with pytest.raises(ValueError, match="retarget_files"):
        emulator.retarget_files = "zip"


@pytest.mark.parametrize(
    ("fmt", "ext"),
    [("GLTF", "glb"), ("FBX", "fbx"), ("OBJ", "zip"), ("STL", "stl"), ("USDZ", "usdz"), ("3MF", "3mf"), ("obj", "zip")],
)
def test_convert_formats(api: Caller, model: str, fmt: str, ext: str) -> None:
    task = api.finished(CONVERT, {"input": model, "format": fmt})
    assert set(task["output"]) == {"model_url"} and _ext(task) == ext
    data = _get(api, task)
    if ext in ("zip", "usdz", "3mf"):
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        expected = {
            "zip": {"cow.obj", "cow.mtl", "cow_texture.png"},
            "usdz": {"model.usda"},
            "3mf": {"[Content_Types].xml", "_rels/.rels", "3D/3dmodel.model"},
        }[ext]
        assert set(names) == expected
    elif ext == "stl":
        assert len(data) == 84 + 50 * int.from_bytes(data[80:84], "little")
    elif ext == "fbx":
        assert data.startswith(fbx.MAGIC) and fbx.take_names(data) == []
    else:
        assert data[:4] == b"glTF"


def test_convert_of_a_retarget_keeps_its_animations(api: Caller, rig: str) -> None:
    retarget = api.create(RETARGET, {"input": rig, "animation": "preset:run"})
    as_fbx = api.finished(CONVERT, {"input": retarget, "format": "FBX"})
    assert fbx.take_names(_get(api, as_fbx)) == ["run"]
    as_gltf = api.finished(CONVERT, {"original_model_task_id": retarget, "format": "GLTF"})
    assert glb.animation_names(_get(api, as_gltf)) == ["run"]
    still = api.finished(CONVERT, {"input": retarget, "format": "FBX", "with_animation": False})
    assert fbx.take_names(_get(api, still)) == []


def test_obj_zip_references_resolve(api: Caller, model: str) -> None:
    task = api.finished(CONVERT, {"input": model, "format": "OBJ"})
    archive = zipfile.ZipFile(io.BytesIO(_get(api, task)))
    assert "mtllib cow.mtl" in archive.read("cow.obj").decode()
    assert "map_Kd cow_texture.png" in archive.read("cow.mtl").decode()
    assert archive.read("cow_texture.png").startswith(PNG_MAGIC)


@pytest.mark.parametrize(
    ("data", "filename", "ext"),
    [(FOX, "Fox.glb", "glb"), (GLTF, "a.gltf", "gltf"), (asset_bytes("Wuson.stl"), "w.stl", "stl")],
)
def test_import_returns_the_uploaded_file_with_its_extension(api: Caller, data: bytes, filename: str, ext: str) -> None:
    task = api.finished(IMPORT, {"input": api.token(data, filename)})
    assert set(task["output"]) == {"model_url"} and _ext(task) == ext
    assert _get(api, task) == data


def test_import_of_a_url_returns_a_glb(api: Caller) -> None:
    task = api.finished(IMPORT, {"input": "https://example.com/m.glb"})
    assert _get(api, task)[:4] == b"glTF"


def test_segmentation_and_completion_have_named_parts(api: Caller, model: str) -> None:
    segmented = api.finished(SEGMENT, {"input": model})
    names = glb.node_names(_get(api, segmented))
    assert names == list(glb.node_names(glb.segmented())) and len(names) >= 4
    assert all(names) and len(set(names)) == len(names)
    completed = api.finished(COMPLETE, {"input": segmented["task_id"], "part_names": names[:2]})
    assert glb.node_names(_get(api, completed)) == names


def test_decimate(api: Caller, model: str) -> None:
    plain = api.finished(DECIMATE, {"input": model})
    assert _get(api, plain)[:4] == b"glTF"
    quad = api.finished(DECIMATE, {"input": model, "quad": True})
    assert _get(api, quad).startswith(fbx.MAGIC)


def test_mesh_uv_has_a_model_and_an_atlas_preview(api: Caller, model: str) -> None:
    task = api.finished(UV, {"input": model})
    assert set(task["output"]) == {"model_url", "uv_render_url"}
    assert _get(api, task)[:4] == b"glTF" and _get(api, task, "uv_render_url").startswith(PNG_MAGIC)


def test_image_tasks(api: Caller) -> None:
    for path, body in ((T2I, {"prompt": "a cat"}), (I2I, {"input": IMAGE_URL, "prompt": "red"})):
        task = api.finished(path, body)
        assert set(task["output"]) == {"generated_image_url"}
        assert _get(api, task, "generated_image_url").startswith(PNG_MAGIC)


def test_multiview_views_come_nested_and_at_top_level(api: Caller) -> None:
    views = api.finished(I2MV, {"input": IMAGE_URL})
    keys = {"front_view_url", "left_view_url", "back_view_url", "right_view_url"}
    assert set(views["output"]) == keys | {"generate_multiview_image"}
    nested = views["output"]["generate_multiview_image"]
    assert set(nested) == keys and all(views["output"][k] == nested[k] for k in keys)  # one URL per file
    assert len(set(nested.values())) == 4
    assert api.download(nested["back_view_url"]).content.startswith(PNG_MAGIC)
    edited = api.finished(EDIT_MV, {"input": views["task_id"], "prompts": [{"view": "left", "prompt": "blue"}]})
    assert set(edited["output"]) == keys | {"generate_multiview_image"}


@pytest.mark.parametrize(("fmt", "magic"), [("ply", b"ply\n"), ("spz", b"\x1f\x8b"), ("glb", b"glTF"), ("gltf", b"{")])
def test_splat_comes_in_the_format_switched_to(emulator: Emulator, api: Caller, fmt: str, magic: bytes) -> None:
    """A 3DGS PLY by default; SPZ or glTF ``KHR_gaussian_splatting`` when switched (docs/sources.md#splat-format:
    Tripo does not say which). The same cloud each time: :mod:`tests.emulator.splat`."""
    emulator.splat_format = fmt
    task = api.finished(SPLAT, {"input": IMAGE_URL})
    assert set(task["output"]) == {"splat_url"} and _ext(task, "splat_url") == fmt
    data = _get(api, task, "splat_url")
    assert data.startswith(magic) and data == splat.make(fmt)[1]
    if fmt == "ply":
        header, _, body = data.partition(b"end_header\n")
        lines = header.decode().splitlines()
        count = int(next(line for line in lines if line.startswith("element vertex")).split()[-1])
        properties = [line.split()[-1] for line in lines if line.startswith("property float")]
        assert properties == splat.ply_properties(splat.cloud()) and len(body) == count * 4 * len(properties)
        assert struct.unpack_from("<3f", body) == pytest.approx(splat.cloud().positions[0])
    with pytest.raises(ValueError, match="splat_format"):
        emulator.splat_format = "splat"


@pytest.mark.parametrize("kind", ["gray", "color"])
def test_depth_is_an_image(api: Caller, kind: str) -> None:
    task = api.finished(DEPTH, {"input": IMAGE_URL, "kind": kind})
    assert set(task["output"]) == {"depth_image_url"}
    assert _get(api, task, "depth_image_url").startswith(PNG_MAGIC)
