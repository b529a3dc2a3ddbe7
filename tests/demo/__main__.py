"""The main job, end to end: a prompt becomes a model in a saved .blend and a rendered picture.

Run by ``python3 build.py demo`` inside the bpy 5.0 venv (Blender as a Python module, headless).
Offline by default: the bundled Tripo emulator plays the API. ``--live`` talks to Tripo itself
with ``TRIPO_API_KEY`` (and spends real credits).

It goes through exactly what an artist's click goes through: ``bpy.ops.tripo.generate`` submits
the job, the add-on's pump (the function its ``bpy.app.timers`` callback runs) applies worker
events and imports the result; the bpy module never fires timers, so this script calls the pump
itself, like Blender's event loop would.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

log = logging.getLogger("tripo_demo")

ROOT = Path(__file__).resolve().parents[2]
ADDON_MODULE = "bl_ext.tripo_demo.tripo_blender"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="build.py demo", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--prompt", default="a small cat statue")
    parser.add_argument("--out", default=str(ROOT / "demo-out"), help="folder for demo.blend and demo.png")
    parser.add_argument("--live", action="store_true", help="use the real Tripo API (needs TRIPO_API_KEY)")
    parser.add_argument(
        "--timeout", type=float, default=None, help="give up after this many seconds (default 120 offline, 1200 live)"
    )
    parser.add_argument("--samples", type=int, default=16, help="Cycles samples for the picture")
    return parser.parse_args(argv)


def start_backend(live: bool) -> Any:
    """Offline: start the emulator and point the add-on at it through the documented env vars."""
    if live:
        if not os.environ.get("TRIPO_API_KEY"):
            raise SystemExit("--live needs TRIPO_API_KEY set to your Tripo API key (tsk_…)")
        os.environ.pop("TRIPO_API_BASE_URL", None)
        return None
    from tests.emulator import TEST_KEY, Emulator

    emulator = Emulator(queue_seconds=1.0, run_seconds=3.0)
    emulator.start()
    os.environ["TRIPO_API_KEY"] = TEST_KEY
    os.environ["TRIPO_API_BASE_URL"] = emulator.base_url
    log.info("emulator at %s (CDN %s)", emulator.base_url, emulator.cdn_base)
    return emulator


def run_job(prompt: str, timeout: float) -> Any:
    """Submit through the operator and drive the pump until the job has finished."""
    import importlib

    import bpy

    runtime = importlib.import_module(f"{ADDON_MODULE}.blender.runtime").runtime
    before = {job.id for job in runtime.jobs()}
    result = bpy.ops.tripo.generate(mode="TEXT", prompt=prompt)
    if "FINISHED" not in result:
        raise SystemExit(f"generate did not start: {result}")
    job_id = next(job.id for job in runtime.jobs() if job.id not in before)
    deadline = time.monotonic() + timeout
    idle = threading.Event()
    while True:
        delay = runtime.pump()
        job = runtime.job(job_id)
        if job is not None and job.state.is_terminal:
            return job
        if time.monotonic() > deadline:
            raise SystemExit(f"the job did not finish within {timeout:.0f} s (state {job.state.value if job else '?'})")
        idle.wait(min(delay or 0.1, 0.25))  # Blender's event loop would sleep here between timer ticks


def frame_camera(objects: list[Any]) -> None:
    """Add a camera and lights that frame ``objects`` (the picture is a by-product, not a test)."""
    import bpy
    from mathutils import Vector

    corners = [ob.matrix_world @ Vector(c) for ob in objects if ob.type == "MESH" for c in ob.bound_box]
    lo = Vector((min(c.x for c in corners), min(c.y for c in corners), min(c.z for c in corners)))
    hi = Vector((max(c.x for c in corners), max(c.y for c in corners), max(c.z for c in corners)))
    center, size = (lo + hi) / 2, max((hi - lo).length, 1e-3)
    scene = bpy.context.scene
    cam = bpy.data.objects.new("Demo Camera", bpy.data.cameras.new("Demo Camera"))
    scene.collection.objects.link(cam)
    cam.location = center + Vector((0.9, -1.6, 0.7)) * size
    cam.rotation_euler = (center - cam.location).to_track_quat("-Z", "Y").to_euler()
    cam.data.clip_end = size * 20
    scene.camera = cam
    sun = bpy.data.objects.new("Demo Sun", bpy.data.lights.new("Demo Sun", "SUN"))
    sun.data.energy = 3.0
    sun.rotation_euler = (0.8, 0.2, 0.6)
    scene.collection.objects.link(sun)
    world = bpy.data.worlds.new("Demo World")
    world.color = (0.35, 0.37, 0.42)
    world.use_nodes = True
    background = world.node_tree.nodes.get("Background")
    if background is not None:
        background.inputs["Color"].default_value = (0.35, 0.37, 0.42, 1.0)
        background.inputs["Strength"].default_value = 0.8
    scene.world = world


def render_png(path: Path, samples: int) -> None:
    """Render with Cycles on the CPU: the bpy module has no GPU context for Eevee/Workbench."""
    import bpy

    scene = bpy.context.scene
    scene.render.engine = "CYCLES"
    scene.cycles.device = "CPU"
    scene.cycles.samples = samples
    scene.render.resolution_x, scene.render.resolution_y = 640, 480
    scene.render.image_settings.file_format = "PNG"
    scene.render.filepath = str(path)
    bpy.ops.render.render(write_still=True)


def keep_assets_in(folder: Path) -> None:
    """Point the Tripo asset library at ``folder`` (Preferences › Add-ons › Tripo › Asset Library
    Folder), so the demo's result is kept next to demo.blend rather than in a temporary profile."""
    import bpy

    bpy.context.preferences.addons[ADDON_MODULE].preferences.asset_library_dir = str(folder)


