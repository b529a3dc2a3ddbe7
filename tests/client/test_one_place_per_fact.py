"""One place per fact: a kind's name, an option's default and its allowed values are each written once.

* A job kind's name and its task type are written at most twice in the add-on — the route record
  (``client/routes.py``: its task type and client method) and, for a kind whose task type is its
  own name, nowhere else; everything else refers to the records (``TEXTURE.name``,
  ``RIG.wire_type``…), so adding or renaming a kind is one record, not a hunt through nine files.
* An option's allowed values (``("standard", "detailed", "extreme")``) are written only in its
  field (:mod:`tripo_blender.client.routes`): no other module spells two or more of them in one
  tuple, list or set.
* An option's default is written only in its field: no other module gives a parameter, a dict
  entry, a ``.get(name, …)`` or a Blender property named after the option that same constant.

The scans read the source (``ast``), so a copy cannot hide behind a formatting change.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tripo_blender.client import routes
from tripo_blender.jobs.kinds import IMPORTED_TYPE, KINDS, RETIRED_KINDS

PACKAGE = Path(__file__).resolve().parents[2] / "tripo_blender"
SOURCES = {path: path.read_text(encoding="utf-8") for path in sorted(PACKAGE.rglob("*.py"))}
TREES = {path: ast.parse(text) for path, text in SOURCES.items()}
#: Where every option's facts are written.
RECORDS = PACKAGE / "client" / "routes.py"
#: A string that names two facts: image-to-multiview's task type is also the name of the output
#: field holding its views (``client/models.py``), a third place by the wire format's choice.
ALSO_AN_OUTPUT_FIELD = {"generate_multiview_image": 1}

NAMES = sorted({*KINDS, *(k.wire_type for k in KINDS.values() if k.wire_type), *RETIRED_KINDS, IMPORTED_TYPE})
FIELDS = [f for route in routes.ROUTES.values() for f in route.fields]


@pytest.mark.parametrize("name", NAMES)
def test_a_kind_or_task_type_is_written_at_most_twice(name: str) -> None:
    places = [
        f"{path.relative_to(PACKAGE)}:{number}"
        for path, text in SOURCES.items()
        for number, line in enumerate(text.splitlines(), 1)
        if f'"{name}"' in line
    ]
    assert len(places) <= 2 + ALSO_AN_OUTPUT_FIELD.get(name, 0), places


_NOT_CONSTANT = object()


def _constant(node: ast.AST | None) -> Any:
    return node.value if isinstance(node, ast.Constant) else _NOT_CONSTANT


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(PACKAGE)}:{getattr(node, 'lineno', '?')}"


def _named_constants(node: ast.AST) -> Iterator[tuple[str, Any]]:
    """What ``node`` gives a name as a constant: a parameter's default, a dict entry, a
    ``.get(name, constant)``, a Blender property's ``default=`` under an annotation of that name."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        args = node.args
        positional = [*args.posonlyargs, *args.args]
        pairs = [
            *zip(positional[len(positional) - len(args.defaults) :], args.defaults),
            *zip(args.kwonlyargs, args.kw_defaults),
        ]
        yield from ((arg.arg, _constant(value)) for arg, value in pairs)
    elif isinstance(node, ast.Dict):
        yield from (
            (key, _constant(value))
            for key, value in ((_constant(k), v) for k, v in zip(node.keys, node.values))
            if isinstance(key, str)
        )
    elif (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
        and len(node.args) == 2
        and isinstance(_constant(node.args[0]), str)
    ):
        yield _constant(node.args[0]), _constant(node.args[1])
    elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.annotation is not None:
        calls = [n for n in ast.walk(node.annotation) if isinstance(n, ast.Call)]
        yield from (
            (node.target.id, _constant(kw.value)) for call in calls for kw in call.keywords if kw.arg == "default"
        )


def _index(trees: dict[Path, ast.Module]) -> tuple[list[tuple[str, frozenset[str]]], list[tuple[str, str, Any]]]:
    """One pass over the package outside the records: every tuple, list or set literal of two or
    more strings, and every name given a constant (:func:`_named_constants`)."""
    collections: list[tuple[str, frozenset[str]]] = []
    named: list[tuple[str, str, Any]] = []
    for path, tree in trees.items():
        if path == RECORDS:
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.Tuple, ast.List, ast.Set)) and len(node.elts) >= 2:
                values = [_constant(e) for e in node.elts]
                if all(isinstance(v, str) for v in values):
                    collections.append((_where(path, node), frozenset(values)))
            named += [
                (_where(path, node), name, value)
                for name, value in _named_constants(node)
                if value is not _NOT_CONSTANT and value is not None
            ]
    return collections, named


COLLECTIONS, NAMED = _index(TREES)


@pytest.mark.parametrize("f", [f for f in FIELDS if len(f.choices) >= 2], ids=lambda f: f.name)
def test_an_options_allowed_values_are_written_once(f: Any) -> None:
    allowed = frozenset(f.values)
    copies = [where for where, values in COLLECTIONS if values <= allowed]
    assert not copies, f"{f.name}'s values {sorted(allowed)} are restated at {copies}; read them from its field"


def _copies(named: list[tuple[str, str, Any]], name: str, default: Any) -> list[str]:
    return [where for where, key, value in named if key == name and type(value) is type(default) and value == default]


DEFAULTS = sorted({(f.name, f.default) for f in FIELDS if f.default is not None}, key=repr)


@pytest.mark.parametrize(("name", "default"), DEFAULTS, ids=[f"{n}={d!r}" for n, d in DEFAULTS])
def test_an_options_default_is_written_once(name: str, default: Any) -> None:
    copies = _copies(NAMED, name, default)
    assert not copies, f"{name}'s default {default!r} is restated at {copies}; read it from its field"


def test_the_scans_find_what_they_look_for() -> None:
    """The scans are not vacuous: a copy of each kind is found where it is written."""
    copy = ast.parse(
        'def f(texture_quality="standard", *, quad=False):\n'
        '    kinds = ("detailed", "extreme")\n'
        '    return {"texture_quality": "standard"}.get("pbr", True)\n'
        "class P:\n"
        '    bake: BoolProperty(name="Bake", default=True)\n'
    )
    collections, named = _index({PACKAGE / "copy.py": copy})
    assert [values for _, values in collections] == [frozenset({"detailed", "extreme"})]
    assert len(_copies(named, "texture_quality", "standard")) == 2
    assert [len(_copies(named, name, value)) for name, value in (("quad", False), ("pbr", True), ("bake", True))] == [
        1,
        1,
        1,
    ]
    assert _copies(named, "quad", 0) == [], "False is not 0: a constant of another type is another fact"
