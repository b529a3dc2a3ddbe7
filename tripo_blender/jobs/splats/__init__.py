"""Gaussian splats — the result of Tripo's image-to-splat — read without Blender and without numpy.

A ``splat_url`` may hold a 3DGS PLY, an SPZ or a glTF with ``KHR_gaussian_splatting``; Tripo does
not say which (docs/sources.md#splat-format), so :func:`read_splat` tells it by the file's own bytes.
It returns a :class:`Splat`: every gaussian of the file as flat float32 arrays in Blender's
encodings (:mod:`.gaussians` says which), so Blender's main thread only hands them over
(``blender/splat_landing.py``). The reading runs on the job's worker thread right after the
download (:data:`ready_splats`).

Modules: :mod:`.gaussians` (the result and its arithmetic), :mod:`.ply`, :mod:`.spz`,
:mod:`.gltf` (one per format), :mod:`.read` (telling the format: the one door), :mod:`.ready`
(read in the background, landed later).
"""

from __future__ import annotations

from .gaussians import SH_C0, Splat, SplatError
from .read import FORMATS, read_splat, splat_format
from .ready import ReadySplats, ready_splats

__all__ = ["SH_C0", "Splat", "SplatError", "FORMATS", "read_splat", "splat_format", "ReadySplats", "ready_splats"]
