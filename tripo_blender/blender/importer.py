"""Bring a downloaded result file into the scene, ready to use.

Main thread only. The rules this module enforces, and why:

* Everything an import creates goes into **one collection**: a new one named after the job, or
  one the caller gives (a landing gives its batch's, :mod:`.batches`), so a result is easy to
  find, hide or delete, and nothing already in the scene is touched (``bpy.data.collections.new``
  never reuses a name, so nothing the user made is overwritten).
* What an import created is found by **difference** of ``bpy.data.objects`` before/after. This
  works the same for every importer and Blender version (the glTF importer of 4.2 ignores the
  active collection; 4.5+ can select created objects, 4.2 cannot).
* glTF rigs bring a hidden "Icosphere" bone shape: we ask the importer not to make it
  (``disable_bone_shape``) and delete any such helper that still appears.
* The importers' **grouping nodes that carry nothing** (an Empty with the identity transform, no
  animation or constraint: glTF's "RootNode (model correction matrix)") are folded away, their
  children keeping their place; the root rotates in Euler XYZ, the mode an artist types angles
  in (the glTF importer leaves quaternions). The file's names stay until the landing, which knows
  what the result is, names it (:mod:`.naming`): the importers' action names refer to them.
* The result is **placed at the 3D cursor by moving its root(s) only**: children keep their
  local transforms, so an armature and its skinned mesh are never rotated twice (the official
  add-on's bug). Several roots get a common Empty parent so the result moves as one.
* Every object is tagged with the task id and the job id as ID custom properties: they survive
  save/reload, and stay readable even when the add-on is disabled.
* One undo step per import: ``bpy.ops`` calls from Python push none (verified), so we push it.
* Importer options differ between Blender versions; every optional keyword is checked against
  the operator's RNA before it is passed.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import bpy
from mathutils import Matrix

from ..jobs.archive import MODEL_SUFFIXES, UnsafeArchiveError, model_in, refusal, unpack
from ..rules.settings import ImportOptions
from ..rules.tags import TASK_ID_PROP
from .decoders import Missing, missing_for

log = logging.getLogger(__name__)

#: The root's transform as the file gave it (before placement at the cursor), row-major 16 floats.
FILE_MATRIX_PROP = "tripo_file_matrix"
#: Tag values stamped on a result's objects and collection: strings (ids, types), or ints (times).
Tags = Mapping[str, "str | int"]


class ImportFailed(RuntimeError):
    """A result file could not be imported; the message says why and what to do."""


class MissingDecoder(ImportFailed):
    """This Blender lacks what the file needs (a Draco or meshopt decoder, a required glTF
    extension): nothing was imported, the file stays where it is. ``missing`` says what lacks."""

    def __init__(self, missing: Sequence[Missing], path: Path) -> None:
        self.missing = tuple(missing)
        self.path = path
        super().__init__(" ".join(m.sentence for m in self.missing))


@dataclass
class ImportResult:
    """What one import added to the scene."""

    collection: bpy.types.Collection
    objects: list[bpy.types.Object]
    root: bpy.types.Object
    actions: list[bpy.types.Action] = field(default_factory=list)


def operator_accepts(op: Any, name: str) -> bool:
    """True if the operator ``op`` (e.g. ``bpy.ops.import_scene.gltf``) has property ``name``."""
    try:
        return name in op.get_rna_type().properties.keys()
    except (KeyError, AttributeError):
        return False


def operator_exists(op: Any) -> bool:
    """``hasattr(bpy.ops.wm, x)`` is always True; asking for the RNA type is the real test."""
    try:
        op.get_rna_type()
    except (KeyError, AttributeError):
        return False
    return True


def _supported_kwargs(op: Any, wanted: Mapping[str, Any]) -> dict[str, Any]:
    """Keep only the keywords this Blender version's operator knows."""
    return {k: v for k, v in wanted.items() if operator_accepts(op, k)}


