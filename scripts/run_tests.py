#!/usr/bin/env python3
"""The whole test suite, in the order a failure is cheapest to find.

ruff (Python) first; then two lanes side by side, which keep the two cores
busy to the end (each lane prints a stage's output when the stage ends and
stops at its first failure; the other lane then ends its current stage and
starts no other):

lane "engines":
1. lint: sqlfluff with the dbt templater (SQL models); the layer rules
   (dbt-bouncer on dbt's manifest, configured in dbt-bouncer.yml);
2. the same dbt build on a throwaway PostgreSQL 15 server (the sample landed
   with COPY, as a user's folder lands in DuckDB, not row by row through
   `dbt seed`), the Great Expectations mart suites against it, and a dump of
   its public marts to Parquet;
3. the main job on Spark (SALES_KPIS_TARGET=spark, a local PySpark session on
   a scratch warehouse), the sample given as a user's folder: the gate and raw
   suites in DuckDB, the files landed with Spark's CSV reader, dbt build on
   Spark (models, reference seeds, data and unit tests), the mart suites on Spark;
4. once the DuckDB main job (other lane) has published, the cross-engine
   comparison (scripts/compare_engines.py): every public mart of the DuckDB
   build against the PostgreSQL and Spark marts, row for row (keys, row
   counts, numbers within 1e-9, text and dates exact, nulls);

lane "DuckDB":
1. the Chromium set-up (Debian's package, installed when /usr/bin/chromium is
   missing), then the main job on DuckDB (validate, dbt build with its data
   and unit tests, publish) into a scratch file, never over your own
   published warehouse;
2. the semantic layer: `mf validate-configs` (MetricFlow) against that build
   (on the semantic manifest its dbt build wrote);
3. pytest (tests/python): generator determinism, the broken-export corpus,
   the published file, the numbers, and the dashboards in headless Chromium;
   tests that only read a build of the sample read the one of step 1
   (SALES_KPIS_TEST_WAREHOUSE).

    python scripts/run_tests.py                 # everything (what CI runs)
    python scripts/run_tests.py --skip-postgres --skip-spark  # quicker local loop
    python scripts/run_tests.py -- -k broken     # extra arguments go to pytest

Stops at the first failing stage; exit code 0 only when every stage passed.
Ends with a table of the stages and their times, also when a stage failed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DBT = str(Path(sys.executable).parent / "dbt")
MF = str(Path(sys.executable).parent / "mf")
# mf reads this fixed path (no option moves it) and silently uses a stale file: removed before the main job
SEMANTIC_MANIFEST = PROJECT_DIR / "target" / "semantic_manifest.json"
# dbt-bouncer needs DuckDB 1.x and the project DuckDB 2.x: it lives in a virtual environment of its own.
CONVENTIONS_REQUIREMENTS = PROJECT_DIR / "requirements-conventions.txt"
CONVENTIONS_VENV = PROJECT_DIR / ".venv" / "conventions"
SAMPLE_EXPORT = PROJECT_DIR / "seeds" / "sample_export"
# sqlfluff's dbt templater renders in the main process; a second process parses and lints alongside it
SQLFLUFF_PROCESSES = 2
# the PostgreSQL stage dumps its public marts here (<mart>.parquet) before its temporary server stops
POSTGRES_MARTS = PROJECT_DIR / "target" / "engines" / "postgres"


# One pytest process per core (pytest-xdist): a build of the sample keeps one core busy, so two run side by side.
# Whole files go to a worker (their module fixtures, builds among them, run once); the slowest tests are listed.
PYTEST_OPTIONS = ["--numprocesses", "auto", "--dist", "loadfile", "--durations", "15"]

# (stage, verdict, seconds) of each stage run so far, for the closing table
TIMES: list[tuple[str, str, float]] = []


class StageFailed(Exception):
    def __init__(self, returncode: int) -> None:
        super().__init__(returncode)
        self.returncode = returncode


# lanes print a stage's whole output at once, so that the two lanes' outputs do not interleave
PRINT_LOCK = threading.Lock()


def stage(title: str, command: list[str], env: dict[str, str] | None = None, capture: bool = False) -> None:
    """Run one stage; with capture, its output is held in a file and printed, whole, when it ends."""
    header = f"\n=== {title}\n$ {shlex.join(command)}"
    if not capture:
        print(header, flush=True)
    started = time.monotonic()
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as output:
        try:
            result = subprocess.run(
                command,
                cwd=PROJECT_DIR,
                env=env,
                check=False,
                stdout=output if capture else None,
                stderr=subprocess.STDOUT if capture else None,
            )
        except BaseException:
            TIMES.append((title, "interrupted", time.monotonic() - started))
            raise
        verdict = "ok" if result.returncode == 0 else f"FAILED (exit {result.returncode})"
        seconds = time.monotonic() - started
        TIMES.append((title, verdict, seconds))
        with PRINT_LOCK:
            if capture:
                output.seek(0)
                print(header, flush=True)
                sys.stdout.write(output.read())
            print(f"=== {title}: {verdict} in {seconds:.0f}s", flush=True)
    if result.returncode != 0:
        raise StageFailed(result.returncode)


def side_by_side(*lanes: list[Callable[[], None]]) -> None:
    """Run each lane (a list of stages) in a thread of its own. A lane stops at its first failure; the others
    finish the stage they are in and start no other. Raises the first failure once every lane has stopped."""
    failures: list[BaseException] = []
    stop = threading.Event()

    def run(lane: list[Callable[[], None]]) -> None:
        for step in lane:
            if stop.is_set():
                return
            try:
                step()
            except BaseException as error:
                failures.append(error)
                stop.set()
                return

    threads = [threading.Thread(target=run, args=(lane,), daemon=True) for lane in lanes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]


def print_times(started: float) -> None:
    """The closing table: each stage that ran, its verdict and wall time, and the total."""
    width = max([len(title) for title, _, _ in TIMES] + [len("total")])
    print(f"\n{'stage':<{width}}  {'result':<18} {'seconds':>8}", flush=True)
    for title, verdict, seconds in TIMES:
        print(f"{title:<{width}}  {verdict:<18} {seconds:>8.1f}")
    print(f"{'total':<{width}}  {'':<18} {time.monotonic() - started:>8.1f}", flush=True)


def conventions_checker() -> str:
    """The dbt-bouncer executable, installed from requirements-conventions.txt on first use."""
    wanted = hashlib.sha256(CONVENTIONS_REQUIREMENTS.read_bytes()).hexdigest()
    stamp = CONVENTIONS_VENV / ".requirements.sha256"
    if not stamp.exists() or stamp.read_text().strip() != wanted:
        import venv

        venv.EnvBuilder(with_pip=True, clear=True).create(CONVENTIONS_VENV)
        pip = [str(CONVENTIONS_VENV / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
        subprocess.run([*pip, "-r", str(CONVENTIONS_REQUIREMENTS)], check=True)
        stamp.write_text(wanted + "\n")
    return str(CONVENTIONS_VENV / "bin" / "dbt-bouncer")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-postgres", action="store_true", help="leave out the PostgreSQL build")
    parser.add_argument("--skip-spark", action="store_true", help="leave out the Spark build")
    parser.add_argument("pytest_args", nargs=argparse.REMAINDER, help="passed to pytest (after --)")
    options = parser.parse_args(argv)
    pytest_args = [a for a in options.pytest_args if a != "--"]
    started = time.monotonic()
    try:
        run_stages(options.skip_postgres, options.skip_spark, pytest_args)
    except StageFailed as failed:
        return failed.returncode
    finally:
        print_times(started)
    return 0


def run_stages(skip_postgres: bool, skip_spark: bool, pytest_args: list[str]) -> None:
    """ruff, then two lanes side by side: the lint and the other engines in one (sqlfluff, dbt parse,
    dbt-bouncer, PostgreSQL, Spark, then the cross-engine comparison, once the DuckDB build is published);
    DuckDB in the other (Chromium set-up, the main job, the semantic layer, then pytest, which needs nothing
    of the other lane). The two cores stay busy until the end."""
    with tempfile.TemporaryDirectory(prefix="sales_kpis_test_") as scratch:
        stage("lint: ruff", [PYTHON, "-m", "ruff", "check", "scripts", "tests", "dashboards"])
        stage("lint: ruff format", [PYTHON, "-m", "ruff", "format", "--check", "scripts", "tests", "dashboards"])
        warehouse = Path(scratch) / "warehouse" / "sales_kpis.duckdb"
        spark_dir = Path(scratch) / "spark"
        SEMANTIC_MANIFEST.unlink(missing_ok=True)  # the main job's dbt build writes it again
        main_job = MainJob()

        engines_lane = lint_stages(Path(scratch))
        engines = [("duckdb", warehouse)]
        if not skip_postgres:
            engines_lane.append(postgres_stage)
            engines.append(("postgres", POSTGRES_MARTS))
        if not skip_spark:
            engines_lane.append(lambda: spark_stage(spark_dir))
            engines.append(("spark", spark_dir / "warehouse" / "marts.db"))
        if len(engines) > 1:
            engines_lane.append(lambda: main_job.wait() and cross_engine_stage(engines, warehouse))

        pytest_env = dict(os.environ, SALES_KPIS_TEST_WAREHOUSE=str(warehouse))

        def chromium_then_main_job() -> None:
            # The dashboards' browser test needs Debian's chromium: installed here (as root) when missing.
            stage("setup: Chromium (Debian package)", [PYTHON, "scripts/chromium.py"], capture=True)
            main = [PYTHON, "scripts/build.py", "--publish-path", str(warehouse)]
            stage("build: main job on DuckDB", main, capture=True)

        duckdb_lane = [
            lambda: main_job.run(chromium_then_main_job),
            lambda: semantic_layer_stages(warehouse),
            lambda: stage("pytest", [PYTHON, "-m", "pytest", *PYTEST_OPTIONS, *pytest_args], pytest_env, capture=True),
        ]
        side_by_side(engines_lane, duckdb_lane)


class MainJob:
    """The DuckDB main job, which the cross-engine stage of the other lane waits for."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.passed = False

    def run(self, step: Callable[[], None]) -> None:
        try:
            step()
            self.passed = True
        finally:
            self.done.set()

    def wait(self) -> bool:
        """True once the main job passed; False when it failed (its lane reports that)."""
        self.done.wait()
        return self.passed


