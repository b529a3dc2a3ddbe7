"""Every task type returns the right output keys with real, well-formed files."""

from __future__ import annotations

import gzip
import io
import zipfile
from typing import Any

import pytest

from tests.emulator import Emulator, fbx, glb

from .helpers import Caller

Task = dict[str, Any]


@pytest.fixture
def model(api: Caller) -> str:
    return api.create({"type": "text_to_model", "prompt": "a knight"})


@pytest.fixture
def rig(api: Caller, model: str) -> str:
    return api.create({"type": "animate_rig", "original_model_task_id": model})


def _get(api: Caller, task: Task, key: str = "model") -> bytes:
    response = api.download(task["output"][key])
    assert response.status_code == 200
    return response.content


def _ext(task: Task, key: str = "model") -> str:
    return str(task["output"][key].split("?")[0].rsplit(".", 1)[-1])


@pytest.mark.parametrize(("fields", "key", "magic"), [
    ({}, "pbr_model", b"glTF"),
    ({"pbr": False}, "model", b"glTF"),
    ({"texture": False, "pbr": False}, "base_model", b"glTF"),
    ({"quad": True}, "pbr_model", b"Kaydara FBX Binary"),
    ({"model_version": "v1.4-20240625"}, "model", b"glTF"),
])
def test_generation_output_keys(api: Caller, fields: dict[str, Any], key: str, magic: bytes) -> None:
    task = api.finished({"type": "text_to_model", "prompt": "a cat", **fields})
    assert set(task["output"]) == {key, "rendered_image"}
    assert _get(api, task, key).startswith(magic)
    assert _get(api, task, "rendered_image").startswith(b"\x89PNG")
    assert task["result"][key]["type"] == ("fbx" if fields.get("quad") else "glb")


def test_textured_and_base_models_differ(api: Caller) -> None:
    textured = glb.read(_get(api, api.finished({"type": "text_to_model", "prompt": "a"}), "pbr_model"))[0]
    base = glb.read(_get(api, api.finished({"type": "text_to_model", "prompt": "a", "texture": False, "pbr": False}),
                         "base_model"))[0]
    assert textured.get("images") and not base.get("images")


def test_image_and_multiview_generation(api: Caller) -> None:
    url = {"type": "jpg", "url": "https://example.com/a.jpg"}
    for body in ({"type": "image_to_model", "file": url},
                 {"type": "multiview_to_model", "files": [url, {}, url, {}]}):
        assert _get(api, api.finished(body), "pbr_model")[:4] == b"glTF"


def test_generate_parts_gives_named_parts(api: Caller) -> None:
    task = api.finished({"type": "text_to_model", "prompt": "robot", "texture": False, "pbr": False,
                         "generate_parts": True})
    assert len(glb.node_names(_get(api, task, "base_model"))) > 1


def test_texture_model(api: Caller, model: str) -> None:
    task = api.finished({"type": "texture_model", "original_model_task_id": model,
                         "texture_prompt": {"text": "gold"}})
    assert set(task["output"]) == {"pbr_model", "rendered_image"}
    plain = api.finished({"type": "texture_model", "original_model_task_id": model, "pbr": False})
    assert "model" in plain["output"]


def test_prerigcheck_guesses_and_can_be_forced(emulator: Emulator, api: Caller) -> None:
    def check(prompt: str) -> Task:
        source = api.create({"type": "text_to_model", "prompt": prompt})
        output: Task = api.finished({"type": "animate_prerigcheck", "original_model_task_id": source})["output"]
        return output

    assert check("a knight in armour") == {"riggable": True, "rig_type": "biped"}
    assert check("a red fox") == {"riggable": True, "rig_type": "quadruped"}
    assert check("a mossy rock") == {"riggable": False, "rig_type": "others"}
    assert check("a rocket")["riggable"] is True  # "rock" as a word only
    emulator.set_riggable(False)
    assert check("a knight")["riggable"] is False
    emulator.set_riggable(True, "avian")
    assert check("a mossy rock") == {"riggable": True, "rig_type": "avian"}


def test_rig_glb_is_rigged_without_animations(api: Caller, rig: str) -> None:
    task = api.task(rig)
    assert set(task["output"]) == {"model"} and _ext(task) == "glb"
    doc, _ = glb.read(_get(api, task))
    assert doc["skins"] and "animations" not in doc


def test_rig_fbx_has_no_takes(api: Caller, model: str) -> None:
    task = api.finished({"type": "animate_rig", "original_model_task_id": model, "out_format": "fbx"})
    data = _get(api, task)
    assert _ext(task) == "fbx" and data.startswith(fbx.MAGIC)
    assert fbx.take_names(data) == []


def test_retarget_glb_animations_are_named_after_presets(api: Caller, rig: str) -> None:
    presets = ["preset:walk", "preset:quadruped:walk", "preset:run", "preset:idle", "preset:biped:wave"]
    task = api.finished({"type": "animate_retarget", "original_model_task_id": rig, "animations": presets})
    data = _get(api, task)
    assert _ext(task) == "glb"
    assert glb.animation_names(data) == ["walk", "quadruped_walk", "run", "idle", "biped_wave"]
    doc, _ = glb.read(data)
    assert all(a["channels"] and a["samplers"] for a in doc["animations"])


