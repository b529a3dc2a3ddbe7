"""Uploads: multipart POST /v3/files, presign + PUT on the CDN host, caps, tokens per key and their use."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests

from tests.emulator import TEST_KEY, Emulator
from tests.emulator.outputs import asset_bytes

from .helpers import FOX, I2M, IMPORT, JPEG, PNG, TEXTURE, V25, WEBP, Caller, error_of, message_of

GLTF = json.dumps({"asset": {"version": "2.0"}, "scenes": [{"nodes": []}]}).encode()
KINDS = [
    (PNG, "a.png"),
    (JPEG, "a.jpg"),
    (WEBP, "a.webp"),
    (FOX, "Fox.glb"),
    (GLTF, "a.gltf"),
    (asset_bytes("Skeleton.fbx"), "s.fbx"),
    (asset_bytes("obj_cow/cow.obj"), "cow.obj"),
    (asset_bytes("Wuson.stl"), "w.stl"),
]
TOKEN = re.compile(r"^file_[0-9a-f]{32}$")


@pytest.mark.parametrize(("data", "filename"), KINDS, ids=[k[1] for k in KINDS])
def test_multipart_upload_returns_a_file_token(emulator: Emulator, api: Caller, data: bytes, filename: str) -> None:
    response = api.upload(data, filename)
    assert response.status_code == 200, response.text
    token = response.json()["data"]["file_token"]
    assert set(response.json()["data"]) == {"file_token"} and TOKEN.match(token)
    assert emulator.uploaded(token) == data and emulator.upload_name(token) == filename


def test_upload_is_recorded_with_its_file_part(emulator: Emulator, api: Caller) -> None:
    api.upload(JPEG, filename="rocket.jpg")
    (rec,) = emulator.requests_to("POST", "/v3/files")
    assert rec.files["file"].filename == "rocket.jpg" and rec.files["file"].data == JPEG
    assert rec.json is None and rec.headers["authorization"] == f"Bearer {TEST_KEY}"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"GIF89a" + b"\x00" * 20, "unsupported"),
        (b"%PDF-1.7 not a model", "unsupported"),
        (b'{"not": "gltf"}', "unsupported"),
    ],
)
def test_bad_uploads_are_1004(api: Caller, data: bytes, words: str) -> None:
    response = api.upload(data)
    assert error_of(response) == (400, 1004)
    assert words in message_of(response)


def test_upload_without_file_part_or_multipart(api: Caller) -> None:
    assert error_of(api.post("/v3/files", files={"image": ("a.png", PNG)})) == (400, 1004)
    assert error_of(api.post("/v3/files", json={"file": "x"})) == (415, 1003)


def test_upload_cap_names_the_limit() -> None:
    with Emulator(upload_cap=2 * 1024 * 1024) as emu:
        caller = Caller(emu)
        assert caller.upload(PNG + b"\x00" * (2 * 1024 * 1024 - len(PNG))).status_code == 200  # exactly the cap
        response = caller.upload(PNG + b"\x00" * (2 * 1024 * 1024))
        assert error_of(response) == (400, 1004)
        assert message_of(response) == "A parameter is invalid: the file is larger than the 2 MB upload limit"
        emu.upload_cap = 1000
        assert "1000 bytes" in message_of(caller.upload(JPEG))
        caller.close()


def test_default_cap_is_150_mb() -> None:
    assert Emulator().upload_cap == 150 * 1024 * 1024


def test_token_is_usable_by_its_key_only(emulator: Emulator, api: Caller) -> None:
    token = api.token()
    body = {"input": token, "model": V25}
    assert api.finished(I2M, body)["status"] == "success"
    emulator.add_key("tsk_other")
    other = Caller(emulator, "tsk_other")
    try:
        assert error_of(other.post(I2M, json=body)) == (400, 1004)
    finally:
        other.close()


def test_token_expires_after_a_day(emulator: Emulator, api: Caller) -> None:
    token = api.token()
    emulator.advance(24 * 3600 + 1)
    response = api.post(I2M, json={"input": token, "model": V25})
    assert error_of(response) == (400, 1004) and "expired" in message_of(response)


def test_inspection_of_unknown_tokens_raises(emulator: Emulator) -> None:
    with pytest.raises(KeyError):
        emulator.uploaded("file_nope")
    with pytest.raises(KeyError):
        emulator.upload_name("file_nope")


# --------------------------------------------------------------------------- presign + PUT


def test_presign_answer_points_at_the_cdn_host(emulator: Emulator, api: Caller) -> None:
    slot = api.presign("glb")
    assert set(slot) == {"presigned_url", "upload_url", "file_token", "expires_in"}
    assert slot["presigned_url"] == slot["upload_url"] and slot["expires_in"] == 1800
    assert TOKEN.match(slot["file_token"])
    url = urlsplit(slot["presigned_url"])
    assert f"{url.scheme}://{url.netloc}" == emulator.cdn_base
    assert url.path.endswith(f"/{slot['file_token']}.glb")
    query = dict(parse_qsl(url.query))
    assert query["X-Amz-Expires"] == "1800" and len(query["X-Amz-Signature"]) == 64
    assert emulator.upload_name(slot["file_token"]) == "glb"


@pytest.mark.parametrize("body", [{"format": "gif"}, {"format": "GLB"}, {"format": ".glb"}, {}, {"format": 3}])
def test_presign_refuses_other_formats(api: Caller, body: dict[str, object]) -> None:
    assert error_of(api.post("/v3/files/presign", json=body)) == (400, 1004)


def test_presign_put_then_import_returns_the_uploaded_file(emulator: Emulator, api: Caller) -> None:
    slot = api.presign("glb")
    response = api.post(IMPORT, json={"input": slot["file_token"]})
    assert error_of(response) == (400, 1004)  # not PUT yet
    with pytest.raises(KeyError):
        emulator.uploaded(slot["file_token"])
    put = requests.put(slot["presigned_url"], data=FOX, headers={"Content-Type": "model/gltf-binary"}, timeout=10)
    assert put.status_code == 200 and put.headers["ETag"].startswith('"')
    assert emulator.uploaded(slot["file_token"]) == FOX
    task = api.finished(IMPORT, {"input": slot["file_token"]})
    assert task["status"] == "success"
    assert api.download(task["output"]["model_url"]).content == FOX
    (rec,) = [r for r in emulator.cdn_requests if r.method == "PUT"]
    assert rec.body == FOX and rec.headers["content-type"] == "model/gltf-binary" and rec.status == 200
    assert emulator.requests_to("PUT", "/tripo-uploads/") == []  # the PUT went to the CDN server, not the API


def test_a_put_with_the_api_key_is_refused_and_recorded(emulator: Emulator, api: Caller) -> None:
    slot = api.presign("png")
    response = api.session.put(slot["presigned_url"], data=PNG, timeout=10)  # the session carries the key
    assert response.status_code == 403 and "<Code>AccessDenied</Code>" in response.text
    assert emulator.cdn_requests[-1].headers["authorization"] == f"Bearer {TEST_KEY}"
    assert error_of(api.post(I2M, json={"input": slot["file_token"], "model": V25})) == (400, 1004)


def test_tampered_or_unknown_put_urls_are_403(api: Caller) -> None:
    slot = api.presign("png")
    url = slot["presigned_url"]
    for bad in (
        url.replace("X-Amz-Signature=", "X-Amz-Signature=0"),
        url.split("?")[0],
        url.replace(".png?", ".jpg?"),
        url.replace(slot["file_token"], "file_" + "0" * 32),
    ):
        response = requests.put(bad, data=PNG, timeout=10)
        assert response.status_code == 403 and "SignatureDoesNotMatch" in response.text


def test_put_url_expires_after_expires_in(emulator: Emulator, api: Caller) -> None:
    slot = api.presign("png")
    emulator.advance(1800)
    response = requests.put(slot["presigned_url"], data=PNG, timeout=10)
    assert response.status_code == 403 and "expired" in response.text


def test_put_over_the_cap_is_413(emulator: Emulator, api: Caller) -> None:
    emulator.upload_cap = 1024
    slot = api.presign("glb")
    response = requests.put(slot["presigned_url"], data=FOX, timeout=10)
    assert response.status_code == 413 and "EntityTooLarge" in response.text
    assert error_of(api.post(IMPORT, json={"input": slot["file_token"]})) == (400, 1004)


def test_presigned_image_feeds_image_routes_and_its_kind_is_checked(emulator: Emulator, api: Caller) -> None:
    slot = api.presign("jpg")
    requests.put(slot["presigned_url"], data=FOX, timeout=10)  # a model where an image is expected
    assert error_of(api.post(I2M, json={"input": slot["file_token"], "model": V25})) == (400, 1004)
    requests.put(slot["presigned_url"], data=JPEG, timeout=10)  # like S3, a second PUT replaces the object
    assert api.finished(I2M, {"input": slot["file_token"], "model": V25})["status"] == "success"
    model = api.create("/v3/generation/text-to-model", {"prompt": "a vase", "model": V25})
    body = {"input": model, "texture_prompt": {"image": slot["file_token"]}}
    assert api.finished(TEXTURE, body)["status"] == "success"
