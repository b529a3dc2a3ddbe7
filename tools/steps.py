"""The steps of ``build.py test``: which pytest/mypy runs, running them side by side, the summary table.

Each step is one command in one venv; its output is streamed with a ``[step]`` prefix and kept in
``build/logs/<step>.log``, which the summary row (versions, pass/fail counts) is read from.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from tools.debian_root import RELEASES, ensure_debootstrap, windows_unavailable_reason
from tools.paths import LOG_DIR, ROOT, BuildError, log
from tools.venvs import BPY_42, BPY_45, BPY_50, BPY_51, BPY_52, BPY_53, CLIENT, LINT, TYPECHECK, Venv

PYTEST_NO_TESTS = 5  # pytest's exit code for "no tests were collected/selected"
STEP_GROUPS = ("client", "bpy", "types", "lint", "build", "ui")
#: Which Debian release's Blender a tests/ui run uses (suite or Blender series; default trixie).
UI_RELEASE_ENV = "TRIPO_UI_DEBIAN"


@dataclass
class StepResult:
    """Outcome of one step, for the summary table."""

    name: str
    status: str  # PASS, FAIL, SKIP (cannot run here), NONE (nothing selected by a filter)
    seconds: float
    detail: str = ""
    failures: list[str] = field(default_factory=list)  # pytest's "FAILED test - reason" lines


@dataclass
class Step:
    """A command run in one venv from the repo root.

    ``pytest``: the step is a pytest run, so exit code 5 means "nothing collected"; ``no_tests_ok``
    says whether that is acceptable (only when the developer filtered the run).
    """

    name: str
    venv: Venv
    args: list[str]
    summarize: Callable[[str], str]
    pytest: bool = True
    no_tests_ok: bool = False
    env: dict[str, str] = field(default_factory=dict)  # added to the environment of the command


# Full suite on the oldest (4.2 LTS), the demo's (5.0) and the newest (5.3); the smoke subset on
# the versions between keeps a cold `build.py test` under 30 min on 2 cores. The subset covers
# what differs between Blender versions: enabling the extension and its environment (numpy,
# glTF importer, meshopt probe), generate → import, rig → retarget landing, and the menus.
BPY_FULL = (BPY_42, BPY_50, BPY_53)
BPY_SMOKE = (BPY_45, BPY_51, BPY_52)
SMOKE_MODULES = (
    "test_addon",
    "test_environment",
    "test_importer",
    "test_generate_ops",
    "test_rigging",
    "test_context_menu",
    "test_policy",
)
SMOKE_K = " or ".join(SMOKE_MODULES)
PYTEST_SUMMARY_RE = re.compile(r"^=+ (.*\d+ (?:passed|failed|error|errors|skipped|deselected).*) =+$", re.M)
BLENDER_HEADER_RE = re.compile(r"^blender: (.+)$", re.M)
COMPRESS_FACT_RE = re.compile(r"^compress: (.+)$", re.M)  # tests/blender/conftest.py: pytest_terminal_summary
MYPY_SUMMARY_RE = re.compile(r"^(Success: .*|Found \d+ errors? .*)$", re.M)
LINT_SUMMARY_RE = re.compile(r"^lint: (.*)$", re.M)  # tools/lint.py's last line
FAILED_RE = re.compile(r"^(?:FAILED|ERROR) .*$", re.M)
SHOWN_FAILURES = 10


def pytest_summary(output: str) -> str:
    """The last ``=== N passed in Xs ===`` line, plus the Blender version the conftest reports."""
    parts = []
    if blender := BLENDER_HEADER_RE.search(output):
        parts.append(f"Blender {blender.group(1).strip()}")
    if results := PYTEST_SUMMARY_RE.findall(output):
        parts.append(results[-1])
    if compress := COMPRESS_FACT_RE.search(output):
        parts.append(compress.group(1).strip())
    return "; ".join(parts)


def mypy_summary(output: str) -> str:
    """mypy's closing line."""
    found = MYPY_SUMMARY_RE.findall(output)
    return found[-1] if found else ""


