"""Debian's real Blender (in a chroot) for the UI tests: one visit with a window, one headless run.

One run of tests/ui uses one Debian release's Blender: ``$TRIPO_UI_DEBIAN`` names it (``trixie``,
the default, Blender 4.3; ``sid``, Blender 5.2), and ``build.py test`` runs tests/ui once per
release (steps ``ui-4.3`` and ``ui-5.2``). ``tools.debian_root`` owns the roots (creation, stamp,
mounts). Artefacts go to ``build/ui/<Blender series>/``.
Here the session-scoped ``visit`` fixture builds the zip, starts the emulator on the host (the
chroot shares the network, so 127.0.0.1 reaches it), starts Xvfb inside the root, runs
``scripts/drive_blender.py`` in Blender once, and hands the tests what it saw: the script's JSON,
Blender's output, the screenshots (also kept in ``build/ui/`` for people to look at) and the
emulator's request log. The session-scoped ``headless`` fixture installs the zip with Blender's
own command line and runs the README's headless script with ``blender -b --online-mode``
against an emulator of its own. The tests only assert.
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
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.emulator import TEST_KEY, Emulator
from tools import debian_root
from tools.debian_root import chroot_command
from tools.package import build_zip
from tools.paths import ROOT
from tools.steps import UI_RELEASE_ENV

#: The Debian release whose Blender this run visits.
RELEASE = debian_root.release_named(os.environ.get(UI_RELEASE_ENV) or debian_root.TRIXIE.suite)
#: sid's Blender imports ``requests`` at startup (its own code), so Debian's copy is installed
#: there (see ``tools.debian_root.SID``) and is already loaded when the add-on starts.
SYSTEM_REQUESTS = "python3-requests" in RELEASE.packages
SCRIPT = Path(__file__).resolve().parent / "scripts" / "drive_blender.py"
PROBE = Path(__file__).resolve().parent / "scripts" / "headless_probe.py"
README_SCRIPT = ROOT / "tests" / "blender" / "scripts" / "make_foxes.py"  # shown verbatim in the README
OUT_DIR = ROOT / "build" / "ui" / RELEASE.blender  # one folder per window
SCREEN = (1600, 1000)
PROMPT = "a small cat statue"
IMPORT_TIMEOUT = 90  # seconds the script waits for the add-on's pump to import the result
BLENDER_TIMEOUT = 480  # seconds for the whole Blender run, startup and quit included (2 busy cores)
HEADLESS_TIMEOUT = 180  # seconds for the headless script (three generations)
XVFB_TIMEOUT = 30
ASSET_THUMBNAIL = 256  # pixels: the Asset Browser's largest thumbnails (Blender's default, 96, cuts names)
PREVIEW_TIMEOUT = 30  # seconds the script waits for the Asset Browser to draw the assets' previews
#: Screenshots the script takes: config key -> file name (in the run folder, then in OUT_DIR).
SCREENSHOTS = {
    "screenshot": "screenshot.png",
    "context_menu_screenshot": "context_menu.png",
    "animated_screenshot": "animated.png",
    "plain_context_menu_screenshot": "plain_context_menu.png",
    "plain_mesh_screenshot": "plain_mesh.png",
    "texture_dialog_screenshot": "texture_dialog.png",
    "preferences_screenshot": "preferences.png",
}
#: Screenshots of one region each (config key -> file name): the sidebar at its default width,
#: the Outliner after a generation and a texture, the sidebar scrolled to a Jobs panel of 30 jobs,
#: the Asset Browser on the Tripo library (the whole area: header, catalogs, thumbnails).
CROPS = {
    "sidebar_screenshot": "sidebar.png",
    "outliner_screenshot": "outliner.png",
    "jobs_screenshot": "jobs.png",
    "concept_screenshot": "concept.png",
    "failed_jobs_screenshot": "failed_jobs.png",
    "offline_screenshot": "offline.png",
    "multiview_screenshot": "multiview.png",
    "image_mode_screenshot": "image_mode.png",
    "cut_sample_screenshot": "cut_sample.png",
    "crowd_screenshot": "crowd.png",
    "asset_browser_screenshot": "asset_browser.png",
    "views_screenshot": "views_edit.png",
}
JOBS_WANTED = 30  # jobs in the Jobs panel for jobs.png
JOBS_FAILING = 4  # of the jobs the visit adds, so many fail (the panel shows both kinds)
CROWD_JOBS = 6  # jobs sent at once for crowd.png, with Parallel Jobs at CROWD_PARALLEL: half wait
CROWD_PARALLEL = 3


@dataclass
class Visit:
    """What one Blender run produced (all copied out of the chroot before it is unmounted)."""

    result: dict[str, Any]
    log: str
    out_dir: Path  # build/ui/<series>/: the screenshots by their SCREENSHOTS and CROPS file names
    screenshot_stats: dict[str, dict[str, float]]  # by file name, for each screenshot (and crop) taken
    returncode: int
    previews: dict[str, float]  # the emulator's pictures among asset_browser.png's thumbnails (preview_pixels)


@dataclass
class Headless:
    """What ``blender -b --online-mode --python make_foxes.py`` did (copied out of the chroot)."""

    install_returncode: int  # blender -c extension install-file
    returncode: int
    output: str  # the script run's stdout and stderr
    report: dict[str, Any]  # headless_probe.py's JSON ({} if it never ran)
    posts: list[dict[str, Any]]  # bodies of the text-to-model requests the emulator received
    work_files: list[str]  # what the script left in its working directory
    saved_tasks: list[str] | None  # Tripo task ids of the objects in the saved foxes.blend, read back


_visits: list[Visit] = []  # for the summary line build.py reads ("blender: …")
_timings: dict[str, float] = {}  # seconds per phase, for the summary line


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
    command = chroot_command(
        root, "Xvfb", "-displayfd", str(write_fd), "-nolisten", "tcp", "-screen", "0", f"{width}x{height}x24"
    )
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


def window_command(root: Path, run_dir: Path, display: str, script: Path) -> list[str]:
    """Blender in a real window on ``display`` with a fresh user profile under ``run_dir`` (its
    ``home`` and ``tmp`` made here), running ``run_dir``'s copy of ``script`` on ``config.json``:
    the window visit and the Rig dialog probe start Blender the same way."""
    width, height = SCREEN
    for name in ("home", "tmp"):
        (run_dir / name).mkdir(exist_ok=True)
    env = {
        "DISPLAY": display,
        "HOME": inside(root, run_dir / "home"),
        "TMPDIR": inside(root, run_dir / "tmp"),
        "BLENDER_USER_RESOURCES": inside(root, run_dir / "user"),
    }
    return chroot_command(
        root,
        "blender",
        "--factory-startup",
        "--enable-event-simulate",
        "--window-geometry",
        "0",
        "0",
        str(width),
        str(height),
        "--python-exit-code",
        "1",
        "--python",
        inside(root, run_dir / script.name),
        "--",
        inside(root, run_dir / "config.json"),
        env=env,
    )


def run_blender(root: Path, run_dir: Path, display: str, log_path: Path) -> int:
    """Blender with a fresh user profile, driven by the script; its output goes to ``log_path``."""
    command = window_command(root, run_dir, display, SCRIPT)
    with log_path.open("w") as log_file:
        try:
            return subprocess.run(
                command, stdout=log_file, stderr=subprocess.STDOUT, timeout=BLENDER_TIMEOUT
            ).returncode
        except subprocess.TimeoutExpired:  # subprocess.run has killed Blender (chroot and env exec it)
            log_file.write(f"\n[test] Blender killed after {BLENDER_TIMEOUT} s\n")
            return -1


def screenshot_stats(root: Path, image: Path) -> dict[str, float]:
    """Size, number of distinct colours and their spread, by ImageMagick inside the root."""
    fields = "%w %h %k %[fx:standard_deviation]"
    done = subprocess.run(
        chroot_command(root, "identify", "-format", fields, inside(root, image)),
        capture_output=True,
        text=True,
        check=True,
    )
    width, height, colours, deviation = done.stdout.split()
    return {"width": int(width), "height": int(height), "colours": int(colours), "deviation": float(deviation)}


#: A pixel of the emulator's picture (tests/emulator/images.py: a gradient of (90, 140, 220) from
#: 40 % to 100 %) as ImageMagick's ``-fx`` tests it (channels 0..1): clearly bluer than red and
#: green; Blender's grey UI and the models' previews are not. The darkest shade has b - r = 0.2.
PICTURE_PIXEL = "b - r > 0.15 && b - g > 0.08"


def preview_pixels(root: Path, image: Path, box: list[int]) -> dict[str, float]:
    """How much of ``box`` (x, y, width, height) of ``image`` shows the emulator's picture, and in
    how many shades: a preview drawn from a .blend's thumbnail is a gradient of many shades,
    a flat highlight or an empty icon would give few or none."""

    def measure(fx: str, result: str) -> str:
        command = chroot_command(
            root,
            "convert",
            inside(root, image),
            "-crop",
            "{2}x{3}+{0}+{1}".format(*box),
            "+repage",
            "-fx",
            fx,
            *result.split("|"),
            "info:-",
        )
        done = subprocess.run(command, capture_output=True, text=True, check=True, timeout=120)
        return done.stdout.split()[-1]  # ImageMagick 7 prints "list" before the result after -fx

    share = measure(f"({PICTURE_PIXEL}) ? 1 : 0", "-format|%[fx:mean]")
    colours = measure(f"({PICTURE_PIXEL}) ? u : 0", "-unique-colors|-format|%w")
    return {"share": float(share), "shades": int(colours) - 1}  # less the black the rest became


def write_config(
    run_dir: Path, root: Path, emulator: Emulator, display: str, jobs_emulator: Emulator, crowd_emulator: Emulator
) -> None:
    """What the script needs to know (paths as seen inside the chroot)."""
    config = {
        "zip": inside(root, build_zip(run_dir)),
        "api_key": TEST_KEY,
        "api_base_url": emulator.base_url,
        "jobs_api_base_url": jobs_emulator.base_url,
        "jobs_wanted": JOBS_WANTED,
        "crowd_api_base_url": crowd_emulator.base_url,
        "crowd_jobs": CROWD_JOBS,
        "crowd_parallel": CROWD_PARALLEL,
        "display": display,
        "prompt": PROMPT,
        "import_timeout": IMPORT_TIMEOUT,
        "asset_thumbnail": ASSET_THUMBNAIL,
        "preview_timeout": PREVIEW_TIMEOUT,
        "result": inside(root, run_dir / "result.json"),
        **{key: inside(root, run_dir / name) for key, name in (SCREENSHOTS | CROPS).items()},
    }
    (run_dir / "config.json").write_text(json.dumps(config, indent=2))
    shutil.copy(SCRIPT, run_dir / SCRIPT.name)


def collect(run_dir: Path, root: Path, returncode: int) -> Visit:
    """Copy the run's artefacts to build/ui/ and read them."""
    result: dict[str, Any] = {}
    if (result_file := run_dir / "result.json").is_file():
        result = json.loads(result_file.read_text())
        shutil.copy(result_file, OUT_DIR / "result.json")
    stats: dict[str, dict[str, float]] = {}
    for name in (SCREENSHOTS | CROPS).values():
        if (image := run_dir / name).is_file():
            stats[name] = screenshot_stats(root, image)
            shutil.copy(image, OUT_DIR / name)
    previews: dict[str, float] = {}
    browser = run_dir / CROPS["asset_browser_screenshot"]
    files_box = (result.get("asset_library") or {}).get("files_box")
    if browser.is_file() and files_box:
        previews = preview_pixels(root, browser, files_box)
    output = (OUT_DIR / "blender.log").read_text(errors="replace")
    return Visit(result, output, OUT_DIR, stats, returncode, previews)


