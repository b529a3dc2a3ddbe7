"""Names a landed result gets: what an artist reads in the Outliner.

Why: the files Tripo returns name their nodes after whatever made them ("RootNode (gltf
orientation matrix)", "tripo_node_<uuid>", "Cylinder"), and every later result of the same
character re-imports the same names with ".001". In the Outliner that reads as noise; the job
the artist started is what identifies a result. So the root of every result is named after its
job's *character* — the name of the generation it descends from ("a small cat statue", or the
name given to the job) — with what the step did: "Knight (textured)", "Knight (rigged)",
"Knight (FBX)", "Knight parts"; actions are "Knight – walk".

The character's name is stamped on the root (:data:`CHARACTER_PROP`), so a chain of steps keeps
it ("Knight (rigged)", not "Knight (textured) (rigged)") even after the collection is renamed.
Objects, meshes and materials named by the file keep a name that means something (part names of
a segmentation are the parts' names to Tripo); generic ones (uuids, "Material") and data blocks
are named after what they belong to. No side effects beyond renaming.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Set as AbstractSet

import bpy

from ..rules.result_names import followed_character, followed_result_name, result_name
from ..rules.tags import strip_duplicate_suffix
from .importer import string_tag

__all__ = [
    "CHARACTER_PROP",
    "result_name",
    "character_of",
    "followed_character",
    "followed_result_name",
    "action_name",
    "name_result",
]

#: On a result's root and its collection: the character the result belongs to ("Knight").
CHARACTER_PROP = "tripo_character"

#: Names a file gives that say nothing: Tripo's ids, uuids, Blender's and exporters' defaults.
_GENERIC = re.compile(
    r"^(tripo_\w*?_?[0-9a-f]{8}[-0-9a-f]*|[0-9a-f]{8}-?[-0-9a-f]{8,}|material|mesh|node|object|"
    r"default(_?material)?|untitled|root(node)?|scene)$",
    re.IGNORECASE,
)


def _clean(name: str) -> str:
    return strip_duplicate_suffix(name.strip())


def character_of(root: bpy.types.Object | None, fallback: str) -> str:
    """The character ``root`` belongs to: its stamp, else its own name (a result landed before
    this version, or an object the user made), else ``fallback``."""
    if root is None:
        return fallback
    stamped = string_tag(root, CHARACTER_PROP)
    if stamped and stamped.strip():
        return stamped
    return _clean(root.name) or fallback


def action_name(character: str, animation: str) -> str:
    """``Knight – walk``: the character's name with the animation's."""
    return f"{character} – {animation}"


def _rename_materials(objects: Iterable[bpy.types.Object], name: str) -> None:
    """Materials only this result uses: "<result> – <file's name>", or "<result> material"."""
    ours = set(objects)
    seen: list[bpy.types.Material] = []
    for ob in ours:
        for slot in getattr(ob, "material_slots", ()):
            material = slot.material
            if material is not None and material not in seen:
                seen.append(material)
    generic = [m for m in seen if _GENERIC.match(_clean(m.name))]
    for material in seen:
        if not _only_ours(material, ours):  # shared with something else in the file: not ours to rename
            continue
        if material in generic:
            number = f" {generic.index(material) + 1}" if len(generic) > 1 else ""
            material.name = f"{name} material{number}"
        else:
            material.name = f"{name} – {_clean(material.name)}"


def _only_ours(material: bpy.types.Material, ours: AbstractSet[bpy.types.Object]) -> bool:
    """Whether only objects of ``ours`` use ``material``.

    Counted first from the material's own user count: when the slots of our objects' data (used
    by no other object) and our object-linked slots account for every user, nothing else has it —
    a freshly imported material, in a file of any size. Otherwise every object of the file is
    asked (a walk that grows with the scene, so not the usual path).
    """
    datas: dict[bpy.types.ID, int] = {}
    for ob in ours:
        if ob.data is not None and hasattr(ob.data, "materials"):
            datas[ob.data] = datas.get(ob.data, 0) + 1
    if all(data.users == count for data, count in datas.items()):
        counted = sum(1 for data in datas for m in getattr(data, "materials") if m == material)
        counted += sum(
            1 for ob in ours for slot in ob.material_slots if slot.link == "OBJECT" and slot.material == material
        )
        if counted == material.users:
            return True
    users = {ob for ob in bpy.data.objects if any(s.material == material for s in ob.material_slots)}
    return users <= ours


def _step_name(base: str, step: str, taken: AbstractSet[str]) -> str:
    """``PortalFrame`` of a result whose step is "(textured)": "PortalFrame (textured)"; without a
    step (a second generation) the first free "PortalFrame 2", "PortalFrame 3"… Short, because
    the Outliner shows it under its result already. ``taken``: the object names in use (a set:
    asking ``bpy.data.objects`` scans every object, and the hundredth crate tries 99 numbers)."""
    if step and f"{base} {step}" not in taken:
        return f"{base} {step}"
    number = 2
    while f"{base} {number}" in taken:
        number += 1
    return f"{base} {number}"


def _free_name(name: str, root: bpy.types.Object, collection: bpy.types.Collection | None) -> str:
    """``name``, or "``name`` 2", "``name`` 3"… — the first that no other object and no other
    collection has: a second "Knight (textured)" must not become "Knight (textured).001"."""

    def taken(candidate: str) -> bool:
        other = bpy.data.objects.get(candidate)
        group = bpy.data.collections.get(candidate) if collection is not None else None
        return (other is not None and other != root) or (group is not None and group != collection)

    if not taken(name):
        return name
    number = 2
    while taken(f"{name} {number}"):
        number += 1
    return f"{name} {number}"


def name_result(
    root: bpy.types.Object,
    objects: Iterable[bpy.types.Object],
    name: str,
    character: str,
    collection: bpy.types.Collection | None = None,
) -> None:
    """Name a landed result: its root (and collection) ``name`` — numbered when another result has
    it ("Knight (textured) 2") — stamped with ``character``; generic object names after the
    result, each object's data after its object, materials as :func:`_rename_materials` says."""
    objects = list(objects)
    name = _free_name(name, root, collection)
    root.name = name
    root[CHARACTER_PROP] = character
    if collection is not None:
        collection.name = name
        collection[CHARACTER_PROP] = character
    others = [ob for ob in objects if ob is not root and _GENERIC.match(_clean(ob.name))]
    for index, ob in enumerate(others, 1):
        ob.name = f"{name} {ob.type.lower()}{f' {index}' if len(others) > 1 else ''}"
    step = name[len(character) :].strip() if name.startswith(character) else ""  # "(textured)", "parts"
    # the file's own name, taken by an earlier result: say which step, not ".001"
    numbered = [ob for ob in objects if ob is not root and ob not in others and _clean(ob.name) != ob.name.strip()]
    taken = set(bpy.data.objects.keys()) if numbered else set()
    for ob in numbered:
        ob.name = _step_name(_clean(ob.name), step, taken)
        taken.add(ob.name)
    for ob in objects:
        data = ob.data
        if data is not None and data.users == 1:
            data.name = ob.name
    _rename_materials(objects, name)
