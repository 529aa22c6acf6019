"""Shared fixtures: generated exports, builds through the real main command."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
SCRIPTS = PROJECT_DIR / "scripts"
SAMPLE = PROJECT_DIR / "seeds" / "sample_export"
sys.path.insert(0, str(SCRIPTS))

# pyspark (installed for the Spark target) takes a process whose __main__ module has no __file__ and no spec for a
# doctest run and calls sys.exit(0) when pyspark.sql.connect is imported, as Great Expectations does on import.
# pytest-xdist's worker processes (execnet) are such processes: give __main__ the file it runs from.
_MAIN = sys.modules["__main__"]
if getattr(_MAIN, "__spec__", None) is None and not hasattr(_MAIN, "__file__"):
    _MAIN.__file__ = sys.argv[0] or "pytest-xdist worker"

# The tests run in parallel processes (pytest-xdist, scripts/run_tests.py). Every dbt command a test starts, in
# scripts/build.py or directly, writes to this process's own dbt target and log folders, so that two builds never
# share target/ and the manifest of run_tests.py's sample build stays as it was.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
os.environ["DBT_TARGET_PATH"] = str(PROJECT_DIR / "target" / f"pytest-{_WORKER}")
os.environ["DBT_LOG_PATH"] = str(PROJECT_DIR / "logs" / f"pytest-{_WORKER}")
# dbt's unit tests check the SQL on hand-made rows, whatever the export: run_tests.py runs them in its DuckDB and
# PostgreSQL builds. The builds the tests start are about the data and the main command's behaviour, so they leave
# them out, as dbt recommends for production runs (DBT_EXCLUDE_RESOURCE_TYPES is --exclude-resource-type).
os.environ["DBT_EXCLUDE_RESOURCE_TYPES"] = "unit_test"


@dataclass
class BuildResult:
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run_build(publish_path: Path, export_dir: Path | None = None, *extra: str) -> BuildResult:
    """Run the main command (scripts/build.py) as a user would, in a subprocess."""
    command = [sys.executable, str(SCRIPTS / "build.py"), "--publish-path", str(publish_path), *extra]
    if export_dir is not None:
        command += ["--export-dir", str(export_dir)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("SALES_KPIS_")}
    result = subprocess.run(command, capture_output=True, text=True, cwd=PROJECT_DIR, env=env, check=False)
    return BuildResult(result.returncode, result.stdout, result.stderr)


def generate(out: Path, seed: int = 42, scale: float = 1.0, *extra: str) -> Path:
    subprocess.run(
        [
            sys.executable,
            str(SCRIPTS / "generate_sample.py"),
            "--seed",
            str(seed),
            "--scale",
            str(scale),
            "--out",
            str(out),
            *extra,
        ],
        check=True,
        capture_output=True,
    )
    return out


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="session")
def other_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An export that is not the committed sample: another seed, every quirk of a real export."""
    return generate(tmp_path_factory.mktemp("export_seed7") / "export", seed=7)


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The main command's result on the committed sample (reused from run_tests.py when it built one)."""
    given = os.environ.get("SALES_KPIS_TEST_WAREHOUSE")
    if given and Path(given).exists():
        return Path(given)
    publish = tmp_path_factory.mktemp("sample_build") / "sales_kpis.duckdb"
    result = run_build(publish)
    assert result.returncode == 0, result.output
    return publish


@pytest.fixture(scope="session")
def manifest_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """dbt's manifest.json of the project as it is: the one published with the sample build of run_tests.py
    (SALES_KPIS_TEST_WAREHOUSE, built from this checkout in the same run), else a `dbt parse` of its own."""
    given = os.environ.get("SALES_KPIS_TEST_WAREHOUSE")
    if given and Path(given).with_suffix(".manifest.json").exists():
        return Path(given).with_suffix(".manifest.json")
    target = tmp_path_factory.mktemp("parse")
    dbt = Path(sys.executable).with_name("dbt")
    command = [str(dbt), "parse", "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)]
    env = {"PATH": str(dbt.parent), "SALES_KPIS_DUCKDB_PATH": str(target / "parse.duckdb")}
    env["DBT_LOG_PATH"] = os.environ["DBT_LOG_PATH"]
    subprocess.run([*command, "--target-path", str(target)], check=True, capture_output=True, env=env)
    return target / "manifest.json"


@pytest.fixture(scope="session")
def manifest(manifest_path: Path) -> dict:
    return json.loads(manifest_path.read_text())


@pytest.fixture
def fresh_copy(tmp_path: Path, other_export: Path):
    """Copy the other export into a per-test folder the test may break."""

    def make() -> Path:
        target = tmp_path / "export"
        shutil.copytree(other_export, target)
        return target

    return make


def read_export(name: str, folder: Path = SAMPLE) -> pd.DataFrame:
    """One export file as text, column names in lower case (the pandas recomputations start here)."""
    frame = pd.read_csv(folder / name, dtype=str, keep_default_na=False)
    frame.columns = [c.lower() for c in frame.columns]
    return frame


def flag(series: pd.Series) -> pd.Series:
    """A Salesforce boolean column as booleans."""
    return series.str.strip().str.lower().isin(["true", "1"])


def not_deleted(frame: pd.DataFrame, folder: Path = SAMPLE, account_column: str = "accountid") -> pd.Series:
    """The catalogue's soft-delete rule as a row mask: the record is not soft-deleted (when it has IsDeleted)
    and neither is its account (Salesforce deletes an account's opportunities and contacts with it; an NPS
    response of a deleted account does not count either)."""
    accounts = read_export("Account.csv", folder)
    deleted_accounts = set(accounts.loc[flag(accounts["isdeleted"]), "id"])
    own = ~flag(frame["isdeleted"]) if "isdeleted" in frame else pd.Series(True, index=frame.index)
    return own & ~frame[account_column].isin(deleted_accounts)


@pytest.fixture(scope="module")
def marts(sample_warehouse: Path):
    """Query the published sample warehouse: marts("select ...") -> DataFrame."""
    con = duckdb.connect(str(sample_warehouse), read_only=True)
    yield lambda sql: con.execute(sql).df()
    con.close()
