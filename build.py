#!/usr/bin/env python3
"""Developer and CI entry point for tripo_blender: ``test``, ``build``, ``emulator``, ``demo``.

Standard library only, so that a fresh clone needs nothing but Python 3.11 (the version Blender's
``bpy`` wheels are built for) to run ``python3 build.py test``.

* ``test``     prepares the virtual environments under ``.venv/`` (cached by a stamp), builds the
               extension zip, then runs the plain-Python tests, the bpy tests on Blender 4.2 and 5.0
               (which include installing the built zip), mypy, and the ``ui`` step (the zip installed
               in Debian's real Blender under Xvfb, driven end to end; needs root), and prints a summary.
* ``build``    writes ``dist/tripo_blender-<version>.zip``, installable in Blender 4.2+.
* ``emulator`` runs the local Tripo API emulator in the foreground (for manual testing).
* ``demo``     the main job offline: a prompt becomes ``demo-out/demo.blend`` and ``demo.png``.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import hashlib
import importlib
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

log = logging.getLogger("build")

ROOT = Path(__file__).resolve().parent
PACKAGE_DIR = ROOT / "tripo_blender"
MANIFEST_PATH = ROOT / "blender_manifest.toml"
REQUIREMENTS_DIR = ROOT / "requirements"
VENV_ROOT = ROOT / ".venv"
WHEEL_CACHE = ROOT / "build" / "wheels"
LOG_DIR = ROOT / "build" / "logs"
DIST_DIR = ROOT / "dist"

PYTHON_VERSION = (3, 11)  # bpy 4.2 .. 5.0 wheels exist for CPython 3.11 only
PYTHON_313 = (3, 13)  # bpy 5.1 and newer exist for CPython 3.13 only
STAMP_NAME = ".requirements-stamp"
PYTEST_NO_TESTS = 5  # pytest's exit code for "no tests were collected/selected"

# Fixed timestamp for zip entries, so that building twice from the same tree gives the same bytes.
ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)


class BuildError(Exception):
    """A failure with a message meant for the developer (printed without a traceback)."""


# --------------------------------------------------------------------------------------------
# Manifest checks (the cheap subset of Blender's own validator, so `build` fails without Blender)

MANIFEST_REQUIRED: dict[str, type] = {
    "schema_version": str,
    "id": str,
    "name": str,
    "tagline": str,
    "version": str,
    "type": str,
    "maintainer": str,
    "license": list,
    "blender_version_min": str,
}
PERMISSION_KEYS = frozenset({"files", "network", "clipboard", "camera", "microphone"})
TERSE_MAX_LENGTH = 64
# semver.org's grammar (Blender checks versions as semantic versions).
SEMVER_RE = re.compile(
    r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?"
)
BLENDER_VERSION_RE = re.compile(r"\d+\.\d+\.\d+")
WHEEL_PATH_RE = re.compile(r"\./wheels/([^/\\\"]+\.whl)")


def load_manifest(path: Path = MANIFEST_PATH) -> dict[str, Any]:
    """Parse the manifest; a TOML syntax error becomes a BuildError naming the file."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise BuildError(f"cannot read {path.name}: {exc}") from exc


def terse_text_error(value: str) -> str | None:
    """Blender's rule for taglines and permission reasons: short, one line, no final punctuation."""
    if not value.strip() or value != value.strip():
        return "must be non-empty without leading/trailing spaces"
    if len(value) > TERSE_MAX_LENGTH:
        return f"must be at most {TERSE_MAX_LENGTH} characters, found {len(value)}"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        return "must not contain control characters"
    if not (value[-1].isalnum() or value[-1] in ")]}"):
        return "must not end with punctuation"
    return None


def id_error(value: str) -> str | None:
    """The id becomes a Python module name (``bl_ext.<repo>.<id>``), hence Blender's rules."""
    if not value.isidentifier():
        return "must be a valid Python identifier"
    if "__" in value or value.startswith("_") or value.endswith("_"):
        return "must not contain '__' nor start or end with '_'"
    return None


def wheel_filename(entry: str) -> str | None:
    """Return the file name of a ``./wheels/<name>.whl`` manifest entry, or None if malformed."""
    match = WHEEL_PATH_RE.fullmatch(entry)
    if match is None or not 5 <= len(match.group(1).split("-")) <= 6:
        return None
    return match.group(1)


def _required_key_errors(manifest: dict[str, Any]) -> list[str]:
    """Missing or mistyped required keys."""
    errors = []
    for key, expected in MANIFEST_REQUIRED.items():
        if key not in manifest:
            errors.append(f"missing required key '{key}'")
        elif not isinstance(manifest[key], expected):
            errors.append(f"'{key}' must be a {expected.__name__}")
    return errors


