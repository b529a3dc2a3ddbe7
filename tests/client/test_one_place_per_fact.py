"""One place per fact: a job kind's name and its task type are written at most twice in the add-on
— the kinds table (``jobs/kinds.py``) and the client's wire mapping (``client/payloads.py``).
Everything else refers to the kinds table's records (``TEXTURE.name``, ``RIG.wire_type``…), so
adding or renaming a kind is one record, not a hunt through nine files."""

from __future__ import annotations

from pathlib import Path

import pytest

from tripo_blender.jobs.kinds import IMPORTED_TYPE, KINDS, RETIRED_KINDS

PACKAGE = Path(__file__).resolve().parents[2] / "tripo_blender"
SOURCES = {path: path.read_text(encoding="utf-8") for path in sorted(PACKAGE.rglob("*.py"))}
#: A string that names two facts: image-to-multiview's task type is also the name of the output
#: field holding its views (``client/models.py``), a third place by the wire format's choice.
ALSO_AN_OUTPUT_FIELD = {"generate_multiview_image": 1}

NAMES = sorted({*KINDS, *(k.wire_type for k in KINDS.values() if k.wire_type), *RETIRED_KINDS, IMPORTED_TYPE})


@pytest.mark.parametrize("name", NAMES)
def test_a_kind_or_task_type_is_written_at_most_twice(name: str) -> None:
    places = [f"{path.relative_to(PACKAGE)}:{number}" for path, text in SOURCES.items()
              for number, line in enumerate(text.splitlines(), 1) if f'"{name}"' in line]
    assert len(places) <= 2 + ALSO_AN_OUTPUT_FIELD.get(name, 0), places
