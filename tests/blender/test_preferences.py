"""Preferences: defaults, where each setting comes from, Check Key, and the download cache."""

from __future__ import annotations

import json
import logging
import shutil
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import addon_utils
import bpy
import pytest

from tests.emulator import TEST_KEY, Emulator

from .runtime_support import (
    addon_module,
    calls_named,
    label_texts,
    layout_spy,
    operator_ids,
    pump_job,
    pump_until,
    set_online_access,
    spec,
)
from .support import DEV_MODULE, enable_addon, reraise


@pytest.fixture
def preferences(addon: Any) -> Any:
    return addon_module("blender.preferences")


@pytest.fixture
def settings(addon: Any) -> Any:
    """Reading the preferences into a snapshot (``blender/settings.py``)."""
    return addon_module("blender.settings")


@pytest.fixture
def rules(addon: Any) -> Any:
    """The settings as plain values (``rules/settings.py``)."""
    return addon_module("rules.settings")


@pytest.fixture
def account(addon: Any) -> Any:
    return addon_module("rules.account")


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.delenv("TRIPO_API_KEY", raising=False)
    monkeypatch.delenv("TRIPO_API_BASE_URL", raising=False)
    return monkeypatch


def test_defaults(prefs: Any, clean_env: Any, settings: Any, rules: Any) -> None:
    assert (prefs.api_key, prefs.api_base_url, prefs.region) == ("", "", "GLOBAL")
    assert prefs.parallel_jobs == 3
    parallel = prefs.bl_rna.properties["parallel_jobs"]
    assert (parallel.hard_min, parallel.hard_max) == (1, 10)
    assert prefs.cache_dir == "" and prefs.bl_rna.properties["cache_dir"].subtype == "DIR_PATH"
    assert (prefs.gltf_shading, prefs.merge_vertices) == ("NORMALS", False)
    assert (prefs.fbx_ignore_leaf_bones, prefs.fbx_automatic_bone_orientation) == (False, False)
    snap = settings.snapshot()
    assert snap.connection == rules.Connection(None, None, "global")
    assert snap.import_options == addon_module("blender.importer").ImportOptions()


def test_environment_fills_empty_preferences_and_preferences_win(
    prefs: Any, clean_env: Any, settings: Any, rules: Any
) -> None:
    clean_env.setenv("TRIPO_API_KEY", "tsk_from_env")
    clean_env.setenv("TRIPO_API_BASE_URL", "http://127.0.0.1:9")
    assert settings.snapshot().connection == rules.Connection("tsk_from_env", "http://127.0.0.1:9")
    prefs.api_key = "tsk_from_prefs"
    prefs.api_base_url = "http://localhost:8"
    assert settings.snapshot().connection == rules.Connection("tsk_from_prefs", "http://localhost:8")


@pytest.mark.parametrize(
    ("region", "base_url", "expected"),
    [
        ("GLOBAL", "", "https://openapi.tripo3d.ai"),
        ("CHINA", "", "https://openapi.tripo3d.com"),
        ("CHINA", "http://127.0.0.1:5000/", "http://127.0.0.1:5000"),
    ],
)
def test_region_and_base_url_resolution(
    prefs: Any, account: Any, clean_env: Any, region: str, base_url: str, expected: str, settings: Any
) -> None:
    prefs.api_key = TEST_KEY
    prefs.region = region
    prefs.api_base_url = base_url
    assert account.check_connection(settings.snapshot().connection) == expected


def test_plain_http_to_a_remote_host_is_refused_before_sending(
    prefs: Any, account: Any, clean_env: Any, settings: Any
) -> None:
    prefs.api_key = TEST_KEY
    prefs.api_base_url = "http://api.example.com"
    with pytest.raises(account.UserError, match="https"):
        account.check_connection(settings.snapshot().connection)


def test_import_options_reach_the_snapshot(prefs: Any, settings: Any) -> None:
    prefs.gltf_shading = "SMOOTH"
    prefs.merge_vertices = True
    prefs.fbx_ignore_leaf_bones = True
    prefs.fbx_automatic_bone_orientation = True
    options = settings.snapshot().import_options
    assert (options.gltf_shading, options.merge_vertices) == ("SMOOTH", True)
    assert options.fbx_ignore_leaf_bones and options.fbx_automatic_bone_orientation


