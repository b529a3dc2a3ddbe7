"""Response parsing (envelopes, error pages, Retry-After), tolerant models, safe file names."""

from __future__ import annotations

import email.utils

import pytest

from tripo_blender.client import (
    TERMINAL_STATUSES,
    Balance,
    BatchTaskResult,
    PresignedUpload,
    RigType,
    Task,
    TaskOutput,
    TaskStatus,
    TaskUsageItem,
    TripoAPIError,
    TripoRequestError,
)
from tripo_blender.client import download as dl
from tripo_blender.client.models import format_credits
from tripo_blender.client.transport import parse_api_response, parse_retry_after

TRACE = {"X-Tripo-Trace-ID": "9f1c", "Content-Type": "application/json"}


def test_success_envelope() -> None:
    result = parse_api_response(200, TRACE, b'{"code":0,"status":"success","data":{"task_id":"abc"}}')
    assert (result.data, result.trace_id, result.status_code) == ({"task_id": "abc"}, "9f1c", 200)
    assert parse_api_response(200, TRACE, b"").data == {}  # an empty success reads as {} (as the SDK does)


def test_status_error_fails_even_with_code_zero() -> None:
    with pytest.raises(TripoAPIError) as info:
        parse_api_response(200, TRACE, b'{"code":0,"status":"error","message":"odd","request_id":"req-1"}')
    assert (info.value.message, info.value.request_id) == ("odd", "req-1")


@pytest.mark.parametrize(
    ("status", "code", "suggestion"),
    [(401, 2, "Check your API key"), (404, 2001, None), (403, 2010, "Top up your credits"), (200, 2010, "See docs")],
)
def test_error_envelopes_become_api_errors_with_all_fields(status: int, code: int, suggestion: str | None) -> None:
    body = {"code": code, "message": "went wrong"}
    if suggestion:
        body["suggestion"] = suggestion
    import json

    with pytest.raises(TripoAPIError) as info:
        parse_api_response(status, TRACE, json.dumps(body).encode())
    err = info.value
    assert (err.code, err.message, err.suggestion, err.status_code, err.trace_id) == (
        code,
        "went wrong",
        suggestion,
        status,
        "9f1c",
    )


def test_retry_after_is_carried_on_api_errors() -> None:
    headers = dict(TRACE, **{"Retry-After": "7"})
    with pytest.raises(TripoAPIError) as info:
        parse_api_response(429, headers, b'{"code":2000,"message":"limit","suggestion":"wait"}')
    assert info.value.retry_after == 7.0 and info.value.retryable


def test_html_502_from_a_proxy_becomes_request_error_with_snippet() -> None:
    html = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1>nginx</body></html>"
    with pytest.raises(TripoRequestError) as info:
        parse_api_response(502, {"Content-Type": "text/html"}, html, reason="Bad Gateway")
    err = info.value
    assert err.status_code == 502
    # One readable sentence: the page's title, whose page it is, and what to do (not the raw page text).
    assert "a web page titled “502 Bad Gateway” from nginx instead of the API" in err.message, err.message
    assert "try again" in err.message and "502 Bad Gateway 502 Bad Gateway" not in err.message
    assert "<h1>" not in err.message
    assert "text/html" in err.message
    assert err.may_have_reached_server


def test_non_json_200_and_envelope_less_json() -> None:
    with pytest.raises(TripoRequestError, match="not JSON"):
        parse_api_response(200, {}, b"OK")
    with pytest.raises(TripoRequestError, match="not a Tripo envelope"):
        parse_api_response(200, {}, b'{"task_id":"x"}')
    with pytest.raises(TripoRequestError, match="empty body"):
        parse_api_response(500, {}, b"")


def test_snippet_is_short() -> None:
    with pytest.raises(TripoRequestError) as info:
        parse_api_response(503, {}, b"x" * 10_000)
    assert len(info.value.message) < 400


