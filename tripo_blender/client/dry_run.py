"""Check a client call's arguments as the client would, with nothing sent and no key needed.

Why: a job started from the console or a script is sent later, by a worker thread. Whatever the
client refuses (a seed out of range, an orientation it does not know, a URL without a host, a
path that is not a model…) used to surface as a job that failed a moment later — while the README
promises that bad arguments raise at the call. Running the very same client method on a client
that stops where it would first touch the network gives exactly the client's checks and messages,
written once. The client validates a whole request with placeholder tokens before it uploads
anything (:meth:`TripoClient._create_with_inputs`), so the check covers local files too (type,
size, pixel dimensions) without uploading them.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

from .client import TripoClient
from .inputs import PLACEHOLDER_TOKEN, InputRef
from .payloads import Request

__all__ = ["check_call"]


class _Built(Exception):
    """The request was built: every argument passed the client's checks."""


class _NoTransport:
    """Stands in for the HTTP layer: the first request ends the check (nothing leaves)."""

    def __getattr__(self, name: str) -> Callable[..., Any]:
        def stop(*args: Any, **kwargs: Any) -> Any:
            raise _Built(name)
        return stop


class _DryClient(TripoClient):
    """A :class:`TripoClient` without key or connection whose creation requests end in :class:`_Built`."""

    def __init__(self) -> None:  # noqa: D107 - no key, no session: nothing can be sent
        self.base_url = "https://dry-run.invalid"
        self._transport = _NoTransport()  # type: ignore[assignment]

    def _create(self, request: Request) -> str:
        raise _Built(request.route)

    def _create_with_inputs(self, refs: Sequence[InputRef | None], build: Callable[[list[str | None]], Request]) -> str:
        build([r.wire(PLACEHOLDER_TOKEN) if r is not None else None for r in refs])
        raise _Built("inputs checked")


def check_call(method: str, params: Mapping[str, Any]) -> None:
    """Raise what ``TripoClient.<method>(**params)`` would raise before sending (TypeError,
    ValueError, FileNotFoundError…); return quietly when the request would be sent."""
    call = getattr(_DryClient(), method, None)
    if call is None or method.startswith("_"):
        raise ValueError(f"the client has no method {method!r}")
    try:
        call(**params)
    except _Built:
        return