def test_retarget_single_animation_string(api: Caller, rig: str) -> None:
    task = api.finished({"type": "animate_retarget", "original_model_task_id": rig, "animation": "preset:jump"})
    assert glb.animation_names(_get(api, task)) == ["jump"]


def test_retarget_fbx_takes_are_named_after_presets(api: Caller, rig: str) -> None:
    task = api.finished({"type": "animate_retarget", "original_model_task_id": rig, "out_format": "fbx",
                         "animations": ["preset:walk", "preset:hexapod:walk"]})
    assert _ext(task) == "fbx"
    assert fbx.take_names(_get(api, task)) == ["walk", "hexapod_walk"]


@pytest.mark.parametrize(("fmt", "ext"), [("GLTF", "glb"), ("FBX", "fbx"), ("OBJ", "zip"), ("STL", "stl"),
                                          ("USDZ", "usdz"), ("3MF", "3mf")])
def test_convert_formats(api: Caller, model: str, fmt: str, ext: str) -> None:
    task = api.finished({"type": "convert_model", "original_model_task_id": model, "format": fmt})
    assert _ext(task) == ext
    data = _get(api, task)
    if ext in ("zip", "usdz", "3mf"):
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        expected = {"zip": {"cow.obj", "cow.mtl", "cow_texture.png"}, "usdz": {"model.usda"},
                    "3mf": {"[Content_Types].xml", "_rels/.rels", "3D/3dmodel.model"}}[ext]
        assert set(names) == expected
    elif ext == "stl":
        assert len(data) == 84 + 50 * int.from_bytes(data[80:84], "little")
    elif ext == "fbx":
        assert data.startswith(fbx.MAGIC) and fbx.take_names(data) == []
    else:
        assert data[:4] == b"glTF"


def test_convert_of_a_retarget_keeps_its_animations(api: Caller, rig: str) -> None:
    retarget = api.create({"type": "animate_retarget", "original_model_task_id": rig, "animation": "preset:run"})
    as_fbx = api.finished({"type": "convert_model", "original_model_task_id": retarget, "format": "FBX"})
    assert fbx.take_names(_get(api, as_fbx)) == ["run"]
    as_gltf = api.finished({"type": "convert_model", "original_model_task_id": retarget, "format": "GLTF"})
    assert glb.animation_names(_get(api, as_gltf)) == ["run"]


def test_obj_zip_references_resolve(api: Caller, model: str) -> None:
    task = api.finished({"type": "convert_model", "original_model_task_id": model, "format": "OBJ"})
    archive = zipfile.ZipFile(io.BytesIO(_get(api, task)))
    assert "mtllib cow.mtl" in archive.read("cow.obj").decode()
    assert "map_Kd cow_texture.png" in archive.read("cow.mtl").decode()
    assert archive.read("cow_texture.png").startswith(b"\x89PNG")


def test_stylize(api: Caller, model: str) -> None:
    minecraft = api.finished({"type": "stylize_model", "original_model_task_id": model, "style": "minecraft"})
    assert _ext(minecraft) == "schem"
    nbt = gzip.decompress(_get(api, minecraft))
    assert nbt[0] == 10 and b"Schematic" in nbt[:12] and b"BlockData" in nbt
    lego = api.finished({"type": "stylize_model", "original_model_task_id": model, "style": "lego"})
    assert _get(api, lego)[:4] == b"glTF"


def test_segmentation_and_completion_have_named_parts(api: Caller, model: str) -> None:
    segmented = api.finished({"type": "mesh_segmentation", "original_model_task_id": model})
    names = glb.node_names(_get(api, segmented))
    assert names == list(glb.node_names(glb.segmented())) and len(names) >= 4
    assert all(names) and len(set(names)) == len(names)
    completed = api.finished({"type": "mesh_completion", "original_model_task_id": segmented["task_id"],
                              "part_names": names[:2]})
    assert glb.node_names(_get(api, completed)) == names


def test_lowpoly(api: Caller, model: str) -> None:
    plain = api.finished({"type": "highpoly_to_lowpoly", "original_model_task_id": model})
    assert _get(api, plain)[:4] == b"glTF"
    quad = api.finished({"type": "highpoly_to_lowpoly", "original_model_task_id": model, "quad": True})
    assert _get(api, quad).startswith(fbx.MAGIC)


def test_image_tasks(api: Caller) -> None:
    image = api.finished({"type": "text_to_image", "prompt": "a cat"})
    assert _get(api, image, "generated_image").startswith(b"\x89PNG")
    views = api.finished({"type": "generate_multiview_image", "file": {"type": "jpg", "url": "https://x/a.jpg"}})
    urls = views["output"]["generate_multiview_image"]
    assert set(urls) == {"front_view_url", "left_view_url", "back_view_url", "right_view_url"}
    assert api.download(urls["back_view_url"]).content.startswith(b"\x89PNG")
