"""Downloads: no key to the CDN, expired-URL recovery, verified atomic files, nothing left on failure."""

from __future__ import annotations

import dataclasses
import http.server
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.emulator import TEST_KEY, Emulator
from tripo_blender.client import (
    DownloadError,
    DownloadURLExpired,
    Task,
    TaskOutput,
    TaskStatus,
    TripoClient,
    TripoRequestError,
)

from .conftest import SleepRecorder


@pytest.fixture
def done_task(client: TripoClient) -> Task:
    task = client.wait_for_task(client.text_to_model("a lamp"), timeout=10)
    assert task.status is TaskStatus.SUCCESS and task.output.pbr_model
    return task


@pytest.fixture
def out(tmp_path: Path) -> Path:
    d = tmp_path / "downloads"
    d.mkdir()
    return d


def listing(d: Path) -> list[str]:
    return sorted(p.name for p in d.iterdir())


def test_cdn_never_receives_authorization_even_from_a_session_that_has_it(emulator: Emulator, out: Path) -> None:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {TEST_KEY}"  # a careless caller's session
    session.auth = ("user", "password")
    with TripoClient(api_key=TEST_KEY, base_url=emulator.base_url, session=session) as c:
        task = c.wait_for_task(c.text_to_model("a lamp"), timeout=10)
        c.download_task_models(task, str(out))
        c.download_rendered_image(task, str(out))
    assert len(emulator.cdn_requests) == 2
    for rec in emulator.cdn_requests:
        assert "authorization" not in rec.headers
        assert TEST_KEY not in repr(rec.headers)
    # the API itself still got the bearer key, per request
    assert all(r.headers["authorization"] == f"Bearer {TEST_KEY}" for r in emulator.requests)
    session.close()


def test_progress_is_reported_up_to_content_length(
    client: TripoClient, emulator: Emulator, done_task: Task, out: Path
) -> None:
    calls: list[tuple[int, int | None]] = []
    paths = client.download_task_models(done_task, str(out), on_progress=lambda d, t: calls.append((d, t)))
    size = Path(paths["pbr_model"]).stat().st_size
    assert calls and calls[-1] == (size, size)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_expired_url_is_refreshed_once(client: TripoClient, emulator: Emulator, done_task: Task, out: Path) -> None:
    gets_before = len(emulator.requests_to("GET", "/v3/tasks/"))
    emulator.expire_urls()
    paths = client.download_task_models(done_task, str(out))
    assert Path(paths["pbr_model"]).read_bytes()[:4] == b"glTF"
    assert len(emulator.requests_to("GET", "/v3/tasks/")) == gets_before + 1
    assert [r.status for r in emulator.cdn_requests] == [403, 200]
    assert emulator.cdn_requests[0].query["auth_key"] != emulator.cdn_requests[1].query["auth_key"]


def test_url_still_refused_after_refresh_gives_typed_error_and_no_files(
    client: TripoClient, emulator: Emulator, done_task: Task, out: Path
) -> None:
    gets_before = len(emulator.requests_to("GET", "/v3/tasks/"))
    emulator.inject("CDN", times=None, status=403, code=1005)
    with pytest.raises(DownloadURLExpired) as info:
        client.download_task_models(done_task, str(out))
    assert isinstance(info.value, DownloadError) and isinstance(info.value, TripoRequestError)
    assert info.value.status_code == 403
    assert len(emulator.requests_to("GET", "/v3/tasks/")) == gets_before + 1  # exactly one refresh
    assert len(emulator.cdn_requests) == 2
    assert listing(out) == []


def test_truncated_download_is_retried(
    client: TripoClient, emulator: Emulator, done_task: Task, out: Path, tmp_path: Path
) -> None:
    emulator.inject("CDN", truncate=True)
    first = Path(client.download_task_models(done_task, str(out))["pbr_model"])
    clean_dir = tmp_path / "clean"
    clean_dir.mkdir()
    clean = Path(client.download_task_models(done_task, str(clean_dir))["pbr_model"])
    assert first.read_bytes() == clean.read_bytes()
    assert [r.status for r in emulator.cdn_requests][:2] == [200, 200]
    assert len(emulator.cdn_requests) == 3
    assert listing(out) == [first.name]


