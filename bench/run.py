"""``python3 build.py bench``: every speed promise against its baseline, in one run, one table.

Stdlib only: this driver runs each benchmark in the venv it needs (``.venv/client`` for the
client and job engine, ``.venv/bpy-5.0`` for Blender), one after the other (they time real
work; on a small machine two at once slow each other down), collects their JSON figures, prints
one table (a row per promise) and writes ``bench/results.json``. ``--smoke`` runs a tiny version of each
(seconds, not minutes): the test suite uses it to keep every benchmark runnable.

| # | script | venv |
|---|---|---|
| 1, 2 | ``completion.py`` (wait_for_task vs SDK 1.0.0; job engine at 1/10/50 jobs) | client |
| 3 | ``download_memory.py --row3`` (256 MiB vs curl and the SDK) | client |
| 4 | ``import_pipeline.py`` (our landing vs raw importer) | bpy-5.0 |
| 5 | ``pump_tick.py`` (pump tick) and ``blender_rows.py`` (panel draw at 500 and 5,000 jobs) | bpy-5.0 |
| 6 | ``blender_rows.py`` (idle ticks; enable time warm and cold vs rigify, node_wrangler) | bpy-5.0 |
| 7 | ``mesh_export.py`` (any-mesh export: main thread vs the raw glTF exporter and a foreach_get floor) | bpy-5.0 |
| 8 | ``asset_write.py`` (a result kept as an asset; listing 1,000) | bpy-5.0 |
| 9 | ``many_landings.py`` (100 landings of one batch vs the raw importer into the same structure) | bpy-5.0 |
| 10 | ``batch.py`` (100 tasks of 1.5 s, 10 at once, vs the ideal 15 s; engine, ``tripo.batch``) | client, bpy-5.0 |
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import readme_table

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CLIENT = ROOT / ".venv" / "client" / "bin" / "python"
BPY = ROOT / ".venv" / "bpy-5.0" / "bin" / "python"
RESULTS = HERE / "results.json"


def figures_of(python: Path, script: str, *args: str) -> Any:
    """Run one benchmark; its last stdout line is its JSON figures (the rest is shown as it runs)."""
    cmd = [str(python), str(HERE / script), *args]
    print(f"$ {' '.join(cmd[1:])}", flush=True)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    last = ""
    for line in proc.stdout:
        if line.strip():
            last = line
        if not line.startswith("{"):
            print(line, end="", flush=True)
    if proc.wait() != 0:
        raise SystemExit(f"{script} failed (exit {proc.returncode})")
    return json.loads(last)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}"


def collect(smoke: bool) -> dict[str, Any]:
    flag = ["--smoke"] if smoke else []
    out: dict[str, Any] = {}
    out.update(figures_of(CLIENT, "completion.py", "--json", *flag))
    out["row3"] = figures_of(
        CLIENT,
        "download_memory.py",
        "--row3",
        *(["--size-mb", "8", "--rounds", "1"] if smoke else ["--size-mb", "256", "--rounds", "3"]),
    )
    out["row4"] = figures_of(BPY, "import_pipeline.py", "--json", *flag)
    out["row5_tick"] = figures_of(
        BPY,
        "pump_tick.py",
        "--json",
        *(
            ["--jobs", "0,2", "--ticks", "5", "--idle-ticks", "1", "--idle-wait", "0.1"]
            if smoke
            else ["--jobs", "0,10,100", "--ticks", "200", "--idle-ticks", "3"]
        ),
    )
    out["rows56"] = figures_of(BPY, "blender_rows.py", "--json", *flag)
    out["row7"] = figures_of(BPY, "mesh_export.py", "--json", *flag)
    out["row8"] = figures_of(BPY, "asset_write.py", "--json", *flag)
    out["row9"] = figures_of(BPY, "many_landings.py", "--json", *flag)
    out["row10"] = {
        "engine": figures_of(CLIENT, "batch.py", "--side", "engine", "--json", *flag),
        "console": figures_of(BPY, "batch.py", "--side", "console", "--json", *flag),
    }
    return out


def _f(value: float, unit: str = "", digits: int = 2) -> str:
    return f"{value:.{digits}f}{unit}"


#: Row 6's bound (issue 25): enabling warm within 90 ms where rigify takes 80 ms, i.e. this ratio to
#: rigify's wall time measured in the same run (absolute milliseconds follow the machine and its
#: load; the CPU ratio is shown too: rigify spends part of its enable off the CPU, ours hardly any).
ENABLE_VS_RIGIFY = 1.125


def table(r: dict[str, Any]) -> list[list[str]]:
    """The rows: what, ours, baseline, target, met."""
    rows = []
    modes = r["row1"]["modes"]
    no_eta = [m for name, m in modes.items() if name.startswith("no ETA")]
    eta = modes["with ETA"]
    worst = max(m["ours"]["p95"] for m in no_eta)
    tpr = min(m["ours"]["task_s_per_request"] for m in [*no_eta, eta])
    rows.append(
        [
            "1 wait_for_task finish->noticed",
            f"p95 {_f(worst, ' s')} no ETA, {_f(eta['ours']['p95'], ' s')} ETA; {_f(tpr)} task-s/req",
            f"SDK p95 {_f(max(m['sdk']['p95'] for m in no_eta), ' s')} no ETA, {_f(eta['sdk']['p95'], ' s')} ETA",
            "p95 <= 1.0 / 0.5 s; >= 1 task-s/req",
            str(worst <= 1.0 and eta["ours"]["p95"] <= 0.5 and tpr >= 1.0),
        ]
    )
    cases = r["row2"]["cases"]
    ten = next((c for c in cases if c["jobs"] == 10), cases[-1])
    rows.append(
        [
            "2 job engine, 1/10/50 jobs",
            "p95 "
            + "/".join(_f(c["p95"]) for c in cases)
            + f" s; {_f(ten['requests_per_task_second'], '', 3)} req/task-s @{ten['jobs']}",
            f"row 1 p95 {_f(worst, ' s')}",
            "p95 <= 1.0 s; <= 0.2 req/task-s @10",
            str(all(c["p95"] <= 1.0 for c in cases) and ten["requests_per_task_second"] <= 0.2),
        ]
    )
    d = r["row3"]
    rows.append(
        [
            f"3 download {d['size_mib']} MiB",
            f"{d['mib_per_s']['ours']:.0f} MiB/s ({d['vs_curl']:.2f}x curl), "
            f"+{d['rss_growth_mib']['ours']:.1f} MiB RSS",
            f"curl {d['mib_per_s']['curl']:.0f} MiB/s; SDK +{d['rss_growth_mib']['sdk']:.1f} MiB RSS",
            ">= 0.9x curl; <= 32 MB RSS",
            str(d["vs_curl"] >= 0.9 and d["rss_growth_mib"]["ours"] <= 32),
        ]
    )
    imp = r["row4"]["assets"]
    worst_ratio = max(a["ratio"] for a in imp.values())
    rows.append(
        [
            "4 import pipeline per asset",
            ", ".join(f"{name} {a['ratio']:.2f}x" for name, a in imp.items()),
            "raw import_scene." + "/".join(sorted({a["raw_op"] for a in imp.values()})),
            "<= 1.10x raw",
            str(worst_ratio <= 1.10),
        ]
    )
    tick = r["row5_tick"]["jobs"]
    draw = r["rows56"]["draw"]
    big = [n for n in ("500", "5000") if n in draw] or [max(draw, key=int)]
    worst_tick = max(t["p99_ms"] for t in tick.values())
    rows.append(
        [
            "5 pump tick p99 / draw() @" + "/".join(big),
            f"tick p99 {_f(worst_tick, ' ms', 3)} (max {_f(max(t['max_ms'] for t in tick.values()), ' ms', 2)}); "
            "draw p50/p99 "
            + ", ".join(f"{_f(draw[n]['p50_ms'], '', 2)}/{_f(draw[n]['p99_ms'], '', 2)}" for n in big)
            + " ms (CPU p99 "
            + "/".join(_f(draw[n]["cpu_p99_ms"], "", 2) for n in big)
            + ")",
            f"empty loop {_f(r['row5_tick']['baseline_paced_ms'], ' ms', 3)}; "
            f"empty panel {_f(draw['0']['p50_ms'], ' ms', 3)}",
            "p99 tick <= 4 ms; draw CPU p99 <= 1 ms @500/5000",
            str(worst_tick <= 4 and all(draw[n]["cpu_p99_ms"] <= 1 for n in big)),
        ]
    )
    idle, enable = r["rows56"]["idle"], r["rows56"]["enable"]
    ours, rigify = enable["addons"]["tripo_blender"], enable["addons"]["rigify"]
    rows.append(
        [
            "6 idle ticks / enable warm (cold)",
            f"{idle['ticks_per_s']:g} ticks/s idle; enable {ours['warm_s'] * 1e3:.0f} ms "
            f"({ours['cold_s'] * 1e3:.0f} ms): {ours['warm_s'] / rigify['warm_s']:.2f}x rigify "
            f"({ours['cold_s'] / rigify['cold_s']:.2f}x); CPU {ours['warm_cpu_s'] / rigify['warm_cpu_s']:.2f}x "
            f"({ours['cold_cpu_s'] / rigify['cold_cpu_s']:.2f}x)",
            f"rigify {rigify['warm_s'] * 1e3:.0f} ms ({rigify['cold_s'] * 1e3:.0f} ms); "
            f"node_wrangler {enable['addons']['node_wrangler']['warm_s'] * 1e3:.0f} ms",
            f"0 ticks/s; warm <= {ENABLE_VS_RIGIFY:g}x rigify (90 vs 80 ms)",
            str(idle["ticks_per_s"] == 0 and ours["warm_s"] <= ENABLE_VS_RIGIFY * rigify["warm_s"]),
        ]
    )
    rows.append(export_row(r["row7"]["sizes"]))
    write, listing = r["row8"]["write"], r["row8"]["list"]
    worst_write = max(w["ours_ms"] for w in write.values())
    rows.append(
        [
            f"8 asset write / list @{listing['count']}",
            ", ".join(f"{name} {w['ours_ms']:.1f} ms" for name, w in write.items())
            + f"; list {listing['ours_ms']:.1f} ms",
            ", ".join(f"raw write {w['raw_ms']:.1f} ms" for w in write.values())
            + f"; record files {listing['record_files_ms']:.1f} ms",
            "write <= 50 ms; list <= 100 ms @1000",
            str(worst_write <= 50 and listing["ours_ms"] <= 100),
        ]
    )
    many = r["row9"]
    rows.append(
        [
            f"9 {many['landings']} landings of one batch",
            f"{many['ours']['total_s']:.2f} s ({many['total_ratio']:.2f}x), last "
            f"{many['ours']['last_s'] * 1e3:.0f} ms ({many['last_ratio']:.2f}x); CPU "
            f"{many['total_cpu_ratio']:.2f}x, last {many['last_cpu_ratio']:.2f}x",
            f"raw import_scene.gltf into Tripo/batch: {many['raw']['total_s']:.2f} s, last "
            f"{many['raw']['last_s'] * 1e3:.0f} ms",
            "<= 1.10x raw, last <= 1.10x",
            str(many["total_ratio"] <= 1.10 and many["last_ratio"] <= 1.10),
        ]
    )
    rows.append(batch_row(r["row10"]))
    return rows


#: Row 10's bounds (issue 25): the engine's batch within this ratio of its ideal time, and the
#: poller's requests per task-second (summed run time of the tasks) at most 1.
BATCH_VS_IDEAL = 1.2


def batch_row(sides: dict[str, Any]) -> list[str]:
    """Row 10: a batch of short tasks against its ideal time (every slot busy all the time)."""
    engine, console = sides["engine"], sides["console"]
    return [
        f"10 batch {engine['jobs']} x {engine['run_s']:g} s @{engine['concurrency']}",
        f"engine {engine['seconds']:.1f} s ({engine['vs_ideal']:.2f}x), console {console['seconds']:.1f} s "
        f"({console['vs_ideal']:.2f}x); {engine['requests_per_task_second']:.2f}/"
        f"{console['requests_per_task_second']:.2f} req/task-s",
        f"ideal {engine['ideal_s']:g} s (ceil(jobs / concurrency) x run)",
        f"engine <= {BATCH_VS_IDEAL:g}x ideal; <= 1 req/task-s",
        str(
            engine["vs_ideal"] <= BATCH_VS_IDEAL
            and max(engine["requests_per_task_second"], console["requests_per_task_second"]) <= 1
        ),
    ]


#: Row 7's bounds on the main thread (issue 20): seconds by mesh size.
EXPORT_BOUNDS = {"4k": 0.030, "1M": 0.300}


def export_row(sizes: dict[str, Any]) -> list[str]:
    """Row 7: the any-mesh export's main-thread time and file time per size, against the raw glTF
    exporter and the foreach_get floor of the same run."""
    names = "/".join(sizes)
    return [
        f"7 any-mesh export, {names} triangles",
        "main "
        + "/".join(_f(s["main_s"] * 1e3, "", 1) for s in sizes.values())
        + " ms ("
        + "/".join(f"{s['main_vs_raw']:.3f}" for s in sizes.values())
        + "x raw); file ready "
        + "/".join(_f(s["ready_s"], "", 2) for s in sizes.values())
        + " s",
        "raw glTF exporter "
        + "/".join(_f(s["raw_s"], "", 2) for s in sizes.values())
        + " s; foreach_get floor "
        + "/".join(_f(s["floor_s"] * 1e3, "", 1) for s in sizes.values())
        + " ms",
        "main <= 30 ms @4k, <= 300 ms @1M",
        str(all(sizes[k]["main_s"] <= bound for k, bound in EXPORT_BOUNDS.items() if k in sizes)),
    ]


def print_rows(rows: list[list[str]]) -> None:
    headers = ["row", "ours", "baseline (same run)", "target", "met"]
    widths = [max(len(x[i]) for x in [headers, *rows]) for i in range(len(headers))]
    for line in [headers, ["-" * w for w in widths], *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="a tiny run of each benchmark (the test suite's)")
    parser.add_argument("--out", default=str(RESULTS), help="where to write the JSON (default bench/results.json)")
    args = parser.parse_args(argv)
    started, load_before = time.monotonic(), os.getloadavg()[0]
    figures = collect(args.smoke)
    rows = table(figures)
    elapsed = time.monotonic() - started
    print(f"\npython3 build.py bench{' --smoke' if args.smoke else ''}: {machine()}; {elapsed:.0f} s")
    print_rows(rows)
    results = {
        "machine": machine(),
        "date": time.strftime("%Y-%m-%d"),
        "smoke": args.smoke,
        "seconds": elapsed,
        "load": {"before": load_before, "after": os.getloadavg()[0]},
        "table": rows,
        "figures": figures,
    }
    Path(args.out).write_text(json.dumps(results, indent=1) + "\n")
    if not args.smoke and Path(args.out) == RESULTS:  # the checked-in results: the README shows them
        readme_table.update(ROOT / "README.md", results)
        print("README.md's benchmark table rewritten from bench/results.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