def _importer(suffix: str, options: ImportOptions) -> tuple[Any, dict[str, Any]] | None:
    """The import operator for a file suffix and the keywords we want for it (None: no importer)."""
    if suffix in (".glb", ".gltf"):
        # import_select_created_objects (4.5+): we select ourselves; the importer's own selection runs
        # an operator whose view-layer updates cost as much as the import in a full scene
        return bpy.ops.import_scene.gltf, {
            "import_shading": options.gltf_shading,
            "merge_vertices": options.merge_vertices,
            "disable_bone_shape": True,
            "import_select_created_objects": False,
        }
    if suffix == ".fbx":
        return bpy.ops.import_scene.fbx, {
            "use_anim": True,
            "ignore_leaf_bones": options.fbx_ignore_leaf_bones,
            "automatic_bone_orientation": options.fbx_automatic_bone_orientation,
        }
    if suffix == ".obj":
        return bpy.ops.wm.obj_import, {}
    if suffix == ".stl":
        return bpy.ops.wm.stl_import, {}
    if suffix in (".usdz", ".usdc", ".usda", ".usd"):
        return bpy.ops.wm.usd_import, {}
    return None


def can_import(path: str | os.PathLike[str]) -> bool:
    """Whether this Blender can import ``path`` (by suffix; a ZIP counts: its content decides).

    Some results are only files to keep (3MF for printing): the pump saves them and says where
    they are instead of failing the job.
    """
    suffix = Path(path).suffix.lower()
    if suffix == ".zip":
        return True
    found = _importer(suffix, ImportOptions())
    return found is not None and operator_exists(found[0])


#: Loggers of Blender's bundled importers that print INFO lines ("Data are loaded, start creating
#: Blender stuff", "glTF import finished in …") to the console on every import.
_CHATTY_LOGGERS = ("glTFImporter",)


def _warnings_and_up(record: logging.LogRecord) -> bool:
    return record.levelno >= logging.WARNING


@contextmanager
def _quiet_importers() -> Iterator[None]:
    """Keep the importers' INFO chatter out of the console while one of our imports runs.

    Why a filter and not a level: the glTF importer sets its logger's level itself on every run
    (from ``bpy.app.debug_value``), so a level set here would be overwritten. A logger filter is
    left alone, drops only records below WARNING (the importer's warnings and errors still show),
    and is removed afterwards, so the artist's own File › Import stays exactly as chatty as before.
    The add-on's own log lines are not affected.
    """
    loggers = [logging.getLogger(name) for name in _CHATTY_LOGGERS]
    for logger in loggers:
        logger.addFilter(_warnings_and_up)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeFilter(_warnings_and_up)


def _layer_of(layer: bpy.types.LayerCollection, collection: bpy.types.Collection) -> bpy.types.LayerCollection | None:
    """The layer collection of ``collection`` below ``layer`` (depth first), if it is in the view layer."""
    if layer.collection == collection:
        return layer
    for child in layer.children:
        found = _layer_of(child, collection)
        if found is not None:
            return found
    return None


@contextmanager
def _active_collection(collection: bpy.types.Collection) -> Iterator[None]:
    """Make ``collection`` the active one while an importer runs, then give the artist theirs back.

    Why: importers link what they create into the active collection; created there, the objects
    need no moving afterwards (each link and unlink dirties the view layer, whose update grows with
    the scene). Importers that ignore it (4.2's glTF) are caught up by :func:`_move_to_collection`.
    """
    view_layer = bpy.context.view_layer
    target = _layer_of(view_layer.layer_collection, collection) if view_layer is not None else None
    if view_layer is None or target is None:
        yield
        return
    previous = view_layer.active_layer_collection
    view_layer.active_layer_collection = target
    try:
        yield
    finally:
        view_layer.active_layer_collection = previous


