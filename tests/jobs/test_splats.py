"""The splat reader (``jobs/splats``) without Blender: every gaussian of every format, value by value.

The files come from the writers in :mod:`tests.emulator.splat`, made from one known cloud; each
format must give back that cloud within the precision the format stores (SPZ quantises: 1/4096
for positions, one step of its byte encodings for the rest). The format is told by the bytes,
never the name. Damaged files — cut anywhere, bytes scrambled — give a :class:`SplatError` with a
sentence, never another exception. Reading happens on the worker thread that downloaded the
file (:data:`ready_splats`), and the landing takes what it read.
"""

from __future__ import annotations

import gzip
import math
import random
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.emulator import Emulator
from tests.emulator import splat as files
from tests.jobs.conftest import Pump
from tripo_blender.jobs import JobSpec, JobState, Runner
from tripo_blender.jobs.splats import ReadySplats, Splat, SplatError, read_splat, ready_splats

CLOUD = files.cloud(120)
MakeRunner = Callable[..., Runner]


def _write(tmp_path: Path, data: bytes, name: str = "splat.bin") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _sigmoid(v: float) -> float:
    return 1.0 / (1.0 + math.exp(-v))


def _assert_is_the_cloud(
    splat: Splat, cloud: files.Cloud = CLOUD, *, spz: bool = False, coefficients: int = 15
) -> None:
    """``splat`` holds ``cloud``'s gaussians, in order (SPZ: within its quantisation)."""
    position_gap = 1.0 / 4096 if spz else 1e-6
    assert splat.count == cloud.count and len(splat.sh_rest) == coefficients
    for i in range(cloud.count):
        assert splat.positions[3 * i : 3 * i + 3] == pytest.approx(cloud.positions[i], abs=position_gap)
        scales = [math.exp(v) for v in cloud.log_scales[i]]
        assert splat.scales[3 * i : 3 * i + 3] == pytest.approx(scales, rel=0.04 if spz else 1e-5)
        expected = [c / math.sqrt(sum(v * v for v in cloud.rotations[i])) for c in cloud.rotations[i]]
        dot = sum(a * b for a, b in zip(splat.rotations[4 * i : 4 * i + 4], expected))
        assert abs(dot) == pytest.approx(1.0, abs=5e-3 if spz else 1e-6)  # q and -q are one rotation; v2: 8 bits
        assert splat.opacities[i] == pytest.approx(_sigmoid(cloud.opacity[i]), abs=2.5e-3 if spz else 1e-6)
        assert splat.sh_dc[3 * i : 3 * i + 3] == pytest.approx(cloud.dc[i], abs=0.014 if spz else 1e-5)
        colour = [min(1.0, max(0.0, 0.5 + files.SH_C0 * v)) for v in cloud.dc[i]]
        assert splat.colors[3 * i : 3 * i + 3] == pytest.approx(colour, abs=0.004 if spz else 1e-6)
        for k in range(coefficients):
            assert splat.sh_rest[k][3 * i : 3 * i + 3] == pytest.approx(cloud.plane(i, k), abs=1 / 128 if spz else 1e-6)


# --------------------------------------------------------------------------- every format, every gaussian


def test_a_3dgs_ply_gives_back_every_gaussian(tmp_path: Path) -> None:
    splat = read_splat(_write(tmp_path, files.ply(CLOUD)))
    _assert_is_the_cloud(splat)
    assert splat.source == "3DGS PLY" and not splat.y_up and splat.sh_degree == 3


@pytest.mark.parametrize("variant", ["ascii", "big-endian", "shuffled", "doubles", "no normals", "extra elements"])
def test_ply_variants_read_alike(tmp_path: Path, variant: str) -> None:
    names = files.ply_properties(CLOUD)
    options: dict[str, Any] = {
        "ascii": {"encoding": "ascii"},
        "big-endian": {"encoding": "binary_big_endian"},
        "shuffled": {"order": random.Random(3).sample(names, len(names))},
        "doubles": {"types": {name: "double" for name in names[::2]}},
        "no normals": {"normals": False},
        "extra elements": {"extra_elements": True},
    }[variant]
    _assert_is_the_cloud(read_splat(_write(tmp_path, files.ply(CLOUD, **options))))


@pytest.mark.parametrize("degree", [0, 1, 2])
def test_any_count_of_higher_coefficients(tmp_path: Path, degree: int) -> None:
    cloud = files.cloud(50, degree=degree)
    splat = read_splat(_write(tmp_path, files.ply(cloud)))
    _assert_is_the_cloud(splat, cloud, coefficients=(degree + 1) ** 2 - 1)
    assert splat.sh_degree == degree


