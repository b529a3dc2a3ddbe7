"""ZIP-based outputs of ``convert_model``: OBJ bundle, USDZ and 3MF.

Why: Tripo delivers OBJ as a ZIP (mesh + mtl + texture), and USDZ/3MF are ZIP containers by
definition. The OBJ bundle is built from the real cow asset; USDZ and 3MF describe the same
generated cube as the GLB base model (see :mod:`.geometry`).
"""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

from . import geometry

_FIXED_DATE = (2025, 1, 1, 0, 0, 0)  # deterministic archives: same bytes every run


def _zip(members: list[tuple[str, bytes]], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=_FIXED_DATE)
            info.compress_type = compression
            archive.writestr(info, data)
    return buf.getvalue()


def obj_bundle(folder: Path) -> bytes:
    """``cow.obj`` + ``cow.mtl`` + ``cow_texture.png`` from ``folder``, zipped flat."""
    names = ("cow.obj", "cow.mtl", "cow_texture.png")
    return _zip([(name, (folder / name).read_bytes()) for name in names])


def usdz() -> bytes:
    """A stored (uncompressed) ZIP holding one ASCII USD layer with the cube.

    Real USDZ also aligns members to 64 bytes; importers we care about do not require it.
    """
    points = ", ".join(f"({x}, {y}, {z})" for x, y, z in geometry.CORNERS)
    tris = geometry.triangles()
    counts = ", ".join("3" for _ in tris)
    indices = ", ".join(str(i) for tri in tris for i in tri)
    layer = (
        '#usda 1.0\n(\n    defaultPrim = "Model"\n    metersPerUnit = 1\n    upAxis = "Y"\n)\n\n'
        'def Xform "Model"\n{\n    def Mesh "Cube"\n    {\n'
        f"        int[] faceVertexCounts = [{counts}]\n"
        f"        int[] faceVertexIndices = [{indices}]\n"
        f"        point3f[] points = [{points}]\n"
        "    }\n}\n"
    )
    return _zip([("model.usda", layer.encode("ascii"))], zipfile.ZIP_STORED)


def three_mf() -> bytes:
    """A minimal valid 3MF package (content types, relationships, one mesh object)."""
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="model" ContentType="application/vnd.ms-package.3dmanufacturing-3dmodel+xml"/>'
        "</Types>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Target="/3D/3dmodel.model" Id="rel0" '
        'Type="http://schemas.microsoft.com/3dmanufacturing/2013/01/3dmodel"/>'
        "</Relationships>"
    )
    vertices = "".join(f'<vertex x="{x * 10}" y="{y * 10}" z="{z * 10}"/>' for x, y, z in geometry.CORNERS)
    triangles = "".join(f'<triangle v1="{a}" v2="{b}" v3="{c}"/>' for a, b, c in geometry.triangles())
    model = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<model unit="millimeter" xml:lang="en-US" '
        'xmlns="http://schemas.microsoft.com/3dmanufacturing/core/2015/02">'
        f'<resources><object id="1" type="model"><mesh><vertices>{vertices}</vertices>'
        f"<triangles>{triangles}</triangles></mesh></object></resources>"
        '<build><item objectid="1"/></build></model>'
    )
    return _zip(
        [
            ("[Content_Types].xml", content_types.encode()),
            ("_rels/.rels", rels.encode()),
            ("3D/3dmodel.model", model.encode()),
        ]
    )


def hostile(entry: str) -> bytes:
    """An OBJ bundle a hostile or broken server might send: a valid ``model.obj`` plus ``entry`` —
    a path that climbs out (``../../x``), an absolute path, ``"symlink"`` (a link to /etc/passwd)
    or ``"bomb"`` (64 MiB of zeros that pack to about 64 KiB). Served with ``Emulator.serve_model``."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("model.obj", "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n")
        if entry == "bomb":
            zf.writestr("textures.bin", bytes(64 * 1024 * 1024))
        elif entry == "symlink":
            info = zipfile.ZipInfo("link.obj")
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, "/etc/passwd")
        else:
            zf.writestr(entry, "owned")
    return buf.getvalue()
