"""Our client sends what the official SDK 1.0.0 sends: every method, side by side, on the emulator.

Each case makes the same call with ``tripo_blender.client.TripoClient`` and with the official
``tripo3d.TripoClient`` 1.0.0 (async, through aiohttp) against one emulator, and compares the
requests the emulator recorded: method, path, query and JSON body (multipart uploads: the part's
name and bytes), with upload tokens normalised (each upload gets a fresh one). Where the SDK has
a bug we fixed, the case says what differs and why. ``refine_model`` and ``stylize_model``
send nothing from either client.

Only the client venv has the SDK (a test-only dependency, never shipped).
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("TRIPO_DISABLE_GEO_DETECTION", "1")  # 1.0.0 probes the internet on import otherwise
tripo3d = pytest.importorskip("tripo3d", reason="the official SDK tripo3d==1.0.0 is only installed in the client venv")
pytest.importorskip("aiohttp", reason="tripo3d reaches a local http:// emulator only through aiohttp")

from tests.client.conftest import ASSETS  # noqa: E402
from tests.emulator import TEST_KEY, Emulator, Recorded  # noqa: E402
from tripo_blender.client import Animation, TripoClient, TripoValidationError  # noqa: E402

SDK = tripo3d.TripoClient
_TOKEN = re.compile(r"file_[A-Za-z0-9_.-]+")
ROCKET = ASSETS / "images" / "rocket.jpg"
COFFEE = ASSETS / "images" / "coffee.webp"


def _normalised(value: Any) -> Any:
    if isinstance(value, str):
        return _TOKEN.sub("file_*", value)
    if isinstance(value, dict):
        return {k: _normalised(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalised(v) for v in value]
    return value


def _wire(rec: Recorded) -> tuple[Any, ...]:
    """What identifies a request on the wire (tokens normalised; a multipart part by its bytes)."""
    part = rec.files.get("file") if rec.files else None
    payload: Any = (part.data if part is not None else None) if rec.json is None else _normalised(rec.json)
    return rec.method, _normalised(rec.path), tuple(sorted(rec.query.items())), payload


class Pair:
    """Runs a call with each client and returns the requests each one sent."""

    def __init__(self, emulator: Emulator, ours: TripoClient) -> None:
        self.emulator = emulator
        self.ours = ours

    def _since(self, start: int) -> list[tuple[Any, ...]]:
        return [_wire(r) for r in self.emulator.requests[start:]]

    def run(
        self, ours: Callable[[TripoClient], Any], theirs: Callable[[Any], Awaitable[Any]]
    ) -> tuple[list, list, Any, Any]:
        start = len(self.emulator.requests)
        mine = ours(self.ours)
        middle = len(self.emulator.requests)

        async def sdk_call() -> Any:
            async with SDK(api_key=TEST_KEY, v3_base_url=self.emulator.base_url) as client:
                return await theirs(client)

        official = asyncio.run(sdk_call())
        return self._since(start)[: middle - start], self._since(middle), mine, official

    def same(
        self, ours: Callable[[TripoClient], Any], theirs: Callable[[Any], Awaitable[Any]]
    ) -> list[tuple[Any, ...]]:
        sent, official, _, _ = self.run(ours, theirs)
        assert sent == official
        assert sent, "nothing was sent"
        return sent


@pytest.fixture
def pair(emulator: Emulator, client: TripoClient) -> Iterator[Pair]:
    yield Pair(emulator, client)


@pytest.fixture
def model(client: TripoClient) -> str:
    task_id = client.text_to_model("a walking robot")
    client.wait_for_task(task_id, timeout=10)
    return task_id


@pytest.fixture
def rig(client: TripoClient, model: str) -> str:
    task_id = client.rig_model(model)
    client.wait_for_task(task_id, timeout=10)
    return task_id


# --------------------------------------------------------------------------- common methods


def test_upload_file(pair: Pair) -> None:
    ((method, path, _, data),) = pair.same(lambda c: c.upload_file(str(ROCKET)), lambda s: s.upload_file(str(ROCKET)))
    assert (method, path, data) == ("POST", "/v3/files", ROCKET.read_bytes())


def test_presigned_upload_of_a_large_file(pair: Pair, emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(TripoClient, "MULTIPART_MAX_BYTES", 1024)
    monkeypatch.setattr(SDK, "MULTIPART_MAX_BYTES", 1024)
    fox = ASSETS / "Fox.glb"
    cdn_before = len(emulator.cdn_requests)
    sent = pair.same(lambda c: c.upload_file(str(fox)), lambda s: s.upload_file(str(fox)))
    assert sent == [("POST", "/v3/files/presign", (), {"format": "glb"})]
    puts = [r for r in emulator.cdn_requests[cdn_before:] if r.method == "PUT"]
    assert len(puts) == 2 and all(p.body == fox.read_bytes() and "authorization" not in p.headers for p in puts)


def test_create_task(pair: Pair) -> None:
    body = {"type": "text_to_model", "prompt": "a cup", "model": "v2.5-20250123", "texture": False}
    ((_, path, _, sent),) = pair.same(lambda c: c.create_task(dict(body)), lambda s: s.create_task(dict(body)))
    assert path == "/v3/generation/text-to-model" and sent == {
        "prompt": "a cup",
        "model": "v2.5-20250123",
        "texture": False,
    }


def test_get_task_list_tasks_balance_and_usage(pair: Pair, model: str) -> None:
    assert pair.same(lambda c: c.get_task(model), lambda s: s.get_task(model)) == [
        ("GET", f"/v3/tasks/{model}", (), None)
    ]
    assert pair.same(lambda c: c.get_task(model, step=1), lambda s: s.get_task(model, step=1)) == [
        ("GET", f"/v3/tasks/{model}", (("step", "1"),), None)
    ]
    assert pair.same(lambda c: c.list_tasks([model]), lambda s: s.list_tasks([model])) == [
        ("POST", "/v3/tasks/list", (), {"task_ids": [model]})
    ]
    assert pair.same(lambda c: c.get_balance(), lambda s: s.get_balance()) == [("GET", "/v3/account/balance", (), None)]
    assert pair.same(lambda c: c.get_usage(limit=5), lambda s: s.get_usage(limit=5)) == [
        ("GET", "/v3/account/usage", (("limit", "5"), ("offset", "0")), None)
    ]


def test_wait_for_task_polls_the_task(pair: Pair, model: str) -> None:
    sent, official, mine, theirs = pair.run(lambda c: c.wait_for_task(model), lambda s: s.wait_for_task(model))
    assert sent == official == [("GET", f"/v3/tasks/{model}", (), None)]
    assert mine.status.value == theirs.status.value == "success"


def test_downloads_go_to_the_cdn_without_the_key(
    pair: Pair, emulator: Emulator, client: TripoClient, model: str, tmp_path: Path
) -> None:
    task = client.get_task(model)
    mine_dir, theirs_dir = tmp_path / "ours", tmp_path / "sdk"
    mine_dir.mkdir()
    theirs_dir.mkdir()
    cdn_before = len(emulator.cdn_requests)

    async def theirs(sdk: Any) -> Any:
        return await sdk.download_task_models(await sdk.get_task(model), str(theirs_dir))

    _, _, mine, official = pair.run(lambda c: c.download_task_models(task, str(mine_dir)), theirs)
    assert Path(mine["model"]).read_bytes() == Path(official["model"]).read_bytes()
    assert Path(mine["pbr_model"]) == Path(mine["model"])  # one file, two names, as in the SDK
    cdn = emulator.cdn_requests[cdn_before:]
    assert cdn and all("authorization" not in r.headers for r in cdn)
    image = client.download_rendered_image(task, str(mine_dir))

    async def theirs_image(sdk: Any) -> Any:
        return await sdk.download_rendered_image(await sdk.get_task(model), str(theirs_dir))

    official_image = asyncio.run(_with_sdk(emulator, theirs_image))
    assert image is not None and Path(image).read_bytes() == Path(official_image).read_bytes()


async def _with_sdk(emulator: Emulator, call: Callable[[Any], Awaitable[Any]]) -> Any:
    async with SDK(api_key=TEST_KEY, v3_base_url=emulator.base_url) as client:
        return await call(client)


# --------------------------------------------------------------------------- generation


def test_text_to_model(pair: Pair) -> None:
    pair.same(lambda c: c.text_to_model("a cat"), lambda s: s.text_to_model(prompt="a cat"))
    options: dict[str, Any] = dict(
        negative_prompt="blur",
        model_version="v3.1-20260211",
        face_limit=1000,
        texture=False,
        pbr=False,
        image_seed=1,
        model_seed=2,
        texture_seed=3,
        auto_size=True,
        generate_parts=True,
        geometry_quality="detailed",
        export_uv=False,
    )
    ((_, _, _, body),) = pair.same(
        lambda c: c.text_to_model("a cat", **options), lambda s: s.text_to_model(prompt="a cat", **options)
    )
    assert body["model"] == "v3.1-20260211" and body["geometry_quality"] == "detailed"


def test_image_to_model(pair: Pair) -> None:
    pair.same(
        lambda c: c.image_to_model("https://example.com/a.png"), lambda s: s.image_to_model("https://example.com/a.png")
    )
    sent = pair.same(
        lambda c: c.image_to_model(
            str(ROCKET), texture_alignment="geometry", orientation="align_image", enable_image_autofix=True
        ),
        lambda s: s.image_to_model(
            str(ROCKET), texture_alignment="geometry", orientation="align_image", enable_image_autofix=True
        ),
    )
    assert [r[1] for r in sent] == ["/v3/files", "/v3/generation/image-to-model"]
    assert sent[1][3]["input"] == "file_*"


def test_multiview_to_model(pair: Pair) -> None:
    images = [str(ROCKET), None, "https://example.com/back.png", None]
    sent = pair.same(
        lambda c: c.multiview_to_model(images, model_version="v3.0-20250812"),
        lambda s: s.multiview_to_model(images, model_version="v3.0-20250812"),
    )
    assert sent[-1][3] == {"inputs": ["file_*", None, "https://example.com/back.png", None], "model": "v3.0-20250812"}


def test_text_to_image_and_multiview_images(pair: Pair, client: TripoClient) -> None:
    pair.same(
        lambda c: c.text_to_image("a red fox, studio light"), lambda s: s.text_to_image("a red fox, studio light")
    )
    pair.same(
        lambda c: c.text_to_image("a fox", model="seedream_v4", size="1024x1024"),
        lambda s: s.text_to_image("a fox", model="seedream_v4", size="1024x1024"),
    )
    pair.same(
        lambda c: c.image_to_multiview("https://example.com/a.png"),
        lambda s: s.generate_multiview_image("https://example.com/a.png"),
    )
    pair.same(
        lambda c: c.text_to_image("a fox", model="banana", aspect_ratio="16:9"),
        lambda s: s.text_to_image("a fox", model="banana", aspect_ratio="16:9"),
    )
    views = client.image_to_multiview(str(COFFEE))
    client.wait_for_task(views, timeout=10)
    pair.same(lambda c: c.multiview_to_model(views), lambda s: s.multiview_to_model(views))


def test_image_to_splat(pair: Pair) -> None:
    pair.same(
        lambda c: c.image_to_splat("https://example.com/a.png"), lambda s: s.image_to_splat("https://example.com/a.png")
    )
    sent = pair.same(
        lambda c: c.image_to_splat(str(ROCKET), model_seed=7), lambda s: s.image_to_splat(str(ROCKET), model_seed=7)
    )
    assert [r[1] for r in sent] == ["/v3/files", "/v3/generation/image-to-splat"]
    assert sent[-1][3] == {"input": "file_*", "model_seed": 7}


def test_image_to_depth(pair: Pair) -> None:
    pair.same(
        lambda c: c.image_to_depth("https://example.com/a.png"), lambda s: s.image_to_depth("https://example.com/a.png")
    )
    sent = pair.same(
        lambda c: c.image_to_depth(str(ROCKET), kind="color", process_res=1008),
        lambda s: s.image_to_depth(str(ROCKET), kind="color", process_res=1008),
    )
    assert sent[-1][1:] == (
        "/v3/generation/image-to-depth",
        (),
        {"input": "file_*", "kind": "color", "process_res": 1008},
    )


def test_edit_multiview(pair: Pair, client: TripoClient) -> None:
    """The SDK's edit_multiview takes the views task and the prompts list as they are."""
    views = client.image_to_multiview("https://example.com/a.png")
    client.wait_for_task(views, timeout=10)
    prompts = [{"view": "front", "prompt": "a red scarf"}, {"view": "back", "prompt": "a red cape"}]
    sent = pair.same(lambda c: c.edit_multiview(views, prompts), lambda s: s.edit_multiview(views, prompts))
    assert sent[-1][1:] == ("/v3/generation/edit-multiview", (), {"input": views, "prompts": prompts})
    pair.same(
        lambda c: c.edit_multiview_image(views, prompts[:1]), lambda s: s.edit_multiview_image(views, prompts[:1])
    )


