"""The asset library's bpy-free half: records, catalogs, the index, and Generate Again / Variant.

Plain Python, real files in a temporary folder. The Blender half (writing the .blend, the preview,
the menus) is tested in bpy by ``tests/blender/test_assets.py``.
"""

from __future__ import annotations

import json
import random
import uuid
from pathlib import Path
from typing import Any

import pytest

from tripo_blender.jobs import Job, JobSpec, JobState
from tripo_blender.jobs.asset_index import (
    CATALOG_FILE,
    INDEX_FILE,
    AssetIndex,
    AssetRecord,
    NotRepeatable,
    again_spec,
    catalog_id,
    catalog_path,
    ensure_catalogs,
    make_record,
    matching,
    request_of,
    seed_names,
)
from tripo_blender.jobs.kinds import FOLLOW_KIND, RIG, TEXT_TO_MODEL, TEXTURE

NOW = 1_800_000_000.0
DAY = 24 * 3600.0


def _job(
    kind: str = TEXT_TO_MODEL.name,
    params: dict[str, Any] | None = None,
    *,
    name: str = "a cat",
    meta: dict[str, Any] | None = None,
    task_id: str | None = None,
    created: float = NOW,
    task_type: str | None = None,
) -> Job:
    spec = JobSpec(
        kind,
        {"prompt": "a cat", "model_version": "v2.5-20250123", "texture": True, "pbr": True}
        if params is None
        else params,
        name=name,
        meta=meta or {"mode": "TEXT", "location": [1, 2, 3]},
    )
    return Job(
        id=uuid.uuid4().hex,
        spec=spec,
        state=JobState.DONE,
        created_at=created,
        updated_at=created,
        task_id=task_id or str(uuid.uuid4()),
        consumed_credit=20.0,
        estimated_cost=20,
        task_type=task_type,
    )


def _stored(folder: Path, job: Job, name: str = "a cat") -> AssetRecord:
    """``job`` kept as an asset the way the Blender half does it (record and a stand-in .blend)."""
    index = AssetIndex(folder)
    record = make_record(job, index.new_stem(name, job.task_id or ""), name, preview="server")
    index.blend_path(record.stem).write_bytes(b"BLENDER-v402")
    index.add(record)
    return record


# --------------------------------------------------------------------------- catalogs


def test_catalogs_are_per_kind_with_uuids_that_never_change() -> None:
    assert catalog_path(TEXT_TO_MODEL.name) == "Tripo/Text to Model"
    assert catalog_path(RIG.name) == "Tripo/Rigged" and catalog_path(TEXTURE.name) == "Tripo/Textured"
    assert catalog_path(FOLLOW_KIND, RIG.wire_type) == "Tripo/Rigged", "a followed rig is a rig"
    assert catalog_path(FOLLOW_KIND, "something_newer") == "Tripo/Imported"
    assert catalog_id("Tripo/Rigged") == catalog_id("Tripo/Rigged") != catalog_id("Tripo/Textured")
    # written down once: a changed namespace would give every library a second set of catalogs
    assert catalog_id("Tripo/Text to Model") == str(
        uuid.uuid5(uuid.UUID("5d0b8a52-2f6c-4c55-9d3e-7a1f0c4e9b21"), "Tripo/Text to Model")
    )


def test_the_catalog_file_gets_each_catalog_once_and_keeps_the_artists_edits(tmp_path: Path) -> None:
    assert ensure_catalogs(tmp_path, ["Tripo/Text to Model"])
    text = (tmp_path / CATALOG_FILE).read_text()
    assert "VERSION 1" in text
    assert f"{catalog_id('Tripo')}:Tripo:Tripo" in text.splitlines()
    assert f"{catalog_id('Tripo/Text to Model')}:Tripo/Text to Model:Tripo-Text to Model" in text.splitlines()
    assert not ensure_catalogs(tmp_path, ["Tripo/Text to Model"]), "nothing new: not written"
    # the artist renamed our catalog in the Asset Browser (Blender rewrote the line) and added one
    renamed = text.replace(":Tripo/Text to Model:", ":Mine/Prompts:") + "1234:Props:Props\n"
    (tmp_path / CATALOG_FILE).write_text(renamed)
    assert ensure_catalogs(tmp_path, ["Tripo/Text to Model", "Tripo/Rigged"])
    lines = (tmp_path / CATALOG_FILE).read_text().splitlines()
    assert sum(catalog_id("Tripo/Text to Model") in line for line in lines) == 1, "known by its UUID"
    assert "1234:Props:Props" in lines and any(line.endswith(":Tripo/Rigged:Tripo-Rigged") for line in lines)


# --------------------------------------------------------------------------- records


