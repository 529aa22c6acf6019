#!/usr/bin/env python3
"""Benchmark the user-folder path: generate a large export, then time its load.

    python scripts/benchmark_load.py --tasks 1000000

Generates an export whose Task.csv has at least --tasks rows (the generator's
--scale is chosen for it), then runs scripts/load_export.py on it into a fresh
DuckDB file in its own process and reports wall time and that process's peak
memory (max RSS). A benchmark, not a test: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent
TASKS_AT_SCALE_1 = 48_781  # Task.csv rows of the committed sample (seed 42, scale 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=1_000_000, help="minimum Task.csv rows (default 1,000,000)")
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args(argv)
    scale = round(options.tasks / TASKS_AT_SCALE_1 * 1.02, 2)
    with tempfile.TemporaryDirectory(prefix="sales_kpis_bench_") as scratch:
        export = Path(scratch) / "export"
        started = time.monotonic()
        subprocess.run(
            [
                sys.executable,
                str(SCRIPTS / "generate_sample.py"),
                "--seed",
                str(options.seed),
                "--scale",
                str(scale),
                "--out",
                str(export),
            ],
            check=True,
            capture_output=True,
        )
        generated = time.monotonic() - started
        counts = json.loads((export / "planted_facts.json").read_text())["row_counts"]
        size_mb = sum(p.stat().st_size for p in export.glob("*.csv")) / 1e6
        # The load runs in a process of its own that reports its own peak memory at exit.
        probe = (
            "import resource, runpy, sys\n"
            f"sys.argv = ['load_export.py', '--export-dir', {str(export)!r}, '--database', "
            f"{str(Path(scratch) / 'bench.duckdb')!r}]\n"
            "try:\n"
            f"    runpy.run_path({str(SCRIPTS / 'load_export.py')!r}, run_name='__main__')\n"
            "except SystemExit as done:\n"
            "    assert not done.code, done.code\n"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
        )
        started = time.monotonic()
        result = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True)
        loaded = time.monotonic() - started
        peak_mb = int(result.stdout.strip().splitlines()[-1]) / 1024
    print(
        json.dumps(
            {
                "scale": scale,
                "task_rows": counts["Task.csv"],
                "event_rows": counts["Event.csv"],
                "all_rows": sum(counts.values()),
                "export_mb": round(size_mb, 1),
                "generate_s": round(generated, 1),
                "validate_and_load_s": round(loaded, 1),
                "load_peak_rss_mb": round(peak_mb),
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
