"""Make the enabled extension importable as plain ``tripo_blender`` (console and scripts).

Why: Blender imports an extension as ``bl_ext.<repository>.tripo_blender``, and the repository
part depends on where the user installed it (``user_default``, ``blender_org``, a team's own
repository…). A script must not have to know that: ``import tripo_blender as tripo`` has to work
whichever repository holds the add-on. So while the add-on is enabled, ``tripo_blender`` is
another name for it in :data:`sys.modules`, and the alias is removed when it is disabled (a
disabled add-on must not keep answering to a name).

Why a meta-path finder and not only ``sys.modules["tripo_blender"] = package``: with only the
package aliased, ``from tripo_blender.client import TripoAPIError`` finds no
``tripo_blender.client`` in :data:`sys.modules`, so Python executes the client's source a second
time as a new module. Its ``TripoAPIError`` would be a *different class* from the one the add-on
raises, and ``except TripoAPIError`` in a script would silently not catch it. The finder answers
every ``tripo_blender.<sub>`` with the module already loaded (or now imported) as
``bl_ext.<repository>.tripo_blender.<sub>``: one copy of each module, under two names.

When another module called ``tripo_blender`` is already imported, nothing is aliased — replacing
a different module somebody already uses would be worse — and a warning names the module to
import instead. One exception: a plain import of *the same source files* (a developer's checkout
on ``sys.path`` that is also the installed extension, by symlink) is the same package loaded
twice; its modules are dropped from :data:`sys.modules` so that from now on there is one copy,
the enabled add-on's (objects already imported from the old copy keep working).

Stdlib only and bpy-free: it is installed by the package's ``register()``.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import logging
import os
import sys
from types import ModuleType
from typing import Any, Sequence

__all__ = ["ALIAS", "install", "remove", "installed_for"]

log = logging.getLogger(__name__)

#: The plain name scripts import.
ALIAS = "tripo_blender"


class _AliasFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Resolves ``<alias>.<sub>`` to the already-imported ``<target>.<sub>`` module object."""

    def __init__(self, alias: str, target: str) -> None:
        self.alias = alias
        self.target = target
        # module_from_spec() overwrites __spec__ with the alias spec; exec_module puts it back
        self._real_specs: dict[str, importlib.machinery.ModuleSpec | None] = {}

    def _real_name(self, fullname: str) -> str | None:
        if not fullname.startswith(self.alias + "."):
            return None
        return self.target + fullname[len(self.alias):]

    def find_spec(self, fullname: str, path: Sequence[str] | None = None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        real = self._real_name(fullname)
        if real is None:
            return None
        try:
            found = importlib.util.find_spec(real)
        except (ImportError, ValueError):
            return None
        if found is None:
            return None
        return importlib.machinery.ModuleSpec(fullname, self, is_package=found.submodule_search_locations is not None)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        real = self._real_name(spec.name)
        assert real is not None  # find_spec only answers for names below the alias
        module = importlib.import_module(real)
        self._real_specs[module.__name__] = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run (the module is already executed); restore its own ``__spec__``."""
        if module.__name__ in self._real_specs:
            module.__spec__ = self._real_specs.pop(module.__name__)


def _finders() -> list[Any]:
    # by name, not isinstance: a reloaded add-on has a new _AliasFinder class
    return [f for f in sys.meta_path if type(f).__name__ == _AliasFinder.__name__ and getattr(f, "alias", None) == ALIAS]


def installed_for() -> str | None:
    """The real package name the alias currently points to, or None."""
    finders = _finders()
    return getattr(finders[0], "target", None) if finders else None


def _same_source(a: ModuleType, b: ModuleType) -> bool:
    """Whether two package modules were executed from the same ``__init__.py`` (symlinks resolved)."""
    files = [getattr(m, "__file__", None) for m in (a, b)]
    return all(files) and os.path.realpath(str(files[0])) == os.path.realpath(str(files[1]))


def install(package: str) -> bool:
    """Make ``tripo_blender`` (and every ``tripo_blender.<sub>``) name the package ``package``.

    Returns True when the alias is in place (or not needed: the package already *is*
    ``tripo_blender``, as when loaded as a legacy add-on), False when another module owns the name.
    """
    if package == ALIAS:
        return True
    module = sys.modules[package]
    existing = sys.modules.get(ALIAS)
    if existing is not None and existing is not module and _same_source(existing, module):
        for name in [n for n in sys.modules if n == ALIAS or n.startswith(ALIAS + ".")]:
            del sys.modules[name]
        log.info("%s was imported from the add-on's own source files; it now names the enabled add-on", ALIAS)
    elif existing is not None and existing is not module:
        log.warning("Another module named %r is already imported (%s), so the Tripo add-on is not aliased "
                    "to it; in scripts use `import %s as tripo`.", ALIAS, getattr(existing, "__file__", "?"), package)
        return False
    remove()
    sys.meta_path.insert(0, _AliasFinder(ALIAS, package))  # before PathFinder, or it would load duplicates
    sys.modules[ALIAS] = module
    for name, sub in list(sys.modules.items()):
        if name.startswith(package + ".") and sub is not None:
            sys.modules.setdefault(ALIAS + name[len(package):], sub)
    log.debug("%s is importable as %s", package, ALIAS)
    return True


def remove() -> None:
    """Undo :func:`install`: drop the finder and every ``tripo_blender*`` name that points into
    the aliased package (names some other module owns are left alone)."""
    for finder in _finders():
        sys.meta_path.remove(finder)
        target = finder.target
        for name in [n for n in sys.modules if n == ALIAS or n.startswith(ALIAS + ".")]:
            module = sys.modules[name]
            if getattr(module, "__name__", "") == target + name[len(ALIAS):]:
                del sys.modules[name]
