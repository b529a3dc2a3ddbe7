"""The one reader of Tripo's times: every ISO 8601 form it may send, and HTTP Date."""

from __future__ import annotations

import pytest

from tripo_blender.client.models import Task, TaskUsageItem
from tripo_blender.client.timestamps import parse_http_date, parse_time

NOON = 1796644800.0  # 2026-12-07T12:00:00Z


@pytest.mark.parametrize(
    "text",
    [
        "2026-12-07T12:00:00Z",
        "2026-12-07 12:00:00+00:00",
        "2026-12-07T12:00:00+0000",
        "2026-12-07t12:00:00z",
        "2026-12-07T13:00:00+01:00",
        "2026-12-07T04:00:00-08:00",
        "2026-12-07T12:00:00",
        "2026-12-07 12:00:00 UTC",
        " 2026-12-07T12:00:00.000Z ",
        "2026-12-07T12:00Z",
    ],
)
def test_every_form_of_one_instant_reads_the_same(text: str) -> None:
    assert parse_time(text) == NOON


def test_fractions_of_any_length_are_kept() -> None:
    assert parse_time("2026-12-07T12:00:00.25Z") == NOON + 0.25
    assert parse_time("2026-12-07 12:00:00.123456789+00:00") == pytest.approx(NOON + 0.123456789)


@pytest.mark.parametrize("text", [None, "", "yesterday", "2026-13-07T12:00:00Z", "2026-12-07T24:00:00Z", 1796644800])
def test_what_is_no_time_is_none(text: object) -> None:
    assert parse_time(text) is None


def test_the_models_read_times_through_it() -> None:
    assert (
        Task.from_dict({"task_id": "t", "status": "queued", "created_at": "2026-12-07 12:00:00+00:00"}).create_time
        == NOON
    )
    assert TaskUsageItem.from_dict({"task_id": "t", "created_at": "2026-12-07 13:00:00+01:00"}).created == NOON


def test_http_dates() -> None:
    assert parse_http_date("Mon, 07 Dec 2026 12:00:00 GMT") == NOON
    assert parse_http_date(None) is None and parse_http_date("soon") is None
