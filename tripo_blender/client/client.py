"""``TripoClient``: the seed's API (SDK 0.3.0 reference), synchronous, on top of :mod:`.transport`.

Every method of the seed exists here with the same name, parameters and defaults, but blocks
instead of being a coroutine: the add-on calls it from worker threads, never from Blender's main
thread. Request bodies are built by the pure functions in :mod:`.payloads` (see its docstring for
exactly which fields are sent), image arguments are classified and checked by :mod:`.images`
*before* anything goes over the network, and downloads go through :mod:`.download`.

Thread safety: one client may be shared by many threads. Its only mutable state is the
transport's "closed" flag (behind a lock); the ``requests.Session`` is used read-only.

Multiview uploads run one after another, deliberately: uploads are bandwidth-bound (four parallel
uploads over one uplink finish no sooner than four sequential ones), the caller (the jobs layer)
already runs work on a bounded worker pool so hidden extra threads would defeat its limits, and
sequential uploads stop at the first failure instead of wasting the others.
"""

from __future__ import annotations

import dataclasses
import os
import threading
import time
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any

import requests

from . import download, payloads
from .config import GLOBAL_BASE_URL, get_logger, resolve_api_key, resolve_base_url
from .enums import Animation, ModelStyle, PostStyle, RigSpec, RigType, TaskStatus
from .errors import DownloadError, TaskWaitCancelled, TaskWaitTimeout, TripoRequestError
from .images import ImageRef, check_local_image, classify_image, upload_filename
from .models import Balance, Task
from .payloads import UNSET, Body, FileObject, Unset
from .polling import PollSchedule
from .transport import RetryMode, Transport

__all__ = ["TripoClient"]

log = get_logger()

MODEL_KEYS = ("model", "base_model", "pbr_model")
_VIEW_NAMES = ("front", "left", "back", "right")


