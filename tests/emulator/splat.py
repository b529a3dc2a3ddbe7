"""A tiny 3D Gaussian splat as a binary PLY, the output of ``image-to-splat``.

Why generate it: a client that downloads a splat should get a file a splat viewer (or Blender's
PLY importer) can open. The layout is the one of the original 3DGS code (position, normal,
DC colour, opacity, log-scale, rotation quaternion, all float32), with one splat on each corner
of the shared cube (:mod:`.geometry`).
"""

from __future__ import annotations

import struct

from . import geometry

_PROPERTIES = ("x", "y", "z", "nx", "ny", "nz", "f_dc_0", "f_dc_1", "f_dc_2", "opacity",
               "scale_0", "scale_1", "scale_2", "rot_0", "rot_1", "rot_2", "rot_3")


def ply() -> bytes:
    """One Gaussian per cube corner, coloured by position."""
    header = ["ply", "format binary_little_endian 1.0", f"element vertex {len(geometry.CORNERS)}"]
    header += [f"property float {name}" for name in _PROPERTIES]
    header.append("end_header")
    rows = b"".join(
        struct.pack(f"<{len(_PROPERTIES)}f", x, y, z, 0.0, 0.0, 0.0, x + 0.5, y + 0.5, z + 0.5, 2.0,
                    -3.0, -3.0, -3.0, 1.0, 0.0, 0.0, 0.0)
        for x, y, z in geometry.CORNERS
    )
    return ("\n".join(header) + "\n").encode("ascii") + rows
