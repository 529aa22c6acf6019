#!/usr/bin/env python3
"""The main job: validate the export, build every model into a fresh DuckDB
file, and publish it over the previous build only when everything passed.

    python scripts/build.py                          # the committed sample (dbt seed)
    python scripts/build.py --export-dir ~/exports/2026-06   # your own Salesforce export
    python scripts/build.py --as-of-date 2026-03-31
    python scripts/build.py --full-refresh           # rebuild everything, ignoring the last build

Incremental by default: when the published file exists and was built from the
same models, macros, reference seeds and dbt_project.yml, the build starts from
a copy of it (it holds no raw data) and dbt rebuilds the large incremental
facts only within their lookback window (var incremental_lookback_days; README,
"Incremental builds"). Otherwise, with --full-refresh, or when the export's
as-of date is earlier than the last build's, everything is rebuilt. The
published file itself is only read: a failed build leaves it as it was.

A BI tool reading the published file never sees a half-built warehouse: dbt
builds in target/building/sales_kpis.duckdb (always that path, so dbt parses
only what changed since the last build), the copy that is published is written
in a hidden file next to the publish path, and the rename that publishes it is
atomic. A failed run (invalid export, failing dbt test) deletes both and leaves
the published one byte-for-byte as it was. One build at a time per publish
path and per target folder (locks); the published file holds no raw export and
no personal data (see scripts/publishing.py).

It shows its phases as they run (a live display on a terminal, plain lines
otherwise) and ends with a summary; dbt's full log goes to logs/ next to the
published file (`--verbose` shows it live).

With SALES_KPIS_TARGET=spark the same job builds on profiles.yml's spark target:
the same gate and raw suites (in DuckDB, before anything is written to Spark),
the admitted files landed with Spark's CSV reader, dbt build and the mart suites
on Spark; the Spark warehouse is the result, its build_info.build says 'ok' or
'failed' (build_spark below; README, "Outgrowing one machine").

Exit codes: 0 published, 1 the export or the build failed, or another build
or program holds the publish path (nothing published), 2 usage error.
"""

from __future__ import annotations

import argparse
import ctypes
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
if TYPE_CHECKING:
    from data_quality import QualityReport
from duckdb_limits import duckdb_limits  # noqa: E402
from input_contract import EXPORT_FILES  # noqa: E402
from load_export import InvalidExport, LoadReport, iter_report_lines, load_export  # noqa: E402
from progress import KINDS, Display  # noqa: E402
from publishing import (  # noqa: E402
    STORAGE_VERSION,
    BuildFolderLock,
    PublishBlocked,
    PublishBusy,
    PublishLock,
    build_file,
    building_path,
    check_not_open_for_writing,
    published_raw_row_counts,
    quarantine_stale_wal,
    remove_killed_build,
    remove_leftovers,
    utc_now,
    write_published_copy,
)

PROJECT_DIR = Path(__file__).resolve().parent.parent
SAMPLE_EXPORT = PROJECT_DIR / "seeds" / "sample_export"
# dbt's target folder (manifest.json, run_results.json): target/, or DBT_TARGET_PATH when set (dbt reads it too),
# so that builds running side by side, as the tests do, keep their artifacts apart
TARGET_DIR = PROJECT_DIR / (os.environ.get("DBT_TARGET_PATH") or "target")
# dbt builds in one DuckDB file here (publishing.build_file), one build at a time (publishing.BuildFolderLock).
BUILD_FOLDER = TARGET_DIR / "building"
# dbt's target folder on Spark (the folder lock sits in it too): DBT_TARGET_PATH when set, else target/spark
SPARK_TARGET_DIR = PROJECT_DIR / (os.environ.get("DBT_TARGET_PATH") or "target/spark")
DEFAULT_PUBLISH_PATH = PROJECT_DIR / "warehouse" / "sales_kpis.duckdb"
# Great Expectations Data Docs and dbt's logs are written next to the published warehouse.
DOCS_DIR_NAME = "data_docs"
# dbt's manifest of the build is published beside the warehouse, as `<name>.manifest.json`: the dashboards read the
# KPI definitions (descriptions, meta.kpi_id) and the exposures from it.
MANIFEST_SUFFIX = ".manifest.json"
LOGS_DIR_NAME = "logs"
LOGS_KEPT = 20
# dbt events (--log-format json) that report one finished or skipped node
DBT_RESULT_EVENTS = {
    "LogModelResult",
    "LogSeedResult",
    "LogSnapshotResult",
    "LogTestResult",
    "LogNodeResult",
    "LogNodeNoOpResult",
    "SkippingDetails",
}
# What an incremental build must have been built from: a change to any of these rebuilds everything.
FINGERPRINTED = ("dbt_project.yml", "models", "macros", "seeds/reference")
PR_SET_PDEATHSIG = 1
# looked up here, not in the forked child (which must not take the dynamic loader's lock)
_PRCTL = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None


