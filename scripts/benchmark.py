#!/usr/bin/env python3
"""Benchmark the main job at a given scale: where the time and the memory go.

    python scripts/benchmark.py --scale 1        # the smoke run CI makes (a few minutes)
    python scripts/benchmark.py --scale 20       # about 1,000,000 tasks
    python scripts/benchmark.py --export-dir ~/exports/big   # an export you already have

Generates an export with scripts/generate_sample.py (--scale N: about 49,000
tasks per unit of scale), then, in the same run:

1. the floor: DuckDB's bare `read_csv` of every CSV of that export, all
   columns as text, into a fresh database file (no checks at all);
2. the main job, `scripts/build.py --export-dir <export> --publish-path
   <scratch>`, with its phase times from `--timings-json` and the ten slowest
   dbt nodes from dbt's target/run_results.json.

Each step's peak memory is the resident memory (RSS) of the process and all its
children (dbt, DuckDB threads), summed and sampled every 0.2 s from /proc
(Linux). DuckDB's memory_limit and threads come from SALES_KPIS_DUCKDB_MEMORY_LIMIT
and SALES_KPIS_DUCKDB_THREADS (README), for the floor as for the job.

It prints a Markdown table (and writes it as JSON with --json). A benchmark,
not a test: nothing here passes or fails on time; it exits 1 only when the
main job fails.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from duckdb_limits import duckdb_limits  # noqa: E402

SCRIPTS = Path(__file__).resolve().parent
PROJECT_DIR = SCRIPTS.parent
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
SAMPLE_EVERY_S = 0.2
SLOWEST_NODES = 10
# scripts/build.py's phases (the title before " (") as shown in the table, in the job's order
PHASES = {
    "export check": "check + land (load_export)",
    "raw checks": "raw checks (Great Expectations)",
    "dbt build": "dbt build",
    "mart checks": "mart checks (Great Expectations)",
    "publish": "publish",
    "Data Docs": "Data Docs",
}
FLOOR = "floor: DuckDB read_csv, all text, into a file"

# Run in a process of its own, so that its memory is measured alone.
FLOOR_SCRIPT = """
import os, sys, duckdb
export, database, memory_limit, threads = sys.argv[1:5]
con = duckdb.connect(database, config={"memory_limit": memory_limit, "threads": threads})
for name in sorted(os.listdir(export)):
    if not name.lower().endswith(".csv"):
        continue
    path = os.path.join(export, name).replace("'", "''")
    table = '"' + name[:-4].replace('"', '""') + '"'
    reader = f"read_csv('{path}', all_varchar = true, header = true"
    try:
        con.execute(f"create or replace table {table} as select * from {reader})")
    except duckdb.InvalidInputException:
        # not UTF-8 (a generated export writes its two small files Account.csv and User.csv in
        # windows-1252, which DuckDB reads only with its encodings extension): a lower bound still
        con.execute(f"create or replace table {table} as select * from {reader}, ignore_errors = true)")
con.close()
"""


class TreeMemory:
    """Samples the summed RSS of a process and its descendants in a background thread."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.samples: list[tuple[float, int]] = []  # (time.time(), bytes)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append((time.time(), tree_rss(self.pid)))
            self._stop.wait(SAMPLE_EVERY_S)

    def peak(self, start: float | None = None, end: float | None = None) -> int:
        """Highest sample between start and end (wall clock), or of the whole run."""
        return max(
            (rss for at, rss in self.samples if (start is None or at >= start) and (end is None or at <= end)),
            default=0,
        )


def tree_rss(root: int) -> int:
    """Resident bytes of root and every descendant, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                # the command name (field 2) may hold spaces: the fields after its ")" are fixed
                fields = stat.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/statm") as statm:
                rss[int(entry)] = int(statm.read().split()[1]) * PAGE_SIZE
        except (OSError, IndexError, ValueError):
            continue  # ended meanwhile
        children.setdefault(int(fields[1]), []).append(int(entry))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total


def run_measured(command: list[str], log: Path) -> tuple[int, float, TreeMemory]:
    """Run a command (output to log); return its exit code, wall time and memory samples."""
    with log.open("w") as out:
        started = time.monotonic()
        child = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=PROJECT_DIR)
        with TreeMemory(child.pid) as memory:
            returncode = child.wait()
        return returncode, time.monotonic() - started, memory


def mib(n_bytes: int) -> int:
    return round(n_bytes / 2**20)


def slowest_nodes(run_results: Path, not_before: float) -> list[dict[str, object]]:
    """The dbt nodes (models, tests, seeds) that took longest, from this run's run_results.json."""
    if not run_results.exists() or run_results.stat().st_mtime < not_before:
        return []
    results = json.loads(run_results.read_text())["results"]
    results.sort(key=lambda r: r.get("execution_time") or 0, reverse=True)
    return [
        {"node": r["unique_id"], "status": r["status"], "seconds": round(r["execution_time"], 1)}
        for r in results[:SLOWEST_NODES]
    ]


def generate(export: Path, scale: float, seed: int) -> float:
    started = time.monotonic()
    command = [sys.executable, str(SCRIPTS / "generate_sample.py"), "--seed", str(seed), "--scale", str(scale)]
    subprocess.run([*command, "--out", str(export)], check=True, capture_output=True)
    return time.monotonic() - started


