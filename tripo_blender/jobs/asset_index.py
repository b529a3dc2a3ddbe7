"""Tripo results kept as assets: what an asset records, its catalog, and the library's index.

Why: Tripo keeps a task about 7 days and its download links minutes; a result the artist did not
save, and the prompt and seeds that made it, are otherwise gone once the job row is cleared. The
Blender layer (``blender/asset_library.py``) writes each landed result to a .blend in the "Tripo"
asset library; everything about that asset that needs no Blender is here, so it is written once,
tested in plain Python and never touches ``bpy``:

* **The request** (:func:`request_of`): the job's spec — kind, every parameter, seeds, meta — and
  its task facts (task id, type, parent task, when it was sent, the estimate and the credits
  charged). It is the journal's whitelist (:meth:`.model.Job.to_dict`; specs refuse credentials)
  passed through :func:`.redaction.scrub` once more, so an asset never carries the API key.
* **The catalog** per kind ("Tripo/Text to Model", "Tripo/Rigged"…) with a UUID derived from its
  path (:func:`catalog_id`): the same on every machine and every run, so a catalog file written
  by two sessions, or edited by the artist in the Asset Browser, never gets duplicates.
* **The index**: a record per asset in ``<stem>.tripo.json`` beside ``<stem>.blend`` (written
  with the .blend) and ``tripo_assets.jsonl`` listing them all, one JSON record a line.
  ``tripo.assets()`` reads the index — never a .blend — so 1,000 assets list in tens of
  milliseconds on the main thread; a .blend the index does not know yet (another session wrote
  it) is added from its record file, one whose .blend was deleted is dropped.
* **Again and Variant** (:func:`again_spec`): the stored request as a new job — the same
  parameters, with new seeds unless the request fixed them (Generate Again), or every seed + 1
  (Variant).

Record format (``<stem>.tripo.json``, UTF-8)::

    {"format": 1, "stem": "a small cat statue 1ec04b7d", "name": "a small cat statue",
     "kind": "<a kind of jobs.kinds>", "task_id": "…", "job_id": "…", "created": 1767000000.0,
     "catalog": "Tripo/Text to Model", "description": "a small cat statue", "tags": ["Text to Model", …],
     "preview": "server", "datablock": "collections", "datablock_name": "",
     "request": {"job_id", "spec", "task_id", "task_type", "task_input", "estimated_cost",
                 "consumed_credit", "api", "sent_at", "parent_task"}}
"""

from __future__ import annotations

import glob
import inspect
import json
import logging
import os
import random
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..client.inputs import is_uuid
from ..client.payloads import SEED_MAX
from .journal import atomic_write_text
from .kinds import (
    COMPLETE,
    CONVERT,
    FOLLOW_KIND,
    IMAGE_TO_MODEL,
    IMAGE_TO_SPLAT,
    KINDS,
    LOWPOLY,
    MULTIVIEW_TO_MODEL,
    RETARGET,
    RIG,
    SEGMENT,
    SMART_UV,
    SOURCE_PARAM,
    TEXT_TO_MODEL,
    TEXTURE,
    Landing,
    by_task_type,
)
from .model import TASK_RETENTION_DAYS, Job, JobSpec, intent_time, thaw
from .redaction import scrub

__all__ = [
    "FORMAT",
    "INDEX_FILE",
    "RECORD_SUFFIX",
    "BLEND_SUFFIX",
    "CATALOG_FILE",
    "CATALOG_ROOT",
    "REQUEST_PROP",
    "CHOSEN_SEEDS_META",
    "AssetRecord",
    "NotRepeatable",
    "catalog_path",
    "catalog_id",
    "catalog_simple_name",
    "ensure_catalogs",
    "request_of",
    "describe",
    "make_record",
    "AssetIndex",
    "matching",
    "seed_names",
    "again_spec",
    "repeat_problem",
    "variant_problem",
]

log = logging.getLogger("tripo_blender.jobs")

FORMAT = 1
INDEX_FILE = "tripo_assets.jsonl"
RECORD_SUFFIX = ".tripo.json"
BLEND_SUFFIX = ".blend"
#: Blender's catalog definition file at the root of an asset library.
CATALOG_FILE = "blender_assets.cats.txt"
CATALOG_ROOT = "Tripo"
#: The ID property holding the request (JSON text) on the asset datablock in its .blend.
REQUEST_PROP = "tripo_request"
#: ``meta`` key of a job made from an asset: the seeds the add-on chose for it (Generate Again).
#: They are in the params like any seed, but a later Generate Again must choose anew: only seeds
#: the artist fixed are kept.
CHOSEN_SEEDS_META = "chosen_seeds"
#: ``meta`` key naming the task of the asset a job was made from (Generate Again, Variant).
FROM_ASSET_META = "from_asset_task"

