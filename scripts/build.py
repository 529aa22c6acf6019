#!/usr/bin/env python3
"""The main job: validate the export, build every model into a fresh DuckDB
file, and publish it over the previous build only when everything passed.

    python scripts/build.py                          # the committed sample (dbt seed)
    python scripts/build.py --export-dir ~/exports/2026-06   # your own Salesforce export
    python scripts/build.py --as-of-date 2026-03-31

A BI tool reading the published file never sees a half-built warehouse: the
build happens in a hidden file next to it, and the rename that publishes it is
atomic. A failed run (invalid export, failing dbt test) deletes that file and
leaves the published one byte-for-byte as it was.

Exit codes: 0 published, 1 the export or the build failed (nothing published),
2 usage error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from data_quality import (  # noqa: E402
    DataQuality,
    QualityReport,
    duckdb_fetch,
    export_as_of_date,
    mart_suites,
    raw_row_counts,
    raw_suites,
    summary_lines,
)
from load_export import InvalidExport, iter_report_lines, load_export  # noqa: E402

PROJECT_DIR = Path(__file__).resolve().parent.parent
SAMPLE_EXPORT = PROJECT_DIR / "seeds" / "sample_export"
DEFAULT_PUBLISH_PATH = PROJECT_DIR / "warehouse" / "sales_kpis.duckdb"
# BI tools embed DuckDB 1.x, which cannot read DuckDB 2.x's own storage format.
STORAGE_VERSION = "v1.0.0"
# Great Expectations Data Docs are written next to the published warehouse.
DOCS_DIR_NAME = "data_docs"


class BuildFailed(Exception):
    pass


def log(message: str) -> None:
    print(f"[build] {message}", flush=True)


def run_dbt(args: list[str], database: Path) -> None:
    """Run one dbt command against the given DuckDB file.

    The CLI runs in its own process (not dbtRunner in this one) because
    dbt-duckdb keeps its database open until the process ends: publishing
    must happen after the file is closed and checkpointed.
    """
    dbt = Path(sys.executable).with_name("dbt")
    env = dict(os.environ, SALES_KPIS_DUCKDB_PATH=str(database), SALES_KPIS_TARGET="duckdb")
    command = [str(dbt), *args, "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)]
    if subprocess.run(command, env=env, cwd=PROJECT_DIR, check=False).returncode != 0:
        raise BuildFailed(f"dbt {args[0]} failed (see the dbt output above)")


def previous_raw_row_counts(publish_path: Path) -> dict[str, int]:
    """Row counts of the raw files in the last published build (empty when there is none)."""
    if not publish_path.exists():
        return {}
    fetch, close = duckdb_fetch(publish_path)
    try:
        return raw_row_counts(fetch)
    except duckdb.Error:
        return {}
    finally:
        close()


def check_quality(title: str, report: QualityReport) -> None:
    """Print the one-screen summary; blocking failures stop the run before anything is published."""
    for line in summary_lines(report, title):
        print(line, file=sys.stderr if report.failures else sys.stdout)
    if report.blocking:
        raise BuildFailed(f"{len(report.blocking)} blocking data-quality expectation(s) failed ({title})")


def project_var(name: str) -> object:
    """A var's default from dbt_project.yml (the build passes no override for it)."""
    return yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"][name]


def build(export_dir: Path | None, publish_path: Path, as_of_date: str | None) -> dict[str, object]:
    publish_path.parent.mkdir(parents=True, exist_ok=True)
    building = publish_path.with_name(f".{publish_path.stem}.building-{os.getpid()}{publish_path.suffix}")
    for stale in (building, Path(f"{building}.wal")):
        stale.unlink(missing_ok=True)
    started = time.monotonic()
    timings: dict[str, float] = {}
    quality = DataQuality(publish_path.parent / DOCS_DIR_NAME)
    try:
        con = duckdb.connect(str(building), config={"storage_compatibility_version": STORAGE_VERSION})
        # The user's folder lands in the build file; the sample is only checked here and lands through dbt seed.
        checked = con if export_dir else duckdb.connect(":memory:")
        try:
            source = export_dir or SAMPLE_EXPORT
            log(f"checking the export in {source}")
            report = load_export(source, checked)
            for line in iter_report_lines(report):
                print(line, file=sys.stderr)
            if not report.ok:
                raise InvalidExport(report)
            timings["check_and_load_s"] = round(time.monotonic() - started, 2)

            step = time.monotonic()
            fetch = lambda sql: checked.execute(sql).df()  # noqa: E731
            as_of = dt.date.fromisoformat(as_of_date) if as_of_date else export_as_of_date(fetch)
            currency = str(project_var("reporting_currency"))
            suites = raw_suites(fetch, as_of, currency, previous_raw_row_counts(publish_path))
            raw_report = quality.validate(fetch, suites)
            timings["quality_raw_s"] = round(time.monotonic() - step, 2)
        finally:
            checked.close()
            con.close()
        check_quality("raw export", raw_report)

        dbt_vars = {"crm_export_dir": str(export_dir) if export_dir else None}
        if as_of_date:
            dbt_vars["as_of_date"] = as_of_date
        # with crm_export_dir set, dbt_project.yml disables the sample seeds: the loader landed the user's files
        args = ["build", "--vars", json.dumps(dbt_vars)]
        step = time.monotonic()
        run_dbt(args, building)
        timings["dbt_build_s"] = round(time.monotonic() - step, 2)

        step = time.monotonic()
        fetch, close = duckdb_fetch(building)
        try:
            mart_report = quality.validate(fetch, mart_suites(PROJECT_DIR / "target" / "manifest.json"))
        finally:
            close()
        timings["quality_marts_s"] = round(time.monotonic() - step, 2)
        check_quality("marts", mart_report)

        # Fold any write-ahead log into the file before it is published on its own.
        with duckdb.connect(str(building), config={"storage_compatibility_version": STORAGE_VERSION}) as check:
            check.execute("checkpoint")
        os.replace(building, publish_path)
    except BaseException:
        for leftover in (building, Path(f"{building}.wal")):
            leftover.unlink(missing_ok=True)
        raise
    finally:
        step = time.monotonic()
        docs = quality.write_docs()
        timings["data_docs_s"] = round(time.monotonic() - step, 2)
        log(f"Great Expectations Data Docs: {docs}")
    timings["total_s"] = round(time.monotonic() - started, 2)
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--export-dir",
        type=Path,
        default=os.environ.get("CRM_EXPORT_DIR") or None,
        help="your Salesforce export folder (default: the committed sample in seeds/sample_export; "
        "or set CRM_EXPORT_DIR)",
    )
    parser.add_argument(
        "--publish-path",
        type=Path,
        default=DEFAULT_PUBLISH_PATH,
        help=f"where the finished warehouse is published (default: {DEFAULT_PUBLISH_PATH.relative_to(PROJECT_DIR)})",
    )
    parser.add_argument(
        "--as-of-date", help="measure time-relative KPIs at this date (default: latest timestamp in the export)"
    )
    options = parser.parse_args(argv)
    export_dir = options.export_dir.expanduser().resolve() if options.export_dir else None
    publish_path = options.publish_path.expanduser().resolve()
    try:
        timings = build(export_dir, publish_path, options.as_of_date)
    except InvalidExport as error:
        print(f"\n{error}", file=sys.stderr)
        print(f"Nothing was published; {publish_path} is as it was.", file=sys.stderr)
        return 1
    except BuildFailed as error:
        print(f"\n{error}. Nothing was published; {publish_path} is as it was.", file=sys.stderr)
        return 1
    log(f"published {publish_path} ({timings})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