class BuildFailed(Exception):
    pass


class Interrupted(Exception):
    pass


def _die_with_parent(parent: int) -> None:
    """In the dbt child, before exec: get SIGKILL when the build process dies (Linux), even by SIGKILL."""
    if _PRCTL is not None:
        _PRCTL(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)


def _stop(child: subprocess.Popen) -> None:
    """End dbt and anything it started (it runs in its own process group)."""
    try:
        os.killpg(child.pid, signal.SIGTERM)
        child.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
    except ProcessLookupError:
        pass


def _dbt_totals(stat_line: str) -> Counter[str]:
    """Nodes dbt will run, by kind, from its "Found 89 models, 22 seeds, 342 data tests, ..." line."""
    totals: Counter[str] = Counter()
    for count, kind in re.findall(r"(\d+) (models?|seeds?|snapshots?|data tests?|unit tests?)\b", stat_line):
        key = {"data test": "test", "unit test": "unit_test"}.get(kind.rstrip("s"), kind.rstrip("s"))
        totals[KINDS[key]] += int(count)
    return totals


def run_dbt(
    args: list[str], database: Path | None, display: Display, log_path: Path, env: dict[str, str] | None = None
) -> None:
    """Run one dbt command against the given DuckDB file (or, with env, the target env names); its full log goes to
    log_path.

    The CLI runs in its own process (not dbtRunner in this one) because
    dbt-duckdb keeps its database open until the process ends: publishing
    must happen after the file is closed and checkpointed. It runs in its own
    process group (a Ctrl-C reaches this process, which stops dbt) and dies
    with this process.
    """
    dbt = Path(sys.executable).with_name("dbt")
    env = env or dict(os.environ, SALES_KPIS_DUCKDB_PATH=str(database), SALES_KPIS_TARGET="duckdb")
    command = [str(dbt), *args, "--log-format", "json", "--no-use-colors"]
    command += ["--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    failed: list[str] = []
    errors: list[str] = []
    end_of_run: list[str] = []
    done: set[str] = set()
    parent = os.getpid()
    with (
        log_path.open("w", encoding="utf-8", buffering=1) as log,  # line by line: `tail -f` follows it
        subprocess.Popen(
            command,
            env=env,
            cwd=PROJECT_DIR,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
            bufsize=1,
            process_group=0,
            preexec_fn=lambda: _die_with_parent(parent),
        ) as child,
    ):
        try:
            for raw in child.stdout:
                try:
                    event = json.loads(raw)
                    info, data = event["info"], event["data"]
                except (ValueError, KeyError, TypeError):
                    info, data = {"name": "", "level": "info", "msg": raw.rstrip("\n"), "ts": ""}, {}
                message = info.get("msg", "")
                log.write(f"{info.get('ts', '')[:23]} {message}\n".lstrip())
                display.dbt_log(message)
                if info["name"] == "FoundStats":
                    display.dbt_started(_dbt_totals(data.get("stat_line", "")))
                elif info["name"] in DBT_RESULT_EVENTS and "node_info" in data:
                    node = data["node_info"]
                    if node.get("unique_id") not in done:
                        done.add(node.get("unique_id"))
                        display.dbt_node_done(node.get("resource_type", ""))
                    status = str(data.get("status", "")).lower()
                    if status in ("error", "fail"):
                        failed.append(f"{node.get('resource_type')} {node.get('node_name')}")
                    elif status == "warn":
                        display.warning(f"warning: dbt {message}", "dbt tests")
                if info["name"] == "EndOfRunSummary" or end_of_run:
                    if message.strip():
                        end_of_run.append(message)
                elif info.get("level") == "error":
                    errors.append(message)
            returncode = child.wait()
        finally:
            if child.poll() is None:
                _stop(child)
            display.dbt_finished()
    if returncode != 0:
        if not (failed or errors or end_of_run):  # dbt died without saying why: show the end of its output
            errors = log_path.read_text(encoding="utf-8").splitlines()[-20:]
        for line in (end_of_run if failed else errors + end_of_run) or errors:
            display.error(line)
        what = f"{len(failed)} node(s) failed: {', '.join(failed[:10])}" if failed else "see its messages above"
        raise BuildFailed(f"dbt {args[0]} failed ({what}). Full dbt log: {log_path}")


def prune_logs(folder: Path) -> None:
    for old in sorted(folder.glob("build-*.log"))[:-LOGS_KEPT]:
        old.unlink(missing_ok=True)


def previous_raw_row_counts(publish_path: Path) -> dict[str, int]:
    """Row counts of the raw files in the last published build (empty when there is none)."""
    if not publish_path.exists():
        return {}
    try:
        con = duckdb.connect(str(publish_path), read_only=True)
    except duckdb.Error:
        return {}
    try:
        # builds before build_info published the raw schema itself
        from data_quality import raw_row_counts

        return published_raw_row_counts(con) or raw_row_counts(lambda sql: con.execute(sql).df())
    except duckdb.Error:
        return {}
    finally:
        con.close()


def check_quality(title: str, report: QualityReport, display: Display) -> None:
    """Print the one-screen summary; blocking failures stop the run before anything is published."""
    from data_quality import summary_lines

    lines = summary_lines(report, title)
    if report.failures:
        for line in lines:
            display.error(line)
        display.warnings[title] += len(report.warnings)
    else:
        display.detail(lines[0])
    if report.blocking:
        raise BuildFailed(f"{len(report.blocking)} blocking data-quality expectation(s) failed ({title})")


def check_export(source: Path, checked: duckdb.DuckDBPyConnection, display: Display) -> LoadReport:
    """The admission gate on the export folder, landing it in `checked`; raises InvalidExport when refused."""
    with display.phase(f"export check ({source})"):
        report = load_export(
            source,
            checked,
            on_file=lambda name, rows: display.detail(
                f"{name}: {rows:,} rows" if rows is not None else f"{name}: problems (listed below)"
            ),
        )
        for line in iter_report_lines(report):
            if line.startswith("warning"):
                display.warning(line, "export")
            else:
                display.error(line)
        if not report.ok:
            raise InvalidExport(report)
    return report


def project_fingerprint() -> str:
    """A hash of the models, macros, reference seeds and dbt_project.yml an incremental build must share."""
    digest = hashlib.sha256()
    for entry in FINGERPRINTED:
        path = PROJECT_DIR / entry
        for file in sorted([path] if path.is_file() else (f for f in path.rglob("*") if f.is_file())):
            digest.update(file.relative_to(PROJECT_DIR).as_posix().encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()


def previous_build(publish_path: Path) -> dict[str, object] | None:
    """build_info.build of the last published file (None when there is none, or it predates incremental builds)."""
    if not publish_path.exists():
        return None
    try:
        with duckdb.connect(str(publish_path), read_only=True) as con:
            row = con.execute("select as_of_date, project_fingerprint from build_info.build").fetchone()
    except duckdb.Error:
        return None
    return {"as_of_date": row[0], "project_fingerprint": row[1]} if row else None


def start_from_last_build(publish_path: Path, work: Path, full_refresh: bool, fingerprint: str) -> tuple[str, str]:
    """Copy the last published build to `work` when an incremental build can start from it; (mode, why)."""
    if full_refresh:
        return "full", "--full-refresh"
    previous = previous_build(publish_path)
    if previous is None:
        return "full", "no earlier build to start from"
    if previous["project_fingerprint"] != fingerprint:
        return "full", "models, macros, reference seeds or dbt_project.yml changed since the last build"
    shutil.copyfile(publish_path, work)
    with duckdb.connect(str(work), config=duckdb_limits()) as con:
        con.execute("drop schema build_info cascade")  # the new build writes its own
    return "incremental", f"from the build of {previous['as_of_date']}"


def project_var(name: str) -> object:
    """A var's default from dbt_project.yml (the build passes no override for it)."""
    return yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"][name]


def kpis_built(manifest: Path) -> int:
    """Distinct meta.kpi_id on the columns of the models dbt built."""
    nodes = json.loads(manifest.read_text())["nodes"].values()
    return len(
        {
            meta["kpi_id"]
            for node in nodes
            if node["resource_type"] == "model"
            for column in node["columns"].values()
            for meta in (column.get("meta") or {}, (column.get("config") or {}).get("meta") or {})
            if "kpi_id" in meta
        }
    )


def write_timings(path: Path, display: Display, ok: bool, started: float) -> None:
    """--timings-json: each phase's start (wall clock) and duration, and where dbt's run_results.json is."""
    phases = [
        {
            "phase": title.split(" (")[0],
            "title": title,
            "started_at": display.started_at.get(title),
            "seconds": round(seconds, 3),
        }
        for title, seconds in display.timings.items()
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            {
                "ok": ok,
                "total_seconds": round(time.monotonic() - started, 3),
                "phases": phases,
                "dbt_run_results": str(TARGET_DIR / "run_results.json"),
            },
            indent=2,
        )
        + "\n"
    )


def build(
    export_dir: Path | None,
    publish_path: Path,
    as_of_date: str | None,
    display: Display,
    full_refresh: bool = False,
) -> dict[str, object]:
    """Build and publish; the caller holds the lock on publish_path."""
    for leftover in remove_leftovers(publish_path) + remove_killed_build(BUILD_FOLDER):
        display.detail(f"removed {leftover.name}, left by a build that was killed")
    check_not_open_for_writing(publish_path)
    work = build_file(BUILD_FOLDER)
    out = building_path(publish_path, ".publish")
    log_path = publish_path.parent / LOGS_DIR_NAME / f"build-{utc_now():%Y%m%dT%H%M%SZ}.log"
    result: dict[str, object] = {"log": None}
    quality = None  # Great Expectations (a slow import) starts once the export is admitted
    try:
        source = export_dir or SAMPLE_EXPORT
        fingerprint = project_fingerprint()  # of the project dbt is about to build
        mode, why = start_from_last_build(publish_path, work, full_refresh, fingerprint)
        previous = previous_build(publish_path) if mode == "incremental" else None
        display.detail(f"{mode} build ({why})")
        con = duckdb.connect(str(work), config={"storage_compatibility_version": STORAGE_VERSION, **duckdb_limits()})
        # The user's folder lands in the build file; the sample is only checked here and lands through dbt seed.
        checked = con if export_dir else duckdb.connect(":memory:", config=duckdb_limits())
        try:
            check_export(source, checked, display)
            # A refused export writes no Data Docs: the last good build's stay as they were.
            from data_quality import DataQuality, duckdb_fetch, mart_suites, raw_row_counts, raw_suites

            quality = DataQuality(publish_path.parent / DOCS_DIR_NAME)
            with display.phase("raw checks (Great Expectations)"):
                fetch = lambda sql: checked.execute(sql).df()  # noqa: E731
                raw_counts = raw_row_counts(fetch)
                currency = str(project_var("reporting_currency"))
                suites = raw_suites(fetch, currency, previous_raw_row_counts(publish_path))
                check_quality("raw export", quality.validate(fetch, suites), display)
        finally:
            checked.close()
            con.close()

        # with crm_export_landed, dbt_project.yml disables the sample seeds: the loader landed the user's files
        dbt_vars: dict[str, object] = {"crm_export_landed": True} if export_dir else {}
        if as_of_date:
            dbt_vars["as_of_date"] = as_of_date
        with display.phase(f"dbt build ({mode})"):
            result["log"] = log_path
            failed = None
            try:
                run_dbt(["build", "--vars", json.dumps(dbt_vars)], work, display, log_path)
            except BuildFailed as error:
                failed = error
            if mode == "incremental" and as_of_moved_back(work, previous["as_of_date"]):
                # rows the incremental models kept from the later build may be wrong (and may have failed a test)
                mode = "full"
                display.detail(
                    f"the as-of date is earlier than the last build's ({previous['as_of_date']}): rebuilding in full"
                )
                result["log"] = log_path.with_name(f"{log_path.stem}-full-refresh.log")  # the first log stays
                run_dbt(["build", "--full-refresh", "--vars", json.dumps(dbt_vars)], work, display, result["log"])
            elif failed:
                raise failed
        manifest = TARGET_DIR / "manifest.json"

        with display.phase("mart checks (Great Expectations)"):
            fetch, close = duckdb_fetch(work)
            try:
                mart_report = quality.validate(fetch, mart_suites(manifest))
                result["counted"] = counted_by_rule(fetch)
                as_of = built_as_of_date(fetch)
            finally:
                close()
            check_quality("marts", mart_report, display)

        with display.phase("publish"):
            build_info = {
                "built_at": utc_now(),
                "as_of_date": as_of,
                "export_dir": str(source),
                "build_mode": mode,
                "project_fingerprint": fingerprint,
            }
            copied = write_published_copy(work, out, build_info, raw_counts)
            display.detail(
                "published schemas: " + ", ".join(f"{schema} ({n} tables)" for schema, n in sorted(copied.items()))
            )
            for leftover in (work, Path(f"{work}.wal")):
                leftover.unlink(missing_ok=True)
            check_not_open_for_writing(publish_path)
            stale = quarantine_stale_wal(publish_path)
            if stale:
                display.warning(
                    f"warning: {publish_path.name}.wal was left beside the published file by another program; "
                    f"it was moved to {stale.name} so that DuckDB does not replay it into the new warehouse",
                    "publish",
                )
            os.replace(out, publish_path)
            published_manifest = publish_path.with_suffix(MANIFEST_SUFFIX)
            building_manifest = building_path(publish_path).with_suffix(MANIFEST_SUFFIX)
            shutil.copyfile(manifest, building_manifest)
            os.replace(building_manifest, published_manifest)
        result["kpis"] = kpis_built(manifest)
    except BaseException:
        for leftover in (work, out, Path(f"{work}.wal"), Path(f"{out}.wal")):
            leftover.unlink(missing_ok=True)
        result["failed"] = True
        raise
    finally:
        if quality is not None:
            with display.phase("Data Docs"):
                result["docs"] = quality.write_docs()
        if result.get("failed") and result.get("docs"):
            display.detail(f"Great Expectations Data Docs: {result['docs']}")
        prune_logs(log_path.parent)
    return result


def build_spark(
    export_dir: Path | None, as_of_date: str | None, display: Display, full_refresh: bool = False
) -> dict[str, object]:
    """The same build on profiles.yml's spark target (SALES_KPIS_TARGET=spark); the caller holds the lock.

    The same admission gate and raw suites as on DuckDB, in DuckDB (a scratch file), before anything is written
    to Spark: a refused export leaves the Spark warehouse as it was. Then, in one process of its own (the local
    metastore admits one process at a time), build_info.build is marked 'building' and the admitted files land
    in crm_export with Spark's CSV reader (scripts/spark_warehouse.py; the sample lands through dbt seed); then
    `dbt build` on Spark, then the mart suites on Spark. The Spark warehouse is the result (no copy is
    published): build_info.build says 'ok' once the mart suites passed, 'failed' (with the reason) after a
    failed dbt build or mart check; the tables then hold a partial build and the next good build replaces them.
    """
    from spark_warehouse import FAILED, OK, record_build, spark_dir, spark_session

    warehouse = spark_dir().resolve()
    log_path = warehouse / LOGS_DIR_NAME / f"build-{utc_now():%Y%m%dT%H%M%SZ}.log"
    target_dir = SPARK_TARGET_DIR
    env = dict(os.environ, SALES_KPIS_TARGET="spark", SALES_KPIS_SPARK_DIR=str(warehouse))
    env["DBT_TARGET_PATH"] = str(target_dir)
    source = export_dir or SAMPLE_EXPORT
    info: dict[str, object] = {"export_dir": str(source), "build_mode": "full", "built_at": utc_now()}
    result: dict[str, object] = {"log": None, "warehouse": warehouse}
    quality = None
    spark = None  # this process's Spark session: opened only after dbt has exited
    written = False  # once something was written to the Spark warehouse, a failure is recorded in build_info
    try:
        with tempfile.TemporaryDirectory(prefix="sales_kpis_spark_") as scratch:
            checked = duckdb.connect(str(Path(scratch) / "check.duckdb"), config=duckdb_limits())
            try:
                report = check_export(source, checked, display)
                from data_quality import DataQuality, mart_suites, raw_suites, spark_fetch

                quality = DataQuality(warehouse / DOCS_DIR_NAME)
                with display.phase("raw checks (Great Expectations)"):
                    fetch = lambda sql: checked.execute(sql).df()  # noqa: E731
                    suites = raw_suites(fetch, str(project_var("reporting_currency")), {})
                    check_quality("raw export", quality.validate(fetch, suites), display)
            finally:
                checked.close()

            plan = Path(scratch) / "landing.json"
            plan.write_text(json.dumps(report.read_as))
            command = [sys.executable, str(PROJECT_DIR / "scripts" / "spark_warehouse.py"), "begin"]
            command += ["--build-info", json.dumps(info, default=str)]
            title = "land export (Spark CSV reader)" if export_dir else "mark the Spark warehouse as building"
            with display.phase(title):
                written = True
                landing = subprocess.run(
                    command + (["--plan", str(plan)] if export_dir else []),
                    env=env,
                    cwd=PROJECT_DIR,
                    capture_output=True,
                    text=True,
                    check=False,
                )
                if landing.returncode != 0:
                    for line in landing.stderr.strip().splitlines()[-20:]:
                        display.error(line)
                    raise BuildFailed("landing the export in Spark failed (its messages above)")
                if export_dir:
                    counts = json.loads(landing.stdout.strip().splitlines()[-1])
                    display.detail(f"landed {sum(counts.values()):,} rows of {len(counts)} files in crm_export")
                    # Spark's reader must see the records the gate admitted: a difference is a reader's, not the
                    # export's, and would change the numbers
                    admitted = {spec.table_name: report.row_counts.get(spec.file_name, 0) for spec in EXPORT_FILES}
                    differ = [
                        f"{t}: gate {admitted[t]:,}, Spark {counts.get(t)}"
                        for t in admitted
                        if counts.get(t) != admitted[t]
                    ]
                    if differ:
                        raise BuildFailed(
                            "Spark's CSV reader landed other row counts than the gate: " + "; ".join(differ)
                        )

        dbt_vars: dict[str, object] = {"crm_export_landed": True} if export_dir else {}
        if as_of_date:
            dbt_vars["as_of_date"] = as_of_date
        with display.phase("dbt build (spark)"):
            result["log"] = log_path
            refresh = ["--full-refresh"] if full_refresh else []
            run_dbt(["build", *refresh, "--vars", json.dumps(dbt_vars)], None, display, log_path, env)
        manifest = target_dir / "manifest.json"

        with display.phase("mart checks (Great Expectations)"):
            spark = spark_session()
            fetch, _stop = spark_fetch(spark)
            mart_report = quality.validate(fetch, mart_suites(manifest), "spark")
            result["counted"] = counted_by_rule(fetch)
            info["as_of_date"] = built_as_of_date(fetch)
            check_quality("marts", mart_report, display)

        with display.phase("publish (build_info.build: ok)"):
            record_build(spark, {**info, "status": OK})
        result["kpis"] = kpis_built(manifest)
    except BaseException as error:
        result["failed"] = True
        if written:
            try:
                spark = spark or spark_session()
                record_build(spark, {**info, "status": FAILED, "detail": str(error) or repr(error)})
                display.detail("build_info.build in the Spark warehouse now says 'failed'")
            except Exception as recording:  # noqa: BLE001  the build's own error is the one to report
                display.error(f"could not record the failure in build_info.build: {recording}")
        raise
    finally:
        if spark is not None:
            spark.stop()
        if quality is not None:
            with display.phase("Data Docs"):
                result["docs"] = quality.write_docs()
        prune_logs(log_path.parent)
    return result


def as_of_moved_back(work: Path, previous_as_of: dt.date) -> bool:
    """The as-of date dbt resolved (int_export_as_of_date, built first) is earlier than the last build's."""
    try:
        with duckdb.connect(str(work), read_only=True) as con:
            (as_of,) = con.execute("select as_of_date from intermediate.int_export_as_of_date").fetchone()
    except duckdb.Error:
        return False
    return as_of < previous_as_of


def built_as_of_date(fetch) -> dt.date:
    """The one as-of date every model used, resolved in SQL (int_export_as_of_date), for build_info."""
    value = fetch("select cast(as_of_date as string) as as_of_date from intermediate.int_export_as_of_date")
    return dt.date.fromisoformat(value["as_of_date"].iloc[0])


def counted_by_rule(fetch) -> list[str]:
    """Records kept or excluded by a documented rule (marts.rpt_data_quality_exclusions_rule), for the summary."""
    rows = fetch(
        "select rule_name, file_name, kept_or_excluded, row_count from marts.rpt_data_quality_exclusions_rule "
        "where row_count > 0 order by rule_order"
    )
    return [
        f"{rule} ({file_name}): {count:,} {verdict}"
        for rule, file_name, verdict, count in rows.itertuples(index=False, name=None)
    ]


def summary(publish_path: Path, result: dict[str, object], display: Display, started: float) -> list[str]:
    done, totals = display.dbt_counts
    built = ", ".join(f"{done[kind]} {kind}" for kind in totals if totals[kind])
    warnings = sum(display.warnings.values())
    per_kind = ", ".join(f"{kind} {n}" for kind, n in display.warnings.items() if n)
    times = ", ".join(f"{title.split(' (')[0]} {seconds:.1f} s" for title, seconds in display.timings.items())
    where = f"Built the Spark warehouse {result['warehouse']}" if "warehouse" in result else f"Published {publish_path}"
    return [
        where,
        f"  KPIs built: {result['kpis']} ({built})",
        f"  Warnings: {warnings} ({per_kind}; listed above)" if warnings else "  Warnings: none",
        f"  Records counted by rule (marts.rpt_data_quality_exclusions_rule): {len(result['counted'])} rule(s)",
        *(f"    {line}" for line in result["counted"]),
        f"  Time: {times}; total {time.monotonic() - started:.1f} s",
        f"  dbt log: {result['log']}",
        f"  Data Docs: {result['docs']}",
    ]


def usage_error(parser: argparse.ArgumentParser, message: str) -> None:
    """Exit 2 with argparse's one-line error format."""
    parser.exit(2, f"{parser.prog}: error: {message}\n")


def validate_as_of_date(parser: argparse.ArgumentParser, value: str) -> None:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        usage_error(parser, f"--as-of-date {value!r}: expected a date YYYY-MM-DD")
    try:
        date = dt.date.fromisoformat(value)
    except ValueError:
        usage_error(parser, f"--as-of-date {value!r}: no such date")
    start, end = (str(project_var(name)) for name in ("calendar_start_date", "calendar_end_date"))
    if not start <= date.isoformat() <= end:
        usage_error(
            parser,
            f"--as-of-date {value}: outside the calendar {start} to {end} "
            "(vars calendar_start_date / calendar_end_date in dbt_project.yml)",
        )


def _on_sigterm(signum: int, _frame: object) -> None:
    raise Interrupted(signal.Signals(signum).name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="build.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
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
        help=f"where the finished warehouse is published (default: {DEFAULT_PUBLISH_PATH.relative_to(PROJECT_DIR)}; "
        "not with SALES_KPIS_TARGET=spark, whose warehouse is the profile's)",
    )
    parser.add_argument(
        "--as-of-date",
        help="measure time-relative KPIs at this date, YYYY-MM-DD within the calendar of dbt_project.yml "
        "(default: latest timestamp in the export)",
    )
    parser.add_argument(
        "--wait", action="store_true", help="when another build is publishing to the same path, wait for it"
    )
    parser.add_argument(
        "--full-refresh",
        action="store_true",
        help="rebuild every model from the export, not incrementally from the last build "
        "(needed after edits or deletions older than the lookback window; README, 'Incremental builds')",
    )
    parser.add_argument("--verbose", action="store_true", help="show dbt's log live")
    parser.add_argument(
        "--timings-json",
        type=Path,
        help="also write each phase's time to this JSON file (read by scripts/benchmark.py)",
    )
    options = parser.parse_args(argv)
    if options.as_of_date is not None:
        validate_as_of_date(parser, options.as_of_date)
    export_dir = options.export_dir.expanduser().resolve() if options.export_dir else None
    on_spark = os.environ.get("SALES_KPIS_TARGET") == "spark"
    if on_spark and options.publish_path:
        usage_error(parser, "--publish-path: on Spark the warehouse is the profile's (SALES_KPIS_SPARK_DIR)")
    if on_spark:
        from spark_warehouse import spark_dir

        # one build at a time per Spark warehouse (the lock file sits beside its folder)
        publish_path = spark_dir().resolve() / "warehouse"
        nothing = f"Nothing was written to the Spark warehouse {publish_path}."
        partial = f"The Spark warehouse {publish_path} may hold a partial build: build_info.build does not say 'ok'."
    else:
        publish_path = (options.publish_path or DEFAULT_PUBLISH_PATH).expanduser().resolve()
        nothing = partial = f"Nothing was published; {publish_path} is as it was."

    started = time.monotonic()
    signal.signal(signal.SIGTERM, _on_sigterm)
    publish_path.parent.mkdir(parents=True, exist_ok=True)
    lock = PublishLock(publish_path)
    folder_lock = BuildFolderLock(SPARK_TARGET_DIR / "building" if on_spark else BUILD_FOLDER)
    display = Display(verbose=options.verbose)
    ok = False
    try:
        with display:
            lock.acquire(wait=options.wait, on_wait=display.detail)
            folder_lock.acquire(wait=options.wait, on_wait=display.detail)
            if on_spark:
                result = build_spark(export_dir, options.as_of_date, display, options.full_refresh)
            else:
                result = build(export_dir, publish_path, options.as_of_date, display, options.full_refresh)
            lines = summary(publish_path, result, display, started)
        ok = True
    except InvalidExport as error:
        display.error(f"\n{error}")
        display.error(nothing)
        return 1
    except (BuildFailed, PublishBusy, PublishBlocked) as error:
        display.error(f"\nerror: {error}\n{nothing if isinstance(error, PublishBusy) else partial}")
        return 1
    except (Interrupted, KeyboardInterrupt) as error:
        display.error(f"\nerror: interrupted ({error or 'Ctrl-C'}); dbt was stopped. {partial}")
        return 1
    finally:
        folder_lock.release()
        lock.release()
        if options.timings_json:
            write_timings(options.timings_json, display, ok, started)
    for line in lines:
        display.line(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
