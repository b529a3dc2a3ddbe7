"""Injected faults: which requests they hit and how the answer is spoiled.

Why: the add-on's client must survive what real networks and proxies do (429 with
Retry-After, 5xx, HTML error pages, dropped connections, truncated downloads, and a POST that
reached the server but whose answer never came back). Tests arm a fault with
:meth:`.server.Emulator.inject`; the HTTP layer asks :class:`FaultBook` for each request.
"""

from __future__ import annotations

import json
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
    #: seconds between 1 KiB pieces of the answer's body (a trickling CDN); 0 sends it at once
    trickle: float = 0.0
    #: spoil a real HTTP-200 answer's JSON: ``"null-data"`` (``data: null``) or ``"no-status"``
    #: (every task of a task answer loses its ``status``) — a buggy server or proxy
    malform: str | None = None
    #: the trace-id header of the answer, as a hostile server or proxy may set it (e.g. the key)
    trace_id: str | None = None
    #: seconds the emulator's clock moves before the request is answered (it arrived that late)
    late: float = 0.0

    @property
    def processes_request(self) -> bool:
        return self.after or self.truncate or self.trickle > 0 or self.malform is not None or self.late > 0

    def spoil(self, body: bytes) -> bytes:
        """The answer's JSON body after :attr:`malform` (unchanged when there is nothing to spoil)."""
        if self.malform is None:
            return body
        try:
            envelope = json.loads(body)
        except ValueError:
            return body
        if self.malform == "null-data":
            envelope["data"] = None
        elif self.malform == "no-status":
            data = envelope.get("data")
            tasks = data.get("tasks") if isinstance(data, dict) else None
            for task in tasks.values() if isinstance(tasks, dict) else [data] if isinstance(data, dict) else []:
                if isinstance(task, dict):
                    task.pop("status", None)
        else:
            raise ValueError(f"unknown malform {self.malform!r}")
        return json.dumps(envelope).encode("utf-8")

    def matches(self, server: str, method: str, path: str) -> bool:
        """``"CDN"`` matches every CDN request, ``"CDN /prefix"`` those of one path prefix (a file);
        ``"METHOD /prefix"`` API requests by method and path prefix."""
        if self.route == CDN_ROUTE:
            return server == "cdn"
        wanted_method, _, prefix = self.route.partition(" ")
        if wanted_method == CDN_ROUTE:
            return server == "cdn" and path.startswith(prefix)
        return server == "api" and wanted_method.upper() in (method.upper(), "*") and path.startswith(prefix or "/")


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
