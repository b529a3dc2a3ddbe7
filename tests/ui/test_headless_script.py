"""The README's headless script in Debian's real Blender: ``blender -b --online-mode --python make_foxes.py``.

The zip is installed the way a studio would script it (``blender --command extension install-file
--enable``) into a fresh profile where online access is off and no key is set; the key and the
emulator's URL come from ``TRIPO_API_KEY``/``TRIPO_API_BASE_URL``, online access from
``--online-mode``. ``-b`` has no event loop, so no timer fires (``headless_probe.py`` counts): the
three generations can only be imported because ``batch()``/``Job.wait()`` run the add-on's
main-thread work themselves. See conftest.py for how the run is made. That the file is the one
the README shows is checked by tests/blender/test_console_script.py.
"""

from __future__ import annotations

from tests.emulator import TEST_KEY

from .conftest import Headless

PROMPTS = ["a red fox", "a grey fox", "an arctic fox"]  # what make_foxes.py asks for


def failure(run: Headless) -> str:
    return f"install rc={run.install_returncode}, run rc={run.returncode}:\n{run.output[-4000:]}"


def test_readme_script_runs_in_background_blender(headless: Headless) -> None:
    assert headless.install_returncode == 0, failure(headless)
    assert headless.returncode == 0, failure(headless)
    report = headless.report
    assert report, "the probe after the script never ran\n" + failure(headless)
    assert report["background"] is True
    assert report["online_access"] is True, "--online-mode did not allow online access for the run"
    assert "/extensions/user_default/tripo_blender/" in report["addon_file"]
    assert "/extensions/.local/" in report["requests_file"], "requests came from elsewhere than the zip's wheels"


def test_jobs_finish_and_import_without_any_timer(headless: Headless) -> None:
    report = headless.report
    assert report, failure(headless)
    assert report["timer_ticks"] == 0, "a timer fired in -b mode: this run proves nothing about Job.wait()"
    assert sorted(job["name"] for job in report["jobs"]) == sorted(PROMPTS)
    assert {job["state"] for job in report["jobs"]} == {"done"}, report["jobs"]
    tagged = report["tagged_objects"]
    assert set(tagged) == {job["task_id"] for job in report["jobs"]}, "not every finished task is in the scene"
    assert all(job["objects"] for job in report["jobs"])
    assert sorted(p["prompt"] for p in headless.posts) == sorted(PROMPTS), "one POST per prompt, no resend"


def test_script_output_and_saved_file(headless: Headless) -> None:
    """What the user sees: one line per fox with its objects, the batch's progress, and foxes.blend."""
    assert headless.returncode == 0, failure(headless)
    lines = [line for line in headless.output.splitlines() if " -> [" in line]
    assert [line.split(" ->")[0] for line in lines] == PROMPTS, headless.output[-3000:]
    assert all("[]" not in line for line in lines), "a fox was reported with no objects"
    assert "tripo: [3/3] done: " in headless.output
    assert headless.work_files == ["foxes.blend"]
    assert headless.report["saved_as"].endswith("/work/foxes.blend")
    finished = sorted(job["task_id"] for job in headless.report["jobs"])
    assert headless.saved_tasks == finished, "foxes.blend, opened again, does not hold the three models"
    assert TEST_KEY not in headless.output
