"""The official SDK (tripo3d 1.0.0) works against the emulator: proof the emulator speaks real apiv3.

Only the client venv has the SDK (a test-only dependency). The module is skipped without it, or
without aiohttp, the transport the SDK normally uses. tripo3d's ``__init__`` starts a thread that
probes the internet for geo detection unless ``TRIPO_DISABLE_GEO_DETECTION`` is set before the
import, hence the first statement below.
"""

from __future__ import annotations

import os

os.environ.setdefault("TRIPO_DISABLE_GEO_DETECTION", "1")

import asyncio  # noqa: E402
from collections.abc import Awaitable, Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, TypeVar  # noqa: E402

import pytest  # noqa: E402

from tests.emulator import TEST_KEY, Emulator  # noqa: E402

tripo3d = pytest.importorskip("tripo3d", reason="the official SDK tripo3d==1.0.0 is only installed in the client venv")
pytest.importorskip("aiohttp", reason="the SDK's usual transport")
Animation, TaskStatus, TripoClient = tripo3d.Animation, tripo3d.TaskStatus, tripo3d.TripoClient

T = TypeVar("T")
ASSETS = Path(__file__).resolve().parents[1] / "assets"
POLL = 0.1  # the SDK's minimum; with zero task durations the first poll already sees the end


def _run(emulator: Emulator, scenario: Callable[[Any], Awaitable[T]]) -> T:
    async def main() -> T:
        async with TripoClient(api_key=TEST_KEY, v3_base_url=emulator.base_url) as client:
            return await scenario(client)

    return asyncio.run(main())


def test_sdk_version() -> None:
    assert tripo3d.__version__ == "1.0.0"


def test_text_to_model_wait_and_download(emulator: Emulator, tmp_path: Path) -> None:
    async def scenario(client: Any) -> tuple[Any, dict[str, str]]:
        task_id = await client.text_to_model(prompt="a small wooden chair")
        task = await client.wait_for_task(task_id, polling_interval=POLL)
        return task, await client.download_task_models(task, str(tmp_path))

    task, files = _run(emulator, scenario)
    assert task.status == TaskStatus.SUCCESS and task.progress == 100
    assert task.type == "text_to_model" and task.credits_consumed == 20 and task.create_time > 0
    assert set(files) == {"model", "pbr_model", "rendered_image"} and files["model"] == files["pbr_model"]
    downloaded = Path(files["model"]).read_bytes()
    # byte for byte the asset that the bpy suites import into Blender: the SDK's download is a GLB Blender opens
    assert downloaded == (ASSETS / "portal.glb").read_bytes()
    assert Path(files["rendered_image"]).read_bytes()[:4] == b"\x89PNG"
    (post,) = emulator.requests_to("POST", "/v3/generation/text-to-model")
    assert post.json == {"prompt": "a small wooden chair", "model": "v2.5-20250123"}
    assert post.headers["authorization"] == f"Bearer {TEST_KEY}"
    assert len(emulator.cdn_requests) == 2  # the model once (model and pbr_model alias it), the render once
    assert all("authorization" not in r.headers and r.status == 200 for r in emulator.cdn_requests)


def test_image_upload_rig_check_rig_retarget_balance_and_list(emulator: Emulator) -> None:
    image = ASSETS / "images" / "rocket.jpg"

    async def scenario(client: Any) -> dict[str, Any]:
        model = await client.image_to_model(str(image))
        done: dict[str, Any] = {"model": await client.wait_for_task(model, polling_interval=POLL)}
        check = await client.check_riggable(model)
        done["check"] = await client.wait_for_task(check, polling_interval=POLL)
        rig = await client.rig_model(model)
        done["rig"] = await client.wait_for_task(rig, polling_interval=POLL)
        retarget = await client.retarget_animation(rig, animation=[Animation.WALK, Animation.RUN])
        done["retarget"] = await client.wait_for_task(retarget, polling_interval=POLL)
        done["balance"] = await client.get_balance()
        done["list"] = await client.list_tasks([model, rig, "00000000-0000-4000-8000-000000000000"])
        done["usage"] = await client.get_usage(limit=2)
        return done

    done = _run(emulator, scenario)
    (upload,) = emulator.requests_to("POST", "/v3/files")
    assert upload.files["file"].filename == "rocket.jpg" and upload.files["file"].data == image.read_bytes()
    assert done["model"].input["input"].startswith("file_")
    assert emulator.uploaded(done["model"].input["input"]) == image.read_bytes()
    assert done["check"].output.riggable is True and done["check"].output.rig_type is not None
    assert done["rig"].status == TaskStatus.SUCCESS and done["rig"].output.model_url
    assert done["retarget"].status == TaskStatus.SUCCESS and done["retarget"].output.model_url
    assert done["retarget"].credits_consumed == 20
    balance = done["balance"]
    assert (balance.balance, balance.frozen) == (10_000 - 30 - 0 - 25 - 20, 0)
    listed = done["list"]
    assert set(listed.tasks) == {done["model"].task_id, done["rig"].task_id}
    assert listed.missed == ["00000000-0000-4000-8000-000000000000"]
    assert [(row.type, row.credits_consumed) for row in done["usage"]] == [
        ("animate_retarget", 20),
        ("animate_rig", 25),
    ]


def test_presigned_upload_then_import(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(TripoClient, "MULTIPART_MAX_BYTES", 1024)  # Fox.glb is larger: the SDK presigns
    fox = ASSETS / "Fox.glb"

    async def scenario(client: Any) -> Any:
        return await client.wait_for_task(await client.import_model(str(fox)), polling_interval=POLL)

    task = _run(emulator, scenario)
    assert task.status == TaskStatus.SUCCESS
    (presign,) = emulator.requests_to("POST", "/v3/files/presign")
    assert presign.json == {"format": "glb"}
    (put,) = [r for r in emulator.cdn_requests if r.method == "PUT"]
    assert put.body == fox.read_bytes() and "authorization" not in put.headers and put.status == 200
    assert emulator.uploaded(task.input["input"]) == fox.read_bytes()


def test_api_errors_and_failed_tasks_reach_the_sdk(emulator: Emulator) -> None:
    emulator.set_outcome("failed", error_code=2008)

    async def scenario(client: Any) -> tuple[Any, Any]:
        with pytest.raises(tripo3d.TripoAPIError) as refused:
            await client.text_to_model(prompt="a cat", model_version="v2.0-20240919")
        failed = await client.wait_for_task(await client.text_to_model(prompt="a cat"), polling_interval=POLL)
        return refused.value, failed

    refused, failed = _run(emulator, scenario)
    assert refused.code == 1004 and refused.request_id.startswith("req-")
    assert failed.status == TaskStatus.FAILED and failed.error_code == 2008 and failed.error_msg
    assert failed.credits_consumed == 0
