"""``TripoClient``: SDK 0.3.0's API (docs/sdk-surface.md), synchronous, speaking Tripo's apiv3.

Every method of SDK 0.3.0 exists here with the same name, parameters and defaults (where apiv3
changed a default, the official SDK 1.0.0's is used and the docstring says so), but blocks
instead of being a coroutine: the add-on calls it from worker threads, never from Blender's main
thread. The parameters the official SDK 1.0.0 added to a seed method are here too, keyword-only
where SDK 0.3.0's positional order would otherwise change. apiv3's own additions are methods of
their own: ``import_model``, ``mesh_uv``, ``text_to_image``, ``image_to_image``, ``image_to_multiview``,
``image_to_depth``, ``list_tasks``, ``get_usage``, ``presign_upload``, ``download_outputs``. ``refine_model`` and
``stylize_model`` refuse (Tripo retired them) and send nothing.

Each creation method sends one route of :mod:`.routes`: its signature is SDK 0.3.0's public
surface (defaults read from the route's record, so each is written once; a test asserts every
signature against its record) and its body hands its arguments to :meth:`TripoClient._send`.
Requests are built by the one pure builder (:func:`.schema.build`; its docstring says exactly
which fields are sent), inputs are classified and checked by :mod:`.inputs` *before* anything
goes over the network — the whole request is validated with placeholder tokens before the first
upload — and downloads go through :mod:`.download`.

Thread safety: one client may be shared by many threads. Its only mutable state is the
transport's "closed" flag (behind a lock); the ``requests.Session`` is used read-only.

Uploads run one after another, deliberately: they are bandwidth-bound (four parallel uploads over
one uplink finish no sooner than four sequential ones), the jobs layer already runs work on a
bounded worker pool so hidden extra threads would defeat its limits, and sequential uploads stop
at the first failure instead of wasting the others.
"""

from __future__ import annotations

import dataclasses
import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any

from . import download, payloads, routes
from .config import GLOBAL_BASE_URL, get_logger, resolve_api_key, resolve_base_url
from .enums import Animation, ModelStyle, PostStyle, RigSpec, RigType, TaskStatus
from .errors import (
    INVALID_PARAMETER_CODE,
    DownloadError,
    TaskWaitCancelled,
    TaskWaitTimeout,
    TripoAPIError,
    TripoRequestError,
)
from .inputs import MULTIPART_MAX_BYTES, PLACEHOLDER_TOKEN, InputRef, classify_upload, upload_filename
from .models import VIEW_NAMES, Balance, BatchTaskResult, PresignedUpload, Task, TaskOutput, TaskUsageItem
from .payloads import Request
from .polling import PollSchedule, ProgressEstimator
from .schema import Route, build, defaults
from .transport import RetryMode, Transport, current_guard

if TYPE_CHECKING:  # requests is imported when the first request is made (see .transport)
    import requests

__all__ = ["TripoClient"]

log = get_logger()

#: Each route's defaults, which the method signatures read (each default is written once, in its field).
_G = defaults(routes.TEXT_TO_MODEL)
_I = defaults(routes.IMAGE_TO_MODEL)
_TX = defaults(routes.TEXTURE)
_CV = defaults(routes.CONVERT)
_RG = defaults(routes.RIG)
_RT = defaults(routes.RETARGET)
_SG = defaults(routes.SEGMENT)
_CP = defaults(routes.COMPLETE)
_LP = defaults(routes.DECIMATE)

_IMAGE_OUTPUTS = frozenset(
    {"rendered_image", "generated_image", "uv_render", "depth_image", *(f"{view}_view" for view in VIEW_NAMES)}
)
#: The extension of an output whose URL has none, but images' and models' (.glb). A splat's format
#: is told by its bytes, never its name: ".bin" claims none (".glb" would be checked for glTF magic).
_DEFAULT_EXTENSIONS = {"rendered_video": ".mp4", "splat": ".bin"}


