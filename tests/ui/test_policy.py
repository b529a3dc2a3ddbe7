"""Zero extension-policy warnings in Debian's real Blender: in its output and in what Preferences lists.

Version 0.2 aliased itself as a top-level ``tripo_blender`` module, which Blender's extension
policy forbids: Preferences showed a warning sign and 49 "Policy violation with top level
module: …" lines. Here the built zip is installed the way users do (``blender --command extension
install-file --enable``) into a fresh profile; ``blender --command extension list`` prints the
warnings Blender has for installed extensions; ``policy_probe.py`` loads every module of the
add-on, uses ``tripo`` in a Python console and writes the list Preferences draws
(``addon_utils._extensions_warnings_get()``). The window visit's own output (conftest's
``visit``) and the headless script's are searched for the same lines.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .conftest import (
    HEADLESS_TIMEOUT,
    OUT_DIR,
    Headless,
    Visit,
    build_zip,
    chroot_command,
    enter_debian_root,
    inside,
    run_folder,
)

PROBE = Path(__file__).resolve().parent / "scripts" / "policy_probe.py"
ADDON = "bl_ext.user_default.tripo_blender"
POLICY = "Policy violation"


@dataclass
class PolicyRun:
    """What Blender said about the installed zip (outputs of three Blender commands)."""

    install: subprocess.CompletedProcess[str]
    listing: subprocess.CompletedProcess[str]
    probe: subprocess.CompletedProcess[str]
    report: dict[str, Any]

    @property
    def output(self) -> str:
        return "\n".join(p.stdout + p.stderr for p in (self.install, self.listing, self.probe))


@pytest.fixture(scope="module")
def policy_run() -> PolicyRun:
    with contextlib.ExitStack() as stack:
        root = enter_debian_root(stack)
        run_dir = run_folder(stack, root, "tripo-policy-")
        for name in ("home", "tmp"):
            (run_dir / name).mkdir()
        (run_dir / PROBE.name).write_text(PROBE.read_text())
        env = {
            "HOME": inside(root, run_dir / "home"),
            "TMPDIR": inside(root, run_dir / "tmp"),
            "BLENDER_USER_RESOURCES": inside(root, run_dir / "user"),
        }

        def blender(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                chroot_command(root, "blender", *args, env=env),
                capture_output=True,
                text=True,
                timeout=HEADLESS_TIMEOUT,
            )

        zip_path = inside(root, build_zip(run_dir))
        install = blender("--command", "extension", "install-file", "--repo", "user_default", "--enable", zip_path)
        listing = blender("--command", "extension", "list")
        report_path = run_dir / "policy.json"
        probe = blender(
            "-b",
            "--python-exit-code",
            "1",
            "--python",
            inside(root, run_dir / PROBE.name),
            "--",
            inside(root, report_path),
        )
        report = json.loads(report_path.read_text()) if report_path.is_file() else {}
    found = PolicyRun(install, listing, probe, report)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    (OUT_DIR / "policy.log").write_text(found.output + "\n" + json.dumps(report, indent=2))
    return found


def test_installed_zip_has_no_policy_warning_in_preferences(policy_run: PolicyRun) -> None:
    report = policy_run.report
    assert policy_run.install.returncode == 0, policy_run.output[-3000:]
    assert report, f"the probe wrote nothing (rc {policy_run.probe.returncode}):\n{policy_run.output[-3000:]}"
    assert report["enabled"] and report["modules_loaded"] > 30
    assert report["warnings"] == {}, report["warnings"]
    assert report["top_level"] == []
    assert report["console_tripo"] == ADDON and report["console_price"] > 0, "the console's `tripo` works"


def test_blender_prints_no_policy_warning(policy_run: PolicyRun, visit: Visit, headless: Headless) -> None:
    assert "tripo_blender" in policy_run.listing.stdout, "the listing must show the add-on to mean anything"
    for name, output in (
        ("install and list", policy_run.output),
        ("window visit", visit.log),
        ("headless script", headless.output),
    ):
        assert POLICY not in output, f"{name}: " + "\n".join(line for line in output.splitlines() if POLICY in line)
