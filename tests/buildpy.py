"""Load the repository's ``build.py`` as a module for tests.

A plain ``import build`` would be ambiguous (the ``build/`` cache folder, PyPA's ``build`` package),
so the file is loaded by path under the name ``tripo_build``.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
MODULE_NAME = "tripo_build"


def load_build_module() -> ModuleType:
    """Import build.py once per process and return it."""
    if (module := sys.modules.get(MODULE_NAME)) is not None:
        return module
    spec = importlib.util.spec_from_file_location(MODULE_NAME, ROOT / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[MODULE_NAME] = module  # dataclasses look their module up while the file executes
    spec.loader.exec_module(module)
    return module
