"""The Jobs panel: what each job state draws, and what its buttons do.

Drawing is checked with a recording layout (docs/blender-notes.md#testing); the operators run for real
against the emulator where they act on jobs.
"""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from unittest.mock import MagicMock

import bpy
import pytest

from tests.emulator import TEST_KEY, Emulator

from .runtime_support import (
    addon_module,
    calls_named,
    created,
    draw_panel,
    label_texts,
    operator_ids,
    pump_job,
    pump_until,
    spec,
)
from .support import ASSETS


@pytest.fixture
def job_list(addon: Any) -> Any:
    """The Jobs panel module, its view (filter, page, open rows) as a new session has it."""
    module = addon_module("blender.job_list")
    module.VIEW.filter, module.VIEW.page = "ALL", 0
    module.VIEW.expanded.clear()
    module.VIEW.shown.clear()
    return module


def draw_open(job_list: Any, *job_ids: str) -> MagicMock:
    """Draw the panel with these rows opened, as a click on their disclosure triangle does."""
    for job_id in job_ids:
        assert bpy.ops.tripo.job_expand(job_id=job_id) == {"FINISHED"}
    return draw_panel(job_list.TRIPO_PT_jobs)


def wide_sidebar(width: int = 800) -> SimpleNamespace:
    """A draw context whose sidebar is ``width`` pixels wide (the wording tests' texts all fit)."""
    return SimpleNamespace(
        region=SimpleNamespace(width=width),
        preferences=bpy.context.preferences,
        window_manager=bpy.context.window_manager,
    )


def drawn_texts(layout: MagicMock) -> list[str]:
    """Every text the panel shows: labels, button texts and progress-bar texts."""
    return [
        c.kwargs.get("text", "") for c in layout.mock_calls if c[0].split(".")[-1] in ("label", "operator", "progress")
    ]


def make_job(state: str, *, name: str = "Cat", created_at: float | None = None, **fields: Any) -> Any:
    """A job snapshot as the engine would hand it to the pump (the add-on's own classes)."""
    jobs = addon_module("jobs")
    now = time.time() if created_at is None else created_at
    return jobs.Job(
        id=fields.pop("id", f"job-{state}-{name}"),
        spec=spec(name=name),
        state=jobs.JobState(state),
        created_at=now,
        updated_at=now,
        revision=1,
        **fields,
    )


def _progress_calls(layout: MagicMock) -> list[dict[str, Any]]:
    return [c.kwargs for c in calls_named(layout, "progress")]


@pytest.mark.parametrize(
    ("state", "fields", "factor", "text"),
    [
        ("pending", {"note": "waiting for a free slot"}, 0.0, "Waiting for a free slot"),
        ("submitting", {}, 0.0, "Sending to Tripo"),
        ("queued", {"queue_position": 3, "task_id": "t1"}, 0.0, "Queued, 4th in line"),
        ("queued", {"queue_position": 0, "task_id": "t1"}, 0.0, "Queued, next in line"),
        ("running", {"progress": 40, "eta_seconds": 30, "task_id": "t1"}, 0.4, "Running 40%, about 30 s left"),
        (
            "running",
            {"progress": 70, "eta_seconds": 150, "task_id": "t1", "note": "connection lost, retrying"},
            0.7,
            "Running 70%, about 2 min 30 s left (connection lost, retrying)",
        ),
        ("downloading", {"progress": 100, "task_id": "t1"}, 1.0, "Downloading"),
        ("importing", {"progress": 100, "task_id": "t1"}, 1.0, "Importing into the scene"),
    ],
)
def test_active_job_draws_a_progress_bar(
    rt: Any, state: str, fields: dict[str, Any], factor: float, text: str, job_list: Any
) -> None:
    rt._view.put(make_job(state, **fields))
    layout = draw_panel(job_list.TRIPO_PT_jobs, wide_sidebar())
    assert _progress_calls(layout) == [{"factor": pytest.approx(factor), "type": "BAR", "text": text}]
    assert "Cat" in label_texts(layout)
    assert "Text to Model" in label_texts(draw_open(job_list, f"job-{state}-Cat")), "the kind, when opened"


@pytest.mark.parametrize(
    ("note", "text"),
    [
        ("cancelled by you", "Cancelled by you"),
        ("cancelled by you; the task keeps running on Tripo", "Cancelled by you; the task keeps running on Tripo"),
        ("the add-on was restarted before sending", "Cancelled (the add-on was restarted before sending)"),
    ],
)
def test_a_cancelled_row_says_it_once(note: str, text: str, job_list: Any) -> None:
    assert job_list.row_status(make_job("cancelled", note=note)).text == text


@pytest.mark.parametrize(
    ("state", "expected", "absent"),
    [
        ("pending", {"tripo.job_cancel"}, {"tripo.job_retry", "tripo.job_remove"}),
        ("running", {"tripo.job_cancel"}, {"tripo.job_retry", "tripo.job_remove", "tripo.job_reimport"}),
        ("importing", set(), {"tripo.job_cancel", "tripo.job_retry", "tripo.job_remove"}),
        (
            "done",
            {"tripo.job_reimport", "tripo.job_open_folder", "tripo.job_remove"},
            {"tripo.job_cancel", "tripo.job_retry"},
        ),
        ("failed", {"tripo.job_retry", "tripo.job_remove", "tripo.job_copy_error"}, {"tripo.job_cancel"}),
        ("cancelled", {"tripo.job_retry", "tripo.job_remove"}, {"tripo.job_cancel", "tripo.job_reimport"}),
        ("uncertain", {"tripo.job_retry", "tripo.job_remove", "tripo.job_copy_error"}, {"tripo.job_cancel"}),
    ],
)
def test_buttons_match_the_state(rt: Any, job_list: Any, state: str, expected: set[str], absent: set[str]) -> None:
    error = addon_module("jobs").JobError("Something went wrong") if state in ("failed", "uncertain") else None
    files = {"model": str(ASSETS / "portal.glb")} if state == "done" else {}
    rt._view.put(make_job(state, task_id="t1", error=error, files=files))
    ops = set(operator_ids(draw_open(job_list, f"job-{state}-Cat")))
    assert expected <= ops, ops
    assert not absent & ops, ops


