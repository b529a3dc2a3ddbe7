"""One visit of Debian's real Blender (in a chroot, under Xvfb) for the UI tests.

``build.py`` owns the Debian root (creation, stamp, mounts; see its "Debian's Blender" section).
Here the session-scoped ``visit`` fixture builds the zip, starts the emulator on the host (the
chroot shares the network, so 127.0.0.1 reaches it), starts Xvfb inside the root, runs
``scripts/drive_blender.py`` in Blender once, and hands the tests what it saw: the script's JSON,
Blender's output, the screenshot (also kept in ``build/ui/`` for people to look at) and the
emulator's request log. The tests only assert.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest

from tests.buildpy import ROOT, load_build_module
from tests.emulator import TEST_KEY, Emulator

BUILD = load_build_module()
SCRIPT = Path(__file__).resolve().parent / "scripts" / "drive_blender.py"
OUT_DIR = ROOT / "build" / "ui"
SCREEN = (1600, 1000)
PROMPT = "a small cat statue"
IMPORT_TIMEOUT = 90  # seconds the script waits for the add-on's pump to import the result
BLENDER_TIMEOUT = 240  # seconds for the whole Blender run, startup and quit included
XVFB_TIMEOUT = 30


@dataclass
class Visit:
    """What one Blender run produced (all copied out of the chroot before it is unmounted)."""

    result: dict[str, Any]
    log: str
    screenshot: Path
    screenshot_stats: dict[str, float]
    returncode: int
    timings: dict[str, float]  # seconds: Debian root ready (created or reused), Blender run


_visits: list[Visit] = []  # for the summary line build.py reads ("blender: …")


def inside(root: Path, path: Path) -> str:
    """``path`` (below ``root``) as a path inside the chroot."""
    return "/" + path.relative_to(root).as_posix()


def read_line(fd: int, timeout: float) -> str:
    """One newline-terminated line from ``fd``, waiting at most ``timeout`` seconds for it."""
    data = b""
    while not data.endswith(b"\n"):
        ready, _, _ = select.select([fd], [], [], timeout)
        chunk = os.read(fd, 64) if ready else b""
        if not chunk:
            raise RuntimeError(f"no complete line within {timeout} s (got {data!r})")
        data += chunk
    return data.decode().strip()


@contextlib.contextmanager
def xvfb(root: Path, log_path: Path) -> Iterator[str]:
    """Xvfb inside ``root`` on a free display (it picks one and reports it via -displayfd)."""
    read_fd, write_fd = os.pipe()
    width, height = SCREEN
    command = BUILD.chroot_command(root, "Xvfb", "-displayfd", str(write_fd), "-nolisten", "tcp",
                                   "-screen", "0", f"{width}x{height}x24")
    with log_path.open("w") as log_file:
        server = subprocess.Popen(command, pass_fds=(write_fd,), stdout=log_file, stderr=subprocess.STDOUT)
    os.close(write_fd)
    try:
        yield ":" + read_line(read_fd, XVFB_TIMEOUT)
    finally:
        os.close(read_fd)
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def run_blender(root: Path, run_dir: Path, display: str, log_path: Path) -> int:
    """Blender with a fresh user profile, driven by the script; its output goes to ``log_path``."""
    width, height = SCREEN
    for name in ("home", "tmp"):
        (run_dir / name).mkdir()
    env = {"DISPLAY": display, "HOME": inside(root, run_dir / "home"), "TMPDIR": inside(root, run_dir / "tmp"),
           "BLENDER_USER_RESOURCES": inside(root, run_dir / "user")}
    command = BUILD.chroot_command(
        root, "blender", "--factory-startup", "--enable-event-simulate", "--window-geometry", "0", "0", str(width), str(height),
        "--python-exit-code", "1", "--python", inside(root, run_dir / SCRIPT.name),
        "--", inside(root, run_dir / "config.json"), env=env)
    with log_path.open("w") as log_file:
        try:
            return subprocess.run(command, stdout=log_file, stderr=subprocess.STDOUT,
                                  timeout=BLENDER_TIMEOUT).returncode
        except subprocess.TimeoutExpired:  # subprocess.run has killed Blender (chroot and env exec it)
            log_file.write(f"\n[test] Blender killed after {BLENDER_TIMEOUT} s\n")
            return -1


def screenshot_stats(root: Path, image: Path) -> dict[str, float]:
    """Size, number of distinct colours and their spread, by ImageMagick inside the root."""
    fields = "%w %h %k %[fx:standard_deviation]"
    done = subprocess.run(BUILD.chroot_command(root, "identify", "-format", fields, inside(root, image)),
                          capture_output=True, text=True, check=True)
    width, height, colours, deviation = done.stdout.split()
    return {"width": int(width), "height": int(height), "colours": int(colours), "deviation": float(deviation)}


def write_config(run_dir: Path, root: Path, emulator: Emulator, display: str) -> None:
    """What the script needs to know (paths as seen inside the chroot)."""
    config = {
        "zip": inside(root, BUILD.build_zip(run_dir)),
        "api_key": TEST_KEY,
        "api_base_url": emulator.base_url,
        "display": display,
        "prompt": PROMPT,
        "import_timeout": IMPORT_TIMEOUT,
        "result": inside(root, run_dir / "result.json"),
        "screenshot": inside(root, run_dir / "screenshot.png"),
    }
    (run_dir / "config.json").write_text(json.dumps(config, indent=2))
    shutil.copy(SCRIPT, run_dir / SCRIPT.name)


def collect(run_dir: Path, root: Path, returncode: int, timings: dict[str, float]) -> Visit:
    """Copy the run's artefacts to build/ui/ and read them."""
    result: dict[str, Any] = {}
    if (result_file := run_dir / "result.json").is_file():
        result = json.loads(result_file.read_text())
        shutil.copy(result_file, OUT_DIR / "result.json")
    stats: dict[str, float] = {}
    if (image := run_dir / "screenshot.png").is_file():
        stats = screenshot_stats(root, image)
        shutil.copy(image, OUT_DIR / "screenshot.png")
    output = (OUT_DIR / "blender.log").read_text(errors="replace")
    return Visit(result, output, OUT_DIR / "screenshot.png", stats, returncode, timings)


