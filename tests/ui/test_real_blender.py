"""The built zip in a real Blender with a window: Debian's Blender under Xvfb, trixie's 4.3 or sid's 5.2
(``$TRIPO_UI_DEBIAN``; see conftest.py). The same visit on both.

What only a real Blender shows: timers fire (the PyPI bpy module never runs them), so the add-on's
pump really imports results; the sidebar and the right-click menu really draw, opened by
simulated mouse and keys through Blender's own keymap; and trixie's Blender has no ``requests``,
so there the add-on only works if the wheels bundled in the zip do. Needs root and Debian's package
registry (``python3 build.py test`` creates the Debian root once); skipped otherwise.
"""

from __future__ import annotations

from typing import Any

from tests.emulator import TEST_KEY, Emulator

from .conftest import (
    ASSET_THUMBNAIL,
    CROPS,
    CROWD_JOBS,
    CROWD_PARALLEL,
    JOBS_FAILING,
    JOBS_WANTED,
    RELEASE,
    SCREEN,
    SCREENSHOTS,
    SYSTEM_REQUESTS,
    Visit,
)

# Fewer colours than this is a blank or nearly blank screen; Blender's UI alone has hundreds.
MIN_SCREEN_COLOURS = 64
# A bone matrix entry that changes by less than this between two frames counts as "not moving".
MIN_MOTION = 1e-3


def steps_of(visit: Visit) -> str:
    """The script's progress log, for assertion messages."""
    return "\n".join(f"  {seconds:6.2f} s  {name}" for seconds, name in visit.result.get("steps", []))


def tasks_of_type(emulator: Emulator, task_type: str) -> list[str]:
    """Ids of the tasks of one type the emulator created, in creation order."""
    return [task_id for task_id, task in emulator.tasks.items() if task["type"] == task_type]


#: The apiv3 route of each task type the visit creates.
ROUTES = {
    "text_to_model": "/v3/generation/text-to-model",
    "animate_prerigcheck": "/v3/animations/rig-check",
    "animate_rig": "/v3/animations/rig",
    "animate_retarget": "/v3/animations/retarget",
    "texture_model": "/v3/models/texture",
    "text_to_image": "/v3/generation/text-to-image",
    "generate_multiview_image": "/v3/generation/image-to-multiview",
    "edit_multiview_image": "/v3/generation/edit-multiview",
}
#: Creation requests the visit makes, per task type: texture twice (the generated model, then a
#: plain Blender mesh), everything else once (the four views and their edit included).
SENT = {**{task_type: 1 for task_type in ROUTES}, "texture_model": 2}


def posts_of_type(emulator: Emulator, task_type: str) -> list[dict[str, Any]]:
    """Bodies of the creation requests of one task type (apiv3: one route per type)."""
    return [r.json for r in emulator.requests_to("POST", ROUTES[task_type]) if r.json]


def preset_of(action: str) -> str:
    """The preset an action was retargeted from: actions are named "<character> – walk"."""
    return action.rsplit(" – ", 1)[-1]


def test_blender_ran_the_whole_visit(visit: Visit) -> None:
    assert visit.result, f"no result file; Blender exited with {visit.returncode}:\n{visit.log[-3000:]}"
    assert visit.result["errors"] == [], "\n".join(visit.result["errors"]) + "\n" + steps_of(visit)
    assert visit.returncode == 0, visit.log[-3000:]


def test_zip_installs_and_enables_with_its_bundled_wheels(visit: Visit) -> None:
    result = visit.result
    assert result.get("install") == ["FINISHED"], "\n".join(result.get("errors", []))
    assert result["addon_enabled"]
    assert "/extensions/user_default/tripo_blender/" in result["addon_file"]
    # Blender installs an extension's wheels into the shared extensions/.local site-packages.
    assert result["bundled_requests"], "the zip's requests wheel was not installed"
    assert result["online_access"] is True
    if SYSTEM_REQUESTS:
        # sid: Blender's own startup has imported Debian's requests already; the add-on shares it
        assert result.get("system_requests") is True
    else:
        # trixie: no requests but the zip's, so the add-on works only if the bundled wheels do
        assert result.get("system_requests") is False, "Debian's Blender has requests: this proves nothing"
        assert "/extensions/.local/" in result["requests_file"]