def test_persistently_truncated_download_raises_and_leaves_nothing(
    emulator: Emulator, out: Path, sleeps: SleepRecorder
) -> None:
    with TripoClient(api_key=TEST_KEY, base_url=emulator.base_url, sleep=sleeps, max_retries=2) as c:
        task = c.wait_for_task(c.text_to_model("a lamp"), timeout=10)
        emulator.inject("CDN", times=None, truncate=True)
        with pytest.raises(DownloadError) as info:
            c.download_task_models(task, str(out))
    assert "broke before the answer was complete" in str(info.value)
    assert len(emulator.cdn_requests) == 3 and len(sleeps) == 2
    assert listing(out) == []


def test_5xx_from_cdn_is_retried(
    client: TripoClient, emulator: Emulator, done_task: Task, out: Path, sleeps: SleepRecorder
) -> None:
    emulator.inject("CDN", status=503, non_json=True)
    path = client.download_rendered_image(done_task, str(out))
    assert path is not None and Path(path).stat().st_size > 0
    assert [r.status for r in emulator.cdn_requests] == [503, 200] and len(sleeps) == 1


def test_all_or_nothing_when_a_later_file_fails(
    client: TripoClient, emulator: Emulator, done_task: Task, out: Path
) -> None:
    good = done_task.output.pbr_model
    assert good
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    broken = f"http://127.0.0.1:{sock.getsockname()[1]}/x/rendered_{done_task.task_id}.png"
    sock.close()  # nothing listens there: connection refused on every attempt
    two = dataclasses.replace(done_task, output=TaskOutput(model_url=good, rendered_image=broken))
    with pytest.raises(DownloadError, match="could not connect"):
        client.download_outputs(two, str(out))
    assert [r.status for r in emulator.cdn_requests] == [200]  # the first file was fetched ...
    assert listing(out) == []  # ... but not published


def test_existing_file_is_replaced_atomically(client: TripoClient, done_task: Task, out: Path) -> None:
    paths = client.download_task_models(done_task, str(out))
    target = Path(paths["pbr_model"])
    target.write_bytes(b"old")
    assert client.download_task_models(done_task, str(out)) == paths
    assert target.read_bytes()[:4] == b"glTF"
    assert listing(out) == [target.name]


def test_preconditions(client: TripoClient, emulator: Emulator, done_task: Task, out: Path) -> None:
    running = dataclasses.replace(done_task, status=TaskStatus.RUNNING)
    with pytest.raises(ValueError, match="with status: running"):
        client.download_task_models(running, str(out))
    with pytest.raises(FileNotFoundError, match="Output directory not found"):
        client.download_task_models(done_task, str(out / "nope"))
    a_file = out / "file.txt"
    a_file.write_text("x")
    with pytest.raises(NotADirectoryError):
        client.download_rendered_image(done_task, str(a_file))
    with pytest.raises(ValueError, match="plain file name"):
        client.download_rendered_image(done_task, str(out), filename="../escape.png")
    no_image = dataclasses.replace(done_task, output=TaskOutput(pbr_model=done_task.output.pbr_model))
    assert client.download_rendered_image(no_image, str(out)) is None
    assert client.download_task_models(dataclasses.replace(done_task, output=TaskOutput()), str(out)) == {}
    assert emulator.cdn_requests == []
    assert listing(out) == ["file.txt"]


# --------------------------------------------------------------------------- a CDN serving bad content


class _Handler(http.server.BaseHTTPRequestHandler):
    bodies: dict[str, bytes] = {}

    def do_GET(self) -> None:  # noqa: N802
        body = self.bodies.get(self.path.split("?")[0])
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def bad_cdn() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    _Handler.bodies = {
        "/t/not_a_model_T1.glb": b"<html>error page</html>",
        "/t/model_T1.glb": b"glTF\x02\x00\x00\x00rest",
    }
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_glb_without_magic_is_rejected(client: TripoClient, bad_cdn: str, out: Path) -> None:
    task = Task(
        "T1",
        "text_to_model",
        TaskStatus.SUCCESS,
        {},
        TaskOutput(pbr_model=f"{bad_cdn}/t/not_a_model_T1.glb?sig=1"),
        100,
        0,
    )
    with pytest.raises(DownloadError, match="not a binary glTF"):
        client.download_task_models(task, str(out))
    assert listing(out) == []
    good = dataclasses.replace(task, output=TaskOutput(model=f"{bad_cdn}/t/model_T1.glb"))
    assert client.download_task_models(good, str(out)) == {
        "model": str(out / "model_T1.glb"),
        "pbr_model": str(out / "model_T1.glb"),
    }