def test_parse_retry_after() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(" 1.5 ") == 1.5
    assert parse_retry_after("-4") == 0.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    date = email.utils.formatdate(1_000_030, usegmt=True)
    assert parse_retry_after(date, now=1_000_000) == pytest.approx(30.0)


# --------------------------------------------------------------------------- models


def test_task_parses_the_apiv3_object_and_keeps_the_seed_names() -> None:
    data = {  # the official SDK's own fixture (its tests/test_models.py)
        "task_id": "6ffdb041-55c6-4a16-8985-7cc3268a545b",
        "type": "text_to_model",
        "status": "success",
        "progress": 100,
        "input": {"prompt": "a cat"},
        "output": {
            "model_url": "https://cdn.example.com/a/tripo_pbr_model.glb?sig=1",
            "rendered_image_url": "https://cdn.example.com/a/rendered.webp?sig=1",
        },
        "created_at": "2026-10-15T00:00:00Z",
        "completed_at": "2026-10-15T00:01:00Z",
        "credits_consumed": 30,
        "error_code": None,
        "error_message": None,
    }
    task = Task.from_dict(data, trace_id="tr")
    assert task.status is TaskStatus.SUCCESS and task.progress == 100
    url = "https://cdn.example.com/a/tripo_pbr_model.glb?sig=1"
    assert (task.output.model_url, task.output.model, task.output.pbr_model) == (url, url, url)
    assert (
        task.output.rendered_image == task.output.rendered_image_url == "https://cdn.example.com/a/rendered.webp?sig=1"
    )
    assert task.output.files() == {"model": url, "rendered_image": "https://cdn.example.com/a/rendered.webp?sig=1"}
    assert task.create_time == 1_792_022_400 and task.completed_at == "2026-10-15T00:01:00Z"
    assert (task.credits_consumed, task.trace_id, task.error_msg, task.running_left_time) == (30.0, "tr", None, None)


def test_outputs_of_the_other_routes() -> None:
    views = {f"{v}_view_url": f"https://cdn.test/{v}.png" for v in ("front", "left", "back", "right")}
    out = TaskOutput.from_dict(
        {
            "generate_multiview_image": views,
            "generated_image_url": "https://cdn.test/g.png",
            "uv_render_url": "https://cdn.test/uv.png",
            "model_url": "https://cdn.test/m.glb",
            "riggable": True,
            "topology": "quadruped",
            "size": "1024x1024",
        }
    )
    assert out.front_view_url == "https://cdn.test/front.png" and out.image == "https://cdn.test/g.png"
    assert out.rig_type is RigType.QUADRUPED and out.riggable is True and out.topology == "quadruped"
    assert list(out.files()) == [
        "model",
        "generated_image",
        "front_view",
        "left_view",
        "back_view",
        "right_view",
        "uv_render",
    ]
    assert out.extra == {"size": "1024x1024"}


def test_model_urls_with_or_without_model_url_are_read_once() -> None:
    """S2: one file per animation. The list is the set of files; ``model_url`` falls back to its
    first (Go's ``PrimaryModelURL``), and a ``model_url`` sent as well is not a further file."""
    walk, run, bundle = "https://cdn.test/walk.glb", "https://cdn.test/run.glb", "https://cdn.test/all.glb"
    only = TaskOutput.from_dict({"model_urls": [walk, run, walk, 7, ""]})
    assert only.model_urls == [walk, run] and (only.model_url, only.model, only.pbr_model) == (walk, walk, walk)
    assert only.files() == {"model": walk, "model_2": run}
    both = TaskOutput.from_dict({"model_urls": [walk, run], "model_url": bundle, "rendered_image_url": bundle})
    assert both.model_url == bundle and both.files() == {"model": walk, "model_2": run, "rendered_image": bundle}
    assert "model_urls" not in both.extra
    one = TaskOutput.from_dict({"model_url": walk, "model_urls": []})
    assert one.model_urls == [walk] and one.files() == {"model": walk}
    assert TaskOutput(pbr_model=walk).files() == {"model": walk}, "SDK 0.3.0's hand-built outputs still count"
    assert [
        TaskOutput.model_index(k) for k in ("model", "model_2", "model_10", "model_url", "base_model", "model_1")
    ] == [0, 1, 9, None, None, None]
    assert [TaskOutput.model_key(i) for i in range(3)] == ["model", "model_2", "model_3"]