def kept_asset(job: Any) -> str:
    """Where the result was kept as an asset, and with which preview (the summary's line)."""
    import importlib

    folder = importlib.import_module(f"{ADDON_MODULE}.blender.asset_library").library_folder()
    index = importlib.import_module(f"{ADDON_MODULE}.jobs.asset_index").AssetIndex(folder)
    record = index.for_task(job.task_id or "")
    if record is None:
        return f"asset: not kept ({job.note or 'see the log'})"
    return f"asset {index.blend_path(record.stem)} ({record.catalog}, preview: {record.preview or 'none'})"


def print_report(job: Any, blend: Path, png: Path | None, objects: list[Any]) -> None:
    import importlib

    jobs = importlib.import_module(f"{ADDON_MODULE}.jobs")
    lines = [
        f"job {job.id}: {job.name!r} → {job.state.value}",
        f"  task id: {job.task_id}",
        f"  credits: estimated {job.estimated_cost}, charged {job.consumed_credit}",
    ]
    lines.append("  timeline:")
    lines.extend(f"    {line}" for line in jobs.format_timeline(job))
    lines.append(f"  objects: {', '.join(ob.name for ob in objects)}")
    lines.append(kept_asset(job))
    lines.append(f"saved {blend}")
    if png is not None:
        lines.append(f"picture {png}")
    print("\n".join(lines))


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    args = parse_args(argv)
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("BLENDER_USER_RESOURCES", tempfile.mkdtemp(prefix="tripo-demo-user-"))
    emulator = start_backend(args.live)
    try:
        import bpy

        from tests.dev_extension import enable_working_tree

        enable_working_tree("tripo_demo", label="Tripo Demo")
        keep_assets_in(out / "assets")
        bpy.ops.wm.read_homefile(use_empty=True)
        job = run_job(args.prompt, args.timeout or (1200.0 if args.live else 120.0))
        objects = [ob for ob in bpy.data.objects if ob.get("tripo_job_id") == job.id]
        if job.state.value != "done" or not objects:
            error = job.error.message if job.error else "no objects were imported"
            print(f"the demo job ended {job.state.value}: {error}", file=sys.stderr)
            return 1
        blend = out / "demo.blend"
        png = out / "demo.png"
        frame_camera(objects)
        bpy.ops.wm.save_as_mainfile(filepath=str(blend))
        render_png(png, args.samples)
        print_report(job, blend, png, objects)
        return 0
    finally:
        if emulator is not None:
            emulator.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
