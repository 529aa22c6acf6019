"""The published warehouse: readable by BI tools, complete, and the same whichever way the export came in."""

from __future__ import annotations

import json
import subprocess
import venv
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT_DIR, run_build

STAGING_MODELS = sorted(p.stem for p in (PROJECT_DIR / "models" / "staging").rglob("stg_*.sql"))
BI_CLIENT_VENV = PROJECT_DIR / ".venv" / "bi-client-duckdb1"


@pytest.fixture(scope="session")
def duckdb1_python() -> Path:
    """A Python with DuckDB 1.4 (what BI drivers embed), installed once under .venv/."""
    python = BI_CLIENT_VENV / "bin" / "python"
    requirements = PROJECT_DIR / "requirements-bi-client.txt"
    stamp = BI_CLIENT_VENV / ".requirements"
    if not python.exists() or not stamp.exists() or stamp.read_text() != requirements.read_text():
        venv.EnvBuilder(with_pip=True, clear=True).create(BI_CLIENT_VENV)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", "-r", str(requirements)],
            check=True,
        )
        stamp.write_text(requirements.read_text())
    return python


def test_bi_client_with_duckdb_1x_reads_the_published_file(sample_warehouse: Path, duckdb1_python: Path) -> None:
    script = (
        "import duckdb, json, sys\n"
        "con = duckdb.connect(sys.argv[1], read_only=True)\n"
        "tables = con.execute(\"select table_schema || '.' || table_name from information_schema.tables\").fetchall()\n"
        "won = con.execute('select count(*) from staging.stg_salesforce__opportunities where is_won').fetchone()[0]\n"
        "print(json.dumps({'version': duckdb.__version__, 'tables': sorted(t[0] for t in tables), 'won': won}))\n"
    )
    result = subprocess.run(
        [str(duckdb1_python), "-c", script, str(sample_warehouse)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["version"].startswith("1.4")
    assert {f"staging.{m}" for m in STAGING_MODELS} <= set(seen["tables"])
    with duckdb.connect(str(sample_warehouse), read_only=True) as con:
        won = con.execute("select count(*) from staging.stg_salesforce__opportunities where is_won").fetchone()[0]
    assert seen["won"] == won > 0


def test_every_staging_model_is_published(sample_warehouse: Path) -> None:
    with duckdb.connect(str(sample_warehouse), read_only=True) as con:
        published = {
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'staging'"
            ).fetchall()
        }
        assert set(STAGING_MODELS) <= published
        for model in STAGING_MODELS:
            if model not in ("stg_salesforce__user_roles",):
                assert con.execute(f"select count(*) from staging.{model}").fetchone()[0] > 0, model


def test_seed_path_and_folder_path_give_identical_staging(sample_warehouse: Path, tmp_path: Path) -> None:
    """The committed sample loaded as a user's folder (DuckDB CSV reader) equals the dbt seed build, row for row."""
    folder_build = tmp_path / "folder.duckdb"
    result = run_build(folder_build, PROJECT_DIR / "seeds" / "sample_export")
    assert result.returncode == 0, result.output
    with duckdb.connect() as con:
        con.execute(f"attach '{sample_warehouse}' as seeded (read_only)")
        con.execute(f"attach '{folder_build}' as loaded (read_only)")
        for model in STAGING_MODELS:
            rows = con.execute(f"select count(*) from seeded.staging.{model}").fetchone()[0]
            differences = con.execute(
                f"select count(*) from ((select * from seeded.staging.{model} except all "
                f"select * from loaded.staging.{model}) union all (select * from loaded.staging.{model} "
                f"except all select * from seeded.staging.{model}))"
            ).fetchone()[0]
            assert differences == 0, f"{model}: {differences} of {rows} rows differ"


def test_no_personal_data_past_staging(sample_warehouse: Path) -> None:
    with duckdb.connect(str(sample_warehouse), read_only=True) as con:
        columns = con.execute(
            "select table_name, column_name from information_schema.columns "
            "where table_schema not in ('crm_export', 'reference') and table_name in "
            "('stg_salesforce__leads', 'stg_salesforce__contacts', 'stg_salesforce__users')"
        ).fetchall()
    personal = [
        c
        for c in columns
        if any(w in c[1] for w in ("email", "phone", "first_name", "last_name")) and not c[1].startswith("has_")
    ]
    assert columns and not personal, personal


def test_soft_deletes_are_kept_as_a_flag(sample_warehouse: Path) -> None:
    with duckdb.connect(str(sample_warehouse), read_only=True) as con:
        for model in ("stg_salesforce__opportunities", "stg_salesforce__leads", "stg_salesforce__tasks"):
            deleted = con.execute(f"select count(*) filter (where is_deleted) from staging.{model}").fetchone()[0]
            assert deleted > 0, model