_setup_failed: list[str] = []  # why the root could not be set up, once known: not retried per fixture


def enter_debian_root(stack: contextlib.ExitStack) -> Path:
    """The Debian root, mounted until ``stack`` closes.

    Skips the test only when this machine cannot host a window at all (not root, no apt-get);
    fails it, with the reason, when it could but the setup failed (a window that could not be set
    up must not read as a pass). A failed setup is not tried again by the next fixture.
    """
    if _setup_failed:
        pytest.fail(_setup_failed[0], pytrace=False)
    started = time.monotonic()
    try:
        root: Path = stack.enter_context(debian_root.debian_blender(release=RELEASE))
    except debian_root.Unavailable as exc:
        pytest.skip(f"Debian {RELEASE.suite}'s Blender cannot run here: {exc}")
    except debian_root.BuildError as exc:
        _setup_failed.append(
            f"Debian {RELEASE.suite}'s Blender could not be set up on a machine that can run it: {exc}"
        )
        pytest.fail(_setup_failed[0], pytrace=False)
    _timings["debian root"] = _timings.get("debian root", 0.0) + time.monotonic() - started
    return root


def run_folder(stack: contextlib.ExitStack, root: Path, prefix: str) -> Path:
    """A fresh folder inside the root's /tmp, deleted when ``stack`` closes."""
    run_dir = Path(tempfile.mkdtemp(prefix=prefix, dir=root / "tmp"))
    stack.callback(shutil.rmtree, run_dir, ignore_errors=True)
    return run_dir


