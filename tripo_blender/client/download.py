"""Streamed, verified, atomic downloads of task outputs.

Why so careful: SDK 0.3.0 buffered whole files, wrote them in place (a failed download left a
half-written ``.glb`` that Blender then failed to import), never checked sizes, sent the API key to
the CDN and had no answer to expired signed URLs (docs/sdk-surface.md#known-faults, 7–9). Here:

* The body is streamed in chunks into a hidden temporary file *in the target folder* (same file
  system, so the final ``os.replace`` is atomic), then checked: byte count against
  ``Content-Length``, and the ``glTF`` magic for ``.glb`` targets. Only a verified file is renamed
  into place. On any failure every temporary file is removed and a :class:`DownloadError` (a
  ``TripoRequestError``) is raised.
* Transient failures (5xx, 429, broken connections, short bodies) restart the file from scratch
  with the transport's back-off. A 403 or 410 is not retried here: it almost always means the
  signed URL expired (Tripo's links last about five minutes after the task finished; a CDN answers
  403, some 410 Gone), which the client answers by fetching the task again for fresh URLs.
* Requests carry no ``Authorization`` header (see :class:`.transport.NoAuth`).
* Local file names come from the URL path's basename, percent-decoded and reduced to a safe
  character set, never from the query string, and can never climb out of the target folder.
"""

from __future__ import annotations

import contextlib
import io
import ipaddress
import os
import posixpath
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from .config import get_logger
from .errors import DownloadError
from .transport import AttemptFailed, RetryMode, Transport, classify_exception, current_guard, parse_retry_after

if TYPE_CHECKING:  # imported when a download starts (see .transport)
    import requests

__all__ = [
    "DownloadURLExpired",
    "EXPIRED_STATUSES",
    "ProgressCallback",
    "CHUNK_SIZE",
    "sanitize_filename",
    "filename_from_url",
    "unique_name",
    "check_plain_filename",
    "new_temp_file",
    "fetch_to_file",
    "publish",
    "discard",
]

log = get_logger()

ProgressCallback = Callable[[int, int | None], None]
CHUNK_SIZE = 1024 * 1024  # fewer Python round trips per MiB; still a flat memory profile
# Start the kernel's write-back every this many bytes, so the final fsync only waits for the tail:
# with one fsync at the end, waiting for it was half the wall time of a 100 MiB download (bench/).
WRITEBACK_BYTES = 16 * 1024 * 1024
GLB_MAGIC = b"glTF"
#: The most bytes one result file may have (with or without ``Content-Length``): far above any
#: model Tripo makes, low enough that a hostile endless stream cannot fill the disk.
MAX_DOWNLOAD_BYTES = 2 * 1024**3
_MAX_NAME = 120
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


class DownloadURLExpired(DownloadError):
    """The CDN refused the signed URL (HTTP 403 or 410): it has most likely expired. Get the task again."""


#: HTTP statuses with which a CDN refuses a signed link that ran out: 403 (Alibaba Cloud's and
#: S3's signed URLs, the emulator's default) or 410 Gone.
EXPIRED_STATUSES = frozenset({403, 410})
#: What a download says when a link read again right after the first one expired is refused too.
EXPIRED_AGAIN = (
    "{what}. Reading the task again gave a link that is refused too: Tripo's download links "
    "expire about 5 minutes after a task finishes and are not being renewed for this task now"
)


# --------------------------------------------------------------------------- file names


