"""The cheap subset of Blender's own extension validator, so ``build`` fails before Blender sees the zip.

Blender's validator (run on the real zip in tests/blender/test_package.py) needs Blender; these
checks catch the common mistakes (missing keys, a tagline with a final full stop, a platform wheel
without ``platforms``) in plain Python, with a message naming the key.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from tools.paths import MANIFEST_PATH, BuildError

MANIFEST_REQUIRED: dict[str, type] = {
    "schema_version": str,
    "id": str,
    "name": str,
    "tagline": str,
    "version": str,
    "type": str,
    "maintainer": str,
    "license": list,
    "blender_version_min": str,
}
PERMISSION_KEYS = frozenset({"files", "network", "clipboard", "camera", "microphone"})
TERSE_MAX_LENGTH = 64
# semver.org's grammar (Blender checks versions as semantic versions).
SEMVER_RE = re.compile(
    r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?"
)
BLENDER_VERSION_RE = re.compile(r"\d+\.\d+\.\d+")
WHEEL_PATH_RE = re.compile(r"\./wheels/([^/\\\"]+\.whl)")


def load_manifest(path: Path = MANIFEST_PATH) -> dict[str, Any]:
    """Parse the manifest; a TOML syntax error becomes a BuildError naming the file."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise BuildError(f"cannot read {path.name}: {exc}") from exc


def terse_text_error(value: str) -> str | None:
    """Blender's rule for taglines and permission reasons: short, one line, no final punctuation."""
    if not value.strip() or value != value.strip():
        return "must be non-empty without leading/trailing spaces"
    if len(value) > TERSE_MAX_LENGTH:
        return f"must be at most {TERSE_MAX_LENGTH} characters, found {len(value)}"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        return "must not contain control characters"
    if not (value[-1].isalnum() or value[-1] in ")]}"):
        return "must not end with punctuation"
    return None


def id_error(value: str) -> str | None:
    """The id becomes a Python module name (``bl_ext.<repo>.<id>``), hence Blender's rules."""
    if not value.isidentifier():
        return "must be a valid Python identifier"
    if "__" in value or value.startswith("_") or value.endswith("_"):
        return "must not contain '__' nor start or end with '_'"
    return None


def wheel_filename(entry: str) -> str | None:
    """Return the file name of a ``./wheels/<name>.whl`` manifest entry, or None if malformed."""
    match = WHEEL_PATH_RE.fullmatch(entry)
    if match is None or not 5 <= len(match.group(1).split("-")) <= 6:
        return None
    return match.group(1)


def _required_key_errors(manifest: dict[str, Any]) -> list[str]:
    """Missing or mistyped required keys."""
    errors = []
    for key, expected in MANIFEST_REQUIRED.items():
        if key not in manifest:
            errors.append(f"missing required key '{key}'")
        elif not isinstance(manifest[key], expected):
            errors.append(f"'{key}' must be a {expected.__name__}")
    return errors


def _value_errors(manifest: dict[str, Any]) -> list[str]:
    """Errors in the values of the keys that are present."""
    errors: list[str] = []

    def check(key: str, problem: str | None) -> None:
        if problem:
            errors.append(f"'{key}' {problem}")

    if isinstance(manifest.get("id"), str):
        check("id", id_error(manifest["id"]))
    for key in ("schema_version", "version"):
        if isinstance(manifest.get(key), str) and not SEMVER_RE.fullmatch(manifest[key]):
            check(key, f"must be a semantic version (X.Y.Z), found {manifest[key]!r}")
    for key in ("blender_version_min", "blender_version_max"):
        if isinstance(manifest.get(key), str) and not BLENDER_VERSION_RE.fullmatch(manifest[key]):
            check(key, f"must be exactly three numbers X.Y.Z, found {manifest[key]!r}")
    if manifest.get("type") not in (None, "add-on", "theme"):
        check("type", "must be 'add-on' or 'theme'")
    if isinstance(manifest.get("tagline"), str):
        check("tagline", terse_text_error(manifest["tagline"]))
    if isinstance(manifest.get("license"), list) and not (
        manifest["license"] and all(isinstance(x, str) and x for x in manifest["license"])
    ):
        check("license", "must be a non-empty list of strings")
    return errors


def _permission_errors(permissions: Any) -> list[str]:
    """``[permissions]`` must be a table of known keys with short reasons (the list form is rejected)."""
    if not isinstance(permissions, dict):
        return ["'permissions' must be a table of strings (key = \"reason\"), not a list"]
    errors = []
    for key, reason in permissions.items():
        if key not in PERMISSION_KEYS:
            errors.append(f"unknown permission '{key}' (allowed: {', '.join(sorted(PERMISSION_KEYS))})")
        elif not isinstance(reason, str):
            errors.append(f"permission '{key}' reason must be a string")
        elif problem := terse_text_error(reason):
            errors.append(f"permission '{key}' reason {problem}")
    return errors


def _wheel_errors(wheels: Any) -> list[str]:
    """Wheels must be ``./wheels/<spec filename>`` and pure, as the manifest lists no platforms."""
    if not isinstance(wheels, list):
        return ["'wheels' must be a list of strings"]
    errors = []
    for entry in wheels:
        name = wheel_filename(entry) if isinstance(entry, str) else None
        if name is None:
            errors.append(f"wheel entry {entry!r} must look like './wheels/<name>-<ver>-<py>-<abi>-<plat>.whl'")
        elif not name.endswith("-none-any.whl"):
            errors.append(f"wheel {name} is not pure Python (…-none-any.whl) but no 'platforms' are listed")
    return errors


def manifest_errors(manifest: dict[str, Any]) -> list[str]:
    """Every problem Blender's strict validation would report that we can detect without Blender."""
    errors = _required_key_errors(manifest) + _value_errors(manifest)
    if "permissions" in manifest:
        errors += _permission_errors(manifest["permissions"])
    if "wheels" in manifest:
        errors += _wheel_errors(manifest["wheels"])
    return errors
