"""The name ``tripo`` in Blender's Python console while the add-on is enabled.

Why not a top-level ``tripo_blender`` module (what version 0.2 did): Blender's extension policy
forbids an extension to put its modules into :data:`sys.modules` under any name but its own
``bl_ext.<repository>.tripo_blender``; Preferences flags every such module ("Policy violation
with top level module") and extension reviewers refuse the add-on. Scripts therefore import the
add-on by its real name (README, "Python console and scripts"), and the console, where people
type, gets the short name without any import.

How: Blender's console keeps one ``code.InteractiveConsole`` per console editor, created on
first use by ``get_console()`` of its ``console_python`` module (``_console_python`` since
Blender 5.0) with a namespace of its own (``bpy``, ``C``, ``D``…). No API adds a name to it, so
:func:`install` puts a thin callable in place of that module's ``get_console`` that calls the
original and adds ``tripo`` to the namespace it returns (a ``tripo`` the user assigned wins).
Blender keeps its consoles as attributes of ``get_console`` itself; the stand-in forwards every
attribute to the original function, so that state never moves and :func:`remove` only has to
put the original back (and take ``tripo`` out of open consoles: a disabled add-on must not keep
answering to the name). A Blender without the module (none known) just has no short name.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from types import ModuleType
from typing import Any

__all__ = ["NAME", "install", "remove", "console_module"]

log = logging.getLogger(__name__)

#: The name the console gets.
NAME = "tripo"
#: Blender's console module: public up to 4.5, private from 5.0 on.
_CONSOLE_MODULES = ("_console_python", "console_python")


class ConsoleWithTripo:
    """Stands in for ``get_console``: the original's result, with ``tripo`` in its namespace."""

    def __init__(self, original: Callable[..., Any], package: ModuleType) -> None:
        object.__setattr__(self, "original", original)
        object.__setattr__(self, "package", package)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        found = self.original(*args, **kwargs)
        found[0].locals.setdefault(NAME, self.package)  # (console, stdout, stderr)
        return found

    def __getattr__(self, name: str) -> Any:  # get_console.consoles lives on the original function
        return getattr(self.original, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self.original, name, value)


def console_module() -> ModuleType | None:
    """Blender's Python console module, or None where there is none."""
    for name in _CONSOLE_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if callable(getattr(module, "get_console", None)):
            return module
    return None


def _stand_in(module: ModuleType) -> Any:
    # by class name, not isinstance: a reloaded add-on has a new class
    current = module.get_console
    return current if type(current).__name__ == ConsoleWithTripo.__name__ else None


def _open_namespaces(module: ModuleType) -> list[dict[str, Any]]:
    consoles = getattr(module.get_console, "consoles", None) or {}
    return [entry[0].locals for entry in consoles.values()]


def install(package: ModuleType) -> bool:
    """Give every console, open or opened later, the name ``tripo`` for ``package``."""
    module = console_module()
    if module is None:
        log.debug("no Python console module in this Blender: no `%s` name in the console", NAME)
        return False
    remove()
    setattr(module, "get_console", ConsoleWithTripo(module.get_console, package))
    for namespace in _open_namespaces(module):
        namespace.setdefault(NAME, package)
    return True


def remove() -> None:
    """Undo :func:`install` (a ``tripo`` the user set to something else stays)."""
    module = console_module()
    stand_in = _stand_in(module) if module is not None else None
    if module is None or stand_in is None:
        return
    setattr(module, "get_console", stand_in.original)
    for namespace in _open_namespaces(module):
        if namespace.get(NAME) is stand_in.package:
            del namespace[NAME]
