"""The Rig dialog until Tripo's free riggability check says yes: Rig greyed with the reason.

The dialog is drawn by its real ``draw`` (``post_support.draw_dialog``) for a real generated
model, with the check job really running against the emulator, and the layout it builds is read
back: while the check runs and after a "no", the dialog's own Rig button is replaced by a greyed
one and Cancel (``template_popup_confirm`` without an operator), under the check's sentence;
after a "yes", or with Rig Anyway ticked, Blender's own Rig button stays. The refresh of the open
popup needs a real window (``context.region_popup``); the bpy module has none.
"""

from __future__ import annotations

from typing import Any

import bpy

from tests.emulator import Emulator

from .post_support import draw_dialog, finish, newest
from .runtime_support import addon_module, label_texts, pump_job


def _rig_dialog(**values: Any) -> Any:
    return draw_dialog(addon_module("blender.post_ops").TRIPO_OT_rig, **values)


def greyed_rig(layout: Any) -> str | None:
    """The text of the greyed Rig button the dialog drew instead of Blender's, or None."""
    for call in layout.mock_calls:
        if call[0] == "split().row().operator" and call.args == ("tripo.rig",):
            assert layout.split.return_value.row.return_value.enabled is False, "a Rig button of ours is greyed"
            confirm = [c for c in layout.mock_calls if c[0] == "split().template_popup_confirm"]
            assert confirm and confirm[-1].args == ("",) and confirm[-1].kwargs["cancel_text"] == "Cancel", (
                "Blender's own Rig button is replaced: only Cancel stays active"
            )
            return str(call.kwargs["text"])
    return None


def test_rig_is_greyed_while_the_free_check_runs_and_turns_on_for_a_yes(rt: Any, online: Emulator, knight: Any) -> None:
    online.set_timing(run_seconds=3600.0)
    assert bpy.ops.tripo.check_riggable() == {"FINISHED"}
    pump_job(rt, newest(rt, "check_riggable").id, "running")  # created on Tripo: the clock can move it on
    layout = _rig_dialog()
    assert "Checking whether Tripo can rig this model (free)…" in label_texts(layout)
    assert greyed_rig(layout) == "Rig (waiting for the check)"

    online.advance(7200)
    finish(rt, "check_riggable")
    layout = _rig_dialog()
    assert any(text.startswith("Riggable") for text in label_texts(layout))
    assert greyed_rig(layout) is None, "a yes leaves Blender's own Rig button"


def test_a_no_greys_rig_with_the_reason_and_rig_anyway_turns_it_on(rt: Any, online: Emulator, knight: Any) -> None:
    online.set_riggable(False)
    assert bpy.ops.tripo.check_riggable() == {"FINISHED"}
    assert finish(rt, "check_riggable").result["riggable"] is False
    layout = _rig_dialog()
    assert any("cannot be rigged" in text for text in label_texts(layout)), "the reason is in the dialog"
    assert greyed_rig(layout) == "Rig"
    assert greyed_rig(_rig_dialog(rig_anyway=True)) is None, "Rig Anyway: the artist may send it"
    assert bpy.ops.tripo.rig(rig_anyway=True) == {"FINISHED"}
    assert newest(rt, "rig_model").spec.meta["source_task_id"] == knight.task_id
