"""Minimal binary-FBX reader/writer, enough to rename and drop animation takes.

Why this exists: Tripo's ``animate_retarget`` with ``out_format=fbx`` returns one take per
requested preset. To emulate that with a real, importable file we take ``Skeleton.fbx``
(5 takes), keep the first N animation stacks renamed after the presets and drop the rest.
That needs a lossless parse/re-serialise of the binary node tree; property payloads we do not
edit (arrays, raw blobs) are kept as opaque bytes so untouched data round-trips byte-for-byte.

Format notes (FBX 7.x binary): 27-byte header, then node records
``endOffset, numProperties, propertyListLen, nameLen, name, properties, [children..., null record]``
(offsets are u32 before version 7500, u64 from 7500 on), a top-level null record, then a footer.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Any

MAGIC = b"Kaydara FBX Binary  \x00\x1a\x00"
_FOOT_ID = bytes((0xFA, 0xBC, 0xAB, 0x09, 0xD0, 0xC8, 0xD4, 0x66, 0xB1, 0x76, 0xFB, 0x83, 0x1C, 0xF7, 0x26, 0x7E))
_FOOT_MAGIC = bytes((0xF8, 0x5A, 0x8C, 0x6A, 0xDE, 0xF5, 0xD9, 0x7E, 0xEC, 0xE9, 0x0C, 0xE3, 0x75, 0x8F, 0x29, 0x0B))
#: Separator FBX uses between an object's name and its class in ``S`` name properties.
NAME_CLASS_SEP = b"\x00\x01"

_SCALARS: dict[str, str] = {"Y": "<h", "C": "<?", "I": "<i", "F": "<f", "D": "<d", "L": "<q"}
_ARRAYS = frozenset("fdlib")


class FbxError(ValueError):
    """The bytes are not a binary FBX this module understands."""


@dataclass
class Prop:
    """One node property. ``value`` is decoded for scalars and strings, raw bytes otherwise."""

    code: str
    value: Any


@dataclass
class Node:
    """One FBX node record.

    ``children`` is None when the record has no nested list at all, and a (possibly empty) list
    when it has one; the distinction matters for a byte-exact round trip.
    """

    name: str
    props: list[Prop] = field(default_factory=list)
    children: list[Node] | None = None

    def find(self, name: str) -> Node | None:
        """First direct child called ``name``."""
        return next((c for c in self.children or [] if c.name == name), None)

    def find_all(self, name: str) -> list[Node]:
        """All direct children called ``name``."""
        return [c for c in self.children or [] if c.name == name]


@dataclass
class Document:
    """A parsed file: version, top-level nodes, and whatever footer bytes followed them."""

    version: int
    nodes: list[Node]

    def top(self, name: str) -> Node | None:
        """First top-level node called ``name``."""
        return next((n for n in self.nodes if n.name == name), None)


# --------------------------------------------------------------------------- reading


class _Reader:
    def __init__(self, data: bytes, version: int) -> None:
        self.data = data
        self.pos = 0
        self.wide = version >= 7500

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise FbxError("unexpected end of FBX data")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def unpack(self, fmt: str) -> Any:
        size = struct.calcsize(fmt)
        return struct.unpack(fmt, self.take(size))[0]

    def prop(self) -> Prop:
        code = self.take(1).decode("ascii")
        if code in _SCALARS:
            return Prop(code, self.unpack(_SCALARS[code]))
        if code in _ARRAYS:
            _length, _encoding, byte_len = struct.unpack("<III", self.data[self.pos : self.pos + 12])
            return Prop(code, self.take(12 + byte_len))
        if code in ("S", "R"):
            length = self.unpack("<I")
            return Prop(code, self.take(length))
        raise FbxError(f"unknown FBX property type {code!r}")

    def node(self) -> Node | None:
        fmt = "<QQQ" if self.wide else "<III"
        end, num_props, _props_len = struct.unpack(fmt, self.take(struct.calcsize(fmt)))
        name_len = self.take(1)[0]
        if end == 0:
            return None  # null record: end of a nested list
        node = Node(self.take(name_len).decode("utf-8", "replace"))
        node.props = [self.prop() for _ in range(num_props)]
        if self.pos < end:
            node.children = []
            while (child := self.node()) is not None:
                node.children.append(child)
        if self.pos != end:
            raise FbxError(f"node {node.name!r} ends at {self.pos}, expected {end}")
        return node


def parse(data: bytes) -> Document:
    """Parse binary FBX bytes into a :class:`Document` (footer is regenerated on write)."""
    if not data.startswith(MAGIC):
        raise FbxError("not a binary FBX file")
    version = struct.unpack_from("<I", data, len(MAGIC))[0]
    reader = _Reader(data, version)
    reader.pos = len(MAGIC) + 4
    nodes: list[Node] = []
    while (node := reader.node()) is not None:
        nodes.append(node)
    return Document(version, nodes)


# --------------------------------------------------------------------------- writing


def _encode_prop(prop: Prop) -> bytes:
    code = prop.code.encode("ascii")
    if prop.code in _SCALARS:
        return code + struct.pack(_SCALARS[prop.code], prop.value)
    if prop.code in _ARRAYS:
        return code + bytes(prop.value)
    return code + struct.pack("<I", len(prop.value)) + bytes(prop.value)


class _Writer:
    def __init__(self, version: int) -> None:
        self.out = bytearray()
        self.wide = version >= 7500
        self.head_fmt = "<QQQ" if self.wide else "<III"
        self.null_record = b"\x00" * (struct.calcsize(self.head_fmt) + 1)

    def node(self, node: Node) -> None:
        start = len(self.out)
        props = b"".join(_encode_prop(p) for p in node.props)
        name = node.name.encode("utf-8")
        self.out += b"\x00" * struct.calcsize(self.head_fmt)  # patched below
        self.out += bytes((len(name),)) + name + props
        if node.children is not None:
            for child in node.children:
                self.node(child)
            self.out += self.null_record
        struct.pack_into(self.head_fmt, self.out, start, len(self.out), len(node.props), len(props))


def serialize(doc: Document) -> bytes:
    """Write a :class:`Document` back to binary FBX, with a footer laid out like Blender's."""
    writer = _Writer(doc.version)
    writer.out += MAGIC + struct.pack("<I", doc.version)
    for node in doc.nodes:
        writer.node(node)
    writer.out += writer.null_record
    writer.out += _FOOT_ID + b"\x00" * 4
    pad = ((len(writer.out) + 15) & ~15) - len(writer.out)
    writer.out += b"\x00" * (pad or 16)
    writer.out += struct.pack("<I", doc.version) + b"\x00" * 120 + _FOOT_MAGIC
    return bytes(writer.out)


