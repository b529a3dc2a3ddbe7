"""3DGS PLY: the layout of the original Gaussian-splatting code, read in any of PLY's encodings.

The 3DGS layout is one ``vertex`` element with ``x y z`` (``nx ny nz`` often, unused), ``f_dc_0..2``
(the SH DC term), ``f_rest_0..`` (the higher coefficients, all reds first, then greens, then
blues: ``f_rest[c·K + k]``), ``opacity`` (a logit), ``scale_0..2`` (logs) and ``rot_0..3`` (a
quaternion w, x, y, z, not always unit). Writers differ, so the reader takes the properties by
name in any order, of any numeric type (float, double, uchar…), binary little- or big-endian or
ASCII, with other elements before or after the vertices; ``red green blue`` stand in for a
missing ``f_dc_*``. Positions are kept as they are (Blender 5.3's PLY importer does the same).

Speed: a binary file is read in blocks of :data:`_ROWS` rows (a few hundred kilobytes: the
strided copies then stay in the CPU cache; whole-file column slicing was twice as slow).
"""

from __future__ import annotations

import re
import sys
from array import array
from dataclasses import dataclass
from typing import BinaryIO

from .gaussians import SH_C0, Splat, SplatError, exp_all, floats, interleave, mapped, sigmoid_all, unit_wxyz

__all__ = ["MAGIC", "read_ply"]

MAGIC = b"ply"
#: A header longer than this is not a PLY header (3DGS headers are about 1.5 KB).
_MAX_HEADER = 1 << 20
_ROWS = 1024
_TYPES = {
    "char": "b",
    "int8": "b",
    "uchar": "B",
    "uint8": "B",
    "short": "h",
    "int16": "h",
    "ushort": "H",
    "uint16": "H",
    "int": "i",
    "int32": "i",
    "uint": "I",
    "uint32": "I",
    "float": "f",
    "float32": "f",
    "double": "d",
    "float64": "d",
}
_REQUIRED = ("x", "y", "z", "opacity", "scale_0", "scale_1", "scale_2", "rot_0", "rot_1", "rot_2", "rot_3")
_DC = ("f_dc_0", "f_dc_1", "f_dc_2")
_RGB = ("red", "green", "blue")
_REST = re.compile(r"f_rest_(\d+)")


@dataclass
class _Property:
    name: str
    code: str  # array typecode
    offset: int = 0  # within a binary row

    @property
    def size(self) -> int:
        return array(self.code).itemsize


@dataclass
class _Element:
    name: str
    count: int
    properties: list[_Property]
    has_lists: bool = False

    @property
    def row_size(self) -> int:
        return sum(p.size for p in self.properties)


def _header(fh: BinaryIO) -> tuple[str, list[_Element]]:
    """The format line's encoding and the elements, leaving ``fh`` at the first data byte."""
    lines: list[str] = []
    size = 0
    while True:
        raw = fh.readline(_MAX_HEADER)
        size += len(raw)
        if not raw or size > _MAX_HEADER:
            raise SplatError("The PLY header never ends (no end_header line): the file is damaged or truncated.")
        line = raw.decode("ascii", "replace").strip()
        if line == "end_header":
            break
        lines.append(line)
    encoding = ""
    elements: list[_Element] = []
    for line in lines[1:]:
        words = line.split()
        if not words or words[0] in ("comment", "obj_info"):
            continue
        if words[0] == "format" and len(words) >= 2:
            encoding = words[1]
        elif words[0] == "element" and len(words) == 3 and words[2].isdigit():
            elements.append(_Element(words[1], int(words[2]), []))
        elif words[0] == "property" and elements and len(words) >= 3:
            if words[1] == "list":
                elements[-1].has_lists = True
                elements[-1].properties.append(_Property(words[-1], "B"))
            elif words[1] in _TYPES:
                elements[-1].properties.append(_Property(words[2], _TYPES[words[1]]))
            else:
                raise SplatError(f"The PLY header has a property of unknown type {words[1]!r}.")
        else:
            raise SplatError(f"The PLY header has a line this reader does not understand: {line[:80]!r}.")
    if encoding not in ("ascii", "binary_little_endian", "binary_big_endian"):
        raise SplatError(f"The PLY file's format {encoding or '(none)'!r} is not ascii or binary.")
    return encoding, elements


def _vertex(elements: list[_Element]) -> tuple[_Element, list[_Element]]:
    """The vertex element and the elements stored before it."""
    for index, element in enumerate(elements):
        if element.name == "vertex":
            return element, elements[:index]
    raise SplatError("The PLY file has no vertex element: it holds no gaussians.")


def _check_properties(vertex: _Element) -> list[str]:
    """The names to read, in the order :func:`_assemble` takes them; refuses a PLY that is no splat."""
    if vertex.has_lists:
        raise SplatError("The PLY vertices have list properties: this is a mesh, not a Gaussian splat.")
    names = {p.name for p in vertex.properties}
    colour = _DC if set(_DC) <= names else _RGB if set(_RGB) <= names else _DC
    missing = [n for n in (*_REQUIRED, *colour) if n not in names]
    if missing:
        raise SplatError(
            f"The PLY file is not a Gaussian splat: its vertices have no {', '.join(missing)} "
            "(a plain point cloud or mesh?)."
        )
    rest = sorted(int(m.group(1)) for n in names if (m := _REST.fullmatch(n)))
    if rest != list(range(len(rest))) or len(rest) % 3:
        rest = []  # a partial or gapped set cannot be laid out per coefficient: the base colour stays
    return [*_REQUIRED, *colour, *(f"f_rest_{i}" for i in rest)]


