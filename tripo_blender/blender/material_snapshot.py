"""The materials of an uploaded mesh as glTF PBR JSON, read on the main thread (for :mod:`.glb_writer`).

Why: Tripo keeps what a rigged, converted or segmented model looked like, so the upload carries
its materials the way Blender's glTF exporter would write them — the part of them a glTF file can
hold and Tripo's results come back with: base colour (factor or image), metallic and roughness
(factors, or the image they come from through a Separate Color node: the glTF importer's own
layout), a normal map, emission (with its strength), alpha, and whether faces are double-sided.
Node trees beyond that (mixes, procedural textures, shader extensions) are not baked: their
material goes up with its factors, as a simpler look. Materials that do not use nodes (Blender
4.x) go up with their viewport colour, metallic and roughness, as the exporter does.

Images are not encoded here — that would hold the main thread. A texture names the image's
file (read by the writer's thread), the bytes packed in the .blend, or, for an image that exists
only in memory (generated, painted and not saved), its pixels, which the writer encodes as PNG.
A tiled (UDIM) image is left out.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from typing import Any

import bpy
import numpy as np

from .glb_writer import IMAGE_MAGIC, ImageSource

__all__ = ["MaterialTable"]

log = logging.getLogger(__name__)

_NEAREST = {"magFilter": 9728, "minFilter": 9984}
_LINEAR = {"magFilter": 9729, "minFilter": 9987}
_WRAP = {"EXTEND": 33071, "CLIP": 33071, "MIRROR": 33648}  # REPEAT is glTF's default
_MIME = {"JPEG": "image/jpeg", "WEBP": "image/webp"}  # everything else goes up as PNG
_SHADER_MIXES = frozenset({"MIX_SHADER", "ADD_SHADER"})
_EMISSIVE_STRENGTH = "KHR_materials_emissive_strength"


def _from_node(socket: Any) -> tuple[Any, Any] | None:
    """The node (and its output socket) feeding ``socket``, through reroutes; None: unlinked."""
    while socket is not None and socket.is_linked:
        link = next((lk for lk in socket.links if not lk.is_muted), None)
        if link is None:
            return None
        node = link.from_node
        if node.type != "REROUTE":
            return node, link.from_socket
        socket = node.inputs[0]
    return None


def _image_node(socket: Any) -> Any | None:
    """The Image Texture node (with an image) feeding ``socket`` directly, if any."""
    found = _from_node(socket)
    if found is None:
        return None
    node = found[0]
    return node if node.type == "TEX_IMAGE" and node.image is not None else None


def _channel_image(socket: Any, channel: str) -> Any | None:
    """The Image Texture node behind ``socket`` through a Separate Color (RGB) node's ``channel``
    output — how the glTF importer wires a metallic-roughness image."""
    found = _from_node(socket)
    if found is None:
        return None
    node, output = found
    if node.type not in ("SEPARATE_COLOR", "SEPRGB") or output.name not in (channel, channel[0]):
        return None
    return _image_node(node.inputs[0])


def _surface(tree: Any) -> Any | None:
    """The shader node that decides the look: the Principled BSDF behind the active Material
    Output (through Mix/Add Shader nodes), else the shader linked there, else any Principled."""
    outputs = [n for n in tree.nodes if n.type == "OUTPUT_MATERIAL"]
    output = next((n for n in outputs if n.is_active_output), outputs[0] if outputs else None)
    start = _from_node(output.inputs["Surface"]) if output is not None else None
    pending = [start[0]] if start is not None else []
    seen = set()
    while pending:
        node = pending.pop(0)
        if node.as_pointer() in seen:
            continue
        seen.add(node.as_pointer())
        if node.type == "BSDF_PRINCIPLED":
            return node
        if node.type in _SHADER_MIXES:
            pending += [found[0] for socket in node.inputs if (found := _from_node(socket)) is not None]
    if start is not None:
        return start[0]
    return next((n for n in tree.nodes if n.type == "BSDF_PRINCIPLED"), None)


def _uses_nodes(material: Any) -> bool:
    """Blender 5 always shades with the node tree; 4.x only when "Use Nodes" is on."""
    if material.node_tree is None:
        return False
    return bpy.app.version >= (5, 0, 0) or bool(material.use_nodes)


def _rgba(values: Sequence[float]) -> list[float]:
    return [float(v) for v in values]


class MaterialTable:
    """The file's materials, textures, samplers and images, each once, in first-use order.

    ``index(material, mesh)`` gives a material's index in the file (None for an empty slot);
    ``mesh`` is the first mesh using it, whose UV maps a texture's UV Map node names.
    """

    def __init__(self) -> None:
        self.materials: list[dict[str, Any]] = []
        self.textures: list[dict[str, Any]] = []
        self.samplers: list[dict[str, Any]] = []
        self.images: list[ImageSource] = []
        self.extensions: list[str] = []
        self.known_image_bytes = 0  # the images' sizes where known (the file's least size)
        self._materials: dict[int, int] = {}
        self._images: dict[int, int | None] = {}
        self._textures: dict[tuple[int, int], int] = {}

    def index(self, material: Any | None, mesh: Any) -> int | None:
        if material is None:
            return None
        key = material.original.as_pointer()
        if key not in self._materials:
            self._materials[key] = len(self.materials)
            self.materials.append(self._material(material, mesh))
        return self._materials[key]

    # -- materials --------------------------------------------------------------------------
    def _material(self, material: Any, mesh: Any) -> dict[str, Any]:
        entry: dict[str, Any] = {"name": material.name}
        if not material.use_backface_culling:
            entry["doubleSided"] = True
        if not _uses_nodes(material):
            entry["pbrMetallicRoughness"] = {
                "baseColorFactor": _rgba(material.diffuse_color),
                "metallicFactor": float(material.metallic),
                "roughnessFactor": float(material.roughness),
            }
            return entry
        shader = _surface(material.node_tree)
        if shader is None:
            return entry
        if shader.type == "BSDF_PRINCIPLED":
            self._principled(shader, mesh, entry)
        elif shader.type == "EMISSION":
            entry["pbrMetallicRoughness"] = {"baseColorFactor": [0.0, 0.0, 0.0, 1.0]}
            self._emission(shader.inputs["Color"], shader.inputs["Strength"], mesh, entry)
        elif "Color" in shader.inputs:  # a Diffuse or other simple BSDF: its colour
            entry["pbrMetallicRoughness"] = self._base_color(shader.inputs["Color"], None, mesh)
        return entry

    def _base_color(self, color: Any, alpha: Any | None, mesh: Any) -> dict[str, Any]:
        pbr: dict[str, Any] = {}
        opacity = float(alpha.default_value) if alpha is not None and not alpha.is_linked else 1.0
        image = _image_node(color)
        if image is not None:
            texture = self._texture_info(image, mesh)
            if texture is not None:
                pbr["baseColorTexture"] = texture
                if opacity != 1.0:
                    pbr["baseColorFactor"] = [1.0, 1.0, 1.0, opacity]
                return pbr
        if not color.is_linked:
            pbr["baseColorFactor"] = _rgba(color.default_value)[:3] + [opacity]
        return pbr

    def _principled(self, shader: Any, mesh: Any, entry: dict[str, Any]) -> None:
        inputs = shader.inputs
        pbr = self._base_color(inputs["Base Color"], inputs["Alpha"], mesh)
        metallic, roughness = inputs["Metallic"], inputs["Roughness"]
        pbr["metallicFactor"] = 1.0 if metallic.is_linked else float(metallic.default_value)
        pbr["roughnessFactor"] = 1.0 if roughness.is_linked else float(roughness.default_value)
        packed = _channel_image(roughness, "Green") or _channel_image(metallic, "Blue")
        texture = self._texture_info(packed, mesh) if packed is not None else None
        if texture is not None:
            pbr["metallicRoughnessTexture"] = texture
        else:  # a linked value this file cannot carry: the socket's own value, as when unlinked
            pbr["metallicFactor"], pbr["roughnessFactor"] = (
                float(metallic.default_value),
                float(roughness.default_value),
            )
        entry["pbrMetallicRoughness"] = pbr
        alpha = inputs["Alpha"]
        if alpha.is_linked or float(alpha.default_value) < 1.0:
            entry["alphaMode"] = "BLEND"
        normal_map = _from_node(inputs["Normal"])
        if normal_map is not None and normal_map[0].type == "NORMAL_MAP":
            image = _image_node(normal_map[0].inputs["Color"])
            texture = self._texture_info(image, mesh) if image is not None else None
            if texture is not None:
                strength = normal_map[0].inputs["Strength"]
                if not strength.is_linked and float(strength.default_value) != 1.0:
                    texture["scale"] = float(strength.default_value)
                entry["normalTexture"] = texture
        color = inputs.get("Emission Color") or inputs.get("Emission")
        if color is not None:
            self._emission(color, inputs.get("Emission Strength"), mesh, entry)

    def _emission(self, color: Any, strength: Any | None, mesh: Any, entry: dict[str, Any]) -> None:
        power = float(strength.default_value) if strength is not None and not strength.is_linked else 1.0
        image = _image_node(color)
        texture = self._texture_info(image, mesh) if image is not None else None
        if texture is not None:
            factor = [power] * 3
            entry["emissiveTexture"] = texture
        elif not color.is_linked:
            factor = [float(c) * power for c in color.default_value[:3]]
        else:
            return
        if not any(factor):
            return
        peak = max(factor)
        if peak > 1.0:  # glTF's factor stops at 1: the rest is the extension's strength
            factor = [f / peak for f in factor]
            entry["extensions"] = {_EMISSIVE_STRENGTH: {"emissiveStrength": peak}}
            if _EMISSIVE_STRENGTH not in self.extensions:
                self.extensions.append(_EMISSIVE_STRENGTH)
        entry["emissiveFactor"] = factor

    # -- textures and images ---------------------------------------------------------------
    def _texture_info(self, node: Any, mesh: Any) -> dict[str, Any] | None:
        image = self._image(node.image)
        if image is None:
            return None
        sampler = dict(_NEAREST if node.interpolation == "Closest" else _LINEAR)
        if node.extension in _WRAP:
            sampler["wrapS"] = sampler["wrapT"] = _WRAP[node.extension]
        if sampler not in self.samplers:
            self.samplers.append(sampler)
        key = (image, self.samplers.index(sampler))
        if key not in self._textures:
            self._textures[key] = len(self.textures)
            self.textures.append({"sampler": key[1], "source": image})
        info: dict[str, Any] = {"index": self._textures[key]}
        uv_map = _uv_map_index(node, mesh)
        if uv_map:
            info["texCoord"] = uv_map
        return info

    def _image(self, image: Any) -> int | None:
        key = image.as_pointer()
        if key not in self._images:
            source = _image_source(image)
            if source is None:
                self._images[key] = None
            else:
                self._images[key] = len(self.images)
                self.images.append(source)
                self.known_image_bytes += _known_size(source)
        return self._images[key]


def _uv_map_index(node: Any, mesh: Any) -> int:
    """Which of ``mesh``'s UV maps a texture reads: a UV Map node's, else the active render one."""
    layers = mesh.uv_layers
    active = next((i for i, layer in enumerate(layers) if layer.active_render), 0)
    found = _from_node(node.inputs["Vector"])
    if found is not None and found[0].type == "UVMAP" and found[0].uv_map:
        named = layers.find(found[0].uv_map)
        return named if named >= 0 else active
    return active


def _known_size(source: ImageSource) -> int:
    if source.data is not None:
        return len(source.data)
    if source.path is not None:
        try:
            return os.path.getsize(source.path)
        except OSError:
            return 0
    return 0


def _file_head(path: str) -> bytes:
    try:
        with open(path, "rb") as stream:
            return stream.read(16)
    except OSError:
        return b""


def _image_source(image: Any) -> ImageSource | None:
    """Where the writer finds ``image``'s encoded bytes (see the module's docstring)."""
    if image.source == "TILED":
        log.info("Image '%s' is tiled (UDIM): left out of the upload", image.name)
        return None
    mime = _MIME.get(image.file_format, "image/png")
    matches = IMAGE_MAGIC[mime]
    if image.source == "FILE" and not image.is_dirty:
        if image.packed_file is not None:
            data = bytes(image.packed_file.data)
            if matches(data[:16]):
                return ImageSource(image.name, mime, data=data)
        else:
            path = bpy.path.abspath(image.filepath_raw, library=image.library)
            if os.path.isfile(path) and matches(_file_head(path)):
                return ImageSource(image.name, mime, path=path)
    width, height = image.size
    if not width or not height:
        log.warning("Image '%s' has no pixels (a missing file?): left out of the upload", image.name)
        return None
    pixels = np.empty(width * height * 4, np.float32)
    image.pixels.foreach_get(pixels)
    linear = bool(image.is_float) and not image.colorspace_settings.is_data
    return ImageSource(image.name, "image/png", pixels=pixels.reshape(height, width, 4), linear=linear)
