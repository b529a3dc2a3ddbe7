"""Every landed result is kept as an asset of the "Tripo" library (issue 24), end to end in real bpy.

Generations, rigs and retargets go through the emulator and the add-on's pump like a click; each
test then opens the written .blend the way Blender's Asset Browser and a script do
(``bpy.data.libraries.load(path, assets_only=True, link=True)``) and checks what an artist sees
there: the asset, its preview (the server's picture), catalog, tags, description and the request;
and that Generate Again and Variant send exactly the stored request (the emulator's log) with new
seeds or seeds + 1, and land as new assets.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import bpy
import pytest

from tests.emulator import TEST_KEY, Emulator

from .runtime_support import addon_module, created, label_texts, layout_spy, operator_ids, pump_job
from .support import ASSETS

SEEDS = ("image_seed", "model_seed", "texture_seed")
WAIT = 60.0


@pytest.fixture(autouse=True)
def _scene(clean_scene: Any) -> Any:
    return clean_scene


@pytest.fixture
def lib(addon: ModuleType) -> Any:
    return addon_module("blender.asset_library")


@pytest.fixture
def index_mod(addon: ModuleType) -> Any:
    return addon_module("jobs.asset_index")


def _generate(rt: Any, **options: Any) -> Any:
    """A text-to-model job through the operator (like the panel's button), pumped until it ends."""
    before = {job.id for job in rt.jobs()}
    assert bpy.ops.tripo.generate(mode="TEXT", **options) == {"FINISHED"}
    (job,) = [job for job in rt.jobs() if job.id not in before]
    return pump_job(rt, job.id, "done", "failed", "cancelled", timeout=WAIT)


def _records(lib: Any, index_mod: Any) -> list[Any]:
    """The library's records, newest first, each with its request."""
    index = index_mod.AssetIndex(lib.library_folder())
    return [index.full(record) for record in index.records()]


def _record_of(lib: Any, index_mod: Any, job: Any) -> Any:
    found = [r for r in _records(lib, index_mod) if r.task_id == job.task_id]
    assert len(found) == 1, (job.note, [r.task_id for r in _records(lib, index_mod)])
    return found[0]


def _blend(lib: Any, record: Any) -> Path:
    return lib.library_folder() / record.blend_name


def _linked(path: Path, datablock: str) -> list[Any]:
    """The assets of the .blend, linked as the Asset Browser reads them."""
    with bpy.data.libraries.load(str(path), assets_only=True, link=True) as (source, target):
        setattr(target, datablock, list(getattr(source, datablock)))
    return list(getattr(target, datablock))


def _asset(path: Path, record: Any) -> Any:
    (asset,) = _linked(path, record.datablock)
    return asset


def _objects_of(asset: Any) -> list[Any]:
    collection = asset if isinstance(asset, bpy.types.Collection) else asset.instance_collection
    return list(collection.all_objects)


def _body(post: Any) -> dict[str, Any]:
    assert isinstance(post.json, dict)
    return post.json


def _without_seeds(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in SEEDS}


def _no_key_in(path: Path) -> None:
    assert TEST_KEY.encode() not in path.read_bytes(), f"the API key is in {path}"


# --------------------------------------------------------------------------- a generation becomes an asset


def test_a_generation_lands_and_is_kept_as_an_asset_with_preview_catalog_tags_and_request(
    rt: Any, online: Emulator, lib: Any, index_mod: Any
) -> None:
    job = _generate(rt, prompt="a small cat statue", model_version="v2.5-20250123")
    assert job.state.value == "done", job.error
    assert [ob for ob in bpy.context.scene.objects if ob.get("tripo_task_id") == job.task_id], "it landed"
    record = _record_of(lib, index_mod, job)
    blend = _blend(lib, record)
    assert blend.is_file() and record.catalog == "Tripo/Text to Model" and record.preview == "server"

    asset = _asset(blend, record)
    assert asset.name == record.asset_name and record.name == "a small cat statue"
    data = asset.asset_data
    assert data.description == "a small cat statue"
    assert data.author == "Tripo"
    tags = [t.name for t in data.tags]
    assert "Text to Model" in tags and "v2.5-20250123" in tags and "PBR" in tags
    assert data.catalog_id == index_mod.catalog_id("Tripo/Text to Model")
    cats = (lib.library_folder() / "blender_assets.cats.txt").read_text()
    assert f"{data.catalog_id}:Tripo/Text to Model:Tripo-Text to Model" in cats.splitlines()
    # the server's picture (the emulator's 64 x 64 PNG, blue-tinted), not Blender's render
    assert tuple(asset.preview.image_size) == (64, 64)
    pixels = asset.preview.image_pixels_float[:]
    assert pixels[2] > pixels[0] > 0.0, "the emulator's picture is blue"

    request = json.loads(asset["tripo_request"])
    assert request == json.loads(json.dumps(record.to_dict()["request"]))
    assert request["spec"]["kind"] == "text_to_model" and request["task_id"] == job.task_id
    assert request["spec"]["params"]["prompt"] == "a small cat statue"
    assert request["consumed_credit"] == job.consumed_credit and request["consumed_credit"]
    assert request["sent_at"] >= job.created_at and request["parent_task"] is None
    objects = _objects_of(asset)
    assert objects and all(ob.get("tripo_task_id") == job.task_id for ob in objects), "tags travel with the asset"
    for path in lib.library_folder().iterdir():
        _no_key_in(path)


def test_generate_again_sends_the_same_body_with_new_seeds_and_lands_as_a_new_asset(
    rt: Any, online: Emulator, lib: Any, index_mod: Any
) -> None:
    first = _generate(rt, prompt="a bronze fox", negative_prompt="blurry", face_limit=5000)
    original = _record_of(lib, index_mod, first)
    (sent,) = created(online)
    assert not set(SEEDS) & set(_body(sent)), "the panel let Tripo choose the seeds"

    assert bpy.ops.tripo.asset_generate_again(filepath=str(_blend(lib, original))) == {"FINISHED"}
    again_job = next(j for j in rt.jobs() if j.id != first.id)
    again_job = pump_job(rt, again_job.id, "done", "failed", timeout=WAIT)
    assert again_job.state.value == "done", again_job.error
    _, resent = created(online)
    assert _without_seeds(_body(resent)) == _body(sent), "exactly the stored request"
    seeds = {name: _body(resent)[name] for name in SEEDS}
    assert all(isinstance(v, int) and v > 0 for v in seeds.values()), seeds

    again = _record_of(lib, index_mod, again_job)
    assert again.stem != original.stem and _blend(lib, again).is_file()
    assert {r.task_id for r in _records(lib, index_mod)} == {first.task_id, again_job.task_id}
    # the new asset knows its seeds, so Variant works on it: every seed + 1, nothing else changes
    assert bpy.ops.tripo.asset_variant(filepath=str(_blend(lib, again))) == {"FINISHED"}
    variant_job = next(j for j in rt.jobs() if j.id not in (first.id, again_job.id))
    variant_job = pump_job(rt, variant_job.id, "done", "failed", timeout=WAIT)
    assert variant_job.state.value == "done", variant_job.error
    varied = _body(created(online)[-1])
    assert {name: varied[name] for name in SEEDS} == {name: v + 1 for name, v in seeds.items()}
    assert _without_seeds(varied) == _body(sent)
    assert len(_records(lib, index_mod)) == 3
    assert _records(lib, index_mod)[0].task_id == variant_job.task_id, "newest first"


def test_variant_of_fixed_seeds_is_seed_plus_one_and_generate_again_keeps_them(
    rt: Any, online: Emulator, lib: Any, index_mod: Any
) -> None:
    first = _generate(rt, prompt="a clay robot", model_seed=7, texture_seed=9)
    record = _record_of(lib, index_mod, first)
    path = str(_blend(lib, record))
    for op in (bpy.ops.tripo.asset_variant, bpy.ops.tripo.asset_generate_again):  # one after the other: POST order
        assert op(filepath=path) == {"FINISHED"}
        pump_job(rt, rt.jobs()[0].id, "done", "failed", timeout=WAIT)
    original, variant, again = (_body(post) for post in created(online))
    assert (original["model_seed"], original["texture_seed"]) == (7, 9)
    assert (variant["model_seed"], variant["texture_seed"]) == (8, 10)
    assert (again["model_seed"], again["texture_seed"]) == (7, 9), "seeds the artist fixed are kept"
    assert again["image_seed"] != original.get("image_seed"), "the seed Tripo chose is chosen anew"
    assert _without_seeds(variant) == _without_seeds(original) == _without_seeds(again)
    assert len(_records(lib, index_mod)) == 3


def test_variant_of_seeds_tripo_chose_is_refused_with_the_reason_and_sends_nothing(
    rt: Any, online: Emulator, lib: Any, index_mod: Any
) -> None:
    record = _record_of(lib, index_mod, _generate(rt, prompt="a glass owl"))
    with pytest.raises(RuntimeError, match="Tripo chose the seeds"):
        bpy.ops.tripo.asset_variant(filepath=str(_blend(lib, record)))
    assert len(created(online)) == 1


# --------------------------------------------------------------------------- rig and retarget


def test_a_texture_a_rig_and_a_retarget_are_kept_with_their_armature_and_actions(
    tripo: ModuleType, rt: Any, online: Emulator, lib: Any, index_mod: Any
) -> None:
    model = tripo.text_to_model("a knight", name="Knight").wait(WAIT)
    textured = tripo.texture(model.objects[0], text_prompt="rusty iron").wait(WAIT)
    rigged = tripo.rig(textured.objects[0]).wait(WAIT)
    tripo.retarget(rigged.armature, ["preset:walk", "preset:run"]).wait(WAIT)
    by_catalog = {r.catalog: r for r in _records(lib, index_mod)}
    assert set(by_catalog) == {"Tripo/Text to Model", "Tripo/Textured", "Tripo/Rigged", "Tripo/Animated"}

    texture = by_catalog["Tripo/Textured"]
    assert texture.name == "Knight (textured)" and texture.description == "rusty iron"
    assert texture.request["parent_task"] == model.task_id
    assert {ob.get("tripo_task_id") for ob in _objects_of(_asset(_blend(lib, texture), texture))} == {
        textured.task_id
    }, "the result only: its source, hidden in the scene, stays out"

    rig = by_catalog["Tripo/Rigged"]
    objects = _objects_of(_asset(_blend(lib, rig), rig))
    assert {ob.type for ob in objects} == {"ARMATURE", "MESH"}
    armature = next(ob for ob in objects if ob.type == "ARMATURE")
    assert all(ob.parent == armature for ob in objects if ob.type == "MESH"), "one armature, its skinned mesh"
    assert rig.request["spec"]["kind"] == "rig_model" and rig.request["parent_task"] == textured.task_id

    animated = by_catalog["Tripo/Animated"]
    objects = _objects_of(_asset(_blend(lib, animated), animated))
    armature = next(ob for ob in objects if ob.type == "ARMATURE")
    tracks = {track.name for track in armature.animation_data.nla_tracks}
    assert any("walk" in name for name in tracks) and any("run" in name for name in tracks), tracks
    assert {"walk", "run"} <= set(animated.tags)


def test_generate_again_of_a_texture_and_a_rig_resends_their_requests_and_lands_new_assets(
    tripo: ModuleType, rt: Any, online: Emulator, lib: Any, index_mod: Any
) -> None:
    """Right-click › Generate Again on post-process assets: the same body on the same route (the
    texture's seed aside, chosen anew), the same parent task, and a new asset in the same catalog."""
    model = tripo.text_to_model("a stone lion", name="Lion").wait(WAIT)
    textured = tripo.texture(model.objects[0], text_prompt="weathered marble").wait(WAIT)
    tripo.rig(textured.objects[0]).wait(WAIT)
    kept = {r.catalog: r for r in _records(lib, index_mod)}
    for catalog, task_type in (("Tripo/Textured", "texture_model"), ("Tripo/Rigged", "animate_rig")):
        record = kept[catalog]
        (sent,) = created(online, task_type)
        before = {job.id for job in rt.jobs()}
        assert bpy.ops.tripo.asset_generate_again(filepath=str(_blend(lib, record))) == {"FINISHED"}
        (again,) = [job for job in rt.jobs() if job.id not in before]
        again = pump_job(rt, again.id, "done", "failed", timeout=WAIT)
        assert again.state.value == "done", again.error
        assert [ob for ob in bpy.context.scene.objects if ob.get("tripo_task_id") == again.task_id], "it landed"
        original, resent = _body(sent), _body(created(online, task_type)[-1])
        assert _without_seeds(resent) == _without_seeds(original), f"{catalog}: exactly the stored request"
        assert set(resent) - set(SEEDS) == set(original) - set(SEEDS)
        new = _record_of(lib, index_mod, again)
        assert new.stem != record.stem and new.catalog == catalog and _blend(lib, new).is_file()
        assert new.request["parent_task"] == record.request["parent_task"]
    assert len(_records(lib, index_mod)) == 5


# --------------------------------------------------------------------------- console


def test_the_console_lists_imports_and_generates_again_from_assets(
    tripo: ModuleType, rt: Any, online: Emulator, lib: Any
) -> None:
    fox = tripo.text_to_model("a red fox", name="Fox", model_seed=3).wait(WAIT)
    tripo.text_to_model("a blue whale", name="Whale").wait(WAIT)
    listed = tripo.assets()
    assert [a.name for a in listed] == ["Whale", "Fox"], "newest first"
    assert [a.name for a in tripo.assets(text="fox")] == ["Fox"]
    assert [a.name for a in tripo.assets("text_to_model")] == ["Whale", "Fox"]
    assert tripo.assets("rig") == [] and tripo.assets(kind="Rigged") == []
    asset = tripo.assets(text="red")[0]
    assert asset.request["spec"]["params"]["model_seed"] == 3 and asset.task_id == fox.task_id
    assert asset.prompt == "a red fox" and asset.catalog == "Tripo/Text to Model"
    assert Path(asset.path).is_file() and "tripo.Asset 'Fox'" in repr(asset)

    bpy.context.scene.cursor.location = (5.0, 0.0, 0.0)
    before = set(bpy.data.objects)
    imported = asset.import_()
    assert set(imported) == set(bpy.data.objects) - before and imported
    assert all(ob.get("tripo_task_id") == fox.task_id for ob in imported)
    assert imported[0].parent is None and tuple(imported[0].location) == pytest.approx((5.0, 0.0, 0.0))
    assert all(ob.users_scene for ob in imported), "real objects in the scene, not an instance"
    source = addon_module("blender.sources").source_of(imported[0])
    assert source.task_id == fox.task_id and not source.is_local, "right-click › Tripo follows the kept task"

    variant = asset.variant().wait(WAIT)
    assert _body(created(online)[-1])["model_seed"] == 4
    assert [a.task_id for a in tripo.assets()][0] == variant.task_id
    with pytest.raises(ValueError, match="Tripo chose the seeds"):
        tripo.assets(text="whale")[0].variant()


def test_open_settings_fills_the_generate_form(rt: Any, online: Emulator, lib: Any, index_mod: Any) -> None:
    record = _record_of(
        lib,
        index_mod,
        _generate(
            rt, prompt="a tin toy", negative_prompt="rust", face_limit=8000, model_seed=12, texture=False, pbr=False
        ),
    )
    bpy.ops.wm.read_homefile(use_empty=True)  # another file: a fresh form
    assert bpy.ops.tripo.asset_open_settings(filepath=str(_blend(lib, record))) == {"FINISHED"}
    pg = bpy.context.scene.tripo_generate
    assert (pg.mode, pg.prompt, pg.negative_prompt, pg.face_limit, pg.model_seed) == (
        "TEXT",
        "a tin toy",
        "rust",
        8000,
        12,
    )
    assert (pg.texture, pg.pbr) == (False, False)


# --------------------------------------------------------------------------- safety and settings


def test_a_library_folder_that_cannot_be_written_says_so_once_and_the_landing_succeeds(
    rt: Any, online: Emulator, prefs: Any, tmp_path: Path, lib: Any
) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    prefs.asset_library_dir = str(blocker / "assets")
    first = _generate(rt, prompt="a paper crane")
    second = _generate(rt, prompt="a paper boat")
    assert first.state.value == second.state.value == "done"
    assert [ob for ob in bpy.context.scene.objects if ob.get("tripo_task_id") == second.task_id]
    assert "Not kept as an asset" in first.note and str(blocker) in first.note
    assert "Not kept as an asset" not in second.note, "said once"


def test_keep_results_as_assets_off_keeps_nothing(
    rt: Any, online: Emulator, prefs: Any, lib: Any, index_mod: Any
) -> None:
    prefs.keep_assets = False
    assert _generate(rt, prompt="a stone bench").state.value == "done"
    assert _records(lib, index_mod) == []


def test_preferences_add_the_library_to_blenders_asset_libraries_once(
    rt: Any, prefs: Any, lib: Any, tmp_path: Path
) -> None:
    libraries = bpy.context.preferences.filepaths.asset_libraries
    draw = addon_module("blender.asset_ops").draw_library
    layout = layout_spy()
    draw(layout, prefs)
    assert "tripo.asset_library_add" in operator_ids(layout)
    assert "Asset Libraries" in " ".join(label_texts(layout)), "it says what the button does (wrapped over lines)"
    count = len(libraries)
    try:
        assert bpy.ops.tripo.asset_library_add() == {"FINISHED"}
        assert bpy.ops.tripo.asset_library_add() == {"FINISHED"}
        assert len(libraries) == count + 1, "added once"
        entry = lib.registered_entry()
        assert entry.name == "Tripo" and Path(entry.path) == lib.library_folder()
        layout = layout_spy()
        draw(layout, prefs)
        assert "tripo.asset_library_add" not in operator_ids(layout)
        assert "In Blender's asset libraries as 'Tripo'" in " ".join(label_texts(layout))
        # another folder chosen later: the button is back, and moves the same entry there
        prefs.asset_library_dir = str(tmp_path / "elsewhere")
        assert lib.registered_entry() is None
        assert bpy.ops.tripo.asset_library_add() == {"FINISHED"}
        assert len(libraries) == count + 1 and Path(lib.registered_entry().path) == tmp_path / "elsewhere"
    finally:
        entry = lib.registered_entry()
        if entry is not None:
            libraries.remove(entry)


def test_the_asset_browser_menu_offers_tripos_items_on_tripo_assets_only(
    rt: Any, online: Emulator, lib: Any, index_mod: Any
) -> None:
    record = _record_of(lib, index_mod, _generate(rt, prompt="a lamp"))
    ops = addon_module("blender.asset_ops")
    menu = SimpleNamespace(layout=layout_spy())
    ops.draw_asset_menu(menu, SimpleNamespace(asset=SimpleNamespace(full_library_path=str(_blend(lib, record)))))
    assert operator_ids(menu.layout) == [
        "tripo.asset_generate_again",
        "tripo.asset_variant",
        "tripo.asset_open_settings",
    ]
    other = SimpleNamespace(layout=layout_spy())
    ops.draw_asset_menu(other, SimpleNamespace(asset=SimpleNamespace(full_library_path=str(ASSETS / "x.blend"))))
    assert operator_ids(other.layout) == []
    assert "ASSETBROWSER_MT_context_menu" in dir(bpy.types)
    assert ops.draw_asset_menu in bpy.types.ASSETBROWSER_MT_context_menu._dyn_ui_initialize()


# --------------------------------------------------------------------------- previews


@pytest.fixture
def landed(rt: Any, online: Emulator) -> Iterator[Any]:
    """A finished job and its objects, for writing assets by hand."""
    job = _generate(rt, prompt="a teapot")
    objects = [ob for ob in bpy.data.objects if ob.get("tripo_task_id") == job.task_id]
    yield job, objects


def _rewritten(lib: Any, job: Any, objects: list[Any], tmp_path: Path, image: Path) -> tuple[Any, Any]:
    """``job``'s result written again into another folder, with ``image`` as the server's picture."""
    folder = tmp_path / "other library"
    record = lib.write_asset(job, {"rendered_image": str(image)}, objects, folder)
    return record, _asset(folder / record.blend_name, record)


def test_a_webp_server_image_becomes_the_preview(landed: Any, lib: Any, tmp_path: Path) -> None:
    record, asset = _rewritten(lib, *landed, tmp_path, ASSETS / "images" / "coffee.webp")
    assert record.preview == "server"
    assert max(asset.preview.image_size) == 256 and asset.preview.image_size[1] < 256, "scaled, aspect kept"


def test_an_unreadable_server_image_gives_blenders_own_preview(landed: Any, lib: Any, tmp_path: Path) -> None:
    broken = tmp_path / "broken.webp"
    broken.write_bytes(b"RIFF\x10\x00\x00\x00WEBPnot an image")
    record, asset = _rewritten(lib, *landed, tmp_path, broken)
    assert record.preview == "generated"
    assert asset.preview.image_size[0] > 0 and any(asset.preview.image_pixels_float[:]), "a picture, not a blank"
