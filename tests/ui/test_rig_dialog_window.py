"""The Rig dialog in Debian's real Blender window: it waits for the free check and updates in place.

``scripts/rig_dialog_probe.py`` opens the dialog while Tripo's free riggability check runs
(the emulator takes a few seconds per task) and then sends no event at all. The bpy module has
no window and no popups, so only a real Blender shows whether the open dialog redraws by itself
when the answer arrives (tests/blender/test_rig_dialog.py checks what each draw contains).
Screenshots of the dialog before and after the answer land in ``build/ui/``.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.emulator import TEST_KEY, Emulator

from .conftest import (BLENDER_TIMEOUT, OUT_DIR, SCREEN, build_zip, chroot_command, enter_debian_root, inside,
                       run_folder, xvfb)

PROBE = Path(__file__).resolve().parent / "scripts" / "rig_dialog_probe.py"
SCREENSHOTS = {"waiting_screenshot": "rig_dialog_waiting.png", "answered_screenshot": "rig_dialog_answered.png"}
TASK_SECONDS = 3.0  # how long each emulated task runs: long enough to see the dialog wait


@dataclass
class DialogRun:
    result: dict[str, Any]
    log: str
    returncode: int


@pytest.fixture(scope="module")
def dialog_run() -> DialogRun:
    with contextlib.ExitStack() as stack:
        root = enter_debian_root(stack)
        run_dir = run_folder(stack, root, "tripo-rig-dialog-")
        emulator = stack.enter_context(Emulator(queue_seconds=0.0, run_seconds=TASK_SECONDS))
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        display = stack.enter_context(xvfb(root, OUT_DIR / "rig_dialog_xvfb.log"))
        for name in ("home", "tmp"):
            (run_dir / name).mkdir()
        shutil.copy(PROBE, run_dir / PROBE.name)
        config = {"zip": inside(root, build_zip(run_dir)), "api_key": TEST_KEY,
                  "api_base_url": emulator.base_url, "display": display, "answer_timeout": 30,
                  "result": inside(root, run_dir / "result.json"),
                  **{key: inside(root, run_dir / name) for key, name in SCREENSHOTS.items()}}
        (run_dir / "config.json").write_text(json.dumps(config))
        env = {"DISPLAY": display, "HOME": inside(root, run_dir / "home"), "TMPDIR": inside(root, run_dir / "tmp"),
               "BLENDER_USER_RESOURCES": inside(root, run_dir / "user")}
        width, height = SCREEN
        command = chroot_command(
            root, "blender", "--factory-startup", "--enable-event-simulate", "--window-geometry", "0", "0",
            str(width), str(height), "--python-exit-code", "1", "--python", inside(root, run_dir / PROBE.name),
            "--", inside(root, run_dir / "config.json"), env=env)
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=BLENDER_TIMEOUT)
            returncode, log = done.returncode, done.stdout + done.stderr
        except subprocess.TimeoutExpired as exc:
            returncode, log = -1, f"{exc.stdout or ''}{exc.stderr or ''}\n[test] killed after {BLENDER_TIMEOUT} s"
        (OUT_DIR / "rig_dialog.log").write_text(log.replace(TEST_KEY, "<key>"))
        result_file = run_dir / "result.json"
        result = json.loads(result_file.read_text()) if result_file.is_file() else {}
        for key, name in SCREENSHOTS.items():
            if (run_dir / name).is_file():
                shutil.copy(run_dir / name, OUT_DIR / name)
    return DialogRun(result, log, returncode)


def test_the_open_rig_dialog_shows_the_answer_without_any_input(dialog_run: DialogRun) -> None:
    result = dialog_run.result
    assert result and not result["errors"], "\n".join(result.get("errors", [])) + dialog_run.log[-3000:]
    assert result["invoke"] == ["RUNNING_MODAL"], "the dialog opened"
    draws = result["draws"]
    assert draws and draws[0]["pending"] is True and draws[0]["region_popup"], draws
    assert result["watched_max"] == 1, "the waiting dialog is refreshed"
    answered = [d for d in draws if d["riggable"] is True]
    assert answered, f"the dialog never redrew with the answer: {draws}"
    assert answered[0]["t"] > draws[0]["t"]
    assert result["check"] == "done" and result["watched_after"] == 0, "the refresh stops once it answered"
    assert result["rig_jobs"] == 0, "waiting sent nothing"
