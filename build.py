#!/usr/bin/env python3
"""Developer and CI entry point for tripo_blender: ``test``, ``build``, ``emulator``, ``demo``, ``bench``.

Standard library only, so that a fresh clone needs nothing but Python 3.11 (the version Blender's
``bpy`` wheels are built for) to run ``python3 build.py test``. This file is only the command
line; the work is done by the ``tools`` package beside it (see ``tools/__init__.py``).

* ``test``     prepares the virtual environments under ``.venv/`` (cached by a stamp), builds the
               extension zip, then runs the plain-Python tests, the bpy tests on Blender 4.2–5.3
               (which include installing the built zip), mypy, and the ``ui`` steps (the zip
               installed in Debian's real Blender under Xvfb, one window per Debian release, driven
               end to end; needs root), the ``lint`` step (ruff, ruff format, vulture), and prints a summary.
* ``build``    writes ``dist/tripo_blender-<version>.zip``, installable in Blender 4.2+.
* ``emulator`` runs the local Tripo API emulator in the foreground (for manual testing).
* ``demo``     the main job offline: a prompt becomes ``demo-out/demo.blend`` and ``demo.png``.
* ``bench``    every speed promise against its baseline.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from tools.commands import cmd_bench, cmd_build, cmd_demo, cmd_emulator, cmd_test
from tools.paths import DIST_DIR, BuildError
from tools.steps import STEP_GROUPS

log = logging.getLogger("build")


def make_parser() -> argparse.ArgumentParser:
    """The command line; unknown options of ``test`` are passed to pytest, of ``emulator``/``demo`` on."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)

    test = sub.add_parser(
        "test",
        help="prepare venvs, build, run all tests and mypy",
        description="Unknown options (e.g. -x, -vv, --lf) are passed to pytest.",
    )
    test.add_argument("-k", metavar="EXPR", help="pytest -k expression (applies to every pytest run)")
    test.add_argument(
        "--only",
        action="append",
        metavar="GROUPS",
        help=f"comma-separated subset of {', '.join(STEP_GROUPS)} (repeatable)",
    )
    test.add_argument(
        "--fast", action="store_true", help="Blender 5.0 only: no build step, no packaging tests, no ui steps"
    )
    test.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=min(4, os.cpu_count() or 1),
        help="steps run in parallel (default: CPU count, at most 4)",
    )
    test.set_defaults(func=cmd_test)

    build = sub.add_parser("build", help="write dist/<id>-<version>.zip")
    build.add_argument("--dist", default=str(DIST_DIR), help="output folder (default: dist/)")
    build.set_defaults(func=cmd_build)

    emulator = sub.add_parser("emulator", help="run the Tripo API emulator (arguments passed on)", add_help=False)
    emulator.set_defaults(func=cmd_emulator)
    demo = sub.add_parser(
        "demo", add_help=False, help="the main job offline: a prompt becomes demo-out/demo.blend + demo.png"
    )
    demo.set_defaults(func=cmd_demo)
    bench = sub.add_parser("bench", add_help=False, help="run the benchmarks (bench/run.py; arguments passed on)")
    bench.set_defaults(func=cmd_bench)
    return parser


PASSTHROUGH_COMMANDS = {"test", "emulator", "demo", "bench"}


def main(argv: Sequence[str] | None = None) -> int:
    """Parse, dispatch, and turn BuildError into a one-line message with exit code 1."""
    parser = make_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command not in PASSTHROUGH_COMMANDS:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.extra = extra
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="%(name)s: %(message)s")
    try:
        return int(args.func(args))
    except BuildError as exc:
        log.error("%s", exc)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