def test_a_ply_with_a_byte_colour_instead_of_dc_terms(tmp_path: Path) -> None:
    order = [n for n in files.ply_properties(CLOUD, normals=False) if not n.startswith(("f_dc", "f_rest"))]
    order += ["red", "green", "blue"]
    data = files.ply(CLOUD, order=order, types={"red": "uchar", "green": "uchar", "blue": "uchar"})
    splat = read_splat(_write(tmp_path, data))
    for i in range(CLOUD.count):
        colour = [min(1.0, max(0.0, 0.5 + files.SH_C0 * v)) for v in CLOUD.dc[i]]
        assert splat.colors[3 * i : 3 * i + 3] == pytest.approx(colour, abs=1 / 255)
    assert splat.sh_rest == ()


@pytest.mark.parametrize("version", [2, 3])
def test_spz_gives_back_every_gaussian(tmp_path: Path, version: int) -> None:
    splat = read_splat(_write(tmp_path, files.spz(CLOUD, version=version)))
    _assert_is_the_cloud(splat, spz=True)
    assert splat.source == f"SPZ v{version}" and splat.y_up


@pytest.mark.parametrize("with_length", [True, False])
def test_spz_extension_records_are_skipped_and_an_sh_range_applies(tmp_path: Path, with_length: bool) -> None:
    """Adobe's SH-quantisation record (early writers stored it without a length) sets the range the
    coefficient bytes spread over; a record of an unknown vendor is skipped by its length."""
    unknown = struct.pack("<II", 0x12340001, 5) + b"12345" if with_length else b""
    records = unknown + files.spz_sh_quantization(-0.5, 0.5, with_length=with_length)
    splat = read_splat(_write(tmp_path, files.spz(CLOUD, extensions=records)))
    assert splat.count == CLOUD.count
    # the writer quantised over -1…1; read over -0.5…0.5, byte b is -0.5 + b/255: the range is applied
    for i in range(0, CLOUD.count, 17):
        written = [max(0, min(255, round(v * 128 + 128))) for v in CLOUD.plane(i, 0)]
        assert splat.sh_rest[0][3 * i : 3 * i + 3] == pytest.approx([-0.5 + b / 255 for b in written], abs=1e-6)


@pytest.mark.parametrize("variant", ["glb", "gltf", "quantized", "log scales"])
def test_gltf_splats_give_back_every_gaussian(tmp_path: Path, variant: str) -> None:
    options = {
        "glb": {},
        "gltf": {"binary": False},
        "quantized": {"quantized": True},
        "log scales": {"log_scales": True},
    }[variant]
    splat = read_splat(_write(tmp_path, files.gltf(CLOUD, **options)))
    if variant == "quantized":  # normalised shorts and bytes: a step of 1/32767 and 1/255
        assert splat.count == CLOUD.count
        for i in range(CLOUD.count):
            assert splat.opacities[i] == pytest.approx(_sigmoid(CLOUD.opacity[i]), abs=1 / 255)
    else:
        _assert_is_the_cloud(splat)
    assert splat.source == "glTF KHR_gaussian_splatting" and splat.y_up


def test_the_format_is_told_by_the_bytes_never_the_name(tmp_path: Path) -> None:
    for data, name, source in (
        (files.spz(CLOUD), "looks.ply", "SPZ v3"),
        (files.ply(CLOUD), "looks.spz", "3DGS PLY"),
        (files.gltf(CLOUD), "splat", "glTF KHR_gaussian_splatting"),
    ):
        assert read_splat(_write(tmp_path, data, name)).source == source


# --------------------------------------------------------------------------- damaged files: a sentence


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "not a Gaussian splat this add-on reads"),
        (b"\x89PNG\r\n\x1a\n0000", "it starts with '89 50 4e 47"),
        (
            b"ply\nformat binary_little_endian 1.0\nelement vertex 3\nproperty float x\nproperty float y\n"
            b"property float z\nelement face 1\nproperty list uchar int vertex_indices\nend_header\n" + bytes(40),
            "not a Gaussian splat: its vertices have no opacity",
        ),
        (b"NGSP" + struct.pack("<I", 4) + bytes(24), "version 4, whose streams are zstd-compressed"),
        (gzip.compress(b"NOPE" + bytes(12), mtime=0), "not a Gaussian splat this add-on reads"),
        (
            gzip.compress(struct.pack("<4sIIBBBB", b"NGSP", 7, 1, 0, 12, 0, 0), mtime=0),
            "version 7; the add-on reads versions 2 and 3",
        ),
    ],
)
def test_what_is_not_a_readable_splat_is_said(tmp_path: Path, data: bytes, message: str) -> None:
    with pytest.raises(SplatError, match=message):
        read_splat(_write(tmp_path, data, "tripo_splat.ply"))