def _run_importer(path: Path, options: ImportOptions) -> None:
    """Call the importer for ``path``'s format; raise :class:`ImportFailed` with a clear reason."""
    suffix = path.suffix.lower()
    found = _importer(suffix, options)
    if found is None:
        raise ImportFailed(f"Blender has no importer for '{suffix}' files; the file is in {path.parent}")
    op, kwargs = found
    if not operator_exists(op):
        raise ImportFailed(f"This Blender build has no importer for '{suffix}' files; the file is in {path.parent}")
    try:
        with _quiet_importers():
            result = _call_unevaluated(op, {"filepath": str(path), **_supported_kwargs(op, kwargs)})
    except (RuntimeError, TypeError) as exc:  # operators report failure as RuntimeError
        raise ImportFailed(f"Blender could not import {path.name}: {importer_message(exc)}") from exc
    if "FINISHED" not in result:
        raise ImportFailed(f"Blender could not import {path.name} (importer returned {sorted(result)})")


def _call_unevaluated(op: Any, kwargs: dict[str, Any]) -> set[str]:
    """Call the operator ``op`` as ``bpy.ops`` does, but without the view-layer update after it.

    Why: ``bpy.ops`` updates the view layer before and after every call. After an import that
    update rebuilds the scene's whole dependency graph for the new objects, and the landing then
    changes their parents (the folded Empties), names and place, which makes the next update
    rebuild it all over again: two rebuilds per landing where the importer alone needs one, the
    second costing as much as a third of the import in a scene of a few hundred objects
    (issue 25). So the importer runs with the update before it (as ``bpy.ops`` does: it may
    read the scene) and the landing updates the view layer once, when it is finished
    (:func:`evaluate`). Builds whose ``bpy.ops`` calls operators from C (Blender 5.3+) have no
    way to skip it; there the ordinary call is made.
    """
    call: Any = getattr(getattr(sys.modules.get("_bpy"), "ops", None), "call", None)
    if call is None or not hasattr(op, "idname_py"):
        return set(op(**kwargs))
    evaluate()  # the update before the call, as bpy.ops makes it (the importer may read the scene)
    return set(call(op.idname_py(), kwargs))


def evaluate() -> None:
    """Update the view layer (world matrices, the dependency graph) after the changes of a landing.

    Why: the importer runs without the update ``bpy.ops`` makes after it (:func:`_call_unevaluated`),
    so the landing makes it once all its changes are made: what it leaves in the scene is evaluated,
    as after any operator, and no later call pays for it.
    """
    view_layer = bpy.context.view_layer
    if view_layer is not None:
        view_layer.update()


#: The line of a Python traceback that names the exception: ``OSError: cannot open …``.
_EXCEPTION_LINE = re.compile(r"^(?:[A-Za-z_][\w.]*\.)?[A-Za-z_]\w*(?:Error|Exception|Warning|Exit): (?P<message>.+)$")


def importer_message(exc: BaseException) -> str:
    """What an importer's failure says, as one line an artist can read.

    An operator that fails reports ``RuntimeError("Error: Python: Traceback … OSError: <message>
    Location: <string>:3")``, or just ``"Error: <message>"``. The message is the exception line of
    the traceback (its text after the exception's type), else the first line; never the
    "Location:" line Blender appends, never a stack frame.
    """
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith("Location:")]
    for line in reversed(lines):
        found = _EXCEPTION_LINE.match(line)
        if found:
            return found.group("message").strip()
    if lines:
        first = re.sub(r"^(Error|Warning):\s*", "", lines[0])
        if first and not first.startswith("Python: Traceback"):
            return first
    return type(exc).__name__


def resolve_model_path(path: str | os.PathLike[str]) -> Path:
    """Return the file to import: the path itself, or the model inside a (safely extracted) ZIP.

    The job's worker already unpacked a downloaded ZIP and named the model file inside it
    (:func:`..jobs.archive.model_in`), so a landing normally gets that file. A ZIP path still
    arrives from a journal of an earlier version (Re-import of an old cache) or when the archive
    holds no model; the model is then looked up in the archive's listing, never by walking the
    unpacked folder (20,000 entries froze the landing tick for most of a second).
    """
    p = Path(path)
    if not p.is_file():
        raise ImportFailed(f"the downloaded file {p} is missing; re-download the result")
    if p.suffix.lower() != ".zip":
        return p
    try:
        unpack(p)  # normally done by the job's worker already
        model = model_in(p)
    except (UnsafeArchiveError, zipfile.BadZipFile) as exc:
        raise ImportFailed(refusal(p.name, exc) + " Re-import or Retry downloads it again.") from exc
    if model is None:
        raise ImportFailed(f"the archive holds no file Blender can import ({', '.join(MODEL_SUFFIXES)})")
    return model


