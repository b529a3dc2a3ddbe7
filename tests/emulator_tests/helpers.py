"""A tiny ``requests``-based caller so emulator tests read like the wire protocol."""

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


class Caller:
    """Talks to one emulator with one API key."""

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

    def create(self, body: dict[str, Any]) -> str:
        """POST /task that must succeed; returns the task id."""
        response = self.post("/task", json=body)
        assert response.status_code == 200, response.text
        return str(response.json()["data"]["task_id"])

    def task(self, task_id: str) -> dict[str, Any]:
        """GET /task/{id} that must succeed; returns ``data``."""
        response = self.get(f"/task/{task_id}")
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()["data"]
        return data

    def finished(self, body: dict[str, Any]) -> dict[str, Any]:
        """Create a task and read it once (with zero durations it is already terminal)."""
        return self.task(self.create(body))

    def upload(self, data: bytes, filename: str = "input.png", path: str = "/upload") -> requests.Response:
        return self.post(path, files={"file": (filename, data, "application/octet-stream")})

    def token(self, data: bytes = JPEG) -> str:
        response = self.upload(data)
        assert response.status_code == 200, response.text
        return str(response.json()["data"]["image_token"])

    def download(self, url: str, **kwargs: Any) -> requests.Response:
        """GET a CDN URL *without* the API key (plain requests, not this session)."""
        return requests.get(url, timeout=10, **kwargs)


def error_of(response: requests.Response) -> tuple[int, int]:
    """``(http status, code)`` of an error answer, checking the envelope shape on the way."""
    body = response.json()
    assert set(body) == {"code", "message", "suggestion"}, body
    assert isinstance(body["message"], str) and body["message"]
    return response.status_code, body["code"]
