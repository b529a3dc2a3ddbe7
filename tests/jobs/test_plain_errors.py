"""A failed job's first sentence is plain words for the failures an artist meets most; the route,
host and HTTP status stay in the error's ``detail`` (Copy Details), never in the row's first line."""

from __future__ import annotations

import pytest

from tripo_blender.client import TripoAPIError, TripoRequestError
from tripo_blender.jobs.model import JobError
from tripo_blender.jobs.plain_errors import job_error

ROUTE = "POST /v3/generation/text-to-model"


@pytest.mark.parametrize(
    ("exc", "first"),
    [
        (
            TripoRequestError(
                0,
                f"{ROUTE}: could not connect to api.tripo3d.ai (ConnectionError). Check the network or proxy.",
                cause="connect",
            ),
            "No connection to Tripo — check your network",
        ),
        (
            TripoRequestError(
                0,
                f"{ROUTE}: no answer from api.tripo3d.ai in time (read timeout)",
                may_have_reached_server=True,
                cause="timeout",
            ),
            "Tripo did not answer in time",
        ),
        (TripoAPIError(2, "Authentication failed", "Check your API key", status_code=401), "Tripo refused the API key"),
        (TripoAPIError(1002, "Invalid key", status_code=403), "Tripo refused the API key"),
        (TripoAPIError(2010, "You don't have enough credit", status_code=403), "Not enough Tripo credits"),
        (TripoAPIError(2000, "Too many tasks", status_code=429), "Tripo is busy"),
        (TripoAPIError(1000, "Internal error", status_code=500), "Tripo's server had a problem"),
        (
            TripoRequestError(
                502,
                "api.tripo3d.ai answered HTTP 502 Bad Gateway with a non-Tripo response (text/html)",
                may_have_reached_server=True,
            ),
            "Tripo's server had a problem",
        ),
    ],
)
def test_common_failures_lead_with_plain_words_and_keep_the_technical_text(exc: Exception, first: str) -> None:
    error = job_error(exc)
    assert error.message.startswith(first), error.message
    assert "/v3/" not in error.message and "HTTP" not in error.message and "error 2" not in error.message
    assert error.detail and str(exc) in error.detail  # what support needs, for Copy Details
    assert JobError.from_dict(error.to_dict()) == error, "the journal keeps both"


def test_a_specific_api_message_is_kept_as_it_is() -> None:
    error = job_error(TripoAPIError(1004, "The prompt is too long (max 1024 characters)", status_code=400))
    assert (error.message, error.code, error.detail) == ("The prompt is too long (max 1024 characters)", 1004, None)
