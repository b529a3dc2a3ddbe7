"""build.py's helpers for the ``ui`` step (Debian's Blender in a chroot), without root or network.

The step itself runs in tests/ui; these check the parts that decide *where* things come from and
*what* gets unmounted, which must be right on machines the author never saw.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from tests.buildpy import load_build_module

BOOKWORM_DEB822 = """\
Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
"""


@pytest.fixture(scope="module")
def build() -> ModuleType:
    return load_build_module()


@pytest.fixture
def apt_dir(build: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty stand-in for /etc/apt; no mirror override from the environment."""
    (tmp_path / "sources.list.d").mkdir()
    monkeypatch.setattr(build, "HOST_APT_SOURCES", tmp_path)
    monkeypatch.delenv(build.DEBIAN_MIRROR_ENV, raising=False)
    return tmp_path


def test_apt_source_uris_reads_both_formats(build: ModuleType) -> None:
    one_line = ("# deb http://commented.example/debian trixie main\n"
                "deb [arch=amd64 signed-by=/k.gpg] http://mirror.example/debian bookworm main\n"
                "deb-src http://src.example/debian bookworm main\n")
    assert build.apt_source_uris(one_line) == ["http://mirror.example/debian"]
    assert build.apt_source_uris(BOOKWORM_DEB822) == ["http://deb.debian.org/debian",
                                                      "http://deb.debian.org/debian-security"]


def test_mirror_is_the_hosts_debian_archive_not_security(build: ModuleType, apt_dir: Path) -> None:
    (apt_dir / "sources.list.d" / "debian.sources").write_text(BOOKWORM_DEB822)
    assert build.debian_mirror() == "http://deb.debian.org/debian"


def test_snapshot_archives_count_as_debian(build: ModuleType, apt_dir: Path) -> None:
    (apt_dir / "sources.list").write_text(
        "deb http://security.example/debian-security bookworm-security main\n"
        "deb http://snapshot.debian.org/archive/debian/20250520T000000Z/ bookworm main\n")
    assert build.debian_mirror() == "http://snapshot.debian.org/archive/debian/20250520T000000Z/"


def test_no_debian_archive_is_an_error_naming_the_override(build: ModuleType, apt_dir: Path) -> None:
    (apt_dir / "sources.list").write_text("deb http://archive.ubuntu.com/ubuntu noble main\n")
    with pytest.raises(build.BuildError, match=build.DEBIAN_MIRROR_ENV):
        build.debian_mirror()


def test_mirror_override_wins(build: ModuleType, apt_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (apt_dir / "sources.list.d" / "debian.sources").write_text(BOOKWORM_DEB822)
    monkeypatch.setenv(build.DEBIAN_MIRROR_ENV, "http://local.example/debian")
    assert build.debian_mirror() == "http://local.example/debian"


def test_mount_points_unescape_spaces(build: ModuleType) -> None:
    table = ("proc /proc proc rw 0 0\n"
             "proc /srv/my\\040root/proc proc rw,relatime 0 0\n")
    assert build.mount_points(table) == [Path("/proc"), Path("/srv/my root/proc")]


def test_chroot_command_does_not_leak_the_host_environment(build: ModuleType, monkeypatch: pytest.MonkeyPatch,
                                                          tmp_path: Path) -> None:
    monkeypatch.setenv("TRIPO_API_KEY", "tsk_secret")
    command = build.chroot_command(tmp_path, "blender", "-v", env={"DISPLAY": ":3"})
    assert command[:4] == ["chroot", str(tmp_path), "/usr/bin/env", "-i"]
    assert "DISPLAY=:3" in command and command[-2:] == ["blender", "-v"]
    assert not [arg for arg in command if "tsk_secret" in arg]


def test_ui_step_runs_first_by_default_and_not_in_fast_mode(build: ModuleType) -> None:
    everything = build.select_steps(set(build.STEP_GROUPS), [], fast=False)
    assert everything[0].name == "ui" and "tests/ui" in everything[0].args
    client = next(step for step in everything if step.name == "client")
    assert "--ignore=tests/ui" in client.args
    assert "ui" not in [step.name for step in build.select_steps(set(build.STEP_GROUPS), [], fast=True)]


def test_skips_without_root(build: ModuleType, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(build.os, "geteuid", lambda: 1000)
    with pytest.raises(build.Unavailable, match="root"):
        with build.debian_blender(tmp_path / "root"):
            pass
    assert not (tmp_path / "root").exists()