#: The collection the glTF importer puts its helpers in (the bone-shape Icosphere): "glTF_not_exported".
_HELPER_COLLECTION = "glTF_not_exported"


def _remove_helpers(objects: Iterable[bpy.types.Object]) -> list[bpy.types.Object]:
    """Delete the importer helpers that must not stay in the scene (glTF's bone-shape Icosphere).

    Found by the collections they are in, not by each object's ``users_collection``: that
    property walks every collection of the file for every object it is asked about.
    """
    objects = list(objects)
    helper_collections = [c for c in bpy.data.collections if c.name.startswith(_HELPER_COLLECTION)]
    helpers = {ob for c in helper_collections for ob in c.objects}
    kept = [ob for ob in objects if ob not in helpers]
    doomed = [ob for ob in objects if ob in helpers]
    if doomed:
        bpy.data.batch_remove(doomed)
    for coll in helper_collections:
        if not coll.all_objects:
            bpy.data.collections.remove(coll)
    return kept


def _move_to_collection(objects: Sequence[bpy.types.Object], collection: bpy.types.Collection) -> None:
    """Link ``objects`` to ``collection`` only (importers that ignore the active collection: 4.2's glTF).

    An object linked once, and to ``collection``, is already there: asked first, so the usual
    case costs no ``users_collection`` (a walk over every collection of the file per object).
    """
    for ob in objects:
        if ob.users == 1 and collection.objects.get(ob.name) == ob:
            continue
        for c in list(ob.users_collection):
            if c != collection:
                c.objects.unlink(ob)
        if collection not in ob.users_collection:
            collection.objects.link(ob)


def _is_bare_empty(ob: bpy.types.Object) -> bool:
    """An Empty that only groups: identity transform, object parenting, no animation or constraint."""
    if not (
        ob.type == "EMPTY"
        and ob.parent_type == "OBJECT"
        and not ob.constraints
        and ob.animation_data is None
        and ob.instance_type == "NONE"
    ):
        return False
    basis = ob.matrix_basis  # read once: each read builds the matrix anew from the object's transform
    return all(abs(basis[r][c] - (r == c)) < 1e-6 for r in range(4) for c in range(4))


#: An exporter's node named after the file it came from ("PortalThing.fbx", "f486…524.fbx"): a
#: helper that only carries the exporter's axis or unit correction, not a part of the model.
_FILE_NODE = re.compile(r"\.(fbx|obj|glb|gltf|blend|dae|3ds|max|ma|mb|usd[acz]?|stl|ply|abc)(\.\d{3})?$", re.IGNORECASE)


def _is_file_node(ob: bpy.types.Object) -> bool:
    """An Empty named like a file, with nothing but a transform (no animation or constraint)."""
    return (
        ob.type == "EMPTY"
        and bool(_FILE_NODE.search(ob.name))
        and ob.parent_type == "OBJECT"
        and not ob.constraints
        and ob.animation_data is None
        and ob.instance_type == "NONE"
    )


def _folded_basis(ob: bpy.types.Object, child: bpy.types.Object) -> Matrix | None:
    """``child``'s basis with ``ob``'s transform folded in, when a basis can hold it exactly (a
    location, rotation and scale: no shear); None otherwise (``ob`` then stays)."""
    combined = ob.matrix_basis @ child.matrix_parent_inverse @ child.matrix_basis
    loc, rot, scale = combined.decompose()
    again = Matrix.LocRotScale(loc, rot, scale)
    if any(
        abs(again[r][c] - combined[r][c]) > 1e-5 * max(1.0, abs(combined[r][c])) for r in range(4) for c in range(4)
    ):
        return None
    return combined


