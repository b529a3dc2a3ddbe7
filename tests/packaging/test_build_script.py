"""build.py's own logic (the ``tools`` package), in plain Python: manifest checks, zip contents, step selection.

Blender's validator runs on the real zip in tests/blender/test_package.py; these tests make sure
build.py catches the common mistakes *before* that, without Blender, and ships only what it should.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tools import manifest as manifest_checks
from tools import package, paths, steps, venvs


@pytest.fixture
def manifest() -> dict[str, Any]:
    return manifest_checks.load_manifest()


def test_repository_manifest_passes(manifest: dict[str, Any]) -> None:
    assert manifest_checks.manifest_errors(manifest) == []


@pytest.mark.parametrize(
    ("key", "value", "complaint"),
    [
        ("tagline", "Generate 3D models.", "punctuation"),
        ("tagline", "x" * 65, "at most 64"),
        ("version", "0.1", "semantic version"),
        ("blender_version_min", "4.2", "three numbers"),
        ("id", "tripo__blender", "'__'"),
        ("id", "tripo-blender", "identifier"),
        ("type", "addon", "'add-on' or 'theme'"),
        ("license", [], "non-empty list"),
        ("permissions", ["network", "files"], "table"),
        ("permissions", {"network": "Talk to the Tripo API."}, "punctuation"),
        ("permissions", {"internet": "Talk to the Tripo API"}, "unknown permission"),
        ("wheels", ["wheels/requests-2.34.2-py3-none-any.whl"], "./wheels/"),
        ("wheels", ["./wheels/numpy-1.26.4-cp311-cp311-manylinux_2_17_x86_64.whl"], "not pure Python"),
    ],
)
def test_invalid_values_are_reported(manifest: dict[str, Any], key: str, value: Any, complaint: str) -> None:
    errors = manifest_checks.manifest_errors({**manifest, key: value})
    assert len(errors) == 1 and complaint in errors[0], errors


def test_every_missing_required_key_is_reported(manifest: dict[str, Any]) -> None:
    errors = manifest_checks.manifest_errors({k: v for k, v in manifest.items() if k not in ("id", "maintainer")})
    assert errors == ["missing required key 'id'", "missing required key 'maintainer'"]


def test_wheel_requirement_pins_the_listed_version() -> None:
    assert package.wheel_requirement("certifi-2026.10.19.post1-py3-none-any.whl") == "certifi==2026.10.19.post1"
    assert package.wheel_requirement("charset_normalizer-3.5.3-py3-none-any.whl") == "charset_normalizer==3.5.3"


def test_package_files_skip_caches_and_editor_debris(tmp_path: Path) -> None:
    for name in [
        "__init__.py",
        "blender/ui.py",
        "__pycache__/x.cpython-311.pyc",
        "blender/old.pyc",
        ".DS_Store",
        "blender/.hidden/x.py",
        "notes.py~",
        "blender/a.blend1",
        "icons/logo.png",
    ]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    shipped = {p.relative_to(tmp_path).as_posix() for p in package.package_files(tmp_path)}
    assert shipped == {"__init__.py", "blender/ui.py", "icons/logo.png"}


@pytest.fixture
def offline_wheel_cache(manifest: dict[str, Any], tmp_path: Path) -> Path:
    """A cache already holding (stand-ins for) the manifest's wheels, so no download happens."""
    cache = tmp_path / "wheels"
    cache.mkdir()
    for name in package.manifest_wheel_names(manifest):
        (cache / name).write_bytes(name.encode())
    return cache


def test_zip_is_flat_and_reproducible(manifest: dict[str, Any], offline_wheel_cache: Path, tmp_path: Path) -> None:
    first = package.build_zip(tmp_path / "a", wheel_cache=offline_wheel_cache)
    second = package.build_zip(tmp_path / "b", wheel_cache=offline_wheel_cache)
    assert first.read_bytes() == second.read_bytes()
    names = zipfile.ZipFile(first).namelist()
    assert names[:2] == ["blender_manifest.toml", "__init__.py"]
    wheels = [n for n in names if n.startswith("wheels/")]
    assert wheels == [w.removeprefix("./") for w in manifest["wheels"]]
    assert not [n for n in names if n.startswith(("tripo_blender/", "tests/")) or "__pycache__" in n]


