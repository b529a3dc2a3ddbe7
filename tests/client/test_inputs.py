"""Input arguments: local file vs URL vs file token vs task id, content sniffing, and the checks
made before anything is sent."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.client.imagedata import GIF_HEAD, JPEG_HEAD, WEBP_HEAD, png_bytes
from tripo_blender.client import inputs as inp

TASK = "ce85f375-3ccc-440b-b847-571588872ec2"
ASSETS = Path(__file__).resolve().parents[1] / "assets"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (png_bytes()[:16], "png"),
        (JPEG_HEAD, "jpeg"),
        (WEBP_HEAD, "webp"),
        (GIF_HEAD, None),
        (b"glTF\x02\x00", None),
        (b"", None),
    ],
)
def test_sniff(head: bytes, expected: str | None) -> None:
    assert inp.sniff_image_type(head) == expected


def test_local_image_type_comes_from_content_not_name(tmp_path: Path) -> None:
    lying = tmp_path / "photo.jpg"
    lying.write_bytes(png_bytes())
    ref = inp.classify_image(str(lying))
    assert (ref.kind, ref.file_type, ref.content_type) == ("path", "png", "image/png")
    assert ref.value == str(lying)
    assert inp.upload_filename(ref) == "photo.png"
    assert inp.classify_image(ASSETS / "images" / "rocket.jpg").file_type == "jpeg"


def test_the_wire_string_never_is_the_local_path(tmp_path: Path) -> None:
    f = tmp_path / "secret-project.webp"
    f.write_bytes(WEBP_HEAD + b"\x00" * 64)
    ref = inp.classify_image(f)
    assert ref.wire("file_abc") == "file_abc"
    with pytest.raises(ValueError, match="must be uploaded"):
        ref.wire()


def test_missing_empty_directory_oversized_and_wrong_type(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist"):
        inp.classify_image(str(tmp_path / "nope.png"))
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    with pytest.raises(ValueError, match="is empty"):
        inp.classify_image(str(empty))
    with pytest.raises(ValueError, match="not a regular file"):
        inp.classify_image(str(tmp_path))
    big = tmp_path / "big.png"
    with open(big, "wb") as fh:
        fh.write(png_bytes())
        fh.truncate(inp.MAX_IMAGE_BYTES + 1)  # sparse: cheap to create
    with pytest.raises(ValueError, match=r"20\.0 MB; Tripo accepts at most 20 MB"):
        inp.classify_image(str(big))
    gif = tmp_path / "anim.gif"
    gif.write_bytes(GIF_HEAD)
    with pytest.raises(ValueError, match="a GIF image; Tripo accepts JPEG, PNG or WEBP"):
        inp.classify_image(str(gif))
    exactly = tmp_path / "exact.png"
    with open(exactly, "wb") as fh:
        fh.write(png_bytes())
        fh.truncate(inp.MAX_IMAGE_BYTES)
    assert inp.classify_image(str(exactly)).size == inp.MAX_IMAGE_BYTES


def test_urls_tokens_and_task_ids() -> None:
    assert inp.classify_image("https://x.test/a/b.PNG?sig=1").kind == "url"
    assert inp.classify_image("file_abc-123").kind == "token"
    assert inp.classify_image(TASK).kind == "task"  # the image of a text-to-image task
    assert inp.classify_image(TASK).wire() == TASK
    with pytest.raises(ValueError, match="must use http or https"):
        inp.classify_image("ftp://x.test/a.png")
    with pytest.raises(ValueError, match="no longer accepts inline data"):
        inp.classify_image("data:image/png;base64,iVBORw0KGgo=")
    with pytest.raises(ValueError, match="is empty"):
        inp.classify_image("  ")
    with pytest.raises(ValueError, match="has no host"):
        inp.classify_image("https:///a.png")
    with pytest.raises(ValueError, match="not int"):
        inp.classify_image(5)  # type: ignore[arg-type]


def test_a_string_that_names_no_file_is_not_sent_as_a_token(tmp_path: Path) -> None:
    """The official SDK sends any unknown string as a token; here a typo in a path is an error."""
    with pytest.raises(FileNotFoundError):
        inp.classify_image("renders/front.png")
    with pytest.raises(FileNotFoundError):
        inp.classify_image("not-a-token-or-uuid")


def test_uuid_named_file_is_uploaded_when_it_exists(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert inp.classify_image(TASK).kind == "task"
    Path(TASK).write_bytes(png_bytes())
    assert inp.classify_image(TASK).kind == "path"
    assert inp.classify_image(Path(TASK)).kind == "path"


def test_model_sources(tmp_path: Path) -> None:
    assert inp.classify_model(TASK).kind == "task"
    assert inp.classify_model("my-task.7").kind == "task"  # ids stay opaque
    assert inp.classify_model("file_abc").kind == "token"
    assert inp.classify_model("https://x.test/m.glb").kind == "url"
    fox = inp.classify_model(ASSETS / "Fox.glb")
    assert (fox.kind, fox.file_type, fox.content_type) == ("path", "glb", "model/gltf-binary")
    assert inp.classify_model(str(ASSETS / "Skeleton.fbx")).file_type == "fbx"
    assert inp.classify_model(str(ASSETS / "obj_cow" / "cow.obj")).file_type == "obj"
    assert inp.classify_model(str(ASSETS / "Wuson.stl")).file_type == "stl"
    with pytest.raises(FileNotFoundError):
        inp.classify_model("exports/missing.glb")
    fake = tmp_path / "fake.glb"
    fake.write_bytes(b"not a glb at all")
    with pytest.raises(ValueError, match="not a GLB, glTF, FBX, OBJ or STL"):
        inp.classify_model(fake)
    with pytest.raises(ValueError, match="not a task id"):
        inp.classify_model("bad id with spaces")


def test_uploads_over_the_api_cap_are_refused_before_sending(tmp_path: Path) -> None:
    big = tmp_path / "huge.glb"
    with open(big, "wb") as fh:
        fh.write(b"glTF\x02\x00\x00\x00")
        fh.truncate(inp.MAX_UPLOAD_BYTES + 1)
    with pytest.raises(ValueError, match="Tripo accepts at most 150 MB"):
        inp.classify_upload(big)
    assert inp.classify_upload(ASSETS / "images" / "coffee.webp").file_type == "webp"
    assert inp.classify_upload(ASSETS / "Fox.glb").file_type == "glb"


def test_upload_filename_is_sanitised(tmp_path: Path) -> None:
    weird = tmp_path / "Ünïcode name (1).jpeg"
    weird.write_bytes(JPEG_HEAD)
    assert inp.upload_filename(inp.classify_image(weird)) == "n_code_name_1.jpg"