@pytest.fixture(scope="session")
def ui_emulator() -> Iterator[Emulator]:
    """The emulator Blender talks to; kept for the whole session so tests can read its log.

    It answers in the shapes Tripo's other official SDKs document (issue 21): the task list as an
    array (JS, Go and Rust typing, no ``missed``) and a retarget of several animations with one
    file per animation (``output.model_urls``), so the window's visit proves the add-on under both."""
    with Emulator(queue_seconds=0.0, run_seconds=0.0) as emu:
        emu.variants.task_list = "array"
        emu.retarget_files = "model_urls"
        yield emu


@pytest.fixture(scope="session")
def jobs_emulator() -> Iterator[Emulator]:
    """A second emulator for the visit's last part, the Jobs panel filled to 30 jobs (so the first
    one's log holds only the visit's own requests); its first few tasks fail."""
    with Emulator(queue_seconds=0.0, run_seconds=0.0) as emu:
        emu.set_outcome("failed", times=JOBS_FAILING)
        yield emu


@pytest.fixture(scope="session")
def crowd_emulator() -> Iterator[Emulator]:
    """A third emulator whose tasks run for ten minutes: the crowd of crowd.png keeps running
    (and waiting) while it is screenshotted."""
    with Emulator(queue_seconds=0.0, run_seconds=600.0) as emu:
        yield emu