def test_a_riggability_check_has_no_row_its_answer_is_the_rig_dialogs(rt: Any, job_list: Any) -> None:
    """Every free check used to add a "Riggable? …" row nobody acts on; the Rig dialog shows the answer."""
    jobs = addon_module("jobs")
    check = jobs.JobSpec(kind="check_riggable", params={"original_model_task_id": "t0"}, name="Riggable? Cat")
    now = time.time()
    rt._view.put(
        jobs.Job(
            id="job-check",
            spec=check,
            state=jobs.JobState.DONE,
            created_at=now,
            updated_at=now,
            revision=1,
            task_id="t1",
            result={"riggable": True, "rig_type": "biped"},
        )
    )
    texts = drawn_texts(draw_panel(job_list.TRIPO_PT_jobs))
    assert "No jobs yet" in texts and not any("Riggable" in t for t in texts), texts
    rt._view.put(make_job("done", name="Cat"))
    texts = drawn_texts(draw_panel(job_list.TRIPO_PT_jobs))
    assert "Cat" in texts and not any("Riggable" in t for t in texts), texts
    assert bpy.ops.tripo.jobs_clear_finished() == {"FINISHED"}
    assert rt.job("job-check") is not None, "the Rig dialog still knows the answer"
    answer = addon_module("blender.post_process").rig_check(rt.job("job-check"))
    assert answer.text == "Riggable, detected rig type: biped"


def test_failed_job_shows_error_suggestion_and_trace_id(rt: Any, job_list: Any) -> None:
    error = addon_module("jobs").JobError(
        "You don't have enough credit to create this task",
        code=2010,
        suggestion="Top up your credits",
        trace_id="trace-abc-123",
    )
    rt._view.put(make_job("failed", error=error))
    closed = drawn_texts(draw_panel(job_list.TRIPO_PT_jobs))
    assert any(t.startswith("You don't have enough credit") for t in closed), "the reason, even when closed"
    layout = draw_open(job_list, "job-failed-Cat")
    text = " ".join(label_texts(layout))
    assert "Failed" in label_texts(layout)
    assert "You don't have enough credit to create this task" in text
    assert "Suggestion: Top up your credits" in text
    assert "trace-abc-123" not in text and "2010" not in text, "codes and trace ids are for Copy Details"
    assert "platform.tripo3d.ai" in text, "the add-on's own hint for 2010"
    assert _progress_calls(layout) == []
    assert bpy.ops.tripo.job_copy_error(job_id="job-failed-Cat") == {"FINISHED"}
    report = job_list.error_report(rt.job("job-failed-Cat"), addon_module("blender.settings").snapshot().connection)
    assert "Trace id: trace-abc-123" in report and "Error code: 2010" in report