def test_image_to_image(pair: Pair) -> None:
    """The SDK's image_to_image takes the image as ``input`` and the template as an extra keyword."""
    pair.same(
        lambda c: c.image_to_image("https://example.com/a.png", template="t_pose"),
        lambda s: s.image_to_image("https://example.com/a.png", template="t_pose"),
    )
    sent = pair.same(
        lambda c: c.image_to_image(str(ROCKET), "red", images=[str(COFFEE)], model="banana"),
        lambda s: s.image_to_image(str(ROCKET), prompt="red", inputs=[str(COFFEE)], model="banana"),
    )
    assert sent[-1][1:] == (
        "/v3/generation/image-to-image",
        (),
        {"input": "file_*", "inputs": ["file_*"], "prompt": "red", "model": "banana"},
    )


# --------------------------------------------------------------------------- post-processing


def test_texture_model(pair: Pair, model: str) -> None:
    pair.same(lambda c: c.texture_model(model), lambda s: s.texture_model(model))
    options: dict[str, Any] = dict(
        model_version="v3.5-20260815",
        pbr=False,
        texture_seed=42,
        texture_quality="fast",
        texture_alignment="geometry",
        bake=False,
        compress=True,
        text_prompt="wood",
        delight=True,
    )
    pair.same(lambda c: c.texture_model(model, **options), lambda s: s.texture_model(model, **options))
    sent = pair.same(
        lambda c: c.texture_model(model, image_prompt=str(ROCKET), style_image=str(COFFEE)),
        lambda s: s.texture_model(model, image_prompt=str(ROCKET), style_image=str(COFFEE)),
    )
    assert sent[-1][3]["texture_prompt"] == {"image": "file_*", "style_image": "file_*"}