def test_a_gltf_whose_data_is_elsewhere_or_compressed_is_refused_with_the_reason(tmp_path: Path) -> None:
    doc, blob = _gltf_parts()
    doc["buffers"][0]["uri"] = "splat.bin"
    with pytest.raises(SplatError, match="separate file .'splat.bin'.* did not come with the download"):
        read_splat(_write(tmp_path, _glb(doc, blob)))
    doc, blob = _gltf_parts()
    doc["extensionsRequired"] = ["KHR_gaussian_splatting", "EXT_meshopt_compression"]
    with pytest.raises(SplatError, match="compressed with EXT_meshopt_compression"):
        read_splat(_write(tmp_path, _glb(doc, blob)))


def _gltf_parts() -> tuple[dict[str, Any], bytes]:
    import json

    data = files.gltf(files.cloud(20))
    size = struct.unpack_from("<I", data, 12)[0]
    return json.loads(data[20 : 20 + size]), data[20 + size + 8 :]


def _glb(doc: dict[str, Any], blob: bytes) -> bytes:
    import json

    text = json.dumps(doc).encode()
    text += b" " * (-len(text) % 4)
    chunks = struct.pack("<II", len(text), 0x4E4F534A) + text + struct.pack("<II", len(blob), 0x004E4942) + blob
    return b"glTF" + struct.pack("<II", 2, 12 + len(chunks)) + chunks


SMALL = files.cloud(30)
MAKERS: dict[str, Callable[[], bytes]] = {
    "ply": lambda: files.ply(SMALL),
    "ascii ply": lambda: files.ply(SMALL, encoding="ascii"),
    "spz": lambda: files.spz(SMALL),
    "spz v2": lambda: files.spz(SMALL, version=2),
    "glb": lambda: files.gltf(SMALL),
    "gltf": lambda: files.gltf(SMALL, binary=False),
}


@pytest.mark.parametrize("fmt", MAKERS)
def test_a_file_cut_anywhere_is_a_sentence_never_a_traceback(tmp_path: Path, fmt: str) -> None:
    whole = MAKERS[fmt]()
    cuts = sorted({*range(0, 40), *range(40, len(whole), max(1, len(whole) // 41))})
    for cut in cuts:
        try:
            splat = read_splat(_write(tmp_path, whole[:cut]))
        except SplatError as exc:
            assert str(exc).startswith("splat.bin") and "Traceback" not in str(exc)
            continue
        pytest.fail(f"{fmt} cut at {cut} of {len(whole)} bytes read as {splat.count} gaussians")


@pytest.mark.parametrize("fmt", MAKERS)
def test_scrambled_bytes_are_a_sentence_or_a_splat_never_a_traceback(tmp_path: Path, fmt: str) -> None:
    whole = bytearray(MAKERS[fmt]())
    rng = random.Random(fmt)
    for _ in range(60):
        damaged = bytearray(whole)
        for _ in range(rng.randint(1, 8)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        try:
            splat = read_splat(_write(tmp_path, bytes(damaged)))
        except SplatError:
            continue
        assert len(splat.positions) == 3 * splat.count  # what reads is whole


# --------------------------------------------------------------------------- read on the worker, landed later


def test_the_ready_store_hands_over_what_a_worker_read_and_keeps_errors(tmp_path: Path) -> None:
    store = ReadySplats()
    good = _write(tmp_path, files.ply(SMALL), "good.ply")
    bad = _write(tmp_path, b"ply\nformat ascii 1.0\nend_header\n", "bad.ply")
    read = store.prepare(good)
    assert isinstance(read, Splat) and store.kept_bytes == read.nbytes
    assert store.take(good) is read and store.kept_bytes == 0  # handed over once, then forgotten
    assert isinstance(store.prepare(bad), SplatError)
    with pytest.raises(SplatError, match="bad.ply: The PLY file has no vertex element"):
        store.take(bad)
    taken = store.take(good)  # not prepared (a restart): read on the spot
    assert taken is not read and taken.count == SMALL.count


def test_the_ready_store_keeps_a_bounded_amount(tmp_path: Path) -> None:
    paths = [_write(tmp_path, files.ply(SMALL), f"s{i}.ply") for i in range(3)]
    first = read_splat(paths[0])
    store = ReadySplats(budget=2 * first.nbytes)
    kept = [store.prepare(p) for p in paths]
    assert store.kept_bytes == 2 * first.nbytes  # the oldest went
    assert store.take(paths[2]) is kept[2] and store.take(paths[0]) is not kept[0]


def test_the_worker_reads_a_downloaded_splat_before_blender_gets_it(
    emulator: Emulator, make_runner: MakeRunner
) -> None:
    emulator.splat_format = "spz"
    runner = make_runner()
    pump = Pump(runner, auto_import=False)
    job = runner.submit(JobSpec("image_to_splat", {"image": "https://example.com/cat.png"}, name="cat splat"))
    importing = pump.until_state(job.id, JobState.IMPORTING)
    assert "reading the splat" in [entry.note for entry in importing.timeline]
    path = importing.files["splat"]
    assert Path(path).suffix == ".spz"
    splat = ready_splats.take(path)
    assert splat.count == files.cloud().count and splat.source == "SPZ v3"
