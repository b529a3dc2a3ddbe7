"""The Rig dialog in Debian's real Blender window: it waits for the free check and updates in place.

``scripts/rig_dialog_probe.py`` opens the dialog while Tripo's free riggability check runs
(the emulator takes a few seconds per task) and then sends no event at all. The bpy module has
no window and no popups, so only a real Blender shows whether the open dialog redraws by itself
when the answer arrives (tests/blender/test_rig_dialog.py checks what each draw contains).
Screenshots of the dialog before and after the answer land in ``build/ui/``.
"""

from __future__ import annotations

from .conftest import DialogRun


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
