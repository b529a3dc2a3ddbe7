"""What each ``build.py`` command does; ``build.py`` itself only parses the command line and dispatches.

Every command takes the parsed ``argparse.Namespace`` (with ``extra``: the arguments passed on to
pytest, the emulator, the demo or the benchmarks) and returns the process exit code.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import importlib
import subprocess
import sys
import time
from pathlib import Path

from tools.package import build_zip
from tools.paths import ROOT, BuildError
from tools.steps import StepResult, parse_only, prepare_window_host, print_summary, run_step, select_steps, timed
from tools.venvs import BPY_50, CLIENT, ensure_venvs, find_python, missing_python_reason


def cmd_test(args: argparse.Namespace) -> int:
    """Prepare venvs, build the zip, run every test step; non-zero exit if anything failed."""
    started = time.monotonic()
    only = parse_only(args.only)
    pytest_args = (["-k", args.k] if args.k else []) + args.extra
    steps = select_steps(only, pytest_args, args.fast)
    results: list[StepResult] = []
    # Versions whose Python is missing are skipped with the reason, not failed (bpy 5.1+ need 3.13).
    runnable = [step for step in steps if find_python(step.venv.python_version)]
    results += [
        StepResult(step.name, "SKIP", 0.0, missing_python_reason(step.venv.python_version))
        for step in steps
        if step not in runnable
    ]
    steps = runnable
    venvs = list(dict.fromkeys(step.venv for step in steps))

    def prepare() -> str:
        ensure_venvs(venvs)
        return f"{len(venvs)} ready"

    setup = timed("venvs", prepare)
    results.append(setup)
    if setup.status == "PASS":
        # The packaging tests of the bpy and ui runs reuse the wheels this step caches; fetching them
        # here first keeps parallel runs from downloading into the same cache at once.
        if not args.fast and only & {"build", "bpy", "ui"}:
            results.append(timed("build", lambda: str(build_zip().relative_to(ROOT))))
        # debootstrap on the host once, before the window steps run side by side (one dpkg lock)
        host, steps = prepare_window_host(steps)
        results += host
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            results += list(pool.map(run_step, steps))
    print_summary(results, time.monotonic() - started)
    return 0 if all(r.status in ("PASS", "NONE", "SKIP") for r in results) else 1


def cmd_build(args: argparse.Namespace) -> int:
    """Write the installable zip into ``--dist``."""
    out = build_zip(Path(args.dist))
    print(out)
    return 0


def cmd_emulator(args: argparse.Namespace) -> int:
    """Run the Tripo emulator (stdlib only, so this interpreter will do) until Ctrl-C."""
    sys.path.insert(0, str(ROOT))
    try:
        # Imported by name so that mypy's check of build.py does not pull the emulator (tests/) in.
        emulator = importlib.import_module("tests.emulator.__main__")
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith("tests"):
            raise
        raise BuildError(f"the emulator is missing from this checkout ({exc})") from exc
    return int(emulator.main(args.extra) or 0)


def cmd_demo(args: argparse.Namespace) -> int:
    """The main job end to end: a prompt becomes a model in ``demo-out/demo.blend`` and ``demo.png``.

    Runs ``tests/demo`` in the bpy 5.0 venv (Blender as a module, headless) against the bundled
    emulator; ``--live`` (with ``TRIPO_API_KEY``) uses the real API. ``args.extra`` is passed on.
    """
    ensure_venvs([BPY_50])
    return subprocess.run([str(BPY_50.python), "-m", "tests.demo", *args.extra], cwd=ROOT, check=False).returncode


def cmd_bench(args: argparse.Namespace) -> int:
    """Every speed promise against its baseline (``bench/run.py``: one table, bench/results.json)."""
    ensure_venvs([CLIENT, BPY_50])
    return subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), *args.extra], cwd=ROOT, check=False
    ).returncode