# --------------------------------------------------------------------------- editing


def object_name(node: Node) -> str:
    """The human name of an Objects/* node (``b"Name\\x00\\x01Class"`` -> ``"Name"``)."""
    raw = node.props[1].value if len(node.props) > 1 and node.props[1].code == "S" else b""
    return bytes(raw).split(NAME_CLASS_SEP, 1)[0].decode("utf-8", "replace")


def _rename_object(node: Node, name: str) -> None:
    raw = bytes(node.props[1].value)
    suffix = raw[raw.index(NAME_CLASS_SEP) :] if NAME_CLASS_SEP in raw else b""
    node.props[1] = Prop("S", name.encode("utf-8") + suffix)


def _objects(doc: Document) -> Node:
    objects = doc.top("Objects")
    if objects is None or objects.children is None:
        raise FbxError("FBX has no Objects section")
    return objects


def take_names(data: bytes) -> list[str]:
    """Names of the animation stacks (takes) in file order."""
    return [object_name(n) for n in _objects(parse(data)).find_all("AnimationStack")]


def _uid(node: Node) -> Any:
    return node.props[0].value if node.props else None


def _links(doc: Document) -> list[tuple[Any, Any]]:
    """``(child_id, parent_id)`` of every ``Connections/C`` record."""
    connections = doc.top("Connections")
    return [(c.props[1].value, c.props[2].value) for c in (connections.children if connections else None) or []]


def _drop_objects(doc: Document, ids: set[Any]) -> None:
    """Remove objects by id, every connection touching them, and fix the Definitions counts."""
    objects = _objects(doc)
    removed: dict[str, int] = {}
    kept: list[Node] = []
    for obj in objects.children or []:
        if _uid(obj) in ids:
            removed[obj.name] = removed.get(obj.name, 0) + 1
        else:
            kept.append(obj)
    objects.children = kept
    connections = doc.top("Connections")
    if connections is not None and connections.children is not None:
        connections.children = [
            c for c in connections.children if c.props[1].value not in ids and c.props[2].value not in ids
        ]
    _fix_definition_counts(doc, removed)


def _with_descendants(doc: Document, roots: list[Any]) -> set[Any]:
    """``roots`` plus everything connected below them (stack -> layers -> curve nodes -> curves)."""
    children_of: dict[Any, list[Any]] = {}
    for child, parent in _links(doc):
        children_of.setdefault(parent, []).append(child)
    found: set[Any] = set()
    todo = list(roots)
    while todo:
        uid = todo.pop()
        if uid not in found:
            found.add(uid)
            todo.extend(children_of.get(uid, []))
    return found


