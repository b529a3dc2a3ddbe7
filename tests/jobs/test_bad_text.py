"""Text the journal cannot write, and prompts that only look like keys: refused or accepted at the
call, before a job exists (no ghost job "waiting to be sent" forever)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.emulator import TEST_KEY, Emulator
from tests.jobs.conftest import Pump
from tripo_blender.client.config import redact
from tripo_blender.jobs import JobSpec, JobState, Runner

RELIABILITY_AREA = "Bad input"

MakeRunner = Callable[..., Runner]


@pytest.mark.parametrize("where", ["prompt", "name", "file_name"])
def test_text_the_journal_cannot_write_is_refused_before_the_job_exists(
    where: str, emulator: Emulator, make_runner: MakeRunner
) -> None:
    runner = make_runner()
    bad = "a \udc80 cat"  # a lone surrogate: what a non-UTF-8 file name decodes to
    if where == "prompt":
        spec = lambda: JobSpec("text_to_model", {"prompt": bad})  # noqa: E731
    elif where == "name":
        spec = lambda: JobSpec("text_to_model", {"prompt": "a cat"}, name=bad)  # noqa: E731
    else:
        spec = lambda: JobSpec("image_to_model", {"image": f"/tmp/{bad}.png"})  # noqa: E731
    with pytest.raises(ValueError, match="cannot be saved"):
        runner.submit(spec())
    assert runner.jobs() == [] and emulator.requests == []


def test_a_prompt_beginning_with_tsk_is_a_prompt(emulator: Emulator, make_runner: MakeRunner) -> None:
    runner = make_runner()
    job = runner.submit(JobSpec("text_to_model", {"prompt": "tsk_bot warrior"}))
    assert Pump(runner).until_state(job.id, JobState.DONE).state == JobState.DONE
    with pytest.raises(ValueError, match="API key"):
        JobSpec("text_to_model", {"prompt": f"my key {TEST_KEY}"})


ODD_KEY = "tsk_odd\"'<>(key)[x]{y};z,&tail0000"


@pytest.mark.parametrize(
    "text",
    [
        f"echo {TEST_KEY}",
        f"echo {ODD_KEY} end",
        "tsk%5Femulator_test_key_0000000000",
        "k=tsk%5Fodd%22%27%3C%3E%28key%29%5Bx%5D%7By%7D%3Bz%2C%26tail0000",
        f"Authorization: Bearer {TEST_KEY}",
    ],
)
def test_redact_hides_every_character_of_a_key_in_use(text: str) -> None:
    from tripo_blender.client import TripoClient

    TripoClient(api_key=ODD_KEY, base_url="http://127.0.0.1:9").close()  # the key in use: known to redact()
    out = redact(text)
    assert "emulator_test" not in out and "tail0000" not in out and "(key)" not in out and "%28key" not in out


def test_a_key_format_message_is_not_mangled_by_redaction() -> None:
    assert redact("The API key must start with 'tsk_'.") == "The API key must start with 'tsk_'."
