"""The helpers of the ``ui`` steps (``tools.debian_root``) (Debian's Blender in a chroot), without root or network.

The step itself runs in tests/ui; these check the parts that decide *where* things come from and
*what* gets unmounted, which must be right on machines the author never saw.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import sys
import threading
from pathlib import Path

import pytest

from tools import debian_root, paths, steps

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


@pytest.fixture
def apt_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty stand-in for /etc/apt; no mirror override from the environment."""
    (tmp_path / "sources.list.d").mkdir()
    monkeypatch.setattr(debian_root, "HOST_APT_SOURCES", tmp_path)
    monkeypatch.delenv(debian_root.DEBIAN_MIRROR_ENV, raising=False)
    return tmp_path


def test_apt_source_uris_reads_both_formats() -> None:
    one_line = (
        "# deb http://commented.example/debian trixie main\n"
        "deb [arch=amd64 signed-by=/k.gpg] http://mirror.example/debian bookworm main\n"
        "deb-src http://src.example/debian bookworm main\n"
    )
    assert debian_root.apt_source_uris(one_line) == ["http://mirror.example/debian"]
    assert debian_root.apt_source_uris(BOOKWORM_DEB822) == [
        "http://deb.debian.org/debian",
        "http://deb.debian.org/debian-security",
    ]


def test_mirror_is_the_hosts_debian_archive_not_security(apt_dir: Path) -> None:
    (apt_dir / "sources.list.d" / "debian.sources").write_text(BOOKWORM_DEB822)
    assert debian_root.debian_mirror() == "http://deb.debian.org/debian"


def test_snapshot_archives_count_as_debian(apt_dir: Path) -> None:
    (apt_dir / "sources.list").write_text(
        "deb http://security.example/debian-security bookworm-security main\n"
        "deb http://snapshot.debian.org/archive/debian/20250520T000000Z/ bookworm main\n"
    )
    assert debian_root.debian_mirror() == "http://snapshot.debian.org/archive/debian/20250520T000000Z/"


def test_no_debian_archive_is_an_error_naming_the_override(apt_dir: Path) -> None:
    (apt_dir / "sources.list").write_text("deb http://archive.ubuntu.com/ubuntu noble main\n")
    with pytest.raises(paths.BuildError, match=debian_root.DEBIAN_MIRROR_ENV):
        debian_root.debian_mirror()