def _value_errors(manifest: dict[str, Any]) -> list[str]:
    """Errors in the values of the keys that are present."""
    errors: list[str] = []

    def check(key: str, problem: str | None) -> None:
        if problem:
            errors.append(f"'{key}' {problem}")

    if isinstance(manifest.get("id"), str):
        check("id", id_error(manifest["id"]))
    for key in ("schema_version", "version"):
        if isinstance(manifest.get(key), str) and not SEMVER_RE.fullmatch(manifest[key]):
            check(key, f"must be a semantic version (X.Y.Z), found {manifest[key]!r}")
    for key in ("blender_version_min", "blender_version_max"):
        if isinstance(manifest.get(key), str) and not BLENDER_VERSION_RE.fullmatch(manifest[key]):
            check(key, f"must be exactly three numbers X.Y.Z, found {manifest[key]!r}")
    if manifest.get("type") not in (None, "add-on", "theme"):
        check("type", "must be 'add-on' or 'theme'")
    if isinstance(manifest.get("tagline"), str):
        check("tagline", terse_text_error(manifest["tagline"]))
    if isinstance(manifest.get("license"), list) and not (
        manifest["license"] and all(isinstance(x, str) and x for x in manifest["license"])
    ):
        check("license", "must be a non-empty list of strings")
    return errors


def _permission_errors(permissions: Any) -> list[str]:
    """``[permissions]`` must be a table of known keys with short reasons (the list form is rejected)."""
    if not isinstance(permissions, dict):
        return ["'permissions' must be a table of strings (key = \"reason\"), not a list"]
    errors = []
    for key, reason in permissions.items():
        if key not in PERMISSION_KEYS:
            errors.append(f"unknown permission '{key}' (allowed: {', '.join(sorted(PERMISSION_KEYS))})")
        elif not isinstance(reason, str):
            errors.append(f"permission '{key}' reason must be a string")
        elif problem := terse_text_error(reason):
            errors.append(f"permission '{key}' reason {problem}")
    return errors


def _wheel_errors(wheels: Any) -> list[str]:
    """Wheels must be ``./wheels/<spec filename>`` and pure, as the manifest lists no platforms."""
    if not isinstance(wheels, list):
        return ["'wheels' must be a list of strings"]
    errors = []
    for entry in wheels:
        name = wheel_filename(entry) if isinstance(entry, str) else None
        if name is None:
            errors.append(f"wheel entry {entry!r} must look like './wheels/<name>-<ver>-<py>-<abi>-<plat>.whl'")
        elif not name.endswith("-none-any.whl"):
            errors.append(f"wheel {name} is not pure Python (…-none-any.whl) but no 'platforms' are listed")
    return errors


def manifest_errors(manifest: dict[str, Any]) -> list[str]:
    """Every problem Blender's strict validation would report that we can detect without Blender."""
    errors = _required_key_errors(manifest) + _value_errors(manifest)
    if "permissions" in manifest:
        errors += _permission_errors(manifest["permissions"])
    if "wheels" in manifest:
        errors += _wheel_errors(manifest["wheels"])
    return errors


# --------------------------------------------------------------------------------------------
# build: wheels + zip


def manifest_wheel_names(manifest: dict[str, Any]) -> list[str]:
    """File names of the wheels the manifest promises (validated by :func:`manifest_errors`)."""
    return [name for entry in manifest.get("wheels", []) if (name := wheel_filename(entry))]


def wheel_requirement(filename: str) -> str:
    """``requests-2.34.2-py3-none-any.whl`` -> ``requests==2.34.2`` (what pip must fetch)."""
    name, version = filename.split("-")[:2]
    return f"{name}=={version}"


def fetch_wheels(names: Sequence[str], cache: Path = WHEEL_CACHE) -> list[Path]:
    """Download the missing wheels from PyPI into ``cache`` (reused across builds); return their paths.

    pip is asked for exactly the pinned version as a pure wheel; if what it saves has a different
    file name than the manifest lists, the manifest is wrong and we say so rather than ship it.
    """
    cache.mkdir(parents=True, exist_ok=True)
    missing = [name for name in names if not (cache / name).is_file()]
    if missing:
        log.info("downloading %d wheel(s) into %s", len(missing), cache)
        cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
               "--platform", "any", "--python-version", "%d.%d" % PYTHON_VERSION,
               "--dest", str(cache), *map(wheel_requirement, missing)]
        result = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise BuildError(f"pip download failed:\n{result.stdout}{result.stderr}")
    still_missing = [name for name in names if not (cache / name).is_file()]
    if still_missing:
        found = sorted(p.name for p in cache.glob("*.whl"))
        raise BuildError(f"wheels listed in {MANIFEST_PATH.name} were not obtained: {still_missing}; "
                         f"{cache} holds {found} — fix the file names in the manifest")
    return [cache / name for name in names]


def package_files(package_dir: Path = PACKAGE_DIR) -> list[Path]:
    """The add-on's files to ship: everything under the package minus caches, dotfiles and backups."""
    skipped_suffixes = {".pyc", ".pyo", ".zip", ".blend1", ".orig", ".rej", ".swp"}
    files = []
    for path in sorted(package_dir.rglob("*")):
        rel = path.relative_to(package_dir)
        if path.is_dir() or path.suffix in skipped_suffixes or path.name.endswith("~"):
            continue
        if any(part == "__pycache__" or part.startswith(".") for part in rel.parts):
            continue
        files.append(path)
    return files


