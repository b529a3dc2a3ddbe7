"""Fixtures for the emulator's own tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.emulator import Emulator

from .helpers import Caller

FIXED_EPOCH = 1_750_000_000.0


@pytest.fixture
def api(emulator: Emulator) -> Iterator[Caller]:
    """A caller using TEST_KEY against the zero-duration ``emulator``."""
    caller = Caller(emulator)
    yield caller
    caller.close()


@pytest.fixture
def timed() -> Iterator[Emulator]:
    """An emulator on a frozen clock (moves only with ``advance``), 10 s queued + 20 s running."""
    with Emulator(queue_seconds=10.0, run_seconds=20.0, clock=lambda: FIXED_EPOCH) as emu:
        yield emu


@pytest.fixture
def timed_api(timed: Emulator) -> Iterator[Caller]:
    caller = Caller(timed)
    yield caller
    caller.close()
