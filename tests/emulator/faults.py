"""Injected faults: which requests they hit and how the answer is spoiled.

Why: the add-on's client must survive what real networks and proxies do (429 with
Retry-After, 5xx, HTML error pages, dropped connections, truncated downloads, and a POST that
reached the server but whose answer never came back). Tests arm a fault with
:meth:`.server.Emulator.inject`; the HTTP layer asks :class:`FaultBook` for each request.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

CDN_ROUTE = "CDN"


@dataclass
class Fault:
    """One armed fault. ``times`` None means every matching request until cleared.

    ``after=False``: the request is not processed and the fault is the answer (JSON error
    envelope, HTML page with ``non_json``, or nothing with ``drop``), after ``delay`` seconds.
    ``after=True``: the request is processed normally, then the answer is delayed, dropped or
    truncated. ``truncate`` always needs the real answer, so it implies ``after``.
    """

    route: str
    times: int | None = 1
    status: int = 500
    code: int = 1000
    message: str | None = None
    suggestion: str | None = None
    retry_after: int | None = None
    non_json: bool = False
    delay: float = 0.0
    drop: bool = False
    truncate: bool = False
    after: bool = False

    @property
    def processes_request(self) -> bool:
        return self.after or self.truncate

    def matches(self, server: str, method: str, path: str) -> bool:
        """``"CDN"`` matches every CDN request; ``"METHOD /prefix"`` API requests by method and path prefix."""
        if self.route == CDN_ROUTE:
            return server == "cdn"
        wanted_method, _, prefix = self.route.partition(" ")
        return (server == "api" and wanted_method.upper() in (method.upper(), "*")
                and path.startswith(prefix or "/"))


class FaultBook:
    """Armed faults in arming order; the first match with uses left is consumed."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def arm(self, fault: Fault) -> None:
        if fault.route != CDN_ROUTE and " /" not in fault.route:
            raise ValueError(f"route must be 'CDN' or 'METHOD /path-prefix', got {fault.route!r}")
        if fault.times is not None and fault.times < 1:
            raise ValueError("times must be >= 1, or None for every matching request")
        with self._lock:
            self._faults.append(fault)

    def take(self, server: str, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.matches(server, method, path):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self._faults.remove(fault)
                    return fault
            return None

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