def _keep_takes(doc: Document, names: list[str]) -> None:
    objects = _objects(doc)
    stacks = objects.find_all("AnimationStack")
    if len(names) > len(stacks):
        raise FbxError(f"asked for {len(names)} takes, file has {len(stacks)}")
    old_names = {object_name(s) for s in stacks}
    kept = stacks[: len(names)]
    renames = {object_name(s): new for s, new in zip(kept, names, strict=True)}
    by_id = {_uid(o): o for o in objects.children or []}
    layers_of: dict[Any, list[Node]] = {}
    for child, parent in _links(doc):
        if child in by_id and by_id[child].name == "AnimationLayer":
            layers_of.setdefault(parent, []).append(by_id[child])
    for stack, new in zip(kept, names, strict=True):
        _rename_object(stack, new)
        for layer in layers_of.get(_uid(stack), []):  # Blender names actions "obj|stack" when they match
            _rename_object(layer, new)
    _drop_objects(doc, _with_descendants(doc, [_uid(s) for s in stacks[len(names) :]]))
    _fix_takes(doc, old_names, renames)


def keep_takes(data: bytes, names: list[str]) -> bytes:
    """Keep the first ``len(names)`` animation stacks, renamed to ``names``; drop the others.

    Dropping a stack also drops its layers, curve nodes and curves (everything reachable from
    it through ``Connections``), the connections themselves, the matching ``Takes/Take``
    entries, and fixes the ``Definitions`` counts, so importers see a consistent file.
    Layers are renamed with their stack so Blender names the action ``<object>|<name>``.
    """
    doc = parse(data)
    _keep_takes(doc, names)
    return serialize(doc)


def static_meshes(data: bytes) -> bytes:
    """Only the mesh models, their geometry and materials: no armature, skin, pose or takes.

    Stands in for the un-rigged FBX that Tripo returns for ``quad=true`` generations and FBX
    conversions of static models.
    """
    doc = parse(data)
    _keep_takes(doc, [])
    keep: set[Any] = {0}
    for obj in _objects(doc).children or []:
        cls = _str_prop(obj, 2)
        if obj.name in ("Geometry", "Material", "Texture", "Video") or (obj.name == "Model" and cls == "Mesh"):
            keep.add(_uid(obj))
    _drop_objects(doc, {_uid(o) for o in _objects(doc).children or []} - keep)
    return serialize(doc)


def _fix_takes(doc: Document, old_names: set[str], renames: dict[str, str]) -> None:
    """Rename/drop ``Takes/Take`` entries (their ``FileName`` too, and ``Current``)."""
    takes = doc.top("Takes")
    if takes is None or takes.children is None:
        return
    kept: list[Node] = []
    for child in takes.children:
        name = _str_prop(child)
        if child.name == "Take" and name in old_names:
            if name not in renames:
                continue
            child.props[0] = Prop("S", renames[name].encode("utf-8"))
            file_name = child.find("FileName")
            if file_name is not None:
                file_name.props[0] = Prop("S", (renames[name] + ".tak").encode("utf-8"))
        elif child.name == "Current" and name in old_names:
            child.props[0] = Prop("S", renames.get(name, next(iter(renames.values()), "")).encode("utf-8"))
        kept.append(child)
    takes.children = kept


def _str_prop(node: Node, index: int = 0) -> str:
    if len(node.props) <= index or node.props[index].code != "S":
        return ""
    return bytes(node.props[index].value).decode("utf-8", "replace")


def _fix_definition_counts(doc: Document, removed: dict[str, int]) -> None:
    """Lower ``Definitions/ObjectType/Count`` (and the total) by what was removed.

    Only subtracts, rather than recounting, because exporters disagree on what they count
    (Blender 2.79 counts fewer Model/NodeAttribute objects than it writes) and we want the
    untouched parts of the file to stay exactly as they were.
    """
    definitions = doc.top("Definitions")
    if definitions is None:
        return
    for obj_type in definitions.find_all("ObjectType"):
        count_node = obj_type.find("Count")
        minus = removed.get(_str_prop(obj_type), 0)
        if count_node is not None and minus:
            count_node.props[0] = Prop(count_node.props[0].code, count_node.props[0].value - minus)
    total_node = definitions.find("Count")
    if total_node is not None:
        total_node.props[0] = Prop(total_node.props[0].code, total_node.props[0].value - sum(removed.values()))
