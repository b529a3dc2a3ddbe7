"""The download host: signed expiring URLs, no API key allowed, 403s, Range, Content-Length, recording."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
import requests

from tests.emulator import TEST_KEY, Emulator

from .helpers import CAT, T2M, Caller


@pytest.fixture
def model_url(api: Caller) -> str:
    return str(api.finished(T2M, CAT)["output"]["model_url"])


def test_url_shape(emulator: Emulator, api: Caller) -> None:
    task = api.finished(T2M, CAT)
    url = urlsplit(task["output"]["model_url"])
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
    assert "authorization" not in rec.headers and rec.status == 200


def test_a_download_with_the_api_key_is_refused_and_recorded(emulator: Emulator, api: Caller, model_url: str) -> None:
    response = api.session.get(model_url, timeout=10)  # the session carries the API key
    assert response.status_code == 403 and "Authorization" in response.text
    (rec,) = emulator.cdn_requests
    assert rec.headers["authorization"] == f"Bearer {TEST_KEY}" and rec.status == 403
    assert not any(r.path.startswith("/tcli_emulator") for r in emulator.requests)
    assert api.download(model_url).status_code == 200  # the URL itself is fine


def test_expired_by_time_is_403_and_a_fresh_read_gives_working_urls(emulator: Emulator, api: Caller) -> None:
    task = api.finished(T2M, CAT)
    emulator.advance(301)
    assert api.download(task["output"]["model_url"]).status_code == 403
    fresh = api.task(task["task_id"])["output"]["model_url"]
    assert fresh != task["output"]["model_url"]
    assert api.download(fresh).status_code == 200


def test_expire_urls_revokes_everything_issued_so_far(emulator: Emulator, api: Caller, model_url: str) -> None:
    emulator.expire_urls()
    assert api.download(model_url).status_code == 403


def test_url_ttl_is_configurable() -> None:
    with Emulator(url_ttl=5.0) as emu:
        caller = Caller(emu)
        url = caller.finished(T2M, CAT)["output"]["model_url"]
        emu.advance(4)
        assert caller.download(url).status_code == 200
        emu.advance(2)
        assert caller.download(url).status_code == 403
        emu.url_ttl = 60
        assert emu.url_ttl == 60
        caller.close()


def test_links_expire_a_fixed_time_after_the_task_finished_then_reads_renew_them(
    emulator: Emulator, api: Caller
) -> None:
    emulator.expire_links_after(300)
    task_id = api.create(T2M, CAT)
    _created, completed = emulator.task_times(task_id)
    emulator.advance(200)
    late_read = api.task(task_id)["output"]["model_url"]  # read 200 s after the end: 100 s left, not 300
    emulator.advance(101)
    assert api.download(late_read).status_code == 403
    fresh = api.task(task_id)["output"]["model_url"]
    assert int(urlsplit(fresh).query.removeprefix("auth_key=").split("-")[0]) >= completed + 600
    assert api.download(fresh).status_code == 200


def test_links_that_are_not_renewed_stay_dead_and_may_answer_410(emulator: Emulator, api: Caller) -> None:
    emulator.expire_links_after(300, renew=False, status=410)
    task_id = api.create(T2M, CAT)
    assert api.download(api.task(task_id)["output"]["model_url"]).status_code == 200
    emulator.advance(301)
    gone = api.download(api.task(task_id)["output"]["model_url"])
    assert gone.status_code == 410 and "Gone" in gone.text
    emulator.expire_links_after(None)
    assert api.download(api.task(task_id)["output"]["model_url"]).status_code == 200, "back to url_ttl per read"


def test_a_late_request_finds_its_link_expired(emulator: Emulator, api: Caller, model_url: str) -> None:
    emulator.inject(f"CDN {urlsplit(model_url).path}", late=301)
    assert api.download(model_url).status_code == 403, "the clock moved 301 s before the answer"
    assert api.download(api.task(urlsplit(model_url).path.split("/")[3])["output"]["model_url"]).status_code == 200


@pytest.mark.parametrize(
    "tamper",
    [
        lambda u: u.replace("auth_key=", "auth_key=1"),
        lambda u: u[:-1] + ("0" if u[-1] != "0" else "1"),
        lambda u: u.split("?")[0],
        lambda u: u.replace(".glb?", ".fbx?"),
    ],
)
def test_tampered_signature_is_403(api: Caller, model_url: str, tamper: Callable[[str], str]) -> None:
    assert api.download(tamper(model_url)).status_code == 403


def test_unknown_path_is_404_and_other_methods_405(emulator: Emulator, api: Caller, model_url: str) -> None:
    assert api.download(emulator.cdn_base + "/elsewhere").status_code == 404
    assert requests.post(model_url, timeout=10).status_code == 405
    assert requests.put(model_url, data=b"x", timeout=10).status_code == 405


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
    task_id = timed_api.create(T2M, CAT)
    assert timed_api.task(task_id)["output"] == {}
    assert timed.tasks[task_id]["output"] == {}