def test_window_runs_the_blender_its_row_names(visit: Visit) -> None:
    """The step is called ui-<series> (build/ui/<series>/): when Debian moves the release to another
    Blender, this says so, and ``tools.debian_root`` gets the new series."""
    version = visit.result.get("blender_version", "")
    assert version.split(".")[:2] == RELEASE.blender.split("."), (
        f"Debian {RELEASE.suite} now ships Blender {version}, not {RELEASE.blender}: update tools/debian_root.py"
    )


def test_timers_fire(visit: Visit) -> None:
    """The driver itself is a bpy.app.timers callback; several ticks mean the event loop ran them."""
    assert visit.result.get("timer_ticks", 0) >= 3, steps_of(visit)


def test_sidebar_opens_on_the_tripo_tab(visit: Visit) -> None:
    assert visit.result.get("panels"), "the add-on registered no panel with bl_category 'Tripo'"
    assert visit.result["active_category"] == "Tripo"


def test_generate_is_imported_by_the_timer_driven_pump(visit: Visit, ui_emulator: Emulator) -> None:
    assert visit.result.get("has_generate"), "the installed add-on has no tripo.generate operator"
    assert "CANCELLED" not in visit.result["generate"], steps_of(visit)
    assert len(posts_of_type(ui_emulator, "text_to_model")) == 1
    created = tasks_of_type(ui_emulator, "text_to_model")
    imported = visit.result.get("imported", {})
    assert imported, steps_of(visit) + "\n" + "\n".join(visit.result.get("jobs", []))
    assert set(imported.values()) == set(created)
    downloads = ui_emulator.cdn_requests
    assert downloads, "the model was imported without being downloaded from the CDN"
    assert not [r.path for r in downloads if "authorization" in r.headers]


def test_screenshots_show_a_drawn_screen(visit: Visit) -> None:
    for name in SCREENSHOTS.values():
        assert (visit.out_dir / name).is_file(), f"{name} missing\n" + steps_of(visit)
        stats = visit.screenshot_stats[name]
        assert (stats["width"], stats["height"]) == SCREEN
        assert stats["colours"] >= MIN_SCREEN_COLOURS, f"{name} looks blank: {stats}"


def test_region_screenshots_show_their_region(visit: Visit) -> None:
    """sidebar.png (default width), outliner.png (after a generation and a texture), jobs.png (30 jobs):
    each the size of its region as Blender reported it, and not blank."""
    for key, name in CROPS.items():
        assert (visit.out_dir / name).is_file(), f"{name} missing\n" + steps_of(visit)
        stats = visit.screenshot_stats[name]
        _, _, width, height = visit.result["crops"][key]
        assert (stats["width"], stats["height"]) == (width, height)
        assert stats["colours"] >= MIN_SCREEN_COLOURS, f"{name} looks blank: {stats}"


def menu_items(visit: Visit) -> dict[str, dict[str, Any]]:
    """The Tripo submenu's items as it drew them, by operator idname."""
    menu = visit.result.get("context_menu")
    assert menu, "the context menu step did not finish\n" + steps_of(visit)
    return {item["operator"]: item for item in menu["items"]}


def test_right_click_opens_the_tripo_submenu_for_the_model(visit: Visit) -> None:
    """A simulated right-click over the 3D view opens the object context menu through Blender's
    keymap, and the keyboard opens its last item, the Tripo submenu (screenshot context_menu.png)."""
    menu = visit.result.get("context_menu")
    assert menu, steps_of(visit)
    assert menu["object_context_draws"] >= 1, "the right-click opened no object context menu"
    assert menu["tripo_draws"] >= 1, "the Tripo submenu never drew"
    assert menu["object"] == menu["selected"], "the submenu drew for another object than the selected root"
    assert [item["text"].rstrip("…") for item in menu["items"]][:3] == ["Texture", "Rig", "Retarget Animations"]