class TripoClient:
    """Synchronous client for the Tripo 3D v2 API.

    ``TripoClient(api_key=None, base_url=None, *, region="global", connect_timeout=10,
    read_timeout=60, max_retries=4, session=None, sleep=None)``

    * ``api_key``: a ``tsk_…`` key; defaults to ``$TRIPO_API_KEY``. Checked here (ValueError),
      before any request; never logged or echoed.
    * ``base_url``: defaults to ``$TRIPO_API_BASE_URL``, else the ``region``'s URL (``"global"`` or
      ``"china"``; a key only works in the region that issued it).
    * ``connect_timeout``/``read_timeout``: seconds, applied to every request (read timeout = longest
      silence on the socket, not total transfer time).
    * ``max_retries``: extra attempts for failures that are safe to retry (see :mod:`.transport`).
    * ``session``: an optional ``requests.Session`` to use (e.g. with proxies set); the client
      never puts the key into it and does not close it.
    * ``sleep``: the function used to wait between retries (tests inject a recorder).

    Use as a context manager, or call :meth:`close`.
    """

    BASE_URL = GLOBAL_BASE_URL
    #: Limits of the adaptive wait schedule (see :mod:`.polling`); ``wait_for_task`` replaces only
    #: its ``base_interval`` with ``polling_interval``. Tune per instance for special needs (tests
    #: use tiny intervals against the emulator).
    poll_schedule: PollSchedule = PollSchedule()

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

    # ------------------------------------------------------------------ common methods

    def upload_file(self, file_path: str) -> str:
        """Upload a local JPEG/PNG/WEBP image (``POST /upload``) and return its image token.

        The file is checked first (exists, non-empty, ≤ 20 MB, really an image by content); the
        multipart part ``file`` carries a sanitised name with the real extension and content type.
        Raises FileNotFoundError/ValueError (before sending), TripoAPIError, TripoRequestError.
        """
        return self._upload(check_local_image(file_path, what="file"))

    def create_task(self, task_data: dict[str, Any]) -> str:
        """Create a task from a raw body (must have a ``type``); return its id.

        ``POST /task`` is sent once. It is resent only if the server provably did not receive it
        (connection never established) or refused it with HTTP 429 code 1007/2000. If it may have
        arrived (read timeout, dropped connection) a ``TripoRequestError`` with
        ``may_have_reached_server=True`` is raised: a task may exist and be billed.
        """
        return self._create(payloads.create_task_body(task_data))

    def get_task(self, task_id: str) -> Task:
        """Fetch the current state of a task (``GET /task/{id}``), retried on transient failures."""
        return self._get_task(task_id)

    def get_balance(self) -> Balance:
        """Credits of the key's account (``GET /user/balance``)."""
        result = self._transport.api_request("GET", "/user/balance")
        return Balance.from_dict(result.data)

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

        Every final status ends the wait: success, failed, banned, expired, cancelled and unknown
        (including statuses this client does not recognise). The schedule is ETA-aware (see
        :mod:`.polling`): ``polling_interval`` is the starting interval when the server gives no
        estimate; with an estimate, polls converge on the expected finish so a finished task is
        seen within about a second.

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
            if on_progress is not None:
                on_progress(task)
            if task.status.is_terminal:
                if verbose:
                    print(f"Task {task_id} {task.status.value} in {time.monotonic() - start:.1f} seconds")
                return task
            if verbose:
                _print_progress(task_id, task)
            remaining = None if deadline is None else deadline - time.monotonic()
            delay = schedule.next_delay(
                status=task.status,
                running_left_time=task.running_left_time,
                progress=task.progress,
                blind_polls=blind_polls,
                remaining=remaining,
            )
            blind_polls = 0 if schedule.has_eta(task.status, task.running_left_time) else blind_polls + 1
            log.debug("Task %s is %s (%d%%); next poll in %.2f s", task_id, task.status.value, task.progress, delay)
            if waiter.wait(delay) and cancel_event is not None:
                raise TaskWaitCancelled(task_id, last)

    def download_task_models(
        self,
        task: Task,
        output_dir: str,
        *,
        on_progress: download.ProgressCallback | None = None,
    ) -> dict[str, str]:
        """Download the model files of a successful task into ``output_dir``.

        Returns ``{"model" | "base_model" | "pbr_model": path}`` for each output the task has.
        All-or-nothing: files are streamed to hidden temp files, verified (size, GLB magic) and
        only then renamed into place; on failure nothing of this call is left behind and a
        ``DownloadError`` (a ``TripoRequestError``) is raised. If the CDN answers 403 (expired
        signed URL), the task is fetched once more for fresh URLs and the download retried.
        ``on_progress(done_bytes, total_bytes_or_None)`` is called per chunk of the current file.

        Raises ValueError if the task did not succeed, FileNotFoundError if ``output_dir`` is
        missing.
        """
        self._check_download_target(task, output_dir)
        keys = [k for k in MODEL_KEYS if getattr(task.output, k)]
        taken: set[str] = set()
        targets: dict[str, str] = {}
        for key in keys:
            name = download.filename_from_url(getattr(task.output, key), task_id=task.task_id, key=key, default_ext=".glb")
            targets[key] = os.path.join(output_dir, download.unique_name(name, key, taken))
        self._download_outputs(task, targets, output_dir, on_progress)
        return targets

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
        url = task.output.rendered_image
        if not url:
            return None
        if filename is not None:
            name = download.check_plain_filename(filename)
        else:
            name = download.filename_from_url(url, task_id=task.task_id, key="rendered_image", default_ext=".jpg")
        dest = os.path.join(output_dir, name)
        self._download_outputs(task, {"rendered_image": dest}, output_dir, on_progress)
        return dest

    # ------------------------------------------------------------------ generation

    def text_to_model(
        self,
        prompt: str,
        negative_prompt: str | None = None,
        model_version: str | None = "v2.5-20250123",
        face_limit: int | None = None,
        texture: bool | None = True,
        pbr: bool | None = True,
        image_seed: int | None = None,
        model_seed: int | None = None,
        texture_seed: int | None = None,
        texture_quality: str = "standard",
        style: ModelStyle | None = None,
        auto_size: bool = False,
        quad: bool = False,
        compress: bool = False,
        generate_parts: bool = False,
        smart_low_poly: bool = False,
        *,
        geometry_quality: str | None = None,
    ) -> str:
        """Create a 3D model from a text prompt (1–1024 characters); returns the task id.

        Paid add-ons ``quad``/``smart_low_poly``/``generate_parts`` are sent only when True and are
        refused (ValueError) with a P1 model version; ``compress=True`` sends ``"geometry"``.
        ``geometry_quality`` (keyword only; not in SDK 0.3.0) asks v3.x for "detailed" geometry.
        """
        options = payloads.GenerationOptions(
            model_version=model_version, face_limit=face_limit, texture=texture, pbr=pbr, model_seed=model_seed,
            texture_seed=texture_seed, texture_quality=texture_quality, auto_size=auto_size, quad=quad, compress=compress,
            generate_parts=generate_parts, smart_low_poly=smart_low_poly, geometry_quality=geometry_quality,
        )
        body = payloads.text_to_model_body(prompt, negative_prompt, image_seed, style, options)
        return self._create(body)

    def image_to_model(
        self,
        image: str | None = None,
        model_version: str | None = "v2.5-20250123",
        face_limit: int | None = None,
        texture: bool | None = True,
        pbr: bool | None = True,
        model_seed: int | None = None,
        texture_seed: int | None = None,
        texture_quality: str = "standard",
        texture_alignment: str = "original_image",
        style: ModelStyle | None = None,
        auto_size: bool = False,
        orientation: str = "default",
        quad: bool = False,
        compress: bool = False,
        generate_parts: bool = False,
        smart_low_poly: bool = False,
        *,
        geometry_quality: str | None = None,
    ) -> str:
        """Create a 3D model from one image: a local path (uploaded first), an http(s) URL, or an
        upload token. Raises ValueError if no image is given, FileNotFoundError if a path is missing.
        """
        if image is None:
            raise ValueError("image is required: a local file path, an http(s) URL or an upload token.")
        ref = classify_image(image, what="image")
        options = payloads.GenerationOptions(
            model_version=model_version, face_limit=face_limit, texture=texture, pbr=pbr, model_seed=model_seed,
            texture_seed=texture_seed, texture_quality=texture_quality, auto_size=auto_size, quad=quad, compress=compress,
            generate_parts=generate_parts, smart_low_poly=smart_low_poly, geometry_quality=geometry_quality,
        )

        def build(files: list[FileObject | None]) -> Body:
            file = files[0]
            assert file is not None
            return payloads.image_to_model_body(file, texture_alignment, style, orientation, options)

        return self._create_with_images([ref], build)

    def multiview_to_model(
        self,
        images: list[str],
        model_version: str | None = "v2.5-20250123",
        face_limit: int | None = None,
        texture: bool | None = True,
        pbr: bool | None = True,
        model_seed: int | None = None,
        texture_seed: int | None = None,
        texture_quality: str = "standard",
        texture_alignment: str = "original_image",
        auto_size: bool = False,
        orientation: str = "default",
        quad: bool = False,
        compress: bool = False,
        generate_parts: bool = False,
        smart_low_poly: bool = False,
        *,
        geometry_quality: str | None = None,
    ) -> str:
        """Create a 3D model from up to four views in the order **[front, left, back, right]**.

        Use None for a missing view (front is required, at least two views); a shorter list is
        padded with empty slots. Each image may be a path, URL or token; all local files are
        checked before the first upload.
        """
        slots = payloads.multiview_slots(images)
        refs = [
            classify_image(img, what=f"{view} view image") if img is not None else None
            for img, view in zip(slots, _VIEW_NAMES)
        ]
        options = payloads.GenerationOptions(
            model_version=model_version, face_limit=face_limit, texture=texture, pbr=pbr, model_seed=model_seed,
            texture_seed=texture_seed, texture_quality=texture_quality, auto_size=auto_size, quad=quad, compress=compress,
            generate_parts=generate_parts, smart_low_poly=smart_low_poly, geometry_quality=geometry_quality,
        )

        def build(files: list[FileObject | None]) -> Body:
            return payloads.multiview_to_model_body(files, texture_alignment, orientation, options)

        return self._create_with_images(refs, build)

    # ------------------------------------------------------------------ post-processing

    def convert_model(
        self,
        original_model_task_id: str,
        format: str,
        quad: bool | Unset = UNSET,
        force_symmetry: bool = False,
        face_limit: int | Unset = UNSET,
        flatten_bottom: bool | Unset = UNSET,
        flatten_bottom_threshold: float | Unset = UNSET,
        texture_size: int | Unset = UNSET,
        texture_format: str | Unset = UNSET,
        pivot_to_center_bottom: bool | Unset = UNSET,
        with_animation: bool = False,
        pack_uv: bool = False,
        bake: bool = True,
        part_names: list[str] | None = None,
    ) -> str:
        """Convert a model to GLTF, USDZ, FBX, OBJ, STL or 3MF.

        Documented defaults: quad False, force_symmetry False, face_limit 10000, flatten_bottom
        False, flatten_bottom_threshold 0.01, texture_size 4096, texture_format "JPEG",
        pivot_to_center_bottom False, with_animation False, pack_uv False, bake True.
        Setting quad, face_limit, flatten_bottom(_threshold), texture_size, texture_format or
        pivot_to_center_bottom costs 5 extra credits, so those are sent *only if you pass them*;
        left out, the server applies the defaults above for free.
        """
        body = payloads.convert_model_body(
            original_model_task_id, format, quad, force_symmetry, face_limit, flatten_bottom,
            flatten_bottom_threshold, texture_size, texture_format, pivot_to_center_bottom, with_animation,
            pack_uv, bake, part_names,
        )
        return self._create(body)

    def stylize_model(self, original_model_task_id: str, style: PostStyle, block_size: int = 80) -> str:
        """Apply a post-processing style (lego, voxel, voronoi, minecraft); block_size 32–128."""
        return self._create(payloads.stylize_model_body(original_model_task_id, style, block_size))

    def texture_model(
        self,
        original_model_task_id: str,
        texture: bool = True,
        pbr: bool = True,
        model_seed: int | None = None,
        texture_seed: int | None = None,
        texture_quality: str | None = "standard",
        texture_alignment: str = "original_image",
        part_names: list[str] | None = None,
        compress: bool = False,
        bake: bool = True,
        text_prompt: str | None = None,
        image_prompt: str | None = None,
        style_image: str | None = None,
    ) -> str:
        """Generate a new texture for a model. ``text_prompt`` or ``image_prompt`` (not both) and an
        optional ``style_image`` go into ``texture_prompt`` as the server expects (SDK 0.3.0 sent
        them at top level, where they were ignored). Images may be paths, URLs or tokens."""
        refs = [
            classify_image(image_prompt, what="image_prompt") if image_prompt is not None else None,
            classify_image(style_image, what="style_image") if style_image is not None else None,
        ]

        def build(files: list[FileObject | None]) -> Body:
            return payloads.texture_model_body(
                original_model_task_id, texture, pbr, model_seed, texture_seed, texture_quality,
                texture_alignment, part_names, compress, bake, text_prompt, files[0], files[1],
            )

        return self._create_with_images(refs, build)

    def refine_model(self, draft_model_task_id: str) -> str:
        """Refine a draft model (only pre-v2.0 drafts are accepted by the server)."""
        return self._create(payloads.refine_model_body(draft_model_task_id))

    def check_riggable(self, original_model_task_id: str) -> str:
        """Start a free pre-rig check (``animate_prerigcheck``); the result task's
        ``output.riggable``/``output.rig_type`` tell whether and how the model can be rigged."""
        return self._create(payloads.check_riggable_body(original_model_task_id))

    def rig_model(
        self,
        original_model_task_id: str,
        out_format: str = "glb",
        rig_type: RigType | None = None,
        spec: RigSpec | None = None,
    ) -> str:
        """Rig a model (``animate_rig``). ``out_format`` "glb" or "fbx" (else ValueError);
        ``rig_type``/``spec`` are sent only when given (the server defaults to biped/tripo)."""
        return self._create(payloads.rig_model_body(original_model_task_id, out_format, rig_type, spec))

    def retarget_animation(
        self,
        original_model_task_id: str,
        animation: Animation | str | list[Animation | str],
        out_format: str = "glb",
        bake_animation: bool = True,
        export_with_geometry: bool = False,
        *,
        animate_in_place: bool = False,
    ) -> str:
        """Apply preset animation(s) to a rigged model (``animate_retarget``).

        One animation (an :class:`Animation` or a plain ``"preset:…"`` string) is sent as
        ``animation``; a list (1–5, billed per animation) as ``animations``.
        ``animate_in_place`` (keyword only; not in SDK 0.3.0) keeps the root where it is (no
        travel), for game engines that move characters themselves; sent only when True.
        """
        return self._create(
            payloads.retarget_animation_body(original_model_task_id, animation, out_format, bake_animation,
                                             export_with_geometry, animate_in_place=animate_in_place)
        )

    def mesh_segmentation(self, original_model_task_id: str, model_version: str | None = "v1.0-20250506") -> str:
        """Split a model into named parts."""
        return self._create(payloads.mesh_segmentation_body(original_model_task_id, model_version))

    def mesh_completion(
        self,
        original_model_task_id: str,
        model_version: str | None = "v1.0-20250506",
        part_names: list[str] | None = None,
    ) -> str:
        """Complete the parts of a segmentation task (all parts when ``part_names`` is None)."""
        return self._create(payloads.mesh_completion_body(original_model_task_id, model_version, part_names))

    def smart_lowpoly(
        self,
        original_model_task_id: str,
        model_version: str | None = "P-v1.0-20250506",
        quad: bool = False,
        part_names: list[str] | None = None,
        face_limit: int | None = 4000,
        bake: bool = True,
    ) -> str:
        """Retopologise to a low-poly model (wire type ``highpoly_to_lowpoly``)."""
        return self._create(
            payloads.smart_lowpoly_body(original_model_task_id, model_version, quad, part_names, face_limit, bake)
        )

    # ------------------------------------------------------------------ internals

    def _create(self, body: Body) -> str:
        result = self._transport.api_request("POST", "/task", body=payloads.encode_body(body), mode=RetryMode.CREATE)
        data = result.data
        task_id = data.get("task_id") if isinstance(data, dict) else None
        if not isinstance(task_id, str) or not task_id:
            raise TripoRequestError(
                result.status_code,
                "POST /task succeeded but the answer has no task_id; a task may have been created.",
                trace_id=result.trace_id,
                may_have_reached_server=True,
            )
        log.info("Created %s task %s (trace id %s)", body.get("type"), task_id, result.trace_id)
        return task_id

    def _get_task(
        self, task_id: str, *, deadline: float | None = None, pause: Callable[[float], None] | None = None
    ) -> Task:
        payloads.validate_task_id(task_id)
        result = self._transport.api_request("GET", f"/task/{task_id}", deadline=deadline, pause=pause)
        return Task.from_dict(result.data, trace_id=result.trace_id)

    def _upload(self, ref: ImageRef) -> str:
        result = self._transport.api_request(
            "POST", "/upload", upload=(upload_filename(ref), ref.value, ref.content_type)
        )
        data = result.data if isinstance(result.data, dict) else {}
        token = data.get("image_token") or data.get("file_token")
        if not isinstance(token, str) or not token:
            raise TripoRequestError(result.status_code, "The upload succeeded but returned no image_token.", trace_id=result.trace_id)
        log.debug("Uploaded %s (%d bytes) as %s", upload_filename(ref), ref.size or 0, token)
        return token

    def _file_object(self, ref: ImageRef) -> FileObject:
        return ref.file_object(self._upload(ref) if ref.kind == "path" else None)

    def _create_with_images(
        self, refs: Sequence[ImageRef | None], build: Callable[[list[FileObject | None]], Body]
    ) -> str:
        """Validate the whole request (with placeholder tokens) before uploading anything, then
        upload local files one by one and send the real body."""
        build([r.placeholder_object() if r is not None else None for r in refs])
        files = [self._file_object(r) if r is not None else None for r in refs]
        return self._create(build(files))

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
        """Stage every output to a temp file, then publish all; one task refresh on HTTP 403."""
        staged: list[tuple[str, str]] = []
        current = task
        refreshed = False
        try:
            for key, dest in targets.items():
                tmp = download.new_temp_file(output_dir)
                staged.append((tmp, dest))
                expect_glb = dest.lower().endswith(".glb")
                try:
                    download.fetch_to_file(
                        self._transport, getattr(current.output, key), tmp, expect_glb=expect_glb, on_progress=on_progress
                    )
                except download.DownloadURLExpired:
                    if refreshed:
                        raise
                    log.info("Signed URL of task %s expired; fetching fresh URLs", task.task_id)
                    current = self._get_task(task.task_id)
                    refreshed = True
                    url = getattr(current.output, key)
                    if not url:
                        raise DownloadError(403, f"The URL for {key} expired and the refreshed task has no {key}.") from None
                    download.fetch_to_file(self._transport, url, tmp, expect_glb=expect_glb, on_progress=on_progress)
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