@pytest.fixture(scope="session")
def visit(ui_emulator: Emulator, jobs_emulator: Emulator, crowd_emulator: Emulator) -> Iterator[Visit]:
    """Run Blender once; skip everything when this machine cannot host Debian's Blender."""
    with contextlib.ExitStack() as stack:
        root = enter_debian_root(stack)
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        for stale in ("blender.log", "result.json", "xvfb.log", *SCREENSHOTS.values(), *CROPS.values()):
            (OUT_DIR / stale).unlink(missing_ok=True)
        run_dir = run_folder(stack, root, "tripo-ui-")
        display = stack.enter_context(xvfb(root, OUT_DIR / "xvfb.log"))
        write_config(run_dir, root, ui_emulator, display, jobs_emulator, crowd_emulator)
        blender_started = time.monotonic()
        returncode = run_blender(root, run_dir, display, OUT_DIR / "blender.log")
        _timings["blender"] = time.monotonic() - blender_started
        result = collect(run_dir, root, returncode)
    _visits.append(result)
    yield result


def run_headless(root: Path, run_dir: Path, emulator: Emulator) -> Headless:
    """Install the zip with Blender's command line, then run the README's script the README's way.

    A fresh user profile: no key in the preferences and online access off, so the key, the
    server and online access come only from the environment and ``--online-mode``.
    """
    for name in ("home", "tmp", "work"):
        (run_dir / name).mkdir()
    for script in (PROBE, README_SCRIPT):
        shutil.copy(script, run_dir / script.name)
    report = run_dir / "report.json"
    env = {
        "HOME": inside(root, run_dir / "home"),
        "TMPDIR": inside(root, run_dir / "tmp"),
        "BLENDER_USER_RESOURCES": inside(root, run_dir / "user"),
        "TRIPO_API_KEY": TEST_KEY,
        "TRIPO_API_BASE_URL": emulator.base_url,
        "TRIPO_UI_REPORT": inside(root, report),
    }
    zip_path = inside(root, build_zip(run_dir))
    install = subprocess.run(
        chroot_command(
            root,
            "blender",
            "--command",
            "extension",
            "install-file",
            "--repo",
            "user_default",
            "--enable",
            zip_path,
            env=env,
        ),
        capture_output=True,
        text=True,
        timeout=HEADLESS_TIMEOUT,
    )
    probe, user_script = inside(root, run_dir / PROBE.name), inside(root, run_dir / README_SCRIPT.name)
    # env -C: the script saves foxes.blend in the working directory (chroot starts in /)
    command = chroot_command(
        root,
        "env",
        "-C",
        inside(root, run_dir / "work"),
        "blender",
        "-b",
        "--online-mode",
        "--python-exit-code",
        "1",
        "--python",
        probe,
        "--python",
        user_script,
        "--python",
        probe,
        env=env,
    )
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=HEADLESS_TIMEOUT)
        returncode, output = done.returncode, done.stdout + done.stderr
    except subprocess.TimeoutExpired as exc:
        returncode, output = -1, f"{exc.stdout or ''}{exc.stderr or ''}\n[test] killed after {HEADLESS_TIMEOUT} s"
    shown = " ".join(command).replace(TEST_KEY, "<TRIPO_API_KEY>")  # no key in logs, not even the emulator's
    (OUT_DIR / "headless.log").write_text(f"$ {shown}\n{install.stdout}{install.stderr}\n{output}")
    found: dict[str, Any] = json.loads(report.read_text()) if report.is_file() else {}
    (OUT_DIR / "headless.json").write_text(json.dumps(found, indent=2))
    saved = run_dir / "work" / "foxes.blend"
    return Headless(
        install.returncode,
        returncode,
        output,
        found,
        [r.json for r in emulator.requests_to("POST", "/v3/generation/text-to-model")],
        sorted(p.name for p in (run_dir / "work").iterdir()),
        tagged_in_file(root, saved, env) if saved.is_file() else None,
    )


