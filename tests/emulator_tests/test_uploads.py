"""Direct uploads (/upload, /upload/sts), STS tokens with the S3-style PUT, and file references."""

from __future__ import annotations

import uuid

import pytest
import requests

from tests.emulator import Emulator

from .helpers import FOX, JPEG, PNG, WEBP, Caller, error_of


@pytest.mark.parametrize("path", ["/upload", "/upload/sts"])
@pytest.mark.parametrize("data", [PNG, JPEG, WEBP], ids=["png", "jpeg", "webp"])
def test_image_upload_returns_uuid_token(api: Caller, path: str, data: bytes) -> None:
    response = api.upload(data, path=path)
    assert response.status_code == 200
    uuid.UUID(response.json()["data"]["image_token"])


def test_upload_is_recorded_with_its_file_part(emulator: Emulator, api: Caller) -> None:
    api.upload(JPEG, filename="rocket.jpg")
    (rec,) = emulator.requests_to("POST", "/upload")
    assert rec.files["file"].filename == "rocket.jpg" and rec.files["file"].data == JPEG
    assert rec.json is None


@pytest.mark.parametrize(("data", "status", "code"), [
    (b"", 400, 2003),
    (FOX, 400, 2004),  # models are not accepted by direct upload
    (b"GIF89a" + b"\x00" * 20, 400, 2004),
])
def test_bad_uploads(api: Caller, data: bytes, status: int, code: int) -> None:
    assert error_of(api.upload(data)) == (status, code)


def test_upload_over_20_mb_is_rejected(api: Caller) -> None:
    big = PNG + b"\x00" * (20 * 1024 * 1024)
    assert error_of(api.upload(big)) == (400, 1004)


def test_upload_without_file_part(api: Caller) -> None:
    assert error_of(api.post("/upload", files={"image": ("a.png", PNG)})) == (400, 1004)
    assert error_of(api.post("/upload", json={"file": "x"})) == (400, 1003)


def test_token_is_usable_by_its_key_only(emulator: Emulator, api: Caller) -> None:
    token = api.token()
    body = {"type": "image_to_model", "file": {"type": "jpg", "file_token": token}}
    assert api.finished(body)["status"] == "success"
    emulator.add_key("tsk_other")
    other = Caller(emulator, "tsk_other")
    try:
        assert error_of(other.post("/task", json=body)) == (404, 2019)
    finally:
        other.close()


def test_token_expires_after_a_day(emulator: Emulator, api: Caller) -> None:
    token = api.token()
    emulator.advance(24 * 3600 + 1)
    body = {"type": "image_to_model", "file": {"type": "jpg", "file_token": token}}
    assert error_of(api.post("/task", json=body)) == (404, 2019)


def test_texture_prompt_images_are_resolved(api: Caller) -> None:
    model = api.create({"type": "text_to_model", "prompt": "a vase"})
    body = {"type": "texture_model", "original_model_task_id": model,
            "texture_prompt": {"image": {"type": "jpg", "file_token": "missing"}}}
    assert error_of(api.post("/task", json=body)) == (404, 2019)
    body["texture_prompt"] = {"image": {"type": "jpg", "file_token": api.token()}}
    assert api.finished(body)["status"] == "success"


def _sts(api: Caller, fmt: str) -> dict[str, str]:
    response = api.post("/upload/sts/token", json={"format": fmt})
    assert response.status_code == 200, response.text
    data: dict[str, str] = response.json()["data"]
    return data


def _put(emulator: Emulator, sts: dict[str, str], data: bytes, **headers: str) -> requests.Response:
    url = f"http://{sts['s3_host']}/{sts['resource_bucket']}/{sts['resource_uri']}"
    return requests.put(url, data=data, headers=headers, timeout=10)


def test_sts_token_has_the_six_fields_and_points_at_the_emulator(emulator: Emulator, api: Caller) -> None:
    sts = _sts(api, "glb")
    assert set(sts) == {"s3_host", "resource_bucket", "resource_uri", "session_token", "sts_ak", "sts_sk"}
    assert all(isinstance(v, str) and v for v in sts.values())
    assert sts["s3_host"] == f"127.0.0.1:{emulator.api_port}"
    assert sts["resource_bucket"] == "tripo-data" and sts["resource_uri"].endswith("/input.glb")


def test_sts_token_rejects_unknown_format(api: Caller) -> None:
    assert error_of(api.post("/upload/sts/token", json={"format": "gif"})) == (400, 1004)


def test_sts_put_then_import_model_returns_the_uploaded_file(emulator: Emulator, api: Caller) -> None:
    sts = _sts(api, "glb")
    obj = {"type": "glb", "object": {"bucket": sts["resource_bucket"], "key": sts["resource_uri"]}}
    assert error_of(api.post("/task", json={"type": "import_model", "file": obj})) == (404, 2019)  # not PUT yet
    assert _put(emulator, sts, FOX, **{"x-amz-security-token": sts["session_token"]}).status_code == 200
    task = api.finished({"type": "import_model", "file": obj})
    assert task["status"] == "success" and task["consumed_credit"] == 0
    assert api.download(task["output"]["model"]).content == FOX


def test_sts_put_is_refused_for_unissued_keys_and_wrong_tokens(emulator: Emulator, api: Caller) -> None:
    sts = _sts(api, "png")
    assert _put(emulator, {**sts, "resource_uri": "tcli_x/unissued.png"}, PNG).status_code == 403
    assert _put(emulator, sts, PNG, **{"x-amz-security-token": "wrong"}).status_code == 403


def test_sts_image_object_feeds_image_to_model_and_kind_is_checked(emulator: Emulator, api: Caller) -> None:
    sts = _sts(api, "jpeg")
    obj = {"type": "jpeg", "object": {"bucket": sts["resource_bucket"], "key": sts["resource_uri"]}}
    _put(emulator, sts, FOX)  # a model where an image is expected
    assert error_of(api.post("/task", json={"type": "image_to_model", "file": obj})) == (400, 2004)
    _put(emulator, sts, b"")
    assert error_of(api.post("/task", json={"type": "image_to_model", "file": obj})) == (400, 2003)
    _put(emulator, sts, JPEG)
    assert api.finished({"type": "image_to_model", "file": obj})["status"] == "success"
