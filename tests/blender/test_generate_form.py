"""The generate form in Blender without the network: poll messages, drawing, saving.

The form's rules themselves (problems, request building, costs, names) need no Blender: they are
tested in ``tests/client/test_generate_rules.py``.

Network-free on purpose: online access stays off here (Blender's default), so nothing in these
tests can reach a server; the end-to-end runs against the emulator are in test_generate_ops.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType
from typing import Any
from unittest.mock import MagicMock

import bpy
import pytest

from .runtime_support import addon_module, calls_named, draw_panel, label_texts, pump_job, set_online_access, spec
from .support import ASSETS


def _module(name: str) -> ModuleType:
    return addon_module(f"blender.{name}")


@pytest.fixture
def form(rt: Any, clean_scene: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A fresh scene form, with the panel's "first draw" balance request reset. Online access is on
    (offline, every button is greyed for that reason first) but there is no key: nothing can be sent."""
    monkeypatch.delenv("TRIPO_API_KEY", raising=False)
    monkeypatch.delenv("TRIPO_API_BASE_URL", raising=False)
    monkeypatch.setattr(_module("generate_panel")._BalanceRequest, "asked", False)
    set_online_access(True)
    yield clean_scene.tripo_generate


def _meshopt(monkeypatch: pytest.MonkeyPatch, supported: bool) -> None:
    """Pretend the running Blender can (or cannot) import meshopt GLBs."""
    for name in ("generation", "generate_panel"):
        monkeypatch.setattr(_module(name), "gltf_supports_meshopt", lambda: supported)


# --------------------------------------------------------------------------- the panel button's poll


def _set(pg: Any, **values: Any) -> None:
    for name, value in values.items():
        setattr(pg, name, value)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({}, "Enter a prompt: describe the object to generate"),
        ({"prompt": "y" * 1500}, "The prompt is 1500 characters long; Tripo accepts at most 1024"),
        ({"mode": "IMAGE"}, "Choose an image: a file or a Blender image"),
        ({"mode": "MULTIVIEW", "left_path": "/x/left.png"}, "Multiview needs the front view"),
        ({"mode": "MULTIVIEW", "front_path": "/x/front.png"}, "Multiview needs at least two views"),
        ({"prompt": "a cat", "model_version": "P1-20260311", "quad": True}, "P1 does not support Quad Mesh"),
        (
            {"prompt": "a cat", "model_version": "P1-20260311", "smart_low_poly": True},
            "P1 does not support Smart Low Poly",
        ),
        (
            {"prompt": "a cat", "model_version": "P1-20260311", "generate_parts": True, "texture": False, "pbr": False},
            "P1 does not support Generate Parts",
        ),
        ({"prompt": "a cat", "generate_parts": True}, "Generate Parts needs Texture, PBR and Quad Mesh turned off"),
        ({"prompt": "a cat", "face_limit": 1_600_000}, "Face limit 1,600,000 is out of range for model v3.1"),
    ],
)
def test_generate_button_is_disabled_with_the_reason(form: Any, values: dict[str, Any], message: str) -> None:
    ops = _module("generate_ops")
    _set(form, **values)
    assert not ops.TRIPO_OT_generate_form.poll(bpy.context)
    with pytest.raises(RuntimeError, match=f"poll\\(\\) {message[:40]}"):
        bpy.ops.tripo.generate_form()


def test_generate_button_poll_passes_for_a_valid_form(form: Any) -> None:
    form.prompt = "a cat"
    assert _module("generate_ops").TRIPO_OT_generate_form.poll(bpy.context)