def _add_file(zf: zipfile.ZipFile, source: Path, arcname: str, compress: int) -> None:
    """Add one file with a fixed timestamp and mode so the zip is reproducible."""
    info = zipfile.ZipInfo(arcname, date_time=ZIP_DATE_TIME)
    info.external_attr = 0o644 << 16
    info.compress_type = compress
    zf.writestr(info, source.read_bytes(), compress_type=compress, compresslevel=9)


def write_zip(out: Path, manifest_path: Path, files: Sequence[Path], package_dir: Path,
              wheels: Sequence[Path]) -> None:
    """Write the extension zip in the layout Blender installs: manifest and ``__init__.py`` at the root.

    The repository keeps the manifest beside ``tripo_blender/``; Blender rejects that layout, so the
    package contents are flattened to the root. Wheels are stored uncompressed, as Blender does.
    Written to a temporary name first so an interrupted build never leaves a half zip in dist/.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_suffix(".zip.part")
    with zipfile.ZipFile(partial, "w") as zf:
        _add_file(zf, manifest_path, "blender_manifest.toml", zipfile.ZIP_DEFLATED)
        for path in files:
            _add_file(zf, path, path.relative_to(package_dir).as_posix(), zipfile.ZIP_DEFLATED)
        for wheel in wheels:
            _add_file(zf, wheel, f"wheels/{wheel.name}", zipfile.ZIP_STORED)
    partial.replace(out)


def build_zip(dist_dir: Path = DIST_DIR, *, wheel_cache: Path = WHEEL_CACHE) -> Path:
    """Check the manifest, fetch its wheels and write ``<dist_dir>/<id>-<version>.zip``; return the path.

    Also the function the packaging tests call, so CI tests exactly what ``build`` produces.
    """
    manifest = load_manifest()
    if errors := manifest_errors(manifest):
        raise BuildError(f"{MANIFEST_PATH.name} is invalid:\n  " + "\n  ".join(errors))
    if not (PACKAGE_DIR / "__init__.py").is_file():
        raise BuildError(f"{PACKAGE_DIR} has no __init__.py: Blender would refuse the add-on")
    wheels = fetch_wheels(manifest_wheel_names(manifest), wheel_cache)
    out = dist_dir / f"{manifest['id']}-{manifest['version']}.zip"
    write_zip(out, MANIFEST_PATH, package_files(), PACKAGE_DIR, wheels)
    log.info("wrote %s (%d KiB)", out, out.stat().st_size // 1024)
    return out


# --------------------------------------------------------------------------------------------
# Virtual environments


@dataclass(frozen=True)
class Venv:
    """One virtual environment under .venv/, defined by ``requirements/<name>.txt``."""

    name: str
    python_version: tuple[int, int] = PYTHON_VERSION

    @property
    def path(self) -> Path:
        return VENV_ROOT / self.name

    @property
    def requirements(self) -> Path:
        return REQUIREMENTS_DIR / f"{self.name}.txt"

    @property
    def python(self) -> Path:
        return self.path / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def find_python(version: tuple[int, int] = PYTHON_VERSION) -> str | None:
    """A CPython ``version`` interpreter: this one, ``pythonX.Y`` on PATH, or a pyenv version.

    pyenv is looked up without running it (``$PYENV_ROOT/versions/X.Y.*``, default ``~/.pyenv``):
    machines here have 3.13 there but not on PATH, and bpy 5.1+ wheels exist for 3.13 only.
    """
    if sys.version_info[:2] == version:
        return sys.executable
    name = "python%d.%d" % version
    found = shutil.which(name)
    if found and _python_works(Path(found)):  # a pyenv shim on PATH fails when the version isn't selected
        return found
    pyenv_root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
    candidates = sorted(pyenv_root.glob("versions/%d.%d.*/bin/%s" % (*version, name)),
                        key=lambda p: [int(x) if x.isdigit() else -1 for x in p.parts[-3].split(".")])
    return str(candidates[-1]) if candidates else None


def missing_python_reason(version: tuple[int, int]) -> str:
    """What to tell a developer who has no interpreter for ``version`` (a skip reason, not a failure)."""
    return ("no Python %d.%d found (PATH, $PYENV_ROOT/versions); install one, e.g. "
            "`pyenv install %d.%d` or `apt-get install python%d.%d`" % (*version, *version, *version))


def base_python(version: tuple[int, int] = PYTHON_VERSION) -> str:
    """The interpreter to create a venv for ``version`` from; BuildError saying how to get one."""
    if candidate := find_python(version):
        return candidate
    raise BuildError(missing_python_reason(version))


def requirements_stamp(venv: Venv) -> str:
    """Hash of what defines the venv: the requirement file and the Python version it targets."""
    digest = hashlib.sha256(venv.requirements.read_bytes())
    digest.update(("python%d.%d" % venv.python_version).encode())
    return digest.hexdigest()


def _python_works(python: Path) -> bool:
    """A venv whose interpreter vanished (e.g. a removed pyenv version) must be recreated."""
    try:
        return subprocess.run([str(python), "-c", "pass"], capture_output=True, check=False).returncode == 0
    except OSError:
        return False


def _run_logged(cmd: Sequence[str], log_file: Path) -> None:
    """Run a setup command with its output appended to ``log_file``; raise BuildError on failure."""
    with log_file.open("a", encoding="utf-8") as out:
        out.write(f"$ {' '.join(cmd)}\n")
        out.flush()
        rc = subprocess.run(list(cmd), stdout=out, stderr=subprocess.STDOUT, check=False).returncode
    if rc != 0:
        tail = "".join(log_file.read_text(encoding="utf-8", errors="replace").splitlines(True)[-30:])
        raise BuildError(f"`{' '.join(cmd)}` failed (rc={rc}); last lines of {log_file}:\n{tail}")


def ensure_venv(venv: Venv) -> str:
    """Make ``venv`` match its requirement file; cheap when the stamp says it already does.

    * stamp matches and the interpreter runs: nothing to do (the fast path of a second run);
    * no stamp but a working venv (created by hand, or an interrupted run): adopt it, i.e.
      ``pip install -r`` into it, which only adds what is missing;
    * stamp differs (requirements changed) or broken interpreter: delete and recreate, so no stale
      package survives a requirement change.
    The stamp is written last, so an interrupted install is never mistaken for a finished one.
    Returns what was done, for the log.
    """
    stamp_file = venv.path / STAMP_NAME
    wanted = requirements_stamp(venv)
    works = venv.python.exists() and _python_works(venv.python)
    if works and stamp_file.is_file() and stamp_file.read_text().strip() == wanted:
        return "up to date"
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log_file = LOG_DIR / f"venv-{venv.name}.log"
    log_file.write_text("", encoding="utf-8")
    action = "adopted" if works and not stamp_file.exists() else "created"
    if action == "created":
        shutil.rmtree(venv.path, ignore_errors=True)
        _run_logged([base_python(venv.python_version), "-m", "venv", str(venv.path)], log_file)
    _run_logged([str(venv.python), "-m", "pip", "install", "--disable-pip-version-check",
                 "-r", str(venv.requirements)], log_file)
    stamp_file.write_text(wanted + "\n")
    return action


def ensure_venvs(venvs: Sequence[Venv]) -> None:
    """Prepare the venvs concurrently: creating one is mostly download and unpack time, not CPU,
    so on a fresh clone this takes about as long as the largest venv instead of the sum."""
    def one(venv: Venv) -> None:
        started = time.monotonic()
        action = ensure_venv(venv)
        log.info("venv %-10s %s (%.1f s)", venv.name, action, time.monotonic() - started)

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, len(venvs))) as pool:
        for future in [pool.submit(one, venv) for venv in venvs]:
            future.result()


# --------------------------------------------------------------------------------------------
# Debian's Blender in a chroot, for the `ui` step (tests/ui)
#
# The PyPI bpy module never fires timers and has no window, so the pump, the sidebar and the
# import have to be seen once in a real Blender. Debian trixie packages Blender 4.3 (Python 3.13,
# no `requests`), which also proves the zip's bundled wheels work. It is installed into a
# debootstrap root under .venv/ (cached by a stamp like the venvs); proc and dev are mounted into
# it only while it is in use.

DEBIAN_SUITE = "trixie"
DEBIAN_PACKAGES = ("blender", "python3-numpy", "xvfb", "xauth", "libgl1-mesa-dri", "imagemagick")
DEBIAN_ROOT_ENV = "TRIPO_DEBIAN_ROOT"      # another place for the root (e.g. a fresh one: a cold run)
DEBIAN_MIRROR_ENV = "TRIPO_DEBIAN_MIRROR"  # overrides the mirror read from the host's apt sources
DEBIAN_STAMP_NAME = ".tripo-debian-stamp"
DEBIAN_MARKER_NAME = ".tripo-debian-root"  # "build.py made this folder": only such folders are deleted
DEBIAN_RECIPE = 2  # bump when install_debian_packages changes, so existing roots are rebuilt
DEBIAN_LOG = LOG_DIR / "debian-blender.log"
HOST_APT_SOURCES = Path("/etc/apt")
CHROOT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# (mount point inside the root, mount arguments before the target)
CHROOT_MOUNTS = (("proc", ("-t", "proc", "proc")), ("dev", ("--bind", "/dev")))


class Unavailable(BuildError):
    """This machine cannot run the step at all (not root, no debootstrap): tests skip, not fail."""


def debian_root() -> Path:
    """Where the Debian root lives: ``$TRIPO_DEBIAN_ROOT`` or ``.venv/debian-blender``."""
    return Path(os.environ.get(DEBIAN_ROOT_ENV) or VENV_ROOT / "debian-blender").resolve()


def debian_stamp() -> str:
    """What defines the root: suite, package list and recipe (changing any of them rebuilds it)."""
    return hashlib.sha256(" ".join((DEBIAN_SUITE, *DEBIAN_PACKAGES, str(DEBIAN_RECIPE))).encode()).hexdigest()


def apt_source_uris(text: str) -> list[str]:
    """Repository URIs of an apt sources file, one-line (``deb [opts] URI suite…``) or deb822 format."""
    uris = []
    for line in text.splitlines():
        words = line.split("#", 1)[0].split()
        if words[:1] == ["URIs:"]:
            uris += words[1:]
        elif words[:1] == ["deb"]:
            rest = words[1:]
            if rest and rest[0].startswith("["):
                rest = rest[next((i for i, w in enumerate(rest) if w.endswith("]")), len(rest)) + 1:]
            uris += rest[:1]
    return uris


def debian_mirror() -> str:
    """The Debian archive the host's apt already uses (never a hard-coded host)."""
    if override := os.environ.get(DEBIAN_MIRROR_ENV):
        return override
    files = [HOST_APT_SOURCES / "sources.list", *sorted((HOST_APT_SOURCES / "sources.list.d").glob("*"))]
    uris = [uri for f in files if f.suffix in (".list", ".sources") and f.is_file()
            for uri in apt_source_uris(f.read_text(encoding="utf-8", errors="replace"))]
    for uri in uris:
        # .../debian/ or a snapshot's .../archive/debian/<date>/; not debian-security, not Ubuntu
        if "debian" in uri.split("://", 1)[-1].split("/")[1:]:
            return uri
    raise BuildError(f"no Debian archive in the host's apt sources ({', '.join(uris) or 'none'}); "
                     f"set {DEBIAN_MIRROR_ENV}")


