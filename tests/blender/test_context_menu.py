"""The right-click "Tripo" menu: when it shows, which items are enabled, and why the others are not;
"Import by Task ID" for models made elsewhere.

Enabled/disabled states are the operators' own ``poll`` (a menu item is greyed out exactly when
``bpy.ops.tripo.<item>.poll()`` is False, and its tooltip is the poll message, which Blender also
puts into the RuntimeError a script gets). Menus are drawn with a recording layout.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import bpy
import pytest

from tests.emulator import TEST_KEY, Emulator
from tests.emulator.glb import PARTS
from tripo_blender.client import TripoClient

from .post_support import (
    armatures,
    draw_dialog,
    finish,
    make_result,
    newest,
    objects_of,
    poll_message,
    posted,
    root_of,
    select,
)
from .runtime_support import (
    addon_module,
    calls_named,
    created,
    draw_panel,
    label_texts,
    layout_spy,
    pump_job,
    pump_until,
    set_online_access,
)

#: Every menu item: operator name → the job kind it sends.
ITEMS = {
    "texture": "texture_model",
    "rig": "rig_model",
    "retarget": "retarget_animation",
    "convert": "convert_model",
    "segment": "mesh_segmentation",
    "smart_segment": "smart_segment",
    "complete": "mesh_completion",
    "smart_lowpoly": "smart_lowpoly",
    "smart_uv": "mesh_uv",
}
#: Items that apply to a freshly generated (unrigged, unsegmented) model.
FOR_A_MODEL = {"texture", "rig", "convert", "segment", "smart_segment", "smart_lowpoly", "smart_uv"}
DAY = 24 * 3600


@pytest.fixture
def menu(addon: Any) -> Any:
    return addon_module("blender.context_menu")


def states() -> dict[str, str | None]:
    return {name: poll_message(name) for name in ITEMS}


def test_items_for_a_tripo_model(rt: Any, online: Emulator, clean_scene: Any) -> None:
    fox = make_result(rt)
    select(root_of(fox))
    found = states()
    assert {name for name, why in found.items() if why is None} == FOR_A_MODEL
    assert "not rigged" in found["retarget"] and "Rig" in found["retarget"]
    assert "segment this model first" in found["complete"]


def test_a_child_of_a_tripo_result_counts_as_the_result(rt: Any, online: Emulator, clean_scene: Any) -> None:
    fox = make_result(rt)
    mine = bpy.data.objects.new("My marker", None)
    clean_scene.collection.objects.link(mine)
    mine.parent = root_of(fox)
    select(mine)
    assert bpy.ops.tripo.texture.poll()


def test_every_item_explains_a_non_tripo_object_and_no_selection(rt: Any, online: Emulator, clean_scene: Any) -> None:
    cube = bpy.data.objects.new("Cube", bpy.data.meshes.new("Cube"))
    clean_scene.collection.objects.link(cube)
    select(cube)
    for name, why in states().items():
        assert why is not None and "'Cube' is not a Tripo result" in why and "Import by Task ID" in why, name
    select()
    for name, why in states().items():
        assert why is not None and "Select an object of a Tripo result first" in why, name


def test_every_item_is_off_while_online_access_is_off(rt: Any, online: Emulator, clean_scene: Any) -> None:
    select(root_of(make_result(rt)))
    set_online_access(False)
    for name, why in states().items():
        assert why is not None and "Online access" in why, name


def test_a_source_task_that_is_not_done_disables_everything(rt: Any, online: Emulator, clean_scene: Any) -> None:
    """An object tagged with the task of a job still running (a followed task, say) cannot be processed."""
    fox = make_result(rt)
    online.set_timing(run_seconds=600.0)
    running = rt.submit(addon_module("jobs").JobSpec("text_to_model", {"prompt": "a slow fox"}, name="Slow"))
    pump_until(rt, lambda: rt.job(running.id).task_id is not None, what="task id")
    root = root_of(fox)
    for ob in [root, *root.children_recursive]:
        ob["tripo_task_id"] = rt.job(running.id).task_id
    select(root)
    for name, why in states().items():
        assert why is not None and ("still queued" in why or "still running" in why), (name, why)


def test_a_result_is_stamped_with_when_its_task_was_made(rt: Any, online: Emulator, clean_scene: Any) -> None:
    before = time.time()
    fox = make_result(rt, model_version="v3.1-20260211")
    root = root_of(fox)
    assert all(before - 1 <= ob["tripo_task_created"] <= time.time() for ob in objects_of(fox))
    assert root["tripo_model_version"] == "v3.1-20260211"


def test_a_source_older_than_seven_days_goes_up_as_a_mesh_and_says_so_before_anyone_pays(
    rt: Any, online: Emulator, clean_scene: Any
) -> None:
    """Landing and uploads: tests/blender/test_expired_source.py."""
    fox = make_result(rt)
    root = root_of(fox)
    select(root)
    root["tripo_task_created"] = int(time.time() - 6 * DAY)
    assert poll_message("texture") is None, "six days old: still on Tripo"
    assert "upload" not in " ".join(label_texts(draw_dialog(addon_module("blender.post_ops").TRIPO_OT_texture))), (
        "sent as its task"
    )
    root["tripo_task_created"] = int(time.time() - 8 * DAY)
    found = states()
    assert {name for name, why in found.items() if why is None} == FOR_A_MODEL, "Tripo accepts its mesh"
    for name in set(ITEMS) - FOR_A_MODEL:
        assert "8 days old" in found[name] and "expired on Tripo's side" in found[name], (name, found[name])
    note = " ".join(label_texts(draw_dialog(addon_module("blender.post_ops").TRIPO_OT_texture)))
    assert "8 days old" in note and "exported and uploaded" in note, note
    assert bpy.ops.tripo.check_riggable.poll(), "the free check goes up with the mesh too"
    del root["tripo_task_created"]
    assert poll_message("texture") is None, "no stamp (an older add-on, a followed task): the benefit of the doubt"
    assert created(online, "texture_model") == []


def test_refine_and_stylize_are_gone_from_the_menu(menu: Any) -> None:
    """Tripo retired both with its v2 API."""
    layout = layout_spy()
    menu.VIEW3D_MT_tripo.draw(SimpleNamespace(layout=layout), bpy.context)
    texts = [c.kwargs["text"] for c in calls_named(layout, "operator")]
    assert not [t for t in texts if "Refine" in t or "Stylize" in t], texts
    assert not hasattr(bpy.types, "TRIPO_OT_refine") and not hasattr(bpy.types, "TRIPO_OT_stylize")
    for name in ("refine", "stylize"):
        with pytest.raises(KeyError):  # how bpy.ops says "no such operator"
            getattr(bpy.ops.tripo, name).get_rna_type()


def test_retarget_needs_a_tripo_spec_rig(rt: Any, online: Emulator, clean_scene: Any) -> None:
    fox = make_result(rt)
    select(root_of(fox))
    bpy.ops.tripo.check_riggable()
    finish(rt, "check_riggable")
    assert bpy.ops.tripo.rig(spec="mixamo") == {"FINISHED"}
    rigged = finish(rt, "rig_model")
    select(root_of(rigged))
    why = poll_message("retarget")
    assert why is not None and "Mixamo spec" in why and "Tripo spec" in why
    assert "does not work on a rig result" in (poll_message("texture") or "")
    assert poll_message("convert") is None


def test_complete_is_offered_on_a_segmentation_result_only(rt: Any, online: Emulator, clean_scene: Any) -> None:
    select(root_of(make_result(rt)))
    assert bpy.ops.tripo.segment() == {"FINISHED"}
    parts = finish(rt, "mesh_segmentation")
    select(root_of(parts))
    assert poll_message("complete") is None
    assert "does not work on a segment result" in (poll_message("texture") or "")


# --------------------------------------------------------------------------- the menu itself


def test_context_menu_shows_the_tripo_submenu_for_tripo_objects_and_meshes(
    rt: Any, online: Emulator, clean_scene: Any, menu: Any
) -> None:
    cube = bpy.data.objects.new("Cube", bpy.data.meshes.new("Cube"))
    clean_scene.collection.objects.link(cube)
    lamp = bpy.data.objects.new("Lamp", bpy.data.lights.new("Lamp", "POINT"))
    clean_scene.collection.objects.link(lamp)
    fox = root_of(make_result(rt))

    def drawn() -> list[Any]:
        layout = layout_spy()
        menu.draw_context_menu(SimpleNamespace(layout=layout), bpy.context)
        return [c.args[0] for c in calls_named(layout, "menu")]

    select(fox)
    assert drawn() == ["VIEW3D_MT_tripo"]
    select(cube)  # any mesh (issue 11): uploaded; a mesh without faces says why in the greyed items
    assert drawn() == ["VIEW3D_MT_tripo"]
    select(lamp)
    assert drawn() == []
    select()
    assert drawn() == []
    assert menu.draw_context_menu in bpy.types.VIEW3D_MT_object_context_menu._dyn_ui_initialize()


def test_submenu_lists_every_item_with_valid_icons(menu: Any) -> None:
    layout = layout_spy()
    menu.VIEW3D_MT_tripo.draw(SimpleNamespace(layout=layout), bpy.context)
    calls = calls_named(layout, "operator")
    assert [c.args[0] for c in calls] == [f"tripo.{name}" for name in ITEMS] + ["tripo.fit_frame_range"]
    assert layout.operator_context == "INVOKE_DEFAULT", "dialogs (options and cost) open before anything is sent"
    icons = bpy.types.UILayout.bl_rna.functions["operator"].parameters["icon"].enum_items.keys()
    assert all(c.kwargs["icon"] in icons for c in calls)
    assert all(c.kwargs["text"] for c in calls)


# --------------------------------------------------------------------------- import by task id


def test_import_by_task_id_follows_an_existing_task_and_the_menu_works_on_it(
    rt: Any, online: Emulator, clean_scene: Any
) -> None:
    with TripoClient(api_key=TEST_KEY, base_url=online.base_url) as client:  # made "elsewhere"
        task_id = client.text_to_model("a lamp")
    posts = len(created(online))

    bpy.context.window_manager.tripo_import_task_id = f"  {task_id} "
    assert bpy.ops.tripo.import_task() == {"FINISHED"}
    assert bpy.context.window_manager.tripo_import_task_id == "", "the field is cleared once followed"
    job = pump_job(rt, newest(rt, "import_task").id, "done")
    assert job.task_id == task_id
    assert len(created(online)) == posts, "following a task sends no request"
    root = root_of(job)
    assert job.task_type == "text_to_model", "the type the server reported"
    assert root["tripo_task_id"] == task_id and root["tripo_task_type"] == "text_to_model"
    assert abs(root["tripo_task_created"] - time.time()) < 120, "stamped with Tripo's time for the task"

    select(root)
    assert bpy.ops.tripo.texture.poll()
    assert "not rigged" in (poll_message("retarget") or ""), "a text-to-model result: not rigged"


def _made_elsewhere(emulator: Emulator, make: Callable[[TripoClient, str], str]) -> str:
    """A task made with the client directly (as the website or another program would): ``make``
    gets the client and a finished text-to-model task to post-process."""
    with TripoClient(api_key=TEST_KEY, base_url=emulator.base_url) as client:
        model = client.text_to_model("a fox made elsewhere")
        client.wait_for_task(model, polling_interval=0.05)
        return make(client, model)


def _follow(rt: Any, task_id: str) -> Any:
    assert bpy.ops.tripo.import_task(task_id=task_id) == {"FINISHED"}
    return pump_job(rt, newest(rt, "import_task").id, "done")


@pytest.mark.parametrize("out_format", ["glb", "fbx"])
def test_a_followed_rig_task_is_known_as_a_rig_and_retarget_works_on_it(
    rt: Any, online: Emulator, clean_scene: Any, out_format: str
) -> None:
    rig_task = _made_elsewhere(online, lambda client, model: client.rig_model(model, out_format=out_format))

    job = _follow(rt, rig_task)

    assert (job.kind, job.task_type) == ("import_task", "animate_rig")
    objects = objects_of(job)
    assert all(ob["tripo_task_type"] == "animate_rig" and ob["tripo_task_id"] == rig_task for ob in objects)
    (armature,) = armatures()
    assert armature in objects and armature["tripo_rig_format"] == out_format, "the file says the rig's format"
    skinned = [ob for ob in objects if ob.type == "MESH"]
    assert skinned and all(ob.parent == armature for ob in skinned), "set up as one armature, like our own rigs"

    select(armature)
    assert poll_message("retarget") is None, "Retarget is offered for a followed rig"
    assert "does not work on a rig result" in (poll_message("texture") or "")
    assert bpy.ops.tripo.retarget(presets={"preset:walk"}) == {"FINISHED"}
    finish(rt, "retarget_animation")
    (body,) = posted(online, "animate_retarget")
    assert (body["input"], body.get("out_format", "glb")) == (rig_task, out_format)
    assert armatures() == [armature], "the animation lands on the followed rig, no second character"
    assert f"Tripo {rig_task[:8]} – walk" in {t.name for t in armature.animation_data.nla_tracks}


@pytest.mark.parametrize("spec", ["mixamo", "tripo"])
def test_a_followed_rig_is_retargetable_only_with_the_tripo_spec(
    rt: Any, online: Emulator, clean_scene: Any, spec: str
) -> None:
    """The spec of a rig made elsewhere is known only from the input the server echoes."""
    rig_task = _made_elsewhere(online, lambda client, model: client.rig_model(model, spec=spec))

    job = _follow(rt, rig_task)

    echoed = {"model": "v1.0-20240301", **({"spec": spec} if spec != "tripo" else {})}
    assert dict(job.task_input) == echoed, "apiv3 echoes what was sent: the Tripo spec is the default"
    (armature,) = armatures()
    assert armature.get("tripo_rig_spec") == (spec if spec != "tripo" else None)
    select(armature)
    why = poll_message("retarget")
    if spec == "mixamo":
        assert why is not None and "Mixamo spec" in why and "Tripo spec" in why
    else:
        assert why is None, "a followed Tripo-spec rig can be retargeted"


def test_a_followed_generation_is_known_by_its_model_version(rt: Any, online: Emulator, clean_scene: Any) -> None:
    with TripoClient(api_key=TEST_KEY, base_url=online.base_url) as client:  # made "elsewhere"
        task_id = client.text_to_model("a lamp", model_version="P1-20260311")

    job = _follow(rt, task_id)

    assert job.task_input["model"] == "P1-20260311", "apiv3 echoes the version as 'model'"
    root = root_of(job)
    assert root["tripo_model_version"] == "P1-20260311"
    tags = addon_module("rules.tags")
    assert tags.followed_tags("text_to_model", {"model_version": "v2.5-20250123"}) == {
        "tripo_model_version": "v2.5-20250123"
    }, "a v2-era journal's echo says model_version"


def test_a_followed_segmentation_offers_its_parts_to_complete(rt: Any, online: Emulator, clean_scene: Any) -> None:
    segmented = _made_elsewhere(online, lambda client, model: client.mesh_segmentation(model))

    job = _follow(rt, segmented)

    assert job.task_type == "mesh_segmentation"
    assert all(ob["tripo_task_type"] == "mesh_segmentation" for ob in objects_of(job))
    names = sorted(ob["tripo_part_name"] for ob in objects_of(job) if ob.type == "MESH")
    assert names == sorted(part[0] for part in PARTS)
    source = addon_module("blender.sources").source_of(root_of(job))
    assert sorted(addon_module("blender.post_process").part_names(source)) == names
    select(root_of(job))
    assert poll_message("complete") is None, "Complete is offered for a followed segmentation"
    assert bpy.ops.tripo.complete(part_names="head, legs") == {"FINISHED"}
    finish(rt, "mesh_completion")
    (body,) = posted(online, "mesh_completion")
    assert (body["input"], body["part_names"]) == (segmented, ["head", "legs"])


def test_import_by_task_id_refuses_bad_input_and_offline(rt: Any, online: Emulator) -> None:
    with pytest.raises(RuntimeError, match="Enter a task id"):
        bpy.ops.tripo.import_task(task_id="   ")
    with pytest.raises(RuntimeError):
        bpy.ops.tripo.import_task(task_id="../../etc/passwd")
    assert rt.jobs() == []
    set_online_access(False)
    with pytest.raises(RuntimeError, match="Online access"):
        bpy.ops.tripo.import_task(task_id="1ec04b2e-0000-4000-8000-000000000000")


def test_import_by_task_id_panel_has_the_field_and_the_button(addon: Any) -> None:
    panel = addon_module("blender.import_task").TRIPO_PT_import_task
    assert (panel.bl_space_type, panel.bl_region_type, panel.bl_category) == ("VIEW_3D", "UI", "Tripo")
    layout = draw_panel(panel)
    assert [c.args[1] for c in calls_named(layout, "prop")] == ["tripo_import_task_id"]
    assert [c.args[0] for c in calls_named(layout, "operator")] == ["tripo.import_task"]


# --------------------------------------------------------------------------- the dialogs


def drawn_props(layout: Any) -> list[str]:
    return [c.args[1] for c in calls_named(layout, "prop")]


def test_rig_dialog_shows_the_check_answer_and_the_cost(rt: Any, online: Emulator, clean_scene: Any) -> None:
    ops = addon_module("blender.post_ops")
    fox = make_result(rt)
    select(root_of(fox))
    bpy.ops.tripo.check_riggable()
    finish(rt, "check_riggable")
    layout = draw_dialog(ops.TRIPO_OT_rig)
    texts = label_texts(layout)
    assert "Riggable, detected rig type: quadruped" in texts
    assert "Rig type sent: quadruped" in texts
    assert "Model sent: v2.5 (Auto)" in texts, "rig model v1.0 rigs bipeds only"
    assert "Estimated cost: ≈ 25 credits" in texts
    biped = label_texts(draw_dialog(ops.TRIPO_OT_rig, rig_type="biped"))
    assert "Model sent: v1.0 (Auto)" in biped
    assert "Model sent: v2.5 (Auto)" in label_texts(draw_dialog(ops.TRIPO_OT_rig, rig_type="biped", spec="unity"))
    refused = " ".join(label_texts(draw_dialog(ops.TRIPO_OT_rig, model_version="v1.0-20240301")))
    assert "rigs bipeds with the Tripo, Mixamo or ActorCore skeleton only" in refused
    assert {"rig_type", "spec", "model_version", "out_format", "placement"} <= set(drawn_props(layout))
    assert "rig_anyway" not in drawn_props(layout), "nothing to override after a positive answer"

    online.set_riggable(False)
    rock = make_result(rt, name="Rock", prompt="a rock")
    select(root_of(rock))
    bpy.ops.tripo.check_riggable()
    finish(rt, "check_riggable")
    layout = draw_dialog(ops.TRIPO_OT_rig)
    assert any("cannot be rigged" in t for t in label_texts(layout))
    assert "rig_anyway" in drawn_props(layout)


def test_dialogs_show_their_estimated_cost(rt: Any, online: Emulator, clean_scene: Any) -> None:
    ops = addon_module("blender.post_ops")
    select(root_of(make_result(rt)))

    def cost(op_class: Any, **values: Any) -> str:
        texts = label_texts(draw_dialog(op_class, **values))
        start = next(i for i, t in enumerate(texts) if t.startswith("Estimated cost"))
        return " ".join(texts[start:])  # the cost line is wrapped last in every dialog

    assert cost(ops.TRIPO_OT_texture) == "Estimated cost: ≈ 10 credits"
    assert cost(ops.TRIPO_OT_texture, texture_quality="detailed") == "Estimated cost: ≈ 20 credits"
    assert cost(ops.TRIPO_OT_texture, model_version="v3.5-20260815") == (
        "Estimated cost: price unknown: Tripo publishes no price for model v3.5; the row shows the charge when it "
        "is done"
    ), 'the exact reason, not a bare "price unknown"'
    assert cost(ops.TRIPO_OT_rig) == "Estimated cost: ≈ 25 credits"
    assert cost(ops.TRIPO_OT_convert, format="OBJ") == "Estimated cost: ≈ 5 credits"
    assert cost(ops.TRIPO_OT_convert, format="OBJ", face_limit=5000) == "Estimated cost: ≈ 10 credits"
    assert cost(ops.TRIPO_OT_convert, format="FBX", fbx_preset="mixamo") == "Estimated cost: ≈ 10 credits"
    assert cost(ops.TRIPO_OT_convert, format="OBJ", fbx_preset="mixamo") == "Estimated cost: ≈ 5 credits", (
        "the FBX preset is not sent for other formats"
    )
    assert cost(ops.TRIPO_OT_segment) == "Estimated cost: ≈ 40 credits"
    assert cost(ops.TRIPO_OT_smart_lowpoly) == "Estimated cost: ≈ 30 credits"
    assert cost(ops.TRIPO_OT_complete) == "Estimated cost: ≈ 50 credits"
    assert cost(ops.TRIPO_OT_retarget, presets={"preset:walk", "preset:run"}) == "Estimated cost: ≈ 20 credits"
    retarget = label_texts(draw_dialog(ops.TRIPO_OT_retarget))
    assert "Choose at least one animation" in retarget and not any(t.startswith("Estimated") for t in retarget)
    texture = draw_dialog(ops.TRIPO_OT_texture)
    assert {
        "text_prompt",
        "model_version",
        "texture_quality",
        "delight",
        "texture_alignment",
        "texture_seed",
        "bake",
        "compress",
        "placement",
    } <= set(drawn_props(texture))
    assert [c.args[1] for c in calls_named(texture, "prop_search")] == ["image_name", "style_image_name"]


@pytest.mark.parametrize("rig_type", ["quadruped", "biped"])
def test_retarget_dialog_offers_only_the_rigs_own_presets(
    rt: Any, online: Emulator, clean_scene: Any, rig_type: str
) -> None:
    """A biped is never offered quadruped or serpentine walks (Tripo would animate it wrongly)."""
    ops = addon_module("blender.post_ops")
    select(root_of(make_result(rt)))
    bpy.ops.tripo.check_riggable()
    finish(rt, "check_riggable")
    bpy.ops.tripo.rig(rig_type=rig_type)
    select(root_of(finish(rt, "rig_model")))
    layout = draw_dialog(ops.TRIPO_OT_retarget)
    groups = [t for t in label_texts(layout) if t.startswith(tuple(g.title() for g, _ in ops.PRESET_GROUPS))]
    assert groups == [f"{rig_type.title()} (this rig)"], groups
    shown = [c.args[2] for c in calls_named(layout, "prop_enum")]
    assert sorted(shown) == sorted(a.value for a in dict(ops.PRESET_GROUPS)[rig_type])


def test_retarget_is_greyed_until_an_animation_is_chosen(rt: Any, online: Emulator, clean_scene: Any) -> None:
    ops = addon_module("blender.post_ops")
    select(root_of(make_result(rt, name="Knight")))
    bpy.ops.tripo.check_riggable()
    finish(rt, "check_riggable")
    bpy.ops.tripo.rig()
    select(root_of(finish(rt, "rig_model")))

    def greyed(layout: Any) -> list[str]:
        return [
            c.kwargs["text"]
            for c in layout.mock_calls
            if c[0] == "split().row().operator" and c.args == ("tripo.retarget",)
        ]

    empty = draw_dialog(ops.TRIPO_OT_retarget)
    assert greyed(empty) == ["Retarget (choose an animation)"]
    assert empty.split.return_value.row.return_value.enabled is False
    assert [c for c in empty.mock_calls if c[0] == "split().template_popup_confirm"], "Blender's own OK is left out"
    assert greyed(draw_dialog(ops.TRIPO_OT_retarget, presets={"preset:walk"})) == [], "chosen: Blender's own button"


@pytest.mark.parametrize(
    ("op_name", "option", "reason", "refusal", "version"),
    [
        (
            "TRIPO_OT_texture",
            "delight",
            "Delight and Quality 'Fast' need texture model v3.5",
            "Delight needs texture model v3.5",
            "v3.5-20260815",
        ),
        (
            "TRIPO_OT_segment",
            "split_by_connectivity",
            "Granularity and Split by Connectivity need segmentation model v2.0",
            "Split by Connectivity needs segmentation model v2.0",
            "v2.0-20260430",
        ),
        (
            "TRIPO_OT_smart_lowpoly",
            "smart_uv",
            "Smart UV needs low-poly model v3.0",
            "Smart UV needs low-poly model v3.0",
            "v3.0",
        ),
    ],
)
def test_an_option_of_one_model_version_says_which_version_it_needs(
    rt: Any, online: Emulator, clean_scene: Any, op_name: str, option: str, reason: str, refusal: str, version: str
) -> None:
    """Drawn for every version (greyed for the others), with the reason; refused if set anyway."""
    op_class = getattr(addon_module("blender.post_ops"), op_name)
    select(root_of(make_result(rt)))
    layout = draw_dialog(op_class)
    assert option in drawn_props(layout)
    assert reason in " ".join(label_texts(layout))
    chosen = draw_dialog(op_class, model_version=version)
    assert option in drawn_props(chosen) and reason not in " ".join(label_texts(chosen))
    refused = draw_dialog(op_class, **{option: True})
    texts = label_texts(refused)
    assert any(c.kwargs.get("icon") == "ERROR" for c in calls_named(refused, "label")), texts
    assert refusal in " ".join(texts) and not any(t.startswith("Estimated cost") for t in texts), texts


def test_convert_promises_an_import_only_where_this_blender_has_the_importer(
    rt: Any, online: Emulator, clean_scene: Any
) -> None:
    ops = addon_module("blender.post_ops")
    select(root_of(make_result(rt)))

    def note(fmt: str) -> str:
        return " ".join(label_texts(draw_dialog(ops.TRIPO_OT_convert, format=fmt)))

    assert "saved, not imported (this Blender has no 3MF importer)" in note("3MF")
    assert "FBX with its textures: imported when it is done" in note("FBX")
    has_usd = hasattr(bpy.types, "WM_OT_usd_import") or "usd_import" in dir(bpy.ops.wm)
    usdz = note("USDZ")
    assert ("imported when it is done" in usdz) == has_usd and ("not imported" in usdz) != has_usd, usdz


def test_convert_and_complete_dialogs_offer_the_apiv3_options(rt: Any, online: Emulator, clean_scene: Any) -> None:
    ops = addon_module("blender.post_ops")
    select(root_of(make_result(rt)))
    convert = draw_dialog(ops.TRIPO_OT_convert)
    assert {
        "fbx_preset",
        "export_orientation",
        "scale_factor",
        "export_vertex_colors",
        "animate_in_place",
        "with_animation",
        "face_limit",
    } <= set(drawn_props(convert))
    assert bpy.ops.tripo.convert.get_rna_type().properties["with_animation"].default is True
    assert "Vertex Colors applies to OBJ and GLTF only" in label_texts(convert), "FBX is the default format"
    assert "FBX Preset applies to FBX only" in label_texts(draw_dialog(ops.TRIPO_OT_convert, format="OBJ"))
    formats = [item.identifier for item in bpy.ops.tripo.convert.get_rna_type().properties["format"].enum_items]
    presets = [item.identifier for item in bpy.ops.tripo.convert.get_rna_type().properties["fbx_preset"].enum_items]
    assert "GLB" in formats and "bake_scale" in presets, "offered: Tripo's sources disagree, the service decides"
    assert "completion_mode" in drawn_props(draw_dialog(ops.TRIPO_OT_complete))
    assert "bake_animation" not in bpy.ops.tripo.retarget.get_rna_type().properties.keys()
