"""Whether and how a downloaded result may land, as the Jobs panel and the pump ask it: waiting
for Object Mode, the Convert offer for a file this Blender cannot decode, and the advice then.

Why a module of its own (not in :mod:`.landing`): the Jobs panel asks these on every draw and the
pump before every landing, while the landing itself (importers, placement, rigs, splats, sources)
is loaded only when the first result lands, so that enabling the add-on stays cheap.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

import bpy

from ..jobs import Job, JobState
from ..jobs.stand_in import STAND_IN_FORMAT, conversion_of, stand_in_cost
from ..rules.generate import cost_phrase
from ..rules.landing_plan import model_file
from .decoders import missing_for

__all__ = ["waiting_for_object_mode", "missing_decoder_advice", "convert_offer"]

#: ``context.mode`` prefixes -> the mode's name as Blender's header says it.
_MODE_NAMES: tuple[tuple[str, str], ...] = (
    ("EDIT", "Edit Mode"),
    ("SCULPT", "Sculpt Mode"),
    ("POSE", "Pose Mode"),
    ("PAINT_WEIGHT", "Weight Paint"),
    ("PAINT_VERTEX", "Vertex Paint"),
    ("PAINT_TEXTURE", "Texture Paint"),
    ("PARTICLE", "Particle Edit"),
)


def waiting_for_object_mode(context: bpy.types.Context | None = None) -> str | None:
    """Why a finished result may not land now ("ready, lands after Sculpt Mode"), or None.

    Why: landing links objects, selects them and makes the root active; doing that while the
    artist sculpts, edits or poses would switch them out of their mode (or fight it) behind their
    back. So outside Object Mode a downloaded result waits, untouched, and lands on the first
    pump tick after they leave the mode. The pump asks this before every landing; the Jobs row
    shows the same sentence, so it is kept short enough for the sidebar's default width.
    """
    mode = str(getattr(context or bpy.context, "mode", "OBJECT") or "OBJECT")
    if mode == "OBJECT":
        return None
    name = next((label for prefix, label in _MODE_NAMES if mode.startswith(prefix)), mode.replace("_", " ").title())
    return f"ready, lands after {name}"


def missing_decoder_advice(job: Job) -> str:
    """What to do about a result this Blender cannot decode (:class:`.importer.MissingDecoder`):
    the row's Convert button, with its price, and where the file is."""
    if not job.task_id:
        return "The downloaded file stays in its folder (Folder): open it in a Blender that has the decoder."
    return (
        f"Convert (on this row) has Tripo turn it into an {STAND_IN_FORMAT} file, which this Blender opens, "
        f"and lands it here ({cost_phrase(stand_in_cost(job))}). The downloaded file stays in its folder."
    )


def convert_offer(job: Job, jobs: Iterable[Job]) -> str | None:
    """The label of the row's Convert button ("Convert to FBX (≈ 5 credits)") when ``job`` failed
    only because this Blender cannot decode its file (asked again here: the journal may bring back
    such a row in a Blender that can), and no conversion of it is under way or landed."""
    if job.state != JobState.FAILED or not job.task_id:
        return None
    path = model_file(job.files)
    if path is None or not os.path.isfile(path) or not missing_for(path):
        return None
    if conversion_of(job, jobs) is not None:
        return None
    return f"Convert to {STAND_IN_FORMAT} ({cost_phrase(stand_in_cost(job))})"