def chroot_command(root: Path, *args: str, env: dict[str, str] | None = None) -> list[str]:
    """``args`` run inside ``root`` with a clean environment (nothing of the host's leaks in)."""
    variables = {"PATH": CHROOT_PATH, "HOME": "/root", "LANG": "C.UTF-8", **(env or {})}
    return ["chroot", str(root), "/usr/bin/env", "-i", *(f"{k}={v}" for k, v in variables.items()), *args]


def mount_points(table: str) -> list[Path]:
    """The mount points listed in a ``/proc/self/mounts`` text (which escapes spaces as ``\\040``)."""
    def unescape(field: str) -> str:
        return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)

    return [Path(unescape(line.split()[1])) for line in table.splitlines() if line.strip()]


def mounts_under(root: Path) -> list[Path]:
    """Mount points at or below ``root``, deepest first (the order to unmount them in)."""
    root = root.resolve()
    found = [point for point in mount_points(Path("/proc/self/mounts").read_text())
             if point == root or root in point.parents]
    return sorted(found, key=lambda p: len(p.parts), reverse=True)


def unmount_all(root: Path) -> None:
    """Unmount everything below ``root``; lazily if busy, so nothing is ever left mounted."""
    for point in mounts_under(root):
        if subprocess.run(["umount", str(point)], capture_output=True, check=False).returncode != 0:
            log.warning("%s is busy; detaching it lazily", point)
            subprocess.run(["umount", "--lazy", str(point)], capture_output=True, check=False)
    if left := mounts_under(root):
        raise BuildError(f"could not unmount {', '.join(map(str, left))}")


