"""``bpy.ops.tripo.generate`` and the panel button, end to end against the emulator (real HTTP).

Each test submits through the operator, then drives the runtime's pump by hand (timers never fire
in the bpy module) until the job is finished, waiting on the runner's event queue between ticks,
and checks both ends: the request the emulator received and the tagged objects in the scene.
"""

from __future__ import annotations

import importlib
import os
import shutil
from pathlib import Path
from typing import Any

import bpy
import pytest

from tests.client.imagedata import png_bytes
from tests.emulator import TEST_KEY, Emulator

from .runtime_support import addon_module, created, pump_job, set_online_access, uploads
from .support import ASSETS, DEV_MODULE, RUN_FACTS

IMAGES = ASSETS / "images"


@pytest.fixture(autouse=True)
def _scene(clean_scene: Any) -> Any:
    """Every test starts from an empty scene with a default form."""
    return clean_scene


def _the_job(rt: Any) -> Any:
    (job,) = rt.jobs()
    return job


def _finish(rt: Any) -> Any:
    """Pump until the submitted job ends (done/failed/cancelled) and return it."""
    return pump_job(rt, _the_job(rt).id, "done", "failed", "cancelled")


def _tagged(task_id: str) -> list[Any]:
    return [ob for ob in bpy.context.scene.objects if ob.get("tripo_task_id") == task_id]


def _body(emulator: Emulator) -> dict[str, Any]:
    (post,) = created(emulator)
    assert isinstance(post.json, dict)
    return post.json


def _uploads(emulator: Emulator) -> list[Any]:
    return uploads(emulator)


def _root_location(objects: list[Any]) -> tuple[float, ...]:
    roots = [ob for ob in objects if ob.parent is None]
    return tuple(round(v, 4) for v in roots[0].matrix_world.translation)


def _assert_done_in_scene(rt: Any, *, cursor: tuple[float, float, float] | None = None) -> Any:
    job = _finish(rt)
    assert job.state.value == "done", (job.note, job.error)
    objects = _tagged(job.task_id)
    assert objects, "the result was not imported as tagged objects"
    if cursor is not None:
        assert _root_location(objects) == cursor
    return job


# --------------------------------------------------------------------------- end to end


def test_text_job_from_a_script_lands_tagged_at_the_submit_time_cursor(rt: Any, online: Emulator) -> None:
    scene = bpy.context.scene
    scene.cursor.location = (1.0, 2.0, 3.0)
    result = bpy.ops.tripo.generate(
        mode="TEXT",
        prompt="a small cat statue",
        negative_prompt="blurry",
        model_version="v3.0-20250812",
        texture_quality="detailed",
        face_limit=5000,
        model_seed=7,
        geometry_quality="detailed",
        export_orientation="-x",
    )
    assert result == {"FINISHED"}
    scene.cursor.location = (9.0, 9.0, 9.0)  # the artist moves on; the result goes where they asked
    job = _assert_done_in_scene(rt, cursor=(1.0, 2.0, 3.0))
    assert job.name == "a small cat statue"
    assert job.estimated_cost == 50
    assert dict(job.spec.meta) == {"mode": "TEXT", "location": (1.0, 2.0, 3.0), "batch": job.spec.meta["batch"]}
    assert isinstance(job.spec.meta["batch"], str) and job.spec.meta["batch"]
    assert created(online)[0].path == "/v3/generation/text-to-model"
    assert _body(online) == {
        "prompt": "a small cat statue",
        "model": "v3.0-20250812",
        "negative_prompt": "blurry",
        "face_limit": 5000,
        "model_seed": 7,
        "texture_quality": "detailed",
        "geometry_quality": "detailed",
        "export_orientation": "-x",
    }


