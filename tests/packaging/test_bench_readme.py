"""The README's benchmark table is the checked-in run's: written from ``bench/results.json``.

Why: a figure in the README must be one a rerun reproduces; a table typed by hand drifts from the
run it claims (issue 25). ``python3 build.py bench`` rewrites both together."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def readme_table() -> ModuleType:
    spec = importlib.util.spec_from_file_location("readme_table", ROOT / "bench" / "readme_table.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_readme_table_is_the_checked_in_full_run() -> None:
    results = json.loads((ROOT / "bench" / "results.json").read_text(encoding="utf-8"))
    assert not results["smoke"], "bench/results.json is a --smoke run: run python3 build.py bench"
    module = readme_table()
    block = module.current_block((ROOT / "README.md").read_text(encoding="utf-8"))
    assert block is not None, "README.md lost its benchmark table markers"
    assert block == module.render(results), "README's table differs from bench/results.json: run python3 build.py bench"


def test_every_row_is_written_with_its_baseline_and_verdict(tmp_path: Path) -> None:
    module = readme_table()
    results = {
        "machine": "Linux, 2 CPUs",
        "date": "2026-12-07",
        "seconds": 12.3,
        "smoke": False,
        "load": {"before": 1.5, "after": 2.25},
        "table": [["1 a | b", "ours 1 <= 2", "base", "<= 2", "True"], ["2 c", "3", "base", ">= 4", "False"]],
    }
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n\nbefore\n{module.START}\nold\n{module.END}\nafter\n", encoding="utf-8")
    module.update(readme, results)
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("# x\n\nbefore\n") and text.endswith("\nafter\n"), "only the block is replaced"
    assert "load average 1.5 before, 2.2 after" in text and "12 s" in text
    assert "| 1 | a \\| b | ours 1 ≤ 2 | base | ≤ 2 | yes |" in text
    assert "| 2 | c | 3 | base | ≥ 4 | no |" in text
