"""Apply ruff's safe fixes and ``ruff format`` to the whole tree, as one commit "ruff format the tree".

Run from a clean checkout: ``python3 -m tools.format_tree``. Why a script: formatting touches
nearly every file, so it is kept out of the commits that change behaviour and redone after
branches are merged (merge them first, then run this again; a tree already formatted gives no
commit). It prepares ``.venv/lint`` if needed, refuses a dirty tree (the commit must hold the
formatting and nothing else), runs ``ruff check --fix`` (import order, unused imports) and
``ruff format``, then commits the tracked files it changed. Long strings and comments the
formatter cannot wrap are left to ``ruff check`` (E501): the lint step names them.
"""

from __future__ import annotations

import logging
import subprocess
import sys

from tools.paths import ROOT, BuildError, log
from tools.venvs import LINT, ensure_venvs

COMMIT_MESSAGE = "ruff format the tree"


def git(*args: str) -> str:
    """Run git in the repository root; its output, or BuildError with git's message."""
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BuildError(f"git {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def main() -> int:
    """Fix, format, commit; 0 when the tree is formatted (committed now or before)."""
    if git("status", "--porcelain", "--untracked-files=no").strip():
        raise BuildError("the tree has uncommitted changes: commit or stash them first")
    ensure_venvs([LINT])
    ruff = str(LINT.path / "bin" / "ruff")
    # --fix: only the safe fixes; what is left (long strings, B…) fails the lint step, by name
    subprocess.run([ruff, "check", "--fix", "--exit-zero", "--silent", "."], cwd=ROOT, check=True)
    subprocess.run([ruff, "format", "--quiet", "."], cwd=ROOT, check=True)
    if not git("status", "--porcelain", "--untracked-files=no").strip():
        log.info("already formatted: nothing to commit")
        return 0
    git("add", "--update")
    git("commit", "--quiet", "-m", COMMIT_MESSAGE)
    log.info("committed %s", git("log", "-1", "--format=%h %s").strip())
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    try:
        sys.exit(main())
    except BuildError as exc:
        log.error("%s", exc)
        sys.exit(1)