@contextlib.contextmanager
def chroot_mounts(root: Path) -> Iterator[Path]:
    """proc and dev mounted in ``root`` for the duration of the block, and always unmounted after."""
    unmount_all(root)  # left over by a run that was killed
    try:
        for name, args in CHROOT_MOUNTS:
            done = subprocess.run(["mount", *args, str(root / name)], capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise BuildError(f"mounting {root / name} failed: {done.stderr.strip()}")
        yield root
    finally:
        unmount_all(root)


@contextlib.contextmanager
def exclusive(lock_path: Path) -> Iterator[None]:
    """Serialise users of one Debian root (two test runs must not mount or rebuild it at once)."""
    import fcntl  # POSIX only, like everything else in this section

    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def ensure_debootstrap() -> str:
    """debootstrap's path, installing it with apt-get first if needed (Unavailable if impossible)."""
    found = shutil.which("debootstrap") or shutil.which("debootstrap", path="/usr/sbin:/sbin")
    if found:
        return found
    if shutil.which("apt-get") is None:
        raise Unavailable("debootstrap is not installed and there is no apt-get to install it")
    install = ["apt-get", "install", "-y", "--no-install-recommends", "debootstrap"]
    try:
        _run_logged(install, DEBIAN_LOG)
    except BuildError:
        try:  # a fresh machine may have no package lists yet
            _run_logged(["apt-get", "update"], DEBIAN_LOG)
            _run_logged(install, DEBIAN_LOG)
        except BuildError as exc:
            raise Unavailable(f"debootstrap could not be installed (see {DEBIAN_LOG})") from exc
    return shutil.which("debootstrap", path="/usr/sbin:/usr/bin:/sbin:/bin") or "debootstrap"


def install_debian_packages(root: Path) -> None:
    """Blender and the X tools into a fresh root, without recommends, then drop the .deb cache."""
    if Path("/etc/resolv.conf").is_file():
        shutil.copyfile("/etc/resolv.conf", root / "etc" / "resolv.conf")
    # A throwaway root needs no fsync after every file dpkg unpacks.
    (root / "etc" / "dpkg" / "dpkg.cfg.d" / "unsafe-io").write_text("force-unsafe-io\n")
    # Blender lists mounted volumes from /etc/mtab, which minbase does not create.
    (root / "etc" / "mtab").unlink(missing_ok=True)
    (root / "etc" / "mtab").symlink_to("../proc/self/mounts")
    apt_env = {"DEBIAN_FRONTEND": "noninteractive"}
    with chroot_mounts(root):
        _run_logged(chroot_command(root, "apt-get", "install", "-y", "--no-install-recommends",
                                   *DEBIAN_PACKAGES, env=apt_env), DEBIAN_LOG)
        _run_logged(chroot_command(root, "apt-get", "clean"), DEBIAN_LOG)


def remove_debian_root(root: Path) -> None:
    """Delete an outdated or half-made root, but only one this file made (``$TRIPO_DEBIAN_ROOT`` could
    point anywhere) and only once nothing is mounted in it (rmtree must never walk into /dev)."""
    if not root.exists():
        return
    ours = (root / DEBIAN_MARKER_NAME).exists() or (root / DEBIAN_STAMP_NAME).exists()
    if not ours and any(root.iterdir()):
        raise BuildError(f"{root} is not empty and was not made by build.py; refusing to replace it")
    unmount_all(root)
    shutil.rmtree(root)


def ensure_debian_root(root: Path) -> str:
    """Create ``root`` (debootstrap + packages) unless its stamp says it is complete; return what was done.

    The stamp is written last, so an interrupted setup is redone from scratch next time.
    """
    stamp = root / DEBIAN_STAMP_NAME
    if stamp.is_file() and stamp.read_text().strip() == debian_stamp():
        return "up to date"
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    DEBIAN_LOG.write_text("", encoding="utf-8")
    debootstrap = ensure_debootstrap()
    mirror = debian_mirror()
    remove_debian_root(root)
    root.mkdir(parents=True)
    (root / DEBIAN_MARKER_NAME).touch()
    _run_logged([debootstrap, "--variant=minbase", DEBIAN_SUITE, str(root), mirror], DEBIAN_LOG)
    install_debian_packages(root)
    stamp.write_text(debian_stamp() + "\n")
    return "created"


@contextlib.contextmanager
def debian_blender(root: Path | None = None) -> Iterator[Path]:
    """A ready Debian root with Blender, with proc and dev mounted while the block runs.

    Raises Unavailable when this machine cannot do it at all (not root, no debootstrap).
    """
    root = root or debian_root()
    if os.name != "posix" or os.geteuid() != 0:
        raise Unavailable("root is needed (debootstrap, chroot and mount)")
    with exclusive(root.with_name(root.name + ".lock")):
        started = time.monotonic()
        action = ensure_debian_root(root)
        log.info("Debian %s root %s: %s (%.1f s)", DEBIAN_SUITE, root, action, time.monotonic() - started)
        with chroot_mounts(root):
            yield root


# --------------------------------------------------------------------------------------------
# test: steps


@dataclass
class StepResult:
    """Outcome of one step, for the summary table."""

    name: str
    status: str  # PASS, FAIL, NONE (nothing selected by a filter)
    seconds: float
    detail: str = ""


@dataclass
class Step:
    """A command run in one venv from the repo root.

    ``pytest``: the step is a pytest run, so exit code 5 means "nothing collected"; ``no_tests_ok``
    says whether that is acceptable (only when the developer filtered the run).
    """

    name: str
    venv: Venv
    args: list[str]
    summarize: Callable[[str], str]
    pytest: bool = True
    no_tests_ok: bool = False


CLIENT = Venv("client")
BPY_42 = Venv("bpy-4.2")
BPY_45 = Venv("bpy-4.5")
BPY_50 = Venv("bpy-5.0")
BPY_51 = Venv("bpy-5.1", PYTHON_313)
BPY_52 = Venv("bpy-5.2", PYTHON_313)
BPY_53 = Venv("bpy-5.3", PYTHON_313)
# Full suite on the oldest (4.2 LTS), the demo's (5.0) and the newest (5.3); the smoke subset on
# the versions between keeps a cold `build.py test` under 30 min on 2 cores. The subset covers
# what differs between Blender versions: enabling the extension and its environment (numpy,
# glTF importer, meshopt probe), generate → import, rig → retarget landing, and the menus.
BPY_FULL = (BPY_42, BPY_50, BPY_53)
BPY_SMOKE = (BPY_45, BPY_51, BPY_52)
SMOKE_K = "test_addon or test_environment or test_importer or test_generate_ops or test_rigging or test_context_menu"
TYPECHECK = Venv("typecheck")
PYTEST_SUMMARY_RE = re.compile(r"^=+ (.*\d+ (?:passed|failed|error|errors|skipped|deselected).*) =+$", re.M)
BLENDER_HEADER_RE = re.compile(r"^blender: (.+)$", re.M)
MYPY_SUMMARY_RE = re.compile(r"^(Success: .*|Found \d+ errors? .*)$", re.M)


def pytest_summary(output: str) -> str:
    """The last ``=== N passed in Xs ===`` line, plus the Blender version the bpy conftest reports."""
    parts = []
    if blender := BLENDER_HEADER_RE.search(output):
        parts.append(f"Blender {blender.group(1).strip()}")
    if results := PYTEST_SUMMARY_RE.findall(output):
        parts.append(results[-1])
    return "; ".join(parts)


def mypy_summary(output: str) -> str:
    """mypy's closing line."""
    found = MYPY_SUMMARY_RE.findall(output)
    return found[-1] if found else ""


def select_steps(only: set[str], pytest_args: list[str], fast: bool) -> list[Step]:
    """The steps selected by ``--only``/``--fast``; the bpy tests run once per Blender version.

    ``ui`` (Debian's real Blender under Xvfb, tests/ui) comes first: on a cold machine it spends
    a minute downloading Debian packages, which overlaps best with the CPU-bound steps. ``--fast``
    leaves it out.

    With a user filter (``-k``, paths…) selecting nothing is legitimate; without one, an empty run
    means tests silently vanished (broken conftest, wrong venv) and counts as a failure.
    """
    filtered = bool(pytest_args)
    bpy_args = (["-m", "not package"] if fast else []) + pytest_args

    def pytest_step(venv: Venv, *args: str, name: str | None = None) -> Step:
        # One cache dir per step: parallel runs must not overwrite each other's --lf data.
        name = name or venv.name
        argv = ["-m", "pytest", "-o", f"cache_dir=.pytest_cache/{name}", *args]
        return Step(name, venv, argv, pytest_summary, no_tests_ok=filtered)

    steps = []
    if "ui" in only and not fast:
        steps.append(pytest_step(CLIENT, "tests/ui", *pytest_args, name="ui"))
    if "client" in only:
        steps.append(pytest_step(CLIENT, "tests", "--ignore=tests/blender", "--ignore=tests/ui", *pytest_args))
    if "bpy" in only:
        # A user's -k replaces the smoke selection (pytest keeps the last -k).
        smoke = [] if "-k" in pytest_args else ["-k", SMOKE_K]
        steps += [pytest_step(venv, "tests/blender", *bpy_args) for venv in ([BPY_50] if fast else BPY_FULL)]
        if not fast:
            steps += [pytest_step(venv, "tests/blender", *smoke, *bpy_args, name=f"{venv.name}-smoke")
                      for venv in BPY_SMOKE]
    if "types" in only:
        steps.append(Step("types", TYPECHECK, ["-m", "mypy"], mypy_summary, pytest=False))
    return steps


_print_lock = threading.Lock()


def run_step(step: Step) -> StepResult:
    """Run a step from the repo root, streaming its output prefixed with the step name.

    The output also goes to ``build/logs/<step>.log``, which the summary is parsed from and which
    stays readable after a parallel run interleaved the terminal lines.
    """
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log_path = LOG_DIR / f"{step.name}.log"
    cmd = [str(step.venv.python), *step.args]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    started = time.monotonic()
    with log_path.open("w", encoding="utf-8") as log_file:
        log_file.write(f"$ {' '.join(cmd)}\n")
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True, errors="replace")
        assert proc.stdout is not None
        for line in proc.stdout:
            log_file.write(line)
            with _print_lock:
                sys.stdout.write(f"[{step.name}] {line}")
                sys.stdout.flush()
        rc = proc.wait()
    output = log_path.read_text(encoding="utf-8")
    seconds = time.monotonic() - started
    if rc == PYTEST_NO_TESTS and step.pytest:
        status = "NONE" if step.no_tests_ok else "FAIL"
        return StepResult(step.name, status, seconds, "no tests collected/selected")
    detail = step.summarize(output) or f"exit code {rc}"
    return StepResult(step.name, "PASS" if rc == 0 else "FAIL", seconds, detail)


