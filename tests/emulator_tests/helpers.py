"""A tiny ``requests``-based caller so emulator tests read like the apiv3 wire protocol."""

from __future__ import annotations

from typing import Any

import requests

from tests.emulator import TEST_KEY, Emulator
from tests.emulator.images import png
from tests.emulator.outputs import asset_bytes

PNG = png(32, 32)
JPEG = asset_bytes("images/rocket.jpg")
WEBP = asset_bytes("images/coffee.webp")
FOX = asset_bytes("Fox.glb")

T2M = "/v3/generation/text-to-model"
I2M = "/v3/generation/image-to-model"
MV2M = "/v3/generation/multiview-to-model"
TEXTURE = "/v3/models/texture"
CONVERT = "/v3/models/convert"
IMPORT = "/v3/models/import"
RIG_CHECK = "/v3/animations/rig-check"
RIG = "/v3/animations/rig"
RETARGET = "/v3/animations/retarget"
SEGMENT = "/v3/mesh/segment"
COMPLETE = "/v3/mesh/complete"
DECIMATE = "/v3/mesh/decimate"
UV = "/v3/mesh/uv"
SMART_SEGMENT = "/v3/mesh/smartsegment"
T2I = "/v3/generation/text-to-image"
I2I = "/v3/generation/image-to-image"
I2MV = "/v3/generation/image-to-multiview"
EDIT_MV = "/v3/generation/edit-multiview"
SPLAT = "/v3/generation/image-to-splat"
DEPTH = "/v3/generation/image-to-depth"

V25 = "v2.5-20250123"
CAT = {"prompt": "a cat", "model": V25}
IMAGE_URL = "https://example.com/a.jpg"

ERROR_KEYS = {"code", "status", "message", "suggestion", "request_id"}


class Caller:
    """Talks to one emulator with one API key; paths are full (``/v3/...``)."""

    def __init__(self, emulator: Emulator, key: str = TEST_KEY) -> None:
        self.emulator = emulator
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {key}"

    def close(self) -> None:
        self.session.close()

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.session.post(self.emulator.base_url + path, timeout=10, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.session.get(self.emulator.base_url + path, timeout=10, **kwargs)

    def create(self, path: str, body: dict[str, Any]) -> str:
        """A creation POST that must succeed; returns the task id."""
        response = self.post(path, json=body)
        assert response.status_code == 200, response.text
        return str(response.json()["data"]["task_id"])

    def task(self, task_id: str) -> dict[str, Any]:
        """GET /v3/tasks/{id} that must succeed; returns ``data``."""
        response = self.get(f"/v3/tasks/{task_id}")
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()["data"]
        return data

    def finished(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """Create a task and read it once (with zero durations it is already terminal)."""
        return self.task(self.create(path, body))

    def model(self, prompt: str = "a knight") -> str:
        """A successful text-to-model task to build on."""
        return self.create(T2M, {"prompt": prompt, "model": V25})

    def upload(self, data: bytes, filename: str = "input.png") -> requests.Response:
        return self.post("/v3/files", files={"file": (filename, data, "application/octet-stream")})

    def token(self, data: bytes = JPEG, filename: str = "rocket.jpg") -> str:
        response = self.upload(data, filename)
        assert response.status_code == 200, response.text
        return str(response.json()["data"]["file_token"])

    def presign(self, fmt: str = "glb") -> dict[str, Any]:
        response = self.post("/v3/files/presign", json={"format": fmt})
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()["data"]
        return data

    def download(self, url: str, **kwargs: Any) -> requests.Response:
        """GET a CDN URL *without* the API key (plain requests, not this session)."""
        return requests.get(url, timeout=10, **kwargs)


def error_of(response: requests.Response) -> tuple[int, int]:
    """``(http status, code)`` of an error answer, checking the apiv3 error envelope on the way."""
    body = response.json()
    assert set(body) == ERROR_KEYS, body
    assert body["status"] == "error" and body["code"] != 0
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["request_id"], str) and body["request_id"].startswith("req-")
    return response.status_code, body["code"]


def message_of(response: requests.Response) -> str:
    return str(response.json()["message"])