def test_mirror_override_wins(apt_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (apt_dir / "sources.list.d" / "debian.sources").write_text(BOOKWORM_DEB822)
    monkeypatch.setenv(debian_root.DEBIAN_MIRROR_ENV, "http://local.example/debian")
    assert debian_root.debian_mirror() == "http://local.example/debian"


def test_mount_points_unescape_spaces() -> None:
    table = "proc /proc proc rw 0 0\nproc /srv/my\\040root/proc proc rw,relatime 0 0\n"
    assert debian_root.mount_points(table) == [Path("/proc"), Path("/srv/my root/proc")]


def test_chroot_command_does_not_leak_the_host_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TRIPO_API_KEY", "tsk_secret")
    command = debian_root.chroot_command(tmp_path, "blender", "-v", env={"DISPLAY": ":3"})
    assert command[:4] == ["chroot", str(tmp_path), "/usr/bin/env", "-i"]
    assert "DISPLAY=:3" in command and command[-2:] == ["blender", "-v"]
    assert not [arg for arg in command if "tsk_secret" in arg]


def test_one_ui_step_per_debian_release_first_by_default_and_not_in_fast_mode() -> None:
    everything = steps.select_steps(set(steps.STEP_GROUPS), [], fast=False)
    ui = everything[: len(debian_root.RELEASES)]
    assert [step.name for step in ui] == ["ui-4.3", "ui-5.2"]
    assert [step.env[steps.UI_RELEASE_ENV] for step in ui] == ["trixie", "sid"]
    assert all("tests/ui" in step.args for step in ui)
    client = next(step for step in everything if step.name == "client")
    assert "--ignore=tests/ui" in client.args
    fast = steps.select_steps(set(steps.STEP_GROUPS), [], fast=True)
    assert not [step.name for step in fast if step.name.startswith("ui")]


def test_releases_share_one_builder_and_differ_only_in_their_record(tmp_path: Path) -> None:
    """sid's expired Release files are accepted through apt.conf.d; trixie's root gets no such file."""
    for release in debian_root.RELEASES:
        root = tmp_path / release.suite
        (root / "etc" / "dpkg" / "dpkg.cfg.d").mkdir(parents=True)
        (root / "etc" / "apt" / "apt.conf.d").mkdir(parents=True)
        debian_root.prepare_root_files(root, release)
        assert (root / "etc" / "mtab").readlink() == Path("../proc/self/mounts")
    conf = tmp_path / "sid" / "etc" / "apt" / "apt.conf.d" / debian_root.APT_CONF_NAME
    assert 'Acquire::Check-Valid-Until "false";' in conf.read_text()
    assert not (tmp_path / "trixie" / "etc" / "apt" / "apt.conf.d" / debian_root.APT_CONF_NAME).exists()
    assert {"python3-cattr", "python3-requests"} <= set(debian_root.SID.packages)
    assert len({release.stamp() for release in debian_root.RELEASES}) == len(debian_root.RELEASES)
    assert len({release.root() for release in debian_root.RELEASES}) == len(debian_root.RELEASES)
    assert debian_root.release_named("5.2") is debian_root.release_named("sid") is debian_root.SID
    with pytest.raises(paths.BuildError, match="trixie"):
        debian_root.release_named("bookworm")


def test_skips_without_root(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(debian_root.os, "geteuid", lambda: 1000)
    with pytest.raises(debian_root.Unavailable, match="root"):
        with debian_root.debian_blender(tmp_path / "root"):
            pass
    assert not (tmp_path / "root").exists()


def test_a_root_path_with_spaces_is_refused_before_debootstrap_runs(tmp_path: Path) -> None:
    """debootstrap splits such a path deep in its scripts; the message says what to do instead."""
    root = tmp_path / "my projects" / "root"
    with pytest.raises(debian_root.BuildError, match="path with spaces.*TRIPO_DEBIAN_ROOT"):
        debian_root.ensure_debian_root(root, debian_root.TRIXIE)
    assert not root.exists(), "nothing made"


FAKE_APT_GET = """#!{python}
# Stands in for the host's apt-get. Like dpkg, it fails at once when another apt-get holds the
# host's lock; it checks that build.py's own lock is held while it runs; "install" puts a
# debootstrap where the real package does.
import fcntl, os, sys
from pathlib import Path
sbin, lock, calls, outcome = {sbin!r}, {lock!r}, {calls!r}, {outcome!r}
with open(lock, "a") as handle:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        print("E: apt-get ran without build.py's host lock")
        sys.exit(100)
    except BlockingIOError:
        pass
Path(calls).open("a").write(" ".join(sys.argv[1:]) + "\\n")
if outcome != "ok":
    print("E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242 (apt-get)")
    sys.exit(100)
if "install" in sys.argv:
    tool = Path(sbin) / "debootstrap"
    tool.write_text("#!/bin/sh\\n")
    tool.chmod(0o755)
"""


@pytest.fixture
def fake_host(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A host without debootstrap whose apt-get is :data:`FAKE_APT_GET` (succeeding by default)."""
    bin_dir, sbin = tmp_path / "bin", tmp_path / "sbin"
    bin_dir.mkdir()
    sbin.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setattr(debian_root, "SBIN_PATH", str(sbin))
    monkeypatch.setattr(debian_root, "HOST_APT_LOCK", tmp_path / "host-apt.lock")
    monkeypatch.setattr(debian_root, "HOST_LOG", tmp_path / "host.log")
    set_apt_outcome(tmp_path, "ok")
    return tmp_path


def set_apt_outcome(host: Path, outcome: str) -> None:
    apt_get = host / "bin" / "apt-get"
    apt_get.write_text(
        FAKE_APT_GET.format(
            python=sys.executable,
            sbin=str(host / "sbin"),
            lock=str(host / "host-apt.lock"),
            calls=str(host / "calls"),
            outcome=outcome,
        )
    )
    apt_get.chmod(0o755)


def test_two_windows_installing_debootstrap_at_once_both_get_it(fake_host: Path) -> None:
    """The fresh-clone race: both window steps need debootstrap at the same moment. apt-get runs
    once, under the host lock, and the second caller uses what the first installed."""
    start = threading.Barrier(2)

    def install() -> str:
        start.wait()
        return debian_root.ensure_debootstrap()

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        found = list(pool.map(lambda _: install(), range(2)))
    assert found == [str(fake_host / "sbin" / "debootstrap")] * 2
    assert (fake_host / "calls").read_text().splitlines() == [
        f"-o DPkg::Lock::Timeout={debian_root.APT_LOCK_WAIT} install -y --no-install-recommends debootstrap"
    ]


def test_a_failed_install_on_a_machine_that_can_run_windows_is_a_failure_not_a_skip(fake_host: Path) -> None:
    set_apt_outcome(fake_host, "locked")
    with pytest.raises(debian_root.BuildError) as raised:
        debian_root.ensure_debootstrap()
    assert not isinstance(raised.value, debian_root.Unavailable)
    assert "Could not get lock /var/lib/dpkg/lock-frontend" in str(raised.value)
    assert str(fake_host / "host.log") in str(raised.value)


def test_build_py_prepares_the_host_once_and_fails_the_windows_with_the_reason(fake_host: Path) -> None:
    set_apt_outcome(fake_host, "locked")
    selected = steps.select_steps(set(steps.STEP_GROUPS), [], fast=False)
    rows, left = steps.prepare_window_host(selected)
    assert [(row.name, row.status) for row in rows] == [("debootstrap", "FAIL"), ("ui-4.3", "FAIL"), ("ui-5.2", "FAIL")]
    assert all("Could not get lock" in row.detail for row in rows)
    assert [step.name for step in left] == [step.name for step in selected if not step.name.startswith("ui-")]
    set_apt_outcome(fake_host, "ok")
    rows, left = steps.prepare_window_host(selected)
    assert [(row.name, row.status) for row in rows] == [("debootstrap", "PASS")]
    assert left == selected


def test_only_a_machine_that_cannot_run_windows_skips_them(fake_host: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    selected = steps.select_steps({"ui"}, [], fast=False)
    (fake_host / "bin" / "apt-get").unlink()
    rows, left = steps.prepare_window_host(selected)
    assert [(row.name, row.status) for row in rows] == [("debootstrap", "SKIP")]
    assert "no apt-get" in rows[0].detail and left == selected
    set_apt_outcome(fake_host, "ok")
    monkeypatch.setattr(debian_root.os, "geteuid", lambda: 1000)
    assert "root is needed" in (debian_root.windows_unavailable_reason() or "")


def test_a_window_whose_setup_failed_fails_with_the_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    """tests/ui's fixtures: a BuildError fails the test (once known, without trying again), an
    Unavailable skips it."""
    from tests.ui import conftest

    tried = []

    def broken(**_: object) -> None:
        tried.append(1)
        raise debian_root.BuildError("debootstrap failed: mirror unreachable")

    monkeypatch.setattr(debian_root, "debian_blender", broken)
    monkeypatch.setattr(conftest, "_setup_failed", [])
    for _ in range(2):
        with pytest.raises(pytest.fail.Exception, match="could not be set up.*mirror unreachable"):
            with contextlib.ExitStack() as stack:
                conftest.enter_debian_root(stack)
    assert tried == [1]

    def unavailable(**_: object) -> None:
        raise debian_root.Unavailable("root is needed")

    monkeypatch.setattr(debian_root, "debian_blender", unavailable)
    monkeypatch.setattr(conftest, "_setup_failed", [])
    with pytest.raises(pytest.skip.Exception, match="root is needed"):
        with contextlib.ExitStack() as stack:
            conftest.enter_debian_root(stack)
