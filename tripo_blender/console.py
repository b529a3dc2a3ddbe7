"""Tripo from Blender's Python console (the name ``tripo``) and from scripts (see below).

Every function does what a button of the add-on does and returns a :class:`Job` at once; the
job runs on the add-on's workers exactly like one started from the sidebar, against Tripo's
apiv3 (it is listed in the Jobs panel, resumes after a restart, lands at the 3D cursor; the
results of a loop of calls land side by side there, in one collection under "Tripo").
``job.wait()`` blocks until the result is in the scene — it runs the add-on's main-thread work
(imports) while it waits, so it also works in ``blender -b``, where timers never fire.

A console session (``tripo`` is there while the add-on is enabled, :mod:`.blender.console_name`)::

    >>> tripo.estimate_cost("rig")                  # a console function or a kind
    25
    >>> fox = tripo.text_to_model("a low-poly fox", model_version="v2.5-20250123")
    >>> fox
    <tripo.Job 'a low-poly fox' text_to_model running 35% task 1ec04b…>
    >>> fox.wait().objects                      # blocks; the model is now in the scene
    [bpy.data.objects['a low-poly fox'], ...]
    >>> rigged = tripo.rig(fox.objects[0]).wait()
    >>> moves = tripo.retarget(rigged.armature, ["preset:walk", "preset:run"]).wait()
    >>> [a.name for a in moves.actions]
    ['a low-poly fox – run', 'a low-poly fox – walk']
    >>> tripo.balance().balance
    9875.0
    >>> tripo.assets(text="fox")[0].generate_again()   # every result is kept in the Tripo asset library
    <tripo.Job 'a low-poly fox' text_to_model pending>

A script imports the add-on by its extension name, ``from bl_ext.user_default import
tripo_blender as tripo`` (``user_default``: the repository it was installed into; the README has
a repository-agnostic line). Headless (the add-on enabled in the user preferences; ``--online-mode`` allows
online access for this run even where the preferences leave it off, as new profiles do)::

    blender -b --online-mode --python make_fox.py

Options are the keyword arguments of the matching :class:`~tripo_blender.client.TripoClient`
method (``rig`` → ``rig_model``: ``model_version``, ``spec``, ``rig_type``…), with its
defaults. Tripo retired Refine and Stylize with its v2 API; they are gone from here too.

Errors: options are checked before anything is sent (``TypeError``/``ValueError``); a missing
key or online access switched off raise :class:`UserError` with the fix; ``wait()`` raises the
job's :class:`~tripo_blender.client.TripoAPIError` (``.code`` 2010 = not enough credits…),
:class:`JobFailed` for failures without an API code (download, import), or ``TimeoutError``
(the job keeps running: call ``wait()`` again).

Main thread only: every function reads or changes Blender data, so calling one from another
thread raises RuntimeError instead of crashing Blender.

``tripo.jobs`` and ``tripo.client`` are also the add-on's subpackages (the job engine and the
HTTP client: ``tripo.client.TripoClient``, ``tripo.jobs.JobState``). Python gives a package's
attribute to its subpackage, so while the add-on is enabled those two packages are made
*callable* (:func:`attach`): ``tripo.jobs()`` and ``tripo.client()`` call the functions below.
"""

from __future__ import annotations

import functools
import logging
import ntpath
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, ParamSpec, TypeVar, Union, cast

import bpy

from .blender import asset_library, asset_ops, generation
from .blender.actions import armature_using
from .blender.concept_images import images_of
from .blender.image_inputs import ImageInputError, ImageSlot, concept_task, prepare_image
from .blender.image_route_ops import depth_name, splat_name
from .blender.import_task import follow_task
from .blender.importer import cursor_location
from .blender.post_process import rig_check
from .blender.post_specs import post_process_spec
from .blender.runtime import ACTIVE_INTERVAL, runtime
from .blender.sources import DEFAULT_PLACEMENT, Source, SourceRef, source_of, usable_source
from .blender.uncertain_view import is_unsure, searching, send_again_warning, status_text
from .blender.view_sets import edit_name, set_images, task_of_images
from .client import TripoAPIError, TripoClient, TripoError, payloads, routes
from .client.inputs import is_file_token, is_uuid
from .jobs import KINDS, RETIRED_KINDS, JobError, JobSpec, JobState, kind_of
from .jobs import Job as Snapshot
from .jobs import estimate_cost as _estimate_cost
from .jobs.asset_index import AssetIndex, AssetRecord, matching
from .jobs.kinds import (
    CHECK_RIGGABLE,
    COMPLETE,
    CONVERT,
    EDIT_MULTIVIEW,
    IMAGE_TO_DEPTH,
    IMAGE_TO_IMAGE,
    IMAGE_TO_MODEL,
    IMAGE_TO_MULTIVIEW,
    IMAGE_TO_SPLAT,
    LOWPOLY,
    MULTIVIEW_TO_MODEL,
    RETARGET,
    RIG,
    SEGMENT,
    SMART_SEGMENT,
    SMART_UV,
    TEXT_TO_IMAGE,
    TEXT_TO_MODEL,
    TEXTURE,
    Landing,
    by_console_name,
)
from .jobs.model import thaw
from .jobs.verify import CHOOSE, Candidate, lookup_of
from .rules import generate as form
from .rules.account import BalanceInfo, UserError
from .rules.console_api import CONSOLE_NAMES, SUBPACKAGE_CALLS
from .rules.settings import MAX_WORKERS
from .rules.tags import JOB_ID_PROP

__all__ = [*CONSOLE_NAMES, *SUBPACKAGE_CALLS]  # noqa: PLE0604 - the list is the kinds table's (rules.console_api)

#: A stable name (not ``__name__``, which is ``bl_ext.<repo>.…``) so users can configure it.
LOGGER_NAME = "tripo_blender.console"
log = logging.getLogger(LOGGER_NAME)

#: An image input: a file path, an http(s) URL, a ``file_…`` upload token, a task id (of a
#: text-to-image task), or a Blender image.
ImageInput = Union[str, "os.PathLike[str]", bpy.types.Image]
#: Longest single sleep while waiting (see _pump_until).
_SLICE = 0.05
#: How long :func:`jobs` waits for the last session's jobs to be read (a long history: seconds).
_RESUME_WAIT = 60.0
_HANDLER_NAME = "tripo_blender.console"
_SETTLED = frozenset({JobState.DONE, JobState.FAILED, JobState.CANCELLED, JobState.UNCERTAIN})
#: Generation arguments given positionally (or as front=…), never through ``**options``.
_INPUT_PARAMS = frozenset({"prompt", "image", "images"})


class JobFailed(TripoError):
    """A job ended without a result and without an API error code (download or import failure,
    an uncertain request, the add-on stopped). The message says what happened and what to do."""


class JobCancelled(JobFailed):
    """The job was cancelled (from the Jobs panel or ``job.cancel()``)."""


# --------------------------------------------------------------------------- helpers

_P = ParamSpec("_P")
_R = TypeVar("_R")
#: What a console call raises for bad input: the message is the whole story.
_INPUT_ERRORS = (TypeError, ValueError, UserError, ImageInputError)