#: Fixed namespace of the catalog UUIDs (uuid5 of the catalog path): never change it, or every
#: library gets a second set of catalogs.
_CATALOG_NAMESPACE = uuid.UUID("5d0b8a52-2f6c-4c55-9d3e-7a1f0c4e9b21")
#: The catalog of each kind's results, below "Tripo/".
_CATALOGS: Mapping[str, str] = MappingProxyType(
    {
        TEXT_TO_MODEL.name: "Text to Model",
        IMAGE_TO_MODEL.name: "Image to Model",
        MULTIVIEW_TO_MODEL.name: "Multiview to Model",
        TEXTURE.name: "Textured",
        RIG.name: "Rigged",
        RETARGET.name: "Animated",
        CONVERT.name: "Converted",
        SEGMENT.name: "Parts",
        COMPLETE.name: "Completed Parts",
        LOWPOLY.name: "Low Poly",
        SMART_UV.name: "UV Unwrapped",
        IMAGE_TO_SPLAT.name: "Gaussian Splats",
    }
)
#: A task followed by id whose type no kind makes (an import, something newer than the add-on).
_OTHER_CATALOG = "Imported"
#: Request keys :func:`request_of` takes from :meth:`Job.to_dict` (the journal's whitelist).
_REQUEST_KEYS = ("job_id", "spec", "task_id", "task_type", "task_input", "estimated_cost", "consumed_credit", "api")
#: ``meta`` keys a new job made from an asset keeps: how to land it, nothing about the old scene
#: (objects, armatures, uploads and the old 3D cursor are the old scene's).
_AGAIN_META = ("mode", "placement", "source_task_id", "presets")
_STEM_CHARS = 48
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')
_DAY = 24 * 3600.0


class NotRepeatable(ValueError):
    """The asset's request cannot be sent again as asked; the message says why and what to do."""


# --------------------------------------------------------------------------- catalogs


def catalog_path(kind: str, task_type: str | None = None) -> str:
    """``"Tripo/Text to Model"``: the catalog of a result of ``kind`` (a followed task's by the type
    the server reported)."""
    if kind == FOLLOW_KIND:
        record = by_task_type(task_type)
        kind = record.name if record is not None else ""
    return f"{CATALOG_ROOT}/{_CATALOGS.get(kind, _OTHER_CATALOG)}"


def catalog_id(path: str) -> str:
    """The catalog's UUID: derived from its path, so it is the same everywhere (see the module docstring)."""
    return str(uuid.uuid5(_CATALOG_NAMESPACE, path))


def catalog_simple_name(path: str) -> str:
    """Blender's "simple name" of a catalog (its path with ``-`` for ``/``), stored with each asset."""
    return path.replace("/", "-")


_CATALOG_HEADER = """\
# This is an Asset Catalog Definition file for Blender.
#
# Empty lines and lines starting with `#` will be ignored.
# The first non-ignored line should be the version indicator.
# Other lines are of the format "UUID:catalog/path/for/assets:simple catalog name"

VERSION 1

"""


def ensure_catalogs(folder: Path, paths: Iterable[str]) -> bool:
    """Add the catalogs ``paths`` (and their parent "Tripo") to ``folder``'s catalog file unless
    their UUIDs are there already; True if the file was written.

    What is there stays as it is: the artist may have renamed or moved a catalog in the Asset
    Browser (Blender rewrites the file then), and a catalog is known by its UUID, not its path.
    Raises OSError when the file cannot be read or written.
    """
    target = folder / CATALOG_FILE
    text = target.read_text(encoding="utf-8") if target.is_file() else ""
    known = {line.split(":", 1)[0].strip() for line in text.splitlines() if ":" in line and not line.startswith("#")}
    wanted = sorted({CATALOG_ROOT, *paths})
    missing = [p for p in wanted if catalog_id(p) not in known]
    if not missing:
        return False
    if not text.strip():
        text = _CATALOG_HEADER
    elif not text.endswith("\n"):
        text += "\n"
    text += "".join(f"{catalog_id(p)}:{p}:{catalog_simple_name(p)}\n" for p in missing)
    atomic_write_text(target, text)
    return True


