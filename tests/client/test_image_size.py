"""Images Tripo would refuse for their pixel size are refused before anything is sent, whatever
the format: the sizes are read from real headers (PNG IHDR, JPEG SOF after other segments, the
three WEBP flavours)."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

from tripo_blender.client.image_size import pixel_size
from tripo_blender.client.inputs import check_local_image

RELIABILITY_AREA = "Bad input"


def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IEND", b"")
    )


def _jpeg(width: int, height: int) -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00" + bytes(9)
    exif = b"\xff\xe1" + struct.pack(">H", 2 + 300) + bytes(300)  # a big segment before the frame
    sof = b"\xff\xc2" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + exif + sof + b"\xff\xd9"


def _webp(flavour: str, width: int, height: int) -> bytes:
    if flavour == "VP8 ":
        body = b"\x00\x00\x00" + b"\x9d\x01\x2a" + struct.pack("<HH", width, height) + bytes(10)
    elif flavour == "VP8L":
        body = b"\x2f" + ((width - 1) | (height - 1) << 14).to_bytes(4, "little") + bytes(10)
    else:
        body = bytes(4) + (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little") + bytes(10)
    return (
        b"RIFF"
        + struct.pack("<I", 4 + 8 + len(body))
        + b"WEBP"
        + flavour.encode()
        + struct.pack("<I", len(body))
        + body
    )


@pytest.mark.parametrize(
    "make, file_type",
    [
        (_png, "png"),
        (_jpeg, "jpeg"),
        (lambda w, h: _webp("VP8 ", w, h), "webp"),
        (lambda w, h: _webp("VP8L", w, h), "webp"),
        (lambda w, h: _webp("VP8X", w, h), "webp"),
    ],
)
def test_the_pixel_size_comes_from_the_header(tmp_path: Path, make: object, file_type: str) -> None:
    path = tmp_path / "image"
    path.write_bytes(make(1234, 567))  # type: ignore[operator]
    assert pixel_size(str(path), file_type) == (1234, 567)


@pytest.mark.parametrize(
    "width, height, refused",
    [
        (19, 500, True),
        (500, 19, True),
        (20, 20, False),
        (6000, 6000, False),
        (6001, 100, True),
        (100, 6001, True),
    ],
)
def test_an_image_outside_20_to_6000_pixels_a_side_is_refused(
    tmp_path: Path, width: int, height: int, refused: bool
) -> None:
    path = tmp_path / "image.png"
    path.write_bytes(_png(width, height))
    if refused:
        with pytest.raises(ValueError, match=f"{width}×{height} pixels; Tripo accepts 20 to 6000 pixels a side"):
            check_local_image(path)
    else:
        assert check_local_image(path).file_type == "png"
