"""Small helpers shared by the benchmarks in ``bench/`` (not tests: pytest never collects them).

Why a module of its own: every benchmark prints the same kind of table, compares against a
baseline measured in the same run (so a slower or busier machine moves both sides) and makes
the repository importable when run as ``python bench/<name>.py``. Stdlib only, so it works in
both the client venv and the bpy venvs.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `import tests.emulator` and `import tripo_blender` from a script run
    sys.path.insert(0, str(ROOT))


def median(values: Sequence[float]) -> float:
    """Median, NaN for no values (a scenario that produced nothing shows as such, not as 0)."""
    return statistics.median(values) if values else float("nan")


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0..1) by nearest rank: simple and exact on the samples we have."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def ratio(value: float, baseline: float) -> str:
    """``value / baseline`` as text; a zero baseline cannot give a meaningful ratio."""
    if baseline == 0 or baseline != baseline or value != value:
        return "n/a"
    return f"{value / baseline:.2f}x"


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], title: str | None = None) -> None:
    """A plain, aligned text table (numbers right-aligned), easy to paste into a report."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    numeric = [all(_is_number(r[i]) for r in cells[1:]) if rows else False for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        return "  ".join(c.rjust(w) if num else c.ljust(w) for c, w, num in zip(row, widths, numeric)).rstrip()

    if title:
        print(title)
    print(line(cells[0]))
    print("  ".join("-" * w for w in widths))
    for row in cells[1:]:
        print(line(row))
    print()


def _is_number(text: str) -> bool:
    text = text.rstrip("x%").replace(",", "")
    try:
        float(text)
    except ValueError:
        return text in ("n/a", "-", "")
    return True


# --------------------------------------------------------------------------- emulator process

_SERVE = """
import json, signal, sys, threading
sys.path.insert(0, sys.argv[1])
from tests.emulator import Emulator
options = json.loads(sys.argv[2])
stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *_: stop.set())
with Emulator(**options) as emu:
    print(emu.base_url, flush=True)
    stop.wait()
    if len(sys.argv) > 3:  # the request log, for a benchmark that counts requests
        with open(sys.argv[3], "w") as out:
            json.dump([[r.method, r.path] for r in emu.requests], out)
"""


@contextmanager
def emulator_process(request_log: Path | None = None, **options: Any) -> Iterator[str]:
    """Run the emulator in a child process and yield its base URL.

    Why a process: in Blender the API is remote, so its serving threads must not compete for
    the GIL with the main thread whose tick is being measured. ``options`` are
    :class:`tests.emulator.Emulator` keyword arguments (the CLI does not expose all of them).
    ``request_log``: a file the child writes its requests to (``[[method, path], …]``) as it stops.
    """
    log_arg = [str(request_log)] if request_log is not None else []
    proc = subprocess.Popen(
        [sys.executable, "-c", _SERVE, str(ROOT), json.dumps(options), *log_arg],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout is not None
        base_url = proc.stdout.readline().strip()
        if not base_url.startswith("http://127.0.0.1:"):
            raise RuntimeError(f"the emulator process did not start (said {base_url!r})")
        yield base_url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def blender_session(prefix: str, repo_module: str = "tripo_bench") -> Iterator[Path]:
    """In a bpy venv: Blender's user folders in a new temporary folder (set before ``bpy`` is
    imported: never the real setup), the working tree enabled as the extension
    ``bl_ext.<repo_module>.tripo_blender``; yields the temporary folder, removed afterwards."""
    import shutil
    import tempfile

    scratch = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ["BLENDER_USER_RESOURCES"] = str(scratch / "user")
    try:
        import bpy  # noqa: F401 - first: it puts addon_utils on the path

        from tests.dev_extension import enable_working_tree

        enable_working_tree(repo_module, label="Tripo Bench")
        yield scratch
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def bench_arguments(doc: str | None) -> Any:
    """The ``--smoke`` and ``--json`` options every benchmark script takes."""
    import argparse

    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="a tiny run (the test suite's)")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON line at the end")
    return parser.parse_args()


def exit_without_teardown(code: int) -> None:
    """Leave a Blender benchmark once its figures are printed, skipping the interpreter's teardown.

    Why: Blender 4.2 as a Python module crashes (SIGSEGV) while the interpreter exits after its own
    glTF exporter or rigify ran — with or without this add-on (5.0 does not). The figures are
    complete by then; the crash would only turn a finished run into a failed one.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