def timed(name: str, action: Callable[[], str]) -> StepResult:
    """Run an in-process step, turning a BuildError into a FAIL row instead of a crash."""
    started = time.monotonic()
    try:
        detail = action()
        return StepResult(name, "PASS", time.monotonic() - started, detail)
    except BuildError as exc:
        log.error("%s failed: %s", name, exc)
        return StepResult(name, "FAIL", time.monotonic() - started, str(exc).splitlines()[0])


def print_summary(results: Sequence[StepResult], total_seconds: float) -> None:
    """The table a developer reads at the end of ``test``."""
    print("\n" + "=" * 30 + " summary " + "=" * 30)
    for result in results:
        print(f"  {result.status:<4}  {result.name:<13} {result.seconds:6.1f} s  {result.detail}")
    print(f"  total {total_seconds:.1f} s; logs in {LOG_DIR.relative_to(ROOT)}/")


# --------------------------------------------------------------------------------------------
# Commands

STEP_GROUPS = ("client", "bpy", "types", "build", "ui")


def parse_only(values: Sequence[str] | None) -> set[str]:
    """``--only client,bpy --only types`` -> {'client', 'bpy', 'types'}; default: everything."""
    if not values:
        return set(STEP_GROUPS)
    chosen = {part.strip() for value in values for part in value.split(",") if part.strip()}
    if unknown := chosen - set(STEP_GROUPS):
        raise BuildError(f"unknown --only value(s) {sorted(unknown)}; choose from {', '.join(STEP_GROUPS)}")
    return chosen