def test_tripo_submenu_greys_out_what_the_model_cannot_do_and_says_why(visit: Visit) -> None:
    items = menu_items(visit)
    enabled = sorted(idname for idname, item in items.items() if item["enabled"])
    assert enabled == sorted(
        [
            "tripo.texture",
            "tripo.rig",
            "tripo.convert",
            "tripo.segment",
            "tripo.smart_segment",
            "tripo.smart_lowpoly",
            "tripo.smart_uv",
        ]
    )
    # Tripo retired refine and stylize with v2: the menu no longer offers them
    assert "tripo.refine" not in items and "tripo.stylize" not in items
    # a freshly generated model is not rigged: Retarget is drawn greyed out, and says why
    assert "not rigged" in items["tripo.retarget"]["reason"]
    assert "Rig" in items["tripo.retarget"]["reason"]
    # parts need a segmentation first
    assert "Segment" in items["tripo.complete"]["reason"]
    assert all(item["reason"] is None for item in items.values() if item["enabled"])


def test_rig_after_the_free_check_lands_one_armature(visit: Visit, ui_emulator: Emulator) -> None:
    result = visit.result
    assert result.get("rigged"), steps_of(visit) + "\n" + "\n".join(result.get("jobs", []))
    assert result["rig_check"]["riggable"] is True
    assert result["rig"] == ["FINISHED"], "the rig was refused although the check said it can be rigged"
    [check] = posts_of_type(ui_emulator, "animate_prerigcheck")
    [rig] = posts_of_type(ui_emulator, "animate_rig")
    [generated] = tasks_of_type(ui_emulator, "text_to_model")
    assert check["input"] == rig["input"] == generated
    # the detected rig type is sent (biped is the server's default, so it goes unsaid)
    assert rig.get("rig_type", "biped") == result["rig_check"]["rig_type"], "the detected rig type was not sent"
    assert result["rigged"]["task_id"] == tasks_of_type(ui_emulator, "animate_rig")[0]
    assert result["rigged"]["meshes"], "no mesh is parented to the armature"
    # the rig takes the generated model's place; the model is hidden, not deleted
    assert set(result["rigged"]["hidden_source"]) == set(result["imported"])


def test_retarget_adds_walk_and_run_to_the_same_armature(visit: Visit, ui_emulator: Emulator) -> None:
    result = visit.result
    animated = result.get("animated")
    assert animated, steps_of(visit) + "\n" + "\n".join(result.get("jobs", []))
    assert result["retarget"] == ["FINISHED"]
    [retarget] = posts_of_type(ui_emulator, "animate_retarget")
    assert retarget["input"] == tasks_of_type(ui_emulator, "animate_rig")[0]
    requested = retarget.get("animations") or [retarget.get("animation")]
    assert sorted(requested) == ["preset:run", "preset:walk"]
    [task_id] = tasks_of_type(ui_emulator, "animate_retarget")
    output = ui_emulator.tasks[task_id]["output"]
    assert len(output["model_urls"]) == 2 and "model_url" not in output, "answered with one file per animation"
    assert animated["armatures"] == [result["rigged"]["armature"]], "the retarget left a second character"
    assert sorted(map(preset_of, animated["track_actions"])) == ["run", "walk"]
    assert preset_of(animated["active_action"]) == "walk"
    for name, motion in animated["motion"].items():
        assert motion["keyed_bones"] > 0, f"{name} keys no bone"
        assert motion["moved"] > MIN_MOTION, f"{name} does not move any bone between frames {motion['frames']}"