# --------------------------------------------------------------------------- what an asset records


def _parent_task(spec: JobSpec) -> str | None:
    """The task a post-process started from (a local mesh has none)."""
    for value in (spec.params.get(SOURCE_PARAM), spec.meta.get("source_task_id")):
        if isinstance(value, str) and is_uuid(value):
            return value
    return None


def request_of(job: Job) -> dict[str, Any]:
    """The request behind ``job``'s result as plain JSON data (see the module docstring)."""
    data = job.to_dict()
    request = {key: data[key] for key in _REQUEST_KEYS}
    request["sent_at"] = intent_time(job)
    request["parent_task"] = _parent_task(job.spec)
    cleaned: dict[str, Any] = scrub(request)
    return cleaned


def _label(kind: str, task_type: str | None) -> str:
    record = KINDS.get(kind)
    if kind == FOLLOW_KIND:
        record = by_task_type(task_type) or record
    return record.label if record is not None else kind


def describe(job: Job) -> tuple[str, tuple[str, ...]]:
    """The asset's description (the prompt, or what it was made from) and tags (kind, model
    version, style and the options that make it what it is)."""
    params = job.spec.params
    label = _label(job.kind, job.task_type)
    prompt = params.get("prompt") or params.get("text_prompt")
    if isinstance(prompt, str) and prompt.strip():
        description = prompt.strip()
    elif job.kind in (IMAGE_TO_MODEL.name, MULTIVIEW_TO_MODEL.name):
        description = f"{label} of {job.name}"
    else:
        description = f"{label}: {job.name}"
    tags: list[str] = [label]
    version = params.get("model_version") or job.task_input.get("model") or job.task_input.get("model_version")
    if isinstance(version, str) and version:
        tags.append(version)
    for key in ("style", "spec", "format", "texture_quality", "geometry_quality"):
        value = params.get(key)
        if isinstance(value, str) and value and value not in ("standard", "original_image"):
            tags.append(value)
    if params.get("pbr") is True:
        tags.append("PBR")
    elif params.get("texture") is False:
        tags.append("untextured")
    for flag, tag in (("quad", "quad"), ("smart_low_poly", "low poly"), ("generate_parts", "parts")):
        if params.get(flag) is True:
            tags.append(tag)
    for preset in job.spec.meta.get("presets") or ():
        tags.append(str(preset).removeprefix("preset:"))
    return description, tuple(dict.fromkeys(tags))


@dataclass(frozen=True)
class AssetRecord:
    """One asset of the library as the index knows it (see the module docstring for the format)."""

    stem: str
    name: str
    kind: str
    task_id: str
    job_id: str
    created: float
    catalog: str
    description: str = ""
    tags: tuple[str, ...] = ()
    preview: str = ""  # "server" (Tripo's rendered image), "generated" (Blender's), "" (none)
    #: The stored request (:func:`request_of`), plain JSON data: read it, never change it.
    request: Mapping[str, Any] = field(default_factory=dict, hash=False)
    #: The asset's datablock in the .blend: ``bpy.data`` collection ("collections", or "objects":
    #: an Empty instancing the result's collection, where Blender drops collection previews) and
    #: its name, what the Asset Browser shows ("": ``name``). The result's collection is ``name``.
    datablock: str = "collections"
    datablock_name: str = ""

    @property
    def asset_name(self) -> str:
        return self.datablock_name or self.name

    @property
    def blend_name(self) -> str:
        return self.stem + BLEND_SUFFIX

    @property
    def spec(self) -> JobSpec:
        """The stored request as a job spec (checked again: a damaged or edited record that names
        an unknown kind or holds a key raises ValueError)."""
        data = self.request.get("spec")
        if not isinstance(data, Mapping):
            raise ValueError(f"the asset '{self.name}' keeps no request")
        return JobSpec.from_dict(thaw(data))

    @property
    def prompt(self) -> str:
        spec = self.request.get("spec")
        params = spec.get("params") if isinstance(spec, Mapping) else None
        value = params.get("prompt") if isinstance(params, Mapping) else None
        return value if isinstance(value, str) else ""

    def summary(self) -> AssetRecord:
        """The record without its request: what an index line holds (a third of the size, so a
        listing parses a third); :meth:`AssetIndex.full` reads the request from the record's file."""
        return replace(self, request={})

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "stem": self.stem,
            "name": self.name,
            "kind": self.kind,
            "task_id": self.task_id,
            "job_id": self.job_id,
            "created": self.created,
            "catalog": self.catalog,
            "description": self.description,
            "tags": list(self.tags),
            "preview": self.preview,
            "request": self.request,
            "datablock": self.datablock,
            "datablock_name": self.datablock_name,
        }

    @classmethod
    def from_dict(cls, data: Any) -> AssetRecord:
        """Rebuild a record; ValueError when it is damaged or of another format."""
        if not isinstance(data, Mapping) or data.get("format") != FORMAT:
            raise ValueError("not an asset record of format 1")
        try:
            request = data.get("request") or {}
            if not isinstance(request, Mapping):
                raise ValueError("request is not a mapping")
            return cls(
                stem=str(data["stem"]),
                name=str(data["name"]),
                kind=str(data["kind"]),
                task_id=str(data.get("task_id") or ""),
                job_id=str(data.get("job_id") or ""),
                created=float(data.get("created") or 0.0),
                catalog=str(data.get("catalog") or ""),
                description=str(data.get("description") or ""),
                tags=tuple(str(t) for t in data.get("tags") or ()),
                preview=str(data.get("preview") or ""),
                request=dict(request),
                datablock=str(data.get("datablock") or "collections"),
                datablock_name=str(data.get("datablock_name") or ""),
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"damaged asset record: {exc}") from None