def cmd_test(args: argparse.Namespace) -> int:
    """Prepare venvs, build the zip, run every test step; non-zero exit if anything failed."""
    started = time.monotonic()
    only = parse_only(args.only)
    pytest_args = (["-k", args.k] if args.k else []) + args.extra
    steps = select_steps(only, pytest_args, args.fast)
    results: list[StepResult] = []
    # Versions whose Python is missing are skipped with the reason, not failed (bpy 5.1+ need 3.13).
    runnable = [step for step in steps if find_python(step.venv.python_version)]
    results += [StepResult(step.name, "SKIP", 0.0, missing_python_reason(step.venv.python_version))
                for step in steps if step not in runnable]
    steps = runnable
    venvs = list(dict.fromkeys(step.venv for step in steps))

    def prepare() -> str:
        ensure_venvs(venvs)
        return f"{len(venvs)} ready"

    setup = timed("venvs", prepare)
    results.append(setup)
    if setup.status == "PASS":
        # The packaging tests of the bpy and ui runs reuse the wheels this step caches; fetching them
        # here first keeps parallel runs from downloading into the same cache at once.
        if not args.fast and only & {"build", "bpy", "ui"}:
            results.append(timed("build", lambda: str(build_zip().relative_to(ROOT))))
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            results += list(pool.map(run_step, steps))
    print_summary(results, time.monotonic() - started)
    return 0 if all(r.status in ("PASS", "NONE", "SKIP") for r in results) else 1


