"""The official SDK (tripo3d 0.3.0) works against the emulator: proof the emulator speaks the real protocol.

Only the client venv has the SDK, and the SDK talks plain HTTP on a custom port only through its
aiohttp implementation (its fallback raw-socket client always dials port 443 with TLS), so the
module is skipped when either is missing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest

from tests.emulator import TEST_KEY, Emulator

tripo3d = pytest.importorskip("tripo3d", reason="the official SDK tripo3d==0.3.0 is only installed in the client venv")
pytest.importorskip("aiohttp", reason="tripo3d reaches a local http:// emulator only through its aiohttp client")
Animation, TaskStatus, TripoClient = tripo3d.Animation, tripo3d.TaskStatus, tripo3d.TripoClient

T = TypeVar("T")


def _run(emulator: Emulator, monkeypatch: pytest.MonkeyPatch, scenario: Callable[[Any], Awaitable[T]]) -> T:
    monkeypatch.setattr(TripoClient, "BASE_URL", emulator.base_url)

    async def main() -> T:
        async with TripoClient(api_key=TEST_KEY) as client:
            return await scenario(client)

    return asyncio.run(main())


def test_text_to_model_wait_and_download(emulator: Emulator, monkeypatch: pytest.MonkeyPatch,
                                         tmp_path: Path) -> None:
    async def scenario(client: Any) -> dict[str, str]:
        task_id = await client.text_to_model(prompt="a small wooden chair")
        task = await client.wait_for_task(task_id, polling_interval=0.01)
        assert task.status == TaskStatus.SUCCESS and task.progress == 100
        files: dict[str, str] = await client.download_task_models(task, str(tmp_path))
        return files

    files = _run(emulator, monkeypatch, scenario)
    assert set(files) == {"pbr_model"}
    downloaded = Path(files["pbr_model"]).read_bytes()
    assert downloaded[:4] == b"glTF"
    # byte for byte the asset that the bpy suites import into Blender 4.2 and 5.0
    # (tests/blender/test_environment.py, test_importer.py): the SDK's download is a GLB Blender opens
    assert downloaded == (Path(__file__).resolve().parents[1] / "assets" / "portal.glb").read_bytes()
    (post,) = emulator.requests_to("POST", "/task")
    assert post.json["type"] == "text_to_model" and post.json["prompt"] == "a small wooden chair"
    # SDK bug (wire protocol §8.7): its session-wide header sends the API key to the CDN too.
    assert emulator.cdn_requests[0].headers.get("authorization") == f"Bearer {TEST_KEY}"


def test_image_upload_rig_and_retarget(emulator: Emulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    image = Path(__file__).resolve().parents[1] / "assets" / "images" / "rocket.jpg"

    async def scenario(client: Any) -> Any:
        model = await client.image_to_model(image=str(image))
        assert (await client.wait_for_task(model, polling_interval=0.01)).status == TaskStatus.SUCCESS
        check = await client.check_riggable(model)
        checked = await client.wait_for_task(check, polling_interval=0.01)
        assert checked.output.riggable is True
        rig = await client.rig_model(model)
        assert (await client.wait_for_task(rig, polling_interval=0.01)).status == TaskStatus.SUCCESS
        retarget = await client.retarget_animation(rig, animation=Animation.WALK)
        done = await client.wait_for_task(retarget, polling_interval=0.01)
        return done, await client.get_balance()

    done, balance = _run(emulator, monkeypatch, scenario)
    assert done.status == TaskStatus.SUCCESS and done.output.model
    assert len(emulator.requests_to("POST", "/upload")) == 1
    assert balance.balance == 10_000 - 30 - 0 - 25 - 10 and balance.frozen == 0