@pytest.mark.parametrize("code", [2, 1002])
def test_wrong_key_hint_names_the_other_region(account: Any, code: int, rules: Any) -> None:
    """apiv3 refuses a key with HTTP 401 and code 2 (older deployments: 1002)."""
    hint = account.code_hint(code, rules.Connection(TEST_KEY, None, "global"))
    assert "Region to China" in hint and "openapi.tripo3d.ai" in hint
    assert "Region to Global" in account.code_hint(code, rules.Connection(TEST_KEY, None, "china"))
    assert TEST_KEY not in hint


def test_region_items_name_the_apiv3_hosts(prefs: Any) -> None:
    items = {item.identifier: item.description for item in prefs.bl_rna.properties["region"].enum_items}
    assert items["GLOBAL"].startswith("openapi.tripo3d.ai") and items["CHINA"].startswith("openapi.tripo3d.com")


# ---------------------------------------------------------------------------- a URL saved before apiv3
def _reload_addon() -> None:
    """What Blender does at start-up with an enabled add-on: register it with its saved preferences
    (``default_set=False`` keeps them, as quitting Blender does)."""
    addon_utils.disable(DEV_MODULE, default_set=False, handle_error=reraise)
    enable_addon(DEV_MODULE)


def test_a_v2_base_url_saved_before_apiv3_is_migrated_once_when_the_addon_loads(
    rt: Any, emulator: Emulator, prefs: Any, clean_env: Any, caplog: pytest.LogCaptureFixture
) -> None:
    prefs.api_key = TEST_KEY
    prefs.api_base_url = f"{emulator.base_url}/v2/openapi"  # what the add-on's v2 version had the user enter
    with caplog.at_level(logging.INFO):
        _reload_addon()
    saved = bpy.context.preferences.addons[DEV_MODULE].preferences
    assert saved.api_base_url == emulator.base_url, "written back as the apiv3 host root"
    lines = [r.getMessage() for r in caplog.records if "/v2/openapi" in r.getMessage()]
    assert len(lines) == 1 and emulator.base_url in lines[0], lines

    caplog.clear()
    with caplog.at_level(logging.INFO):
        _reload_addon()  # the next start has nothing left to migrate
        set_online_access(True)
        bpy.ops.tripo.check_key()
        info = rt.wait_for_balance(10.0)
    assert info.error is None and info.balance == emulator.balance_of(TEST_KEY)[0], "the add-on reaches the server"
    assert not [r for r in caplog.records if "/v2/openapi" in r.getMessage()], "logged once, not at every request"
    assert emulator.requests_to("GET", "/v3/account/balance")


def test_an_old_tripo_host_is_migrated_and_an_apiv3_url_is_left_alone(prefs: Any, preferences: Any) -> None:
    prefs.api_base_url = "https://api.tripo3d.com/v2/openapi"
    assert preferences.migrate_saved_base_url(prefs) == "https://openapi.tripo3d.com"
    assert prefs.api_base_url == "https://openapi.tripo3d.com"
    assert preferences.migrate_saved_base_url(prefs) is None
    prefs.api_base_url = ""
    assert preferences.migrate_saved_base_url(prefs) is None and prefs.api_base_url == ""


def test_a_v2_environment_url_goes_through_the_clients_migration(
    rt: Any, emulator: Emulator, prefs: Any, clean_env: Any
) -> None:
    clean_env.setenv("TRIPO_API_KEY", TEST_KEY)
    clean_env.setenv("TRIPO_API_BASE_URL", f"{emulator.base_url}/v2/openapi")
    set_online_access(True)
    bpy.ops.tripo.check_key()
    info = rt.wait_for_balance(10.0)
    assert info.error is None, info.error
    assert prefs.api_base_url == "", "the environment is not the preferences: nothing is written"


# ---------------------------------------------------------------------------- Check Key
def test_check_key_shows_the_balance(rt: Any, online: Emulator) -> None:
    assert bpy.ops.tripo.check_key() == {"FINISHED"}
    assert rt.balance().checking
    info = rt.wait_for_balance(10.0)
    assert (info.balance, info.frozen, info.error) == (10_000.0, 0.0, None)
    text, icon = addon_module("blender.preferences_ui").balance_text(info)
    assert "10000 credits" in text and icon == "CHECKMARK"
    assert len(online.requests_to("GET", "/v3/account/balance")) == 1


