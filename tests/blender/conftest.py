"""Fixtures for tests that run inside Blender-as-a-module (the ``bpy`` wheel; see build.py test).

The add-on is loaded the way Blender loads an installed extension: a temporary *user extension
repository* whose folder holds a symlink to ``tripo_blender/``, enabled as
``bl_ext.tripo_dev.tripo_blender``. That exercises the ``bl_ext.*`` module naming, relative imports,
``__package__``-based preferences and ``extension_path_user`` exactly as users get them, while the
tests still run the working-tree source (docs/blender-notes.md#testing).

Blender's user folders point at a temporary directory *before* bpy is imported, so a test run can
neither read nor damage a developer's real Blender preferences.
"""

from __future__ import annotations

import importlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

_USER_RESOURCES = tempfile.mkdtemp(prefix="tripo-blender-user-")
os.environ["BLENDER_USER_RESOURCES"] = _USER_RESOURCES
# imports push their undo step as in Blender's UI (background mode skips it: importer.push_undo);
# test_undo_in_background.py checks the skip itself
os.environ["TRIPO_UNDO_IN_BACKGROUND"] = "1"

try:
    import bpy
except ModuleNotFoundError as exc:  # plain-Python venv: these tests belong to the bpy runs of build.py
    if exc.name != "bpy":
        raise
    HAVE_BPY = False
    collect_ignore_glob = ["*"]
else:
    import addon_utils  # on sys.path only once bpy is imported

    from tests.dev_extension import enable_working_tree
    from tests.emulator import TEST_KEY, Emulator

    from .post_support import make_result, root_of, select
    from .runtime_support import addon_module, fast_settings, set_online_access
    from .support import DEV_MODULE, DEV_REPO_MODULE, RUN_FACTS, addon_enabled, enable_addon, reraise

    HAVE_BPY = True


def pytest_report_header() -> list[str]:
    """Say which Blender this run uses (build.py's summary quotes this line)."""
    if not HAVE_BPY:
        return []
    return [f"blender: {bpy.app.version_string}", f"bpy module: {Path(bpy.__file__).parent}"]


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """What the run established about this Blender (build.py's summary row quotes these lines)."""
    if HAVE_BPY:
        for key, fact in sorted(RUN_FACTS.items()):
            terminalreporter.write_line(f"{key}: {fact}")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run ``package`` tests last: they swap the dev add-on for the installed zip and back."""
    items.sort(key=lambda item: item.get_closest_marker("package") is not None)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Remove the temporary Blender user folder (extensions, config, caches); remember the status."""
    shutil.rmtree(_USER_RESOURCES, ignore_errors=True)
    session.config._tripo_exitstatus = exitstatus  # type: ignore[attr-defined]


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """bpy 4.2 only: leave the process before its C++ static destructors run.

    Why: after any glTF *export* (Blender's own exporter, e.g. ``bpy.ops.export_scene.gltf`` on a
    fresh scene, no add-on involved) the PyPI ``bpy`` 4.2 module crashes at process exit:
    ``SpaceType::~SpaceType`` → ``bpy_class_free`` → ``PyGILState_Ensure`` on an interpreter that is
    already finalised (SIGSEGV; gdb backtrace). 4.5 and later free their space types first. Real
    Blender 4.2 frees them in ``WM_exit`` before Python ends, so artists never meet it; the test run
    did (exit code 139 after every test had passed). By the time this hook runs, every result is
    reported, so leaving with pytest's own exit status hides nothing.
    """
    if HAVE_BPY and bpy.app.version < (4, 3, 0):
        import sys

        sys.stdout.flush()
        sys.stderr.flush()
        status = getattr(config, "_tripo_exitstatus", None)
        os._exit(int(status) if status is not None else 0)


@pytest.fixture(scope="session")
def addon() -> Iterator[ModuleType]:
    """The working-tree add-on, enabled as the extension ``bl_ext.tripo_dev.tripo_blender``."""
    extension = enable_working_tree(DEV_REPO_MODULE, online=False)
    assert extension.module_name == DEV_MODULE
    try:
        yield extension.module
    finally:
        extension.remove()


@pytest.fixture
def prefs(addon: ModuleType) -> Any:
    """The dev add-on's preferences (AddonPreferences instance), reset to defaults for each test."""
    preferences = bpy.context.preferences.addons[DEV_MODULE].preferences
    for name in preferences.bl_rna.properties.keys():
        if name != "rna_type":
            preferences.property_unset(name)
    return preferences


@pytest.fixture
def clean_scene() -> Iterator[Any]:
    """An empty scene. ``read_homefile`` keeps enabled add-ons; ``read_factory_settings`` would not."""
    bpy.ops.wm.read_homefile(use_empty=True)
    yield bpy.context.scene
    bpy.ops.wm.read_homefile(use_empty=True)


@pytest.fixture
def without_dev_addon() -> Iterator[None]:
    """Disable the dev add-on for one test (and restore it), for tests that load another copy.

    The installed zip registers the same classes under another module name; having both enabled
    would fail with "already registered" or, worse, test the wrong copy.
    """
    was_enabled = addon_enabled(DEV_MODULE)
    if was_enabled:
        addon_utils.disable(DEV_MODULE, default_set=True, handle_error=reraise)
    try:
        yield
    finally:
        if was_enabled:
            enable_addon(DEV_MODULE)


# --------------------------------------------------------------------------- the runtime and the console


@pytest.fixture
def rt(addon: ModuleType, prefs: Any, tmp_path: Path) -> Iterator[Any]:
    """The add-on's runtime with its storage in ``tmp_path`` and fast worker timing.

    Online access starts *off* (as in a fresh Blender); the runtime is shut down afterwards so
    no worker or timer outlives the test.
    """
    runtime = addon_module("blender.runtime").runtime
    runtime.shutdown()
    runtime.storage_root = tmp_path / "storage"
    runtime.worker_settings = fast_settings()
    set_online_access(False)
    try:
        yield runtime
    finally:
        runtime.shutdown()
        runtime.storage_root = None
        runtime.worker_settings = None
        set_online_access(False)


@pytest.fixture
def online(rt: Any, prefs: Any, emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> Emulator:
    """Online access on, the preferences pointing at the emulator with its test key."""
    monkeypatch.delenv("TRIPO_API_KEY", raising=False)
    monkeypatch.delenv("TRIPO_API_BASE_URL", raising=False)
    prefs.api_key = TEST_KEY
    prefs.api_base_url = emulator.base_url
    set_online_access(True)
    return emulator


@pytest.fixture
def tripo(addon: ModuleType) -> ModuleType:
    """``tripo`` as the console and scripts know it (the enabled add-on's package)."""
    return importlib.import_module(DEV_MODULE)


@pytest.fixture
def ready(tripo: ModuleType, rt: Any, online: Emulator, clean_scene: Any) -> Emulator:
    """A fresh runtime talking to the emulator, an empty scene; yields the emulator."""
    return online


@pytest.fixture
def fox(rt: Any, online: Emulator, clean_scene: Any) -> Any:
    """A generated model, selected (the usual starting point of the menu)."""
    job = make_result(rt)
    select(root_of(job))
    return job


@pytest.fixture
def knight(rt: Any, online: Emulator, clean_scene: Any) -> Any:
    """A generated model named "Knight", selected."""
    job = make_result(rt, name="Knight")
    select(root_of(job))
    return job
