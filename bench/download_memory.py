"""Memory and time of downloading one large model: our client vs the official SDK 1.0.0.

Run with the client venv (it has the SDK, tripo3d 1.0.0 with aiohttp, as the baseline)::

    .venv/client/bin/python bench/download_memory.py [--size-mb 100] [--rounds 7]

Why this benchmark: the official add-on's downloads buffer whole files in memory
(docs/sdk-surface.md#known-faults, fault 8; users' complaint: Blender freezes), and a 100 MB model inside
Blender's process is real pressure. Our client streams 1 MiB chunks into a temporary file, checks the size and the
GLB
magic, fsyncs and renames it into place (``tripo_blender/client/download.py``). The SDK, when
``aiohttp`` is installed (as here), streams 1 MiB chunks straight into the target file.

How: the emulator serves the file through its ordinary wire protocol, no emulator change
needed: the benchmark uploads a generated GLB of ``--size-mb`` MiB with the STS flow and
creates an ``import_model`` task, whose output ``model`` is that very file on the emulator's CDN
port. Each download then runs in a **fresh child process**, so imports and earlier downloads
cannot hide or inflate its peak. A child reports:

* ``RSS peak KiB``: growth of the resident set during the download (Linux: the peak, ``VmHWM``, is
  reset just before via ``/proc/self/clear_refs``; elsewhere ``ru_maxrss`` minus the RSS before),
* ``traced MiB``: the peak of Python allocations during the download (``tracemalloc``, in a
  separate child, because tracing slows the download down),
* wall and CPU seconds of the download call alone (process start and imports excluded).

Contenders: ``ours`` (``TripoClient.download_task_models``), ``sdk`` (the baseline:
``await tripo3d.TripoClient.download_task_models`` with aiohttp), a diagnostic
``ours-nofsync`` (ours with ``os.fsync`` stubbed out in that child: how much of our time is the
durability the SDK does not pay for), and two references for scale:
``floor`` (``urllib`` + ``shutil.copyfileobj``: the least a streamed download can cost) and
``buffered`` (``urllib`` ``read()`` then one write: what the SDK's *legacy* client does, which is
the one it uses in a stock Blender without aiohttp; that client itself cannot run here because it
always opens TLS on port 443). Rounds alternate
the order of the contenders; the table shows medians and ratios to the SDK. Only 127.0.0.1 is
contacted. Files go to a temporary folder that is removed afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import resource
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import tracemalloc
import urllib.request
from pathlib import Path
from typing import Any

from _common import median, print_table, ratio  # first: puts the repository root on sys.path

CONTENDERS = ("ours", "ours-nofsync", "sdk", "floor", "buffered")
MIB = 1024 * 1024


# --------------------------------------------------------------------------- parent: setup


def make_glb(size: int) -> bytes:
    """A structurally valid GLB of about ``size`` bytes: a JSON chunk naming one buffer, then
    the binary chunk (zeros; content does not matter to a download, only its length)."""
    binary = max(0, size - 64) // 4 * 4
    doc = json.dumps({"asset": {"version": "2.0"}, "buffers": [{"byteLength": binary}]}).encode()
    doc += b" " * (-len(doc) % 4)
    total = 12 + 8 + len(doc) + 8 + binary
    header = struct.pack("<4sII", b"glTF", 2, total)
    return b"".join(
        [header, struct.pack("<I4s", len(doc), b"JSON"), doc, struct.pack("<I4s", binary, b"BIN\x00"), bytes(binary)]
    )


def publish_large_task(base_url: str, key: str, data: bytes) -> str:
    """Upload ``data`` with the STS flow and import it as a model; returns the task id.

    Setup only (not measured), so plain ``requests`` calls rather than either client.
    """
    import requests

    auth = {"Authorization": f"Bearer {key}"}
    presigned = requests.post(f"{base_url}/v3/files/presign", json={"format": "glb"}, headers=auth, timeout=30)
    presigned.raise_for_status()
    slot = presigned.json()["data"]
    requests.put(slot["presigned_url"], data=data, timeout=120).raise_for_status()
    created = requests.post(
        f"{base_url}/v3/models/import", json={"input": slot["file_token"]}, headers=auth, timeout=30
    )
    created.raise_for_status()
    return str(created.json()["data"]["task_id"])


def model_url(base_url: str, task_id: str) -> str:
    """A freshly signed URL of the task's model (for curl, which cannot read the task itself)."""
    from tests.emulator import TEST_KEY
    from tripo_blender.client import TripoClient

    with TripoClient(api_key=TEST_KEY, base_url=base_url) as client:
        return client.get_task(task_id).output.model_url or ""


