"""Reading a splat back out of Blender, in world space, to compare two of them (bpy tests only).

Why world space: the add-on leaves a Y-up file's data as it is and turns the object a quarter
about X, where Blender's own importers bake that turn into every gaussian (positions, rotations
with permuted scales, and the SH coefficients mixed per degree). The two are the same splat when
each gaussian has the same world centre, the same world covariance (R S² Rᵀ), opacity, DC term,
and the same view-dependent colour seen from every direction — which is what is compared.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import bpy
from mathutils import Matrix, Quaternion, Vector

_C1 = 0.4886025119029199
_C2 = (1.0925484305920792, 0.31539156525252005, 0.5462742152960396)
_C3 = (0.5900435899266435, 2.890611442640554, 0.4570457994644658, 0.3731763325901154, 1.445305721320277)
#: Directions the view-dependent colour is compared from (unit, spread over the sphere).
DIRECTIONS = tuple(
    Vector(v).normalized()
    for v in ((1, 0, 0), (0, -1, 0), (0, 0, 1), (1, 1, 1), (-1, 2, 0.5), (0.3, -0.7, -1), (-1, -1, 0.2))
)


def sh_basis(d: Vector) -> list[float]:
    """The real SH basis of degrees 1–3 at unit direction ``d`` (the 3DGS / KHR convention)."""
    x, y, z = d
    xx, yy, zz = x * x, y * y, z * z
    return [
        -_C1 * y,
        _C1 * z,
        -_C1 * x,
        _C2[0] * x * y,
        -_C2[0] * y * z,
        _C2[1] * (2 * zz - xx - yy),
        -_C2[0] * x * z,
        _C2[2] * (xx - yy),
        -_C3[0] * y * (3 * xx - yy),
        _C3[1] * x * y * z,
        -_C3[2] * y * (4 * zz - xx - yy),
        _C3[3] * z * (2 * zz - 3 * xx - 3 * yy),
        -_C3[2] * x * (4 * zz - xx - yy),
        _C3[4] * z * (xx - yy),
        -_C3[0] * x * (xx - 3 * yy),
    ]


def values(data: Any, name: str, width: int) -> array[float]:
    """Attribute ``name`` of ``data`` as a flat float array."""
    attribute = data.attributes[name]
    key = "value" if attribute.data_type in ("FLOAT", "QUATERNION") else "vector"
    out = array("f", bytes(4 * width * len(attribute.data)))
    attribute.data.foreach_get(key, out)
    return out


@dataclass
class WorldSplat:
    """Per gaussian: world centre, world covariance, opacity, DC term, and colour terms per direction."""

    centres: list[Vector]
    covariances: list[Matrix]
    opacities: list[float]
    dc: list[Vector]
    view_terms: list[list[Vector]]  # per gaussian, per DIRECTIONS: Σ_k basis_k(d) · coefficient_k


def world_splat(ob: bpy.types.Object) -> WorldSplat:
    """The native splat ``ob`` (a ``GAUSSIAN_SPLAT`` point cloud) in world space."""
    data: Any = ob.data
    n = len(data.attributes["position"].data)
    positions, scales = values(data, "position", 3), values(data, "scale", 3)
    rotations, base = values(data, "rotation", 4), values(data, "radiance:base", 4)
    planes = []
    k = 0
    while f"radiance:sh_{k}" in data.attributes:
        planes.append(values(data, f"radiance:sh_{k}", 3))
        k += 1
    world = ob.matrix_world
    turn = world.to_3x3().normalized()
    bases = [sh_basis(turn.inverted() @ d) for d in DIRECTIONS]  # directions in the object's space
    out = WorldSplat([], [], [], [], [])
    for i in range(n):
        out.centres.append(world @ Vector(positions[3 * i : 3 * i + 3]))
        r = turn @ Quaternion(rotations[4 * i : 4 * i + 4]).to_matrix()
        s = Matrix.Diagonal(Vector([v * v for v in scales[3 * i : 3 * i + 3]]))
        out.covariances.append(r @ s @ r.transposed())
        out.opacities.append(base[4 * i + 3])
        out.dc.append(Vector(base[4 * i : 4 * i + 3]))
        out.view_terms.append(
            [
                sum(
                    (Vector(planes[k][3 * i : 3 * i + 3]) * basis[k] for k in range(len(planes))),
                    Vector((0.0, 0.0, 0.0)),
                )
                for basis in bases
            ]
        )
    return out


def worst_differences(a: WorldSplat, b: WorldSplat) -> dict[str, float]:
    """The largest difference of each quantity between two splats of the same gaussians, in order."""
    assert len(a.centres) == len(b.centres)

    def worst(pairs: Sequence[tuple[Any, Any]], measure: Any) -> float:
        return max(measure(x, y) for x, y in pairs)

    def matrix_gap(m: Matrix, n: Matrix) -> float:  # relative to the gaussian's size
        return max(abs(m[r][c] - n[r][c]) for r in range(3) for c in range(3)) / max(abs(n[r][r]) for r in range(3))

    return {
        "centre": worst(list(zip(a.centres, b.centres)), lambda u, v: (u - v).length),
        "covariance": worst(list(zip(a.covariances, b.covariances)), matrix_gap),
        "opacity": worst(list(zip(a.opacities, b.opacities)), lambda u, v: abs(u - v)),
        "dc": worst(list(zip(a.dc, b.dc)), lambda u, v: (u - v).length),
        "view colour": max((u - v).length for ta, tb in zip(a.view_terms, b.view_terms) for u, v in zip(ta, tb)),
    }


def point_radii(ob: bpy.types.Object) -> list[float]:
    """The radii of the points ``ob`` shows once its modifiers ran (the fallback's Mesh to Points)."""
    evaluated: Any = ob.evaluated_get(bpy.context.evaluated_depsgraph_get())
    cloud = evaluated.data if evaluated.type == "POINTCLOUD" else None
    if cloud is None:  # a mesh object evaluated to points: its geometry set's point cloud
        cloud = next(
            instance.object.data
            for instance in bpy.context.evaluated_depsgraph_get().object_instances
            if instance.object.original == ob and instance.object.type == "POINTCLOUD"
        )
    return list(values(cloud, "radius", 1))


def sigma_mean(scales: Sequence[float], i: int) -> float:
    return math.prod(scales[3 * i : 3 * i + 3]) ** (1.0 / 3.0)
