"""Image arguments: path vs URL vs token, content sniffing, and the checks made before sending."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.client.imagedata import GIF_HEAD, JPEG_HEAD, WEBP_HEAD, png_bytes
from tripo_blender.client import images as im

TOKEN = "ce85f375-3ccc-440b-b847-571588872ec2"


@pytest.mark.parametrize(
    ("head", "expected"),
    [(png_bytes()[:16], "png"), (JPEG_HEAD, "jpeg"), (WEBP_HEAD, "webp"), (GIF_HEAD, None), (b"glTF\x02\x00", None), (b"", None)],
)
def test_sniff(head: bytes, expected: str | None) -> None:
    assert im.sniff_image_type(head) == expected


def test_local_file_type_comes_from_content_not_name(tmp_path: Path) -> None:
    lying = tmp_path / "photo.jpg"
    lying.write_bytes(png_bytes())
    ref = im.classify_image(str(lying))
    assert (ref.kind, ref.file_type, ref.content_type) == ("path", "png", "image/png")
    assert ref.value == str(lying)
    assert im.upload_filename(ref) == "photo.png"
    # a real asset
    rocket = Path(__file__).parents[1] / "assets" / "images" / "rocket.jpg"
    assert im.classify_image(rocket).file_type == "jpeg"


def test_file_object_never_contains_the_local_path(tmp_path: Path) -> None:
    f = tmp_path / "secret-project.webp"
    f.write_bytes(WEBP_HEAD + b"\x00" * 64)
    ref = im.classify_image(f)
    assert ref.file_object(TOKEN) == {"type": "webp", "file_token": TOKEN}
    assert ref.placeholder_object() == {"type": "webp", "file_token": im.PLACEHOLDER_TOKEN}
    with pytest.raises(ValueError, match="must be uploaded"):
        ref.file_object()


def test_missing_empty_directory_oversized_and_wrong_type(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist"):
        im.classify_image(str(tmp_path / "nope.png"))
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    with pytest.raises(ValueError, match="is empty"):
        im.classify_image(str(empty))
    with pytest.raises(ValueError, match="not a regular file"):
        im.classify_image(str(tmp_path))
    big = tmp_path / "big.png"
    with open(big, "wb") as fh:
        fh.write(png_bytes())
        fh.truncate(im.MAX_IMAGE_BYTES + 1)  # sparse: cheap to create
    with pytest.raises(ValueError, match=r"20\.0 MB; Tripo accepts at most 20 MB"):
        im.classify_image(str(big))
    gif = tmp_path / "anim.gif"
    gif.write_bytes(GIF_HEAD)
    with pytest.raises(ValueError, match="a GIF image; Tripo accepts JPEG, PNG or WEBP"):
        im.classify_image(str(gif))
    exactly = tmp_path / "exact.png"
    with open(exactly, "wb") as fh:
        fh.write(png_bytes())
        fh.truncate(im.MAX_IMAGE_BYTES)
    assert im.classify_image(str(exactly)).size == im.MAX_IMAGE_BYTES


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://x.test/a/b.PNG?sig=1", "png"),
        ("https://x.test/b.webp", "webp"),
        ("https://x.test/b.jpg", "jpg"),
        ("https://x.test/b.jpeg", "jpeg"),
        ("https://x.test/render?id=3.png", "jpeg"),  # the query is not the path
        ("http://x.test/noext", "jpeg"),
    ],
)
def test_url_type_from_path_extension(url: str, expected: str) -> None:
    ref = im.classify_image(url)
    assert ref.kind == "url"
    assert ref.file_object() == {"type": expected, "url": url}


def test_token_and_other_strings() -> None:
    assert im.classify_image(TOKEN).file_object() == {"type": "jpg", "file_token": TOKEN}
    assert im.classify_image(TOKEN.upper()).kind == "token"
    with pytest.raises(ValueError, match="must use http or https"):
        im.classify_image("ftp://x.test/a.png")
    with pytest.raises(ValueError, match="is empty"):
        im.classify_image("  ")
    with pytest.raises(ValueError, match="has no host"):
        im.classify_image("https:///a.png")
    with pytest.raises(ValueError, match="not int"):
        im.classify_image(5)  # type: ignore[arg-type]


def test_uuid_named_file_can_still_be_uploaded_via_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path(TOKEN).write_bytes(png_bytes())
    assert im.classify_image(TOKEN).kind == "token"
    assert im.classify_image("./" + TOKEN).kind == "path"
    assert im.classify_image(Path(TOKEN)).kind == "path"


def test_upload_filename_is_sanitised(tmp_path: Path) -> None:
    weird = tmp_path / "Ünïcode name (1).jpeg"
    weird.write_bytes(JPEG_HEAD)
    name = im.upload_filename(im.classify_image(weird))
    assert name == "n_code_name_1.jpg"