def lint_stages(scratch: Path) -> list[Callable[[], None]]:
    """sqlfluff, then dbt parse and dbt-bouncer's layer rules on its manifest."""
    # dbt's own log of this lane goes to logs/lint/: the other lane's dbt writes logs/ at the same time
    env = dict(os.environ, SALES_KPIS_DUCKDB_PATH=str(scratch / "lint.duckdb"), DBT_LOG_PATH="logs/lint")
    sqlfluff = [PYTHON, "-m", "sqlfluff", "lint", "models", "analyses", "--processes", str(SQLFLUFF_PROCESSES)]
    parse = [DBT, "parse", "--project-dir", ".", "--profiles-dir", ".", "--target-path", "target/conventions"]
    return [
        lambda: stage("lint: sqlfluff", sqlfluff, env, capture=True),
        lambda: stage("conventions: dbt parse", parse, env, capture=True),
        lambda: stage(
            "conventions: layer rules (dbt-bouncer)",
            [conventions_checker(), "run", "--config-file", "dbt-bouncer.yml", "--show-all-failures"],
            dict(env, COLUMNS="200"),
            capture=True,
        ),
    ]


def postgres_stage() -> None:
    """The sample lands with COPY as a user's folder would (crm_export_landed true disables the sample seeds)."""
    dbt_vars = json.dumps({"crm_export_landed": True})
    dbt_build = [DBT, "build", "--project-dir", ".", "--profiles-dir", ".", "--target-path", "target/postgres"]
    dbt_build += ["--vars", dbt_vars]
    mart_suites = [PYTHON, "scripts/data_quality.py", "marts", "--postgres"]
    mart_suites += ["--manifest", "target/postgres/manifest.json"]
    # the marts leave the temporary server as Parquet, for the cross-engine comparison
    dump = [PYTHON, "scripts/compare_engines.py", "dump-postgres", "--manifest", "target/postgres/manifest.json"]
    dump += ["--out", str(POSTGRES_MARTS)]
    both = f"{shlex.join(dbt_build)} && {shlex.join(mart_suites)} && {shlex.join(dump)}"
    postgres = [PYTHON, "scripts/local_postgres.py", "--land-export", str(SAMPLE_EXPORT)]
    postgres += ["--", "sh", "-c", both]
    env = dict(os.environ, DBT_LOG_PATH="logs/postgres")
    shutil.rmtree(POSTGRES_MARTS, ignore_errors=True)  # never compare a dump left by an earlier run
    stage("build: PostgreSQL 15, then its mart suites and the dump of its marts", postgres, env, capture=True)