# Opens a .blend and prints its objects' Tripo task ids (no add-on needed: they are custom properties).
_LIST_TAGGED = (
    "import bpy, json; print('TAGGED ' + json.dumps(sorted({str(ob['tripo_task_id']) "
    "for ob in bpy.data.objects if 'tripo_task_id' in ob})))"
)


def tagged_in_file(root: Path, blend: Path, env: dict[str, str]) -> list[str] | None:
    """The Tripo task ids of the objects saved in ``blend``, read by another Blender (None: unreadable)."""
    done = subprocess.run(
        chroot_command(
            root, "blender", "-b", "--factory-startup", inside(root, blend), "--python-expr", _LIST_TAGGED, env=env
        ),
        capture_output=True,
        text=True,
        timeout=HEADLESS_TIMEOUT,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("TAGGED ")]
    return json.loads(lines[-1][len("TAGGED ") :]) if lines else None


@pytest.fixture(scope="session")
def headless() -> Headless:
    """``blender -b --online-mode --python make_foxes.py`` in Debian's Blender, once per session."""
    with contextlib.ExitStack() as stack:
        root = enter_debian_root(stack)
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        for stale in ("headless.log", "headless.json"):
            (OUT_DIR / stale).unlink(missing_ok=True)
        run_dir = run_folder(stack, root, "tripo-headless-")
        emulator = stack.enter_context(Emulator(queue_seconds=0.0, run_seconds=0.0))
        started = time.monotonic()
        found = run_headless(root, run_dir, emulator)
        _timings["headless"] = time.monotonic() - started
    return found


RIG_PROBE = Path(__file__).resolve().parent / "scripts" / "rig_dialog_probe.py"
RIG_SCREENSHOTS = {"waiting_screenshot": "rig_dialog_waiting.png", "answered_screenshot": "rig_dialog_answered.png"}
TASK_SECONDS = 3.0  # how long each emulated task runs: long enough to see the dialog wait


@dataclass
class DialogRun:
    result: dict[str, Any]
    log: str
    returncode: int


@pytest.fixture(scope="session")
def dialog_run() -> DialogRun:
    """The Rig dialog opened in a real window while the free check runs (scripts/rig_dialog_probe.py)."""
    with contextlib.ExitStack() as stack:
        root = enter_debian_root(stack)
        run_dir = run_folder(stack, root, "tripo-rig-dialog-")
        emulator = stack.enter_context(Emulator(queue_seconds=0.0, run_seconds=TASK_SECONDS))
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        display = stack.enter_context(xvfb(root, OUT_DIR / "rig_dialog_xvfb.log"))
        shutil.copy(RIG_PROBE, run_dir / RIG_PROBE.name)
        config = {
            "zip": inside(root, build_zip(run_dir)),
            "api_key": TEST_KEY,
            "api_base_url": emulator.base_url,
            "display": display,
            "answer_timeout": 30,
            "result": inside(root, run_dir / "result.json"),
            **{key: inside(root, run_dir / name) for key, name in RIG_SCREENSHOTS.items()},
        }
        (run_dir / "config.json").write_text(json.dumps(config))
        command = window_command(root, run_dir, display, RIG_PROBE)
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=BLENDER_TIMEOUT)
            returncode, log = done.returncode, done.stdout + done.stderr
        except subprocess.TimeoutExpired as exc:
            returncode, log = -1, f"{exc.stdout or ''}{exc.stderr or ''}\n[test] killed after {BLENDER_TIMEOUT} s"
        (OUT_DIR / "rig_dialog.log").write_text(log.replace(TEST_KEY, "<key>"))
        result_file = run_dir / "result.json"
        result = json.loads(result_file.read_text()) if result_file.is_file() else {}
        for name in RIG_SCREENSHOTS.values():
            if (run_dir / name).is_file():
                shutil.copy(run_dir / name, OUT_DIR / name)
    return DialogRun(result, log, returncode)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The Blender that ran, in the form build.py's summary picks up."""
    for seen in _visits:
        version = seen.result.get("blender_version", "?")
        terminalreporter.write_line(f"blender: {version} (Debian {RELEASE.suite}, real window under Xvfb)")
    if _timings:
        terminalreporter.write_line(
            "ui timings: "
            + ", ".join(f"{k} {v:.1f} s" for k, v in _timings.items())
            + f"; screenshots and logs in {OUT_DIR.relative_to(ROOT)}/"
        )
