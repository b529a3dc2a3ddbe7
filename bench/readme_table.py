"""The README's benchmark table, written from ``bench/results.json`` — never by hand.

Why: a figure in the README must be one a rerun reproduces. ``python3 build.py bench`` (a full
run, not ``--smoke``) rewrites the block between the two markers below in README.md from the
results it just wrote; ``tests/packaging/test_bench_readme.py`` fails when the README's block and
the checked-in ``bench/results.json`` disagree, so neither can be edited alone.

Stdlib only (it runs in the bench driver, which needs no venv).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

START = "<!-- bench table: written by bench/readme_table.py from bench/results.json -->"
END = "<!-- end of bench table -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("<=", "≤").replace(">=", "≥")


def render(results: dict[str, Any]) -> str:
    """The block (markers included) for ``results`` (the JSON ``bench/run.py`` writes)."""
    load = results.get("load")
    load_text = (
        f"load average {load['before']:.1f} before, {load['after']:.1f} after"
        if isinstance(load, dict)
        else "load not recorded"
    )
    lines = [
        START,
        "",
        f"Run of {results.get('date', 'an unrecorded date')}: {results['machine']}; {load_text}; "
        f"{results['seconds']:.0f} s.",
        "",
        "| # | what | ours | baseline (same run) | target | met |",
        "|---|---|---|---|---|---|",
    ]
    for what, ours, baseline, target, met in results["table"]:
        number, _, name = what.partition(" ")
        lines.append(
            f"| {number} | {_cell(name)} | {_cell(ours)} | {_cell(baseline)} | {_cell(target)} | "
            f"{'yes' if met == 'True' else 'no'} |"
        )
    return "\n".join([*lines, "", END])


def current_block(readme: str) -> str | None:
    """The README's block as it stands (markers included), or None when the markers are missing."""
    found = re.search(re.escape(START) + r".*?" + re.escape(END), readme, flags=re.S)
    return found.group(0) if found else None


def update(readme_path: Path, results: dict[str, Any]) -> None:
    """Replace the README's block with :func:`render` of ``results``; ValueError without markers."""
    readme = readme_path.read_text(encoding="utf-8")
    if current_block(readme) is None:
        raise ValueError(f"{readme_path} has no benchmark table markers ({START!r} … {END!r})")
    block = render(results)
    readme_path.write_text(
        re.sub(re.escape(START) + r".*?" + re.escape(END), lambda _: block, readme, flags=re.S), encoding="utf-8"
    )
