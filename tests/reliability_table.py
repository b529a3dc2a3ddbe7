"""Generate ``docs/reliability.md`` from the reliability tests' own names and results.

Why generated: the table must say what the tests prove, not what someone remembers. Every test
module that defines ``RELIABILITY_AREA = "..."`` contributes one row per test (its docstring's
first paragraph, else its name in words); the outcome column comes from a real pytest run (JUnit XML).

    python3 -m tests.reliability_table          # runs the tests, rewrites docs/reliability.md
    python3 -m tests.reliability_table --check  # exit 1 if the checked-in table is not current

``tests/jobs/test_reliability_doc.py`` checks, in every ``build.py test`` run, that the table lists
exactly the tests that exist and that each row says ``pass`` — the suite passing then means the
file on a fresh clone matches the run.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "reliability.md"
PYTHON = ROOT / ".venv" / "client" / "bin" / "python"
BPY_PYTHON = ROOT / ".venv" / "bpy-5.0" / "bin" / "python"
AREAS = ("Money", "Lost or half work", "Keys", "Bad input", "Freeze", "Load")


@dataclass(frozen=True)
class Row:
    area: str
    module: str  # tests/jobs/test_money.py
    test: str  # function name
    text: str


def _string_keys(node: ast.expr | None) -> list[str]:
    """The string items of a literal list/tuple, or the string keys of a literal dict."""
    if isinstance(node, (ast.List, ast.Tuple)):
        items = node.elts
    elif isinstance(node, ast.Dict):
        items = [k for k in node.keys if k is not None]
    else:
        return []
    return [i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)]


def _cases(test: ast.FunctionDef, named: dict[str, ast.expr]) -> list[str]:
    """The parameter cases of a test with one string parameter (``@pytest.mark.parametrize("case",
    [...])`` or ``list(CASES)`` of a module-level dict): each is a row's fault or bad input."""
    for dec in test.decorator_list:
        if not (
            isinstance(dec, ast.Call)
            and isinstance(dec.func, ast.Attribute)
            and dec.func.attr == "parametrize"
            and len(dec.args) == 2
            and isinstance(dec.args[0], ast.Constant)
            and "," not in str(dec.args[0].value)
        ):
            continue
        values = dec.args[1]
        if (
            isinstance(values, ast.Call)
            and isinstance(values.func, ast.Name)
            and values.func.id == "list"
            and values.args
            and isinstance(values.args[0], ast.Name)
        ):
            return _string_keys(named.get(values.args[0].id))
        return _string_keys(values)
    return []


def rows() -> list[Row]:
    """Every reliability test, by area and file order (from the source: no import, no run)."""
    found: list[Row] = []
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        area = next(
            (
                node.value.value
                for node in tree.body
                if isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "RELIABILITY_AREA" for t in node.targets)
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
            ),
            None,
        )
        if area is None:
            continue
        named = {
            t.id: node.value
            for node in tree.body
            if isinstance(node, (ast.Assign, ast.AnnAssign))
            for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
            if isinstance(t, ast.Name) and node.value is not None
        }
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                doc = ast.get_docstring(node)
                # the first paragraph, joined: a summary wrapped at the line length is still one row
                text = (
                    " ".join(doc.strip().split("\n\n")[0].split())
                    if doc
                    else node.name[len("test_") :].replace("_", " ")
                )
                cases = _cases(node, named)
                if cases:
                    text += ": " + "; ".join(cases)
                found.append(Row(area, path.relative_to(ROOT).as_posix(), node.name, text))
    return sorted(found, key=lambda r: AREAS.index(r.area) if r.area in AREAS else len(AREAS))


def _run(python: Path, modules: list[str]) -> list[ET.Element]:
    if not modules:
        return []
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "junit.xml"
        subprocess.run(
            [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}", *modules],
            cwd=ROOT,
            check=False,
        )
        return list(ET.parse(report).iter("testcase"))


def outcomes(modules: list[str]) -> dict[tuple[str, str], str]:
    """(module, test function) → "pass"/"fail"/"skip" from a real run (all parameter cases);
    ``tests/blender`` modules run in real bpy (``.venv/bpy-5.0``), the others in ``.venv/client``."""
    blender = [m for m in modules if m.startswith("tests/blender/")]
    cases = _run(PYTHON, [m for m in modules if m not in blender]) + _run(BPY_PYTHON, blender)
    result: dict[tuple[str, str], str] = {}
    for case in cases:
        module = case.get("classname", "").replace(".", "/") + ".py"
        test = case.get("name", "").split("[")[0]
        status = (
            "fail"
            if case.find("failure") is not None or case.find("error") is not None
            else "skip"
            if case.find("skipped") is not None
            else "pass"
        )
        key = (module, test)
        if result.get(key) != "fail":
            result[key] = status if result.get(key) in (None, "pass") else result[key]
    return result


def render(table: list[Row], results: dict[tuple[str, str], str]) -> str:
    lines = [
        "# Reliability",
        "",
        "Generated by `python3 -m tests.reliability_table` from the reliability tests' names and a real run",
        "(do not edit by hand; `tests/jobs/test_reliability_doc.py` fails when it is out of date).",
        "Each row is one fault, restart point, bad input or key path, and the test that proves its outcome.",
        "",
    ]
    for area in dict.fromkeys(r.area for r in table):
        lines += [f"## {area}", "", "| Row | Test | Outcome |", "| --- | --- | --- |"]
        for r in (r for r in table if r.area == area):
            lines.append(f"| {r.text} | `{r.module}::{r.test}` | {results.get((r.module, r.test), 'not run')} |")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    table = rows()
    results = outcomes(sorted({r.module for r in table}))
    text = render(table, results)
    if "--check" in argv:
        current = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
        if current != text:
            print("docs/reliability.md is out of date: run python3 -m tests.reliability_table", file=sys.stderr)
            return 1
        return 0
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(text, encoding="utf-8")
    print(
        f"wrote {DOC.relative_to(ROOT)}: {len(table)} rows, "
        f"{sum(1 for r in table if results.get((r.module, r.test)) == 'pass')} pass"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
