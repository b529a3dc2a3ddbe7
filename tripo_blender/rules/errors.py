"""The one kind of error whose message is meant for the artist.

Why one base class: the add-on refuses many things before anything is sent — no key, online
access off, an image it cannot use, an option this result does not take, a menu item that does
not apply — and each is raised by a different module. With one base class an operator catches
``UserError`` once and shows its message (plus the client's own ``ValueError``/``TypeError``
checks, which are about arguments); the subclasses only say where the problem was found.
"""

from __future__ import annotations

__all__ = ["UserError"]


class UserError(Exception):
    """Something the user must fix; the message is safe to show in the UI (never the key)."""
