"""The test sessions cannot reach beyond this machine (tests/localhost_only.py is installed)."""

from __future__ import annotations

import socket

import pytest
import requests

from tests.emulator import TEST_KEY, Emulator
from tripo_blender.client import TripoClient, TripoRequestError


def test_a_client_left_on_the_real_api_cannot_leave_the_machine() -> None:
    with TripoClient(api_key=TEST_KEY, max_retries=0) as client:
        with pytest.raises(TripoRequestError):
            client.get_balance()


def test_raw_sockets_to_other_hosts_are_refused_but_loopback_works(emulator: Emulator) -> None:
    with pytest.raises(OSError, match="localhost"):
        socket.create_connection(("192.0.2.1", 443), timeout=1)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as raw, pytest.raises(ConnectionRefusedError):
        raw.connect(("192.0.2.1", 443))
    with pytest.raises(socket.gaierror):
        socket.getaddrinfo("api.tripo3d.ai", 443)
    answer = requests.get(
        emulator.base_url + "/v3/account/balance", headers={"Authorization": f"Bearer {TEST_KEY}"}, timeout=5
    )
    assert answer.status_code == 200
