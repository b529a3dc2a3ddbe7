"""Hostile result URLs: plain http off this machine is refused, and no file may grow without bound."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tripo_blender.client import DownloadError, TaskStatus, TripoClient
from tripo_blender.client.download import fetch_to_file

RELIABILITY_AREA = "Keys"


def test_plain_http_off_this_machine_is_refused_before_connecting(client: TripoClient, tmp_path: Path) -> None:
    target = tmp_path / "x.part"
    target.touch()
    with pytest.raises(DownloadError, match="plain http"):
        fetch_to_file(client._transport, "http://cdn.example.com/model.glb", str(target))


def test_a_file_above_the_cap_is_refused(client: TripoClient, tmp_path: Path) -> None:
    task = client.wait_for_task(client.text_to_model("a lamp"), timeout=10)
    assert task.status is TaskStatus.SUCCESS
    target = tmp_path / "x.part"
    target.touch()
    with pytest.raises(DownloadError, match="larger than"):
        fetch_to_file(client._transport, task.output.files()["model"], str(target), max_bytes=1000)


class _Endless(http.server.BaseHTTPRequestHandler):
    """A CDN that streams without Content-Length (HTTP/1.0, ends only when the client hangs up)."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.send_response(200)
        self.end_headers()
        try:
            for _ in range(10_000):
                self.wfile.write(b"x" * 4096)
        except OSError:
            pass

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def endless() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Endless)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/model.glb"
    server.shutdown()
    server.server_close()


def test_a_stream_without_content_length_stops_at_the_cap(client: TripoClient, tmp_path: Path, endless: str) -> None:
    target = tmp_path / "x.part"
    target.touch()
    with pytest.raises(DownloadError, match="larger than"):
        fetch_to_file(client._transport, endless, str(target), max_bytes=64 * 1024)
    assert target.stat().st_size <= 64 * 1024 + 1024 * 1024  # at most one chunk past the cap