def make_record(job: Job, stem: str, name: str, preview: str = "") -> AssetRecord:
    """The record of ``job``'s result kept as asset ``name`` in ``<stem>.blend``."""
    description, tags = describe(job)
    return AssetRecord(
        stem=stem,
        name=name,
        kind=job.kind,
        task_id=job.task_id or "",
        job_id=job.id,
        created=intent_time(job),
        catalog=catalog_path(job.kind, job.task_type),
        description=description,
        tags=tags,
        preview=preview,
        request=request_of(job),
    )


# --------------------------------------------------------------------------- the index


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


class AssetIndex:
    """The records of the assets in one library folder (see the module docstring).

    Main thread or any thread: it reads and writes small text files only. A record's own file is
    written atomically (temp file + rename); the index is JSON Lines, one record a line, that a new
    asset *appends* to — constant cost however big the library, and two Blender sessions adding at
    once lose nothing — and that a listing rewrites (atomically) only when it found it out of date.
    """

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)

    @property
    def index_path(self) -> Path:
        return self.folder / INDEX_FILE

    def record_path(self, stem: str) -> Path:
        return self.folder / f"{stem}{RECORD_SUFFIX}"

    def blend_path(self, stem: str) -> Path:
        return self.folder / f"{stem}{BLEND_SUFFIX}"

    def new_stem(self, name: str, task_id: str) -> str:
        """A file name for a new asset that names no existing file: the name (made safe for every
        file system) and the start of the task id; more of the id, then a number, if taken."""
        base = " ".join(_UNSAFE.sub(" ", name).split()).strip(" .")[:_STEM_CHARS].strip(" .") or "Tripo result"
        ident = _ident(task_id)
        candidates = [f"{base} {ident[:8]}", f"{base} {ident}"]
        candidates += [f"{base} {ident} {n}" for n in range(2, 1000)]
        for stem in candidates:
            if not self.blend_path(stem).exists() and not self.record_path(stem).exists():
                return stem
        raise OSError(f"no free file name for {name!r} in {self.folder}")

    def add(self, record: AssetRecord) -> None:
        """Write ``record``'s own file, then append it to the index. Raises OSError when the folder refuses."""
        atomic_write_text(self.record_path(record.stem), json.dumps(record.to_dict(), ensure_ascii=False))
        with open(self.index_path, "a", encoding="utf-8") as index:
            index.write(_line(record))

    def record(self, stem: str) -> AssetRecord | None:
        """The record of ``<stem>.blend`` from its own file (None: not a Tripo asset, or damaged)."""
        path = self.record_path(stem)
        try:
            return AssetRecord.from_dict(_read_json(path))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            log.warning("Ignoring the damaged asset record %s: %s", path, exc)
            return None

    def full(self, record: AssetRecord) -> AssetRecord:
        """``record`` with its request (a listing's records have none: see :meth:`AssetRecord.summary`);
        ValueError when its file is gone or damaged."""
        if record.request:
            return record
        found = self.record(record.stem)
        if found is None:
            raise ValueError(
                f"The record of the asset '{record.name}' ({self.record_path(record.stem)}) is missing or damaged"
            )
        return found

    def for_task(self, task_id: str) -> AssetRecord | None:
        """The asset already kept for ``task_id`` (a result is kept once): found by its file
        name (:meth:`new_stem` puts the task id in it), without reading the index."""
        ident = _ident(task_id)
        if not task_id or not self.folder.is_dir():
            return None
        for path in self.folder.glob(f"* {glob.escape(ident[:8])}*{RECORD_SUFFIX}"):
            found = self.record(path.name[: -len(RECORD_SUFFIX)])
            if found is not None and found.task_id == task_id and self.blend_path(found.stem).is_file():
                return found
        return None

    def records(self) -> list[AssetRecord]:
        """Every asset of the folder, newest first, from the index (brought in line with the
        .blend files on disk: a listing of the folder, no .blend is opened) — as summaries,
        without their requests (:meth:`full`)."""
        try:
            stems = {
                entry.name[: -len(BLEND_SUFFIX)]
                for entry in os.scandir(self.folder)
                if entry.name.endswith(BLEND_SUFFIX) and entry.is_file()
            }
        except FileNotFoundError:
            return []
        records, lines = self._read_index()
        stale = lines != len(records)  # a record appended twice, or a damaged line
        for stem in list(records):
            if stem not in stems:
                del records[stem]
                stale = True
        for stem in sorted(stems - set(records)):
            found = self.record(stem)
            if found is not None:
                records[stem] = found.summary()
                stale = True
        if stale:
            try:
                atomic_write_text(self.index_path, "".join(_line(records[stem]) for stem in sorted(records)))
            except OSError as exc:  # a read-only library is still listed
                log.info("Could not update the asset index %s: %s", self.index_path, exc)
        return sorted(records.values(), key=lambda r: (r.created, r.stem), reverse=True)

    def _read_index(self) -> tuple[dict[str, AssetRecord], int]:
        """The index's records by stem (a later line wins) and how many lines it has."""
        try:
            text = self.index_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}, 0
        except (OSError, ValueError) as exc:
            log.warning("Rebuilding the unreadable asset index %s: %s", self.index_path, exc)
            return {}, -1
        found: dict[str, AssetRecord] = {}
        lines = text.splitlines()
        for line in lines:
            try:
                record = AssetRecord.from_dict(json.loads(line))
            except ValueError:  # a damaged line (JSONDecodeError is one)
                continue
            found[record.stem] = record
        return found, len(lines)