def test_convert_model(pair: Pair, model: str) -> None:
    pair.same(lambda c: c.convert_model(model, "FBX"), lambda s: s.convert_model(model, "FBX"))
    options: dict[str, Any] = dict(
        face_limit=5000,
        texture_format="PNG",
        with_animation=False,
        fbx_preset="mixamo",
        scale_factor=2.0,
        export_orientation="-y",
    )
    pair.same(lambda c: c.convert_model(model, "FBX", **options), lambda s: s.convert_model(model, "FBX", **options))


def test_import_model(pair: Pair) -> None:
    fox = ASSETS / "Fox.glb"
    sent = pair.same(lambda c: c.import_model(str(fox)), lambda s: s.import_model(str(fox)))
    assert [r[1] for r in sent] == ["/v3/files", "/v3/models/import"] and sent[0][3] == fox.read_bytes()
    pair.same(
        lambda c: c.import_model("https://example.com/m.glb"), lambda s: s.import_model("https://example.com/m.glb")
    )


@pytest.mark.filterwarnings("ignore:rig model v2.0-20250506 is retired:UserWarning")  # the SDK's (we log it)
def test_rig_check_and_rig(pair: Pair, model: str) -> None:
    pair.same(lambda c: c.check_riggable(model), lambda s: s.check_riggable(model))
    pair.same(lambda c: c.rig_model(model), lambda s: s.rig_model(model))
    ((_, _, _, body),) = pair.same(
        lambda c: c.rig_model(
            model, out_format="fbx", rig_type="quadruped", spec="mixamo", model_version="v2.0-20250506"
        ),
        lambda s: s.rig_model(
            model, out_format="fbx", rig_type="quadruped", spec="mixamo", model_version="v2.0-20250506"
        ),
    )
    assert body["model"] == "v2.5-20260210"  # the retired version, rewritten by both
    pair.same(
        lambda c: c.rig_model(model, rig_type="others", spec="vrm", model_version="v3.0-20260909"),
        lambda s: s.rig_model(model, rig_type="others", spec="vrm", model_version="v3.0-20260909"),
    )