def test_script_arguments_override_the_form_and_the_rest_comes_from_it(rt: Any, online: Emulator) -> None:
    form = bpy.context.scene.tripo_generate
    form.mode = "IMAGE"
    form.prompt = "a dog"
    form.face_limit = 1234
    form.texture = False
    form.pbr = False
    result = bpy.ops.tripo.generate(mode="TEXT", prompt="a small cat statue", face_limit=0)
    assert result == {"FINISHED"}
    _assert_done_in_scene(rt)
    assert _body(online) == {
        "prompt": "a small cat statue",
        "model": "v3.1-20260211",
        "texture": False,
        "pbr": False,
    }, "the form's version: the newest"
    assert (form.mode, form.prompt) == ("IMAGE", "a dog")  # a script call does not edit the panel


def test_image_file_is_uploaded_with_its_real_type_and_options_are_sent(rt: Any, online: Emulator) -> None:
    path = IMAGES / "coffee.webp"
    result = bpy.ops.tripo.generate(
        mode="IMAGE",
        image_path=str(path),
        texture_alignment="geometry",
        orientation="align_image",
        enable_image_autofix=True,
    )
    assert result == {"FINISHED"}
    job = _assert_done_in_scene(rt)
    assert job.name == "coffee"
    (upload,) = _uploads(online)
    assert (upload.content_type, upload.data) == ("image/webp", path.read_bytes())
    assert created(online)[0].path == "/v3/generation/image-to-model"
    body = _body(online)
    assert body["input"].startswith("file_") and online.uploaded(body["input"]) == path.read_bytes()
    assert (body["texture_alignment"], body["orientation"]) == ("geometry", "align_image")
    assert body["enable_image_autofix"] is True
    assert str(path) not in str(body)


def test_packed_image_from_the_panel_is_sent_byte_for_byte(rt: Any, online: Emulator, tmp_path: Path) -> None:
    original = IMAGES / "rocket.jpg"
    copy = tmp_path / "rocket.jpg"
    shutil.copy(original, copy)
    image = bpy.data.images.load(str(copy))
    image.pack()
    copy.unlink()  # only the packed copy is left
    form = bpy.context.scene.tripo_generate
    form.mode = "IMAGE"
    form.image = image
    assert bpy.ops.tripo.generate_form() == {"FINISHED"}
    job = _assert_done_in_scene(rt)
    assert job.name == "rocket"
    (upload,) = _uploads(online)
    assert (upload.content_type, upload.data) == ("image/jpeg", original.read_bytes())
    assert online.uploaded(_body(online)["input"]) == original.read_bytes()


def test_generated_image_by_name_is_written_as_png(rt: Any, online: Emulator) -> None:
    image = bpy.data.images.new("Swatch", 64, 32)
    image.generated_type = "COLOR_GRID"
    assert bpy.ops.tripo.generate(mode="IMAGE", image_name="Swatch") == {"FINISHED"}
    job = _assert_done_in_scene(rt)
    assert job.name == "Swatch"
    (upload,) = _uploads(online)
    assert upload.content_type == "image/png"
    assert upload.data.startswith(b"\x89PNG\r\n\x1a\n")
    loaded = bpy.data.images.load(job.spec.params["image"])
    assert tuple(loaded.size) == (64, 32)


def test_edited_image_is_sent_with_its_unsaved_pixels(rt: Any, online: Emulator, tmp_path: Path) -> None:
    copy = tmp_path / "rocket.jpg"
    shutil.copy(IMAGES / "rocket.jpg", copy)
    image = bpy.data.images.load(str(copy))
    pixels = list(image.pixels)
    pixels[0:4] = [1.0, 0.0, 0.0, 1.0]  # paint the first pixel red without saving
    image.pixels[:] = pixels
    assert bpy.ops.tripo.generate(mode="IMAGE", image_name=image.name) == {"FINISHED"}
    job = _assert_done_in_scene(rt)
    (upload,) = _uploads(online)
    assert upload.content_type == "image/png"
    sent = bpy.data.images.load(job.spec.params["image"])
    assert [round(v, 3) for v in sent.pixels[0:4]] == [1.0, 0.0, 0.0, 1.0]