def cmd_build(args: argparse.Namespace) -> int:
    """Write the installable zip into ``--dist``."""
    out = build_zip(Path(args.dist))
    print(out)
    return 0


def cmd_emulator(args: argparse.Namespace) -> int:
    """Run the Tripo emulator (stdlib only, so this interpreter will do) until Ctrl-C."""
    sys.path.insert(0, str(ROOT))
    try:
        # Imported by name so that mypy's check of build.py does not pull the emulator (tests/) in.
        emulator = importlib.import_module("tests.emulator.__main__")
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith("tests"):
            raise
        raise BuildError(f"the emulator is missing from this checkout ({exc})") from exc
    return int(emulator.main(args.extra) or 0)


def cmd_demo(args: argparse.Namespace) -> int:
    """The main job end to end: a prompt becomes a model in ``demo-out/demo.blend`` and ``demo.png``.

    Runs ``tests/demo`` in the bpy 5.0 venv (Blender as a module, headless) against the bundled
    emulator; ``--live`` (with ``TRIPO_API_KEY``) uses the real API. ``args.extra`` is passed on.
    """
    ensure_venvs([BPY_50])
    return subprocess.run([str(BPY_50.python), "-m", "tests.demo", *args.extra], cwd=ROOT,
                          check=False).returncode


def cmd_bench(args: argparse.Namespace) -> int:
    """Every speed promise against its baseline (``bench/run.py``: one table, bench/results.json)."""
    ensure_venvs([CLIENT, BPY_50])
    return subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), *args.extra], cwd=ROOT,
                          check=False).returncode


def make_parser() -> argparse.ArgumentParser:
    """The command line; unknown options of ``test`` are passed to pytest, of ``emulator``/``demo`` on."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)

    test = sub.add_parser("test", help="prepare venvs, build, run all tests and mypy",
                          description="Unknown options (e.g. -x, -vv, --lf) are passed to pytest.")
    test.add_argument("-k", metavar="EXPR", help="pytest -k expression (applies to every pytest run)")
    test.add_argument("--only", action="append", metavar="GROUPS",
                      help=f"comma-separated subset of {', '.join(STEP_GROUPS)} (repeatable)")
    test.add_argument("--fast", action="store_true",
                      help="skip Blender 4.2, the build step, the packaging tests and the ui step")
    test.add_argument("-j", "--jobs", type=int, default=min(4, os.cpu_count() or 1),
                      help="steps run in parallel (default: CPU count, at most 4)")
    test.set_defaults(func=cmd_test)

    build = sub.add_parser("build", help="write dist/<id>-<version>.zip")
    build.add_argument("--dist", default=str(DIST_DIR), help="output folder (default: dist/)")
    build.set_defaults(func=cmd_build)

    emulator = sub.add_parser("emulator", help="run the Tripo API emulator (arguments passed on)", add_help=False)
    emulator.set_defaults(func=cmd_emulator)
    demo = sub.add_parser("demo", add_help=False,
                          help="the main job offline: a prompt becomes demo-out/demo.blend + demo.png")
    demo.set_defaults(func=cmd_demo)
    bench = sub.add_parser("bench", add_help=False, help="run the benchmarks (bench/run.py; arguments passed on)")
    bench.set_defaults(func=cmd_bench)
    return parser


PASSTHROUGH_COMMANDS = {"test", "emulator", "demo", "bench"}


def main(argv: Sequence[str] | None = None) -> int:
    """Parse, dispatch, and turn BuildError into a one-line message with exit code 1."""
    parser = make_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command not in PASSTHROUGH_COMMANDS:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.extra = extra
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="%(name)s: %(message)s")
    try:
        return int(args.func(args))
    except BuildError as exc:
        log.error("%s", exc)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