def test_a_refresh_of_a_known_balance_keeps_its_line_instead_of_flickering(rt: Any, online: Emulator) -> None:
    """After every landing the balance is asked again; the line must not blink "Checking the key…"."""
    balance_text = addon_module("blender.preferences_ui").balance_text
    assert balance_text(rt.balance())[0] == "Key not checked yet"
    rt.refresh_balance()
    assert rt.balance().checking and balance_text(rt.balance())[0] == "Checking the key with Tripo", (
        "the first check says so"
    )
    rt.wait_for_balance(10.0)
    rt.refresh_balance()
    assert rt.balance().checking
    text, icon = balance_text(rt.balance())
    assert text.startswith("Key OK: 10000 credits") and icon == "CHECKMARK", text
    rt.wait_for_balance(10.0)


def test_check_key_shows_a_decimal_balance_as_it_is(rt: Any, online: Emulator, prefs: Any) -> None:
    online.add_key("tsk_decimal_balance_key_00000000", balance=47725.25)
    online.variants.decimal_credits = True  # "47725.25" on the wire, as the JS SDK documents
    prefs.api_key = "tsk_decimal_balance_key_00000000"
    bpy.ops.tripo.check_key()
    info = rt.wait_for_balance(10.0)
    text, _icon = addon_module("blender.preferences_ui").balance_text(info)
    assert "Key OK: 47725.25 credits" in text, "neither truncated nor rounded to 47725.2"


def test_check_key_with_a_wrong_key_says_so(rt: Any, online: Emulator, prefs: Any) -> None:
    prefs.api_key = "tsk_not_known_to_the_server"
    bpy.ops.tripo.check_key()
    info = rt.wait_for_balance(10.0)
    assert info.balance is None
    assert info.error.startswith("Tripo refused the API key"), info.error  # words, not "Authentication failed"
    assert "error 2" not in info.error and "Authentication failed" not in info.error, "HTTP 401: apiv3's code 2"
    assert "tsk_not_known" not in info.error


def test_check_key_without_online_access_sends_nothing(rt: Any, online: Emulator) -> None:
    set_online_access(False)
    with pytest.raises(RuntimeError, match="Allow Online Access"):  # the operator's ERROR report
        bpy.ops.tripo.check_key()
    assert "Allow Online Access" in rt.balance().error
    assert online.requests == []


@pytest.mark.parametrize(("key", "expected"), [("", "No Tripo API key"), ("tsk_", "incomplete")])
def test_check_key_with_a_missing_or_malformed_key_sends_nothing(
    rt: Any, online: Emulator, prefs: Any, key: str, expected: str
) -> None:
    prefs.api_key = key
    with pytest.raises(RuntimeError, match=expected):
        bpy.ops.tripo.check_key()
    assert online.requests == []


def test_no_network_is_told_apart_from_a_bad_key(rt: Any, online: Emulator, prefs: Any) -> None:
    online.stop()
    bpy.ops.tripo.check_key()
    info = rt.wait_for_balance(30.0)
    assert info.error.startswith("No connection to 127.0.0.1") and "network" in info.error


def test_preferences_draw_every_section_without_the_key(rt: Any, online: Emulator, prefs: Any) -> None:
    bpy.ops.tripo.check_key()
    rt.wait_for_balance(10.0)
    layout = layout_spy()
    type(prefs).draw(
        SimpleNamespace(layout=layout, api_key=prefs.api_key, show_advanced=True, api_base_url=""), bpy.context
    )
    props = [c.args[1] for c in calls_named(layout, "prop")]
    for name in (
        "api_key",
        "region",
        "parallel_jobs",
        "cache_dir",
        "gltf_shading",
        "merge_vertices",
        "fbx_ignore_leaf_bones",
        "fbx_automatic_bone_orientation",
        "api_base_url",
    ):
        assert name in props, name
    assert {"tripo.check_key", "tripo.cache_open", "tripo.cache_clear"} <= set(operator_ids(layout))
    texts = label_texts(layout)
    assert "10000 credits" in " ".join(texts), texts
    assert str(rt.cache_dir()) in "".join(texts), "the folder, wrapped where it is too long for a line"
    assert not any(TEST_KEY in t for t in texts) and TEST_KEY not in "".join(texts)


