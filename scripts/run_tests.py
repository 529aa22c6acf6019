#!/usr/bin/env python3
"""The whole test suite, in the order a failure is cheapest to find:

1. lint: ruff (Python) and sqlfluff with the dbt templater (SQL models); the
   layer rules (dbt-bouncer on dbt's manifest, configured in dbt-bouncer.yml);
2. the main job on DuckDB (validate, dbt build with its data and unit tests,
   publish) into a scratch file, never over your own published warehouse;
3. the same dbt build on a throwaway PostgreSQL 15 server, then the
   Great Expectations mart suites against it;
4. pytest (tests/python): generator determinism, the broken-export corpus,
   the published file, and the numbers.

    python scripts/run_tests.py                 # everything (what CI runs)
    python scripts/run_tests.py --skip-postgres  # quicker local loop
    python scripts/run_tests.py -- -k broken     # extra arguments go to pytest

Stops at the first failing stage; exit code 0 only when every stage passed.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DBT = str(Path(sys.executable).parent / "dbt")
# dbt-bouncer needs DuckDB 1.x and the project DuckDB 2.x: it lives in a virtual environment of its own.
CONVENTIONS_REQUIREMENTS = PROJECT_DIR / "requirements-conventions.txt"
CONVENTIONS_VENV = PROJECT_DIR / ".venv" / "conventions"


def stage(title: str, command: list[str], env: dict[str, str] | None = None) -> None:
    print(f"\n=== {title}\n$ {' '.join(command)}", flush=True)
    started = time.monotonic()
    result = subprocess.run(command, cwd=PROJECT_DIR, env=env, check=False)
    verdict = "ok" if result.returncode == 0 else "FAILED"
    print(f"=== {title}: {verdict} in {time.monotonic() - started:.0f}s", flush=True)
    if result.returncode != 0:
        raise SystemExit(result.returncode)


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
    parser.add_argument("pytest_args", nargs=argparse.REMAINDER, help="passed to pytest (after --)")
    options = parser.parse_args(argv)
    pytest_args = [a for a in options.pytest_args if a != "--"]

    with tempfile.TemporaryDirectory(prefix="sales_kpis_test_") as scratch:
        env = dict(os.environ, SALES_KPIS_DUCKDB_PATH=str(Path(scratch) / "lint.duckdb"))
        stage("lint: ruff", [PYTHON, "-m", "ruff", "check", "scripts", "tests"])
        stage("lint: ruff format", [PYTHON, "-m", "ruff", "format", "--check", "scripts", "tests"])
        stage("lint: sqlfluff", [PYTHON, "-m", "sqlfluff", "lint", "models", "analyses"], env)
        parse = [DBT, "parse", "--project-dir", ".", "--profiles-dir", ".", "--target-path", "target/conventions"]
        bouncer = [conventions_checker(), "run", "--config-file", "dbt-bouncer.yml", "--show-all-failures"]
        stage("conventions: dbt parse", parse, env)
        stage("conventions: layer rules (dbt-bouncer)", bouncer, dict(env, COLUMNS="200"))

        warehouse = Path(scratch) / "warehouse" / "sales_kpis.duckdb"
        stage("build: main job on DuckDB", [PYTHON, "scripts/build.py", "--publish-path", str(warehouse)])

        if not options.skip_postgres:
            dbt_build = [DBT, "build", "--project-dir", ".", "--profiles-dir", ".", "--target-path", "target/postgres"]
            mart_suites = [PYTHON, "scripts/data_quality.py", "marts", "--postgres"]
            mart_suites += ["--manifest", "target/postgres/manifest.json"]
            both = f"{shlex.join(dbt_build)} && {shlex.join(mart_suites)}"
            postgres = [PYTHON, "scripts/local_postgres.py", "--", "sh", "-c", both]
            stage("build: PostgreSQL 15, then its mart suites", postgres)

        env = dict(os.environ, SALES_KPIS_TEST_WAREHOUSE=str(warehouse))
        stage("pytest", [PYTHON, "-m", "pytest", *pytest_args], env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
