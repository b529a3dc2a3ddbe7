"""docs/reliability.md is current: one row per reliability test that exists, each one passing.

The suite running this test also runs every row's test, so "all rows pass" in the file and a green
suite agree; a new, renamed or removed reliability test without a regenerated table fails here."""

from __future__ import annotations

from tests.reliability_table import DOC, render, rows


def test_the_checked_in_reliability_table_is_current() -> None:
    table = rows()
    assert table, "no reliability tests found"
    expected = render(table, {(r.module, r.test): "pass" for r in table})
    assert DOC.read_text(encoding="utf-8") == expected, "run: python3 -m tests.reliability_table"
