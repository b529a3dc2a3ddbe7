"""Every landed result kept as an asset of the "Tripo" asset library (issue 24).

After a result lands (the pump's :attr:`.runtime.Runtime.after_landing` hook, set while the add-on
is enabled), :func:`keep` writes it to ``<library>/<name> <task>.blend`` as one asset, unless
Preferences › "Keep Results as Assets" is off. The library folder is Preferences › "Asset Library
Folder", by default ``assets`` in the extension's user folder; :func:`register_library` adds it to
Blender's asset libraries (Preferences › File Paths) when the artist asks for it, never by itself.

What the .blend holds, and why:

* **The result as Blender drags it in**: a collection of the result's objects — the whole
  hierarchy, a rig's armature with its skinned meshes and its actions (they come along as what
  the armature uses). Dropping a collection asset makes a collection instance by default, and the
  drop's "Instance" option gives the objects themselves. The collection's instance offset is the
  result's root, so it lands where it is dropped. A root the landing parented to an object of the
  scene (a post-process placed like its source) is written without that parent: the asset never
  takes a piece of the artist's scene with it.
* **Blender 4.3, 4.4, 5.0 and 5.1 drop a collection's preview** when ``bpy.data.libraries.write``
  copies it (verified on 4.3.2, Debian trixie's, in its window and in background mode, and on 5.0.1
  and 5.1.2; 4.4 is not tested and assumed like 4.3; 4.2, 4.5, 5.2 and 5.3 keep it; Blender's
  ``collection_copy_data`` never copies previews there). On those the asset is an Empty instancing
  that collection, whose preview survives: dropped, it gives the same collection instance.
* **Its preview**: the server's ``rendered_image`` (Blender 4.2+ reads Tripo's WebP, PNG and JPEG
  itself, scaled to at most 256 pixels through the Python API: the preview operator crashed); a
  result without one, or one Blender cannot read, gets Blender's own preview of its largest mesh when Blender can
  render one at once (background mode), else none.
* **Its metadata**: the prompt as description, author "Tripo", tags (kind, model version, options),
  the catalog of its kind (``blender_assets.cats.txt``, stable UUIDs), and the request
  (:data:`..jobs.asset_index.REQUEST_PROP`, JSON) — the journal's whitelist, never the key.
* The objects keep their tags (task id, creation time, rig facts), so once dragged into a scene
  the right-click menu follows the task while Tripo keeps it and uploads the mesh after.

The record and index (what ``tripo.assets()`` lists without opening a .blend) are
:mod:`..jobs.asset_index`. Writing costs a few milliseconds on the main thread for a typical
result (``bench/asset_write.py``). Nothing here may fail a landing: a folder that cannot be written
says so once per session in the job's note (then only in the log), and the result stays in the scene.
"""

from __future__ import annotations

import json
import logging
import os
import time
import uuid
from array import array
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import bpy
from mathutils import Vector

from ..jobs import Job
from ..jobs.asset_index import REQUEST_PROP, AssetIndex, AssetRecord, catalog_id, ensure_catalogs, make_record
from ..jobs.kinds import THUMBNAIL_OUTPUT
from ..jobs.model import thaw
from ..rules.tags import JOB_ID_PROP
from .actions import armature_using
from .importer import push_undo
from .runtime import runtime
from .settings import get_preferences

if TYPE_CHECKING:
    from .landing import Landing

__all__ = [
    "LIBRARY_NAME",
    "AUTHOR",
    "INSTANCER_SUFFIX",
    "library_folder",
    "keep",
    "write_asset",
    "registered_entry",
    "register_library",
    "import_asset",
    "record_at",
    "CLASSES",
    "register_extra",
    "unregister_extra",
]

log = logging.getLogger(__name__)

#: The name of the library in Blender's Preferences › File Paths › Asset Libraries.
LIBRARY_NAME = "Tripo"
AUTHOR = "Tripo"
#: The data folder (below the extension's user folder) of the default library.
DEFAULT_FOLDER = "assets"
#: The instancing Empty's name (where a collection loses its preview: 4.3, 4.4, 5.0, 5.1) when an
#: object already has the result's name (its root).
INSTANCER_SUFFIX = " (asset)"
#: The longest side of a preview read from Tripo's image (Blender's own previews are 256 pixels).
PREVIEW_PIXELS = 256
#: Blender versions whose ``libraries.write`` drops a collection's preview (see the module docstring).
_COLLECTION_PREVIEW_LOST = (4, 3, 0) <= bpy.app.version < (4, 5, 0) or (5, 0, 0) <= bpy.app.version < (5, 2, 0)
#: Folders that already said they cannot be written, this session (one note per folder).
_refused: set[str] = set()