def sanitize_filename(name: str) -> str | None:
    """Reduce ``name`` to ``[A-Za-z0-9._-]``, no leading dots, bounded length; None if nothing is left."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).lstrip(".")
    if not name or set(name) <= {"_", "."}:
        return None
    stem, ext = os.path.splitext(name)
    if stem.upper() in _WINDOWS_RESERVED:
        stem = f"_{stem}"
    if len(ext) > 16:
        stem, ext = stem + ext, ""
    stem = stem[: _MAX_NAME - len(ext)]
    return stem + ext


def filename_from_url(url: str, *, task_id: str, key: str, default_ext: str) -> str:
    """A safe local file name for output ``key`` of ``task_id`` downloaded from ``url``.

    The URL path's basename is used (query and fragment ignored). If it does not mention the task
    id it is prefixed with it, so generic CDN names like ``rendered_image.webp`` from different
    tasks cannot overwrite each other in one folder. Without a usable basename the name is
    ``<task_id>_<key><ext>``. A missing extension gets ``default_ext``.
    """
    path = unquote(urlsplit(url).path)
    base = sanitize_filename(posixpath.basename(path)) or ""
    safe_id = sanitize_filename(task_id) or "task"
    if not base or base == os.path.splitext(base)[1]:
        base = f"{safe_id}_{key}"
    if not os.path.splitext(base)[1]:
        base += default_ext
    if safe_id not in base:
        base = sanitize_filename(f"{safe_id}_{base}") or base
    return base


def unique_name(name: str, key: str, taken: set[str]) -> str:
    """``name``, or ``<stem>_<key><ext>`` (then numbered) if another output of the call took it."""
    candidate = name
    stem, ext = os.path.splitext(name)
    n = 1
    while candidate.lower() in taken:
        candidate = f"{stem}_{key}{ext}" if n == 1 else f"{stem}_{key}_{n}{ext}"
        n += 1
    taken.add(candidate.lower())
    return candidate


def check_plain_filename(filename: str) -> str:
    """A caller-chosen file name must be a bare name: no directories, no '..'."""
    if (
        not isinstance(filename, str)
        or not filename
        or filename in (".", "..")
        or "/" in filename
        or "\\" in filename
        or os.path.basename(filename) != filename
        or "\x00" in filename
    ):
        raise ValueError(f"filename must be a plain file name without directories, got {filename!r}.")
    return filename


# --------------------------------------------------------------------------- temp files


def new_temp_file(output_dir: str) -> str:
    """Create an empty hidden temp file in ``output_dir`` and return its path."""
    fd, path = tempfile.mkstemp(prefix=".tripo-", suffix=".part", dir=output_dir)
    os.close(fd)
    return path


def publish(staged: Iterable[tuple[str, str]]) -> None:
    """Atomically move each verified temp file onto its final path."""
    for tmp, dest in staged:
        os.replace(tmp, dest)


def discard(paths: Iterable[str]) -> None:
    """Remove temp files, ignoring ones already gone (published or never written)."""
    for p in paths:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(p)


# --------------------------------------------------------------------------- fetching


def _content_length(resp: requests.Response) -> int | None:
    encoding = resp.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding not in ("", "identity"):
        return None  # the length would count compressed bytes
    raw = resp.headers.get("Content-Length")
    if raw is None or not raw.strip().isdigit():
        return None
    return int(raw)


def _host_path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.netloc}{parts.path}"


def _start_writeback(fh: io.BufferedWriter) -> None:
    """Ask the kernel to start writing the file's dirty pages now, without waiting (Linux:
    ``POSIX_FADV_DONTNEED`` starts asynchronous write-back). Elsewhere a no-op: fsync does it all."""
    advise = getattr(os, "posix_fadvise", None)
    if advise is None:
        return
    fh.flush()
    with contextlib.suppress(OSError):
        advise(fh.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)


def _loopback(host: str | None) -> bool:
    """Is ``host`` this machine (where plain http is a local test server, not a downgrade)?"""
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _chunks(resp: requests.Response) -> Iterator[bytes]:
    """The body's bytes. Inside a job worker (the thread has a :class:`SendGuard`) it yields
    whatever has arrived (``read1``) and checks the guard before every read, so a cancel or a
    network pause stops a trickling download at once, not after a full chunk (44 s measured);
    elsewhere ``iter_content`` in whole chunks. urllib3 errors are mapped as requests maps them."""
    import requests
    import urllib3

    guard = current_guard()
    read1 = getattr(resp.raw, "read1", None)
    if guard is None or read1 is None:
        yield from resp.iter_content(CHUNK_SIZE)
        return
    while True:
        guard.check()
        try:
            chunk = read1(CHUNK_SIZE)
        except urllib3.exceptions.ProtocolError as exc:
            raise requests.exceptions.ChunkedEncodingError(exc) from exc
        except urllib3.exceptions.ReadTimeoutError as exc:
            raise requests.exceptions.ConnectionError(exc) from exc
        except urllib3.exceptions.SSLError as exc:
            raise requests.exceptions.SSLError(exc) from exc
        if not chunk:
            return
        yield chunk


def fetch_to_file(
    transport: Transport,
    url: str,
    path: str,
    *,
    expect_glb: bool = False,
    on_progress: ProgressCallback | None = None,
    max_bytes: int | None = None,
) -> int:
    """Download ``url`` into the existing temp file ``path`` (truncated per attempt), verified.

    Returns the byte count. Raises :class:`DownloadURLExpired` on 403/410, :class:`DownloadError` on
    anything else that failed after retries. Exceptions from ``on_progress`` propagate unchanged
    (a caller can abort a download that way). The caller owns ``path`` and removes it on failure.
    """
    if urlsplit(url).scheme not in ("http", "https"):
        raise DownloadError(0, f"Refusing to download a non-http(s) URL: {_host_path(url)}")
    if urlsplit(url).scheme == "http" and not _loopback(urlsplit(url).hostname):
        raise DownloadError(
            0,
            f"Refusing to download over plain http from {urlsplit(url).hostname}: results "
            "come over https (a plain-http URL means a proxy or server rewrote it)",
        )
    import requests

    what = f"download of {posixpath.basename(urlsplit(url).path) or 'file'}"
    max_bytes = MAX_DOWNLOAD_BYTES if max_bytes is None else max_bytes

    def attempt(timeouts: tuple[float, float]) -> int:
        try:
            resp = transport.open_download(url, timeouts)
        except requests.RequestException as exc:
            raise classify_exception(
                exc, what=what, url=url, error_cls=DownloadError, mention_processing=False
            ) from exc
        with resp:
            status = resp.status_code
            if status in EXPIRED_STATUSES:
                raise AttemptFailed(
                    DownloadURLExpired(
                        status, f"{what}: the CDN refused the signed URL (HTTP {status}: expired?)", url=url
                    ),
                    transient=False,
                )
            if status != 200:
                err = DownloadError(
                    status, f"{what}: the CDN answered HTTP {status} {resp.reason or ''}".rstrip(), url=url
                )
                transient = status == 429 or status >= 500 or status == 408
                raise AttemptFailed(
                    err, transient=transient, retry_after=parse_retry_after(resp.headers.get("Retry-After"))
                )
            total = _content_length(resp)
            if total is not None and total > max_bytes:
                raise AttemptFailed(
                    DownloadError(
                        200,
                        f"{what}: {total >> 20} MiB is larger than the "
                        f"{max_bytes >> 20} MiB a result may have; refused",
                        url=url,
                    ),
                    transient=False,
                )
            done = 0
            head = b""
            try:
                with open(path, "wb") as fh:
                    for chunk in _chunks(resp):
                        if not chunk:
                            continue
                        fh.write(chunk)
                        done += len(chunk)
                        if done > max_bytes:  # also without Content-Length: a stream must end
                            raise AttemptFailed(
                                DownloadError(200, f"{what}: larger than {max_bytes >> 20} MiB; refused", url=url),
                                transient=False,
                            )
                        if done % WRITEBACK_BYTES < len(chunk):
                            _start_writeback(fh)
                        if len(head) < len(GLB_MAGIC):
                            head += chunk[: len(GLB_MAGIC) - len(head)]
                        if on_progress is not None:
                            on_progress(done, total)
                    fh.flush()
                    os.fsync(fh.fileno())
            except requests.RequestException as exc:
                raise classify_exception(
                    exc, what=what, url=url, error_cls=DownloadError, mention_processing=False
                ) from exc
            except OSError as exc:
                raise DownloadError(0, f"{what}: could not write {path}: {exc.strerror or exc}", url=url) from exc
        if total is not None and done != total:
            raise AttemptFailed(
                DownloadError(
                    200, f"{what}: received {done} of {total} bytes (truncated)", may_have_reached_server=True, url=url
                ),
                transient=True,
            )
        if expect_glb and head != GLB_MAGIC:
            raise AttemptFailed(
                DownloadError(200, f"{what}: the file is not a binary glTF (GLB) model", url=url), transient=False
            )
        log.debug("%s: %d bytes", what, done)
        return done

    return transport.run(attempt, mode=RetryMode.SAFE, what=what)
