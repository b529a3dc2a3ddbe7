"""Root pytest configuration, shared by the plain-Python and the bpy test suites.

Kept light and bpy-free on purpose: every suite imports it. It makes the repository root
importable (``tests.emulator``, ``tripo_blender``) even without pytest's ``pythonpath`` setting,
provides the ``emulator`` fixture: a fresh, started emulator per test with zero task
durations, stopped afterwards, and makes any connection beyond localhost fail
(:mod:`tests.localhost_only`).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests import localhost_only  # noqa: E402 - needs the sys.path entry above
from tests.emulator import Emulator  # noqa: E402

localhost_only.install()


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    """A started :class:`~tests.emulator.Emulator` with zero queue/run time and fresh state."""
    with Emulator(queue_seconds=0.0, run_seconds=0.0) as emu:
        yield emu
