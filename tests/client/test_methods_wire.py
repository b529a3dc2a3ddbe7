"""Every client method against the emulator: what reached the server, and what the caller got back.

The request bodies themselves are pinned in ``test_payloads.py`` and compared with the official
SDK's in ``test_sdk_parity.py``; this file checks the rest of the wire: headers, uploads (multipart
and presigned), that local paths never leave the machine, that invalid calls send nothing, and
that results (tasks, files, lists, usage) come back as SDK 0.3.0's types.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.client.conftest import ASSETS
from tests.client.imagedata import png_bytes
from tests.emulator import TEST_KEY, Emulator, glb
from tripo_blender.client import Animation, RigType, Task, TaskStatus, TripoAPIError, TripoClient
from tripo_blender.client.inputs import MAX_UPLOAD_BYTES

AUTH = f"Bearer {TEST_KEY}"
ROCKET = ASSETS / "images" / "rocket.jpg"


def creations(emu: Emulator) -> list:
    return [
        r
        for r in emu.requests
        if r.method == "POST" and r.path.startswith(("/v3/generation/", "/v3/models/", "/v3/animations/", "/v3/mesh/"))
    ]


def sent_body(emu: Emulator) -> dict:
    rec = creations(emu)[-1]
    assert rec.headers["content-type"] == "application/json"
    assert rec.headers["authorization"] == AUTH
    assert rec.status == 200, rec.json
    return dict(json.loads(rec.body))


def finished(client: TripoClient, task_id: str) -> Task:
    task = client.wait_for_task(task_id, timeout=10)
    assert task.status is TaskStatus.SUCCESS, (task.status, task.error_code, task.error_msg)
    return task


@pytest.fixture
def model_id(client: TripoClient) -> str:
    return finished(client, client.text_to_model("a walking robot")).task_id


# --------------------------------------------------------------------------- headers and uploads


def test_every_api_request_carries_key_agent_and_a_fresh_trace_id(client: TripoClient, emulator: Emulator) -> None:
    task_id = client.text_to_model("a cup")
    task = client.get_task(task_id)
    post, get = emulator.requests
    assert (post.method, post.path, get.method, get.path) == (
        "POST",
        "/v3/generation/text-to-model",
        "GET",
        f"/v3/tasks/{task_id}",
    )
    for rec in (post, get):
        assert rec.headers["authorization"] == AUTH
        assert rec.headers["user-agent"].startswith("tripo-blender/")
        assert uuid.UUID(rec.headers["x-tripo-trace-id"])
    assert post.headers["x-tripo-trace-id"] != get.headers["x-tripo-trace-id"]
    assert task.trace_id and uuid.UUID(task.trace_id)


def test_upload_file_sends_one_multipart_part_with_the_real_type(
    client: TripoClient, emulator: Emulator, tmp_path: Path
) -> None:
    path = tmp_path / "My Photo.JPG"  # really a PNG: the part must say png
    data = png_bytes(40, 40)
    path.write_bytes(data)
    token = client.upload_file(str(path))
    (rec,) = emulator.requests
    assert (rec.method, rec.path, rec.status, rec.headers["authorization"]) == ("POST", "/v3/files", 200, AUTH)
    part = rec.files["file"]
    assert (part.filename, part.content_type, part.data) == ("My_Photo.png", "image/png", data)
    assert token.startswith("file_") and emulator.uploaded(token) == data


def test_a_model_upload_over_the_multipart_size_goes_through_a_presigned_put(
    client: TripoClient, emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(TripoClient, "MULTIPART_MAX_BYTES", 1024)
    fox = ASSETS / "Fox.glb"
    token = client.upload_file(str(fox))
    (presign,) = emulator.requests
    assert (presign.method, presign.path, presign.json) == ("POST", "/v3/files/presign", {"format": "glb"})
    (put,) = [r for r in emulator.cdn_requests if r.method == "PUT"]
    assert put.body == fox.read_bytes() and "authorization" not in put.headers
    assert put.headers["content-type"] == "model/gltf-binary"
    assert emulator.uploaded(token) == fox.read_bytes()


def test_files_over_the_api_cap_are_refused_before_any_request(
    client: TripoClient, emulator: Emulator, tmp_path: Path
) -> None:
    huge = tmp_path / "scan.glb"
    with open(huge, "wb") as fh:
        fh.write(b"glTF\x02\x00\x00\x00")
        fh.truncate(MAX_UPLOAD_BYTES + 1)
    with pytest.raises(ValueError, match="150 MB"):
        client.upload_file(str(huge))
    with pytest.raises(ValueError, match="150 MB"):
        client.import_model(str(huge))
    assert emulator.requests == []


def test_local_paths_never_reach_a_request_body(client: TripoClient, emulator: Emulator, tmp_path: Path) -> None:
    secret = tmp_path / "client-project-x" / "hero.png"
    secret.parent.mkdir()
    secret.write_bytes(png_bytes())
    finished(client, client.image_to_model(str(secret)))
    for rec in emulator.requests:
        if rec.json is not None:
            assert "client-project-x" not in json.dumps(rec.json)
    assert sent_body(emulator)["input"].startswith("file_")


def test_a_post_process_of_a_local_model_uploads_it_first(client: TripoClient, emulator: Emulator) -> None:
    task_id = client.texture_model(str(ASSETS / "Fox.glb"), text_prompt="red fur")
    upload, create = emulator.requests
    assert upload.path == "/v3/files" and create.path == "/v3/models/texture"
    assert emulator.uploaded(create.json["input"]) == (ASSETS / "Fox.glb").read_bytes()
    assert finished(client, task_id).output.model_url


def test_import_model_then_rig_its_task(client: TripoClient, emulator: Emulator) -> None:
    imported = finished(client, client.import_model(str(ASSETS / "Fox.glb")))
    assert sent_body(emulator)["input"].startswith("file_")
    rig = finished(
        client, client.rig_model(imported.task_id, rig_type=RigType.QUADRUPED, model_version="v2.5-20260210")
    )
    assert rig.output.model_url


# --------------------------------------------------------------------------- tasks and account


def test_create_task_routes_by_type(client: TripoClient, emulator: Emulator) -> None:
    task_id = client.create_task(
        {"type": "text_to_model", "prompt": "a cup", "model": "v2.5-20250123", "texture": False}
    )
    rec = creations(emulator)[-1]
    assert rec.path == "/v3/generation/text-to-model"
    assert rec.body == b'{"prompt":"a cup","model":"v2.5-20250123","texture":false}'
    assert task_id in emulator.tasks


def test_wait_for_task_follows_the_state_machine(client: TripoClient, emulator: Emulator) -> None:
    emulator.set_timing(queue_seconds=2, run_seconds=4)
    task_id = client.text_to_model("a cup")
    seen: list[tuple[str, int]] = []

    def progress(task: Task) -> None:
        seen.append((task.status.value, task.progress))
        emulator.advance(1.5)  # the emulator's clock, not ours: no real waiting

    task = client.wait_for_task(task_id, polling_interval=0.01, on_progress=progress)
    assert task.status is TaskStatus.SUCCESS and task.progress == 100 and task.credits_consumed == 20
    statuses = [s for s, _ in seen]
    assert statuses[0] == "queued" and "running" in statuses and statuses[-1] == "success"
    assert len(emulator.requests_to("GET", f"/v3/tasks/{task_id}")) == len(seen)


def test_list_tasks_reports_the_tasks_it_knows_and_the_ones_it_misses(
    client: TripoClient, emulator: Emulator, model_id: str
) -> None:
    other = client.text_to_model("a second cup")
    emulator.forget_task(other)
    result = client.list_tasks([model_id, other])
    assert list(result.tasks) == [model_id] and result.missed == [other]
    assert result.tasks[model_id].status is TaskStatus.SUCCESS
    (rec,) = emulator.requests_to("POST", "/v3/tasks/list")
    assert rec.json == {"task_ids": [model_id, other]}


def test_balance_and_usage_are_per_key(client: TripoClient, emulator: Emulator, model_id: str) -> None:
    emulator.add_key("tsk_second_key_000", balance=123.5)
    with TripoClient(api_key="tsk_second_key_000", base_url=emulator.base_url) as other:
        balance = other.get_balance()
        assert other.get_usage() == []
    assert (balance.balance, balance.frozen) == (123.5, 0.0)
    usage = client.get_usage(limit=10)
    assert [(row.task_id, row.type, row.credits_consumed) for row in usage] == [(model_id, "text_to_model", 20.0)]
    with pytest.raises(ValueError, match="limit must be at most 200"):
        client.get_usage(limit=500)


# --------------------------------------------------------------------------- downloads


def test_download_task_models_and_rendered_image(
    client: TripoClient, emulator: Emulator, model_id: str, tmp_path: Path
) -> None:
    task = client.get_task(model_id)
    out = tmp_path / "out"
    out.mkdir()
    paths = client.download_task_models(task, str(out))
    assert set(paths) == {"model", "pbr_model"} and paths["model"] == paths["pbr_model"]
    model = Path(paths["model"])
    assert model.parent == out and model.read_bytes()[:4] == b"glTF"
    image = client.download_rendered_image(task, str(out))
    assert image is not None and Path(image).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    custom = client.download_rendered_image(task, str(out), filename="preview.png")
    assert custom == str(out / "preview.png")
    cdn = emulator.cdn_requests
    assert [r.method for r in cdn] == ["GET", "GET", "GET"]
    assert all(r.status == 200 and "authorization" not in r.headers for r in cdn)
    assert sorted(p.name for p in out.iterdir()) == sorted([model.name, Path(image).name, "preview.png"])


def test_download_outputs_of_an_image_to_multiview_task(client: TripoClient, tmp_path: Path) -> None:
    task = finished(client, client.image_to_multiview(str(ROCKET)))
    files = client.download_outputs(task, str(tmp_path))
    assert list(files) == ["front_view", "left_view", "back_view", "right_view"]
    assert all(Path(p).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in files.values())
    with pytest.raises(ValueError, match="has no model output"):
        client.download_outputs(task, str(tmp_path), ["model"])


@pytest.mark.parametrize("shape", ["all", "edited"])
def test_edit_multiview_sends_the_views_task_and_downloads_what_it_answers(
    client: TripoClient, emulator: Emulator, tmp_path: Path, shape: str
) -> None:
    """Every view, or only the edited ones (ComfyUI's reading): the client downloads what came."""
    emulator.variants.edit_multiview = shape
    views = finished(client, client.image_to_multiview(str(ROCKET)))
    edit = finished(client, client.edit_multiview(views.task_id, {"front": "a red scarf", "back": ""}))
    assert sent_body(emulator) == {"input": views.task_id, "prompts": [{"view": "front", "prompt": "a red scarf"}]}
    files = client.download_outputs(edit, str(tmp_path))
    assert list(files) == (["front_view", "left_view", "back_view", "right_view"] if shape == "all" else ["front_view"])
    (tmp_path / "before").mkdir()
    before = client.download_outputs(views, str(tmp_path / "before"))
    assert Path(files["front_view"]).read_bytes() != Path(before["front_view"]).read_bytes(), "the front changed"
    if shape == "all":
        assert Path(files["left_view"]).read_bytes() == Path(before["left_view"]).read_bytes()
    model = finished(client, client.multiview_to_model(edit.task_id))  # an edit is a views task too
    assert model.output.model_url
    count = len(emulator.requests)
    with pytest.raises(ValueError, match="unknown view 'top'"):
        client.edit_multiview(views.task_id, {"top": "a hat"})
    with pytest.raises(ValueError, match="input must be the id of a Tripo task"):
        client.edit_multiview(str(ROCKET), {"front": "a hat"})
    assert len(emulator.requests) == count, "nothing was uploaded or sent"


# --------------------------------------------------------------------------- results of each kind


def test_text_to_image_feeds_image_to_model(client: TripoClient, emulator: Emulator) -> None:
    image = finished(client, client.text_to_image("a red fox, studio light"))
    assert image.output.generated_image
    finished(client, client.image_to_model(image.task_id))
    assert sent_body(emulator)["input"] == image.task_id


def test_rig_check_rig_and_retarget(client: TripoClient, emulator: Emulator, model_id: str) -> None:
    check = finished(client, client.check_riggable(model_id))
    assert check.output.riggable is True and isinstance(check.output.rig_type, RigType)
    rig = finished(client, client.rig_model(model_id))
    walk = finished(client, client.retarget_animation(rig.task_id, [Animation.WALK, "preset:run"]))
    assert walk.output.model_url and sent_body(emulator)["animations"] == ["preset:walk", "preset:run"]


@pytest.mark.parametrize("shape", ["model_urls", "both"])
def test_a_retarget_answered_with_model_urls_downloads_every_file_once(
    client: TripoClient, emulator: Emulator, model_id: str, tmp_path: Path, shape: str
) -> None:
    """S2: one file per animation, in request order; with ``model_url`` too, that bundle is not fetched."""
    emulator.retarget_files = shape
    rig = finished(client, client.rig_model(model_id))
    task = finished(client, client.retarget_animation(rig.task_id, ["preset:walk", "preset:run"]))
    urls = task.output.model_urls
    assert len(urls) == 2 and task.output.files()["model"] == urls[0] and task.output.files()["model_2"] == urls[1]
    assert task.output.model_url == (task.raw["output"]["model_url"] if shape == "both" else urls[0])
    paths = client.download_task_models(task, str(tmp_path))
    assert set(paths) == {"model", "model_2", "pbr_model"}
    assert [glb.animation_names(Path(paths[k]).read_bytes()) for k in ("model", "model_2")] == [["walk"], ["run"]]
    fetched = [r.path.rsplit("/", 1)[-1] for r in emulator.cdn_requests]
    assert fetched == [f"tripo_retarget_{name}_{task.task_id}.glb" for name in ("walk", "run")], (
        "only the per-animation files, never the bundle as well"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(Path(paths[k]).name for k in ("model", "model_2"))


def test_a_link_that_expires_while_an_earlier_file_downloads_is_renewed_for_that_file(
    client: TripoClient, emulator: Emulator, model_id: str, tmp_path: Path
) -> None:
    """Links expire ~5 min after the task finished: the second animation's may run out while the
    first one downloads. Each file gets its own fresh link (GET /v3/tasks/{id}, free)."""
    emulator.retarget_files = "model_urls"
    emulator.expire_links_after(300)
    rig = finished(client, client.rig_model(model_id))
    task = finished(client, client.retarget_animation(rig.task_id, ["preset:walk", "preset:run"]))
    for url in task.output.model_urls:  # each file arrives late: its link has run out
        emulator.inject(f"CDN {urlsplit(url).path}", late=301)
    gets = len(emulator.requests_to("GET", f"/v3/tasks/{task.task_id}"))
    paths = client.download_task_models(task, str(tmp_path))
    assert [glb.animation_names(Path(paths[k]).read_bytes()) for k in ("model", "model_2")] == [["walk"], ["run"]]
    assert [r.status for r in emulator.cdn_requests] == [403, 200, 403, 200]
    assert len(emulator.requests_to("GET", f"/v3/tasks/{task.task_id}")) == gets + 2, "one fresh read per file"
    assert len(creations(emulator)) == 3, "nothing was created again"


def test_a_refused_bake_animation_says_which_sources_said_what(
    client: TripoClient, emulator: Emulator, model_id: str
) -> None:
    rig = finished(client, client.rig_model(model_id))
    emulator.inject("POST /v3/animations/retarget", status=400, code=1004, message="Invalid parameter bake_animation")
    with pytest.raises(TripoAPIError) as refused:
        client.retarget_animation(rig.task_id, ["preset:walk"], bake_animation=False)
    assert refused.value.code == 1004 and refused.value.status_code == 400
    assert refused.value.message.startswith("Invalid parameter bake_animation")
    assert "JavaScript, Go and Rust SDKs" in refused.value.message and "Python SDK 1.0.0" in refused.value.message
    assert "without bake_animation" in (refused.value.suggestion or "")
    assert creations(emulator)[-1].json["bake_animation"] is False
    finished(client, client.retarget_animation(rig.task_id, ["preset:walk"], bake_animation=True))
    assert sent_body(emulator)["bake_animation"] is True, "sent when set: the service decides"
    emulator.inject("POST /v3/animations/retarget", status=400, code=1004, message="Invalid parameter animations")
    with pytest.raises(TripoAPIError) as other:
        client.retarget_animation(rig.task_id, ["preset:walk"])
    assert other.value.message == "Invalid parameter animations", "no source note when nothing disputed was sent"


def test_image_to_depth_downloads_the_depth_map(client: TripoClient, tmp_path: Path) -> None:
    task = finished(client, client.image_to_depth(str(ROCKET), kind="gray"))
    assert task.output.depth_image_url
    paths = client.download_outputs(task, str(tmp_path), ["depth_image"])
    head = Path(paths["depth_image"]).read_bytes()[:8]
    assert head == b"\x89PNG\r\n\x1a\n" or head[:3] == b"\xff\xd8\xff", "a real image file"


def test_image_to_image_reuses_a_concept_task_and_refuses_a_missing_image_before_sending(
    client: TripoClient, emulator: Emulator, tmp_path: Path
) -> None:
    concept = finished(client, client.text_to_image("a red fox figurine"))
    task = finished(client, client.image_to_image(concept.task_id, template="t_pose"))
    assert sent_body(emulator) == {"input": concept.task_id, "template": "t_pose"}
    paths = client.download_outputs(task, str(tmp_path), ["generated_image"])
    assert Path(paths["generated_image"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", "a real image file"
    finished(client, client.image_to_image(str(ROCKET), "make it red", images=[str(ROCKET)]))
    body = sent_body(emulator)
    assert (
        body["input"].startswith("file_") and body["inputs"][0].startswith("file_") and body["prompt"] == "make it red"
    )
    before = len(emulator.requests)
    with pytest.raises(ValueError, match="image or images is required"):
        client.image_to_image(template="t_pose")
    with pytest.raises(ValueError, match="prompt is required unless a template is given"):
        client.image_to_image(str(ROCKET))  # refused before the upload, not after
    with pytest.raises(FileNotFoundError):
        client.image_to_image(str(ROCKET), template="variants", images=[str(tmp_path / "missing.png")])
    assert len(emulator.requests) == before, "nothing was uploaded or sent"


def test_smart_segment_fills_seg_type_and_the_identity_transform(
    client: TripoClient, emulator: Emulator, model_id: str
) -> None:
    parts = finished(client, client.smart_segment(model_id, granularity="medium"))
    body = sent_body(emulator)
    assert (body["input"], body["seg_type"], body["granularity"]) == (model_id, "model", "medium")
    assert body["transform"] == [1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0]
    assert parts.type == "smart_segment" and parts.output.model_url
    finished(client, client.mesh_completion(parts.task_id))  # taken like a segmentation
    finished(client, client.smart_segment(image=str(ROCKET), hint="the fins"))
    assert {k: v for k, v in sent_body(emulator).items() if k != "input"} == {"seg_type": "image", "hint": "the fins"}
    before = len(emulator.requests)
    with pytest.raises(ValueError, match="not both"):
        client.smart_segment(model_id, image=str(ROCKET))
    assert len(emulator.requests) == before, "refused before the upload"


def test_segment_complete_lowpoly_uv_convert(client: TripoClient, model_id: str) -> None:
    segmented = finished(client, client.mesh_segmentation(model_id))
    assert finished(client, client.mesh_completion(segmented.task_id, completion_mode="quick_cap")).output.model_url
    assert finished(client, client.smart_lowpoly(model_id, "v3.0", smart_uv=True)).output.model_url
    uv = finished(client, client.mesh_uv(model_id))
    assert uv.output.model_url and uv.output.uv_render_url
    fbx = finished(client, client.convert_model(model_id, "FBX", fbx_preset="mixamo"))
    assert fbx.output.model_url and fbx.output.model_url.split("?")[0].endswith(".fbx")


# --------------------------------------------------------------------------- checks before sending


def test_invalid_arguments_send_nothing(
    client: TripoClient, emulator: Emulator, png_file: Path, tmp_path: Path
) -> None:
    with pytest.raises(FileNotFoundError, match="left view image file does not exist"):
        client.multiview_to_model([str(png_file), str(tmp_path / "missing.png")])
    with pytest.raises(ValueError, match="quad is not supported by model_version 'P1-20260311'"):
        client.image_to_model(str(png_file), model_version="P1-20260311", quad=True)
    with pytest.raises(ValueError, match="either text_prompt or image_prompt"):
        client.texture_model("0" * 8, text_prompt="x", image_prompt=str(png_file))
    gif = tmp_path / "anim.png"
    gif.write_bytes(b"GIF89a" + b"\x00" * 32)
    with pytest.raises(ValueError, match="not a GLB, glTF, FBX, OBJ or STL"):
        client.upload_file(str(gif))
    with pytest.raises(ValueError, match="image is required"):
        client.image_to_model(None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="out_format must be one of glb, fbx"):
        client.retarget_animation("0" * 8, Animation.WALK, out_format="usdz")
    with pytest.raises(ValueError, match="id of a Tripo task"):
        client.retarget_animation("file_abc", Animation.WALK)
    with pytest.raises(ValueError, match="Generation styles no longer exist"):
        client.text_to_model("a cup", style="object:clay")  # type: ignore[arg-type]
    assert emulator.requests == []
