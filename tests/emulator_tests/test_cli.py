"""``python -m tests.emulator`` starts a usable apiv3 emulator and stops cleanly on Ctrl-C."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from tests.emulator import TEST_KEY

ROOT = Path(__file__).resolve().parents[2]
AUTH = {"Authorization": f"Bearer {TEST_KEY}"}


@contextmanager
def _cli(*options: str) -> Iterator[tuple[str, list[str]]]:
    """Run the CLI; yields (base URL, the lines it printed before serving)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.emulator", *options],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(4)]
        base_url = next(line.split(": ", 1)[1].strip() for line in lines if "base URL" in line)
        yield base_url, lines
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0


def _queued_task(base_url: str) -> dict[str, object]:
    created = requests.post(
        base_url + "/v3/generation/text-to-model",
        headers=AUTH,
        timeout=5,
        json={"prompt": "a cat", "model": "v2.5-20250123"},
    )
    task_id = created.json()["data"]["task_id"]
    task: dict[str, object] = requests.get(f"{base_url}/v3/tasks/{task_id}", headers=AUTH, timeout=5).json()["data"]
    return task


def test_cli_prints_host_root_and_key_and_serves_apiv3() -> None:
    with _cli("--queue-seconds", "1000", "--run-seconds", "0") as (base_url, lines):
        assert base_url.startswith("http://127.0.0.1:") and base_url.count("/") == 2  # the host root, no path
        assert any(TEST_KEY in line for line in lines)
        response = requests.get(base_url + "/v3/account/balance", headers=AUTH, timeout=5)
        assert response.json()["data"] == {"balance": 10_000.0, "frozen": 0.0}
        task = _queued_task(base_url)
        assert task["status"] == "queued" and "queuing_num" not in task and "running_left_time" not in task


def test_cli_eta_flag_adds_queue_position() -> None:
    with _cli("--queue-seconds", "1000", "--eta") as (base_url, _lines):
        task = _queued_task(base_url)
        assert (task["status"], task["queuing_num"]) == ("queued", 0)