def test_missing_wheel_fails_with_the_file_name(offline_wheel_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """If pip saves something else than the manifest says, build stops and names the wheel."""

    class PipSavedNothing:
        returncode, stdout, stderr = 0, "", ""

    monkeypatch.setattr(package.subprocess, "run", lambda *a, **k: PipSavedNothing())
    with pytest.raises(paths.BuildError, match="requests-9.9.9-py3-none-any.whl"):
        package.fetch_wheels(["requests-9.9.9-py3-none-any.whl"], offline_wheel_cache)


def test_unfiltered_runs_must_collect_tests() -> None:
    """An empty pytest run only passes when the developer's own filter emptied it."""
    unfiltered = steps.select_steps({"client", "bpy", "types"}, [], fast=False)
    assert [s.name for s in unfiltered] == [
        "client",
        "bpy-4.2",
        "bpy-5.0",
        "bpy-5.3",
        "bpy-4.5-smoke",
        "bpy-5.1-smoke",
        "bpy-5.2-smoke",
        "types",
    ]
    assert not any(s.no_tests_ok for s in unfiltered)
    smoke = next(s for s in unfiltered if s.name == "bpy-4.5-smoke")
    assert smoke.args[smoke.args.index("-k") + 1] == steps.SMOKE_K
    filtered = steps.select_steps({"client"}, ["-k", "manifest"], fast=False)
    assert [s.no_tests_ok for s in filtered] == [True]


def test_a_failing_step_names_its_failing_tests_under_its_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """CI keeps only the tail of the output: the summary itself must say which test failed and why."""
    monkeypatch.setattr(steps, "LOG_DIR", tmp_path / "logs")
    sample = tmp_path / "test_sample.py"
    sample.write_text(
        "def test_right():\n    assert 1 + 1 == 2\n\ndef test_wrong():\n    assert 1 + 1 == 3, 'arithmetic broke'\n"
    )
    python = SimpleNamespace(python=Path(sys.executable))
    step = steps.Step(
        "sample",
        python,
        ["-m", "pytest", "-p", "no:cacheprovider", "-ra", str(sample)],  # type: ignore[arg-type]
        steps.pytest_summary,
    )
    result = steps.run_step(step)
    steps.print_summary([result], result.seconds)
    table = capsys.readouterr().out.split(" summary ")[-1]
    assert result.status == "FAIL" and "1 failed, 1 passed" in table
    assert "test_sample.py::test_wrong - AssertionError: arithmetic broke" in table
    assert "test_right" not in table


def test_a_bpy_row_says_whether_compress_was_offered_and_landed() -> None:
    """Only the version with the meshopt decoder can show the "offered → lands" half: the row says which."""
    output = (
        "blender: 5.3.0\n....\ncompress: Compress offered, a compressed result landed\n"
        "============ 380 passed in 80.1s ============\n"
    )
    assert (
        steps.pytest_summary(output)
        == "Blender 5.3.0; 380 passed in 80.1s; Compress offered, a compressed result landed"
    )


def test_fast_runs_newest_blender_without_packaging() -> None:
    selected = steps.select_steps({"bpy"}, [], fast=True)
    assert [s.name for s in selected] == ["bpy-5.0"]
    assert "not package and not whole_program" in selected[0].args


def test_fast_leaves_the_demo_and_benchmarks_to_the_full_run() -> None:
    fast = steps.select_steps({"client", "bpy"}, [], fast=True)
    assert all("whole_program" in " ".join(s.args) for s in fast), [s.args for s in fast]
    full = steps.select_steps({"client", "bpy"}, [], fast=False)
    assert not any("whole_program" in " ".join(s.args) for s in full), "the full run keeps them"


@pytest.fixture
def venv_sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Point the venv machinery (tools.venvs) at tmp_path; record setup commands instead of installing.

    "python -m venv" is simulated by linking the current interpreter as the venv's python.
    """
    for attr, sub in (("VENV_ROOT", "venvs"), ("REQUIREMENTS_DIR", "req"), ("LOG_DIR", "logs")):
        monkeypatch.setattr(venvs, attr, tmp_path / sub)
    (tmp_path / "req").mkdir()
    (tmp_path / "req" / "demo.txt").write_text("pytest==9.2.0\n")
    commands: list[list[str]] = []

    def fake_run(cmd: list[str], log_file: Path) -> None:
        commands.append(list(cmd))
        if cmd[1:3] == ["-m", "venv"]:
            python = Path(cmd[3]) / "bin" / "python"
            python.parent.mkdir(parents=True)
            python.symlink_to(sys.executable)

    monkeypatch.setattr(venvs, "run_logged", fake_run)
    return commands


def _actions(commands: list[list[str]]) -> list[str]:
    return ["venv" if c[1:3] == ["-m", "venv"] else "pip" for c in commands]


def test_venv_stamp_makes_second_run_free_and_tracks_requirements(
    venv_sandbox: list[list[str]], tmp_path: Path
) -> None:
    venv = venvs.Venv("demo")
    assert venvs.ensure_venv(venv) == "created"
    assert _actions(venv_sandbox) == ["venv", "pip"]

    venv_sandbox.clear()
    assert venvs.ensure_venv(venv) == "up to date"
    assert venv_sandbox == []

    (tmp_path / "req" / "demo.txt").write_text("pytest==9.2.0\nrequests==2.34.2\n")
    assert venvs.ensure_venv(venv) == "created"  # recreated: no stale package survives
    assert _actions(venv_sandbox) == ["venv", "pip"]


def test_venv_without_stamp_is_adopted(venv_sandbox: list[list[str]]) -> None:
    """A venv made by hand (or by an interrupted run) is completed with pip, not thrown away."""
    venv = venvs.Venv("demo")
    venvs.ensure_venv(venv)
    (venv.path / venvs.STAMP_NAME).unlink()
    venv_sandbox.clear()
    assert venvs.ensure_venv(venv) == "adopted"
    assert _actions(venv_sandbox) == ["pip"]
    assert venvs.ensure_venv(venv) == "up to date"


def test_missing_python_313_is_a_skip_with_how_to(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """bpy 5.1+ need CPython 3.13: found under PYENV_ROOT when it is not on PATH, else a reason."""
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path / "pyenv"))
    assert venvs.find_python((3, 13)) is None or sys.version_info[:2] == (3, 13)
    assert "pyenv install 3.13" in venvs.missing_python_reason((3, 13))
    fake = tmp_path / "pyenv/versions/3.13.1/bin/python3.13"
    fake.parent.mkdir(parents=True)
    fake.write_text("")
    if sys.version_info[:2] != (3, 13):
        assert venvs.find_python((3, 13)) == str(fake)
