"""The file helpers on their own: FBX round trip and take editing, GLB writing, sniffing, PNG, PLY, multipart."""

from __future__ import annotations

import struct
import zlib

import pytest
import requests

from tests.emulator import fbx, glb, splat
from tests.emulator.formats import file_kind, image_kind, model_kind
from tests.emulator.images import png
from tests.emulator.outputs import asset_bytes
from tests.emulator.recording import parse_multipart

SKELETON = asset_bytes("Skeleton.fbx")
SKELETON_TAKES = [
    "SkeletonArmature|Skeleton_Attack",
    "SkeletonArmature|Skeleton_Death",
    "SkeletonArmature|Skeleton_Idle",
    "SkeletonArmature|Skeleton_Running",
    "SkeletonArmature|Skeleton_Spawn",
]


def test_fbx_round_trip_is_byte_exact() -> None:
    assert fbx.serialize(fbx.parse(SKELETON)) == SKELETON
    assert fbx.take_names(SKELETON) == SKELETON_TAKES


def test_fbx_keep_takes_renames_and_drops_everything_below_dropped_stacks() -> None:
    edited = fbx.keep_takes(SKELETON, ["walk", "run"])
    doc = fbx.parse(edited)
    objects = doc.top("Objects")
    assert objects is not None
    assert fbx.take_names(edited) == ["walk", "run"]
    layers = [fbx.object_name(o) for o in objects.find_all("AnimationLayer")]
    assert layers == ["walk", "run"]
    takes = doc.top("Takes")
    assert takes is not None
    assert [bytes(t.props[0].value) for t in takes.find_all("Take")] == [b"walk", b"run"]
    curve_nodes = len(objects.find_all("AnimationCurveNode"))
    original = fbx.parse(SKELETON).top("Objects")
    assert original is not None
    assert curve_nodes < len(original.find_all("AnimationCurveNode"))
    ids = {o.props[0].value for o in objects.children or []} | {0}
    connections = doc.top("Connections")
    assert connections is not None
    assert all(c.props[1].value in ids and c.props[2].value in ids for c in connections.children or [])
    counts = _definition_counts(doc)
    assert counts["AnimationStack"] == 2 and counts["AnimationLayer"] == 2
    assert counts["AnimationCurveNode"] == curve_nodes


def _definition_counts(doc: fbx.Document) -> dict[str, int]:
    definitions = doc.top("Definitions")
    assert definitions is not None
    result = {}
    for obj_type in definitions.find_all("ObjectType"):
        count = obj_type.find("Count")
        assert count is not None
        result[bytes(obj_type.props[0].value).decode()] = count.props[0].value
    return result


def test_fbx_keep_takes_refuses_more_than_the_file_has() -> None:
    with pytest.raises(fbx.FbxError):
        fbx.keep_takes(SKELETON, ["a"] * 6)


def test_fbx_static_meshes_has_no_rig() -> None:
    doc = fbx.parse(fbx.static_meshes(SKELETON))
    objects = doc.top("Objects")
    assert objects is not None
    kinds = {o.name for o in objects.children or []}
    assert kinds == {"Geometry", "Model", "Material"}


def test_fbx_rejects_other_bytes() -> None:
    with pytest.raises(fbx.FbxError):
        fbx.parse(b"; FBX 7.4.0 project file (ASCII)")


def test_glb_write_pads_chunks_and_round_trips() -> None:
    data = glb.write({"asset": {"version": "2.0"}, "x": "abc"}, b"\x01\x02\x03")
    assert len(data) % 4 == 0 and struct.unpack_from("<I", data, 8)[0] == len(data)
    doc, binary = glb.read(data)
    assert doc["x"] == "abc" and binary == b"\x01\x02\x03\x00"


