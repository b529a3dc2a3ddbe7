"""Debian's own Blender in a debootstrap root, one root per Debian release, for the ``ui`` steps.

The PyPI bpy module never fires timers and has no window, so the pump, the sidebar and the
import have to be seen once in a real Blender. Debian packages Blender without ``requests``, which
also proves the zip's bundled wheels work. Each release in :data:`RELEASES` is installed into a
root of its own under .venv/ by the same builder (debootstrap, then apt), cached by a stamp like
the venvs; proc and dev are mounted into it only while it is in use.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tools.paths import LOG_DIR, VENV_ROOT, BuildError, Unavailable, log, run_logged

__all__ = [
    "BuildError",
    "DebianRelease",
    "RELEASES",
    "SID",
    "TRIXIE",
    "Unavailable",
    "chroot_command",
    "debian_blender",
    "debian_mirror",
    "debian_root",
    "ensure_debootstrap",
    "release_named",
    "windows_unavailable_reason",
]

#: What every root gets: Blender, numpy (Blender's Python needs it), Xvfb for a window without a
#: screen, ImageMagick to measure and enlarge the screenshots, and Tesseract to read them (the
#: window steps fail on any text the screenshots show cut off; see tests/ui/ocr.py).
BASE_PACKAGES = ("blender", "python3-numpy", "xvfb", "xauth", "libgl1-mesa-dri", "imagemagick", "tesseract-ocr")


@dataclass(frozen=True)
class DebianRelease:
    """One Debian release whose Blender package gets a root (and a real-window test step) of its own."""

    suite: str  # what debootstrap and apt are given
    blender: str  # the Blender series the release packages: names the step and build/ui/<blender>/
    packages: tuple[str, ...]
    folder: str  # the root's default folder under .venv/, and the name of its setup log
    root_env: str  # environment variable that puts the root elsewhere
    #: Lines for the root's /etc/apt/apt.conf.d (e.g. for an archive whose Release files expired).
    apt_conf: tuple[str, ...] = ()
    #: Options for debootstrap itself.
    debootstrap_options: tuple[str, ...] = ()
    recipe: int = 2  # bump when the builder changes, so existing roots are rebuilt

    @property
    def log_path(self) -> Path:
        return LOG_DIR / f"{self.folder}.log"

    def root(self) -> Path:
        """Where the root lives: ``$<root_env>`` or ``.venv/<folder>``."""
        return Path(os.environ.get(self.root_env) or VENV_ROOT / self.folder).resolve()

    def stamp(self) -> str:
        """What defines the root: suite, packages, apt settings and recipe (changing any rebuilds it)."""
        parts = (self.suite, *self.packages, *self.apt_conf, *self.debootstrap_options, str(self.recipe))
        return hashlib.sha256(" ".join(parts).encode()).hexdigest()


#: Debian's stable release, Blender 4.3 (Python 3.13).
TRIXIE = DebianRelease("trixie", "4.3", BASE_PACKAGES, "debian-blender", "TRIPO_DEBIAN_ROOT")
#: Debian unstable, Blender 5.2 (Python 3.14): the newest Blender a distribution ships, with a window.
SID = DebianRelease(
    "sid",
    "5.2",
    # sid's blender package does not declare two Python modules its own startup imports: without
    # them every start prints a traceback from Blender's code (not the add-on's). Installed here,
    # not by the add-on: a user of sid's Blender needs them whatever add-ons they use.
    BASE_PACKAGES + ("python3-cattr", "python3-requests"),
    "debian-blender-sid",
    "TRIPO_DEBIAN_SID_ROOT",
    # sid's Release files carry a one-week Valid-Until that a mirror snapshot outlives; apt would
    # then refuse the archive as expired. The signatures are still checked.
    apt_conf=('Acquire::Check-Valid-Until "false";',),
    recipe=1,
)
RELEASES = (TRIXIE, SID)

DEBIAN_MIRROR_ENV = "TRIPO_DEBIAN_MIRROR"  # overrides the mirror read from the host's apt sources
DEBIAN_STAMP_NAME = ".tripo-debian-stamp"
DEBIAN_MARKER_NAME = ".tripo-debian-root"  # "build.py made this folder": only such folders are deleted
#: What the host itself needs for the window steps (the roots bring everything else).
HOST_PACKAGES = ("debootstrap",)
HOST_LOG = LOG_DIR / "debian-host.log"
#: Serialises apt-get on the host between runs of this tool (see :func:`ensure_debootstrap`).
HOST_APT_LOCK = VENV_ROOT / "host-apt.lock"
APT_LOCK_WAIT = 600  # seconds apt-get waits for a dpkg lock another program holds
SBIN_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"
HOST_APT_SOURCES = Path("/etc/apt")
CHROOT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# (mount point inside the root, mount arguments before the target)
CHROOT_MOUNTS = (("proc", ("-t", "proc", "proc")), ("dev", ("--bind", "/dev")))
APT_CONF_NAME = "99tripo"


def release_named(name: str) -> DebianRelease:
    """The release whose suite or Blender series is ``name`` ("sid", "5.2"); BuildError listing them."""
    for release in RELEASES:
        if name in (release.suite, release.blender):
            return release
    known = ", ".join(f"{r.suite} ({r.blender})" for r in RELEASES)
    raise BuildError(f"unknown Debian release {name!r}; known: {known}")


def debian_root(release: DebianRelease = TRIXIE) -> Path:
    """Where ``release``'s root lives (see :meth:`DebianRelease.root`)."""
    return release.root()


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
                rest = rest[next((i for i, w in enumerate(rest) if w.endswith("]")), len(rest)) + 1 :]
            uris += rest[:1]
    return uris