def library_folder() -> Path:
    """The Tripo library's folder: the preference, else ``assets`` in the add-on's user folder."""
    prefs = get_preferences()
    chosen = str(getattr(prefs, "asset_library_dir", "") or "").strip()
    return Path(bpy.path.abspath(chosen)) if chosen else runtime.storage(DEFAULT_FOLDER)


def _keeping() -> bool:
    prefs = get_preferences()
    return prefs is None or bool(getattr(prefs, "keep_assets", True))


# --------------------------------------------------------------------------- after a landing


def keep(job: Job, files: Mapping[str, str], landing: Landing) -> Landing:
    """The pump's hook after ``job`` landed: keep the result as an asset; return the landing,
    with a note when the library folder cannot be written (once per folder and session). Never
    raises: the result is in the scene whatever happens here."""
    if not _keeping() or not job.task_id:
        return landing
    try:
        objects = _result_objects(job, landing)
        if not objects:
            return landing  # images, data (a riggability check), a file Blender cannot open
        folder = library_folder()
        started = time.perf_counter()
        record = write_asset(job, files, objects, folder)
        log.info(
            "Kept %r as an asset in %s (%.1f ms)",
            record.name,
            folder / record.blend_name,
            (time.perf_counter() - started) * 1e3,
        )
    except OSError as exc:
        return replace(landing, note=_joined(landing.note, _refusal(exc)))
    except Exception:  # noqa: BLE001 - an asset is a bonus; the landing has succeeded
        log.exception("Job %s: could not keep the result as an asset", job.id)
    return landing


def _joined(*notes: str) -> str:
    return " ".join(n for n in notes if n)


def _refusal(exc: OSError) -> str:
    """The note for a library folder that refused a write: once per folder and session."""
    folder = str(library_folder())
    log.warning("Could not keep a Tripo result as an asset in %s: %s", folder, exc)
    if folder in _refused:
        return ""
    _refused.add(folder)
    reason = exc.strerror or str(exc)
    return (
        f"Not kept as an asset: the asset library folder {folder} cannot be written ({reason}); choose "
        "another in Preferences › Add-ons › Tripo."
    )


def _tag(action: bpy.types.ID) -> Any:
    try:
        return action[JOB_ID_PROP]
    except KeyError:
        return None


def _result_objects(job: Job, landing: Landing) -> list[bpy.types.Object]:
    """The objects of the result: the landing's, or for a retarget (its actions went onto an
    existing armature) that armature's whole result with every action it now has."""
    if landing.objects:
        return [ob for ob in landing.objects if ob.name in bpy.data.objects]
    armature = armature_using(a for a in bpy.data.actions if _tag(a) == job.id)
    if armature is None:
        return []
    from .sources import source_of  # loaded by the landing that came before (not at enable)

    root = source_of(armature).root or armature
    return [root, *root.children_recursive]


# --------------------------------------------------------------------------- writing


def write_asset(job: Job, files: Mapping[str, str], objects: Sequence[bpy.types.Object], folder: Path) -> AssetRecord:
    """Write ``objects`` as ``job``'s asset into ``folder`` and index it; a task already kept is
    not written twice. Raises OSError when the folder cannot be written."""
    folder.mkdir(parents=True, exist_ok=True)
    index = AssetIndex(folder)
    existing = index.for_task(job.task_id or "")
    if existing is not None:
        return existing
    name = _result_name(job, objects)
    stem = index.new_stem(name, job.task_id or job.id)
    record = make_record(job, stem, name)
    ensure_catalogs(folder, [record.catalog])
    with _asset_datablock(name, objects) as asset:
        _describe(asset, record)
        preview = _preview(asset, files.get(THUMBNAIL_OUTPUT), objects)
        record = replace(
            record,
            preview=preview,
            datablock=_datablock_type(asset),
            datablock_name="" if asset.name == name else str(asset.name),
        )
        bpy.data.libraries.write(str(index.blend_path(stem)), {asset}, fake_user=True, path_remap="ABSOLUTE")
    index.add(record)
    return record


def _result_name(job: Job, objects: Sequence[bpy.types.Object]) -> str:
    """The asset's name: the result's root ("a small cat statue", "Knight (rigged)"); a
    retarget's is the job's ("Animate Knight (walk)"): its root is the rig it animated."""
    if not job.spec.meta.get("presets"):
        members = set(objects)
        root = next((ob for ob in objects if ob.parent not in members), None)
        if root is not None:
            return str(root.name)
    return job.name