def test_task_tolerates_missing_fields_and_unknown_status() -> None:
    task = Task.from_dict({"task_id": "t", "status": "completed"})
    assert task.status is TaskStatus.UNKNOWN and not task.status.is_terminal  # one odd answer ends nothing
    assert (task.type, task.input, task.output, task.progress, task.create_time) == ("", {}, TaskOutput(), 0, 0)
    assert Task.from_dict(None).status is TaskStatus.UNKNOWN
    failed = Task.from_dict(
        {
            "status": "failed",
            "error_code": 2008,
            "error_message": "moderated",
            "progress": "100",
            "credits_consumed": "0.00",
            "created_at": "garbage",
        }
    )
    assert (failed.error_code, failed.error_msg, failed.error_message, failed.progress) == (
        2008,
        "moderated",
        "moderated",
        100,
    )
    assert (failed.credits_consumed, failed.create_time) == (0.0, 0)
    odd = TaskOutput.from_dict({"rig_type": "centipede", "riggable": "yes", "model_url": 5})
    assert (
        odd.rig_type is None and odd.extra == {"rig_type": "centipede"} and odd.riggable is None and odd.model is None
    )


def test_terminal_statuses() -> None:
    assert {s.value for s in TERMINAL_STATUSES} == {"success", "failed", "banned", "expired", "cancelled"}
    assert TaskStatus.SUCCESS == "success"


def test_batch_usage_and_presign_results() -> None:
    batch = BatchTaskResult.from_dict(
        {"tasks": {"a": {"task_id": "a", "status": "running", "progress": 40}, "b": "garbage"}, "missed": ["z"]}
    )
    assert list(batch.tasks) == ["a"] and batch.tasks["a"].progress == 40 and batch.missed == ["z"]
    assert BatchTaskResult.from_dict(None) == BatchTaskResult({}, [])
    row = TaskUsageItem.from_dict(
        {
            "task_id": "a",
            "type": "text_to_model",
            "status": "success",
            "created_at": "2026-12-01T10:00:00Z",
            "credits_consumed": "20.5",
        }
    )
    assert (row.task_id, row.type, row.credits_consumed) == ("a", "text_to_model", 20.5)
    assert PresignedUpload.from_dict(
        {"upload_url": "https://s3/x", "file_token": "file_1", "expires_in": 1800}
    ) == PresignedUpload("file_1", "https://s3/x", 1800)
    assert (
        PresignedUpload.from_dict({"presigned_url": "https://s3/y", "file_token": "file_2"}).upload_url
        == "https://s3/y"
    )


def test_the_task_list_is_read_as_a_dict_or_an_array() -> None:
    """Both shapes an official SDK shows (docs/sources.md#task-list) give one result; ids an answer is silent
    on are named."""
    running = {"task_id": "a", "status": "running", "progress": 40}
    as_dict = BatchTaskResult.from_dict({"tasks": {"a": running}, "missed": ["z"]})
    as_array = BatchTaskResult.from_dict({"tasks": [running, {"status": "success"}, "garbage"]})
    assert as_dict.tasks == as_array.tasks and list(as_array.tasks) == ["a"]
    assert (as_dict.missed, as_array.missed) == (["z"], [])
    assert as_dict.unanswered(["a", "z", "y"]) == ["y"] and as_array.unanswered(["a", "z"]) == ["z"]
    # a dict entry that names no id of its own is the task it is keyed by
    assert BatchTaskResult.from_dict({"tasks": {"k": {"status": "queued"}}}).tasks["k"].task_id == "k"


