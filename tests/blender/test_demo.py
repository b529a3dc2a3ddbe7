"""``python3 build.py demo`` (tests/demo) produces a .blend with the model and a picture of it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import bpy
import pytest

from .support import ROOT

pytestmark = pytest.mark.whole_program  # build.py test --fast leaves it to the full run


def test_demo_saves_the_generated_model_and_renders_it(tmp_path: Path) -> None:
    env = dict(os.environ, BLENDER_USER_RESOURCES=str(tmp_path / "user"))
    env.pop("TRIPO_API_KEY", None)
    done = subprocess.run(
        [sys.executable, "-m", "tests.demo", "--out", str(tmp_path / "out"), "--samples", "2"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    report = done.stdout
    assert "→ done" in report
    for state in ("submitting", "queued", "running", "downloading", "importing", "done"):
        assert state in report, report
    blend, png = tmp_path / "out" / "demo.blend", tmp_path / "out" / "demo.png"
    assert blend.stat().st_size > 100_000
    image = bpy.data.images.load(str(png))
    try:
        assert tuple(image.size) == (640, 480)
        pixels = list(image.pixels[:])
        reds = pixels[0::4]
        # a flat background would give one value; the model adds many different ones
        assert len({round(r, 2) for r in reds}) > 20
    finally:
        bpy.data.images.remove(image)
    with bpy.data.libraries.load(str(blend)) as (data_from, _):
        names = list(data_from.objects)
    assert any(name.startswith("PortalFrame") for name in names), names
    # the result is also kept in the Tripo asset library (demo-out/assets), with the server's preview
    (asset_line,) = [line for line in report.splitlines() if line.startswith("asset ")]
    assert "(Tripo/Text to Model, preview: server)" in asset_line
    (kept,) = (tmp_path / "out" / "assets").glob("*.blend")
    assert str(kept) in asset_line
    with bpy.data.libraries.load(str(kept), assets_only=True, link=True) as (data_from, data_to):
        data_to.collections, data_to.objects = list(data_from.collections), list(data_from.objects)
    (asset,) = [*data_to.collections, *data_to.objects]
    assert asset.asset_data.description == "a small cat statue"
    # the preview the Asset Browser shows is the emulator's picture (blue), not an empty icon
    assert asset.preview.image_size[0] > 0
    preview = asset.preview.image_pixels_float[:]
    assert preview[2] > preview[0] > 0.0, "the server's picture is blue"
    # beside it, its record and its line in the library's index (what listing reads)
    record = json.loads(kept.with_name(kept.stem + ".tripo.json").read_text())
    (line,) = (tmp_path / "out" / "assets" / "tripo_assets.jsonl").read_text().splitlines()
    assert json.loads(line)["stem"] == record["stem"] == kept.stem
    assert record["request"]["spec"]["params"]["prompt"] == "a small cat statue"
