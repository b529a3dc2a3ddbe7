"""Fixtures for client tests against the emulator (the root conftest provides ``emulator``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.client.imagedata import png_bytes
from tests.emulator import TEST_KEY, Emulator
from tripo_blender.client import TripoClient
from tripo_blender.client.polling import PollSchedule

#: Tiny intervals so waits against the emulator take milliseconds; the real limits are unit-tested.
FAST_POLLS = PollSchedule(min_interval=0.01, near_done_interval=0.02, max_interval=0.05)


class SleepRecorder(list[float]):
    """Stands in for ``time.sleep`` in the transport: records each back-off instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> SleepRecorder:
    return SleepRecorder()


@pytest.fixture
def client(emulator: Emulator, sleeps: SleepRecorder) -> Iterator[TripoClient]:
    c = TripoClient(api_key=TEST_KEY, base_url=emulator.base_url, sleep=sleeps, read_timeout=5.0)
    c.poll_schedule = FAST_POLLS
    with c:
        yield c


@pytest.fixture
def png_file(tmp_path: Path) -> Path:
    path = tmp_path / "input.png"
    path.write_bytes(png_bytes(64, 48))
    return path


ASSETS = Path(__file__).resolve().parents[1] / "assets"