def test_generated_cube_is_consistent() -> None:
    doc, binary = glb.read(glb.cube())
    assert doc["buffers"][0]["byteLength"] == len(binary)
    for accessor in doc["accessors"]:
        view = doc["bufferViews"][accessor["bufferView"]]
        width = {"VEC3": 12, "SCALAR": 2}[accessor["type"]]
        assert accessor["count"] * width == view["byteLength"]
        assert view["byteOffset"] + view["byteLength"] <= len(binary)
    assert glb.node_names(glb.cube("thing")) == ["thing"]


def test_glb_strip_and_rename_animations() -> None:
    fox = asset_bytes("Fox.glb")
    assert glb.animation_names(fox) == ["Survey", "Walk", "Run"]
    assert glb.animation_names(glb.without_animations(fox)) == []
    assert glb.animation_names(glb.with_animations(fox, [("a", "Run"), ("b", "Run")])) == ["a", "b"]
    with pytest.raises(glb.GlbError):
        glb.with_animations(fox, [("a", "Dance")])
    with pytest.raises(glb.GlbError):
        glb.read(b"not a glb at all, sorry")


@pytest.mark.parametrize(
    ("name", "kind"),
    [("images/rocket.jpg", "jpeg"), ("images/coffee.webp", "webp"), ("obj_cow/cow_texture.png", "png")],
)
def test_image_sniffing(name: str, kind: str) -> None:
    assert image_kind(asset_bytes(name)) == kind
    assert model_kind(asset_bytes(name)) is None


@pytest.mark.parametrize(
    ("name", "kind"), [("Fox.glb", "glb"), ("Skeleton.fbx", "fbx"), ("Wuson.stl", "stl"), ("obj_cow/cow.obj", "obj")]
)
def test_model_sniffing(name: str, kind: str) -> None:
    assert model_kind(asset_bytes(name)) == kind
    assert image_kind(asset_bytes(name)) is None
    assert file_kind(asset_bytes(name)) == kind


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b' {"asset": {"version": "2.0"}, "nodes": []}', "gltf"),
        (b'{"asset": "2.0"}', None),
        (b'{"scenes": []}', None),
        (b"{not json", None),
        (b"GIF89a", None),
        (b"", None),
    ],
)
def test_gltf_and_unknown_sniffing(data: bytes, kind: str | None) -> None:
    assert file_kind(data) == kind


def test_splat_ply_header_matches_its_body() -> None:
    data = splat.ply()
    header, _, body = data.partition(b"end_header\n")
    lines = header.decode("ascii").splitlines()
    assert lines[:2] == ["ply", "format binary_little_endian 1.0"] and "element vertex 1500" in lines
    properties = [line.split()[-1] for line in lines if line.startswith("property float ")]
    assert properties[:9] == ["x", "y", "z", "nx", "ny", "nz", "f_dc_0", "f_dc_1", "f_dc_2"]
    assert properties[9:54] == [f"f_rest_{i}" for i in range(45)] and properties[54] == "opacity"
    assert properties[-1] == "rot_3" and len(body) == 1500 * 4 * len(properties)


def test_png_is_decodable() -> None:
    data = png(5, 3, (10, 20, 30))
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", data[16:24])
    idat_len = struct.unpack(">I", data[33:37])[0]
    raw = zlib.decompress(data[41 : 41 + idat_len])
    assert (width, height) == (5, 3) and len(raw) == 3 * (1 + 5 * 3)


def test_multipart_keeps_binary_payloads_exact() -> None:
    payload = bytes(range(256)) * 4 + b"\r\n--\r\n\r"
    prepared = requests.Request(
        "POST", "http://127.0.0.1/", files={"file": ("a.bin", payload, "image/png")}, data={"note": "hi"}
    ).prepare()
    assert isinstance(prepared.body, bytes)
    files, form = parse_multipart(prepared.headers["Content-Type"], prepared.body)
    assert files["file"].data == payload and files["file"].filename == "a.bin"
    assert files["file"].content_type == "image/png" and form == {"note": "hi"}