def _fold_bare_empties(objects: list[bpy.types.Object]) -> list[bpy.types.Object]:
    """Remove the bare grouping Empties of an import; their children keep their world transform.

    A child's world matrix is ``parent.world @ empty.parent_inverse @ empty.basis @
    child.parent_inverse @ child.basis`` with ``empty.basis`` the identity, so moving the child up
    only has to fold the Empty's parent inverse into the child's (no scene evaluation needed). A
    root Empty is folded only when it has one child (that child becomes the root); with several
    it is the grouping the result needs anyway. Leaf Empties are left alone: they may be markers.

    An Empty named after a file ("PortalThing.fbx", Tripo's "<uuid>.fbx": an exporter's axis or
    unit correction) over a single child is folded too, its transform moved into the child's
    basis — only when the basis can hold it exactly (no shear), so nothing moves.
    """
    members = set(objects)
    removed: set[int] = set()  # id() of the wrappers: a removed object can no longer be hashed
    doomed: list[bpy.types.Object] = []

    def children_of(ob: bpy.types.Object) -> list[bpy.types.Object]:
        # not Object.children: that walks every object in the file, each time
        return [c for c in objects if c in members and c.parent == ob]

    for ob in list(objects):
        children = children_of(ob)
        if not _is_bare_empty(ob) or not children or (ob.parent not in members and len(children) > 1):
            continue
        parent = ob.parent if ob.parent in members else None
        for child in children:
            if parent is None:
                basis = child.matrix_parent_inverse @ child.matrix_basis
                child.parent = None
                child.matrix_parent_inverse = Matrix.Identity(4)
                child.matrix_basis = basis
            else:
                inverse = ob.matrix_parent_inverse @ child.matrix_parent_inverse
                child.parent = parent
                child.matrix_parent_inverse = inverse
        members.discard(ob)
        removed.add(id(ob))
        doomed.append(ob)
    for ob in [o for o in objects if id(o) not in removed]:  # after the bare ones: their children are final
        children = children_of(ob)
        if not _is_file_node(ob) or len(children) != 1:
            continue
        folded = _folded_basis(ob, children[0])
        if folded is None:
            continue
        _fold_into(ob, children[0], folded, ob.parent if ob.parent in members else None)
        members.discard(ob)
        removed.add(id(ob))
        doomed.append(ob)
    if doomed:  # at once: each removal scans the whole file for users, so one scan in a full scene, not one per Empty
        bpy.data.batch_remove(doomed)
    return [ob for ob in objects if id(ob) not in removed]


def _fold_into(ob: bpy.types.Object, child: bpy.types.Object, basis: Matrix, parent: bpy.types.Object | None) -> None:
    """Give ``child`` ``ob``'s place: its parent, its parent inverse, and ``basis`` (see
    :func:`_folded_basis`); the world transform stays the same."""
    inverse = ob.matrix_parent_inverse.copy() if parent is not None else Matrix.Identity(4)
    child.parent = parent
    child.matrix_parent_inverse = inverse
    child.matrix_basis = basis


def _single_root(objects: Sequence[bpy.types.Object], name: str, collection: bpy.types.Collection) -> bpy.types.Object:
    """Return the one root of the imported hierarchy, adding an Empty parent if there are several."""
    members = set(objects)
    roots = [ob for ob in objects if ob.parent not in members]
    if len(roots) == 1:
        return roots[0]
    outside = [ob for ob in roots if ob.parent is not None]  # a parent outside the import
    if outside:  # their world matrices as evaluated, read once before anything changes
        evaluate()
    worlds = {ob.name: ob.matrix_world.copy() for ob in outside}
    root = bpy.data.objects.new(name, None)
    root.empty_display_type = "PLAIN_AXES"
    collection.objects.link(root)
    for ob in roots:
        if ob.parent is None:  # its world matrix is its basis (read, not evaluated: see _call_unevaluated)
            basis = ob.matrix_basis.copy()
            ob.parent = root
            ob.matrix_parent_inverse = Matrix.Identity(4)
            ob.matrix_basis = basis
            continue
        ob.parent = root
        ob.matrix_world = worlds[ob.name]
    return root


