"""Every output file of a finished task reaches the cache, also when there are several and when
their links have expired: the engine end to end (real emulator over HTTP, real client, the Pump).

Tripo's links expire about five minutes after a task finishes (its JS and Rust READMEs); a
retarget of several animations may answer one file per animation (``output.model_urls``). A paid
task must never fail for either: the files are all downloaded (complete, verified, atomic, in the
task's cache folder), and an expired link is answered by reading the task again — free — never by
sending the paid request again.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.emulator import TEST_KEY, Emulator, glb
from tests.jobs.conftest import Pump, post_task_count
from tripo_blender.client import TripoClient
from tripo_blender.jobs import JobSpec, JobState, Journal, Runner

RELIABILITY_AREA = "Lost or half work"

MakeRunner = Callable[..., Runner]
PRESETS = ["preset:walk", "preset:run"]


@pytest.fixture
def rig_task(emulator: Emulator) -> str:
    """A finished rig task (made directly: the retarget job is what is tested)."""
    with TripoClient(api_key=TEST_KEY, base_url=emulator.base_url) as client:
        model = client.wait_for_task(client.text_to_model("a fox"), polling_interval=0.01).task_id
        return client.wait_for_task(client.rig_model(model), polling_interval=0.01).task_id


def retarget(rig_task: str, presets: list[str] = PRESETS) -> JobSpec:
    return JobSpec(
        "retarget_animation",
        {"original_model_task_id": rig_task, "animation": presets},
        name="Animate Fox",
        meta={"presets": presets},
    )


def the_task(emulator: Emulator, task_type: str) -> str:
    (task_id,) = [t for t, view in emulator.tasks.items() if view["type"] == task_type]
    return task_id


def animations_in(files: dict[str, str]) -> list[list[str]]:
    """The animation names of each downloaded model file, in ``model``, ``model_2``… order."""
    keys = sorted((k for k in files if k.startswith("model")), key=lambda k: (k != "model", k))
    return [glb.animation_names(Path(files[k]).read_bytes()) for k in keys]


def re_reads(emulator: Emulator, task_id: str) -> int:
    """``GET /v3/tasks/{id}`` requests: the free re-read that gets fresh links."""
    return len(emulator.requests_to("GET", f"/v3/tasks/{task_id}"))


@pytest.mark.parametrize("shape", ["model_urls", "both"])
def test_a_retarget_answered_with_one_file_per_animation_downloads_every_file(
    tmp_path: Path, emulator: Emulator, make_runner: MakeRunner, rig_task: str, shape: str
) -> None:
    """A retarget answered with one file per animation (with or without model_url) downloads each, once"""
    emulator.retarget_files = shape
    runner = make_runner()
    pump = Pump(runner)
    job = runner.submit(retarget(rig_task))
    done = pump.until_state(job.id, JobState.DONE, JobState.FAILED)
    assert done.state == JobState.DONE, done.error
    assert animations_in(dict(done.files)) == [["walk"], ["run"]], "every animation's file, in request order"
    folder = tmp_path / "cache" / done.task_id  # type: ignore[operator]
    assert sorted(p.name for p in folder.iterdir()) == sorted(Path(p).name for p in done.files.values()), (
        "all in the task's folder, nothing half-written beside them"
    )
    assert all(Path(p).parent == folder for p in done.files.values())
    fetched = [r.path.rsplit("/", 1)[-1] for r in emulator.cdn_requests if r.path.endswith(".glb")]
    assert fetched == [f"tripo_retarget_{n}_{done.task_id}.glb" for n in ("walk", "run")], "never the bundle too"
    assert pump.imported[job.id] == dict(done.files)
    assert post_task_count(emulator) == 3, "text, rig, retarget: nothing sent twice"


@pytest.mark.parametrize("when", ["same session", "after a restart"])
def test_an_expired_link_is_renewed_by_reading_the_task_never_by_sending_it_again(
    tmp_path: Path, emulator: Emulator, make_runner: MakeRunner, rig_task: str, when: str
) -> None:
    """Links expired before the download (also after a restart): the task is read again for fresh ones, never re-sent"""
    emulator.retarget_files = "model_urls"
    emulator.expire_links_after(300)
    emulator.inject("CDN", late=301)  # the first download starts after the links ran out
    if when == "after a restart":
        emulator.set_timing(run_seconds=1000)
        first = make_runner()
        job = first.submit(retarget(rig_task))
        Pump(first).until_state(job.id, JobState.RUNNING)
        first.shutdown()  # Blender quits while Tripo works
        (saved,) = Journal(tmp_path / "journal").load_all()
        assert saved.state == JobState.RUNNING and saved.task_id
        emulator.advance(2000)  # the task finished while Blender was closed
        runner = make_runner()
        runner.resume()
    else:
        runner = make_runner()
        job = runner.submit(retarget(rig_task))
    done = Pump(runner).until_state(job.id, JobState.DONE, JobState.FAILED)
    assert done.state == JobState.DONE, done.error
    task_id = the_task(emulator, "animate_retarget")
    assert animations_in(dict(done.files)) == [["walk"], ["run"]]
    statuses = [r.status for r in emulator.cdn_requests if f"/{task_id}/" in r.path]
    assert statuses == [403, 200, 200], "refused once for an expired link, then every file with fresh links"
    assert re_reads(emulator, task_id) == 1, "one free GET /v3/tasks/{id}"
    assert post_task_count(emulator) == 3, "the paid retarget was sent once"


@pytest.mark.parametrize("status", [403, 410])
def test_links_that_are_not_renewed_fail_the_download_saying_so_and_retry_is_free(
    emulator: Emulator, make_runner: MakeRunner, rig_task: str, status: int
) -> None:
    """Links that stay expired fail the download with a reason; Retry downloads for free once they work"""
    emulator.expire_links_after(300, renew=False, status=status)
    emulator.inject("CDN", late=301)
    runner = make_runner(max_retries=0)
    pump = Pump(runner)
    job = runner.submit(retarget(rig_task))
    failed = pump.until_state(job.id, JobState.FAILED, JobState.DONE)
    assert failed.state == JobState.FAILED and failed.task_status == "success"
    assert failed.error is not None and "expire about 5 minutes after a task finishes" in failed.error.message
    assert f"HTTP {status}" in failed.error.message and "without a new charge" in (failed.error.suggestion or "")
    assert not failed.retry_resends, "the task is fine: Retry only downloads"
    task_id = the_task(emulator, "animate_retarget")
    assert re_reads(emulator, task_id) >= 1
    assert list(runner.cache.folder(task_id).glob("*")) == [], "nothing half-downloaded is left"

    emulator.expire_links_after(300)  # Tripo hands out working links again
    runner.retry(job.id)
    done = pump.until_state(job.id, JobState.DONE, JobState.FAILED)
    assert done.state == JobState.DONE, done.error
    assert animations_in(dict(done.files)) == [["walk", "run"]]
    assert post_task_count(emulator) == 3, "the paid retarget was sent once"