def debian_mirror() -> str:
    """The Debian archive the host's apt already uses (never a hard-coded host)."""
    if override := os.environ.get(DEBIAN_MIRROR_ENV):
        return override
    files = [HOST_APT_SOURCES / "sources.list", *sorted((HOST_APT_SOURCES / "sources.list.d").glob("*"))]
    uris = [
        uri
        for f in files
        if f.suffix in (".list", ".sources") and f.is_file()
        for uri in apt_source_uris(f.read_text(encoding="utf-8", errors="replace"))
    ]
    for uri in uris:
        # .../debian/ or a snapshot's .../archive/debian/<date>/; not debian-security, not Ubuntu
        if "debian" in uri.split("://", 1)[-1].split("/")[1:]:
            return uri
    raise BuildError(
        f"no Debian archive in the host's apt sources ({', '.join(uris) or 'none'}); set {DEBIAN_MIRROR_ENV}"
    )


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
    found = [
        point for point in mount_points(Path("/proc/self/mounts").read_text()) if point == root or root in point.parents
    ]
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


def find_debootstrap() -> str | None:
    """debootstrap's path on this host, or None (it lives in /usr/sbin, often not on a user's PATH)."""
    return shutil.which("debootstrap") or shutil.which("debootstrap", path=SBIN_PATH)


def windows_unavailable_reason() -> str | None:
    """Why this machine cannot run the window steps at all, or None when it can.

    Only two things make a machine unable: not being root (debootstrap, chroot and mount need it)
    and having neither debootstrap nor apt-get to install it. Anything that goes wrong after that
    (apt-get failing, the mirror unreachable, debootstrap failing) is a failure of a machine that
    could run the windows, and is reported as one (:class:`BuildError`), never as a skip.
    """
    if os.name != "posix" or os.geteuid() != 0:
        return "root is needed (debootstrap, chroot and mount)"
    if find_debootstrap() is None and shutil.which("apt-get") is None:
        return "debootstrap is not installed and there is no apt-get to install it"
    return None


def ensure_debootstrap(log_file: Path | None = None) -> str:
    """debootstrap's path, installing it with the host's apt-get first if needed.

    ``build.py test`` calls this once before the window steps run side by side; the steps call it
    again (a no-op then). Two callers at once (two windows started by hand) are serialised by a
    lock file, and the second finds what the first installed: the host has one dpkg lock, and an
    apt-get that loses it fails at once, which is how a window once reported "1 passed, 23
    skipped". apt-get is also told to wait for a dpkg lock held by any other program.
    Raises Unavailable when there is no apt-get, BuildError (naming the log) when apt-get fails.
    """
    log_file = log_file or HOST_LOG
    if found := find_debootstrap():
        return found
    if shutil.which("apt-get") is None:
        raise Unavailable("debootstrap is not installed and there is no apt-get to install it")
    with exclusive(HOST_APT_LOCK):
        if found := find_debootstrap():  # installed by another run while this one waited
            return found
        apt = ["apt-get", "-o", f"DPkg::Lock::Timeout={APT_LOCK_WAIT}"]
        install = [*apt, "install", "-y", "--no-install-recommends", *HOST_PACKAGES]
        env = {"DEBIAN_FRONTEND": "noninteractive"}
        try:
            run_logged(install, log_file, env=env)
        except BuildError:
            try:  # a fresh machine may have no package lists yet
                run_logged([*apt, "update"], log_file, env=env)
                run_logged(install, log_file, env=env)
            except BuildError as exc:
                raise BuildError(
                    f"debootstrap could not be installed with apt-get (see {log_file}): {last_error_line(exc)}"
                ) from exc
    if found := find_debootstrap():
        return found
    raise BuildError(f"apt-get installed {' '.join(HOST_PACKAGES)} but no debootstrap is on {SBIN_PATH}")