def test_an_unreachable_tripo_reads_no_connection_and_keeps_the_route_for_support(
    rt: Any, job_list: Any, prefs: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Offline, the row leads with words an artist can act on; "POST /v3/…" is only in Copy Details."""
    import socket

    with socket.socket() as probe:  # a localhost port nobody listens on: the connection is refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.delenv("TRIPO_API_KEY", raising=False)
    monkeypatch.delenv("TRIPO_API_BASE_URL", raising=False)
    prefs.api_key, prefs.api_base_url = TEST_KEY, f"http://127.0.0.1:{port}"
    bpy.context.preferences.system.use_online_access = True
    job = pump_job(rt, rt.submit(spec()).id, "failed", "uncertain", timeout=60)
    assert job.state.value == "failed" and job.error.message.startswith("No connection to Tripo"), job.error
    texts = drawn_texts(draw_open(job_list, job.id))
    assert any(t.startswith("No connection to Tripo") for t in texts), texts
    assert not any("/v3/" in t or "127.0.0.1" in t for t in texts), texts
    report = job_list.error_report(job, addon_module("blender.settings").snapshot().connection)
    assert "POST /v3/generation/text-to-model" in report and "could not connect" in report, report


def test_uncertain_job_warns_about_charges(rt: Any, job_list: Any) -> None:
    rt._view.put(make_job("uncertain", error=addon_module("jobs").JobError("The request timed out")))
    texts = drawn_texts(draw_panel(job_list.TRIPO_PT_jobs))
    assert "Uncertain: may have been charged" in texts, texts


def test_jobs_are_listed_newest_first(rt: Any, job_list: Any) -> None:
    rt._view.put(make_job("done", name="Old", created_at=100.0))
    rt._view.put(make_job("running", name="New", created_at=200.0, task_id="t2"))
    names = [t for t in label_texts(draw_panel(job_list.TRIPO_PT_jobs)) if t in ("Old", "New")]
    assert names == ["New", "Old"]


def test_empty_list_and_offline_notice(rt: Any, job_list: Any) -> None:
    texts = label_texts(draw_panel(job_list.TRIPO_PT_jobs))
    assert "No jobs yet" in texts
    assert any("Online access is off" in t for t in texts), texts


def test_done_job_shows_the_server_thumbnail(rt: Any, job_list: Any) -> None:
    image = str(ASSETS / "images" / "rocket.jpg")
    rt._view.put(make_job("done", task_id="t1", files={"rendered_image": image}))
    assert calls_named(draw_panel(job_list.TRIPO_PT_jobs), "template_icon") == [], "thumbnails on demand"
    layout = draw_open(job_list, "job-done-Cat")
    assert len(calls_named(layout, "template_icon")) == 1
    assert addon_module("blender.previews").has("job-done-Cat")


def test_panel_sits_in_the_tripo_tab_below_generate(job_list: Any) -> None:
    panel = job_list.TRIPO_PT_jobs
    assert (panel.bl_space_type, panel.bl_region_type, panel.bl_category) == ("VIEW_3D", "UI", "Tripo")
    assert panel.bl_order >= 10
    assert panel.is_registered


def test_cancel_message_is_honest_about_credits(job_list: Any) -> None:
    with_task = job_list.cancel_message(make_job("running", task_id="t1"))
    assert "cannot cancel" in with_task and "may still be charged" in with_task
    assert "may still be charged" in job_list.cancel_message(make_job("submitting"))
    assert "nothing was charged" in job_list.cancel_message(make_job("pending"))
    dismissed = job_list.cancel_message(make_job("uncertain"))  # its request may have created a task
    assert "nothing was charged" not in dismissed and "may have reached Tripo" in dismissed
    description = bpy.ops.tripo.job_cancel.get_rna_type().description
    assert "cannot cancel" in description and "charged" in description


def _buttons_named(layout: MagicMock, idname: str) -> list[str]:
    return [c.kwargs.get("text", "") for c in calls_named(layout, "operator") if c.args and c.args[0] == idname]


def test_an_uncertain_rows_search_says_where_it_stands_and_never_claims_not_charged(rt: Any, job_list: Any) -> None:
    """The row of an uncertain job: "not found yet", tasks to pick, Send Again only after the window (or opened)."""
    error = addon_module("jobs").JobError("The request timed out")
    twins = [
        {"task_id": "aaaaaaaa-1111", "created_at": "2026-12-07 15:00:00+00:00", "status": "success", "proven": True},
        {"task_id": "bbbbbbbb-2222", "created_at": "2026-12-07T15:00:01Z", "status": "running", "proven": True},
    ]
    for name, lookup in (
        ("Looking", {"phase": "looking"}),
        ("Several", {"phase": "choose", "candidates": twins}),
        ("Absent", {"phase": "absent"}),
    ):
        rt._view.put(make_job("uncertain", name=name, error=error, estimated_cost=20, lookup=lookup))
    layout = draw_panel(job_list.TRIPO_PT_jobs, wide_sidebar())
    texts = drawn_texts(layout)
    assert "Not found on Tripo yet — it may still appear" in texts
    assert "2 tasks on Tripo could be this one: pick one" in texts
    follow = _buttons_named(layout, "tripo.job_follow_candidate")
    assert [t.split(",")[0] for t in follow] == ["Follow aaaaaaaa…", "Follow bbbbbbbb…"], follow
    assert _buttons_named(layout, "tripo.job_send_again") == ["Send Again — may charge a second time (≈ 20 credits)"]
    assert not [t for t in texts if "not created" in t.lower() or "not charged" in t.lower()], texts
    opened = draw_open(job_list, "job-uncertain-Looking")  # the artist may insist before the window ends
    assert len(_buttons_named(opened, "tripo.job_send_again")) == 2


def test_an_uncertain_row_with_hundreds_of_candidates_draws_a_few_and_says_how_many_more(
    rt: Any, job_list: Any
) -> None:
    """A look-up that listed 500 tasks: the row draws six Follow buttons and says the console lists the other 494."""
    view = addon_module("blender.uncertain_view")
    error = addon_module("jobs").JobError("The request timed out")
    many = [
        {"task_id": f"{n:08d}-task", "created_at": "2026-12-07T15:00:00Z", "status": "success", "proven": True}
        for n in range(500)
    ]
    rt._view.put(make_job("uncertain", name="Crowded", error=error, lookup={"phase": "choose", "candidates": many}))
    layout = draw_open(job_list, "job-uncertain-Crowded")
    follow = _buttons_named(layout, "tripo.job_follow_candidate")
    assert len(follow) == view.MAX_CANDIDATE_BUTTONS and follow[0].startswith("Follow 00000000"), follow
    assert "494 more could be it: the Python console's job.candidates lists them all" in drawn_texts(layout)
    assert len(label_texts(layout)) <= job_list.MAX_ROW_LINES


def test_copy_details_has_a_cut_details_text_whole(rt: Any, online: Emulator, job_list: Any) -> None:
    """A server error of 9,000 characters reads "Tripo's server had a problem"; its detail is cut in the job,
    whole in Copy Details."""
    said = "upstream trouble " + " ".join(f"frame{n:04d}" for n in range(900))
    online.inject("POST /v3/generation/", times=None, status=500, code=1000, message=said)
    job = pump_job(rt, rt.submit(spec(name="Proxy")).id, "failed", "uncertain", timeout=60)
    online.clear_faults()
    error = job.error
    assert error is not None and error.message.startswith("Tripo's server had a problem"), error
    assert error.detail is not None and len(error.detail) <= addon_module("jobs.model").MAX_ERROR_CHARS
    assert "characters in all" in error.detail, "the cut says so"
    assert not any("frame0001" in t for t in drawn_texts(draw_open(job_list, job.id))), "the row has words"
    report = job_list.error_report(job, addon_module("blender.settings").snapshot().connection)
    assert said in report and "frame0899" in report, "Copy Details has the whole detail"


# ---------------------------------------------------------------------------- operators, for real
def test_cancel_stops_waiting_and_polling(rt: Any, online: Emulator) -> None:
    online.set_timing(run_seconds=600.0)
    job = rt.submit(spec())
    pump_until(rt, lambda: rt.job(job.id).task_id is not None, what="task id")

    assert bpy.ops.tripo.job_cancel(job_id=job.id) == {"FINISHED"}
    assert rt.job(job.id).state.value == "cancelled"
    assert "keeps running on Tripo" in rt.job(job.id).note

    def polls() -> int:  # single reads and the watcher's batched ones
        return len(online.requests_to("GET", "/v3/tasks/")) + len(online.requests_to("POST", "/v3/tasks/list"))

    before = polls()
    pump_until(rt, lambda: not rt.runner().has_active(), what="idle")
    online.advance(60.0)
    assert polls() <= before + 1  # at most one poll already on the wire
    assert bpy.ops.tripo.job_cancel(job_id=job.id) == {"CANCELLED"}, "nothing left to stop (a warning)"


def test_retry_from_a_script_runs_without_confirmation(rt: Any, online: Emulator, prefs: Any) -> None:
    prefs.api_key = "tsk_not_known_to_the_server"
    job = rt.submit(spec())
    pump_job(rt, job.id, "failed")
    prefs.api_key = TEST_KEY

    def retried() -> bool:
        try:
            return bpy.ops.tripo.job_retry(job_id=job.id) == {"FINISHED"}
        except RuntimeError as exc:  # an ERROR report: the failed run is still winding down
            assert "still finishing" in str(exc), exc
            return False

    pump_until(rt, retried, what="retry accepted")
    pump_job(rt, job.id, "done")
    assert [r.status for r in created(online)] == [401, 200], (
        "refused with the wrong key, sent again with the right one"
    )


def test_paid_retry_asks_first_and_free_resume_does_not(
    rt: Any, job_list: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``invoke`` confirms only when a retry sends a new request (and says what it costs)."""
    paid = make_job("failed", id="paid", estimated_cost=20)
    free = make_job("cancelled", id="free", task_id="t1", task_status="running")
    rt._view.put(paid)
    rt._view.put(free)
    wm = MagicMock()
    wm.invoke_confirm.return_value = {"RUNNING_MODAL"}
    context = SimpleNamespace(window_manager=wm)
    executed: list[str] = []
    monkeypatch.setattr(
        job_list.TRIPO_OT_job_retry, "execute", lambda self, ctx: executed.append(self.job_id) or {"FINISHED"}
    )

    operator = SimpleNamespace(
        job_id="paid", report=MagicMock(), execute=lambda ctx: job_list.TRIPO_OT_job_retry.execute(operator, ctx)
    )
    operator.job = lambda: job_list._JobOperator.job(operator)
    operator.confirmation = lambda job: job_list.TRIPO_OT_job_retry.confirmation(operator, job)
    assert job_list.TRIPO_OT_job_retry.invoke(operator, context, None) == {"RUNNING_MODAL"}
    message = wm.invoke_confirm.call_args.kwargs["message"]
    assert "about 20 credits" in message and executed == []

    operator.job_id = "free"
    wm.reset_mock()
    assert job_list.TRIPO_OT_job_retry.invoke(operator, context, None) == {"FINISHED"}
    wm.invoke_confirm.assert_not_called()
    assert executed == ["free"]


def test_reimport_open_folder_copy_and_remove(
    rt: Any, online: Emulator, clean_scene: Any, job_list: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = rt.submit(spec())
    done = pump_job(rt, job.id, "done")

    first = set(bpy.data.objects)
    assert bpy.ops.tripo.job_reimport(job_id=job.id) == {"FINISHED"}
    again = set(bpy.data.objects) - first
    assert again and all(ob["tripo_task_id"] == done.task_id for ob in again)
    assert [c.name for c in clean_scene.collection.children] == ["Tripo"]
    assert [c.name for c in bpy.data.collections["Tripo"].children] == ["Cat and more"], "beside the first, same batch"
    (copy,) = [ob for ob in again if ob.parent is None]
    (original,) = [ob for ob in first if ob.parent is None]
    assert copy.location.x > original.location.x, "not on top of the first"

    opened: list[Path] = []
    monkeypatch.setattr(job_list, "open_folder", opened.append)
    assert bpy.ops.tripo.job_open_folder(job_id=job.id) == {"FINISHED"}
    assert opened and opened[0].name == done.task_id
    assert any(p.suffix == ".glb" for p in opened[0].iterdir())

    assert bpy.ops.tripo.job_remove(job_id=job.id) == {"FINISHED"}
    assert rt.job(job.id) is None
    assert opened[0].is_dir(), "removing a job keeps its files"
    with pytest.raises(RuntimeError, match="no longer in the list"):
        bpy.ops.tripo.job_reimport(job_id=job.id)


def test_copy_error_puts_details_but_never_the_key_on_the_clipboard(
    rt: Any, online: Emulator, prefs: Any, job_list: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad_key = "tsk_not_known_to_the_server"
    prefs.api_key = bad_key
    job = rt.submit(spec())
    failed = pump_job(rt, job.id, "failed")
    copied: list[str] = []
    monkeypatch.setattr(job_list, "set_clipboard", lambda context, text: copied.append(text))

    assert bpy.ops.tripo.job_copy_error(job_id=job.id) == {"FINISHED"}
    assert len(copied) == 1
    assert failed.error.trace_id and failed.error.trace_id in copied[0]
    assert "Error code: 2" in copied[0] and "refused the API key" in copied[0]
    assert bad_key not in copied[0] and TEST_KEY not in copied[0]


def test_import_failure_shows_on_the_row_and_retry_imports_without_a_new_charge(
    rt: Any, online: Emulator, clean_scene: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime_module = addon_module("blender.runtime")
    ImportFailed = addon_module("blender.importer").ImportFailed
    real_import = runtime_module.import_job

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ImportFailed("Blender could not import model.glb: test failure")

    monkeypatch.setattr(runtime_module, "import_job", broken)
    job = rt.submit(spec())
    failed = pump_job(rt, job.id, "failed")
    assert "test failure" in failed.error.message
    assert not failed.retry_resends, "the task succeeded: retry must not pay again"

    monkeypatch.setattr(runtime_module, "import_job", real_import)
    assert bpy.ops.tripo.job_retry(job_id=job.id) == {"FINISHED"}
    pump_job(rt, job.id, "done")
    assert len(created(online)) == 1


# ---------------------------------------------------------------------------- jobs Tripo can no longer serve
def _journal_entry(rt: Any, job: Any, *, v2: bool) -> None:
    """A job as a journal of this add-on wrote it: one written before apiv3 has no ``api`` field."""
    data = job.to_dict()
    if v2:
        del data["api"]
    journal = rt.storage_root / "journal"
    journal.mkdir(parents=True, exist_ok=True)
    (journal / f"{job.id}.json").write_text(json.dumps({"format": 1, "job": data}))


def test_a_v2_era_job_shows_the_retired_api_and_offers_remove_not_retry(
    rt: Any, online: Emulator, job_list: Any
) -> None:
    """A job still running when the add-on last spoke v2: its task id means nothing to apiv3."""
    v2_task = "1ec04b2e-0000-4000-8000-00000000dead"  # unknown to apiv3, like every v2 task: 2001
    _journal_entry(rt, make_job("running", id="v2job", task_id=v2_task, progress=40), v2=True)

    rt.start()  # the add-on is enabled with a key and online access: the journal resumes
    failed = pump_job(rt, "v2job", "failed")
    assert failed.api_version == 2 and failed.task_gone and not failed.can_retry
    assert failed.error.code == 2001
    layout = draw_open(job_list, "v2job")
    text = " ".join(label_texts(layout))
    assert "retired v2 API" in text and "no longer available" in text, text
    assert "".join(failed.error.message.split()) in "".join(text.split()), "the sentence in full"
    ops = set(operator_ids(layout))
    assert "tripo.job_remove" in ops and "tripo.job_retry" not in ops, ops
    assert created(online) == [], "nothing is sent again"
    assert bpy.ops.tripo.job_remove(job_id="v2job") == {"FINISHED"} and rt.job("v2job") is None
    assert not (rt.storage_root / "journal" / "v2job.json").exists()


def test_a_job_tripo_forgot_after_seven_days_says_so(rt: Any, online: Emulator, job_list: Any) -> None:
    online.set_timing(run_seconds=600.0)
    job = rt.submit(spec())
    # seen running first, as a task is before Tripo forgets it (a fresh task it does not list yet
    # is asked again for a while: jobs.watcher.MISSED_GRACE)
    pump_until(rt, lambda: rt.job(job.id).state.value == "running", what="running")
    online.forget_task(rt.job(job.id).task_id)
    failed = pump_job(rt, job.id, "failed")
    assert failed.task_gone and failed.can_retry and not failed.retry_resends
    text = " ".join(label_texts(draw_open(job_list, job.id)))
    assert "about 7 days" in text and "Failed (no longer on Tripo)" in text, text
    ops = set(operator_ids(draw_panel(job_list.TRIPO_PT_jobs)))
    assert "tripo.job_remove" in ops and "tripo.job_retry" in ops  # a free look again (another key?)


@pytest.mark.parametrize(("kind", "label"), [("refine_model", "Refine"), ("stylize_model", "Stylize")])
def test_a_job_of_a_retired_kind_draws_and_offers_remove_not_retry(
    rt: Any, job_list: Any, kind: str, label: str
) -> None:
    jobs = addon_module("jobs")
    now = time.time()
    error = jobs.JobError("Tripo retired this capability with its v2 API.", code=2016)
    retired = jobs.Job(
        id=f"old-{kind}",
        spec=jobs.JobSpec(kind, {"original_model_task_id": "t0"}, name="Old fox"),
        state=jobs.JobState.FAILED,
        created_at=now,
        updated_at=now,
        revision=1,
        error=error,
    )
    rt._view.put(retired)
    layout = draw_open(job_list, f"old-{kind}")
    texts = label_texts(layout)
    assert "Old fox" in texts and f"{label} (retired by Tripo)" in texts and "Failed" in texts
    assert "Tripo retired this capability with its v2 API." in " ".join(texts)
    ops = set(operator_ids(layout))
    assert "tripo.job_remove" in ops and "tripo.job_retry" not in ops


# ---------------------------------------------------------------------------- a panel that scales
def _row_names(layout: MagicMock) -> list[str]:
    """The job names drawn: each row starts with its disclosure triangle, then the name label."""
    calls = [c for c in layout.mock_calls if c[0].split(".")[-1] in ("operator", "label")]
    return [
        calls[i + 1].kwargs["text"]
        for i, c in enumerate(calls[:-1])
        if c[0].endswith("operator") and c.args[0] == "tripo.job_expand" and c.kwargs.get("text") == ""
    ]


def test_many_jobs_draw_one_page_of_compact_rows(rt: Any, job_list: Any) -> None:
    for index in range(30):
        rt._view.put(
            make_job(
                "done",
                name=f"Model {index:02d}",
                id=f"job-{index:02d}",
                created_at=1000.0 + index,
                files={"model": str(ASSETS / "portal.glb")},
            )
        )
    layout = draw_panel(job_list.TRIPO_PT_jobs)
    assert _row_names(layout) == [f"Model {i:02d}" for i in range(29, 19, -1)], "newest first, one page"
    assert len(_row_names(layout)) == job_list.PAGE_SIZE
    assert "1–10 of 30" in label_texts(layout)
    assert calls_named(layout, "template_icon") == [] and "tripo.job_reimport" not in operator_ids(layout)

    assert bpy.ops.tripo.jobs_page(step=1) == {"FINISHED"}
    assert bpy.ops.tripo.jobs_page(step=1) == {"FINISHED"}
    assert bpy.ops.tripo.jobs_page(step=1) == {"FINISHED"}  # past the end: stays on the last page
    layout = draw_panel(job_list.TRIPO_PT_jobs)
    assert _row_names(layout) == [f"Model {i:02d}" for i in range(9, -1, -1)]
    assert "21–30 of 30" in label_texts(layout)


def test_filter_by_state(rt: Any, job_list: Any) -> None:
    rt._view.put(make_job("done", name="Done one"))
    rt._view.put(make_job("failed", name="Failed one", error=addon_module("jobs").JobError("no")))
    rt._view.put(make_job("cancelled", name="Cancelled one"))
    rt._view.put(make_job("uncertain", name="Uncertain one"))
    rt._view.put(make_job("running", name="Running one", task_id="t1"))

    def names(state: str) -> set[str]:
        assert bpy.ops.tripo.jobs_filter(state=state) == {"FINISHED"}
        return set(_row_names(draw_panel(job_list.TRIPO_PT_jobs)))

    assert names("ACTIVE") == {"Running one"}
    assert names("DONE") == {"Done one"}
    assert names("FAILED") == {"Failed one", "Cancelled one", "Uncertain one"}
    assert len(names("ALL")) == 5


def test_the_listing_kept_between_redraws_follows_every_change(rt: Any, job_list: Any) -> None:
    """The panel keeps its sorted, filtered listing between redraws (a redraw of 5,000 jobs must
    not sort them): every change the pump applies still shows on the next draw. Changes come as
    the pump applies them, engine events into the view (:meth:`JobView.apply`)."""
    jobs = addon_module("jobs")

    def apply(*events: Any) -> None:
        rt._view.apply(events)

    def changed(job: Any, state: str, **fields: Any) -> Any:
        return jobs.JobChanged(
            dataclasses.replace(job, state=jobs.JobState(state), revision=job.revision + 1, **fields)
        )

    def drawn(state: str = "ALL") -> tuple[list[str], list[str]]:
        if job_list.VIEW.filter != state:  # a click on the filter (only then: it recomputes anyway)
            assert bpy.ops.tripo.jobs_filter(state=state) == {"FINISHED"}
        layout = draw_panel(job_list.TRIPO_PT_jobs, wide_sidebar())
        return _row_names(layout), label_texts(layout)

    made = [make_job("done", name=f"Model {i:02d}", id=f"job-{i:02d}", created_at=1000.0 + i) for i in range(12)]
    running = make_job("running", name="Model 12", id="job-12", created_at=1012.0, task_id="t12", progress=10)
    apply(*(jobs.JobChanged(job) for job in [*made, running]))
    names, labels = drawn()
    assert names == [f"Model {i:02d}" for i in range(12, 2, -1)] and "1–10 of 13" in labels
    assert drawn("ACTIVE")[0] == ["Model 12"]
    assert "tripo.jobs_clear_finished" in operator_ids(draw_panel(job_list.TRIPO_PT_jobs))

    apply(jobs.JobChanged(dataclasses.replace(running, progress=70, revision=2)))  # a progress tick only
    layout = draw_panel(job_list.TRIPO_PT_jobs, wide_sidebar())
    assert _progress_calls(layout)[0]["factor"] >= 0.7, "a row shows its job as it is now"
    running = rt.job("job-12")

    assert drawn("ACTIVE")[0] == ["Model 12"]
    apply(changed(running, "downloading"))  # a state change within the filter
    assert drawn("ACTIVE")[0] == ["Model 12"]
    apply(changed(rt.job("job-12"), "failed", error=jobs.JobError("The service failed this task")))
    assert drawn("ACTIVE")[1][-1] == "No active jobs", "a state change out of the filter"
    assert drawn("FAILED")[0] == ["Model 12"]
    names, labels = drawn("DONE")
    assert "Model 12" not in names and labels[-1] == "1–10 of 12"
    apply(changed(made[0], "cancelled"))
    assert drawn("DONE")[1][-1] == "1–10 of 11", "a state change out of the filter, beyond the page"

    apply(jobs.JobChanged(make_job("queued", name="Model 13", id="job-13", created_at=1013.0, task_id="t13")))
    names, labels = drawn()
    assert names[:2] == ["Model 13", "Model 12"] and "1–10 of 14" in labels, "an added job"
    assert drawn("ACTIVE")[0] == ["Model 13"]
    older = make_job("done", name="Model 00b", id="job-00b", created_at=999.0)
    apply(jobs.JobChanged(older))  # from a journal: older than all, sorted into place
    assert drawn()[1][-1] == "1–10 of 15"
    assert bpy.ops.tripo.jobs_page(step=1) == {"FINISHED"}
    names = _row_names(draw_panel(job_list.TRIPO_PT_jobs, wide_sidebar()))
    assert names == ["Model 03", "Model 02", "Model 01", "Model 00", "Model 00b"]

    assert bpy.ops.tripo.jobs_page(step=-1) == {"FINISHED"}
    apply(jobs.JobRemoved("job-13"), jobs.JobRemoved("job-12"))
    names, labels = drawn()
    assert names[0] == "Model 11" and "1–10 of 13" in labels, "removed jobs"
    assert drawn("ACTIVE")[1][-1] == "No active jobs"
    for job in rt.jobs():
        apply(jobs.JobRemoved(job.id))
    assert drawn()[1][-1] == "No jobs yet"


def test_clear_finished_keeps_active_jobs_files_and_objects(
    rt: Any, online: Emulator, clean_scene: Any, job_list: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    done = pump_job(rt, rt.submit(spec(name="Done one")).id, "done")
    online.set_timing(run_seconds=600.0)
    running = rt.submit(spec(name="Running one"))
    stopped = rt.submit(spec(name="Stopped one"))
    pump_until(rt, lambda: rt.job(stopped.id).task_id is not None, what="task id")
    rt.cancel(stopped.id)
    pump_job(rt, stopped.id, "cancelled")
    folder = rt.task_folder(done)
    assert folder is not None and folder.is_dir()

    capfd.readouterr()
    assert bpy.ops.tripo.jobs_clear_finished() == {"FINISHED"}
    assert [job.name for job in rt.jobs()] == ["Stopped one", "Running one"], "a stopped wait resumes for free"
    report = capfd.readouterr().out
    assert "Removed 1 finished job" in report and "Kept 1 failed, stopped or uncertain job" in report, report
    assert folder.is_dir(), "clearing the list keeps the downloaded files"
    assert any(ob.get("tripo_task_id") == done.task_id for ob in bpy.data.objects), "and the imported objects"
    assert "tripo.jobs_clear_finished" not in operator_ids(draw_panel(job_list.TRIPO_PT_jobs))
    assert rt.job(running.id).state.is_active


def test_clear_finished_keeps_what_a_free_retry_or_a_charge_still_hangs_on(job_list: Any) -> None:
    """Failures whose Retry is free (Tripo made the result) and uncertain jobs (maybe charged) stay;
    done jobs and failures with nothing left to get back go."""
    error = addon_module("jobs").JobError("Blender could not import it")
    jobs = [
        make_job("done", name="Landed"),
        make_job("failed", name="Refused prompt", error=error),  # no task: Retry would pay again
        make_job("failed", name="Paid, not landed", task_id="t1", task_status="success", error=error),
        make_job("cancelled", name="Stopped waiting", task_id="t2", task_status="running"),
        make_job("uncertain", name="Maybe charged", error=error),
    ]
    assert {job.name: job_list.clearable(job) for job in jobs} == {
        "Landed": True,
        "Refused prompt": True,
        "Paid, not landed": False,
        "Stopped waiting": False,
        "Maybe charged": False,
    }


def test_reimport_is_offered_only_for_files_blender_can_open(rt: Any, job_list: Any, tmp_path: Path) -> None:
    odd = tmp_path / "model.3mf"
    odd.write_bytes(b"not a format this Blender imports")
    rt._view.put(make_job("done", name="Odd", id="odd", files={"model": str(odd)}))
    ops = operator_ids(draw_open(job_list, "odd"))
    assert "tripo.job_reimport" not in ops and "tripo.job_open_folder" in ops


def test_progress_moves_between_polls_without_an_eta(job_list: Any) -> None:
    jobs = addon_module("jobs")
    start = 1000.0
    running = make_job(
        "running",
        task_id="t1",
        progress=20,
        created_at=start - 5,
        timeline=(
            jobs.TimelineEntry(start - 5, jobs.JobState.QUEUED),
            jobs.TimelineEntry(start, jobs.JobState.RUNNING),
        ),
    )
    running = dataclasses.replace(running, updated_at=start + 10)
    # 20 % took 10 s: five seconds after that answer the bar shows 30 %, with the time so far
    status = job_list.row_status(running, now=start + 15)
    assert status.text == "Running 30%, 15 s so far" and status.factor == pytest.approx(0.30)
    assert job_list.row_status(running, now=start + 10_000).factor == pytest.approx(0.99), "never claims done"
    # on screen it never goes back, even when the next answer is behind the guess
    assert job_list.VIEW.progress(running, start + 15) == pytest.approx(30.0)
    slower = dataclasses.replace(running, progress=25, updated_at=start + 16)
    assert job_list.VIEW.progress(slower, start + 16) == pytest.approx(30.0)
    # nothing to extrapolate from yet: the server's value and the elapsed time
    fresh = dataclasses.replace(running, progress=0)
    assert job_list.row_status(fresh, now=start + 65).text == "Running 0%, 1 min 05 s so far"


def test_long_lines_wrap_at_words_and_a_long_name_keeps_its_number(rt: Any, job_list: Any) -> None:
    """Nothing is cut: a long note or error wraps at words to the sidebar's width; only the name
    stays on one line, shortened in the middle, its distinguishing end kept; the row's tooltip
    says it all."""
    note = (
        "the result was saved to /home/artist/.config/blender/4.2/extensions/.user/user_default/"
        "tripo_blender/cache/0edda99d-1234/model.glb because the importer failed"
    )
    name = "wooden crate variant for the harbour scene (model 12)"
    rt._view.put(
        make_job(
            "failed",
            name=name,
            note=note,
            id="long",
            error=addon_module("jobs").JobError("Blender could not import model.glb"),
        )
    )
    narrow = wide_sidebar(280)
    layout = draw_panel(job_list.TRIPO_PT_jobs, narrow)
    measure = job_list.measure_for(narrow)
    texts = [t for t in drawn_texts(layout) if t]
    assert all(measure.width(t) <= measure.room for t in texts), texts
    assert not any(t.endswith("(more)") or "…" in t.replace(" […] ", "") for t in texts), texts
    joined = " ".join(texts)
    assert "because the importer failed" in joined and "Blender could not import model.glb" in joined, texts
    [shown] = [t for t in texts if " […] " in t]
    assert shown.startswith("wooden") and shown.endswith("12)"), shown
    tooltip = job_list.TRIPO_OT_job_expand.description(bpy.context, SimpleNamespace(job_id="long"))
    assert name in tooltip and note in tooltip and "Blender could not import model.glb" in tooltip


def _retry_when_free(rt: Any, job_id: str) -> None:
    """Retry once the POST's run has ended (a Retry during it says "try again in a moment")."""
    user_error = addon_module("rules.account").UserError

    def accepted() -> bool:
        try:
            rt.retry(job_id)
        except user_error:
            return False
        return True

    pump_until(rt, accepted, what="the retry to be accepted")


def _click_when_free(operator: Any, **props: Any) -> bool:
    """Click a row button once the job's previous run has ended ("try again in a moment" before)."""
    try:
        return operator(**props) == {"FINISHED"}
    except RuntimeError as exc:
        if "try again in a moment" in str(exc):
            return False
        raise


def _phase(rt: Any, job_id: str) -> str | None:
    found = addon_module("jobs.verify").lookup_of(rt.job(job_id))
    return found.phase if found is not None else None


def test_a_task_tripo_cannot_prove_is_followed_from_the_row_only_when_picked(
    rt: Any, online: Emulator, job_list: Any
) -> None:
    online.echo_inputs = False  # Tripo echoes no request: its task is offered, never followed on a guess
    online.inject("POST /v3/generation/", after=True, drop=True)  # created; the answer is lost
    job = rt.submit(spec(name="Lost answer"))
    pump_job(rt, job.id, "uncertain")
    _retry_when_free(rt, job.id)
    pump_until(rt, lambda: _phase(rt, job.id) == "choose", what="the task listed to pick")
    (task_id,) = online.tasks
    layout = draw_panel(job_list.TRIPO_PT_jobs, wide_sidebar())
    assert len(_buttons_named(layout, "tripo.job_follow_candidate")) == 1 and rt.job(job.id).task_id is None
    pump_until(
        rt,
        lambda: _click_when_free(bpy.ops.tripo.job_follow_candidate, job_id=job.id, task_id=task_id),
        what="the pick to be accepted",
    )
    done = pump_job(rt, job.id, "done", "failed")
    assert done.state.value == "done" and done.task_id == task_id and len(created(online)) == 1


def test_send_again_is_offered_after_the_settle_window_and_pays_only_when_clicked(
    rt: Any, online: Emulator, job_list: Any
) -> None:
    rt.worker_settings = dataclasses.replace(rt.worker_settings, settle_window=0.3, lookup_interval=0.05)
    online.inject("POST /v3/generation/", drop=True)  # the connection dies before Tripo read the request
    job = rt.submit(spec(name="Never made"))
    pump_job(rt, job.id, "uncertain")
    _retry_when_free(rt, job.id)
    pump_until(rt, lambda: _phase(rt, job.id) == "absent", what="the settle window to pass")
    row = drawn_texts(draw_panel(job_list.TRIPO_PT_jobs, wide_sidebar()))
    assert "Not found on Tripo; Send Again may charge a second time" in row
    assert len(created(online)) == 1, "nothing is sent until the artist clicks Send Again"
    pump_until(rt, lambda: _click_when_free(bpy.ops.tripo.job_send_again, job_id=job.id), what="Send Again accepted")
    done = pump_job(rt, job.id, "done", "failed")
    assert done.state.value == "done" and len(created(online)) == 2
    description = bpy.ops.tripo.job_send_again.get_rna_type().description
    assert "second time" in description


@pytest.mark.parametrize(
    "name",
    [
        "f486a0c2d1e94b7c9a5e3f2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d524.fbx",
        "crate variant number 12",
        "a rather long prompt for a tiny dragon figurine 7",
    ],
)
def test_a_name_shortened_in_the_middle_keeps_its_start_and_its_end(name: str) -> None:
    """Whatever the name, the shortened one fits, starts like it, ends like it (the number or the
    file's suffix), and its elision touches no word: no "word…" for the OCR check to find."""
    fit = addon_module("blender.text_fit")
    measure = fit.Measure(room=120.0, font_px=11.0, scale=1.0)
    shown = fit.middle(name, measure)
    head, _, tail = shown.partition(fit.ELISION)
    assert measure.fits(shown) and tail, shown
    assert name.startswith(head) and name.endswith(tail), shown
    assert head and (" " not in name or name.split(" ")[0] in head.split(" ")), "a first word stays whole"


def _status_of(layout: MagicMock, name: str) -> tuple[str, str]:
    """(icon beside the name, status line) of the row named ``name``."""
    calls = [c for c in layout.mock_calls if c[0].split(".")[-1] in ("label", "progress")]
    for index, call in enumerate(calls[:-1]):
        if call[0].endswith("label") and call.kwargs.get("text") == name:
            return call.kwargs.get("icon", ""), calls[index + 1].kwargs.get("text", "")
    raise AssertionError(f"no row named {name!r}")


def test_a_crowd_says_each_waiting_jobs_place_and_the_summary_counts_it(
    rt: Any, online: Emulator, prefs: Any, clean_scene: Any, job_list: Any
) -> None:
    """Parallel Jobs 3, twelve jobs sent: three run, nine wait. Each waiting row says its place in
    the order they will really be sent (the 1st one is the next POST Tripo receives), no empty bar,
    another icon than a stuck job's clock; the summary above counts them."""
    prefs.parallel_jobs = 3
    online.plan_runs([2.0, 600.0, 600.0])
    online.set_timing(run_seconds=600.0)
    for failed in ("Broken 1", "Broken 2"):  # older failures from earlier in the session
        rt._view.put(make_job("failed", name=failed, created_at=1000.0, error=addon_module("jobs").JobError("no")))
    jobs = [rt.submit(spec(f"a statue number {n}", name=f"Statue {n:02d}")) for n in range(12)]

    def crowd() -> bool:
        states = [rt.job(j.id).state.value for j in jobs]
        return states.count("running") == 3 and states.count("pending") == 9

    pump_until(rt, crowd, what="three running, nine waiting")
    layout = draw_panel(job_list.TRIPO_PT_jobs, wide_sidebar())
    texts = label_texts(layout)
    assert texts[0] == "3 running · 9 waiting · 2 failed", texts[:3]
    for n in range(3, 12):
        assert _status_of(layout, f"Statue {n:02d}") == (
            "PAUSE",
            f"Waiting for a free slot ({job_list.ordinal(n - 2)} of 9 · Parallel Jobs 3)",
        )
    assert len(_progress_calls(layout)) == 1, "one bar on the page (Statue 02 runs); none for the waiting rows"
    assert "Waiting to be sent" not in drawn_texts(layout)

    assert bpy.ops.tripo.job_cancel(job_id=jobs[4].id) == {"FINISHED"}  # "2nd of 9" stops waiting
    layout = draw_panel(job_list.TRIPO_PT_jobs, wide_sidebar())
    assert label_texts(layout)[0] == "3 running · 8 waiting · 2 failed"
    assert _status_of(layout, "Statue 03")[1] == "Waiting for a free slot (1st of 8 · Parallel Jobs 3)"
    assert _status_of(layout, "Statue 05")[1] == "Waiting for a free slot (2nd of 8 · Parallel Jobs 3)"

    # the first job's task finishes: the one that said "1st of 8" is the next request Tripo gets
    pump_until(rt, lambda: len(created(online)) == 4, what="a fourth job sent")
    assert created(online)[3].json["prompt"] == "a statue number 3"
    # the three running jobs POST side by side: the 2 s task is whichever request Tripo got first
    first = created(online)[0].json["prompt"]
    pump_job(rt, next(j.id for n, j in enumerate(jobs) if first == f"a statue number {n}"), "done")
    pump_until(
        rt,
        lambda: (
            _status_of(draw_panel(job_list.TRIPO_PT_jobs, wide_sidebar()), "Statue 11")[1]
            == "Waiting for a free slot (7th of 7 · Parallel Jobs 3)"
        ),
        what="the line moved up",
    )
    assert label_texts(draw_panel(job_list.TRIPO_PT_jobs, wide_sidebar()))[0] == "3 running · 7 waiting · 2 failed"


@pytest.mark.parametrize(
    ("counts", "waiting", "held", "text"),
    [
        ({"running": 3, "pending": 9, "failed": 2}, 9, False, "3 running · 9 waiting · 2 failed"),
        ({"queued": 1, "importing": 1, "done": 5, "cancelled": 1}, 0, True, "1 running · 1 ready to land"),
        ({"importing": 1, "uncertain": 1}, 0, False, "1 running · 1 uncertain"),
        ({"pending": 2}, 1, False, "1 running · 1 waiting"),  # one pending job a worker already holds
        ({"done": 4}, 0, False, ""),
    ],
)
def test_the_summary_names_only_what_is_there_in_plain_words(
    job_list: Any, counts: dict[str, int], waiting: int, held: bool, text: str
) -> None:
    states = addon_module("jobs").JobState
    line = addon_module("blender.waiting_line")
    assert line.summary_text({states(k): v for k, v in counts.items()}, waiting, held) == text


def test_a_waiting_note_that_says_more_leads_its_place(job_list: Any) -> None:
    place = addon_module("blender.waiting_line").Place(1, 4, "Parallel Jobs 3")
    job = make_job("pending", note="waiting for a free slot (about 30 s)")
    assert job_list.row_status(job, place=place) == job_list.RowStatus(
        "Waiting for a free slot (about 30 s); 1st of 4 · Parallel Jobs 3", None, "PAUSE"
    )
    assert job_list.row_status(make_job("pending", note="waiting to be sent")).icon == "TIME", "not in line: as before"


def test_places_follow_the_line_and_the_jobs_in_it_between_pump_ticks(rt: Any, job_list: Any) -> None:
    """The places are kept between redraws (a redraw of 5,000 jobs must not rebuild them): a job
    leaving the line (a worker took it) moves the others up at once; a change of a job that is not
    in line keeps them; a new line from the runner replaces them."""
    jobs = addon_module("jobs")
    waiting = [make_job("pending", name=f"Wait {n}", id=f"w{n}", created_at=1000.0 + n) for n in range(3)]
    running = make_job("running", name="Runs", id="r", created_at=999.0, task_id="t1", progress=10)
    for job in (*waiting, running):
        rt._view.put(job)
    rt._view.set_send_order(["w0", "w1", "w2"], "Parallel Jobs 1")

    def status(name: str) -> str:
        return _status_of(draw_panel(job_list.TRIPO_PT_jobs, wide_sidebar()), name)[1]

    assert status("Wait 2") == "Waiting for a free slot (3rd of 3 · Parallel Jobs 1)"
    rt._view.put(dataclasses.replace(running, state=jobs.JobState.DOWNLOADING, revision=2))
    assert status("Wait 2") == "Waiting for a free slot (3rd of 3 · Parallel Jobs 1)", "a job not in line"
    rt._view.put(dataclasses.replace(waiting[0], state=jobs.JobState.SUBMITTING, revision=2))
    assert status("Wait 2") == "Waiting for a free slot (2nd of 2 · Parallel Jobs 1)", "the first one was taken"
    rt._view.set_send_order(["w2", "w1"], "Parallel Jobs 2")
    assert status("Wait 2") == "Waiting for a free slot (1st of 2 · Parallel Jobs 2)"
    assert "2 running · 2 waiting" in label_texts(draw_panel(job_list.TRIPO_PT_jobs, wide_sidebar()))


def test_a_resumed_task_reads_its_own_age_and_progress_not_99(rt: Any, online: Emulator, job_list: Any) -> None:
    """Issue 22.6: a 40 s task 30 s old when Blender starts read "Running 99%, 10 s so far". It now
    reads about 75 % and 30 s, counted from the task's own start on Tripo (``created_at``)."""
    jobs = addon_module("jobs")
    online.set_timing(run_seconds=40.0)
    task_id = online.website_task(
        "/v3/generation/text-to-model", {"prompt": "a cat", "model": "v2.5-20250123"}, age=30.0
    )
    sent = time.time() - 30
    entry = make_job(
        "running",
        id="resumed",
        task_id=task_id,
        task_status="running",
        progress=2,
        created_at=sent,
        timeline=(
            jobs.TimelineEntry(sent, jobs.JobState.SUBMITTING),
            jobs.TimelineEntry(sent + 1, jobs.JobState.RUNNING),
        ),
    )
    _journal_entry(rt, entry, v2=False)

    rt.start()  # the add-on is enabled with a key and online access: the journal resumes
    pump_until(
        rt,
        lambda: rt.job("resumed") is not None and rt.job("resumed").progress >= 75,
        what="the first poll after the restart",
    )
    job = rt.job("resumed")
    status = job_list.row_status(job, now=job.updated_at)
    percent, seconds = (int(word.rstrip("%,")) for word in status.text.split()[1:3])
    assert 75 <= percent <= 77 and 29 <= seconds <= 31, status.text
    later = job_list.row_status(job, now=job.updated_at + 2)
    assert later.factor is not None and later.factor <= 0.82, f"about 2.5 % a second, not 99 %: {later.text}"
