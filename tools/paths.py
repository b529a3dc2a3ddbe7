"""Where things live in the checkout, the one error type the commands report, and logged setup commands.

Every other module of ``tools`` reads its paths from here, so a test can point one concern (the
venvs, the logs) at a temporary folder by patching the name in the module that uses it.
"""

from __future__ import annotations

import logging
import os
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

log = logging.getLogger("build")

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DIR = ROOT / "tripo_blender"
MANIFEST_PATH = ROOT / "blender_manifest.toml"
REQUIREMENTS_DIR = ROOT / "requirements"
VENV_ROOT = ROOT / ".venv"
WHEEL_CACHE = ROOT / "build" / "wheels"
LOG_DIR = ROOT / "build" / "logs"
DIST_DIR = ROOT / "dist"


class BuildError(Exception):
    """A failure with a message meant for the developer (printed without a traceback)."""


class Unavailable(BuildError):
    """This machine cannot run a step at all (not root; no debootstrap and no apt-get to install it):
    its tests skip. A machine that could run the step but failed to set it up raises BuildError."""


def run_logged(cmd: Sequence[str], log_file: Path, env: Mapping[str, str] | None = None) -> None:
    """Run a setup command with its output appended to ``log_file``; raise BuildError on failure.

    Setup output (pip, debootstrap, apt) is long and only interesting when it fails, so it goes to
    a file and only its tail reaches the terminal, inside the error. ``env`` is added to the
    environment of the command.
    """
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("a", encoding="utf-8") as out:
        out.write(f"$ {' '.join(cmd)}\n")
        out.flush()
        rc = subprocess.run(
            list(cmd), stdout=out, stderr=subprocess.STDOUT, check=False, env={**os.environ, **env} if env else None
        ).returncode
    if rc != 0:
        tail = "".join(log_file.read_text(encoding="utf-8", errors="replace").splitlines(True)[-30:])
        raise BuildError(f"`{' '.join(cmd)}` failed (rc={rc}); last lines of {log_file}:\n{tail}")
