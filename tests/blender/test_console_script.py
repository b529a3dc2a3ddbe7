"""The headless script for real: ``python run_as_blender.py … console_pipeline.py`` in a subprocess.

The ``bpy`` module plays ``blender -b --online-mode --python console_pipeline.py``: a fresh Blender
process with its own user folders (``BLENDER_USER_RESOURCES``), the add-on installed in an
extension repository that is *not* the test suite's (``studio_tools``: the pipeline script's
repository-agnostic import must not care; the README's ``make_foxes.py`` imports
``bl_ext.user_default.tripo_blender``, so it runs in Blender's own ``user_default``), the key and server only
in the environment (``TRIPO_API_KEY``/``TRIPO_API_BASE_URL``), against an emulator this test starts. No timer ever
fires in that process: only ``Job.wait()`` moves the jobs along.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.emulator import TEST_KEY, Emulator

from .runtime_support import created
from .support import ADDON_ID, ROOT
from .test_console import PIPELINE, SCRIPTS, assert_landed

REPO_MODULE = "studio_tools"
SCRIPT_TIMEOUT = 300


def run_headless(
    script: Path, tmp: Path, emulator: Emulator, repo_module: str = REPO_MODULE
) -> subprocess.CompletedProcess[str]:
    """``blender -b --online-mode --python script`` played by the bpy module, in ``tmp``."""
    repo = tmp / "repo"
    repo.mkdir()
    (repo / ADDON_ID).symlink_to(ROOT / ADDON_ID, target_is_directory=True)
    env = {
        **os.environ,
        "BLENDER_USER_RESOURCES": str(tmp / "user"),
        "TRIPO_API_KEY": TEST_KEY,
        "TRIPO_API_BASE_URL": emulator.base_url,
    }
    env.pop("PYTHONPATH", None)  # the add-on must come from the extension repository, nowhere else
    return subprocess.run(
        [sys.executable, str(SCRIPTS / "run_as_blender.py"), repo_module, str(repo), str(script)],
        cwd=tmp,
        env=env,
        capture_output=True,
        text=True,
        timeout=SCRIPT_TIMEOUT,
    )


@pytest.fixture
def script_run(tmp_path: Path) -> dict[str, Any]:
    """Run the pipeline script in a new process; what it printed and what the emulator saw."""
    with Emulator() as emulator:
        proc = run_headless(PIPELINE, tmp_path, emulator)
        posts = [(r.path, r.json) for r in created(emulator)]
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    return {"proc": proc, "posts": posts, "result": json.loads(lines[-1][len("RESULT ") :]) if lines else None}


def _result(run: dict[str, Any]) -> dict[str, Any]:
    proc = run["proc"]
    assert proc.returncode == 0 and run["result"] is not None, (
        f"script failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    )
    return run["result"]  # type: ignore[no-any-return]


def test_headless_script_runs_text_rig_retarget(script_run: dict[str, Any]) -> None:
    result = _result(script_run)
    assert [kind for _, kind, _ in result["jobs"]] == ["retarget_animation", "rig_model", "text_to_model"]
    assert {state for _, _, state in result["jobs"]} == {"done"}
    assert result["model"]["objects"] and result["rig"]["parented_meshes"]
    posts = script_run["posts"]
    assert [path for path, _ in posts] == [
        "/v3/generation/text-to-model",
        "/v3/animations/rig",
        "/v3/animations/retarget",
    ]
    assert posts[1][1]["input"] == result["model"]["task"]
    assert posts[2][1]["input"] == result["rig"]["task"]
    assert_landed(result)
    proc = script_run["proc"]
    assert TEST_KEY not in proc.stdout + proc.stderr


def test_readme_headless_script_runs_as_documented(tmp_path: Path) -> None:
    """The README shows ``make_foxes.py`` verbatim; run that file the way the README says."""
    script = SCRIPTS / "make_foxes.py"
    assert f"```python\n{script.read_text()}```" in (ROOT / "README.md").read_text(), "README and script differ"
    with Emulator() as emulator:
        proc = run_headless(script, tmp_path, emulator, "user_default")
        posted = sorted(r.json["prompt"] for r in created(emulator, "text_to_model"))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert posted == ["a grey fox", "a red fox", "an arctic fox"]
    assert [line.split(" ->")[0] for line in proc.stdout.splitlines() if " -> [" in line] == [
        "a red fox",
        "a grey fox",
        "an arctic fox",
    ]
    assert "tripo: [3/3] done: " in proc.stdout, "the batch's progress lines reach the terminal"
    assert (tmp_path / "foxes.blend").is_file()
