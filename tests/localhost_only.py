"""A guard that makes any network access beyond this machine fail loudly during the tests.

The project's rule is that tests talk to the emulator on 127.0.0.1 and to nothing else. A test
that forgot to pass ``base_url`` would otherwise try ``api.tripo3d.ai`` — silently slow here, and
a real request (with a key) elsewhere. Installed for every test session by ``tests/conftest.py``.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

_LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", ""})


class OutboundConnectionBlocked(ConnectionRefusedError):
    """A test tried to reach a host other than this machine."""


def is_local(host: Any) -> bool:
    """True for loopback addresses and names (and for non-IP socket families' addresses)."""
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return True
    if host.lower() in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def install() -> None:
    """Patch ``socket`` so that connections and name lookups beyond loopback raise."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def _check(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not is_local(address[0]):
            raise OutboundConnectionBlocked(f"tests may only connect to localhost, not {address[0]!r}")

    def connect(self: socket.socket, address: Any) -> None:
        _check(self, address)
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        _check(self, address)
        return real_connect_ex(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not is_local(host):
            raise socket.gaierror(socket.EAI_NONAME, f"tests may only resolve localhost, not {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = getaddrinfo