@pytest.fixture(scope="session")
def ui_emulator() -> Iterator[Emulator]:
    """The emulator Blender talks to; kept for the whole session so tests can read its log."""
    with Emulator(queue_seconds=0.0, run_seconds=0.0) as emu:
        yield emu


@pytest.fixture(scope="session")
def visit(ui_emulator: Emulator) -> Iterator[Visit]:
    """Run Blender once; skip everything when this machine cannot host Debian's Blender."""
    started = time.monotonic()
    with contextlib.ExitStack() as stack:
        try:
            root = stack.enter_context(BUILD.debian_blender())  # mounted until the block ends
        except BUILD.Unavailable as exc:
            pytest.skip(f"Debian's Blender cannot run here: {exc}")
        timings = {"debian root": time.monotonic() - started}
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        for stale in ("blender.log", "result.json", "screenshot.png", "xvfb.log"):
            (OUT_DIR / stale).unlink(missing_ok=True)
        run_dir = Path(tempfile.mkdtemp(prefix="tripo-ui-", dir=root / "tmp"))
        stack.callback(shutil.rmtree, run_dir, ignore_errors=True)
        display = stack.enter_context(xvfb(root, OUT_DIR / "xvfb.log"))
        write_config(run_dir, root, ui_emulator, display)
        blender_started = time.monotonic()
        returncode = run_blender(root, run_dir, display, OUT_DIR / "blender.log")
        timings["blender"] = time.monotonic() - blender_started
        result = collect(run_dir, root, returncode, timings)
    _visits.append(result)
    yield result


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The Blender that ran, in the form build.py's summary picks up."""
    for seen in _visits:
        version = seen.result.get("blender_version", "?")
        terminalreporter.write_line(f"blender: {version} (Debian {BUILD.DEBIAN_SUITE}, real window under Xvfb)")
        terminalreporter.write_line("ui timings: " + ", ".join(f"{k} {v:.1f} s" for k, v in seen.timings.items())
                                    + f"; screenshot in {seen.screenshot.relative_to(ROOT)}")