class TripoClient:
    """Synchronous client for Tripo's apiv3.

    ``TripoClient(api_key=None, base_url=None, *, region="global", connect_timeout=10,
    read_timeout=60, max_retries=4, session=None, sleep=None)``

    * ``api_key``: a ``tsk_…`` key; defaults to ``$TRIPO_API_KEY``. Checked here (ValueError),
      before any request; never logged or echoed.
    * ``base_url``: the apiv3 host root (the client appends ``/v3/…``); defaults to
      ``$TRIPO_API_BASE_URL``, else the ``region``'s host (``"global"`` → openapi.tripo3d.ai,
      ``"china"`` → openapi.tripo3d.com; a key only works in the region that issued it). A URL
      saved for the retired v2 API is migrated, with a warning.
    * ``connect_timeout``/``read_timeout``: seconds, applied to every request (read timeout = longest
      silence on the socket, not total transfer time).
    * ``max_retries``: extra attempts for failures that are safe to retry (see :mod:`.transport`).
    * ``session``: an optional ``requests.Session`` to use (e.g. with proxies set); the client
      never puts the key into it and does not close it.
    * ``sleep``: the function used to wait between retries (tests inject a recorder).

    Use as a context manager, or call :meth:`close`.
    """

    BASE_URL = GLOBAL_BASE_URL
    #: Files up to this size are uploaded in one multipart request; larger ones (up to the API's
    #: 150 MB cap) through a presigned PUT. A class attribute, as in the official SDK.
    MULTIPART_MAX_BYTES = MULTIPART_MAX_BYTES
    #: Limits of the adaptive wait schedule (see :mod:`.polling`); ``wait_for_task`` replaces only
    #: its ``base_interval`` with ``polling_interval``. Tune per instance for special needs (tests
    #: use tiny intervals against the emulator).
    poll_schedule: PollSchedule = PollSchedule()
    #: How many polls in a row may report a status this client does not know before
    #: ``wait_for_task`` returns the task as it is (status ``unknown``) instead of polling on.
    unknown_status_limit = 5

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        *,
        region: str = "global",
        connect_timeout: float = 10.0,
        read_timeout: float = 60.0,
        max_retries: int = 4,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        key = resolve_api_key(api_key)
        self.base_url = resolve_base_url(base_url, region)
        self._transport = Transport(
            api_key=key,
            base_url=self.base_url,
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            max_retries=max_retries,
            session=session,
            sleep=sleep,
        )

    def __repr__(self) -> str:
        return f"TripoClient(base_url={self.base_url!r})"

    # ------------------------------------------------------------------ lifecycle

    def close(self) -> None:
        """Release pooled connections. Idempotent; further calls raise RuntimeError."""
        self._transport.close()

    def __enter__(self) -> TripoClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def server_clock_offset(self) -> float | None:
        """Seconds Tripo's clock is ahead of this machine's, from the ``Date`` header of this
        client's latest answer (None before any); see :attr:`.transport.Transport.server_clock_offset`."""
        return self._transport.server_clock_offset

    # ------------------------------------------------------------------ files

    def upload_file(self, file_path: str | os.PathLike[str]) -> str:
        """Upload a local image (JPEG/PNG/WEBP, ≤ 20 MB) or model (GLB/glTF/FBX/OBJ/STL, ≤ 150 MB)
        and return its ``file_…`` token.

        The file is checked first (exists, non-empty, within the caps, really what it claims by
        content). Up to :attr:`MULTIPART_MAX_BYTES` it goes in one ``POST /v3/files``; larger files
        through ``POST /v3/files/presign`` and a ``PUT`` that carries no API key. Raises
        FileNotFoundError/ValueError (before sending), TripoAPIError, TripoRequestError.
        """
        return self._upload(classify_upload(file_path))

    def presign_upload(self, format: str) -> PresignedUpload:
        """Ask for a presigned upload URL for a file of ``format`` (``glb``, ``png``…)."""
        fmt = str(format).strip().lstrip(".").lower()
        if not fmt.isalnum():
            raise ValueError(f"format must be a file extension such as 'glb', got {format!r}.")
        result = self._transport.api_request("POST", "/v3/files/presign", body=payloads.encode_body({"format": fmt}))
        presigned = PresignedUpload.from_dict(result.data)
        if not presigned.upload_url or not presigned.file_token:
            raise TripoRequestError(
                result.status_code, "The presign answer has no upload URL or file token.", trace_id=result.trace_id
            )
        return presigned

    # ------------------------------------------------------------------ tasks and account

    def create_task(self, task_data: dict[str, Any]) -> str:
        """Create a task from a raw v2-style body (``{"type": …, …}``); return its id.

        The ``type`` picks the apiv3 route; the other fields are sent as they are. Retired types
        (refine, stylize) and types apiv3 has no route for raise before anything is sent. The
        POST is sent once; it is resent only if the server provably did not receive it
        (connection never established) or refused it with HTTP 429 code 1007/2000. If it may have
        arrived (read timeout, dropped connection) a ``TripoRequestError`` with
        ``may_have_reached_server=True`` is raised: a task may exist and be billed.
        """
        return self._create(routes.create_task_request(task_data))

    def get_task(self, task_id: str, *, step: int | None = None) -> Task:
        """The current state of a task (``GET /v3/tasks/{id}``), retried on transient failures.
        ``step=1`` asks for the pipeline step details (kept in ``Task.raw``)."""
        return self._get_task(task_id, step=step)

    def list_tasks(self, task_ids: Sequence[str]) -> BatchTaskResult:
        """Many tasks in one request (``POST /v3/tasks/list``, 1–100 ids): the tasks by id, and the
        ids the service does not know (``missed``). Creates nothing, so it is retried like a read."""
        body = payloads.list_tasks_body(task_ids)
        result = self._transport.api_request("POST", "/v3/tasks/list", body=payloads.encode_body(body))
        return BatchTaskResult.from_dict(result.data, trace_id=result.trace_id)

    get_tasks = list_tasks

    def get_balance(self) -> Balance:
        """Credits of the key's account (``GET /v3/account/balance``)."""
        result = self._transport.api_request("GET", "/v3/account/balance")
        return Balance.from_dict(result.data)

    def get_usage(self, limit: int = 50, offset: int = 0) -> list[TaskUsageItem]:
        """Recent tasks and what each cost (``GET /v3/account/usage``; ``limit`` 1–200)."""
        limit = payloads.check_int(limit, "limit", minimum=1, maximum=200)
        offset = payloads.check_int(offset, "offset", minimum=0)
        result = self._transport.api_request("GET", "/v3/account/usage", params={"limit": limit, "offset": offset})
        rows = result.data.get("items") if isinstance(result.data, dict) else result.data
        return [TaskUsageItem.from_dict(row) for row in rows or () if isinstance(row, dict)]

    def wait_for_task(
        self,
        task_id: str,
        polling_interval: float = 2.0,
        timeout: float | None = None,
        verbose: bool = False,
        *,
        on_progress: Callable[[Task], None] | None = None,
        cancel_event: threading.Event | None = None,
    ) -> Task:
        """Poll a task until it reaches a final status and return it.

        Every final status ends the wait: success, failed, cancelled (and SDK 0.3.0's banned and
        expired). A status this client does not recognise ends it only after
        :attr:`unknown_status_limit` polls in a row, so one odd answer does not end a paid task.
        The schedule is adaptive (see :mod:`.polling`): ``polling_interval`` is the starting
        interval; with an ETA from the server, polls converge on the expected finish.

        ``timeout`` (seconds, None = forever) is honoured precisely: no sleep or retry runs past it,
        and :class:`TaskWaitTimeout` (a ``TimeoutError``) is raised. ``on_progress(task)`` is called
        after every poll, final one included. Setting ``cancel_event`` interrupts a wait
        immediately with :class:`TaskWaitCancelled` (the server-side task is not cancelled).
        ``verbose=True`` prints progress lines like the SDK did.
        """
        payloads.validate_task_id(task_id)
        if isinstance(polling_interval, bool) or not isinstance(polling_interval, (int, float)):
            raise ValueError("polling_interval must be a positive number of seconds.")
        schedule = dataclasses.replace(self.poll_schedule, base_interval=float(polling_interval))
        if timeout is not None and (isinstance(timeout, bool) or not timeout >= 0):
            raise ValueError("timeout must be None or a number of seconds >= 0.")
        waiter = cancel_event if cancel_event is not None else threading.Event()
        start = time.monotonic()
        deadline = start + timeout if timeout is not None else None
        last: Task | None = None
        blind_polls = 0
        unknown_polls = 0
        estimator = ProgressEstimator()

        def pause(seconds: float) -> None:
            # back-off between retries of one poll: interruptible like the wait between polls
            if cancel_event is not None and cancel_event.wait(seconds):
                raise TaskWaitCancelled(task_id, last)

        while True:
            if cancel_event is not None and cancel_event.is_set():
                raise TaskWaitCancelled(task_id, last)
            if deadline is not None and time.monotonic() >= deadline:
                raise TaskWaitTimeout(task_id, float(timeout or 0.0), last)
            try:
                task = self._get_task(task_id, deadline=deadline, pause=pause if cancel_event is not None else None)
            except TimeoutError as exc:
                raise TaskWaitTimeout(task_id, float(timeout or 0.0), last) from exc.__cause__
            last = task
            unknown_polls = unknown_polls + 1 if task.status is TaskStatus.UNKNOWN else 0
            if on_progress is not None:
                on_progress(task)
            if task.status.is_terminal or unknown_polls >= self.unknown_status_limit:
                if verbose:
                    print(f"Task {task_id} {task.status.value} in {time.monotonic() - start:.1f} seconds")
                return task
            if verbose:
                _print_progress(task_id, task)
            now = time.monotonic()
            estimator.observe(now, task.status, task.progress)
            remaining = None if deadline is None else deadline - now
            delay = schedule.next_delay(
                status=task.status,
                running_left_time=task.running_left_time,
                progress=task.progress,
                blind_polls=blind_polls,
                remaining=remaining,
                predicted_left=estimator.left(now),
            )
            blind_polls = 0 if schedule.has_eta(task.status, task.running_left_time) else blind_polls + 1
            log.debug("Task %s is %s (%d%%); next poll in %.2f s", task_id, task.status.value, task.progress, delay)
            if waiter.wait(delay) and cancel_event is not None:
                raise TaskWaitCancelled(task_id, last)

    # ------------------------------------------------------------------ downloads

    def download_task_models(
        self,
        task: Task,
        output_dir: str,
        *,
        on_progress: download.ProgressCallback | None = None,
    ) -> dict[str, str]:
        """Download the model file of a successful task into ``output_dir``.

        Returns ``{"model": path, "pbr_model": path}`` (apiv3 has one model file; ``pbr_model``
        names it too, so code written for v2 keeps working), plus ``base_model`` if the task has
        a distinct one, and ``model_2``, ``model_3``… when a retarget answered one file per
        animation (``output.model_urls``). All-or-nothing: files are streamed to hidden temp files, verified (size,
        GLB magic) and only then renamed into place; on failure nothing of this call is left
        behind and a ``DownloadError`` (a ``TripoRequestError``) is raised. If the CDN answers
        403 or 410 (expired signed URL), the task is fetched once more for fresh URLs and that
        file's download retried (once per file). ``on_progress(done_bytes, total_bytes_or_None)`` is called per chunk.

        Raises ValueError if the task did not succeed, FileNotFoundError if ``output_dir`` is
        missing.
        """
        available = task.output.files()
        models = [k for k in available if TaskOutput.model_index(k) is not None]
        files = self.download_outputs(
            task, output_dir, [*models, *(k for k in ("base_model",) if k in available)], on_progress=on_progress
        )
        if "model" in files:
            files["pbr_model"] = files["model"]
        return files

    def download_rendered_image(
        self,
        task: Task,
        output_dir: str,
        filename: str | None = None,
        *,
        on_progress: download.ProgressCallback | None = None,
    ) -> str | None:
        """Download the preview render of a successful task; None if it has none.

        ``filename`` must be a bare file name (no directories). Same guarantees as
        :meth:`download_task_models`.
        """
        self._check_download_target(task, output_dir)
        if not task.output.rendered_image:
            return None
        names = {"rendered_image": download.check_plain_filename(filename)} if filename is not None else None
        return self.download_outputs(task, output_dir, ["rendered_image"], names=names, on_progress=on_progress)[
            "rendered_image"
        ]

    def download_outputs(
        self,
        task: Task,
        output_dir: str,
        keys: Sequence[str] | None = None,
        *,
        names: dict[str, str] | None = None,
        on_progress: download.ProgressCallback | None = None,
    ) -> dict[str, str]:
        """Download outputs of a successful task: ``{key: path}`` for ``keys`` (default: every
        file the task has, see :meth:`TaskOutput.files`: ``model``, ``rendered_image``,
        ``generated_image``, ``front_view``…, ``uv_render``…). Same all-or-nothing guarantees as
        :meth:`download_task_models`; a key the task lacks is a ValueError."""
        self._check_download_target(task, output_dir)
        available = task.output.files()
        wanted = list(available) if keys is None else list(keys)
        missing = [k for k in wanted if k not in available]
        if missing:
            raise ValueError(
                f"Task {task.task_id} has no {', '.join(missing)} output (it has: {', '.join(available) or 'none'})."
            )
        taken: set[str] = set()
        targets: dict[str, str] = {}
        for key in wanted:
            default_ext = ".jpg" if key in _IMAGE_OUTPUTS else _DEFAULT_EXTENSIONS.get(key, ".glb")
            name = (names or {}).get(key) or download.filename_from_url(
                available[key], task_id=task.task_id, key=key, default_ext=default_ext
            )
            targets[key] = os.path.join(output_dir, download.unique_name(name, key, taken))
        self._download_outputs(task, targets, output_dir, on_progress)
        return targets

    # ------------------------------------------------------------------ generation
    #
    # Each method below sends one route of :mod:`.routes`: its signature is the public surface (the
    # seed's names, order and defaults, read from the route's record so each default is written
    # once; ``tests/client/test_route_records.py`` asserts every signature against its record) and
    # its body hands the arguments to :meth:`_send`, which checks the whole request, uploads local
    # files and sends it.

    def text_to_model(
        self,
        prompt: str,
        negative_prompt: str | None = None,
        model_version: str | None = _G.model_version,
        face_limit: int | None = None,
        texture: bool | None = _G.texture,
        pbr: bool | None = _G.pbr,
        image_seed: int | None = None,
        model_seed: int | None = None,
        texture_seed: int | None = None,
        texture_quality: str | None = _G.texture_quality,
        style: ModelStyle | None = None,
        auto_size: bool | None = _G.auto_size,
        quad: bool | None = _G.quad,
        compress: bool | None = _G.compress,
        generate_parts: bool | None = _G.generate_parts,
        smart_low_poly: bool | None = _G.smart_low_poly,
        *,
        geometry_quality: str | None = _G.geometry_quality,
        export_uv: bool | None = _G.export_uv,
        export_orientation: str | None = None,
    ) -> str:
        """Create a 3D model from a text prompt (``POST /v3/generation/text-to-model``).

        ``model_version``: ``v3.1-20260211``, ``v3.0-20250812``, ``v2.5-20250123`` (default),
        ``P1-20260311`` or ``P2-20260801`` (see :mod:`.versions`). ``style`` no longer exists on
        apiv3: passing one raises ValueError. Keyword-only (apiv3 / SDK 1.0.0): ``geometry_quality``
        (``detailed`` = Ultra on v3.x), ``export_uv``, ``export_orientation`` (``+x``…). What each
        option takes, and which versions refuse it, is in :data:`.routes.TEXT_TO_MODEL`.
        """
        return self._send(routes.TEXT_TO_MODEL, locals())

    def image_to_model(
        self,
        image: str | os.PathLike[str],
        model_version: str | None = _G.model_version,
        face_limit: int | None = None,
        texture: bool | None = _G.texture,
        pbr: bool | None = _G.pbr,
        model_seed: int | None = None,
        texture_seed: int | None = None,
        texture_quality: str | None = _G.texture_quality,
        texture_alignment: str | None = _I.texture_alignment,
        style: ModelStyle | None = None,
        auto_size: bool | None = _G.auto_size,
        orientation: str | None = _I.orientation,
        quad: bool | None = _G.quad,
        compress: bool | None = _G.compress,
        generate_parts: bool | None = _G.generate_parts,
        smart_low_poly: bool | None = _G.smart_low_poly,
        *,
        geometry_quality: str | None = _G.geometry_quality,
        enable_image_autofix: bool | None = _I.enable_image_autofix,
        export_uv: bool | None = _G.export_uv,
        export_orientation: str | None = None,
    ) -> str:
        """Create a 3D model from one image: a local path (uploaded first), an http(s) URL, a
        ``file_…`` token, or the id of a text-to-image task. Raises ValueError if no image is
        given, FileNotFoundError if a path is missing."""
        return self._send(routes.IMAGE_TO_MODEL, locals())

    def multiview_to_model(
        self,
        images: Sequence[str | os.PathLike[str] | None] | str,
        model_version: str | None = _G.model_version,
        face_limit: int | None = None,
        texture: bool | None = _G.texture,
        pbr: bool | None = _G.pbr,
        model_seed: int | None = None,
        texture_seed: int | None = None,
        texture_quality: str | None = _G.texture_quality,
        texture_alignment: str | None = _I.texture_alignment,
        auto_size: bool | None = _G.auto_size,
        orientation: str | None = _I.orientation,
        quad: bool | None = _G.quad,
        compress: bool | None = _G.compress,
        generate_parts: bool | None = _G.generate_parts,
        smart_low_poly: bool | None = _G.smart_low_poly,
        *,
        geometry_quality: str | None = _G.geometry_quality,
        export_uv: bool | None = _G.export_uv,
        export_orientation: str | None = None,
    ) -> str:
        """Create a 3D model from up to four views in the order **[front, left, back, right]**.

        Use None for a missing view (front is required, at least two views); a shorter list is
        padded with empty slots. Each image may be a path, URL or file token; all local files
        are checked before the first upload. A plain string instead of a list is the id of an
        image-to-multiview task whose four views are used.
        """
        return self._send(routes.MULTIVIEW_TO_MODEL, locals())

    def text_to_image(
        self,
        prompt: str,
        negative_prompt: str | None = None,
        *,
        model: str | None = None,
        size: str | None = None,
        aspect_ratio: str | None = None,
        output_format: str | None = None,
        quality: str | None = None,
        background: str | None = None,
    ) -> str:
        """A concept image from text (``POST /v3/generation/text-to-image``); the finished task's
        ``output.generated_image`` is its URL, and its id can be the ``image`` of
        :meth:`image_to_model`. ``model`` is an image model (server default ``seedream_v4``; today's
        list and what each takes — ``aspect_ratio`` the banana models, ``quality`` chat_image_2
        and 2.5, ``background`` chat_image_2.5 — are in :data:`.routes.IMAGE_MODELS`)."""
        return self._send(routes.TEXT_TO_IMAGE, locals())

    def image_to_image(
        self,
        image: str | os.PathLike[str] | None = None,
        prompt: str | None = None,
        template: str | None = None,
        model: str | None = None,
        *,
        images: Sequence[str | os.PathLike[str]] | None = None,
        size: str | None = None,
        aspect_ratio: str | None = None,
        output_format: str | None = None,
        quality: str | None = None,
        background: str | None = None,
    ) -> str:
        """Transform an image (``POST /v3/generation/image-to-image``): ``image`` is a path
        (uploaded first), URL, ``file_…`` token or the id of an image task (a concept image: Tripo
        reuses it, nothing is uploaded); ``images`` more references. ``prompt`` says what to change
        and may be left out with a ``template`` (``t_pose``, ``variants``… :data:`.routes.IMAGE_TEMPLATES`).
        ``model``: an image model (server default ``seedream_v5``, which takes at most 4 images).
        The finished task's ``output.generated_image`` is its URL. Raises ValueError before
        anything is uploaded when no image or neither prompt nor template is given."""
        return self._send(routes.IMAGE_TO_IMAGE, locals())

    def image_to_multiview(self, image: str | os.PathLike[str]) -> str:
        """Front, left, back and right views of one image (``POST /v3/generation/image-to-multiview``);
        pass the task id to :meth:`multiview_to_model` to make a model from them."""
        return self._send(routes.IMAGE_TO_MULTIVIEW, locals())

    generate_multiview_image = image_to_multiview

    def edit_multiview(self, input: str, prompts: Mapping[str, str] | Sequence[Mapping[str, str]]) -> str:
        """Change some views of a multiview set by a prompt each (``POST /v3/generation/edit-multiview``).

        ``input`` is the id of an image-to-multiview (or edit-multiview) task: Tripo's JavaScript
        SDK says the service takes nothing else (docs/sources.md#edit-multiview-input). ``prompts``
        is ``{view: prompt}`` (front, left, back, right) or the SDKs' ``[{"view", "prompt"}]``; a
        view with an empty prompt stays as it is. The finished task's ``output`` holds the views
        (``front_view``…; ComfyUI's nodes say perhaps only the edited ones), and its id is a views
        task for :meth:`multiview_to_model` and for the next edit. Raises ValueError before sending
        for an unknown view, a view given twice or no prompt at all."""
        return self._send(routes.EDIT_MULTIVIEW, locals())

    edit_multiview_image = edit_multiview

    def image_to_splat(self, image: str | os.PathLike[str], model_seed: int | None = None) -> str:
        """A Gaussian splat of one image (``POST /v3/generation/image-to-splat``): a path (uploaded
        first), URL, ``file_…`` token or task id. The finished task's ``output.splat`` is the file
        (3DGS PLY, SPZ or glTF: Tripo does not say which)."""
        return self._send(routes.IMAGE_TO_SPLAT, locals())

    def image_to_depth(
        self, image: str | os.PathLike[str], kind: str | None = None, process_res: int | None = None
    ) -> str:
        """A depth map of one image (``POST /v3/generation/image-to-depth``); the finished task's
        ``output.depth_image`` is its URL. ``kind``: ``gray`` (Tripo's default) or ``color``;
        ``process_res``: the processing resolution, 126–2016 pixels (Tripo's default 504)."""
        return self._send(routes.IMAGE_TO_DEPTH, locals())

    # ------------------------------------------------------------------ post-processing

    def texture_model(
        self,
        original_model_task_id: str,
        texture: bool | None = _TX.texture,
        pbr: bool | None = _TX.pbr,
        model_seed: int | None = None,
        texture_seed: int | None = None,
        texture_quality: str | None = _TX.texture_quality,
        texture_alignment: str | None = _TX.texture_alignment,
        part_names: list[str] | None = None,
        compress: bool | None = _TX.compress,
        bake: bool | None = _TX.bake,
        text_prompt: str | None = None,
        image_prompt: str | os.PathLike[str] | None = None,
        style_image: str | os.PathLike[str] | None = None,
        model_version: str | None = _TX.model_version,
        *,
        delight: bool | None = None,
    ) -> str:
        """Generate a new texture for a model (``POST /v3/models/texture``).

        The source is a task id, or a model file token, URL or local file (uploaded). Prompts
        go into ``texture_prompt`` as the server expects (SDK 0.3.0 sent them at top level,
        where they were ignored); images may be paths, URLs or tokens. ``model_version``:
        ``v2.5-20250123`` (default, as the official SDK), ``v3.0-20250812`` or ``v3.5-20260815``,
        which adds ``texture_quality="fast"`` and ``delight`` (removes baked-in lighting).
        """
        return self._send(routes.TEXTURE, locals())

    def convert_model(
        self,
        original_model_task_id: str,
        format: str,
        quad: bool | None = _CV.quad,
        force_symmetry: bool | None = _CV.force_symmetry,
        face_limit: int | None = None,
        flatten_bottom: bool | None = _CV.flatten_bottom,
        flatten_bottom_threshold: float | None = _CV.flatten_bottom_threshold,
        texture_size: int | None = _CV.texture_size,
        texture_format: str | None = _CV.texture_format,
        pivot_to_center_bottom: bool | None = _CV.pivot_to_center_bottom,
        with_animation: bool | None = _CV.with_animation,
        pack_uv: bool | None = _CV.pack_uv,
        bake: bool | None = _CV.bake,
        part_names: list[str] | None = None,
        *,
        scale_factor: float | None = _CV.scale_factor,
        export_vertex_colors: bool | None = _CV.export_vertex_colors,
        fbx_preset: str | None = _CV.fbx_preset,
        export_orientation: str | None = _CV.export_orientation,
        animate_in_place: bool | None = _CV.animate_in_place,
    ) -> str:
        """Convert a model to GLTF, USDZ, FBX, OBJ, STL, 3MF or GLB (``POST /v3/models/convert``).

        Only options that differ from Tripo's defaults are sent: any of them makes the task a
        "complex convert", which costs more. apiv3's defaults, used here as in the official SDK:
        ``face_limit`` None (keep the model's; ≤ 0 also means keep), ``with_animation`` True
        (SDK 0.3.0 said False; the service animates by default). Keyword-only additions of apiv3:
        ``scale_factor``, ``export_vertex_colors`` (OBJ/GLTF), ``fbx_preset`` (``blender``,
        ``3dsmax``, ``mixamo``, ``bake_scale``), ``export_orientation``, ``animate_in_place``.
        ``GLB`` and ``bake_scale`` are sent as asked: Tripo's own sources disagree on them, and a
        refusal (free) says so.
        """
        return self._send(routes.CONVERT, locals())

    def import_model(self, file: str | os.PathLike[str]) -> str:
        """Make a task of your own model (``POST /v3/models/import``): a local GLB/glTF/FBX/OBJ/STL
        (uploaded first), a model URL or a file token. Every post-process accepts its task id."""
        return self._send(routes.IMPORT, locals())

    def check_riggable(self, original_model_task_id: str) -> str:
        """Start the free riggability check (``POST /v3/animations/rig-check``); the result task's
        ``output.riggable``/``output.rig_type`` tell whether and how the model can be rigged."""
        return self._send(routes.RIG_CHECK, locals())

    rig_check = check_riggable

    def rig_model(
        self,
        original_model_task_id: str,
        out_format: str | None = _RG.out_format,
        rig_type: RigType | str | None = None,
        spec: RigSpec | str | None = None,
        model_version: str | None = _RG.model_version,
    ) -> str:
        """Rig a model (``POST /v3/animations/rig``). ``out_format`` "glb" or "fbx"; ``rig_type``
        and ``spec`` are sent only when they differ from the server's biped / tripo.

        ``model_version`` (as in the official SDK): ``v1.0-20240301`` (default; bipeds with the
        Tripo, Mixamo or ActorCore skeleton), ``v2.5-20260210`` or ``v3.0-20260909`` (every rig
        type and the Unity, Unreal and VRM specs). The retired ``v2.0-20250506`` is sent as
        ``v2.5-20260210``, as v2 did.
        """
        return self._send(routes.RIG, locals())

    def retarget_animation(
        self,
        original_model_task_id: str,
        animation: Animation | str | list[Animation | str],
        out_format: str | None = _RT.out_format,
        bake_animation: bool | None = None,
        export_with_geometry: bool | None = _RT.export_with_geometry,
        *,
        animate_in_place: bool | None = _RT.animate_in_place,
    ) -> str:
        """Apply preset animation(s) to a rigged model (``POST /v3/animations/retarget``).

        One animation (an :class:`Animation` or a plain ``"preset:…"`` string) is sent as
        ``animation``; a list (1–5, billed per animation) as ``animations``. The source must be
        a rig task. ``bake_animation`` is sent when set (True or False; None, the default, leaves
        it out): Tripo's JS, Go and Rust SDKs send it, its Python SDK 1.0.0 says apiv3 dropped it,
        so the service decides, and a refusal (free, 1004) says so. ``animate_in_place`` keeps the
        root where it is (no travel).
        """
        return self._send(routes.RETARGET, locals())

    def mesh_segmentation(
        self,
        original_model_task_id: str,
        model_version: str | None = _SG.model_version,
        segmentation_granularity: str | None = None,
        ref_image: str | os.PathLike[str] | None = None,
        split_by_connectivity: bool | None = None,
    ) -> str:
        """Split a model into named parts (``POST /v3/mesh/segment``). ``v2.0-20260430`` adds
        ``segmentation_granularity`` (simple, balanced, detailed), a reference image and
        ``split_by_connectivity``."""
        return self._send(routes.SEGMENT, locals())

    def smart_segment(
        self,
        original_model_task_id: str | os.PathLike[str] | None = None,
        image: str | os.PathLike[str] | None = None,
        seg_type: str | None = None,
        granularity: str | None = None,
        hint: str | None = None,
        transform: Sequence[float] | None = None,
    ) -> str:
        """Split a model — or an image, which Tripo first makes a model of — into named parts
        (``POST /v3/mesh/smartsegment``; not in Tripo's SDK). Give one source: a model (task id,
        GLB file or token) or an image (path, URL, token or task id). ``seg_type`` says which and
        defaults to the one given; a model's ``transform`` (16 numbers, column-major) defaults to
        the identity (the model as its file holds it). ``granularity``: ``coarse``, ``medium``
        (Tripo's default) or ``fine``; ``hint``: what to split it into, in words. The result is
        a segmentation: Complete Parts and the others take its task id."""
        if seg_type is None:
            seg_type = "image" if image is not None and original_model_task_id is None else "model"
        if seg_type == "model" and transform is None:
            transform = list(routes.IDENTITY_TRANSFORM)
        return self._send(routes.SMART_SEGMENT, locals())

    def mesh_completion(
        self,
        original_model_task_id: str,
        model_version: str | None = _CP.model_version,
        part_names: list[str] | None = None,
        completion_mode: str | None = None,
    ) -> str:
        """Complete the parts of a segmentation task (all parts when ``part_names`` is None);
        ``completion_mode``: ``ai_completion`` or ``quick_cap``."""
        return self._send(routes.COMPLETE, locals())

    def smart_lowpoly(
        self,
        original_model_task_id: str,
        model_version: str | None = None,
        quad: bool | None = _LP.quad,
        part_names: list[str] | None = None,
        face_limit: int | None = None,
        bake: bool | None = _LP.bake,
        smart_uv: bool | None = None,
    ) -> str:
        """Retopologise to a low-poly model (``POST /v3/mesh/decimate``).

        As in the official SDK, ``model_version`` and ``face_limit`` default to the server's
        (v2.0, smart low poly; an adaptive face count). ``v1.0`` is plain decimation, ``v3.0``
        adds ``smart_uv``. v2's ``P-v…`` versions are rewritten (``P-v2.0-20251225`` → ``v2.0``).
        """
        return self._send(routes.DECIMATE, locals())

    def mesh_uv(
        self, original_model_task_id: str, model_version: str | None = None, *, export_orientation: str | None = None
    ) -> str:
        """Smart UV unwrap (``POST /v3/mesh/uv``): the result has ``model_url`` and a UV atlas
        preview (``output.uv_render_url``). The mesh should have at most 80,000 triangles."""
        return self._send(routes.MESH_UV, locals())

    def refine_model(self, draft_model_task_id: str) -> str:
        """Retired by Tripo with v2: always raises :class:`TripoValidationError`; nothing is sent.
        Generate with a v3.x model version instead of refining a draft."""
        raise payloads.retired(self.refine_model.__name__)

    def stylize_model(self, original_model_task_id: str, style: PostStyle | str, block_size: int = 80) -> str:
        """Retired by Tripo with v2: always raises :class:`TripoValidationError`; nothing is sent."""
        raise payloads.retired(self.stylize_model.__name__)

    # ------------------------------------------------------------------ internals

    def _create(self, request: Request) -> str:
        guard = current_guard()
        if guard is not None and guard.creating is not None:
            guard.creating(request.route, request.body)
        try:
            result = self._transport.api_request(
                "POST", request.route, body=payloads.encode_body(request.body), mode=RetryMode.CREATE
            )
        except TripoAPIError as exc:
            if exc.code != INVALID_PARAMETER_CODE or not request.disputed:
                raise
            said, suggestion = payloads.disputed_refusal(request.disputed)
            raise TripoAPIError(
                exc.code,
                f"{exc.message} {said}",
                suggestion,
                status_code=exc.status_code,
                trace_id=exc.trace_id,
                retry_after=exc.retry_after,
                request_id=exc.request_id,
            ) from exc
        data = result.data
        task_id = data.get("task_id") if isinstance(data, dict) else None
        if not isinstance(task_id, str) or not task_id:
            raise TripoRequestError(
                result.status_code,
                f"POST {request.route} succeeded but the answer has no task_id; a task may have been created.",
                trace_id=result.trace_id,
                may_have_reached_server=True,
            )
        if not payloads.is_task_id(task_id):
            # refused here, where it arrives: an id like ' abc' or '../../x' would otherwise go
            # into every later URL (GET /v3/tasks/{id}), request body and cache folder name
            raise TripoRequestError(
                result.status_code,
                f"POST {request.route} succeeded but its answer names the task {payloads.shown_task_id(task_id)}, "
                "which is not a valid Tripo task id, so it was not followed; a task may have been created.",
                trace_id=result.trace_id,
                may_have_reached_server=True,
            )
        log.info("Created task %s at %s (trace id %s)", task_id, request.route, result.trace_id)
        return task_id

    def _get_task(
        self,
        task_id: str,
        *,
        step: int | None = None,
        deadline: float | None = None,
        pause: Callable[[float], None] | None = None,
    ) -> Task:
        payloads.validate_task_id(task_id)
        params = {"step": payloads.check_int(step, "step", minimum=0)} if step is not None else None
        result = self._transport.api_request(
            "GET", f"/v3/tasks/{task_id}", params=params, deadline=deadline, pause=pause
        )
        return Task.from_dict(result.data, trace_id=result.trace_id, task_id=task_id)

    def _upload(self, ref: InputRef) -> str:
        assert ref.kind == "path" and ref.size is not None
        name = upload_filename(ref)
        if ref.size > self.MULTIPART_MAX_BYTES:
            presigned = self.presign_upload(ref.file_type or "bin")
            self._transport.put_file(presigned.upload_url, ref.value, ref.content_type)
            token = presigned.file_token
        else:
            result = self._transport.api_request("POST", "/v3/files", upload=(name, ref.value, ref.content_type))
            data = result.data if isinstance(result.data, dict) else {}
            returned = data.get("file_token")
            if not isinstance(returned, str) or not returned:
                raise TripoRequestError(
                    result.status_code, "The upload succeeded but returned no file_token.", trace_id=result.trace_id
                )
            token = returned
        log.debug("Uploaded %s (%d bytes) as %s", name, ref.size, token)
        return token

    def _send(self, route: Route, arguments: Mapping[str, Any]) -> str:
        """Send ``route`` with a method's ``arguments`` (its ``locals()``): the whole request is
        checked with placeholder tokens before anything is uploaded (so a bad option or a missing
        second file costs no upload), then local files go up one by one and the real request is sent."""
        values = {name: value for name, value in arguments.items() if name != "self"}
        refs = routes.input_refs(route, values)
        build(route, routes.resolved(values, refs, lambda ref: ref.wire(PLACEHOLDER_TOKEN)))
        sent = routes.resolved(
            values, refs, lambda ref: ref.wire(self._upload(ref)) if ref.kind == "path" else ref.wire()
        )
        return self._create(build(route, sent))

    @staticmethod
    def _check_download_target(task: Task, output_dir: str) -> None:
        if task.status is not TaskStatus.SUCCESS:
            raise ValueError(f"Cannot download files from task {task.task_id} with status: {task.status.value}")
        if not os.path.exists(output_dir):
            raise FileNotFoundError(f"Output directory not found: {output_dir}")
        if not os.path.isdir(output_dir):
            raise NotADirectoryError(f"Output path is not a directory: {output_dir}")

    def _download_outputs(
        self,
        task: Task,
        targets: dict[str, str],
        output_dir: str,
        on_progress: download.ProgressCallback | None,
    ) -> None:
        """Stage every output to a temp file, then publish all.

        An expired link (:class:`.download.DownloadURLExpired`: 403/410) is answered by reading the
        task again (``GET /v3/tasks/{id}``, free) for fresh links, once per file: links expire
        about five minutes after the task finished (Tripo's JS and Rust READMEs), so while one
        file of several (a retarget's animations) downloads, the next one's link may run out.
        A file whose fresh link is refused too ends the call: the links are not being renewed.
        """
        staged: list[tuple[str, str]] = []
        current = task
        try:
            for key, dest in targets.items():
                tmp = download.new_temp_file(output_dir)
                staged.append((tmp, dest))
                expect_glb = dest.lower().endswith(".glb")
                try:
                    download.fetch_to_file(
                        self._transport,
                        current.output.files()[key],
                        tmp,
                        expect_glb=expect_glb,
                        on_progress=on_progress,
                    )
                except download.DownloadURLExpired:
                    log.info(
                        "The download link of %s of task %s expired; reading the task for fresh links",
                        key,
                        task.task_id,
                    )
                    current = self._get_task(task.task_id)
                    url = current.output.files().get(key)
                    if not url:
                        raise DownloadError(
                            403, f"The link for {key} expired and the task read again has no {key}."
                        ) from None
                    try:
                        download.fetch_to_file(
                            self._transport, url, tmp, expect_glb=expect_glb, on_progress=on_progress
                        )
                    except download.DownloadURLExpired as again:
                        raise download.DownloadURLExpired(
                            again.status_code, download.EXPIRED_AGAIN.format(what=again.message), url=again.url
                        ) from None
            download.publish(staged)
        except BaseException:
            download.discard(tmp for tmp, _ in staged)
            raise


def _print_progress(task_id: str, task: Task) -> None:
    """The SDK's verbose progress line (the only place this package prints)."""
    filled = task.progress // 5
    bar = f"[{'=' * filled}{' ' * (20 - filled)}] {task.progress}%"
    eta = ""
    if task.running_left_time is not None and task.running_left_time >= 0:
        eta = f", estimated time remaining: {task.running_left_time}s"
    print(f"Task {task_id} is {task.status.value}. Progress: {bar}{eta}")