def lint_summary(output: str) -> str:
    """tools/lint.py's closing line: the findings of ruff, ruff format and vulture."""
    found = LINT_SUMMARY_RE.findall(output)
    return found[-1] if found else ""


#: pytest-xdist workers of the fast loop. Most tests wait on the emulator's clock or on a thread,
#: not on a CPU, so more workers than this machine's two CPUs still shorten the loop; the full
#: run keeps one process per step (its steps already run side by side).
FAST_CLIENT_WORKERS = 4
FAST_BPY_WORKERS = 3


def select_steps(only: set[str], pytest_args: list[str], fast: bool) -> list[Step]:
    """The steps selected by ``--only``/``--fast``; the bpy tests run once per Blender version.

    ``ui`` is one step per Debian release (``ui-4.3``, ``ui-5.2``: one real window each, the same
    tests/ui run in each). They come first: on a cold machine they spend a minute or two
    downloading Debian packages, which overlaps best with the CPU-bound steps. ``--fast`` leaves
    them out, and the tests marked ``package`` or ``whole_program`` (pyproject.toml), and runs
    the client and bpy tests on pytest-xdist workers (:data:`FAST_CLIENT_WORKERS`).

    With a user filter (``-k``, paths…) selecting nothing is legitimate; without one, an empty run
    means tests silently vanished (broken conftest, wrong venv) and counts as a failure.
    """
    filtered = bool(pytest_args)
    # The fast loop leaves out what runs a whole program (demo, benchmarks) and the packaging tests:
    # the full run has them.
    client_args = (["-m", "not whole_program", "-n", str(FAST_CLIENT_WORKERS)] if fast else []) + pytest_args
    bpy_args = (["-m", "not package and not whole_program", "-n", str(FAST_BPY_WORKERS)] if fast else []) + pytest_args

    def pytest_step(venv: Venv, *args: str, name: str | None = None, env: dict[str, str] | None = None) -> Step:
        # One cache dir per step: parallel runs must not overwrite each other's --lf data.
        name = name or venv.name
        argv = ["-m", "pytest", "-o", f"cache_dir=.pytest_cache/{name}", *args]
        return Step(name, venv, argv, pytest_summary, no_tests_ok=filtered, env=env or {})

    steps = []
    if "ui" in only and not fast:
        steps += [
            pytest_step(
                CLIENT, "tests/ui", *pytest_args, name=f"ui-{release.blender}", env={UI_RELEASE_ENV: release.suite}
            )
            for release in RELEASES
        ]
    if "client" in only:
        steps.append(pytest_step(CLIENT, "tests", "--ignore=tests/blender", "--ignore=tests/ui", *client_args))
    if "bpy" in only:
        # A user's -k replaces the smoke selection (pytest keeps the last -k).
        smoke = [] if "-k" in pytest_args else ["-k", SMOKE_K]
        steps += [pytest_step(venv, "tests/blender", *bpy_args) for venv in ([BPY_50] if fast else BPY_FULL)]
        if not fast:
            steps += [
                pytest_step(venv, "tests/blender", *smoke, *bpy_args, name=f"{venv.name}-smoke") for venv in BPY_SMOKE
            ]
    if "types" in only:
        steps.append(Step("types", TYPECHECK, ["-m", "mypy"], mypy_summary, pytest=False))
    if "lint" in only:  # a few seconds, so the fast loop has it too
        steps.append(Step("lint", LINT, ["-m", "tools.lint"], lint_summary, pytest=False))
    return steps


_print_lock = threading.Lock()