ENGINE_TITLES = {"duckdb": "DuckDB", "postgres": "PostgreSQL", "spark": "Spark"}


def cross_engine_stage(engines: list[tuple[str, Path]], warehouse: Path) -> None:
    """Every public mart, row for row, between the engines' builds of the sample (scripts/compare_engines.py;
    the first engine is the reference). An engine is (name, location): a DuckDB file or a folder of Parquet.
    The marts and their grains come from the manifest published with the DuckDB build."""
    title = "cross-engine: " + " = ".join(ENGINE_TITLES.get(name, name) for name, _ in engines)
    manifest = warehouse.with_suffix(".manifest.json")
    command = [PYTHON, "scripts/compare_engines.py", "compare", "--manifest", str(manifest)]
    stage(title, command + [f"{name}={location}" for name, location in engines], capture=True)


def spark_stage(spark_dir: Path) -> None:
    """The main command on the Spark target (a local PySpark session), into a scratch warehouse, with the sample
    given as a user's folder (as the PostgreSQL stage lands it with COPY): the gate and raw suites in DuckDB,
    the files landed with Spark's CSV reader, `dbt build` on Spark (the reference seeds, models, data and unit
    tests), the mart suites on Spark."""
    env = dict(
        os.environ,
        SALES_KPIS_TARGET="spark",
        SALES_KPIS_SPARK_DIR=str(spark_dir),
        DBT_TARGET_PATH="target/spark",
        DBT_LOG_PATH="logs/spark",
    )
    main = [PYTHON, "scripts/build.py", "--export-dir", str(SAMPLE_EXPORT)]
    stage("build: main job on Spark, then its mart suites", main, env, capture=True)