# ---------------------------------------------------------------------------- download cache
def test_cache_folder_preference_is_used_for_downloads(rt: Any, online: Emulator, prefs: Any, tmp_path: Path) -> None:
    prefs.cache_dir = str(tmp_path / "my downloads")
    job = rt.submit(spec())
    done = pump_job(rt, job.id, "done")
    assert rt.cache_dir() == tmp_path / "my downloads"
    assert all(Path(p).parent == tmp_path / "my downloads" / done.task_id for p in done.files.values())
    assert rt.cache_size() == sum(Path(p).stat().st_size for p in done.files.values())


def test_clear_keeps_folders_of_jobs_in_progress(rt: Any, online: Emulator) -> None:
    online.set_timing(run_seconds=600.0)
    finished_dir = rt.cache_dir() / "finished-task"
    finished_dir.mkdir(parents=True)
    (finished_dir / "model.glb").write_bytes(b"x" * 100)
    job = rt.submit(spec())
    pump_until(rt, lambda: rt.job(job.id).task_id is not None, what="task id")
    active_dir = rt.cache_dir() / rt.job(job.id).task_id
    active_dir.mkdir()
    (active_dir / "partial.glb").write_bytes(b"y" * 10)

    assert bpy.ops.tripo.cache_clear() == {"FINISHED"}
    assert not finished_dir.exists()
    assert active_dir.is_dir()
    assert rt.cache_size() == 10


def test_clear_before_resume_keeps_last_session_jobs(rt: Any) -> None:
    """With online access off the journal is not resumed, but clearing still respects it."""
    jobs = addon_module("jobs")
    now = time.time()
    waiting = jobs.Job(
        id="lastsession1",
        spec=spec(),
        state=jobs.JobState.IMPORTING,
        created_at=now,
        updated_at=now,
        task_id="task-last-session",
        revision=5,
    )
    journal = rt.storage_root / "journal"
    journal.mkdir(parents=True, exist_ok=True)
    (journal / "lastsession1.json").write_text(json.dumps({"format": 1, "job": waiting.to_dict()}))
    kept = rt.cache_dir() / "task-last-session"
    kept.mkdir(parents=True)
    gone = rt.cache_dir() / "task-old"
    gone.mkdir()

    rt.clear_cache()
    assert kept.is_dir() and not gone.exists()


def _image_job(rt: Any, name: str, generated_type: str) -> Any:
    """An image-to-model job from a generated Blender image (written to the inputs folder)."""
    image = bpy.data.images.new(name, 32, 32)
    image.generated_type = generated_type
    assert bpy.ops.tripo.generate(mode="IMAGE", image_name=name) == {"FINISHED"}
    return next(j for j in rt.jobs() if j.name == name)


def _size(path: Path) -> int:
    return path.stat().st_size


def test_clear_also_removes_input_images_no_job_needs_and_counts_them(
    rt: Any, online: Emulator, clean_scene: Any, prefs: Any
) -> None:
    done = pump_job(rt, _image_job(rt, "Grid", "COLOR_GRID").id, "done")
    online.set_timing(run_seconds=600.0)
    running = pump_job(rt, _image_job(rt, "Blank", "BLANK").id, "running")
    used, needed = Path(done.spec.params["image"]), Path(running.spec.params["image"])
    assert used.parent == needed.parent == rt.inputs_dir() == rt.storage_root / "inputs"
    assert used != needed and used.is_file() and needed.is_file(), "kept after upload: a Retry may send it again"
    stray = rt.inputs_dir() / "0123456789abcdef01234567.png.part"  # a write cut short by a crash
    stray.write_bytes(b"s" * 7)
    downloads = sum(_size(Path(p)) for p in done.files.values())

    expected_inputs = _size(used) + _size(needed) + 7
    assert rt.inputs_size() == expected_inputs
    assert rt.cache_size() == downloads + expected_inputs, "the size shown includes the input images"
    layout = layout_spy()
    addon_module("blender.preferences_ui").draw_cache(layout, prefs)
    human = addon_module("blender.preferences_ui").human_size
    assert f"(including {human(expected_inputs)} of Blender images written for upload)" in " ".join(label_texts(layout))

    freed = downloads + _size(used) + 7
    assert rt.clear_cache() == freed
    assert not used.exists() and not stray.exists(), "nothing needs them any more"
    assert needed.is_file(), "the running job's input stays"
    assert rt.cache_size() == rt.inputs_size() == _size(needed)
    assert bpy.ops.tripo.cache_clear() == {"FINISHED"}
    assert needed.is_file(), "everything left is in use"