def test_each_job_is_sent_once(visit: Visit, ui_emulator: Emulator) -> None:
    """One POST per job: nothing is resent while the pump lands the results."""
    creating = [
        r.path for r in ui_emulator.requests_to("POST", "/v3/") if r.path not in ("/v3/tasks/list", "/v3/files")
    ]
    expected = [route for task_type, route in ROUTES.items() for _ in range(SENT[task_type])]
    assert sorted(creating) == sorted(expected), steps_of(visit)


def test_blender_output_has_no_traceback_and_no_key(visit: Visit) -> None:
    assert "Traceback" not in visit.log, visit.log[-3000:]
    assert TEST_KEY not in visit.log


def test_texture_lands_in_the_models_place(visit: Visit, ui_emulator: Emulator) -> None:
    result = visit.result
    textured = result.get("textured")
    assert textured, steps_of(visit) + "\n" + "\n".join(result.get("jobs", []))
    assert result["texture"] == ["FINISHED"]
    texture = posts_of_type(ui_emulator, "texture_model")[0]
    assert texture["input"] == tasks_of_type(ui_emulator, "text_to_model")[0]
    assert textured["task_id"] == tasks_of_type(ui_emulator, "texture_model")[0]
    assert len(textured["roots"]) == 1 and textured["source_hidden"]


def test_jobs_panel_fills_to_thirty_jobs(visit: Visit, jobs_emulator: Emulator) -> None:
    panel = visit.result.get("jobs_panel")
    assert panel, steps_of(visit) + "\n" + "\n".join(visit.result.get("jobs", []))
    assert panel["jobs"] == JOBS_WANTED
    assert len(jobs_emulator.requests_to("POST", ROUTES["text_to_model"])) == panel["started"]
    assert panel["states"].get("failed") == JOBS_FAILING
    assert panel["states"].get("done") == JOBS_WANTED - JOBS_FAILING


def test_a_crowd_says_where_each_waiting_job_stands(visit: Visit, crowd_emulator: Emulator) -> None:
    """Parallel Jobs 3, six jobs sent at once (crowd.png): three run on Tripo, three wait in line,
    each saying its place in the order they will be sent, under its own icon, with no bar; the
    summary above the rows counts them. Only the three running were sent."""
    crowd = visit.result.get("crowd")
    assert crowd, steps_of(visit) + "\n" + "\n".join(visit.result.get("jobs", []))
    waiting = CROWD_JOBS - CROWD_PARALLEL
    assert crowd["states"] == ["running"] * CROWD_PARALLEL + ["pending"] * waiting
    assert crowd["rows"][CROWD_PARALLEL:] == [
        f"Waiting for a free slot ({place} of {waiting} · Parallel Jobs {CROWD_PARALLEL})"
        for place in ("1st", "2nd", "3rd")[:waiting]
    ]
    assert set(crowd["icons"][CROWD_PARALLEL:]) == {"PAUSE"}
    assert crowd["summary"] == f"{CROWD_PARALLEL} running · {waiting} waiting · {JOBS_FAILING} failed"
    assert len(crowd_emulator.requests_to("POST", ROUTES["text_to_model"])) == CROWD_PARALLEL


def test_a_plain_blender_mesh_is_right_clicked_and_textured_through_the_timers(
    visit: Visit, ui_emulator: Emulator
) -> None:
    """A monkey made in Blender (no Tripo tag): its Tripo submenu offers Texture (plain_context_menu.png),
    the mesh is uploaded once as a GLB and textured from its file token, and the result lands in
    the monkey's place, the monkey hidden (plain_mesh.png)."""
    items = {item["operator"]: item for item in (visit.result.get("plain_context_menu") or {}).get("items", [])}
    assert items.get("tripo.texture", {}).get("enabled"), steps_of(visit)
    textured = visit.result.get("plain_textured")
    assert textured, steps_of(visit) + "\n" + "\n".join(visit.result.get("jobs", []))
    assert visit.result["plain_texture"] == ["FINISHED"]
    # the mesh is the visit's one GLB upload (Multiview mode uploads the concept image as well)
    [upload] = [r for r in ui_emulator.requests_to("POST", "/v3/files") if r.files["file"].data[:4] == b"glTF"]
    token = posts_of_type(ui_emulator, "texture_model")[1]["input"]
    assert str(token).startswith("file_") and upload.files["file"]
    assert textured["task_id"] == tasks_of_type(ui_emulator, "texture_model")[1]
    assert len(textured["roots"]) == 1 and textured["source_hidden"] and textured["same_place"]