def semantic_layer_stages(warehouse: Path) -> None:
    """`mf validate-configs` on the build just published: the semantic checks and the checks against the
    warehouse (read-only, profile target 'published'). mf reads target/semantic_manifest.json, which the
    main job's dbt build wrote (removed before it, so never a stale one); its relations name the database
    `sales_kpis`, the build file's name, which is the published file's name too."""
    if not SEMANTIC_MANIFEST.exists():
        print(f"the main job's dbt build wrote no {SEMANTIC_MANIFEST.relative_to(PROJECT_DIR)}", flush=True)
        raise StageFailed(1)
    databases = {m["node_relation"]["database"] for m in json.loads(SEMANTIC_MANIFEST.read_text())["semantic_models"]}
    if databases != {warehouse.stem}:
        print(f"{SEMANTIC_MANIFEST} names databases {sorted(databases)}, not {warehouse.stem}", flush=True)
        raise StageFailed(1)
    env = dict(
        os.environ,
        SALES_KPIS_TARGET="published",
        SALES_KPIS_PUBLISHED_PATH=str(warehouse),
        DBT_PROFILES_DIR=str(PROJECT_DIR),
    )
    stage("semantic layer: mf validate-configs", [MF, "validate-configs", "--show-all"], env, capture=True)


if __name__ == "__main__":
    sys.exit(main())