def _line(record: AssetRecord) -> str:
    """``record``'s line in the index (its summary)."""
    return json.dumps(record.summary().to_dict(), ensure_ascii=False) + "\n"


def _ident(task_id: str) -> str:
    """The task id as it appears in file names (letters and digits)."""
    return re.sub(r"[^0-9A-Za-z]", "", task_id) or "local"


def _kind_names(record: AssetRecord) -> set[str]:
    """What a filter may call ``record``'s kind: its name, its console name, its catalog's name."""
    names = {record.kind.lower(), record.catalog.rpartition("/")[2].lower()}
    known = KINDS.get(record.kind)
    if known is not None and known.console:
        names.add(known.console.lower())
    return names


def matching(records: Sequence[AssetRecord], kind: str | None = None, text: str | None = None) -> list[AssetRecord]:
    """``records`` of ``kind`` (a kind, console name or catalog name: ``TEXT_TO_MODEL.name``, "rig",
    "Rigged") whose name, description or tags contain ``text`` (any case)."""
    found = list(records)
    if kind:
        found = [r for r in found if kind.lower() in _kind_names(r)]
    if text:
        needle = text.lower()
        found = [
            r
            for r in found
            if needle in r.name.lower() or needle in r.description.lower() or any(needle in t.lower() for t in r.tags)
        ]
    return found


# --------------------------------------------------------------------------- again and variant


def seed_names(kind: str) -> tuple[str, ...]:
    """The seed parameters of ``kind``'s client method (``image_seed``, ``model_seed``, ``texture_seed``)."""
    from ..client.client import TripoClient  # asked on a click, not at enable: the client loads then

    method = getattr(TripoClient, kind, None) if kind in KINDS else None
    if method is None:
        return ()
    return tuple(name for name in inspect.signature(method).parameters if name.endswith("_seed"))