def test_the_fields_of_the_other_sdks_are_read_as_optional() -> None:
    """Decimal credits (number or text, never truncated), completed_at in any ISO form, ETA fields
    present or absent, splat and depth outputs, unknown output keys kept (docs/sources.md#task-fields,
    #splat-format)."""
    task = Task.from_dict(
        {
            "task_id": "t",
            "status": "success",
            "credits_consumed": "12.50",
            "completed_at": "2026-10-15 00:01:00.500+00:00",
            "queuing_num": None,
            "output": {
                "splat_url": "https://cdn.test/s.ply",
                "depth_image_url": "https://cdn.test/d.png",
                "novel_thing": {"a": 1},
            },
        }
    )
    assert task.credits_consumed == 12.5 and Task.from_dict({"credits_consumed": 30.25}).credits_consumed == 30.25
    assert task.completed_time == 1_792_022_460 and Task.from_dict({}).completed_time is None
    assert (task.running_left_time, task.queuing_num) == (None, None)
    assert Task.from_dict({"running_left_time": "12", "queuing_num": 3}).running_left_time == 12
    assert task.output.files() == {"depth_image": "https://cdn.test/d.png", "splat": "https://cdn.test/s.ply"}
    assert task.output.extra == {"novel_thing": {"a": 1}}


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (30, "30"),
        (30.0, "30"),
        (12.5, "12.5"),
        (30.25, "30.25"),
        (47725.25, "47725.25"),
        (1234567.5, "1234567.5"),
        (0.0, "0"),
    ],
)
def test_credits_are_shown_as_the_decimals_they_are(value: float, text: str) -> None:
    assert format_credits(value) == text


def test_balance() -> None:
    assert Balance.from_dict({"balance": "47725.00", "frozen": "10.5"}) == Balance(47725.0, 10.5)
    assert Balance.from_dict({"balance": 100, "frozen": None}) == Balance(100.0, 0.0)
    assert Balance.from_dict({}) == Balance(0.0, 0.0)


# --------------------------------------------------------------------------- file names


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://cdn.test/tcli_x/20250101/T1/tripo_pbr_model_T1.glb?Policy=a/b&Signature=c", "tripo_pbr_model_T1.glb"),
        ("https://cdn.test/tcli_x/T1/rendered_image.webp?x=1", "T1_rendered_image.webp"),
        ("https://cdn.test/a/..%2F..%2F..%2Fetc%2Fpasswd", "T1_passwd.glb"),
        ("https://cdn.test/a/%2e%2e", "T1_model.glb"),
        ("https://cdn.test/", "T1_model.glb"),
        ("https://cdn.test/a/..\\..\\evil.glb", "T1_evil.glb"),
        ("https://cdn.test/a/.hidden.glb", "T1_hidden.glb"),
        ("https://cdn.test/a/na%20me%3F%3Cx%3E.fbx", "T1_na_me_x_.fbx"),
        ("https://cdn.test/a/CON.glb", "T1__CON.glb"),
        ("https://cdn.test/a/" + "x" * 500 + ".glb", "T1_" + "x" * 113 + ".glb"),
    ],
)
def test_filename_from_url_is_safe(url: str, expected: str) -> None:
    name = dl.filename_from_url(url, task_id="T1", key="model", default_ext=".glb")
    assert name == expected
    assert "/" not in name and "\\" not in name and not name.startswith(".") and len(name) <= 120


def test_unique_names_and_plain_filename() -> None:
    taken: set[str] = set()
    assert dl.unique_name("a.glb", "model", taken) == "a.glb"
    assert dl.unique_name("A.glb", "pbr_model", taken) == "A_pbr_model.glb"
    assert dl.unique_name("a.glb", "pbr_model", taken) == "a_pbr_model_2.glb"
    assert dl.check_plain_filename("preview.png") == "preview.png"
    for bad in ("../x.png", "a/b.png", "..", "", "a\\b.png"):
        with pytest.raises(ValueError, match="plain file name"):
            dl.check_plain_filename(bad)
