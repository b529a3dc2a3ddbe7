"""Bad console input raises at the call, with nothing sent (the README's promise)."""

from __future__ import annotations

import traceback
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.emulator import Emulator

RELIABILITY_AREA = "Bad input"


@pytest.mark.parametrize("prompt", [None, 42])
def test_text_to_model_with_a_prompt_that_is_no_string_raises_type_error(
    prompt: Any, tripo: ModuleType, rt: Any, online: Emulator, clean_scene: Any
) -> None:
    with pytest.raises(TypeError, match="prompt must be a string"):
        tripo.text_to_model(prompt)
    assert tripo.jobs() == [] and online.requests == []


def _image(tmp_path: Any, name: str, width: int, height: int, file_format: str) -> str:
    """A real image file written by Blender (PNG, JPEG or WEBP) of the given pixel size."""
    import bpy

    image = bpy.data.images.new(name, width, height)
    path = str(tmp_path / f"{name}.{file_format.lower()}")
    image.filepath_raw, image.file_format = path, file_format
    image.save()
    bpy.data.images.remove(image)
    return path


# each case: what a script writes, and the words the message must carry
_GENERATION_CASES = {
    "unknown model version": (
        lambda t, tmp: t.text_to_model("a cat", model_version="v9.9-bogus"),
        ValueError,
        "is not a text_to_model version",
    ),
    "seed over 2^31-1": (lambda t, tmp: t.text_to_model("a cat", model_seed=2**40), ValueError, "at most 2147483647"),
    "face limit of the wrong type": (
        lambda t, tmp: t.text_to_model("a cat", face_limit="many"),
        TypeError,
        "face_limit must be a whole number",
    ),
    "retired style": (
        lambda t, tmp: t.text_to_model("a cat", style="person:person2cartoon"),
        ValueError,
        "styles no longer exist",
    ),
    "unknown orientation": (
        lambda t, tmp: t.image_to_model("https://example.com/a.png", orientation="sideways"),
        ValueError,
        "orientation must be one of",
    ),
    "URL without a host": (lambda t, tmp: t.image_to_model("https:///a.png"), ValueError, "has no host"),
    "PNG of 10x10 pixels": (
        lambda t, tmp: t.image_to_model(_image(tmp, "tiny", 10, 10, "PNG")),
        ValueError,
        "10×10 pixels; Tripo accepts 20 to 6000",
    ),
    "JPEG of 6001 pixels wide": (
        lambda t, tmp: t.image_to_model(_image(tmp, "wide", 6001, 20, "JPEG")),
        ValueError,
        "6001×20 pixels",
    ),
    "WEBP of 19 pixels high": (
        lambda t, tmp: t.image_to_model(_image(tmp, "flat", 64, 19, "WEBP")),
        ValueError,
        "64×19 pixels",
    ),
}


@pytest.mark.parametrize("case", list(_GENERATION_CASES))
def test_a_bad_generation_argument_raises_at_the_call_with_nothing_sent(
    case: str, tripo: ModuleType, rt: Any, online: Emulator, clean_scene: Any, tmp_path: Any
) -> None:
    call, error, words = _GENERATION_CASES[case]
    with pytest.raises(error, match=words):
        call(tripo, tmp_path)
    assert tripo.jobs() == [] and online.requests == [], "no job, nothing sent"


_POST_CASES = {
    "unknown texture quality": (
        lambda t, fox: t.texture(fox, texture_quality="ultra"),
        "texture_quality must be one of",
    ),
    "unknown convert format": (lambda t, fox: t.convert(fox, "XYZ"), "format must be one of"),
    "unknown preset animation": (
        lambda t, fox: t.retarget(fox, ["preset:walk", "preset:moonwalk"]),
        "unknown preset animation 'preset:moonwalk'",
    ),
    # an existing file that is no model, wherever the clone lives (this test module itself)
    "a path that is no model": (lambda t, fox: t.rig(__file__), "not a GLB, glTF, FBX, OBJ or STL"),
    "unknown rig model version": (lambda t, fox: t.rig(fox, model_version="v2.0"), "is not a rig_model version"),
}


@pytest.mark.parametrize("case", list(_POST_CASES))
def test_a_bad_post_process_argument_raises_at_the_call_with_nothing_sent(
    case: str, tripo: ModuleType, rt: Any, online: Emulator, clean_scene: Any
) -> None:
    from .post_support import make_result, root_of

    fox = root_of(make_result(rt))
    jobs_before, sent_before = len(tripo.jobs()), len(online.requests)
    call, words = _POST_CASES[case]
    with pytest.raises(ValueError, match=words):
        call(tripo, fox)
    assert len(tripo.jobs()) == jobs_before and len(online.requests) == sent_before, "no job, nothing sent"


def test_a_bad_argument_shows_its_sentence_under_one_frame_of_the_add_on(
    tripo: ModuleType, rt: Any, online: Emulator, clean_scene: Any
) -> None:
    """A bad console argument shows its sentence under one frame of the add-on, not six.

    Blender's console prints an exception's whole stack: the add-on's part of it is one line, the
    error's own type and sentence unchanged (scripts still catch ``TypeError``)."""
    with pytest.raises(TypeError, match="prompt must be a string") as info:
        tripo.text_to_model(42)
    frames = traceback.extract_tb(info.value.__traceback__)
    ours = [f for f in frames if f.filename.startswith(str(Path(tripo.__file__).parent))]
    assert [Path(f.filename).name for f in ours] == ["console.py"], [(f.filename, f.name) for f in frames]
    assert info.value.__cause__ is None and info.value.__suppress_context__, "no 'During handling…' either"
    printed = "".join(traceback.format_exception(info.value))
    assert printed.count('File "') <= 2 + len(frames) - len(ours), printed


def test_an_uncertain_job_says_so_in_well_formed_sentences(
    tripo: ModuleType, rt: Any, online: Emulator, clean_scene: Any
) -> None:
    online.inject("POST /v3/generation/", after=True, drop=True)  # created and billed; the answer is lost
    with pytest.raises(tripo.JobFailed) as info:
        tripo.text_to_model("a vase").wait(30)
    text = str(info.value)
    assert "may or may not have been sent" in text and ".." not in text, text


def test_describe_of_a_riggability_check_says_the_answer_never_the_upload_token(
    tripo: ModuleType, rt: Any, online: Emulator, clean_scene: Any
) -> None:
    import bpy

    bpy.ops.mesh.primitive_cube_add()
    cube = bpy.context.active_object  # a mesh of the user's: the check uploads it first
    job = tripo.check_riggable(cube).wait(30)
    described = job.describe()
    assert described.startswith("done: ") and "Riggable" in described, described
    assert "file_" not in described and "token" not in described and "{" not in described, described
