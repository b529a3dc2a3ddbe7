"""Keys: a server, proxy or error page that echoes the API key must not get it into a job's error,
the journal, the log or the row — redacted at one boundary (the job book), whatever the field."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.emulator import TEST_KEY, Emulator
from tests.jobs.conftest import Pump, journal_files
from tripo_blender.jobs import JobSpec, JobState, Runner

RELIABILITY_AREA = "Keys"

MakeRunner = Callable[..., Runner]
TEXT = JobSpec("text_to_model", {"prompt": "a small wooden chair"}, name="Chair")
SECRET = TEST_KEY[len("tsk_") :]


def _nowhere(tmp_path: Path, runner: Runner, caplog: pytest.LogCaptureFixture) -> None:
    assert SECRET not in "".join(journal_files(tmp_path).values())
    assert SECRET not in caplog.text
    for job in runner.jobs():
        assert SECRET not in repr(job)


def test_a_key_echoed_in_the_trace_id_header_and_message(
    tmp_path: Path, emulator: Emulator, make_runner: MakeRunner, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    emulator.inject(
        "POST /v3/generation/", status=400, code=1004, message=f"bad request from {TEST_KEY}", trace_id=TEST_KEY
    )
    runner = make_runner()
    job = runner.submit(TEXT)
    failed = Pump(runner).until_state(job.id, JobState.FAILED)
    assert failed.error is not None and failed.error.trace_id
    _nowhere(tmp_path, runner, caplog)


def test_a_key_echoed_in_a_failed_tasks_error_msg(
    tmp_path: Path, emulator: Emulator, make_runner: MakeRunner, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    emulator.set_outcome("failed", error_message=f"worker saw Authorization: Bearer {TEST_KEY}")
    runner = make_runner()
    job = runner.submit(TEXT)
    failed = Pump(runner).until_state(job.id, JobState.FAILED)
    assert failed.error is not None and "worker saw" in failed.error.message
    _nowhere(tmp_path, runner, caplog)


def test_the_jobs_logger_redacts_what_it_is_given(caplog: pytest.LogCaptureFixture) -> None:
    import tripo_blender.jobs.book  # noqa: F401 - attaches the filter

    caplog.set_level(logging.INFO, logger="tripo_blender.jobs")
    logging.getLogger("tripo_blender.jobs").warning("echoed %s", TEST_KEY)
    assert SECRET not in caplog.text and "tsk_***" in caplog.text


def test_a_key_pasted_with_a_trailing_newline_is_refused_before_anything_is_sent(emulator: Emulator) -> None:
    from tripo_blender.client import TripoClient

    with pytest.raises(ValueError, match="contains whitespace") as info:
        TripoClient(api_key=TEST_KEY + "\n", base_url=emulator.base_url)
    assert SECRET not in str(info.value) and emulator.requests == []