def tag_objects(objects: Iterable[bpy.types.Object], tags: Tags) -> None:
    """Stamp objects with Tripo ids (ID properties: saved in the .blend, readable without the add-on)."""
    for ob in objects:
        for key, value in tags.items():
            ob[key] = value


def cursor_location(scene: bpy.types.Scene | None = None) -> tuple[float, float, float]:
    """Where a result lands by default: the 3D cursor (of ``scene``, else the current one) — the
    one place that decides it, read when the job is asked for (see :func:`..rules.landing_plan.location_of`)."""
    scene = scene if scene is not None else bpy.context.scene
    if scene is None:
        return (0.0, 0.0, 0.0)
    cursor = scene.cursor.location
    return (float(cursor.x), float(cursor.y), float(cursor.z))


def _context_scene() -> tuple[bpy.types.Scene, bpy.types.ViewLayer]:
    """The scene and view layer an import goes into (there is always one outside file loading)."""
    scene, view_layer = bpy.context.scene, bpy.context.view_layer
    if scene is None or view_layer is None:
        raise ImportFailed("there is no active scene to import into")
    return scene, view_layer


def _select_only(objects: Sequence[bpy.types.Object], active: bpy.types.Object) -> None:
    """Select ``objects`` only and make ``active`` active.

    Why no view-layer update first: objects just removed (folded Empties) stay listed as ``None``
    in ``view_layer.objects`` until the view layer is synced, and an update to sync it evaluates
    the whole scene — in a full scene the costliest step of a landing. ``select_set`` syncs the
    view layer's list itself, so the stale entries are skipped and an object not in the view
    layer (an excluded collection) is told by the error Blender raises for it.
    """
    _, view_layer = _context_scene()
    for ob in list(view_layer.objects.selected):
        if ob is not None:
            ob.select_set(False)
    for ob in objects:
        try:
            ob.select_set(True)
        except RuntimeError:  # not in this view layer
            continue
    try:
        view_layer.objects.active = active
    except (RuntimeError, ValueError):  # not in this view layer
        pass


def import_result(
    path: str | os.PathLike[str],
    *,
    name: str,
    tags: Tags,
    location: Sequence[float] | None = None,
    parent_collection: bpy.types.Collection | None = None,
    collection: bpy.types.Collection | None = None,
    options: ImportOptions = ImportOptions(),  # noqa: B008 - frozen dataclass: one shared default is safe
    undo_message: str | None = "Import Tripo result",
) -> ImportResult:
    """Import a result file into ``collection``, else a new collection ``name``, and return what
    was created.

    ``location`` defaults to the scene's 3D cursor. ``parent_collection`` (where a new collection
    goes) defaults to the scene's master collection; a given ``collection`` is used as it is (not
    tagged: it may hold other results). Raises :class:`ImportFailed` (nothing is left in the
    scene, and a given collection as it was) on failure, and :class:`MissingDecoder` before
    trying when this Blender cannot decode what the file needs (:mod:`.decoders`).
    """
    model = resolve_model_path(path)
    missing = missing_for(model)
    if missing:  # asked before importing: the importer would fail with a traceback, or worse, half-way
        raise MissingDecoder(missing, model)
    scene, _ = _context_scene()
    objects_before = set(bpy.data.objects)
    actions_before = set(bpy.data.actions)
    own = collection is None
    if collection is None:
        collection = bpy.data.collections.new(name)
        (parent_collection or scene.collection).children.link(collection)
    try:
        with _active_collection(collection):
            _run_importer(model, options)
    except ImportFailed:
        for ob in set(bpy.data.objects) - objects_before:
            bpy.data.objects.remove(ob, do_unlink=True)
        if own:
            bpy.data.collections.remove(collection)
        raise
    created = _remove_helpers(o for o in bpy.data.objects if o not in objects_before)
    if not created:
        if own:
            bpy.data.collections.remove(collection)
        raise ImportFailed(f"{model.name} contains no objects")
    _move_to_collection(created, collection)
    created = _fold_bare_empties(created)  # folding keeps world matrices: no view-layer update needed
    root = _single_root(created, name, collection)
    if root not in created:
        created.append(root)
    root.rotation_mode = "XYZ"  # converts the rotation: the matrix stays as it is
    set_file_matrix(root, root.matrix_basis)
    where = tuple(location) if location is not None else cursor_location(scene)
    root.location = (root.location.x + where[0], root.location.y + where[1], root.location.z + where[2])
    tag_objects(created, tags)
    if own:
        for key, value in tags.items():
            collection[key] = value
    _select_only(created, root)
    actions = [a for a in bpy.data.actions if a not in actions_before]
    if undo_message:
        evaluate()
        push_undo(undo_message)
    log.info(
        "imported %s: %d objects, %d actions into collection %r",
        model.name,
        len(created),
        len(actions),
        collection.name,
    )
    return ImportResult(collection=collection, objects=created, root=root, actions=actions)


