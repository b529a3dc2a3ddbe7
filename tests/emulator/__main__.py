"""``python -m tests.emulator``: run the emulator in the foreground until Ctrl-C.

Why a CLI: manual testing of the add-on inside a real Blender against a fake apiv3 service
(paste the printed base URL, the host root, into the add-on's API Base URL and use the printed
key), and ``build.py emulator`` calls :func:`main`.
"""

from __future__ import annotations

import argparse
import logging
import signal
import threading

from .server import TEST_KEY, Emulator


def main(argv: list[str] | None = None) -> int:
    """Start the emulator with the given options and block until interrupted; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m tests.emulator", description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="API port (default: any free port)")
    parser.add_argument("--cdn-port", type=int, default=0, help="CDN port (default: any free port)")
    parser.add_argument("--queue-seconds", type=float, default=2.0, help="time each task spends queued")
    parser.add_argument("--run-seconds", type=float, default=8.0, help="time each task spends running")
    parser.add_argument("--url-ttl", type=float, default=300.0, help="lifetime of signed output URLs")
    parser.add_argument(
        "--eta",
        action="store_true",
        help="send running_left_time/queuing_num in task objects (apiv3 does not by default)",
    )
    parser.add_argument("--verbose", action="store_true", help="log every request")
    if argv and argv[0] == "--":  # tolerate "build.py emulator -- --port 8000"
        argv = argv[1:]
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="%(asctime)s %(message)s")
    emulator = Emulator(
        queue_seconds=args.queue_seconds,
        run_seconds=args.run_seconds,
        url_ttl=args.url_ttl,
        api_port=args.port,
        cdn_port=args.cdn_port,
        eta=args.eta,
    )
    # Explicit handlers, installed before anything is printed: Ctrl-C (or a test's SIGINT) at any
    # moment after start-up then stops the servers cleanly instead of killing the process mid-line.
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    emulator.start()
    print(
        f"Tripo apiv3 emulator listening\n  base URL: {emulator.base_url}\n  CDN:      {emulator.cdn_base}\n"
        f"  API key:  {TEST_KEY}\nPress Ctrl-C to stop.",
        flush=True,
    )
    try:
        stop.wait()
    finally:
        emulator.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
