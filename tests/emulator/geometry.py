"""The one shape the emulator generates itself: an axis-aligned cube.

Shared by the GLB, 3MF and USDZ writers so that every generated format describes the same
object (handy when a test compares imports of two formats).
"""

from __future__ import annotations

#: 8 corners of a unit cube centred on the origin (metres).
CORNERS: tuple[tuple[float, float, float], ...] = tuple(
    (x, y, z) for x in (-0.5, 0.5) for y in (-0.5, 0.5) for z in (-0.5, 0.5)
)

#: 6 faces as corner indices, counter-clockwise seen from outside, with their outward normal.
FACES: tuple[tuple[tuple[int, int, int, int], tuple[float, float, float]], ...] = (
    ((0, 1, 3, 2), (-1.0, 0.0, 0.0)),
    ((4, 6, 7, 5), (1.0, 0.0, 0.0)),
    ((0, 4, 5, 1), (0.0, -1.0, 0.0)),
    ((2, 3, 7, 6), (0.0, 1.0, 0.0)),
    ((0, 2, 6, 4), (0.0, 0.0, -1.0)),
    ((1, 5, 7, 3), (0.0, 0.0, 1.0)),
)


def triangles() -> list[tuple[int, int, int]]:
    """The 12 triangles of the cube, as indices into :data:`CORNERS`."""
    tris: list[tuple[int, int, int]] = []
    for (a, b, c, d), _normal in FACES:
        tris += [(a, b, c), (a, c, d)]
    return tris