@contextmanager
def _borrowed_name(ids: Any, name: str) -> Iterator[None]:
    """Free ``name`` in ``ids`` (``bpy.data.collections``) for the block: an ID of the artist's
    that has it (the landing's own collection) is renamed for these milliseconds and back. It
    is never written (a collection is no object's dependency), so the asset keeps the name."""
    holder = ids.get(name)
    if holder is not None:
        holder.name = f"~tripo {uuid.uuid4().hex[:12]}"
    try:
        yield
    finally:
        if holder is not None:
            holder.name = name


@contextmanager
def _detached(roots: Sequence[bpy.types.Object]) -> Iterator[None]:
    """Roots parented to an object outside the result, unparented for the block (see the module
    docstring); their parent relation is put back exactly as it was."""
    saved = [
        (ob, ob.parent, ob.parent_type, ob.parent_bone, ob.matrix_parent_inverse.copy())
        for ob in roots
        if ob.parent is not None
    ]
    for ob, *_ in saved:
        ob.parent = None
    try:
        yield
    finally:
        for ob, parent, parent_type, bone, inverse in saved:
            ob.parent = parent
            ob.parent_type = parent_type
            if parent_type == "BONE":
                ob.parent_bone = bone
            ob.matrix_parent_inverse = inverse


@contextmanager
def _asset_datablock(name: str, objects: Sequence[bpy.types.Object]) -> Iterator[Any]:
    """The datablock to mark and write: a temporary collection named ``name`` holding ``objects``
    (where a collection loses its preview, an Empty instancing it). Both are removed afterwards;
    the artist's objects are as they were."""
    members = set(objects)
    roots = [ob for ob in objects if ob.parent not in members]
    with _borrowed_name(bpy.data.collections, name):
        collection = bpy.data.collections.new(name)
        instancer = None
        try:
            for ob in objects:
                collection.objects.link(ob)
            with _detached(roots):
                if roots:
                    collection.instance_offset = roots[0].matrix_basis.to_translation()
                asset: Any = collection
                if _COLLECTION_PREVIEW_LOST:
                    label = name if bpy.data.objects.get(name) is None else name + INSTANCER_SUFFIX
                    instancer = bpy.data.objects.new(label, None)
                    instancer.instance_type = "COLLECTION"
                    instancer.instance_collection = collection
                    asset = instancer
                yield asset
        finally:
            if instancer is not None:
                bpy.data.objects.remove(instancer)
            bpy.data.collections.remove(collection)


def _datablock_type(asset: Any) -> str:
    return "objects" if isinstance(asset, bpy.types.Object) else "collections"


def _describe(asset: Any, record: AssetRecord) -> None:
    """Mark ``asset`` and give it the record's description, tags, catalog and request."""
    asset.asset_mark()
    data = asset.asset_data
    data.description = record.description
    data.author = AUTHOR
    data.catalog_id = catalog_id(record.catalog)
    for tag in record.tags:
        data.tags.new(tag, skip_if_exists=True)
    asset[REQUEST_PROP] = json.dumps(thaw(record.request), ensure_ascii=False)


def _has_preview(datablock: Any) -> bool:
    preview = getattr(datablock, "preview", None)
    return preview is not None and preview.image_size[0] > 0


def _preview(asset: Any, image: str | None, objects: Sequence[bpy.types.Object]) -> str:
    """Give ``asset`` its preview: ``"server"`` (Tripo's image), ``"generated"`` (Blender's), ``""``."""
    if image and os.path.isfile(image) and _preview_from_image(asset, image):
        return "server"
    meshes = sorted(
        (ob for ob in objects if ob.type == "MESH"), key=lambda ob: len(getattr(ob.data, "vertices", ())), reverse=True
    )
    if not meshes:
        return ""
    meshes[0].asset_generate_preview()  # synchronous in background mode; a job (too late for us) in the UI
    generated: Any = meshes[0].preview
    pixels = generated.image_pixels_float[:] if generated is not None and generated.image_size[0] else ()
    if not any(pixels):
        return ""
    target = asset.preview_ensure()
    target.image_size = tuple(generated.image_size)
    target.image_pixels_float.foreach_set(pixels)
    return "generated"


# --------------------------------------------------------------------------- reading back


