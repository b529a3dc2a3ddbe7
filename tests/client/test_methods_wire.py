"""Every client method against the emulator: the exact request that reached the server.

Bodies are compared as *bytes* with what the pure builders produce, and the builders are pinned
byte for byte in ``test_payloads.py``, so together they pin the wire format end to end.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from tests.client.imagedata import png_bytes
from tests.emulator import TEST_KEY, Emulator
from tripo_blender.client import (
    Animation, PostStyle, RigSpec, RigType, Task, TaskStatus, TripoClient,
)
from tripo_blender.client.images import PLACEHOLDER_TOKEN

AUTH = f"Bearer {TEST_KEY}"


def posts(emu: Emulator) -> list:
    return emu.requests_to("POST", "/task")


def sent_body(emu: Emulator) -> dict:
    rec = posts(emu)[-1]
    assert rec.headers["content-type"] == "application/json"
    assert rec.headers["authorization"] == AUTH
    assert rec.status == 200, rec.json
    return json.loads(rec.body)


def finished(client: TripoClient, task_id: str) -> Task:
    task = client.wait_for_task(task_id, timeout=10)
    assert task.status is TaskStatus.SUCCESS, (task.status, task.error_code, task.error_msg)
    return task


@pytest.fixture
def model_id(client: TripoClient) -> str:
    return finished(client, client.text_to_model("a walking robot")).task_id


# --------------------------------------------------------------------------- common methods


def test_upload_file_multipart_part(client: TripoClient, emulator: Emulator, tmp_path: Path) -> None:
    path = tmp_path / "My Photo.JPG"  # really a PNG: the part must say png
    data = png_bytes(40, 40)
    path.write_bytes(data)
    token = client.upload_file(str(path))
    (rec,) = emulator.requests
    assert (rec.method, rec.path, rec.status) == ("POST", "/upload", 200)
    assert rec.headers["authorization"] == AUTH
    part = rec.files["file"]
    assert (part.filename, part.content_type, part.data) == ("My_Photo.png", "image/png", data)
    assert uuid.UUID(token)


def test_create_task_sends_raw_body(client: TripoClient, emulator: Emulator) -> None:
    task_id = client.create_task({"type": "text_to_model", "prompt": "a cup", "texture": False, "pbr": False})
    rec = posts(emulator)[-1]
    assert rec.body == b'{"type":"text_to_model","prompt":"a cup","texture":false,"pbr":false}'
    assert task_id in emulator.tasks


def test_get_task(client: TripoClient, emulator: Emulator) -> None:
    task_id = client.text_to_model("a cup")
    task = client.get_task(task_id)
    rec = emulator.requests[-1]
    assert (rec.method, rec.path, rec.body, rec.headers["authorization"]) == ("GET", f"/task/{task_id}", b"", AUTH)
    assert task.task_id == task_id and task.type == "text_to_model"
    assert task.trace_id and uuid.UUID(task.trace_id)
    view = emulator.tasks[task_id]
    assert (task.status.value, task.progress, task.create_time) == (view["status"], view["progress"], view["create_time"])


def test_wait_for_task_polls_get_task_until_success(client: TripoClient, emulator: Emulator) -> None:
    emulator.set_timing(queue_seconds=2, run_seconds=4)
    task_id = client.text_to_model("a cup")
    seen: list[tuple[str, int]] = []

    def progress(task: Task) -> None:
        seen.append((task.status.value, task.progress))
        emulator.advance(1.5)  # the emulator's clock, not ours: no real waiting

    task = client.wait_for_task(task_id, polling_interval=0.01, on_progress=progress)
    assert task.status is TaskStatus.SUCCESS and task.progress == 100
    statuses = [s for s, _ in seen]
    assert statuses[0] == "queued" and "running" in statuses and statuses[-1] == "success"
    gets = emulator.requests_to("GET", f"/task/{task_id}")
    assert len(gets) == len(seen)


def test_get_balance(client: TripoClient, emulator: Emulator) -> None:
    emulator.add_key("tsk_second_key_000", balance=123.5)
    with TripoClient(api_key="tsk_second_key_000", base_url=emulator.base_url) as other:
        balance = other.get_balance()
    assert (balance.balance, balance.frozen) == (123.5, 0.0)
    rec = emulator.requests[-1]
    assert (rec.method, rec.path, rec.headers["authorization"]) == ("GET", "/user/balance", "Bearer tsk_second_key_000")


def test_download_task_models_and_rendered_image(client: TripoClient, emulator: Emulator, model_id: str, tmp_path: Path) -> None:
    task = client.get_task(model_id)
    out = tmp_path / "out"
    out.mkdir()
    paths = client.download_task_models(task, str(out))
    assert list(paths) == ["pbr_model"]
    model = Path(paths["pbr_model"])
    assert model.parent == out and model.name == f"tripo_pbr_model_{model_id}.glb"
    assert model.read_bytes()[:4] == b"glTF"
    image = client.download_rendered_image(task, str(out))
    assert image == str(out / f"{model_id}_rendered_image.png")
    assert Path(image).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    custom = client.download_rendered_image(task, str(out), filename="preview.png")
    assert custom == str(out / "preview.png")
    cdn = emulator.cdn_requests
    assert [r.method for r in cdn] == ["GET", "GET", "GET"]
    assert cdn[0].path.endswith(f"/{model_id}/{model.name}") and "auth_key" in cdn[0].query
    assert all(r.status == 200 and "authorization" not in r.headers for r in cdn)
    assert sorted(p.name for p in out.iterdir()) == sorted([model.name, Path(image).name, "preview.png"])


# --------------------------------------------------------------------------- generation


def test_text_to_model(client: TripoClient, emulator: Emulator) -> None:
    client.text_to_model("a red apple", negative_prompt="blurry", face_limit=3000, model_seed=7, compress=True)
    assert sent_body(emulator) == {
        "type": "text_to_model", "prompt": "a red apple", "negative_prompt": "blurry",
        "model_version": "v2.5-20250123", "face_limit": 3000, "texture": True, "pbr": True, "model_seed": 7,
        "texture_quality": "standard", "auto_size": False, "compress": "geometry",
    }


def test_image_to_model_with_local_file_uploads_then_references_token(
    client: TripoClient, emulator: Emulator, png_file: Path
) -> None:
    task_id = client.image_to_model(str(png_file), orientation="align_image")
    upload, create = emulator.requests
    assert upload.path == "/upload" and upload.files["file"].data == png_file.read_bytes()
    body = json.loads(create.body)
    assert body["file"]["type"] == "png" and uuid.UUID(body["file"]["file_token"])
    assert body["file"]["file_token"] != PLACEHOLDER_TOKEN
    assert str(png_file) not in create.body.decode() and "input.png" not in create.body.decode()
    assert {k: v for k, v in body.items() if k != "file"} == {
        "type": "image_to_model", "model_version": "v2.5-20250123", "texture": True, "pbr": True,
        "texture_quality": "standard", "texture_alignment": "original_image", "auto_size": False,
        "orientation": "align_image",
    }
    assert finished(client, task_id).output.pbr_model  # the emulator resolved the uploaded token


def test_image_to_model_with_url_and_token(client: TripoClient, emulator: Emulator, png_file: Path) -> None:
    client.image_to_model("https://images.example/cat.webp?size=large")
    assert sent_body(emulator)["file"] == {"type": "webp", "url": "https://images.example/cat.webp?size=large"}
    token = client.upload_file(str(png_file))
    client.image_to_model(token, texture=False, pbr=False)
    body = sent_body(emulator)
    assert body["file"] == {"type": "jpg", "file_token": token}
    assert "texture_quality" not in body  # the server rejects "standard" without texture


def test_multiview_to_model_order_and_empty_slots(client: TripoClient, emulator: Emulator, tmp_path: Path) -> None:
    front, back = tmp_path / "front.png", tmp_path / "back.jpg"
    front.write_bytes(png_bytes(30, 30))
    back.write_bytes((ASSET_JPG).read_bytes())
    task_id = client.multiview_to_model([str(front), None, str(back), "https://img.example/right.png"])
    uploads = emulator.requests_to("POST", "/upload")
    assert [u.files["file"].filename for u in uploads] == ["front.png", "back.jpg"]
    files = sent_body(emulator)["files"]
    assert len(files) == 4 and files[1] == {}
    assert files[0]["type"] == "png" and files[2]["type"] == "jpeg"
    assert files[3] == {"type": "png", "url": "https://img.example/right.png"}
    assert finished(client, task_id).status is TaskStatus.SUCCESS


# --------------------------------------------------------------------------- post-processing


def test_convert_model_sends_only_chosen_surcharge_options(client: TripoClient, emulator: Emulator, model_id: str) -> None:
    client.convert_model(model_id, "obj")
    assert posts(emulator)[-1].body == (
        b'{"type":"convert_model","original_model_task_id":"' + model_id.encode()
        + b'","format":"OBJ","force_symmetry":false,"with_animation":false,"pack_uv":false,"bake":true}'
    )
    task_id = client.convert_model(model_id, "FBX", face_limit=2000, texture_format="PNG")
    assert sent_body(emulator) == {
        "type": "convert_model", "original_model_task_id": model_id, "format": "FBX", "force_symmetry": False,
        "face_limit": 2000, "texture_format": "PNG", "with_animation": False, "pack_uv": False, "bake": True,
    }
    assert finished(client, task_id).output.model.split("?")[0].endswith(".fbx")


def test_stylize_model(client: TripoClient, emulator: Emulator, model_id: str) -> None:
    client.stylize_model(model_id, PostStyle.VOXEL, block_size=40)
    assert sent_body(emulator) == {
        "type": "stylize_model", "original_model_task_id": model_id, "style": "voxel", "block_size": 40,
    }


def test_texture_model_prompt_is_nested(client: TripoClient, emulator: Emulator, model_id: str, png_file: Path) -> None:
    client.texture_model(model_id, text_prompt="mossy stone", style_image=str(png_file), texture_quality="detailed")
    body = sent_body(emulator)
    style = body["texture_prompt"].pop("style_image")
    assert style["type"] == "png" and uuid.UUID(style["file_token"])
    assert body == {
        "type": "texture_model", "original_model_task_id": model_id, "texture": True, "pbr": True,
        "texture_quality": "detailed", "texture_alignment": "original_image", "bake": True,
        "texture_prompt": {"text": "mossy stone"},
    }


def test_refine_model(client: TripoClient, emulator: Emulator) -> None:
    draft = finished(client, client.text_to_model("a draft cup", model_version="v1.4-20240625")).task_id
    client.refine_model(draft)
    assert posts(emulator)[-1].body == b'{"type":"refine_model","draft_model_task_id":"' + draft.encode() + b'"}'


def test_check_riggable(client: TripoClient, emulator: Emulator, model_id: str) -> None:
    check_id = client.check_riggable(model_id)
    assert sent_body(emulator) == {"type": "animate_prerigcheck", "original_model_task_id": model_id}
    result = finished(client, check_id)
    assert result.output.riggable is True and isinstance(result.output.rig_type, RigType)


def test_rig_model(client: TripoClient, emulator: Emulator, model_id: str) -> None:
    client.rig_model(model_id)
    assert sent_body(emulator) == {"type": "animate_rig", "original_model_task_id": model_id, "out_format": "glb"}
    client.rig_model(model_id, "fbx", RigType.BIPED, RigSpec.TRIPO)
    assert sent_body(emulator) == {
        "type": "animate_rig", "original_model_task_id": model_id, "out_format": "fbx",
        "rig_type": "biped", "spec": "tripo",
    }


def test_retarget_animation(client: TripoClient, emulator: Emulator, model_id: str) -> None:
    rig_id = finished(client, client.rig_model(model_id, spec=RigSpec.TRIPO)).task_id
    client.retarget_animation(rig_id, Animation.RUN)
    assert sent_body(emulator) == {
        "type": "animate_retarget", "original_model_task_id": rig_id, "out_format": "glb",
        "bake_animation": True, "export_with_geometry": False, "animation": "preset:run",
    }
    task_id = client.retarget_animation(rig_id, ["preset:walk", Animation.JUMP], out_format="fbx")
    assert sent_body(emulator)["animations"] == ["preset:walk", "preset:jump"]
    assert finished(client, task_id).output.model


def test_mesh_segmentation_and_completion(client: TripoClient, emulator: Emulator, model_id: str) -> None:
    seg_id = client.mesh_segmentation(model_id)
    assert sent_body(emulator) == {
        "type": "mesh_segmentation", "original_model_task_id": model_id, "model_version": "v1.0-20250506",
    }
    finished(client, seg_id)
    client.mesh_completion(seg_id, part_names=["head"])
    assert sent_body(emulator) == {
        "type": "mesh_completion", "original_model_task_id": seg_id, "model_version": "v1.0-20250506",
        "part_names": ["head"],
    }


def test_smart_lowpoly_uses_highpoly_to_lowpoly(client: TripoClient, emulator: Emulator, model_id: str) -> None:
    client.smart_lowpoly(model_id, face_limit=1500)
    assert sent_body(emulator) == {
        "type": "highpoly_to_lowpoly", "original_model_task_id": model_id, "model_version": "P-v1.0-20250506",
        "quad": False, "face_limit": 1500, "bake": True,
    }


# --------------------------------------------------------------------------- checks before sending


def test_invalid_arguments_send_nothing(client: TripoClient, emulator: Emulator, png_file: Path, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="left view image file does not exist"):
        client.multiview_to_model([str(png_file), str(tmp_path / "missing.png")])
    with pytest.raises(ValueError, match="quad=True is not supported by the P1"):
        client.image_to_model(str(png_file), model_version="P1-20260311", quad=True)
    with pytest.raises(ValueError, match="either text_prompt or image_prompt"):
        client.texture_model("0" * 8, text_prompt="x", image_prompt=str(png_file))
    gif = tmp_path / "anim.png"
    gif.write_bytes(b"GIF89a" + b"\x00" * 32)
    with pytest.raises(ValueError, match="a GIF image; Tripo accepts JPEG, PNG or WEBP"):
        client.upload_file(str(gif))
    with pytest.raises(ValueError, match="image is required"):
        client.image_to_model()
    with pytest.raises(ValueError, match="out_format must be one of glb, fbx"):
        client.retarget_animation("0" * 8, Animation.WALK, out_format="usdz")
    assert emulator.requests == []


ASSET_JPG = Path(__file__).resolve().parents[1] / "assets" / "images" / "rocket.jpg"