def test_multiview_sends_front_left_back_right_with_empty_slots(rt: Any, online: Emulator) -> None:
    bpy.data.images.new("Right view", 32, 32)
    result = bpy.ops.tripo.generate(
        mode="MULTIVIEW",
        front_path=str(IMAGES / "rocket.jpg"),
        back_path=str(IMAGES / "coffee.webp"),
        right_image_name="Right view",
        texture_alignment="geometry",
    )
    assert result == {"FINISHED"}
    job = _assert_done_in_scene(rt)
    assert job.name == "rocket"
    assert [u.content_type for u in _uploads(online)] == ["image/jpeg", "image/webp", "image/png"]
    body = _body(online)
    inputs = body["inputs"]
    assert [online.upload_name(t).rsplit(".", 1)[-1] if t else None for t in inputs] == ["jpg", None, "webp", "png"]
    assert body["texture_alignment"] == "geometry"


def test_multiview_from_the_panel_uses_the_forms_slots(rt: Any, online: Emulator) -> None:
    form = bpy.context.scene.tripo_generate
    form.mode = "MULTIVIEW"
    form.front_path = str(IMAGES / "rocket.jpg")
    form.left_image = bpy.data.images.new("Left", 32, 32)
    form.model_version = "P1-20260311"
    assert bpy.ops.tripo.generate_form() == {"FINISHED"}
    job = _assert_done_in_scene(rt)
    assert job.estimated_cost == 50
    body = _body(online)
    assert [online.upload_name(t).rsplit(".", 1)[-1] if t else None for t in body["inputs"]] == [
        "jpg",
        "png",
        None,
        None,
    ]
    assert body["model"] == "P1-20260311"
    assert not {"quad", "smart_low_poly", "generate_parts", "geometry_quality"} & set(body)


