"""The ``lint`` step of ``build.py test``: ruff's rules, ruff's formatting and vulture's dead code.

Run in ``.venv/lint`` (``requirements/lint.txt``) as ``python -m tools.lint``, from the repository
root; the settings are in ``pyproject.toml`` (``[tool.ruff]``, ``[tool.vulture]``) and
``vulture_whitelist.py``, and ``.pre-commit-config.yaml`` runs the same three commands. Any finding
fails the step. The three run side by side: the step is their slowest (vulture, ~2 s), not their sum.

The last line (``lint: …``) is what build.py's summary row shows.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from tools.paths import ROOT

#: (name in the summary, tool in the venv's bin folder, its arguments)
CHECKS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("ruff", "ruff", ("check", "--no-fix", "--output-format", "concise", ".")),
    ("format", "ruff", ("format", "--check", ".")),
    ("vulture", "vulture", ()),
)
RUFF_FOUND_RE = re.compile(r"^Found (\d+) errors?\.", re.M)
FORMAT_FOUND_RE = re.compile(r"^(\d+) files? would be reformatted", re.M)


def findings(name: str, rc: int, output: str) -> int:
    """How many findings a check's output reports (at least 1 when it failed without saying)."""
    if rc == 0:
        return 0
    pattern = {"ruff": RUFF_FOUND_RE, "format": FORMAT_FOUND_RE}.get(name)
    found = pattern.search(output) if pattern else None
    count = int(found.group(1)) if found else len([line for line in output.splitlines() if line.strip()])
    return max(count, 1)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the checks side by side, print each one's output, then one summary line."""
    del argv  # no options: the settings are in pyproject.toml
    bin_dir = Path(sys.executable).parent
    running = [
        (
            name,
            subprocess.Popen(
                [str(bin_dir / tool), *args],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                errors="replace",
            ),
        )
        for name, tool, args in CHECKS
    ]
    counts = []
    for name, proc in running:
        output, _ = proc.communicate()
        print(f"--- {name}\n{output.rstrip()}")
        counts.append((name, findings(name, proc.returncode, output)))
    print(
        "lint: "
        + ", ".join(f"{name} {count}" for name, count in counts)
        + ("" if any(count for _, count in counts) else " (clean)")
    )
    return 1 if any(count for _, count in counts) else 0


if __name__ == "__main__":
    sys.exit(main())