def export_size(export: Path) -> tuple[int, dict[str, int]]:
    """Bytes of CSV, and rows per file (from planted_facts.json when the generator wrote the export)."""
    size = sum(p.stat().st_size for p in export.glob("*.csv"))
    facts = export / "planted_facts.json"
    counts = json.loads(facts.read_text()).get("row_counts", {}) if facts.exists() else {}
    return size, counts


def benchmark(export: Path, work: Path) -> dict[str, object]:
    """Measure the floor and the main job on one export."""
    rows: list[dict[str, object]] = []
    code, seconds, memory = run_measured(
        [sys.executable, "-c", FLOOR_SCRIPT, str(export), str(work / "floor.duckdb"), *duckdb_limits().values()],
        work / "floor.log",
    )
    if code != 0:
        raise SystemExit(f"the bare read_csv failed: see {work / 'floor.log'}")
    rows.append({"phase": FLOOR, "seconds": round(seconds, 1), "peak_rss_mib": mib(memory.peak())})
    (work / "floor.duckdb").unlink()

    timings_path = work / "timings.json"
    started = time.time()
    command = [sys.executable, str(SCRIPTS / "build.py"), "--export-dir", str(export)]
    command += ["--publish-path", str(work / "warehouse" / "sales_kpis.duckdb"), "--timings-json", str(timings_path)]
    code, seconds, memory = run_measured(command, work / "build.log")
    timings = json.loads(timings_path.read_text()) if timings_path.exists() else {"phases": [], "ok": False}
    for phase in timings["phases"]:
        start = phase["started_at"]
        rows.append(
            {
                "phase": PHASES.get(phase["phase"], phase["phase"]),
                "seconds": round(phase["seconds"], 1),
                "peak_rss_mib": mib(memory.peak(start, start + phase["seconds"] + SAMPLE_EVERY_S)),
            }
        )
    rows.append(
        {
            "phase": "main job (scripts/build.py), total",
            "seconds": round(seconds, 1),
            "peak_rss_mib": mib(memory.peak()),
        }
    )
    run_results = Path(timings.get("dbt_run_results", PROJECT_DIR / "target" / "run_results.json"))
    nodes = slowest_nodes(run_results, started)
    if nodes:
        shutil.copy(run_results, work / "run_results.json")
    return {
        "ok": code == 0 and timings["ok"],
        "build_log": str(work / "build.log"),
        "rows": rows,
        "slowest_nodes": nodes,
    }


def machine() -> str:
    with open("/proc/meminfo") as meminfo:
        total_kib = int(meminfo.readline().split()[1])
    memory = f"{total_kib / 2**20:.1f} GiB RAM"
    return f"{platform.machine()}, {os.cpu_count()} cores, {memory}, Python {platform.python_version()}"


def table(result: dict[str, object]) -> list[str]:
    lines = ["| phase | wall time (s) | peak memory (MiB RSS) |", "|---|---:|---:|"]
    for row in result["rows"]:
        lines.append(f"| {row['phase']} | {row['seconds']:.1f} | {row['peak_rss_mib']:,} |")
        if row["phase"] == "dbt build":
            for node in result["slowest_nodes"]:
                lines.append(f"| &nbsp;&nbsp;{node['node']} ({node['status']}) | {node['seconds']:.1f} | |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--scale", type=float, default=1.0, help="generator scale (default 1: ~49,000 tasks)")
    source.add_argument("--export-dir", type=Path, help="benchmark this export instead of generating one")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument("--work-dir", type=Path, help="keep the export, logs and warehouse here (default: a temp dir)")
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    options = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="sales_kpis_bench_") as scratch:
        work = (options.work_dir or Path(scratch)).resolve()
        work.mkdir(parents=True, exist_ok=True)
        export, generated = options.export_dir, None
        if export is None:
            export = work / "export"
            shutil.rmtree(export, ignore_errors=True)
            generated = generate(export, options.scale, options.seed)
        export = export.expanduser().resolve()
        size, counts = export_size(export)
        result = benchmark(export, work)
        result.update(
            {
                "export": str(export)
                if options.export_dir
                else f"generated, --scale {options.scale:g} --seed {options.seed}",
                "generate_seconds": round(generated, 1) if generated is not None else None,
                "csv_mb": round(size / 1e6, 1),
                "row_counts": counts,
                "machine": machine(),
                "duckdb_memory_limit": duckdb_limits()["memory_limit"],
                "duckdb_threads": duckdb_limits()["threads"],
            }
        )
        if options.json:
            options.json.write_text(json.dumps(result, indent=2) + "\n")
        print(f"Export: {result['export']}, {result['csv_mb']:,} MB of CSV", end="")
        if counts:
            print(f", {counts.get('Task.csv', 0):,} tasks, {counts.get('Event.csv', 0):,} events", end="")
        print(f"{f' (generated in {generated:.1f} s)' if generated is not None else ''}")
        print(
            f"Machine: {result['machine']}; DuckDB memory_limit {result['duckdb_memory_limit']}, "
            f"threads {result['duckdb_threads']}"
        )
        print()
        print("\n".join(table(result)))
        if not result["ok"]:
            tail = Path(result["build_log"]).read_text(errors="replace").splitlines()[-30:]
            print("\nThe main job failed; the end of its output:", *tail, sep="\n", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