def test_a_record_keeps_the_whole_request_and_never_a_key(tmp_path: Path) -> None:
    job = _job(
        params={
            "prompt": "a cat",
            "model_version": "v2.5-20250123",
            "texture": True,
            "pbr": False,
            "model_seed": 5,
            "texture_quality": "detailed",
        }
    )
    job = job.__class__(**{**job.__dict__, "task_input": {"model": "tsk_" + "A" * 40}})
    record = make_record(job, "a cat 1", "a cat")
    request = record.request
    assert request["spec"]["kind"] == TEXT_TO_MODEL.name and request["spec"]["params"]["model_seed"] == 5
    assert request["task_id"] == job.task_id and request["consumed_credit"] == 20.0
    assert request["sent_at"] == NOW and request["parent_task"] is None
    assert "tsk_" + "A" * 40 not in json.dumps(record.to_dict()), "the journal's boundary, once more"
    assert record.description == "a cat"
    assert record.tags[:2] == ("Text to Model", "v2.5-20250123") and "detailed" in record.tags
    assert set(request) == {
        "job_id",
        "spec",
        "task_id",
        "task_type",
        "task_input",
        "estimated_cost",
        "consumed_credit",
        "api",
        "sent_at",
        "parent_task",
    }, "no files, notes or timeline"
    assert AssetRecord.from_dict(json.loads(json.dumps(record.to_dict()))) == record


def test_a_post_process_names_its_parent_task() -> None:
    source = str(uuid.uuid4())
    job = _job(
        RIG.name,
        {"original_model_task_id": source, "spec": "mixamo"},
        meta={"source_task_id": source, "placement": "HIDE_SOURCE", "source_object": "Fox"},
    )
    request = request_of(job)
    assert request["parent_task"] == source and request["spec"]["meta"]["source_object"] == "Fox"
    assert make_record(job, "s", "Fox (rigged)").tags == ("Rig", "mixamo")


# --------------------------------------------------------------------------- the index


def test_the_index_lists_newest_first_and_follows_the_files_on_disk(tmp_path: Path) -> None:
    old = _stored(tmp_path, _job(created=NOW - 60, name="old"), "old")
    new = _stored(tmp_path, _job(created=NOW, name="new"), "new")
    index = AssetIndex(tmp_path)
    assert [r.name for r in index.records()] == ["new", "old"]
    # another session wrote an asset (its record and .blend) without this index knowing
    other = AssetIndex(tmp_path / "elsewhere")
    other.folder.mkdir()
    third = _stored(other.folder, _job(created=NOW + 5, name="third"), "third")
    for suffix in (".blend", ".tripo.json"):
        (other.folder / f"{third.stem}{suffix}").rename(tmp_path / f"{third.stem}{suffix}")
    # the artist deleted an asset's .blend
    index.blend_path(old.stem).unlink()
    assert [r.name for r in index.records()] == ["third", "new"]
    on_disk = [json.loads(line) for line in (tmp_path / INDEX_FILE).read_text().splitlines()]
    assert sorted(e["stem"] for e in on_disk) == sorted([third.stem, new.stem]), "brought up to date"
    assert index.record(new.stem) == new and index.for_task(new.task_id) == new
    assert index.records()[1] == new.summary() and index.full(index.records()[1]) == new, "requests stay in their files"


def test_a_damaged_index_is_rebuilt_from_the_records(tmp_path: Path) -> None:
    kept = _stored(tmp_path, _job())
    (tmp_path / INDEX_FILE).write_text("{not json\n")
    assert AssetIndex(tmp_path).records() == [kept.summary()]
    assert [json.loads(line)["stem"] for line in (tmp_path / INDEX_FILE).read_text().splitlines()] == [kept.stem]


def test_file_names_are_safe_and_never_taken(tmp_path: Path) -> None:
    index = AssetIndex(tmp_path)
    task = "1ec04b7d-aaaa-bbbb-cccc-123456789012"
    stem = index.new_stem('a "cat"/dog: <v2>?', task)
    assert stem == "a cat dog v2 1ec04b7d"
    index.blend_path(stem).write_bytes(b"")
    assert index.new_stem('a "cat"/dog: <v2>?', task) == f"a cat dog v2 {task.replace('-', '')}"


def test_a_thousand_assets_list_from_the_index_alone(tmp_path: Path) -> None:
    """Listing reads the index and the folder's names: no .blend (the stand-ins here are empty)
    and no record file (there are none); speed is ``bench/asset_write.py``'s business."""
    template = make_record(_job(), "x", "x").summary().to_dict()
    index = AssetIndex(tmp_path)
    lines = []
    for n in range(1000):
        stem = f"asset {n:04d}"
        lines.append(json.dumps({**template, "stem": stem, "name": f"cat {n}", "created": NOW + n}))
        index.blend_path(stem).write_bytes(b"")
    index.index_path.write_text("\n".join(lines) + "\n")
    listed = index.records()
    assert len(listed) == 1000 and listed[0].name == "cat 999" and listed[-1].name == "cat 0"
    assert not list(tmp_path.glob("*.tripo.json")), "nothing but the index was there to read"
    # a new asset is one appended line, whatever the size of the library
    before = index.index_path.stat().st_size
    index.add(AssetRecord.from_dict({**template, "stem": "asset 1000", "name": "cat 1000", "created": NOW + 1000}))
    assert 0 < index.index_path.stat().st_size - before < 2000


