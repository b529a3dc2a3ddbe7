"""``python -m tests.emulator`` starts a usable emulator and stops cleanly on Ctrl-C."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import requests

from tests.emulator import TEST_KEY

ROOT = Path(__file__).resolve().parents[2]


def test_cli_prints_base_url_and_key_and_serves() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.emulator", "--queue-seconds", "0", "--run-seconds", "0"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(4)]
        base_url = next(line.split(": ", 1)[1].strip() for line in lines if "base URL" in line)
        assert any(TEST_KEY in line for line in lines)
        response = requests.get(base_url + "/user/balance", headers={"Authorization": f"Bearer {TEST_KEY}"}, timeout=5)
        assert response.json()["data"]["balance"] == 10_000.0
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
