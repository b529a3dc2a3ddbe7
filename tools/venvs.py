"""The virtual environments under ``.venv/``: one per ``requirements/<name>.txt``, kept by a stamp.

A stamp (hash of the requirement file and the target Python) makes a second run free; a changed
requirement file recreates the venv so no stale package survives. bpy 4.2–5.0 wheels exist for
CPython 3.11 only and bpy 5.1+ for 3.13 only, hence :func:`find_python` looks beyond PATH.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tools import meshopt_bridge
from tools.paths import LOG_DIR, REQUIREMENTS_DIR, VENV_ROOT, BuildError, log, run_logged

PYTHON_VERSION = (3, 11)  # bpy 4.2 .. 5.0 wheels exist for CPython 3.11 only
PYTHON_313 = (3, 13)  # bpy 5.1 and newer exist for CPython 3.13 only
STAMP_NAME = ".requirements-stamp"


@dataclass(frozen=True)
class Venv:
    """One virtual environment under .venv/, defined by ``requirements/<name>.txt``."""

    name: str
    python_version: tuple[int, int] = PYTHON_VERSION
    #: Give this venv's bpy the glTF meshopt decoder Blender's release builds ship (see
    #: tools/meshopt_bridge.py): one version in the run shows that a Compress it offers lands.
    meshopt_bridge: bool = False

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
    name = "python{}.{}".format(*version)
    found = shutil.which(name)
    if found and _python_works(Path(found)):  # a pyenv shim on PATH fails when the version isn't selected
        return found
    pyenv_root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
    candidates = sorted(
        pyenv_root.glob("versions/{}.{}.*/bin/{}".format(*version, name)),
        key=lambda p: [int(x) if x.isdigit() else -1 for x in p.parts[-3].split(".")],
    )
    return str(candidates[-1]) if candidates else None


def missing_python_reason(version: tuple[int, int]) -> str:
    """What to tell a developer who has no interpreter for ``version`` (a skip reason, not a failure)."""
    dotted = "{}.{}".format(*version)
    return (
        f"no Python {dotted} found (PATH, $PYENV_ROOT/versions); install one, e.g. "
        f"`pyenv install {dotted}` or `apt-get install python{dotted}`"
    )


def base_python(version: tuple[int, int] = PYTHON_VERSION) -> str:
    """The interpreter to create a venv for ``version`` from; BuildError saying how to get one."""
    if candidate := find_python(version):
        return candidate
    raise BuildError(missing_python_reason(version))


def requirements_stamp(venv: Venv) -> str:
    """Hash of what defines the venv: the requirement file and the Python version it targets."""
    digest = hashlib.sha256(venv.requirements.read_bytes())
    digest.update(("python{}.{}".format(*venv.python_version)).encode())
    return digest.hexdigest()


def _python_works(python: Path) -> bool:
    """A venv whose interpreter vanished (e.g. a removed pyenv version) must be recreated."""
    try:
        return subprocess.run([str(python), "-c", "pass"], capture_output=True, check=False).returncode == 0
    except OSError:
        return False


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
        run_logged([base_python(venv.python_version), "-m", "venv", str(venv.path)], log_file)
    run_logged(
        [str(venv.python), "-m", "pip", "install", "--disable-pip-version-check", "-r", str(venv.requirements)],
        log_file,
    )
    stamp_file.write_text(wanted + "\n")
    return action


def ensure_venvs(venvs: Sequence[Venv]) -> None:
    """Prepare the venvs concurrently: creating one is mostly download and unpack time, not CPU,
    so on a fresh clone this takes about as long as the largest venv instead of the sum."""

    def one(venv: Venv) -> None:
        started = time.monotonic()
        action = ensure_venv(venv)
        if venv.meshopt_bridge:  # checked on every run (a file test when present): a recreated venv gets it again
            action += "; " + meshopt_bridge.install(venv.path, LOG_DIR / f"venv-{venv.name}.log")
        log.info("venv %-10s %s (%.1f s)", venv.name, action, time.monotonic() - started)

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, len(venvs))) as pool:
        for future in [pool.submit(one, venv) for venv in venvs]:
            future.result()


CLIENT = Venv("client")
BPY_42 = Venv("bpy-4.2")
BPY_45 = Venv("bpy-4.5")
BPY_50 = Venv("bpy-5.0")
BPY_51 = Venv("bpy-5.1", PYTHON_313)
BPY_52 = Venv("bpy-5.2", PYTHON_313)
BPY_53 = Venv("bpy-5.3", PYTHON_313, meshopt_bridge=True)
TYPECHECK = Venv("typecheck")
LINT = Venv("lint")  # ruff and vulture (requirements/lint.txt)