def test_clear_keeps_inputs_of_jobs_that_may_send_them_again(rt: Any) -> None:
    """Pending (last session, not resumed), failed-before-sending (Retry resends) and uncertain
    jobs keep their input images; finished jobs do not."""
    jobs = addon_module("jobs")
    inputs = rt.inputs_dir()
    now = time.time()
    journal = rt.storage_root / "journal"
    journal.mkdir(parents=True, exist_ok=True)
    expected_kept = []
    for number, (state, keep) in enumerate([("pending", True), ("failed", True), ("uncertain", True), ("done", False)]):
        image = inputs / f"{number:024d}.png"
        image.write_bytes(b"i" * (number + 1))
        job = jobs.Job(
            id=f"session{number}",
            spec=jobs.JobSpec("image_to_model", {"image": str(image)}),
            state=jobs.JobState(state),
            created_at=now,
            updated_at=now,
            revision=1,
        )
        (journal / f"{job.id}.json").write_text(json.dumps({"format": 1, "job": job.to_dict()}))
        if keep:
            expected_kept.append(image.name)

    assert rt.clear_cache() == 4, "only the finished job's image (4 bytes) goes"
    assert sorted(p.name for p in inputs.iterdir()) == expected_kept


def test_open_cache_folder(rt: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[Path] = []
    monkeypatch.setattr(addon_module("blender.job_list"), "open_folder", opened.append)
    assert bpy.ops.tripo.cache_open() == {"FINISHED"}
    assert opened == [rt.cache_dir()] and opened[0].is_dir()


def _path_with(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Let ``folder`` be the only place programs are found (a desktop with or without a file manager)."""
    folder.mkdir(exist_ok=True)
    monkeypatch.setenv("PATH", str(folder))


def test_open_folder_without_a_file_manager_says_so(rt: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _path_with(monkeypatch, tmp_path / "bin")
    with pytest.raises(RuntimeError) as caught:
        bpy.ops.tripo.cache_open()
    message = str(caught.value)
    assert "No file manager" in message and "xdg-open" in message and str(rt.cache_dir()) in message, message
    assert "Traceback" not in message


def test_open_folder_starts_the_file_manager(rt: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    bin_dir, seen, mv = tmp_path / "bin", tmp_path / "seen.txt", shutil.which("mv")
    _path_with(monkeypatch, bin_dir)
    script = bin_dir / "xdg-open"  # writes the folder it was asked to show, atomically (mv)
    script.write_text(f"#!/bin/sh\nprintf '%s' \"$1\" > {seen}.part && {mv} {seen}.part {seen}\n")
    script.chmod(0o755)
    assert bpy.ops.tripo.cache_open() == {"FINISHED"}
    deadline = time.monotonic() + 10.0  # the opener is a separate process: wait for its output file
    while not seen.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert seen.read_text() == str(rt.cache_dir())


@pytest.mark.parametrize("base_url", ["", "http://127.0.0.1:9"])
def test_region_says_a_custom_base_url_wins(prefs: Any, clean_env: Any, base_url: str) -> None:
    layout = layout_spy()
    type(prefs).draw(
        SimpleNamespace(layout=layout, api_key="", show_advanced=False, api_base_url=base_url), bpy.context
    )
    hint = "wins over Region" in " ".join(label_texts(layout))  # wrapped over lines as the width needs
    assert hint == bool(base_url), label_texts(layout)
    assert "wins over this" in prefs.bl_rna.properties["region"].description


def test_human_size(addon: Any) -> None:
    human_size = addon_module("blender.preferences_ui").human_size
    assert [human_size(n) for n in (0, 1023, 1536, 5 * 1024**2, 3 * 1024**4)] == [
        "0 bytes",
        "1023 bytes",
        "1.5 KB",
        "5.0 MB",
        "3072.0 GB",
    ]