def _short_errors(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """Bad input to a console function shows as one frame and its sentence, not a traceback.

    Why: Blender's console prints the whole stack of an exception — six frames of the add-on's
    checks above a sentence that already says what to fix. The error is raised again from this
    wrapper with its traceback cut there (``from None``: no "During handling…" either); its type
    and message are unchanged, so ``except ValueError`` in a script still works. The full stack
    goes to the log at debug level, for a bug report.
    """

    @functools.wraps(function)
    def call(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return function(*args, **kwargs)
        except _INPUT_ERRORS as exc:
            log.debug("tripo.%s refused its input", function.__name__, exc_info=True)
            raise exc.with_traceback(None) from None

    return call


def _require_main_thread(what: str) -> None:
    """bpy is not thread-safe and the runtime lives on the main thread: refuse clearly."""
    if threading.current_thread() is not threading.main_thread():
        raise RuntimeError(
            f"tripo.{what} must be called from Blender's main thread (the Python console or a "
            "script), not from another thread: it reads and changes Blender data"
        )


def _pump_until(done: Callable[[], bool], timeout: float | None) -> bool:
    """Run the add-on's pump until ``done()`` holds; False when ``timeout`` seconds passed first.

    The pump is the same function Blender's timer calls: in ``blender -b`` timers never fire, so
    this loop is what imports results there. In the interactive console the timer is registered
    too, but timers only run between console commands, never during this call: both callers run
    on the main thread, one after the other. The one way in while a tick runs is code the tick
    itself runs (a handler fired by an import that waits): the nested tick then only lands
    *other* results, because each result is taken off the queue before it is imported (tested).
    Between ticks it sleeps the delay the pump asks for, in short slices (exact timeouts, a
    responsive Ctrl+C), and pumps at once when the engine has news (a job noticed finished is
    applied, and a batch's next prompt sent, without waiting out the pump's interval).
    """
    deadline = None if timeout is None else time.monotonic() + max(0.0, timeout)
    while True:
        if done():  # also before the pump: its landing of a result may take a while
            return True
        delay = runtime.pump()
        if done():
            return True
        now = time.monotonic()
        if deadline is not None and now >= deadline:
            return False
        wake = now + (ACTIVE_INTERVAL if delay is None else delay)
        if deadline is not None:
            wake = min(wake, deadline)
        while (left := wake - time.monotonic()) > 0:
            if runtime.wait_for_news(min(left, _SLICE)):
                break  # a job changed: pump now


def _error_from(job: Snapshot) -> TripoError:
    """The exception ``wait()`` raises for a job that ended without its result.

    Workers keep what a failure said (code, message, suggestion, trace id) in ``job.error``,
    not the exception object, so the API error is re-created from it: ``except TripoAPIError as
    e: e.code`` works in scripts exactly as with :class:`TripoClient`.
    """
    error = job.error or JobError("")
    if job.state == JobState.FAILED and error.code is not None:
        return TripoAPIError(
            error.code, error.message or f"job {job.name!r} failed", error.suggestion, trace_id=error.trace_id
        )
    detail = f": {error.message}" if error.message else ""
    if error.suggestion:
        detail += f" {error.suggestion}"
    detail = detail.rstrip(".")  # each use below ends the sentence itself: never "processed.. Check"
    if job.state == JobState.CANCELLED:
        return JobCancelled(f"Job {job.name!r}: {job.note or 'cancelled'}{detail}.")
    if job.state == JobState.UNCERTAIN:
        found = f" {status_text(job)}." if lookup_of(job) is not None else ""
        return JobFailed(
            f"Job {job.name!r} may or may not have been sent (and charged){detail}.{found} "
            "job.retry() looks for its task on Tripo (free); job.candidates lists tasks to pick with "
            "job.follow(task_id); job.send_again(confirm=True) sends it again and may charge twice."
        )
    if job.state == JobState.FAILED:
        return JobFailed(f"Job {job.name!r} failed{detail}.")
    return JobFailed(
        f"Job {job.name!r} is no longer followed (the add-on was disabled while it was "
        f"{job.state.value}); it resumes when the add-on is enabled again."
    )


class _ConsoleHandler(logging.StreamHandler):
    """Writes to ``sys.stdout`` as it is *now*: Blender's Python console swaps ``sys.stdout`` for
    each command, so a stream captured once would point at a finished command's buffer."""

    def __init__(self) -> None:
        super().__init__()
        self.name = _HANDLER_NAME
        self.setFormatter(logging.Formatter("tripo: %(message)s"))

    @property
    def stream(self) -> Any:
        return sys.stdout

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def _ensure_console_output() -> None:
    """Make the batch progress lines visible in the console / terminal.

    Decision: progress goes through ``logging`` (logger ``tripo_blender.console``, INFO), never
    ``print``, so it can be silenced or redirected like any log. Blender configures no logging
    handler, which would swallow INFO; so unless the application configured logging itself (the
    root logger has handlers), a handler printing to the current ``sys.stdout`` is added once.
    """
    if log.level == logging.NOTSET:
        log.setLevel(logging.INFO)
    if any(h.name == _HANDLER_NAME for h in log.handlers) or logging.getLogger().handlers:
        return
    log.addHandler(_ConsoleHandler())


def _made_by(data: bpy.types.ID, job_id: str) -> bool:
    """Whether ``data`` carries the importer's job tag for ``job_id``."""
    try:
        return bool(data[JOB_ID_PROP] == job_id)
    except KeyError:
        return False


def _location(location: Sequence[float] | None) -> dict[str, Any]:
    if location is None:
        return {}
    values = [float(v) for v in location]
    if len(values) != 3:
        raise ValueError(f"location must be three numbers (x, y, z), not {len(values)}")
    return {"location": values}


def _is_reference(text: str) -> bool:
    """An input the service resolves itself: an http(s) URL, a ``file_…`` token, a task id (a file
    of that name wins, as in the client)."""
    return (
        text.lower().startswith(("http://", "https://"))
        or is_file_token(text)
        or (is_uuid(text) and not os.path.isfile(text))
    )


def _image_label(value: ImageInput) -> str | None:
    """What to call an image input in a job name: its datablock or file name (URLs: the file part)."""
    if isinstance(value, bpy.types.Image):
        return str(value.name)
    text = os.fspath(value).strip()
    if is_file_token(text) or is_uuid(text):
        return None
    return ntpath.basename(text.split("?", 1)[0].rstrip("/")) or None


def _image_input(value: ImageInput, what: str) -> str:
    """A path, URL, token or task id a worker can send. Blender images and local files go through
    the generate panel's own preparation (packed/generated/edited images become files, every file
    is checked now), so the console accepts exactly what the panel accepts, plus URLs, ``file_…``
    tokens and task ids (:func:`_is_reference`)."""
    try:
        if isinstance(value, bpy.types.Image):
            return prepare_image(ImageSlot(image=value), what)
        if not isinstance(value, (str, os.PathLike)):
            raise TypeError(
                f"The {what} must be a file path, URL, file token, task id or bpy.types.Image, "
                f"not {type(value).__name__}"
            )
        text = os.fspath(value).strip()
        if isinstance(value, str) and _is_reference(text):
            return text
        return prepare_image(ImageSlot(path=text), what)
    except ImageInputError as exc:
        raise ValueError(str(exc)) from None


_TYPE_WORDS = {bool: "True or False", int: "a whole number", float: "a number", str: "a string"}


def _same_type(value: Any, default: Any) -> bool:
    """Whether ``value`` may stand where the form's ``default`` stands (bool is no number here)."""
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(default, bool)
    if isinstance(default, (int, float)):
        return isinstance(value, int) if isinstance(default, int) else isinstance(value, (int, float))
    return isinstance(value, type(default))


def _form_values(kind: str, options: Mapping[str, Any], caller: str) -> dict[str, Any]:
    """The generate form's values for these client keyword arguments (the rest: documented defaults).

    The console speaks the client's language (``face_limit=None``, ``export_orientation=None``);
    the form's rules speak the panel's (0 = automatic, ``"default"``). Translating lets both share
    one validator and one request builder. Defaults are the documented ones, not the panel's
    current values: a script must do the same thing whatever someone left in the sidebar. An
    option apiv3 retired (``style``) is refused with the reason, as the client would refuse it.
    """
    misplaced = sorted(set(options) & _INPUT_PARAMS)
    if misplaced:
        raise TypeError(f"{caller}() takes its input as an argument, not as {', '.join(misplaced)}=")
    route = routes.by_method(kind)
    unknown = sorted(set(options) - set(route.names if route is not None else ()))
    if unknown:  # a typo, told as calling the client method would tell it
        raise TypeError(
            f"{caller}() got unexpected option(s) {', '.join(unknown)}; TripoClient.{kind} takes: "
            f"{', '.join(name for name in (route.names if route else ()) if name not in _INPUT_PARAMS)}"
        )
    retired = [
        form.RETIRED_OPTIONS[name]
        for name, value in options.items()
        if name in form.RETIRED_OPTIONS and value is not None
    ]
    if retired:
        raise ValueError("; ".join(retired))
    options = {name: value for name, value in options.items() if name not in form.RETIRED_OPTIONS}
    unsupported = sorted(set(options) - set(form.DEFAULTS))
    if unsupported:  # a client option the panel's rules do not know yet would be dropped silently
        raise TypeError(f"{caller}() does not support {', '.join(unsupported)} yet; use tripo.client() directly")
    values = dict(form.DEFAULTS)
    for name, value in options.items():
        value = getattr(value, "value", value)  # str enums → their wire value
        if value is not None and not _same_type(value, form.DEFAULTS[name]):
            raise TypeError(
                f"{caller}() {name} must be {_TYPE_WORDS[type(form.DEFAULTS[name])]}, "
                f"not {type(value).__name__} ({value!r})"
            )
        values[name] = form.DEFAULTS[name] if value is None else value
    return values


def _slot(value: ImageInput | None) -> ImageSlot:
    """The panel's view of an input, for its presence checks (URLs and tokens count as given)."""
    if isinstance(value, bpy.types.Image):
        return ImageSlot(image=value)
    return ImageSlot(path="" if value is None else os.fspath(value))


def _generation_spec(
    mode: str,
    images: Sequence[ImageInput | None],
    options: Mapping[str, Any],
    *,
    prompt: str = "",
    name: str | None,
    location: Sequence[float] | None,
    caller: str,
) -> JobSpec:
    """Validate like the panel (same rules, same messages), prepare the images, build the spec —
    the sidebar's own generation service (:mod:`.blender.generation`), for all three modes and for
    :func:`batch`; the console only speaks its own language (client keywords in, ValueError out)
    and also sends URLs, ``file_…`` tokens and task ids as they are."""
    _require_main_thread(f"{caller}()")
    kind = form.MODE_KINDS[mode]
    values = _form_values(kind, options, caller)
    values.update(mode=mode, prompt=prompt)
    where = _location(location).get("location")
    request = generation.GenerateRequest(mode, values, tuple(_slot(v) for v in images), frozenset(options))

    def prepare(index: int, what: str) -> str:
        value = images[index]
        assert value is not None  # the service prepares filled inputs only
        return _image_input(value, what)

    labels = [None if v is None else _image_label(v) for v in images]
    try:
        return generation.generation_spec(request, prepare, labels=labels, name=name, location=where)
    except generation.GenerationRefused as exc:
        raise ValueError(str(exc)) from None


def _start(spec: JobSpec) -> Job:
    """Submit ``spec``; the runtime checks it by its route's record first (the one check every job
    goes through), so bad arguments raise here, at the call, with nothing sent (a worker would
    only find them later, as a failed job)."""
    return Job(generation.submit(spec))


#: What a post-process starts from: an object of a Tripo result or any mesh (uploaded first), a
#: task id, or several meshes (one file, placed where the first one is).
Targets = SourceRef | Sequence[bpy.types.Object]


def _source(target: Targets) -> Source:
    """The source of ``target``; a list or tuple of objects is one local source (first = active)."""
    if isinstance(target, (list, tuple)):
        if not target:
            raise ValueError("No objects given: pass a mesh object, several of them, or a task id")
        found = source_of(target[0], list(target))
    else:
        found = source_of(cast(SourceRef, target))
    return usable_source(found, runtime.jobs())  # an expired result goes up as a mesh


def _post(
    kind: str,
    target: Targets,
    options: dict[str, Any],
    *,
    name: str | None,
    placement: str = DEFAULT_PLACEMENT,
    presets: Sequence[str] = (),
    suffix: str = "",
) -> Job:
    """Start post-process ``kind`` on ``target`` (an object of a Tripo result or any mesh, several
    meshes, or a task id).

    The default job name is ``"<verb> <source name><suffix>"`` ("Rig Fox", "Animate Fox (walk)"),
    the verb being the kind's (:mod:`.jobs.kinds`); messages name the console function.
    """
    record = kind_of(kind)
    caller = record.console or kind
    _require_main_thread(f"{caller}()")
    source = _source(target)
    spec = post_process_spec(
        kind,
        source,
        options,
        name=name or f"{record.verb} {source.label}{suffix}",
        placement=placement,
        presets=presets,
        history=runtime.jobs(),
    )
    return _start(spec)


# --------------------------------------------------------------------------- the job handle


class Job:
    """A Tripo job started from Python, the sidebar or a menu — a live handle, not a copy.

    Attributes read the newest snapshot the add-on's pump has applied (the same one the Jobs panel
    draws), so they change while the job runs: ``state`` (a :class:`JobState`, compares equal to
    ``"done"``…), ``progress`` (0–100), ``task_id``, ``error`` (``message``, ``code``,
    ``suggestion``, ``trace_id``), ``files`` (output key → downloaded path), ``result`` (data
    results such as ``riggable``), and, once it is done, the Blender data it made: ``objects``,
    ``actions`` and ``armature``. Without :meth:`wait`, the pump only runs from Blender's timer
    (interactive Blender); in ``blender -b`` call :meth:`wait`.
    """

    __slots__ = ("id", "_last")

    def __init__(self, snapshot: Snapshot) -> None:
        self.id: str = snapshot.id
        self._last = snapshot

    # -- the snapshot ------------------------------------------------------------------------
    @property
    def snapshot(self) -> Snapshot:
        """The newest engine snapshot (:class:`tripo_blender.jobs.Job`; immutable)."""
        current = runtime.job(self.id)
        if current is not None:
            self._last = current
        return self._last

    @property
    def name(self) -> str:
        return self.snapshot.name

    @property
    def kind(self) -> str:
        """The client method the job calls (``text_to_model``, ``rig_model``…)."""
        return self.snapshot.kind

    @property
    def state(self) -> JobState:
        return self.snapshot.state

    @property
    def progress(self) -> int:
        return self.snapshot.progress

    @property
    def task_id(self) -> str | None:
        return self.snapshot.task_id

    @property
    def error(self) -> JobError | None:
        return self.snapshot.error

    @property
    def files(self) -> dict[str, str]:
        return dict(self.snapshot.files)

    @property
    def result(self) -> dict[str, Any]:
        """Data results (``check_riggable``: ``riggable``, ``rig_type``)."""
        return dict(self.snapshot.result)

    @property
    def estimated_cost(self) -> int | None:
        return self.snapshot.estimated_cost

    @property
    def consumed_credit(self) -> float | None:
        return self.snapshot.consumed_credit

    @property
    def done(self) -> bool:
        return self.state == JobState.DONE

    # -- what it made --------------------------------------------------------------------------
    @property
    def objects(self) -> list[bpy.types.Object]:
        """The objects this job imported (tagged ``tripo_job_id``), roots first.

        Found by the tag rather than by name: names change (renames, ``.001``), tags survive
        save/reload. A retarget adds actions to an existing armature and keeps no objects of its
        own: see :attr:`actions` and :attr:`armature`.
        """
        found = [ob for ob in bpy.data.objects if _made_by(ob, self.id)]
        members = set(found)
        return sorted(found, key=lambda ob: ob.parent in members)

    @property
    def images(self) -> list[bpy.types.Image]:
        """The Blender images an image job landed (:func:`text_to_image`: one), tagged ``tripo_job_id``."""
        return images_of(self.id)

    @property
    def image(self) -> bpy.types.Image | None:
        """The concept image of a :func:`text_to_image` job once it is done (None before)."""
        found = self.images
        return found[0] if found else None

    @property
    def actions(self) -> list[bpy.types.Action]:
        """Animations this job landed (rig and retarget results), tagged ``tripo_job_id``."""
        return [action for action in bpy.data.actions if _made_by(action, self.id)]

    @property
    def armature(self) -> bpy.types.Object | None:
        """The armature of a rig result, or the one a retarget put its :attr:`actions` on."""
        armature = next((ob for ob in self.objects if ob.type == "ARMATURE"), None)
        return armature if armature is not None else armature_using(self.actions)

    # -- actions -------------------------------------------------------------------------------
    def cancel(self) -> bool:
        """Stop following the job; False when it already ended. A task already on Tripo keeps
        running there (the API cannot cancel it) and may still be charged."""
        _require_main_thread("Job.cancel()")
        return runtime.cancel(self.id) is not None

    @property
    def candidates(self) -> list[Candidate]:
        """Tasks on Tripo that could be this uncertain job's (its search found several, or one whose
        request Tripo does not echo): each has ``task_id``, ``created_at``, ``status`` and ``proven``
        (its echoed request equals the job's). Pick one with :meth:`follow`; [] otherwise."""
        found = lookup_of(self.snapshot)
        return list(found.candidates) if found is not None and found.phase == CHOOSE else []

    def retry(self) -> Job:
        """Try again, for free: an uncertain job looks for its task on Tripo (and follows the one
        provably its own; :meth:`wait` waits for that), a failed download or import is fetched again.
        Raises :class:`UserError` when trying again would send a new, paid request: call
        :meth:`send_again` with ``confirm=True`` for that."""
        _require_main_thread("Job.retry()")
        job = self.snapshot
        if job.retry_resends:
            raise UserError(
                f"Trying {job.name!r} again sends a new request that costs credits: call "
                "job.send_again(confirm=True) to do that."
            )
        runtime.retry(self.id)
        return self

    def send_again(self, *, confirm: bool = False) -> Job:
        """Send the job's request again: a new request that costs credits — for an uncertain job
        **possibly a second time** (its first request may have created a task Tripo has not shown).
        Nothing is sent without ``confirm=True``."""
        _require_main_thread("Job.send_again()")
        job = self.snapshot
        if not confirm:
            raise UserError(
                f"{send_again_warning(job) if is_unsure(job) else 'This sends a new, paid request.'} "
                "Call job.send_again(confirm=True) to send it."
            )
        if is_unsure(job):
            runtime.send_again(self.id)
        elif job.retry_resends:
            runtime.retry(self.id)
        else:
            raise UserError(f"Job {job.name!r} has nothing to send again: job.retry() continues it for free.")
        return self

    def follow(self, task_id: str) -> Job:
        """Follow ``task_id``, one of :attr:`candidates`, as this uncertain job's result (free)."""
        _require_main_thread("Job.follow()")
        runtime.follow_candidate(self.id, task_id)
        return self

    def _settled(self) -> bool:
        current = runtime.job(self.id)
        if current is None:  # forgotten, or the add-on stopped: nothing more will happen here
            return True
        self._last = current
        return current.state in _SETTLED and not searching(current)

    def wait(self, timeout: float | None = None) -> Job:
        """Block until the job is done and its result is in the scene; return the job.

        Runs the add-on's main-thread work meanwhile (so it also works in ``blender -b``). Raises
        :class:`~tripo_blender.client.TripoAPIError` (with ``.code``) when Tripo refused or failed
        the task, :class:`JobFailed`/:class:`JobCancelled` otherwise, and ``TimeoutError`` after
        ``timeout`` seconds — the job keeps running then; call ``wait()`` again.
        """
        _require_main_thread("Job.wait()")
        if not _pump_until(self._settled, timeout):
            raise TimeoutError(
                f"Job {self.name!r} is still {self.state.value} after {timeout:g} s; it keeps running "
                "(call wait() again, or see it in the Jobs panel)"
            )
        job = self._last
        if job.state != JobState.DONE:
            raise _error_from(job)
        return self

    def describe(self) -> str:
        """One line: state, name and outcome (the batch progress line)."""
        job = self.snapshot
        if job.state == JobState.DONE:
            # a check's answer in words: its result also keeps the upload it made (a token), never shown
            made = f"{len(self.objects)} objects" if job.kind != CHECK_RIGGABLE.name else rig_check(job).text
            if self.images:  # text_to_image: the concept image, not objects
                made = ", ".join(f"image {image.name!r}" for image in self.images)
            return f"done: {job.name!r} → {made} (task {job.task_id})"
        if job.state in _SETTLED:
            return f"{job.state.value}: {job.name!r}: {_error_from(job)}"
        return f"{job.state.value} {job.progress}%: {job.name!r}"

    def __repr__(self) -> str:
        job = self.snapshot
        task = f" task {job.task_id[:6]}…" if job.task_id else ""
        progress = f" {job.progress}%" if job.state == JobState.RUNNING else ""
        return f"<tripo.Job {job.name!r} {job.kind} {job.state.value}{progress}{task}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Job) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)


# --------------------------------------------------------------------------- generation


@_short_errors
def text_to_model(
    prompt: str, *, name: str | None = None, location: Sequence[float] | None = None, **options: Any
) -> Job:
    """Generate a model from a text prompt; returns the :class:`Job` at once.

    ``options`` are :meth:`TripoClient.text_to_model`'s keywords (``model_version``, ``texture``,
    ``pbr``, ``face_limit``, ``geometry_quality``, ``quad``, ``export_orientation``…), with its
    documented defaults — not the panel's current settings. They are checked like the panel
    checks them (the P series' refusals, face-limit ranges…) before anything is sent. ``name`` titles the job
    and the result; ``location`` is where the result lands (default: the 3D cursor now, beside the results sent
    with it).
    """
    if not isinstance(prompt, str):  # None or a number: a TypeError here, not an AttributeError later
        raise TypeError(f"text_to_model() prompt must be a string, not {type(prompt).__name__}")
    return _start(
        _generation_spec("TEXT", (), options, prompt=prompt, name=name, location=location, caller=TEXT_TO_MODEL.name)
    )


@_short_errors
def image_to_model(
    image: ImageInput, *, name: str | None = None, location: Sequence[float] | None = None, **options: Any
) -> Job:
    """Generate a model from one image: a file path, an http(s) URL, a ``file_…`` upload token, the
    id of a text-to-image task, or a ``bpy.types.Image`` (packed, generated or edited images are
    written to a PNG first).

    ``options``: :meth:`TripoClient.image_to_model`'s keywords (``enable_image_autofix``…); see
    :func:`text_to_model`.
    """
    return _start(
        _generation_spec("IMAGE", (image,), options, name=name, location=location, caller=IMAGE_TO_MODEL.name)
    )


@_short_errors
def multiview_to_model(
    front: ImageInput,
    left: ImageInput | None = None,
    back: ImageInput | None = None,
    right: ImageInput | None = None,
    *,
    name: str | None = None,
    location: Sequence[float] | None = None,
    **options: Any,
) -> Job:
    """Generate a model from views of one object: the front plus at least one more.

    Each view is a path, URL, ``file_…`` upload token or ``bpy.types.Image``. ``options``:
    :meth:`TripoClient.multiview_to_model`'s keywords; see :func:`text_to_model`.
    """
    return _start(
        _generation_spec(
            "MULTIVIEW",
            (front, left, back, right),
            options,
            name=name,
            location=location,
            caller=MULTIVIEW_TO_MODEL.name,
        )
    )


@_short_errors
def import_task(task_id: str, *, name: str | None = None, location: Sequence[float] | None = None) -> Job:
    """Bring an existing task of your API key into the scene (made on the website, by another
    program, or lost from the job list): the add-on follows it — polls, downloads, imports —
    without sending a request, so nothing is charged."""
    _require_main_thread("import_task()")
    return Job(follow_task(task_id, name, meta=_location(location)))  # the same job as Tripo › Import by Task ID


@_short_errors
def text_to_image(prompt: str, *, name: str | None = None, **options: Any) -> Job:
    """A concept image from a text prompt (≈ 5 credits), as the panel's "Image First" makes it;
    returns the :class:`Job` at once. ``job.wait().image`` is the ``bpy.types.Image`` (named after
    the prompt, packed into the file); ``job.task_id`` can then be the image of
    :func:`image_to_model`, which makes the model without uploading anything again.

    ``options``: :meth:`TripoClient.text_to_image`'s keywords (``negative_prompt``, ``model`` — an
    image model such as ``seedream_v4`` —, ``size``, ``aspect_ratio``, ``output_format``).
    """
    if not isinstance(prompt, str):
        raise TypeError(f"text_to_image() prompt must be a string, not {type(prompt).__name__}")
    _require_main_thread("text_to_image()")
    problems = form.image_first_problems(
        "TEXT", {"prompt": prompt, "negative_prompt": options.get("negative_prompt") or ""}
    )
    if problems:
        raise ValueError("; ".join(problems))
    params = {"prompt": prompt, **{k: v for k, v in options.items() if v is not None}}
    return _start(JobSpec(TEXT_TO_IMAGE.name, params, name=name or form.job_name("TEXT", prompt)))


@_short_errors
def image_to_image(
    image: ImageInput,
    prompt: str | None = None,
    template: str | None = None,
    model: str | None = None,
    *,
    name: str | None = None,
    **options: Any,
) -> Job:
    """Transform an image (price not published; the row shows the charge): ``template`` is a
    ready-made change (``"t_pose"``, ``"variants"``, ``"asset_extraction"``… see
    ``tripo.client.routes.IMAGE_TEMPLATES``), ``prompt`` says what to change (optional with a
    template). ``image`` is a file path, an http(s) URL, a ``file_…`` upload token, a task id or a
    ``bpy.types.Image``; a concept image (of :func:`text_to_image` or of this) goes as its task id,
    uploading nothing. ``job.wait().image`` is the result as a packed ``bpy.types.Image``, and
    ``job.task_id`` can be the image of :func:`image_to_model`. ``options``:
    :meth:`TripoClient.image_to_image`'s keywords (``images``: more references, ``size``…)."""
    _require_main_thread("image_to_image()")
    source = concept_task(image) if isinstance(image, bpy.types.Image) else None
    params = {
        "image": source or _image_input(image, "image"),
        "prompt": prompt,
        "template": template,
        "model": model,
        **options,
    }
    params = {k: v for k, v in params.items() if v is not None}
    if isinstance(params.get("images"), (list, tuple)):
        params["images"] = [_image_input(v, f"image {i + 2}") for i, v in enumerate(params["images"])]
    name = name or form.edited_image_name(_image_label(image), template)
    return _start(JobSpec(IMAGE_TO_IMAGE.name, params, name=name))


#: A views set: a :class:`Job` of Views From One Image (or of an edit), the task id of one, or
#: its images (a list, a dict by view, or one of them).
ViewsInput = Union[str, "Job", bpy.types.Image, Sequence[bpy.types.Image], Mapping[str, bpy.types.Image]]
_VIEWS_KINDS = (IMAGE_TO_MULTIVIEW.name, EDIT_MULTIVIEW.name)
_NOT_VIEWS = (
    "edit_multiview edits the views of a Tripo multiview task (Tripo's service takes only its task id, its "
    "JavaScript SDK says): make them with Views From One Image in the panel's Multiview mode, then pass "
    "that job, its task id or its images"
)


def _views_task(views: ViewsInput) -> str:
    """The task id of a views set (see :data:`ViewsInput`); ValueError saying what is expected."""
    if isinstance(views, Job):
        if views.kind not in _VIEWS_KINDS:
            raise ValueError(f"{views.name!r} is a {views.kind} job, not views: {_NOT_VIEWS}")
        if views.state != JobState.DONE or not views.task_id:
            raise ValueError(
                f"The views of {views.name!r} are not ready ({views.state.value}): wait for them first (views.wait())"
            )
        return views.task_id
    if isinstance(views, bpy.types.Image):
        return task_of_images([views])
    if isinstance(views, Mapping):
        return task_of_images(list(views.values()))
    if isinstance(views, (list, tuple)) and views and all(isinstance(v, bpy.types.Image) for v in views):
        return task_of_images(list(views))
    text = views.strip() if isinstance(views, str) else ""
    if not is_uuid(text):
        raise ValueError(f"views must be the views of a Tripo task, not {views!r}: {_NOT_VIEWS}")
    other = next((j for j in runtime.jobs() if j.task_id == text and j.kind not in _VIEWS_KINDS), None)
    if other is not None:
        raise ValueError(f"Task {text} is the {other.kind} job {other.name!r}, not views: {_NOT_VIEWS}")
    return text


@_short_errors
def edit_multiview(views: ViewsInput, prompts: Mapping[str, str], *, name: str | None = None) -> Job:
    """Change some of the four views of a multiview set by a prompt each (≈ 5 credits a view;
    returns the :class:`Job` at once). ``views``: the :class:`Job` of Views From One Image (or of an
    earlier edit), its task id, or its images (``job.images``, a dict by view, or one of them) —
    Tripo reuses its views, nothing is uploaded. ``prompts``: ``{"front": "a red scarf", …}``
    (front, left, back, right; an empty prompt leaves a view alone). ``job.wait().images`` are
    the views that changed: the set's own images get the new pixels in place (one undo step), a
    view you painted on keeps yours and the edit comes as a new image; a view Tripo did not send
    back stays as it was (the job's row says which). ``job.task_id`` is a views task for the
    panel's Make Model, :func:`multiview_to_model` or the next edit."""
    _require_main_thread("edit_multiview()")
    task_id = _views_task(views)
    params = {"input": task_id, "prompts": payloads.view_prompts(prompts)}  # as sent: the views it edits
    return _start(JobSpec(EDIT_MULTIVIEW.name, params, name=name or edit_name(list(set_images(task_id).values()))))


@_short_errors
def image_to_splat(
    image: ImageInput, *, name: str | None = None, location: Sequence[float] | None = None, **options: Any
) -> Job:
    """A Gaussian splat of one image (≈ 30 credits, a few minutes); returns the :class:`Job` at once.
    ``job.wait().objects`` is the splat, at the 3D cursor (or ``location``): a native Gaussian
    splat on Blender 5.3+, a coloured point cloud before. ``image`` is what :func:`image_to_model`
    takes; ``options``: :meth:`TripoClient.image_to_splat`'s keywords (``model_seed``).
    """
    _require_main_thread("image_to_splat()")
    label = _image_label(image) if isinstance(image, (str, os.PathLike, bpy.types.Image)) else None
    params = {"image": _image_input(image, "image"), **{k: v for k, v in options.items() if v is not None}}
    return _start(JobSpec(IMAGE_TO_SPLAT.name, params, name=name or splat_name(label), meta=_location(location)))


@_short_errors
def image_to_depth(
    image: ImageInput, *, name: str | None = None, location: Sequence[float] | None = None, **options: Any
) -> Job:
    """A depth map of one image (price not published; the row shows the charge): a file path, an
    http(s) URL, a ``file_…`` upload token, a task id or a ``bpy.types.Image``. ``job.wait().image``
    is the depth map as a ``bpy.types.Image`` (packed into the file); ``job.objects`` a plane
    displaced by it (light is near), upright at the 3D cursor (or ``location``). ``options``:
    :meth:`TripoClient.image_to_depth`'s keywords (``kind``: ``"gray"`` or ``"color"``,
    ``process_res``: 126–2016)."""
    _require_main_thread("image_to_depth()")
    params = {"image": _image_input(image, "image"), **options}
    return _start(
        JobSpec(IMAGE_TO_DEPTH.name, params, name=name or depth_name(_image_label(image)), meta=_location(location))
    )


# --------------------------------------------------------------------------- post-processes


def _images_in(options: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """``options`` with image-valued ones (``image_prompt``…) turned into sendable references."""
    return {
        k: (_image_input(v, k.replace("_", " ")) if k in names and v is not None else v) for k, v in options.items()
    }


@_short_errors
def texture(target: Targets, *, name: str | None = None, placement: str = DEFAULT_PLACEMENT, **options: Any) -> Job:
    """Re-texture a Tripo result (an object of it, or its task id) or any mesh object(s) — a mesh
    of your own is exported (modifiers applied) and uploaded first, once while it is unchanged.

    ``options``: :meth:`TripoClient.texture_model`'s keywords — ``text_prompt``, ``image_prompt``
    and ``style_image`` (these two may also be ``bpy.types.Image``), ``model_version``
    (``v2.5-20250123`` by default, ``v3.0-20250812``, or ``v3.5-20260815`` for ``delight=True`` and
    ``texture_quality="fast"``)… ``placement``: what happens to the source when the result lands —
    ``"HIDE_SOURCE"`` (default), ``"KEEP_BOTH"`` or ``"REPLACE"``.
    """
    options = _images_in(options, ("image_prompt", "style_image"))
    return _post(TEXTURE.name, target, options, name=name, placement=placement)


@_short_errors
def rig(target: Targets, *, name: str | None = None, placement: str = DEFAULT_PLACEMENT, **options: Any) -> Job:
    """Rig a Tripo result or any mesh (uploaded first): the result lands as one armature with the skinned mesh,
    where the source is. ``options``: ``out_format`` ("glb"/"fbx"), ``rig_type``, ``spec`` (``tripo``,
    ``mixamo``, ``actorcore``, ``unity``, ``unreal``, ``vrm``) and ``model_version``: rig model
    ``v1.0-20240301`` (the default) rigs bipeds with the tripo, mixamo or actorcore spec only;
    ``v2.5-20260210`` and ``v3.0-20260909`` rig every type and spec."""
    return _post(RIG.name, target, options, name=name, placement=placement)


@_short_errors
def check_riggable(target: Targets, *, name: str | None = None) -> Job:
    """Ask Tripo whether a result can be rigged (free). After ``wait()``, ``job.result`` says
    ``riggable`` (True/False) and the detected skeleton as ``rig_type`` and/or ``topology``
    (e.g. ``"biped"``); nothing is imported."""
    return _post(CHECK_RIGGABLE.name, target, {}, name=name)


@_short_errors
def retarget(target: Targets, animations: str | Sequence[str], *, name: str | None = None, **options: Any) -> Job:
    """Animate a rigged result with preset animations (``"preset:walk"``, ``Animation.RUN``…, 1–5).

    ``target`` is the rig result's armature (or any object of it, or the rig task's id; a mesh of
    your own is rigged with :func:`rig` first, then its rig result is retargeted). The
    animations land on that armature as one action each, named after the preset (``walk``); no
    second character is added (also when Tripo answers one file per animation). ``options``:
    ``out_format``, ``export_with_geometry``, ``animate_in_place``, ``bake_animation`` (sent only
    when given: Tripo's own SDKs disagree on it, and a refusal is free and says so).
    """
    presets = [str(getattr(a, "value", a)) for a in ([animations] if isinstance(animations, str) else animations)]
    if not 1 <= len(presets) <= 5:
        raise ValueError(f"retarget() takes 1 to 5 animations, not {len(presets)}")
    suffix = f" ({', '.join(p.removeprefix('preset:') for p in presets)})"
    return _post(RETARGET.name, target, {"animation": presets, **options}, name=name, presets=presets, suffix=suffix)


@_short_errors
def convert(
    target: Targets, format: str, *, name: str | None = None, placement: str = DEFAULT_PLACEMENT, **options: Any
) -> Job:
    """Convert a result to ``format`` (GLTF, USDZ, FBX, OBJ, STL, 3MF) and import it when Blender
    can; ``options``: :meth:`TripoClient.convert_model`'s keywords (``face_limit``,
    ``fbx_preset``, ``scale_factor``, ``export_orientation``…; any that differs from Tripo's
    default makes it a pricier "complex convert")."""
    return _post(CONVERT.name, target, {"format": format, **options}, name=name, placement=placement)


@_short_errors
def segment(target: Targets, *, name: str | None = None, placement: str = DEFAULT_PLACEMENT, **options: Any) -> Job:
    """Split a result into named parts. ``options``: ``model_version`` (``v1.0-20250506`` by
    default; ``v2.0-20260430`` adds ``segmentation_granularity``, ``split_by_connectivity`` and
    ``ref_image``, a path, URL, token or ``bpy.types.Image``)."""
    options = _images_in(options, ("ref_image",))
    return _post(SEGMENT.name, target, options, name=name, placement=placement)


def _is_image_source(target: Any) -> bool:
    """Whether smart segmentation's source is an image: a Blender image, a path, URL or token
    (a model's file goes as a mesh object), or the task id of an image job of this add-on."""
    if isinstance(target, bpy.types.Image):
        return True
    if isinstance(target, os.PathLike):
        return True
    if not isinstance(target, str):
        return False
    text = target.strip()
    if not is_uuid(text):
        return True
    return any(j.task_id == text and KINDS[j.kind].landing is Landing.IMAGE for j in runtime.jobs() if j.kind in KINDS)


@_short_errors
def smart_segment(
    target: Targets | ImageInput,
    hint: str | None = None,
    granularity: str | None = None,
    *,
    name: str | None = None,
    placement: str = DEFAULT_PLACEMENT,
    location: Sequence[float] | None = None,
    **options: Any,
) -> Job:
    """Split a model into named parts the smart way, or an image: Tripo makes a model of it first
    (price not published; the row shows the charge). ``target``: like :func:`segment`'s (an object
    of a result, any mesh — uploaded —, or a model's task id): its parts take its place, as
    Segment's do; or an image (a path, URL, token, a ``bpy.types.Image`` — a concept image goes as
    its task — or an image job's task id): the parts land at the 3D cursor (or ``location``).
    ``hint``: what to split it into, in words; ``granularity``: ``"coarse"``, ``"medium"`` (Tripo's
    default) or ``"fine"``. ``options``: ``transform`` (a model's 16 numbers, column-major; default
    the identity). Complete Parts takes the result like a segmentation's."""
    extra = {"hint": hint, "granularity": granularity, **options}
    extra = {k: v for k, v in extra.items() if v is not None}
    if _is_image_source(target):
        _require_main_thread("smart_segment()")
        image = cast(ImageInput, target)
        source = concept_task(image) if isinstance(image, bpy.types.Image) else None
        params = {"image": source or _image_input(image, "image"), "seg_type": "image", **extra}
        stem = form.job_name("IMAGE", "", [_image_label(image)])
        return _start(JobSpec(SMART_SEGMENT.name, params, name=name or f"{stem} parts", meta=_location(location)))
    extra.setdefault("transform", list(routes.IDENTITY_TRANSFORM))
    return _post(
        SMART_SEGMENT.name, cast(Targets, target), {"seg_type": "model", **extra}, name=name, placement=placement
    )


@_short_errors
def complete(target: Targets, *, name: str | None = None, placement: str = DEFAULT_PLACEMENT, **options: Any) -> Job:
    """Complete the parts of a segmented result; ``options``: ``part_names`` (default: all) and
    ``completion_mode`` (``"ai_completion"`` or ``"quick_cap"``)."""
    return _post(COMPLETE.name, target, options, name=name, placement=placement)


@_short_errors
def smart_lowpoly(
    target: Targets, *, name: str | None = None, placement: str = DEFAULT_PLACEMENT, **options: Any
) -> Job:
    """Retopologise a result to a clean low-poly mesh; ``options``: ``model_version`` (``v1.0``,
    ``v2.0`` — Tripo's default — or ``v3.0``, which adds ``smart_uv``), ``face_limit`` (Tripo
    decides when not given), ``quad``, ``bake``, ``part_names``."""
    return _post(LOWPOLY.name, target, options, name=name, placement=placement)


@_short_errors
def smart_uv(target: Targets, *, name: str | None = None, placement: str = DEFAULT_PLACEMENT, **options: Any) -> Job:
    """Unwrap clean UVs with Tripo's Smart UV (at most 80,000 triangles, modifiers applied); the
    unwrapped model lands in the source's place. Works on a Tripo result or any mesh (uploaded and
    imported on Tripo first). ``options``: ``model_version``, ``export_orientation``."""
    return _post(SMART_UV.name, target, options, name=name, placement=placement)


# --------------------------------------------------------------------------- many at once


@_short_errors
def batch(prompts: Iterable[str], parallel: int = 3, *, timeout: float | None = None, **options: Any) -> list[Job]:
    """Generate one model per prompt, at most ``parallel`` on Tripo at once; wait for all of them.

    Every prompt is checked before the first is sent. The batch limits *itself*: it sends its next
    prompt when one of its ``parallel`` jobs has left Tripo's queue, so jobs started from the
    sidebar meanwhile are not held back by it (Tripo's own limit still counts every task of the
    account). For the batch the add-on follows at least ``parallel`` jobs at once even when
    Preferences › Parallel Jobs is lower; ``parallel`` above Tripo's pool for generations (10) is
    lowered to it, with a warning in the console. A line per finished job is logged (logger
    ``tripo_blender.console``, shown in the console). Failed jobs do not stop the batch: check
    ``job.state``/``job.error`` of the returned jobs (prompt order). The results land side by side
    in one collection under "Tripo", as a loop of ``text_to_model`` calls does. ``TimeoutError`` after
    ``timeout`` seconds: the jobs sent keep running (``tripo.jobs()``); prompts not sent yet are
    not sent (nothing is charged for them).
    """
    _require_main_thread("batch()")
    if isinstance(prompts, str):
        raise TypeError("batch() takes a list of prompts; for one prompt use text_to_model()")
    prompts = list(prompts)
    if parallel < 1:
        raise ValueError("parallel must be at least 1")
    if not prompts:
        return []
    # every prompt is checked before the first is sent: one bad prompt or option spends nothing
    specs = []
    for number, prompt in enumerate(prompts, 1):
        try:
            specs.append(_generation_spec("TEXT", (), options, prompt=prompt, name=None, location=None, caller="batch"))
        except ValueError as exc:
            raise ValueError(f"prompt {number} ({prompt[:40]!r}): {exc}") from None
    for spec in specs:  # the runtime's own check, for all of them before the first is sent
        routes.check(spec.kind, thaw(spec.params))
    _ensure_console_output()
    if parallel > MAX_WORKERS:
        log.warning(
            "parallel=%d is above Tripo's concurrency pool for generations (%d): lowered to %d",
            parallel,
            MAX_WORKERS,
            MAX_WORKERS,
        )
        parallel = MAX_WORKERS
    # Parallel Jobs in the preferences may be lower; one batch: the results land side by side
    with runtime.workers_at_least(parallel), runtime.one_batch():
        return _run_batch(specs, parallel, timeout)


#: A batch job still counts against the batch's ``parallel`` in these states (on Tripo or on its way).
_ON_TRIPO = frozenset({JobState.PENDING, JobState.SUBMITTING, JobState.QUEUED, JobState.RUNNING})


def _run_batch(specs: Sequence[JobSpec], parallel: int, timeout: float | None) -> list[Job]:
    """Send the specs, at most ``parallel`` on Tripo at once; pump until every job settled,
    logging one line per job as it finishes."""
    waiting = list(specs)
    started: list[Job] = []
    reported: set[str] = set()

    def on_tripo(job: Job) -> bool:
        current = runtime.engine_job(job.id)  # newer than the pump's view while it lands a result
        return (current.state if current is not None else job.state) in _ON_TRIPO

    def step() -> bool:
        while waiting and sum(on_tripo(job) for job in started) < parallel:
            started.append(_start(waiting.pop(0)))
        for job in started:
            if job.id not in reported and job._settled():
                reported.add(job.id)
                log.info("[%d/%d] %s", len(reported), len(specs), job.describe())
        return not waiting and len(reported) == len(started)

    if not _pump_until(step, timeout):
        raise TimeoutError(
            f"{len(specs) - len(reported)} of {len(specs)} batch jobs are not finished after "
            f"{timeout:g} s: {len(started) - len(reported)} keep running (see tripo.jobs() or the "
            f"Jobs panel), {len(waiting)} were not sent (nothing charged for them)"
        )
    return started


# --------------------------------------------------------------------------- account and jobs


def jobs() -> list[Job]:
    """Every job the add-on knows — from the console, the sidebar, menus, the last session —
    newest first (the Jobs panel's list). Right after the add-on started, this waits until the
    last session's jobs are read from the journal (a script's first call; the panel never waits)."""
    _pump_until(lambda: not runtime.resuming, _RESUME_WAIT)
    return [Job(snapshot) for snapshot in runtime.jobs()]


@_short_errors
def balance(*, refresh: bool = True, timeout: float = 30.0) -> BalanceInfo:
    """Your Tripo credits: ``.balance`` and ``.frozen`` (reserved by running tasks).

    ``refresh=True`` asks Tripo now (waiting up to ``timeout`` seconds); ``False`` returns the
    last known value without a request. Raises :class:`UserError` when the check failed (no key,
    offline, key refused) with the reason and the fix.
    """
    _require_main_thread("balance()")
    if refresh:
        runtime.refresh_balance()
        if not _pump_until(lambda: not runtime.balance().checking, timeout):
            raise TimeoutError(f"Tripo did not answer the balance request within {timeout:g} s")
    info = runtime.balance()
    if info.error:
        raise UserError(info.error)
    return info


@_short_errors
def estimate_cost(kind: str, **params: Any) -> int | None:
    """Credits a request would cost, from Tripo's price list; ``None`` when no price is published.

    ``kind`` is a client method (``"rig_model"``…) or a console function name (``"rig"``,
    ``"texture"``…); ``params`` its options, e.g. ``estimate_cost("texture", texture_quality="detailed")``.
    Any other name raises ValueError listing the valid ones: a typo must not read as "no price".
    (A kind Tripo retired with v2, ``"stylize"``/``"refine"``, has no price: None.)
    """
    record = by_console_name(kind)
    if record is None:
        retired = {*RETIRED_KINDS, *(name.removesuffix("_model") for name in RETIRED_KINDS)}
        if kind in retired:
            return None
        consoles = sorted(k.console for k in KINDS.values() if k.console)
        methods = sorted(name for name in KINDS if name not in consoles)
        raise ValueError(
            f"unknown kind {kind!r}: use a console function ({', '.join(consoles)}) or a client "
            f"method ({', '.join(methods)})"
        )
    return _estimate_cost(record.name, params)


def client() -> TripoClient:
    """A :class:`TripoClient` configured like the add-on (its key or ``TRIPO_API_KEY``, region and
    server), for calls the console API does not wrap. Close it when done::

        with tripo.client() as c:
            print(c.get_task(task_id).status)

    Its calls block the thread they run on; prefer the job functions in the UI.
    """
    return runtime.client()


# --------------------------------------------------------------------------- the asset library


class Asset:
    """A result kept in the Tripo asset library (``tripo.assets()``): what made it, and what to do
    with it — ``import_()`` it into the scene, ``generate_again()`` or ``variant()`` it (new paid
    jobs), ``open_settings()`` in the sidebar's Generate form.

    ``request`` is the whole stored request as plain data: ``kind``, every parameter and seed
    (``request["spec"]["params"]``), ``parent_task``, ``task_id``, ``sent_at`` (Unix time) and
    ``consumed_credit`` — the journal's whitelist, never the key.
    """

    __slots__ = ("_record", "_folder")

    def __init__(self, record: AssetRecord, folder: os.PathLike[str] | str) -> None:
        self._record = record
        self._folder = os.fspath(folder)

    name = property(lambda self: self._record.name, doc="The asset's name in the Asset Browser.")
    kind = property(lambda self: self._record.kind, doc="The job kind that made it (a client method).")
    task_id = property(lambda self: self._record.task_id, doc="The Tripo task of the result.")
    created = property(lambda self: self._record.created, doc="When its request was sent (Unix time).")
    catalog = property(lambda self: self._record.catalog, doc='Its catalog ("Tripo/Text to Model"…).')
    description = property(lambda self: self._record.description, doc="The prompt, or what it was made from.")
    tags = property(lambda self: list(self._record.tags), doc="Kind, model version and options.")

    @property
    def prompt(self) -> str:
        """The prompt of a text request (else '')."""
        return self._full().prompt

    def _full(self) -> AssetRecord:
        """The record with its request (a listing has only the summaries: see ``AssetIndex.full``)."""
        if not self._record.request:
            self._record = AssetIndex(self._folder).full(self._record)
        return self._record

    @property
    def path(self) -> str:
        """The asset's .blend."""
        return os.path.join(self._folder, self._record.blend_name)

    @property
    def request(self) -> dict[str, Any]:
        """The stored request (a copy: changing it changes nothing)."""
        request: dict[str, Any] = thaw(self._full().request)
        return request

    def import_(self, location: Sequence[float] | None = None) -> list[bpy.types.Object]:
        """Append the result into the current scene as real objects (the root at ``location``,
        default the 3D cursor), one undo step; returns the objects, roots first."""
        _require_main_thread("Asset.import_()")
        where = _location(location).get("location") or list(cursor_location())
        return asset_library.import_asset(self._full(), Path(self._folder), where)

    def generate_again(self) -> Job:
        """Send the stored request again — the same settings, new seeds unless it fixed them —
        as a new job (costs what the original cost); returns the :class:`Job` at once."""
        _require_main_thread("Asset.generate_again()")
        return Job(asset_ops.send_again(self._full()))

    def variant(self) -> Job:
        """Send the stored request with every seed + 1 (ValueError when Tripo chose the seeds: use
        :meth:`generate_again`); returns the :class:`Job` at once."""
        _require_main_thread("Asset.variant()")
        return Job(asset_ops.send_again(self._full(), variant=True))

    def open_settings(self) -> list[str]:
        """Fill the sidebar's Generate form with the request; returns notes on what could not be set."""
        _require_main_thread("Asset.open_settings()")
        return asset_ops.open_settings(self._full(), bpy.context)

    def __repr__(self) -> str:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(self.created))
        return f"<tripo.Asset {self.name!r} {self.kind} {when} task {self.task_id[:6]}…>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Asset) and other.path == self.path

    def __hash__(self) -> int:
        return hash(self.path)


def assets(kind: str | None = None, text: str | None = None) -> list[Asset]:
    """The results in the Tripo asset library, newest first; ``kind`` keeps one kind (``"rig"``,
    ``"texture"``, the kind itself, or a catalog name such as ``"Rigged"``), ``text`` those whose name,
    prompt or tags contain it. Reads the library's index, never a .blend."""
    folder = asset_library.library_folder()
    return [Asset(record, folder) for record in matching(AssetIndex(folder).records(), kind, text)]