def test_image_first_shows_the_concept_image_in_the_panel(visit: Visit, ui_emulator: Emulator) -> None:
    """Image First makes one concept image (a Blender image the panel shows: concept.png)."""
    concept = visit.result.get("concept_image")
    assert concept, steps_of(visit)
    assert visit.result["concept"] == ["FINISHED"]
    assert concept["task_id"] == tasks_of_type(ui_emulator, "text_to_image")[0]
    assert len(concept["images"]) == 1


def test_edit_views_lands_the_edited_view_in_place(visit: Visit, ui_emulator: Emulator) -> None:
    """Multiview mode's Edit Views… (views_edit.png) edits the front view of the four views: the
    request names the views' task, and the front's own image shows the edit."""
    edited = visit.result.get("views_edit")
    assert edited and "task_id" in edited, steps_of(visit)
    assert edited["views"] == ["FINISHED"] and edited["edit"] == ["FINISHED"]
    assert edited["task_id"] == tasks_of_type(ui_emulator, "edit_multiview_image")[0]
    (request,) = [r.json for r in ui_emulator.requests_to("POST", "/v3/generation/edit-multiview")]
    assert request == {"input": edited["views_task"], "prompts": [{"view": "front", "prompt": "a red scarf"}]}
    assert edited["edited"] == ["front", "left", "back", "right"], "the emulator's default: every view comes back"
    assert edited["in_place"] and edited["new_images"] == 0, edited
    assert edited["changed"] and edited["front_task"] == edited["task_id"], edited
    assert edited["note"].startswith("Edited front: updated"), edited


#: The visit's results kept as assets before the Asset Browser opens: the generation, its rig, the
#: retarget, its texture and the plain mesh's texture (the concept image is an image, no asset);
#: the generation and the two textures come with the server's picture (the emulator sends none for
#: a rig or a retarget).
KEPT_BEFORE_BROWSER = 5
WITH_SERVER_PICTURE = 3
#: Of a thumbnail, at least this share shows the server's picture once its preview is drawn.
MIN_THUMBNAIL_COVER = 0.8
#: Shades of that picture seen there: a gradient, scaled, gives many; a flat highlight a handful.
MIN_PREVIEW_SHADES = 40


def test_the_asset_browser_shows_the_tripo_library_with_previews(visit: Visit) -> None:
    """Preferences' button adds the "Tripo" library; an Asset Browser on it shows the results the
    visit landed, those Tripo sent a picture for with it as their preview (asset_browser.png, read
    by its pixels here and by OCR in test_text_fits.py): not Blender's blank file icons."""
    library = visit.result.get("asset_library")
    assert library, steps_of(visit)
    assert visit.result["asset_library_add"] == ["FINISHED"]
    assert library["entry"] == "Tripo" and library["shown"] == "Tripo", library
    assert len(library["blends"]) >= KEPT_BEFORE_BROWSER, library["blends"]
    assert sum(kind == "server" for kind in library["previews"].values()) >= WITH_SERVER_PICTURE, library
    _, _, width, height = library["files_box"]
    wanted = WITH_SERVER_PICTURE * MIN_THUMBNAIL_COVER * ASSET_THUMBNAIL**2 / (width * height)
    previews = visit.previews
    assert previews.get("share", 0) >= wanted, f"thumbnails without the server's picture: {previews}, {library}"
    assert previews["shades"] >= MIN_PREVIEW_SHADES, f"a flat colour, not a picture: {previews}"