def run_curl(url: str, out: str) -> dict[str, float]:
    """``curl -o``: the throughput reference (wall time includes curl's own start, ~5 ms)."""
    started = time.perf_counter()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(["curl", "-sSf", "-o", os.path.join(out, "model.glb"), url], check=True, timeout=600)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "wall": time.perf_counter() - started,
        "cpu": after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime,
        "peak_kib": float("nan"),
        "traced_mib": float("nan"),
    }


def run_child(contender: str, base_url: str, task_id: str, expected: int, trace: bool) -> dict[str, float]:
    """One download in a fresh interpreter (curl: curl itself); checks the file has the right size."""
    out = tempfile.mkdtemp(prefix="tripo-bench-dl-")
    try:
        if contender == "curl":
            figures = run_curl(model_url(base_url, task_id), out)
        else:
            cmd = [sys.executable, __file__, "--child", contender, base_url, task_id, out]
            if trace:
                cmd.append("--trace")
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
            if done.returncode != 0:
                raise RuntimeError(f"{contender} child failed:\n{done.stderr}")
            figures = json.loads(done.stdout.strip().splitlines()[-1])
        sizes = [p.stat().st_size for p in Path(out).iterdir()]
        if sizes != [expected]:
            raise RuntimeError(f"{contender}: expected one file of {expected} bytes, found {sizes}")
        return figures
    finally:
        shutil.rmtree(out, ignore_errors=True)


# --------------------------------------------------------------------------- child: one download