def test_retarget_animation(pair: Pair, rig: str) -> None:
    pair.same(lambda c: c.retarget_animation(rig, Animation.WALK), lambda s: s.retarget_animation(rig, Animation.WALK))
    pair.same(
        lambda c: c.retarget_animation(
            rig, ["preset:run", "preset:jump"], "fbx", export_with_geometry=True, animate_in_place=True
        ),
        lambda s: s.retarget_animation(
            rig, ["preset:run", "preset:jump"], "fbx", export_with_geometry=True, animate_in_place=True
        ),
    )


def test_segmentation_completion_lowpoly_and_uv(pair: Pair, client: TripoClient, model: str) -> None:
    pair.same(lambda c: c.mesh_segmentation(model), lambda s: s.mesh_segmentation(model))
    pair.same(
        lambda c: c.mesh_segmentation(model, "v2.0-20260430", "detailed", str(ROCKET), False),
        lambda s: s.mesh_segmentation(model, "v2.0-20260430", "detailed", str(ROCKET), False),
    )
    segmented = client.mesh_segmentation(model)
    client.wait_for_task(segmented, timeout=10)
    pair.same(lambda c: c.mesh_completion(segmented), lambda s: s.mesh_completion(segmented))
    pair.same(
        lambda c: c.mesh_completion(segmented, part_names=["arm"], completion_mode="quick_cap"),
        lambda s: s.mesh_completion(segmented, part_names=["arm"], completion_mode="quick_cap"),
    )
    pair.same(lambda c: c.smart_lowpoly(model), lambda s: s.smart_lowpoly(model))
    pair.same(
        lambda c: c.smart_lowpoly(model, "P-v2.0-20251225", face_limit=10000),
        lambda s: s.smart_lowpoly(model, "P-v2.0-20251225", face_limit=10000),
    )
    pair.same(
        lambda c: c.smart_lowpoly(model, "v3.0", quad=True, smart_uv=True, bake=False),
        lambda s: s.smart_lowpoly(model, "v3.0", quad=True, smart_uv=True, bake=False),
    )
    pair.same(lambda c: c.mesh_uv(model), lambda s: s.mesh_uv(model))
    pair.same(lambda c: c.mesh_uv(model, export_orientation="+y"), lambda s: s.mesh_uv(model, export_orientation="+y"))


# --------------------------------------------------------------------------- retired


@pytest.mark.parametrize(
    "call",
    [
        lambda c, t: c.refine_model(t),
        lambda c, t: c.stylize_model(t, "lego"),
        lambda c, t: c.create_task({"type": "stylize_model", "original_model_task_id": t, "style": "lego"}),
    ],
)
def test_retired_capabilities_send_nothing(
    emulator: Emulator, client: TripoClient, model: str, call: Callable[[Any, str], Any]
) -> None:
    before = len(emulator.requests)
    with pytest.raises(TripoValidationError, match="retired") as mine:
        call(client, model)

    async def theirs(sdk: Any) -> Any:
        with pytest.raises(tripo3d.TripoValidationError, match="no longer supported"):
            await call(sdk, model)

    asyncio.run(_with_sdk(emulator, theirs))
    assert len(emulator.requests) == before
    assert "No request was sent" in str(mine.value)
