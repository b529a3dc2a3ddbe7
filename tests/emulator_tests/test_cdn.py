"""The download host: signed expiring URLs, 403s, Range, Content-Length, request recording."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
import requests

from tests.emulator import TEST_KEY, Emulator

from .helpers import Caller

CAT = {"type": "text_to_model", "prompt": "a cat"}


@pytest.fixture
def model_url(api: Caller) -> str:
    return str(api.finished(CAT)["output"]["pbr_model"])


def test_url_shape(emulator: Emulator, api: Caller) -> None:
    task = api.finished(CAT)
    url = urlsplit(task["output"]["pbr_model"])
    task_id = task["task_id"]
    assert f"{url.scheme}://{url.netloc}" == emulator.cdn_base
    parts = url.path.split("/")
    assert parts[1] == "tcli_emulator" and len(parts[2]) == 8 and parts[2].isdigit() and parts[3] == task_id
    assert parts[4] == f"tripo_pbr_model_{task_id}.glb"
    expiry, rand, zero, mac = url.query.removeprefix("auth_key=").split("-")
    assert expiry.isdigit() and rand and zero == "0" and len(mac) == 32


def test_download_needs_no_key_and_has_exact_length(emulator: Emulator, api: Caller, model_url: str) -> None:
    response = api.download(model_url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "model/gltf-binary"
    assert int(response.headers["Content-Length"]) == len(response.content)
    assert response.content[:4] == b"glTF"
    assert "X-Tripo-Trace-ID" not in response.headers
    (rec,) = emulator.cdn_requests
    assert "authorization" not in rec.headers


def test_cdn_records_a_leaked_authorization_header(emulator: Emulator, api: Caller, model_url: str) -> None:
    api.session.get(model_url, timeout=10)  # the session carries the API key, like the official SDK
    assert emulator.cdn_requests[-1].headers["authorization"] == f"Bearer {TEST_KEY}"
    assert not any(r.path.startswith("/tcli_emulator") for r in emulator.requests)


def test_expired_by_time_is_403_and_a_fresh_read_gives_working_urls(emulator: Emulator, api: Caller) -> None:
    task = api.finished(CAT)
    emulator.advance(301)
    assert api.download(task["output"]["pbr_model"]).status_code == 403
    fresh = api.task(task["task_id"])["output"]["pbr_model"]
    assert fresh != task["output"]["pbr_model"]
    assert api.download(fresh).status_code == 200


def test_expire_urls_revokes_everything_issued_so_far(emulator: Emulator, api: Caller, model_url: str) -> None:
    emulator.expire_urls()
    assert api.download(model_url).status_code == 403


def test_url_ttl_is_configurable() -> None:
    with Emulator(url_ttl=5.0) as emu:
        caller = Caller(emu)
        url = caller.finished(CAT)["output"]["pbr_model"]
        emu.advance(4)
        assert caller.download(url).status_code == 200
        emu.advance(2)
        assert caller.download(url).status_code == 403
        caller.close()


@pytest.mark.parametrize("tamper", [
    lambda u: u.replace("auth_key=", "auth_key=1"),
    lambda u: u[:-1] + ("0" if u[-1] != "0" else "1"),
    lambda u: u.split("?")[0],
    lambda u: u.replace(".glb?", ".fbx?"),
])
def test_tampered_signature_is_403(api: Caller, model_url: str, tamper: Callable[[str], str]) -> None:
    assert api.download(tamper(model_url)).status_code == 403


def test_unknown_path_is_404(emulator: Emulator, api: Caller) -> None:
    assert api.download(emulator.cdn_base + "/elsewhere").status_code == 404


def test_range_requests(api: Caller, model_url: str) -> None:
    whole = api.download(model_url).content
    part = api.download(model_url, headers={"Range": "bytes=4-11"})
    assert part.status_code == 206 and part.content == whole[4:12]
    assert part.headers["Content-Range"] == f"bytes 4-11/{len(whole)}"
    tail = api.download(model_url, headers={"Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.content == whole[-10:]
    rest = api.download(model_url, headers={"Range": f"bytes={len(whole) - 3}-"})
    assert rest.content == whole[-3:]
    assert api.download(model_url, headers={"Range": f"bytes={len(whole)}-"}).status_code == 416


def test_head_gives_length_without_body(api: Caller, model_url: str) -> None:
    head = requests.head(model_url, timeout=10)
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["Content-Length"]) == len(api.download(model_url).content)


def test_outputs_of_unfinished_tasks_are_not_listed(timed: Emulator, timed_api: Caller) -> None:
    task_id = timed_api.create(CAT)
    assert timed_api.task(task_id)["output"] == {}
    assert timed.tasks[task_id]["output"] == {}