def test_environment_variables_alone_reach_the_server(
    rt: Any, emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Empty preferences: TRIPO_API_KEY and TRIPO_API_BASE_URL are enough."""
    monkeypatch.setenv("TRIPO_API_KEY", TEST_KEY)
    monkeypatch.setenv("TRIPO_API_BASE_URL", emulator.base_url)
    set_online_access(True)
    assert bpy.ops.tripo.generate(mode="TEXT", prompt="a small cat statue") == {"FINISHED"}
    _assert_done_in_scene(rt)
    (post,) = created(emulator)
    assert post.headers["authorization"] == f"Bearer {TEST_KEY}"


# --------------------------------------------------------------------------- refusals: reported, nothing sent


def _refused(match: str, **kwargs: Any) -> str:
    """Call the operator expecting an ERROR report (Blender raises it to a script as RuntimeError)."""
    with pytest.raises(RuntimeError) as info:
        bpy.ops.tripo.generate(**kwargs)
    message = str(info.value)
    assert match in message, message
    assert "Traceback" not in message
    return message


def test_offline_says_how_to_allow_online_access(rt: Any, online: Emulator) -> None:
    set_online_access(False)
    _refused("Allow Online Access", mode="TEXT", prompt="a cat")
    assert online.requests == []
    assert rt.jobs() == []


def test_missing_key_says_where_to_set_it(rt: Any, emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRIPO_API_KEY", raising=False)
    monkeypatch.setenv("TRIPO_API_BASE_URL", emulator.base_url)
    set_online_access(True)
    message = _refused("TRIPO_API_KEY", mode="TEXT", prompt="a cat")
    assert "Preferences" in message
    assert emulator.requests == []


def _big_file(path: Path) -> str:
    with open(path, "wb") as fh:
        fh.write(b"\xff\xd8\xff\xe0")
        fh.truncate(21 * 1024 * 1024)
    return str(path)


@pytest.mark.parametrize(
    ("match", "kwargs"),
    [
        ("Enter a prompt", {"mode": "TEXT", "prompt": "   "}),
        ("Enter a prompt", {"mode": "TEXT"}),
        ("1025 characters long; Tripo accepts at most 1024", {"mode": "TEXT", "prompt": "p" * 1025}),
        ("Choose an image", {"mode": "IMAGE"}),
        ("does not exist", {"mode": "IMAGE", "image_path": "/nonexistent/photo.png"}),
        ("not a JPEG, PNG or WEBP image", {"mode": "IMAGE", "image_path": "{tmp}/notes.png"}),
        ("is empty", {"mode": "IMAGE", "image_path": "{tmp}/empty.jpg"}),
        ("Tripo accepts at most 20 MB", {"mode": "IMAGE", "image_path": "{tmp}/huge.jpg"}),
        ("There is no Blender image named 'Nope'", {"mode": "IMAGE", "image_name": "Nope"}),
        (
            "Give either image_path or image_name, not both",
            {"mode": "IMAGE", "image_path": "{tmp}/notes.png", "image_name": "Nope"},
        ),
        (
            "Multiview needs the front view",
            {"mode": "MULTIVIEW", "left_path": str(IMAGES / "rocket.jpg"), "back_path": str(IMAGES / "coffee.webp")},
        ),
        ("Multiview needs at least two views", {"mode": "MULTIVIEW", "front_path": str(IMAGES / "rocket.jpg")}),
        (
            "P1 does not support Quad Mesh, Smart Low Poly",
            {"mode": "TEXT", "prompt": "a cat", "model_version": "P1-20260311", "quad": True, "smart_low_poly": True},
        ),
        (
            "Generate Parts needs Texture, PBR and Quad Mesh turned off",
            {"mode": "TEXT", "prompt": "a cat", "generate_parts": True},
        ),
        (
            "Auto-fix Image is not available in multiview mode",
            {
                "mode": "MULTIVIEW",
                "front_path": str(IMAGES / "rocket.jpg"),
                "left_path": str(IMAGES / "coffee.webp"),
                "enable_image_autofix": True,
            },
        ),
        (
            "P1 does not support Geometry Quality",
            {"mode": "TEXT", "prompt": "a cat", "model_version": "P1-20260311", "geometry_quality": "detailed"},
        ),
        ("must not contain an API key", {"mode": "TEXT", "prompt": "tsk_this_looks_like_a_key"}),
    ],
)
def test_bad_requests_are_reported_and_nothing_is_sent(
    rt: Any, online: Emulator, tmp_path: Path, match: str, kwargs: dict[str, Any]
) -> None:
    (tmp_path / "notes.png").write_text("not an image")
    (tmp_path / "empty.jpg").write_bytes(b"")
    _big_file(tmp_path / "huge.jpg")
    kwargs = {k: v.replace("{tmp}", str(tmp_path)) if isinstance(v, str) else v for k, v in kwargs.items()}
    _refused(match, **kwargs)
    assert online.requests == []
    assert rt.jobs() == []


def test_compressed_result_this_blender_cannot_open_is_never_bought(
    rt: Any, online: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(addon_module("blender.generation"), "gltf_supports_meshopt", lambda: False)
    _refused(
        "cannot open compressed (meshopt) GLBs; the result would be unusable",
        mode="TEXT",
        prompt="a cat",
        compress=True,
    )
    assert online.requests == []


def test_compress_is_offered_exactly_where_the_compressed_result_lands(
    rt: Any, online: Emulator, clean_scene: Any
) -> None:
    """The real probe decides, per Blender build: with the meshopt decoder (a 5.2+ importer and its
    library) the compressed result is bought and lands; without it, nothing is bought, and why."""
    decoders = addon_module("blender.decoders")
    if not decoders.gltf_supports_meshopt():
        _refused("cannot open compressed (meshopt) GLBs", mode="TEXT", prompt="a cat", compress=True)
        assert online.requests == [], f"Blender {bpy.app.version_string}: nothing bought"
        RUN_FACTS["compress"] = f"Compress hidden ({decoders.meshopt_unavailable_reason()})"
        return
    assert bpy.ops.tripo.generate(mode="TEXT", prompt="a cat", compress=True) == {"FINISHED"}
    job = _finish(rt)
    assert _body(online)["compress"] == "geometry"
    assert job.state.value == "done", job.error
    meshes = [ob for ob in _tagged(job.task_id) if ob.type == "MESH"]
    assert meshes and len(meshes[0].data.polygons) > 100, "the meshopt-compressed fox landed"
    RUN_FACTS["compress"] = "Compress offered, a compressed result landed"


def test_missing_datablock_file_is_explained(rt: Any, online: Emulator, tmp_path: Path) -> None:
    copy = tmp_path / "gone.jpg"
    shutil.copy(IMAGES / "rocket.jpg", copy)
    image = bpy.data.images.load(str(copy))
    os.remove(copy)
    image.reload()
    _refused("has no pixels: its file is missing", mode="IMAGE", image_name=image.name)
    assert online.requests == []


#: What Tripo says about an image's size (tripo_blender.client.image_size.side_problem), wherever it is found.
_SIZE_SENTENCE = "{w}×{h} pixels; Tripo accepts 20 to 6000 pixels a side. Resize it"


@pytest.mark.parametrize(("width", "height"), [(10, 64), (6001, 24)])
def test_a_blender_image_of_a_size_tripo_refuses_is_refused_before_anything_is_written_or_sent(
    rt: Any, online: Emulator, width: int, height: int
) -> None:
    """Its size is known without a file: refused with the console's own sentence, no PNG written."""
    image = bpy.data.images.new("Odd Size", width, height)
    form = bpy.context.scene.tripo_generate
    form.mode = "IMAGE"
    form.image = image
    written_before = sorted(rt.inputs_dir().iterdir())
    with pytest.raises(RuntimeError) as info:
        bpy.ops.tripo.generate_form()
    sentence = f"The image 'Odd Size' is {_SIZE_SENTENCE.format(w=width, h=height)}"
    assert sentence in str(info.value), str(info.value)
    with pytest.raises(ValueError) as console:
        importlib.import_module(DEV_MODULE).image_to_model(image)
    assert str(console.value) == sentence, "the console says exactly the same"
    assert sorted(rt.inputs_dir().iterdir()) == written_before, "nothing was rendered to a file"
    assert online.requests == [] and rt.jobs() == []


def test_an_image_file_of_a_size_tripo_refuses_is_refused_like_the_console_refuses_it(
    rt: Any, online: Emulator, tmp_path: Path
) -> None:
    path = tmp_path / "icon.png"
    path.write_bytes(png_bytes(12, 12))
    form = bpy.context.scene.tripo_generate
    form.mode = "MULTIVIEW"
    form.front_path = str(IMAGES / "rocket.jpg")
    form.left_path = str(path)
    with pytest.raises(RuntimeError) as info:
        bpy.ops.tripo.generate_form()
    sentence = f"The left view image is {_SIZE_SENTENCE.format(w=12, h=12)}: {path}"
    assert sentence in str(info.value), str(info.value)
    with pytest.raises(ValueError) as console:
        importlib.import_module(DEV_MODULE).multiview_to_model(str(IMAGES / "rocket.jpg"), str(path))
    assert str(console.value) == sentence
    assert online.requests == [] and rt.jobs() == []


def test_the_panel_and_the_console_make_the_same_job_from_the_same_input(rt: Any, online: Emulator) -> None:
    """One generation service: the same checks, the same prepared image (a packed-less generated
    image written once, by content), the same params and the same name, whichever way it is sent."""
    image = bpy.data.images.new("Swatch", 64, 32)
    image.generated_type = "COLOR_GRID"
    options = {
        "model_version": "v3.0-20250812",
        "geometry_quality": "detailed",
        "face_limit": 5000,
        "texture_quality": "detailed",
        "orientation": "align_image",
    }
    form = bpy.context.scene.tripo_generate
    form.mode = "IMAGE"
    form.image = image
    for name, value in options.items():
        setattr(form, name, value)
    assert bpy.ops.tripo.generate_form() == {"FINISHED"}
    console = importlib.import_module(DEV_MODULE).image_to_model(image, **options)
    (panel,) = [job for job in rt.jobs() if job.id != console.id]
    sent = console.snapshot
    assert (sent.kind, sent.name, dict(sent.spec.params)) == (panel.kind, panel.name, dict(panel.spec.params))
    assert sent.spec.params["image"].startswith(str(rt.inputs_dir())), "the image went the same way: one file"
    assert sent.estimated_cost == panel.estimated_cost