def test_compress_guard_blocks_the_button_when_blender_cannot_import_meshopt(
    form: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    form.prompt = "a cat"
    form.compress = True
    _meshopt(monkeypatch, False)
    expected = "cannot open compressed (meshopt) GLBs; the result would be unusable"
    with pytest.raises(RuntimeError) as info:
        bpy.ops.tripo.generate_form()
    assert expected in str(info.value) and f"Blender {bpy.app.version_string}" in str(info.value)
    _meshopt(monkeypatch, True)
    assert _module("generate_ops").TRIPO_OT_generate_form.poll(bpy.context)


def test_compress_guard_matches_this_blenders_importer(form: Any) -> None:
    """Blender ≤ 5.1 cannot import meshopt GLBs, so a compressed request is refused here."""
    form.prompt = "a cat"
    form.compress = True
    supported = _module("decoders").gltf_supports_meshopt()
    assert _module("generate_ops").TRIPO_OT_generate_form.poll(bpy.context) is supported
    if bpy.app.version < (5, 2, 0):
        assert not supported


# --------------------------------------------------------------------------- drawing


def _draw() -> MagicMock:
    return draw_panel(_module("generate_panel").TRIPO_PT_generate)


def _props(layout: MagicMock) -> list[str]:
    return [c.args[1] for c in calls_named(layout, "prop")]


def _button_text(layout: MagicMock) -> str:
    (call,) = [c for c in calls_named(layout, "operator") if c.args[0] == "tripo.generate_form"]
    return str(call.kwargs["text"])


IMAGE_PROPS = {"image", "image_path"}
VIEW_PROPS = {f"{v}_{kind}" for v in ("front", "left", "back", "right") for kind in ("image", "path")}
ADVANCED = {
    "geometry_quality",
    "face_limit",
    "quad",
    "smart_low_poly",
    "generate_parts",
    "auto_size",
    "orientation",
    "texture_alignment",
    "export_orientation",
    "export_uv",
    "image_seed",
    "model_seed",
    "texture_seed",
    "compress",
}
MAIN = {"mode", "model_version", "texture", "pbr", "texture_quality", "show_advanced"}


@pytest.mark.parametrize(
    ("mode", "inputs"),
    [
        ("TEXT", {"prompt", "negative_prompt", "image_first"}),
        ("IMAGE", IMAGE_PROPS | {"enable_image_autofix"}),
        ("MULTIVIEW", VIEW_PROPS | {"views_from_image"}),
    ],
)
def test_panel_draws_the_inputs_of_each_mode_and_hides_advanced_options(form: Any, mode: str, inputs: set[str]) -> None:
    form.mode = mode
    drawn = set(_props(_draw()))
    assert drawn == MAIN | inputs
    assert not drawn & ADVANCED
    mode_row = [c for c in calls_named(_draw(), "prop") if c.args[1] == "mode"]
    assert mode_row[0].kwargs.get("expand") is True


@pytest.mark.parametrize(
    ("mode", "version", "expected"),
    [
        ("TEXT", "v2.5-20250123", ADVANCED - {"geometry_quality", "orientation", "texture_alignment"}),
        ("IMAGE", "v2.5-20250123", ADVANCED - {"geometry_quality", "image_seed"}),
        ("MULTIVIEW", "v2.5-20250123", ADVANCED - {"geometry_quality", "image_seed"}),
        ("IMAGE", "v3.0-20250812", ADVANCED - {"image_seed"}),
        ("TEXT", "P1-20260311", ADVANCED - {"orientation", "texture_alignment"}),
    ],
)
def test_advanced_options_follow_mode_and_version(form: Any, mode: str, version: str, expected: set[str]) -> None:
    form.mode = mode
    form.model_version = version
    form.show_advanced = True
    assert set(_props(_draw())) & ADVANCED == expected


def test_p1_greys_out_what_it_refuses_and_says_why(form: Any) -> None:
    form.model_version = "P1-20260311"
    form.show_advanced = True
    form.quad = True  # left on from another version: still there to turn off
    layout = _draw()
    assert {"quad", "smart_low_poly", "generate_parts", "geometry_quality"} <= set(_props(layout))
    text = " ".join(label_texts(layout))
    assert "P1 does not support Quad Mesh, Smart Low Poly, Generate Parts, Geometry Quality" in text
    form.prompt = "a cat"
    with pytest.raises(RuntimeError, match="P1 does not support Quad Mesh"):
        bpy.ops.tripo.generate_form()
    form.model_version = "v3.1-20260211"
    assert "does not support Quad Mesh" not in " ".join(label_texts(_draw()))


def test_p2_offers_what_no_source_refuses_and_says_the_sources_are_silent(form: Any) -> None:
    """Quad is P2's (Tripo's JS SDK); what P2 does with the other three nobody says: offered, sent,
    and the panel says so (a refusal costs nothing)."""
    form.model_version = "P2-20260801"
    form.show_advanced = True
    text = " ".join(label_texts(_draw()))
    assert "P2 does not support" not in text
    assert "Tripo's sources do not say whether P2 takes Smart Low Poly, Generate Parts, Geometry Quality" in text


def test_the_form_opens_on_the_newest_model_with_its_price(form: Any) -> None:
    """Tripo's newest SDK defaults to v3.1: an artist who never opens the menu gets the best model."""
    assert form.model_version == "v3.1-20260211"
    _set(form, prompt="a cat")
    assert _button_text(_draw()) == "Generate (≈ 20 credits)"


@pytest.mark.parametrize(
    ("values", "text"),
    [
        ({"prompt": "a cat"}, "Generate (≈ 20 credits)"),
        ({"prompt": "a cat", "texture_quality": "detailed", "quad": True}, "Generate (≈ 35 credits)"),
        ({"mode": "IMAGE", "model_version": "P1-20260311"}, "Generate (≈ 50 credits)"),
        ({"mode": "MULTIVIEW", "texture": False, "pbr": False}, "Generate (≈ 20 credits)"),
        ({"prompt": "a cat", "model_version": "P2-20260801"}, "Generate (price unknown)"),
    ],
)
def test_generate_button_shows_the_estimated_cost(form: Any, values: dict[str, Any], text: str) -> None:
    _set(form, **values)
    assert _button_text(_draw()) == text


def test_panel_shows_why_the_form_cannot_be_sent(form: Any) -> None:
    layout = _draw()
    errors = [c for c in calls_named(layout, "label") if c.kwargs.get("icon") == "ERROR"]
    assert errors and errors[0].kwargs["text"].startswith("Enter a prompt")
    form.prompt = "a cat"
    assert not [label for label in label_texts(_draw()) if label.startswith("Enter a prompt")]


def test_panel_explains_that_compress_is_unusable_here(form: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    _meshopt(monkeypatch, False)
    form.show_advanced = True
    text = " ".join(label_texts(_draw()))
    reason = addon_module("blender.decoders").meshopt_unavailable_reason()
    assert f"No Compress: {reason}" in text, "the probe's own reason, not a guess from the version"
    _meshopt(monkeypatch, True)
    assert "No Compress:" not in " ".join(label_texts(_draw()))


def test_long_prompt_is_previewed_wrapped(form: Any) -> None:
    form.prompt = "a weathered bronze statue of a cat sitting on a stack of old books, looking up"
    labels = label_texts(_draw())
    fit = addon_module("blender.text_fit")
    measure = fit.measure_for(bpy.context)
    assert form.prompt in " ".join(labels), labels
    assert all(measure.fits(text) for text in labels), "every line fits the measured sidebar width"
    assert not any("…" in text for text in labels), labels


def test_first_draw_asks_for_the_balance_without_blocking(form: Any, rt: Any) -> None:
    """Offline, the first draw's refresh records why the balance is unknown (nothing is sent)."""
    set_online_access(False)
    runtime = rt
    assert runtime.balance().error is None
    labels = " ".join(label_texts(_draw()))
    assert "Online access is disabled" in labels
    assert "Allow Online Access" in (runtime.balance().error or "")
    refresh = [c for c in calls_named(_draw(), "operator") if c.args[0] == "tripo.check_key"]
    assert len(refresh) == 1


def test_offline_generate_is_greyed_with_the_reason_in_full_words(form: Any) -> None:
    """Offline, a valid form's Generate does not invite a click: greyed, its tooltip and the
    panel say why in words, the panel's notice wrapped (never cut)."""
    form.prompt = "a cat"
    set_online_access(False)
    hint = addon_module("rules.account").OFFLINE_HINT
    assert not _module("generate_ops").TRIPO_OT_generate_form.poll(bpy.context)
    with pytest.raises(RuntimeError, match="Online access is off"):
        bpy.ops.tripo.generate_form()
    layout = _draw()
    offline = [c.kwargs["text"] for c in calls_named(layout, "label") if c.kwargs.get("icon") == "INTERNET_OFFLINE"]
    labels = label_texts(layout)
    assert hint in " ".join(labels), labels
    assert offline and hint.startswith(offline[0]), "the notice starts with its own icon"
    measure = addon_module("blender.text_fit").measure_for(bpy.context)
    assert all(measure.fits(text, icons=1) for text in labels), "every line of it fits"
    set_online_access(True)
    assert _module("generate_ops").TRIPO_OT_generate_form.poll(bpy.context)


def test_panel_is_registered_in_the_tripo_tab(addon: ModuleType) -> None:
    panel = bpy.types.TRIPO_PT_generate
    assert panel.bl_label == "Generate from prompt"
    assert (panel.bl_space_type, panel.bl_region_type, panel.bl_category) == ("VIEW_3D", "UI", "Tripo")
    assert panel.bl_order == 0


def test_form_holds_no_secret(addon: ModuleType) -> None:
    props = bpy.types.Scene.bl_rna.properties["tripo_generate"].fixed_type.properties
    assert not [p.identifier for p in props if "key" in p.identifier or getattr(p, "subtype", "") == "PASSWORD"]


def test_form_is_saved_with_the_blend_file(form: Any, tmp_path: Any) -> None:
    """SKIP_SAVE (needed by the operator) must not stop the scene form from being saved."""
    form.mode = "IMAGE"
    form.prompt = "kept across save and reload"
    form.face_limit = 4321
    path = str(tmp_path / "form.blend")
    bpy.ops.wm.save_as_mainfile(filepath=path)
    bpy.ops.wm.open_mainfile(filepath=path)
    reloaded = bpy.context.scene.tripo_generate
    assert (reloaded.mode, reloaded.prompt, reloaded.face_limit) == ("IMAGE", "kept across save and reload", 4321)


def test_image_slot_shows_a_thumbnail_of_the_chosen_image(form: Any) -> None:
    form.mode = "IMAGE"
    assert not calls_named(_draw(), "template_icon"), "no image, no thumbnail"
    image = bpy.data.images.new("tripo-thumb-test", 8, 8)
    try:
        form.image = image
        icons = [c.kwargs["icon_value"] for c in calls_named(_draw(), "template_icon")]
        assert image.preview is not None and icons == [image.preview.icon_id], icons  # id 0 without a GPU
    finally:
        form.image = None
        bpy.data.images.remove(image)


def test_image_slot_shows_a_thumbnail_of_a_chosen_file_too(form: Any) -> None:
    form.mode = "MULTIVIEW"
    path = ASSETS / "images" / "rocket.jpg"
    form.left_path = str(path)
    form.back_path = "/nowhere/missing.png"
    previews = _module("previews")
    key = f"file:{path}"
    icons = [c.kwargs["icon_value"] for c in calls_named(_draw(), "template_icon")]
    assert previews.has(key), "the file was loaded as a preview"
    assert icons == [previews.icon_id(key)], icons  # one thumbnail: the missing file has none (id 0 without a GPU)
    form.left_image = bpy.data.images.new("tripo-thumb-wins", 8, 8)
    try:
        icons = [c.kwargs["icon_value"] for c in calls_named(_draw(), "template_icon")]
        assert icons == [form.left_image.preview.icon_id], "the Blender image wins, as when sending"
    finally:
        image, form.left_image = form.left_image, None
        bpy.data.images.remove(image)


def test_balance_line_shows_credits_held_while_a_job_runs(form: Any, rt: Any, online: Any) -> None:
    """Tripo freezes a task's price at creation: the line asks again and says what is held."""
    online.set_timing(queue_seconds=0.0, run_seconds=600.0)
    _module("generate_panel")._BalanceRequest.charged = frozenset()
    bpy.ops.tripo.check_key()
    assert rt.wait_for_balance(10.0).frozen == 0
    _draw()
    job = rt.submit(spec())
    pump_job(rt, job.id, "running")
    _draw()  # the set of charged jobs changed: a background refresh goes out
    info = rt.wait_for_balance(10.0)
    assert info.frozen == online.balance_of()[1] > 0, info
    text = " ".join(label_texts(_draw()))
    assert f"{info.frozen:g} held for running tasks" in text, text
