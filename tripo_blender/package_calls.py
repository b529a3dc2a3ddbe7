"""``tripo.jobs()`` and ``tripo.client()``: the subpackages ``jobs`` and ``client`` made callable
while the add-on is enabled.

Why a module of its own (not in :mod:`.console`): enabling the add-on sets this up, and the
console module imports most of the add-on (the job engine, the landing stack, the HTTP client);
keeping the switch here lets enabling stay cheap, with the console loaded on the first call.
No ``bpy`` here.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["attach", "detach"]

#: Module name → the function a call of that module runs (filled by :func:`attach`).
_PACKAGE_CALLS: dict[str, Callable[..., Any]] = {}


class _CallablePackage(types.ModuleType):
    """A subpackage that is also a console function: ``tripo.jobs()``, ``tripo.client()``."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        function = _PACKAGE_CALLS.get(self.__name__)
        if function is None:
            raise TypeError(f"'module' object {self.__name__!r} is not callable")
        return function(*args, **kwargs)


def attach(calls: Mapping[str, Callable[..., Any]]) -> None:
    """On add-on enable: make each subpackage named in ``calls`` (``"jobs"``, ``"client"``)
    callable (and nothing else changes: they stay the same module objects, so ``from
    tripo_blender.jobs import JobState`` still works)."""
    package = __name__.rpartition(".")[0]
    for name, function in calls.items():
        module = sys.modules[f"{package}.{name}"]
        _PACKAGE_CALLS[module.__name__] = function
        module.__class__ = _CallablePackage


def detach() -> None:
    """On add-on disable: the subpackages are plain modules again."""
    for name in list(_PACKAGE_CALLS):
        module = sys.modules.get(name)
        if isinstance(module, _CallablePackage):
            plain: Any = module  # the declared type of __class__ would refuse the base class
            plain.__class__ = types.ModuleType
        del _PACKAGE_CALLS[name]