def _rss_kib() -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def _hwm_kib() -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def _reset_peak() -> bool:
    """Linux ≥ 4.0: writing 5 to clear_refs resets the peak RSS (VmHWM) to the current RSS."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


class Meter:
    """Wall, CPU and peak-RSS growth (or the traced peak) between :meth:`start` and :meth:`stop`.

    Two calls rather than a wrapper so the async contender can be measured around an ``await``.
    """

    def __init__(self, trace: bool) -> None:
        self.trace = trace

    def start(self) -> None:
        self.rss_before = _rss_kib() or 0
        self.exact_peak = _reset_peak()
        if self.trace:
            tracemalloc.start()
        self.cpu0 = resource.getrusage(resource.RUSAGE_SELF)
        self.t0 = time.perf_counter()

    def stop(self) -> dict[str, float]:
        wall = time.perf_counter() - self.t0
        cpu1 = resource.getrusage(resource.RUSAGE_SELF)
        figures = {"wall": wall, "cpu": (cpu1.ru_utime - self.cpu0.ru_utime) + (cpu1.ru_stime - self.cpu0.ru_stime)}
        if self.trace:
            figures["traced_mib"] = tracemalloc.get_traced_memory()[1] / MIB
            tracemalloc.stop()
        else:
            peak = _hwm_kib() if self.exact_peak else None
            if peak is None:
                peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
            figures["peak_kib"] = max(0, peak - self.rss_before)
        return figures


def child(contender: str, base_url: str, task_id: str, out: str, trace: bool) -> int:
    """Fetch the task (not measured), then measure only the download call; print the figures."""
    from tests.emulator import TEST_KEY
    from tripo_blender.client import TripoClient

    meter = Meter(trace)
    if contender == "sdk":
        os.environ.setdefault("TRIPO_DISABLE_GEO_DETECTION", "1")  # no network probe on import
        import tripo3d

        async def sdk() -> dict[str, float]:
            async with tripo3d.TripoClient(api_key=TEST_KEY, v3_base_url=base_url) as client:
                task = await client.get_task(task_id)
                meter.start()
                await client.download_task_models(task, out)
                return meter.stop()

        figures = asyncio.run(sdk())
    else:
        with TripoClient(api_key=TEST_KEY, base_url=base_url) as client:
            task = client.get_task(task_id)
            url = task.output.model_url or ""
            if contender == "ours-nofsync":  # diagnostic: what durability costs (this child only)
                os.fsync = lambda fd: None
            meter.start()
            if contender.startswith("ours"):
                client.download_task_models(task, out)
            else:
                with urllib.request.urlopen(url, timeout=60) as resp, open(os.path.join(out, "model.glb"), "wb") as fh:
                    if contender == "floor":
                        shutil.copyfileobj(resp, fh, 256 * 1024)
                    else:  # "buffered": the whole body in memory, then one write
                        fh.write(resp.read())
            figures = meter.stop()
    print(json.dumps(figures))
    return 0


# --------------------------------------------------------------------------- parent: report


def measure(
    size: int, rounds: int, contenders: tuple[str, ...], trace: bool = True
) -> tuple[dict[str, dict[str, float]], dict[str, float], int, int]:
    """Median figures per contender over ``rounds`` (orders rotate), the traced peaks, the CDN
    requests and how many of them carried an Authorization header."""
    from tests.emulator import TEST_KEY, Emulator

    data = make_glb(size)
    with Emulator(run_seconds=0.0, url_ttl=3600.0, upload_cap=size + MIB) as emu:
        task_id = publish_large_task(emu.base_url, TEST_KEY, data)
        size = len(data)  # the GLB header and chunk headers add a few bytes
        del data
        runs: dict[str, list[dict[str, float]]] = {c: [] for c in contenders}
        for round_no in range(rounds):
            shift = round_no % len(contenders)
            for contender in contenders[shift:] + contenders[:shift]:  # nobody always goes first
                runs[contender].append(run_child(contender, emu.base_url, task_id, size, trace=False))
        traced = {
            c: run_child(c, emu.base_url, task_id, size, trace=True)["traced_mib"] if trace else float("nan")
            for c in contenders
        }
        auth_to_cdn = sum(1 for r in emu.cdn_requests if "authorization" in r.headers)
        cdn_gets = len(emu.cdn_requests)
    figures = {c: {k: median([r[k] for r in runs[c]]) for k in ("wall", "cpu", "peak_kib")} for c in contenders}
    return figures, traced, cdn_gets, auth_to_cdn


def row3(size_mb: int = 256, rounds: int = 3) -> dict[str, Any]:
    """Row 3: ours vs ``curl -o`` (throughput) and the SDK (RSS growth) on one ``size_mb`` file."""
    figures, _, _, _ = measure(size_mb * MIB, rounds, ("ours", "sdk", "curl"), trace=False)
    mib_s = {c: size_mb / f["wall"] for c, f in figures.items()}
    return {
        "size_mib": size_mb,
        "rounds": rounds,
        "mib_per_s": mib_s,
        "rss_growth_mib": {c: f["peak_kib"] / 1024 for c, f in figures.items() if c != "curl"},
        "vs_curl": mib_s["ours"] / mib_s["curl"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mb", type=int, default=100, help="size of the model file in MiB (default 100)")
    parser.add_argument("--rounds", type=int, default=7, help="downloads per contender (default 7)")
    parser.add_argument("--child", nargs=4, metavar=("CONTENDER", "BASE_URL", "TASK_ID", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--row3",
        action="store_true",
        help="only row 3 of build.py bench (ours, SDK, curl; --size-mb default 256) as a JSON line",
    )
    args = parser.parse_args()
    if args.child:
        contender, base_url, task_id, out = args.child
        return child(contender, base_url, task_id, out, trace=args.trace)
    logging.basicConfig(level=logging.WARNING)
    if args.row3:
        print(json.dumps(row3(args.size_mb, args.rounds)))
        return 0

    data_len = args.size_mb * MIB
    figures, traced, cdn_gets, auth_to_cdn = measure(data_len, args.rounds, CONTENDERS)
    sdk = figures["sdk"]
    names = {
        "ours": "ours (TripoClient)",
        "ours-nofsync": "ours, fsync skipped (diagnostic)",
        "sdk": "SDK 1.0.0 + aiohttp (baseline)",
        "floor": "urllib copyfileobj (floor)",
        "buffered": "urllib read() (buffered)",
    }
    rows = []
    for c in CONTENDERS:
        f = figures[c]
        rows.append(
            [
                names[c],
                f"{f['peak_kib']:.0f}",
                ratio(f["peak_kib"], sdk["peak_kib"]),
                f"{traced[c]:.2f}",
                ratio(traced[c], traced["sdk"]),
                f"{f['wall']:.3f}",
                ratio(f["wall"], sdk["wall"]),
                f"{f['cpu']:.3f}",
                ratio(f["cpu"], sdk["cpu"]),
                f"{data_len / MIB / f['wall']:.0f}",
            ]
        )
    print_table(
        ["download", "RSS peak KiB", "vs SDK", "traced MiB", "vs SDK", "wall s", "vs SDK", "cpu s", "vs SDK", "MiB/s"],
        rows,
        title=f"one {data_len / MIB:.0f} MiB GLB from the emulator's CDN, each in a fresh process "
        f"(median of {args.rounds}; traced: 1 run each)",
    )
    print(
        f"CDN requests: {cdn_gets}, of which carried an Authorization header: {auth_to_cdn} "
        "(the emulator's CDN refuses any; SDK 0.3.0 sent the key there, 1.0.0 no longer does)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