def _preview_from_image(asset: Any, path: str) -> bool:
    """Set ``asset``'s preview from the image file at ``path``, scaled to at most
    :data:`PREVIEW_PIXELS`; False when Blender cannot read it.

    Why not ``ed.lib_id_load_custom_preview``: that operator, called on an ID this module made a
    moment ago (the temporary collection, or the Empty instancing it), crashed Blender 4.2 and
    5.0 now and then after a run of landings (a segmentation fault in the operator). Reading the
    pixels through the Python API and writing them into ``preview_ensure()`` gives the same
    preview with no operator and no context.
    """
    try:
        picture = bpy.data.images.load(path, check_existing=False)
    except RuntimeError as exc:
        log.info("Blender cannot read the preview %s (%s); using its own preview of the result", path, exc)
        return False
    try:
        width, height = picture.size
        if width <= 0 or height <= 0:
            return False
        factor = min(1.0, PREVIEW_PIXELS / max(width, height))
        size = (max(1, round(width * factor)), max(1, round(height * factor)))
        if size != (width, height):
            picture.scale(*size)
        pixels = array("f", bytes(4 * 4 * size[0] * size[1]))
        picture_pixels: Any = picture.pixels  # a bpy_prop_array (the stubs say float)
        picture_pixels.foreach_get(pixels)
        target = asset.preview_ensure()
        target.image_size = size
        target.image_pixels_float.foreach_set(pixels)
        return _has_preview(asset)
    except RuntimeError as exc:  # an image Blender lists but cannot decode ("unsupported image format")
        log.info("Blender cannot read the preview %s (%s); using its own preview of the result", path, exc)
        return False
    finally:
        bpy.data.images.remove(picture)


def record_at(path: str | os.PathLike[str]) -> AssetRecord | None:
    """The record of the Tripo asset in the .blend at ``path`` (None: not one of ours)."""
    where = Path(path)
    return AssetIndex(where.parent).record(where.stem) if where.suffix == ".blend" else None


def import_asset(record: AssetRecord, folder: Path, location: Sequence[float]) -> list[bpy.types.Object]:
    """Append ``record``'s result into the current scene as real objects (not an instance), its
    root at ``location``, as one undo step; the new objects, roots first. Raises OSError when
    the .blend is missing and ValueError when it holds no such result."""
    path = folder / record.blend_name
    if not path.is_file():
        raise FileNotFoundError(f"The asset file {path} is gone (deleted or moved)")
    collection_name = record.name
    libraries: Any = bpy.data.libraries  # the stubs do not know load() is a context manager
    with libraries.load(str(path), link=False) as (source, loaded):
        if collection_name not in source.collections:
            raise ValueError(f"{path} holds no collection {collection_name!r}")
        loaded.collections = [collection_name]
    collection = loaded.collections[0]
    if collection.asset_data is not None:
        collection.asset_clear()
    if REQUEST_PROP in collection:
        del collection[REQUEST_PROP]
    scene = bpy.context.scene
    if scene is None:
        raise ValueError("There is no scene to import the asset into")
    scene.collection.children.link(collection)
    objects = list(collection.all_objects)
    members = set(objects)
    roots = [ob for ob in objects if ob.parent not in members]
    offset = Vector(location) - Vector(collection.instance_offset)
    for root in roots:
        root.location = root.location + offset
    collection.instance_offset = tuple(location)
    push_undo(f"Import Tripo asset {record.name}")
    return sorted(objects, key=lambda ob: ob.parent in members)


# --------------------------------------------------------------------------- Blender's asset libraries


def _same_folder(a: str, b: Path) -> bool:
    return bool(a) and os.path.normcase(os.path.normpath(bpy.path.abspath(a))) == os.path.normcase(
        os.path.normpath(str(b))
    )


def _preferences() -> Any:
    return bpy.context.preferences


def registered_entry() -> Any | None:
    """The entry of Blender's asset libraries that is the Tripo library's folder (None: not added)."""
    folder = library_folder()
    return next(
        (
            lib
            for lib in _preferences().filepaths.asset_libraries
            if _same_folder(str(getattr(lib, "path", "")), folder)
        ),
        None,
    )


def register_library() -> str:
    """Add the Tripo library to Blender's asset libraries (or point its "Tripo" entry at the
    current folder); returns what was done. The preferences are marked changed so Blender saves
    them. Raises OSError when the folder cannot be created."""
    folder = library_folder()
    folder.mkdir(parents=True, exist_ok=True)
    entry = registered_entry()
    if entry is not None:
        return f"The Tripo library is already in Blender's asset libraries as '{entry.name}'"
    libraries = _preferences().filepaths.asset_libraries
    named = libraries.get(LIBRARY_NAME)
    if named is not None:  # added for the folder the preference named before
        done = f"Blender's asset library '{LIBRARY_NAME}' pointed at {named.path}; it now points at {folder}"
        named.path = str(folder)
    else:
        libraries.new(name=LIBRARY_NAME, directory=str(folder))
        done = f"Added '{LIBRARY_NAME}' ({folder}) to Blender's asset libraries: the Asset Browser lists your results"
    _preferences().is_dirty = True
    return done


CLASSES: tuple[type, ...] = ()


def register_extra() -> None:
    """The pump keeps every landed result from now on."""
    runtime.after_landing = keep


def unregister_extra() -> None:
    if runtime.after_landing is keep:
        runtime.after_landing = None
    _refused.clear()