def run_step(step: Step) -> StepResult:
    """Run a step from the repo root, streaming its output prefixed with the step name.

    The output also goes to ``build/logs/<step>.log``, which the summary is parsed from and which
    stays readable after a parallel run interleaved the terminal lines.
    """
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log_path = LOG_DIR / f"{step.name}.log"
    cmd = [str(step.venv.python), *step.args]
    # pytest cuts its "FAILED test - reason" lines to the terminal's width (80 in a pipe)
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200", **step.env}
    started = time.monotonic()
    with log_path.open("w", encoding="utf-8") as log_file:
        shown_env = "".join(f"{k}={v} " for k, v in step.env.items())
        log_file.write(f"$ {shown_env}{' '.join(cmd)}\n")
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace"
        )
        assert proc.stdout is not None
        for line in proc.stdout:
            log_file.write(line)
            with _print_lock:
                sys.stdout.write(f"[{step.name}] {line}")
                sys.stdout.flush()
        rc = proc.wait()
    output = log_path.read_text(encoding="utf-8")
    seconds = time.monotonic() - started
    if rc == PYTEST_NO_TESTS and step.pytest:
        status = "NONE" if step.no_tests_ok else "FAIL"
        return StepResult(step.name, status, seconds, "no tests collected/selected")
    detail = step.summarize(output) or f"exit code {rc}"
    # The failing tests' names under the row: a CI log that keeps only its tail still says which.
    failures = FAILED_RE.findall(output)[:SHOWN_FAILURES] if rc != 0 and step.pytest else []
    return StepResult(step.name, "PASS" if rc == 0 else "FAIL", seconds, detail, failures)


def timed(name: str, action: Callable[[], str]) -> StepResult:
    """Run an in-process step, turning a BuildError into a FAIL row instead of a crash."""
    started = time.monotonic()
    try:
        detail = action()
        return StepResult(name, "PASS", time.monotonic() - started, detail)
    except BuildError as exc:
        log.error("%s failed: %s", name, exc)
        return StepResult(name, "FAIL", time.monotonic() - started, str(exc).splitlines()[0])


def is_window_step(step: Step) -> bool:
    """Whether ``step`` runs a real Blender window (a tests/ui run in a Debian root)."""
    return UI_RELEASE_ENV in step.env


def prepare_window_host(steps: Sequence[Step]) -> tuple[list[StepResult], list[Step]]:
    """Install what the window steps need on the host, once, before the steps run side by side.

    Returns the rows to show and the steps still to run. Both window steps used to install
    debootstrap themselves, at the same time: one lost the host's dpkg lock and its window skipped
    nearly everything while the row said PASS. Now the host is prepared here, alone; a machine
    that cannot run windows at all (not root, no apt-get) gets a SKIP row and the window steps
    skip themselves with the same reason; a machine that can but failed to install gets a FAIL
    row, and each window step a FAIL row with the reason instead of running.
    """
    windows = [step for step in steps if is_window_step(step)]
    if not windows:
        return [], list(steps)
    if reason := windows_unavailable_reason():
        return [StepResult("debootstrap", "SKIP", 0.0, reason)], list(steps)
    setup = timed("debootstrap", lambda: f"{ensure_debootstrap()} ready")
    if setup.status == "PASS":
        return [setup], list(steps)
    failed = [
        StepResult(step.name, "FAIL", 0.0, f"not run: the host could not be prepared ({setup.detail})")
        for step in windows
    ]
    return [setup, *failed], [step for step in steps if step not in windows]


def print_summary(results: Sequence[StepResult], total_seconds: float) -> None:
    """The table a developer reads at the end of ``test``."""
    print("\n" + "=" * 30 + " summary " + "=" * 30)
    for result in results:
        print(f"  {result.status:<4}  {result.name:<13} {result.seconds:6.1f} s  {result.detail}")
        for failure in result.failures:
            print(f"          {failure[:300]}")
    logs = LOG_DIR.relative_to(ROOT) if LOG_DIR.is_relative_to(ROOT) else LOG_DIR
    print(f"  total {total_seconds:.1f} s; logs in {logs}/")


def parse_only(values: Sequence[str] | None) -> set[str]:
    """``--only client,bpy --only types`` -> {'client', 'bpy', 'types'}; default: everything."""
    if not values:
        return set(STEP_GROUPS)
    chosen = {part.strip() for value in values for part in value.split(",") if part.strip()}
    if unknown := chosen - set(STEP_GROUPS):
        raise BuildError(f"unknown --only value(s) {sorted(unknown)}; choose from {', '.join(STEP_GROUPS)}")
    return chosen
