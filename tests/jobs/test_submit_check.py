"""The one validation before queueing: ``Runner.submit`` checks every job by its route's record.

Whoever builds the ``JobSpec`` — the console, the panel, a menu dialog or a script writing one by
hand — what the client would refuse before sending is refused at submit, with nothing queued,
journaled or sent; and what Tripo's own sources disagree on is sent, and the service's free
refusal comes back on the job saying which source said what.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.emulator import Emulator
from tests.jobs.conftest import Pump, journal_files, post_task_count
from tripo_blender.jobs import JobSpec, JobState, Runner

MakeRunner = Callable[..., Runner]
TASK = "11111111-2222-3333-4444-555555555555"


@pytest.mark.parametrize(
    ("kind", "params", "error", "message"),
    [
        (
            "text_to_model",
            {"prompt": "a cat", "model_version": "P1-20260311", "quad": True},
            ValueError,
            "quad is not supported by model_version 'P1-20260311'",
        ),
        ("text_to_model", {"prompt": "a cat", "colour": "red"}, TypeError, "colour"),
        ("image_to_model", {"image": "/nonexistent/cat.png"}, FileNotFoundError, "does not exist"),
        ("texture_model", {"original_model_task_id": TASK, "delight": True}, ValueError, "delight needs"),
        ("convert_model", {"original_model_task_id": TASK}, TypeError, "missing required argument: 'format'"),
    ],
)
def test_a_raw_spec_the_client_would_refuse_is_refused_at_submit(
    tmp_path: Path,
    emulator: Emulator,
    make_runner: MakeRunner,
    kind: str,
    params: dict[str, Any],
    error: type[Exception],
    message: str,
) -> None:
    runner = make_runner()
    with pytest.raises(error, match=message):
        runner.submit(JobSpec(kind, params, name="Bad"))
    assert runner.jobs() == [] and journal_files(tmp_path) == {}
    assert emulator.requests == [], "nothing sent, not even an upload"


def test_p2_with_an_option_nobody_clears_is_sent_and_the_free_refusal_says_who_said_what(
    emulator: Emulator, make_runner: MakeRunner
) -> None:
    """S4: the add-on does not refuse smart_low_poly on P2 by guesswork; the (emulated) service
    answers 1004 — nothing charged — and the job's error says what Tripo's sources say."""
    runner = make_runner()
    pump = Pump(runner)
    job = runner.submit(
        JobSpec(
            "text_to_model", {"prompt": "a cat", "model_version": "P2-20260801", "smart_low_poly": True}, name="Cat"
        )
    )
    failed = pump.until_state(job.id, JobState.FAILED)
    assert failed.error is not None and failed.error.code == 1004
    assert "P1 rejects it and say nothing of P2" in failed.error.message
    assert "without smart_low_poly" in (failed.error.suggestion or "")
    assert post_task_count(emulator) == 1 and emulator.tasks == {}, "sent once, refused, nothing created"


def test_p2_with_quad_is_sent_and_lands_as_the_fbx_tripo_makes(make_runner: MakeRunner) -> None:
    runner = make_runner()
    pump = Pump(runner)
    job = runner.submit(
        JobSpec("text_to_model", {"prompt": "a cat", "model_version": "P2-20260801", "quad": True}, name="Quad cat")
    )
    done = pump.until_state(job.id, JobState.DONE)
    assert Path(pump.imported[job.id]["model"]).suffix == ".fbx", "the extension is the URL's"
    assert done.estimated_cost is None, "P2 has no published price"