def _skip_binary(fh: BinaryIO, elements: list[_Element]) -> None:
    for element in elements:
        if element.has_lists:
            raise SplatError(
                f"The PLY file stores a {element.name!r} element with lists before its vertices; "
                "this reader cannot skip it."
            )
        fh.seek(element.count * element.row_size, 1)


def _binary_columns(fh: BinaryIO, vertex: _Element, wanted: list[str], little: bool) -> dict[str, array[float]]:
    offset = 0
    for prop in vertex.properties:
        prop.offset, offset = offset, offset + prop.size
    stride, count = offset, vertex.count
    here = fh.tell()
    available = fh.seek(0, 2) - here
    fh.seek(here)
    if available < count * stride:  # said at once, before reading what is there
        raise SplatError(
            f"The PLY file ends after {available // stride:,} of its {count:,} gaussians: it is "
            "truncated (an interrupted download?)."
        )
    by_name = {p.name: p for p in vertex.properties}
    columns = {name: floats() for name in wanted}
    native = little == (sys.byteorder == "little")
    all_float = native and all(p.code == "f" for p in vertex.properties)
    index = {p.name: i for i, p in enumerate(vertex.properties)}
    width = len(vertex.properties)
    done = 0
    while done < count:
        rows = min(_ROWS, count - done)
        block = fh.read(rows * stride)
        if len(block) < rows * stride:
            got = done + len(block) // stride
            raise SplatError(
                f"The PLY file ends after {got:,} of its {count:,} gaussians: it is truncated "
                "(an interrupted download?)."
            )
        if all_float:  # the 3DGS layout: every property a float32
            values = array("f", block)
            for name in wanted:
                columns[name].extend(values[index[name] :: width])
        else:
            for name in wanted:
                prop = by_name[name]
                packed = bytearray(rows * prop.size)
                for k in range(prop.size):
                    packed[k :: prop.size] = block[prop.offset + k :: stride]
                values = array(prop.code, packed)
                if not native:
                    values.byteswap()
                columns[name].extend(values if prop.code == "f" else array("f", values))
        done += rows
    return columns


def _ascii_columns(
    fh: BinaryIO, vertex: _Element, before: list[_Element], wanted: list[str]
) -> dict[str, array[float]]:
    lines = fh.read().splitlines()
    start = sum(element.count for element in before)  # one line per row of an ASCII element
    rows = lines[start : start + vertex.count]
    width = len(vertex.properties)
    tokens = b" ".join(rows).split()
    if len(rows) < vertex.count or len(tokens) != width * vertex.count:
        raise SplatError(
            f"The ASCII PLY file has {len(rows):,} vertex lines for its {vertex.count:,} gaussians "
            f"(or lines with other than {width} values): it is truncated or damaged."
        )
    try:
        values = array("d", map(float, tokens))
    except ValueError as exc:
        raise SplatError(f"The ASCII PLY file has a value that is not a number ({exc}).") from None
    index = {p.name: i for i, p in enumerate(vertex.properties)}
    return {name: array("f", values[index[name] :: width]) for name in wanted}


def _byte_dc(value: float) -> float:
    return (value / 255.0 - 0.5) / SH_C0


def _unit_dc(value: float) -> float:
    return (value - 0.5) / SH_C0


def _assemble(columns: dict[str, array[float]], vertex: _Element, source: str) -> Splat:
    names = list(columns)
    if names[len(_REQUIRED)] == "red":  # a colour, not a DC term: turned back into one
        code = next(p.code for p in vertex.properties if p.name == "red")
        to_dc = _byte_dc if code not in ("f", "d") else _unit_dc  # 0–255, or a float colour 0–1
        dc = [mapped(to_dc, columns[n]) for n in _RGB]
    else:
        dc = [columns[n] for n in _DC]
    rest = [columns[n] for n in names if n.startswith("f_rest_")]
    per_channel = len(rest) // 3
    planes = [interleave([rest[k], rest[per_channel + k], rest[2 * per_channel + k]]) for k in range(per_channel)]
    return Splat.build(
        positions=interleave([columns["x"], columns["y"], columns["z"]]),
        scales=interleave([exp_all(columns[f"scale_{i}"]) for i in range(3)]),
        rotations=unit_wxyz(*(columns[f"rot_{i}"] for i in range(4))),
        opacities=sigmoid_all(columns["opacity"]),
        sh_dc=interleave(dc),
        sh_rest=planes,
        source=source,
    )


def read_ply(fh: BinaryIO) -> Splat:
    """Every gaussian of the 3DGS PLY open in ``fh`` (positioned at its start)."""
    encoding, elements = _header(fh)
    vertex, before = _vertex(elements)
    if vertex.count == 0:
        raise SplatError("The PLY file has no gaussians (its vertex element is empty).")
    wanted = _check_properties(vertex)
    if encoding == "ascii":
        columns = _ascii_columns(fh, vertex, before, wanted)
    else:
        _skip_binary(fh, before)
        columns = _binary_columns(fh, vertex, wanted, encoding == "binary_little_endian")
    return _assemble(columns, vertex, "3DGS PLY" + (" (ASCII)" if encoding == "ascii" else ""))