def test_filters_by_kind_console_name_catalog_and_text(tmp_path: Path) -> None:
    cat = _stored(tmp_path, _job(params={"prompt": "a ceramic cat"}), "Cat")
    rig = _stored(tmp_path, _job(RIG.name, {"original_model_task_id": str(uuid.uuid4())}), "Cat (rigged)")
    records = AssetIndex(tmp_path).records()
    assert matching(records, "rig") == matching(records, "Rigged") == matching(records, RIG.name) == [rig.summary()]
    assert matching(records, text="CERAMIC") == [cat.summary()]
    assert matching(records, TEXT_TO_MODEL.name, "cat") == [cat.summary()]


# --------------------------------------------------------------------------- again and variant


def test_generate_again_keeps_fixed_seeds_and_chooses_the_others() -> None:
    assert seed_names(TEXT_TO_MODEL.name) == ("image_seed", "model_seed", "texture_seed")
    assert seed_names(RIG.name) == ()
    params = {"prompt": "a cat", "model_version": "v2.5-20250123", "texture": True, "pbr": True, "model_seed": 7}
    record = make_record(_job(params=params), "s", "a cat")
    spec = again_spec(record, now=NOW, rng=random.Random(1))
    assert spec.params["model_seed"] == 7, "fixed by the artist"
    assert {k: v for k, v in spec.params.items() if not k.endswith("_seed")} == {
        k: v for k, v in params.items() if not k.endswith("_seed")
    }
    assert isinstance(spec.params["image_seed"], int) and isinstance(spec.params["texture_seed"], int)
    assert list(spec.meta["chosen_seeds"]) == ["image_seed", "texture_seed"]
    assert "location" not in spec.meta and spec.meta["mode"] == "TEXT", "lands at the cursor as it is now"
    # again from that result: the seeds the add-on chose are chosen anew, the fixed one stays
    job = _job(params=dict(spec.params), meta=dict(spec.meta))
    twice = again_spec(make_record(job, "s2", "a cat"), now=NOW, rng=random.Random(2))
    assert twice.params["model_seed"] == 7
    assert twice.params["image_seed"] != spec.params["image_seed"]
    assert twice.params["texture_seed"] != spec.params["texture_seed"]


def test_variant_is_every_seed_plus_one_wrapping_at_the_maximum() -> None:
    params = {"prompt": "a cat", "model_seed": 2**31 - 1, "texture_seed": 4}
    spec = again_spec(make_record(_job(params=params), "s", "a cat"), variant=True, now=NOW)
    assert (spec.params["model_seed"], spec.params["texture_seed"]) == (0, 5)
    assert "image_seed" not in spec.params, "a seed Tripo chose stays Tripo's"


def test_what_cannot_be_sent_again_says_why() -> None:
    with pytest.raises(NotRepeatable, match="Tripo chose the seeds"):
        again_spec(make_record(_job(), "s", "a cat"), variant=True, now=NOW)
    followed = make_record(_job(FOLLOW_KIND, {}, task_type="text_to_model"), "s", "a task")
    with pytest.raises(NotRepeatable, match="made elsewhere"):
        again_spec(followed, now=NOW)
    local = make_record(_job(TEXTURE.name, {"original_model_task_id": "/tmp/inputs/mesh.glb"}), "s", "Mine")
    with pytest.raises(NotRepeatable, match="mesh of yours"):
        again_spec(local, now=NOW)
    source = str(uuid.uuid4())
    old = make_record(_job(TEXTURE.name, {"original_model_task_id": source}, created=NOW - 9 * DAY), "s", "Old")
    with pytest.raises(NotRepeatable, match="9 days old"):
        again_spec(old, now=NOW)
    fresh = again_spec(
        make_record(
            _job(
                TEXTURE.name,
                {"original_model_task_id": source, "texture_seed": 3},
                meta={"source_task_id": source, "placement": "KEEP_BOTH", "source_object": "Fox"},
            ),
            "s",
            "Fox (textured)",
        ),
        variant=True,
        now=NOW,
    )
    assert fresh.params == {"original_model_task_id": source, "texture_seed": 4}
    assert fresh.meta["source_task_id"] == source and "source_object" not in fresh.meta