def _base_problem(record: AssetRecord, now: float) -> str | None:
    kind = KINDS.get(record.kind)
    if kind is None or record.kind == FOLLOW_KIND:
        return (
            f"'{record.name}' was made elsewhere (followed by task id): the add-on never had its request, so it "
            "cannot send it again"
        )
    if kind.landing in (Landing.IMAGE, Landing.VIEWS, Landing.NONE):
        return f"'{record.name}' is a {kind.label} result: it has no model to make again"
    spec = record.request.get("spec")
    params = spec.get("params") if isinstance(spec, Mapping) else None
    if not isinstance(params, Mapping):
        return f"The asset '{record.name}' keeps no request (its record is damaged)"
    if kind.post_process:
        source = params.get(SOURCE_PARAM)
        if not (isinstance(source, str) and is_uuid(source)):
            return (
                f"'{record.name}' was made from a mesh of yours: drag it into the scene, select the source and use "
                f"right-click › Tripo › {kind.label}"
            )
        if now - record.created > TASK_RETENTION_DAYS * _DAY:
            return (
                f"'{record.name}' was made from a Tripo task that is {int((now - record.created) // _DAY)} days old; "
                f"Tripo keeps tasks about {TASK_RETENTION_DAYS} days. Drag the asset into the scene and use "
                f"right-click › Tripo › {kind.label}: its mesh is uploaded instead"
            )
    return None


def repeat_problem(record: AssetRecord, now: float) -> str | None:
    """Why Generate Again cannot send ``record``'s request (None: it can)."""
    return _base_problem(record, now)


def _known_seeds(record: AssetRecord) -> list[str]:
    spec = record.request.get("spec")
    params = spec.get("params", {}) if isinstance(spec, Mapping) else {}
    return [name for name in seed_names(record.kind) if isinstance(params.get(name), int)]


def variant_problem(record: AssetRecord, now: float) -> str | None:
    """Why Variant cannot send ``record``'s request with its seeds + 1 (None: it can)."""
    problem = _base_problem(record, now)
    if problem is not None:
        return problem
    if not seed_names(record.kind):
        return f"{KINDS[record.kind].label} takes no seed: use Generate Again"
    if not _known_seeds(record):
        return (
            f"Tripo chose the seeds of '{record.name}' and does not say which: there is no seed + 1. Use Generate "
            "Again (its result keeps its seeds, so Variant works on it) or set seeds in the panel"
        )
    return None


def again_spec(record: AssetRecord, *, variant: bool = False, now: float, rng: random.Random | None = None) -> JobSpec:
    """The job that sends ``record``'s request again.

    Generate Again (``variant=False``): the same parameters; every seed of the kind is new
    (chosen here and sent, so the new result knows its seeds) unless the request fixed it.
    Variant: every seed the request sent, + 1 (wrapping at the API's maximum). ``meta`` keeps how
    the result lands (mode, placement, the source task, presets), never the old scene's objects
    or 3D cursor: it lands at the cursor as it is now. Raises :class:`NotRepeatable`.
    """
    problem = variant_problem(record, now) if variant else repeat_problem(record, now)
    if problem is not None:
        raise NotRepeatable(problem)
    spec = record.spec
    params = thaw(spec.params)
    chosen = [str(n) for n in spec.meta.get(CHOSEN_SEEDS_META) or () if isinstance(n, str)]
    names = seed_names(spec.kind)
    if variant:
        for name in _known_seeds(record):
            params[name] = (int(params[name]) + 1) % (SEED_MAX + 1)
    else:
        pick = rng or random.SystemRandom()
        fixed = {n for n in names if isinstance(params.get(n), int) and n not in chosen}
        chosen = [n for n in names if n not in fixed]
        for name in chosen:
            previous = params.get(name)
            value = previous
            while value == previous:  # "new" means new
                value = pick.randint(1, SEED_MAX)
            params[name] = value
    meta = {key: thaw(spec.meta[key]) for key in _AGAIN_META if key in spec.meta}
    meta[FROM_ASSET_META] = record.task_id
    if chosen:
        meta[CHOSEN_SEEDS_META] = chosen
    return replace(spec, params=params, meta=meta)
