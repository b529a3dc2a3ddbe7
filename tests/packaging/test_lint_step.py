"""The ``lint`` step of build.py test (tools/lint.py): what it runs, and that any finding fails it.

The checks themselves are ruff's and vulture's; these tests make sure the step reads their answers
right, so a finding can never end in a PASS row, and that it runs in the fast loop too.
"""

from __future__ import annotations

import pytest

from tools import lint, steps, venvs


def test_the_lint_step_runs_tools_lint_in_its_own_venv_in_the_fast_loop_too() -> None:
    for fast in (False, True):
        [step] = [s for s in steps.select_steps(set(steps.STEP_GROUPS), [], fast=fast) if s.name == "lint"]
        assert step.venv == venvs.LINT and step.args == ["-m", "tools.lint"] and not step.pytest
    assert (
        steps.lint_summary("--- ruff\nAll checks passed!\nlint: ruff 0, format 0, vulture 0 (clean)\n")
        == "ruff 0, format 0, vulture 0 (clean)"
    )


@pytest.mark.parametrize(
    ("name", "rc", "output", "count"),
    [
        ("ruff", 0, "All checks passed!\n", 0),
        ("ruff", 1, "a.py:1:121: E501 Line too long (130 > 120)\nFound 3 errors.\n", 3),
        ("ruff", 1, "Found 1 error.\n[*] 1 fixable with the `--fix` option.\n", 1),
        ("format", 0, "12 files already formatted\n", 0),
        ("format", 1, "Would reformat: a.py\n2 files would be reformatted, 10 files already formatted\n", 2),
        (
            "vulture",
            3,
            "a.py:3: unused function 'f' (60% confidence)\nb.py:9: unused import 'os' (90% confidence)\n",
            2,
        ),
        ("vulture", 1, "", 1),  # a crash without output is still a failure
    ],
)
def test_findings_are_counted_from_each_tools_answer(name: str, rc: int, output: str, count: int) -> None:
    assert lint.findings(name, rc, output) == count