def set_file_matrix(ob: bpy.types.Object, matrix: Matrix) -> None:
    """Remember the transform the file itself gave ``ob`` (see :func:`file_matrix`)."""
    ob[FILE_MATRIX_PROP] = [matrix[row][col] for row in range(4) for col in range(4)]


def file_matrix(ob: bpy.types.Object) -> Matrix | None:
    """The transform the file gave a result's root at import, or None (not imported by us).

    Files carry their own corrections (a glTF root rotated -90° about X, an FBX unit scale). A
    post-process result that takes its source's place must get the *user's* change to the source
    (``source.matrix_basis @ file_matrix(source).inverted()``) applied to its own file transform,
    not the source's file correction: a rig file without the correction would land tipped over.
    """
    try:
        values = list(ob[FILE_MATRIX_PROP])
    except (KeyError, TypeError):
        return None
    if len(values) != 16:
        return None
    return Matrix([values[i : i + 4] for i in range(0, 16, 4)])


#: Background mode (``blender -b``, bpy as a module) skips the undo push unless this variable is
#: "1": no one presses Ctrl+Z there, and a push copies the whole scene's changed data (42 ms at 600
#: objects vs 12 ms for the import itself). A script that wants the steps sets it.
UNDO_IN_BACKGROUND_ENV = "TRIPO_UNDO_IN_BACKGROUND"


def push_undo(message: str) -> None:
    """Make the import one undo step (operators called from Python push none by themselves)."""
    if bpy.app.background and os.environ.get(UNDO_IN_BACKGROUND_ENV) != "1":
        return
    try:
        bpy.ops.ed.undo_push(message=message)
    except RuntimeError as exc:  # no undo stack (e.g. some background contexts): not fatal
        log.debug("undo_push skipped: %s", exc)


def objects_with_task(task_id: str) -> list[bpy.types.Object]:
    """Objects in this file tagged with ``task_id``."""
    return [ob for ob in bpy.data.objects if task_id_of(ob) == task_id]


def task_id_of(ob: bpy.types.ID) -> str | None:
    """The Tripo task id stamped on ``ob`` by an import, if any."""
    return string_tag(ob, TASK_ID_PROP)


def tag_value(ob: bpy.types.ID, name: str) -> Any:
    """The ID property ``name`` of ``ob`` (one of our tags), or None when it is not there: tags are
    plain custom properties a user can edit or delete."""
    try:
        return ob[name]
    except KeyError:
        return None


def string_tag(ob: bpy.types.ID, name: str) -> str | None:
    """The string ID property ``name`` of ``ob`` (one of our tags), if it is there and a string;
    anything else reads as absent."""
    value = tag_value(ob, name)
    return value if isinstance(value, str) else None