def last_error_line(exc: BuildError) -> str:
    """The line of a logged command's failure that says why (apt-get's last ``E:`` line, else the last)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith(("E:", "W:"))]
    return (errors or lines or ["unknown error"])[-1]


def prepare_root_files(root: Path, release: DebianRelease) -> None:
    """The files a fresh root needs before apt runs in it."""
    if Path("/etc/resolv.conf").is_file():
        shutil.copyfile("/etc/resolv.conf", root / "etc" / "resolv.conf")
    # A throwaway root needs no fsync after every file dpkg unpacks.
    (root / "etc" / "dpkg" / "dpkg.cfg.d" / "unsafe-io").write_text("force-unsafe-io\n")
    # Blender lists mounted volumes from /etc/mtab, which minbase does not create.
    (root / "etc" / "mtab").unlink(missing_ok=True)
    (root / "etc" / "mtab").symlink_to("../proc/self/mounts")
    if release.apt_conf:
        (root / "etc" / "apt" / "apt.conf.d" / APT_CONF_NAME).write_text("\n".join(release.apt_conf) + "\n")


def install_debian_packages(root: Path, release: DebianRelease = TRIXIE) -> None:
    """Blender and the X tools into a fresh root, without recommends, then drop the .deb cache."""
    prepare_root_files(root, release)
    apt_env = {"DEBIAN_FRONTEND": "noninteractive"}
    with chroot_mounts(root):
        if release.apt_conf:  # the lists debootstrap left were read without these settings
            run_logged(chroot_command(root, "apt-get", "update", env=apt_env), release.log_path)
        run_logged(
            chroot_command(root, "apt-get", "install", "-y", "--no-install-recommends", *release.packages, env=apt_env),
            release.log_path,
        )
        run_logged(chroot_command(root, "apt-get", "clean"), release.log_path)


def remove_debian_root(root: Path) -> None:
    """Delete an outdated or half-made root, but only one this module made (``$TRIPO_DEBIAN_ROOT`` could
    point anywhere) and only once nothing is mounted in it (rmtree must never walk into /dev)."""
    if not root.exists():
        return
    ours = (root / DEBIAN_MARKER_NAME).exists() or (root / DEBIAN_STAMP_NAME).exists()
    if not ours and any(root.iterdir()):
        raise BuildError(f"{root} is not empty and was not made by build.py; refusing to replace it")
    unmount_all(root)
    shutil.rmtree(root)


def ensure_debian_root(root: Path, release: DebianRelease = TRIXIE) -> str:
    """Create ``root`` (debootstrap + packages) unless its stamp says it is complete; return what was done.

    The stamp is written last, so an interrupted setup is redone from scratch next time.
    """
    stamp = root / DEBIAN_STAMP_NAME
    if stamp.is_file() and stamp.read_text().strip() == release.stamp():
        return "up to date"
    if any(c.isspace() for c in str(root)):  # debootstrap's shell scripts split the path and fail late
        raise BuildError(
            f"debootstrap cannot build into a path with spaces ({root}); clone the project into "
            f"a folder without spaces, or set {release.root_env} to one"
        )
    release.log_path.parent.mkdir(parents=True, exist_ok=True)
    release.log_path.write_text("", encoding="utf-8")
    debootstrap = ensure_debootstrap()
    mirror = debian_mirror()
    remove_debian_root(root)
    root.mkdir(parents=True)
    (root / DEBIAN_MARKER_NAME).touch()
    run_logged(
        [debootstrap, "--variant=minbase", *release.debootstrap_options, release.suite, str(root), mirror],
        release.log_path,
    )
    install_debian_packages(root, release)
    stamp.write_text(release.stamp() + "\n")
    return "created"


@contextlib.contextmanager
def debian_blender(root: Path | None = None, release: DebianRelease = TRIXIE) -> Iterator[Path]:
    """A ready root with ``release``'s Blender, with proc and dev mounted while the block runs.

    Raises Unavailable when this machine cannot do it at all (:func:`windows_unavailable_reason`),
    BuildError when it could but the setup failed (a failure, never a skip).
    """
    root = root or release.root()
    if reason := windows_unavailable_reason():
        raise Unavailable(reason)
    with exclusive(root.with_name(root.name + ".lock")):
        started = time.monotonic()
        action = ensure_debian_root(root, release)
        log.info("Debian %s root %s: %s (%.1f s)", release.suite, root, action, time.monotonic() - started)
        with chroot_mounts(root):
            yield root
