"""A user's export on Spark (issue 14, item 2), through the README's main command with SALES_KPIS_TARGET=spark.

One Spark build (a local PySpark session, a few minutes): a generated export with the quirks of a real one
(Windows-1252 files, CRLF line endings, a lower-case header, ignored columns) plus a name with curly quotes and
the euro sign, a quoted field spanning two lines and a quoted empty field, built on Spark and on DuckDB.

- The tables Spark's CSV reader lands in crm_export equal, row for row, what the admission gate lands in
  DuckDB from the same folder (every contract column, as text, nulls in the same places).
- The marts of both builds agree on a few KPIs (won amount per month, per rep and quarter; win rate per rep
  and quarter; activity points per rep and week). The full comparison of every mart is the cross-engine test's.
- A refused export stops before anything is written to Spark.

Spark's tables are Parquet files under <SALES_KPIS_SPARK_DIR>/warehouse/<schema>.db/<table>/ (profiles.yml): the
test reads them with DuckDB's read_parquet, so that no second process opens the local Derby metastore.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import PROJECT_DIR, SCRIPTS, generate
from input_contract import EXPORT_FILES
from load_export import load_export

TOLERANCE = 1e-9


def spark_build(spark_dir: Path, export_dir: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SALES_KPIS_")}
    env |= {"SALES_KPIS_TARGET": "spark", "SALES_KPIS_SPARK_DIR": str(spark_dir)}
    command = [sys.executable, str(SCRIPTS / "build.py"), "--export-dir", str(export_dir)]
    return subprocess.run(command, capture_output=True, text=True, cwd=PROJECT_DIR, env=env, check=False)


def add_quirks(folder: Path) -> str:
    """Account.csv (Windows-1252): a name with characters only Windows-1252 has, a quoted name spanning two
    lines, and the last record's BillingState a quoted empty field (""), whose Id it returns."""
    path = folder / "Account.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="cp1252"), newline="")))
    name, state = rows[0].index("Name"), rows[0].index("BillingState")
    rows[1][name] = "Café “Müller” – 5€"
    rows[2][name] = 'two\nlines, "quoted"'
    rows[-1][state] = "QUOTED-EMPTY"
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(rows)
    assert text.getvalue().count(",QUOTED-EMPTY,") == 1
    path.write_text(text.getvalue().replace(",QUOTED-EMPTY,", ',"",'), encoding="cp1252", newline="")
    return rows[-1][rows[0].index("Id")]


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = generate(tmp_path_factory.mktemp("spark_export") / "export", 7, 0.3)
    (folder.parent / "quoted_empty_id.txt").write_text(add_quirks(folder))
    return folder


@pytest.fixture(scope="module")
def spark_run(tmp_path_factory: pytest.TempPathFactory, export: Path) -> tuple[Path, subprocess.CompletedProcess]:
    """The one Spark build of this file: its warehouse folder and how the command ended."""
    folder = tmp_path_factory.mktemp("spark")
    return folder, spark_build(folder, export)


@pytest.fixture(scope="module")
def spark_landed(spark_run: tuple[Path, subprocess.CompletedProcess]) -> Path:
    """The warehouse once the export landed (the landing comes before dbt: it is checked whatever dbt did)."""
    folder, result = spark_run
    assert "land export (Spark CSV reader): done" in result.stdout + result.stderr, result.stdout + result.stderr
    return folder


@pytest.fixture(scope="module")
def spark_dir(spark_run: tuple[Path, subprocess.CompletedProcess]) -> Path:
    """The warehouse of a build that passed."""
    folder, result = spark_run
    assert result.returncode == 0, result.stdout + result.stderr
    return folder


@pytest.fixture(scope="module")
def duckdb_build(tmp_path_factory: pytest.TempPathFactory, export: Path) -> Path:
    publish = tmp_path_factory.mktemp("duckdb") / "sales_kpis.duckdb"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SALES_KPIS_")}
    command = [sys.executable, str(SCRIPTS / "build.py"), "--export-dir", str(export), "--publish-path", str(publish)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=PROJECT_DIR, env=env, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return publish


def spark_table(spark_dir: Path, schema: str, table: str) -> str:
    return f"read_parquet('{spark_dir / 'warehouse' / f'{schema}.db' / table.lower()}/*.parquet')"


def test_the_landed_tables_equal_the_gates_duckdb_landing(export: Path, spark_landed: Path, tmp_path: Path) -> None:
    spark_dir = spark_landed
    con = duckdb.connect(str(tmp_path / "gate.duckdb"))
    report = load_export(export, con)
    assert report.ok, report.problems
    assert report.read_as["Account"]["encoding"] == "windows-1252"  # the quirk reaches Spark's reader
    compared = 0
    for spec in EXPORT_FILES:
        columns = ", ".join(f'"{c.name}"' for c in spec.columns)
        gate = f'select {columns} from crm_export."{spec.table_name}"'
        spark = f"select {columns} from {spark_table(spark_dir, 'crm_export', spec.table_name)}"
        only_gate = con.execute(f"{gate} except all {spark}").fetchall()
        only_spark = con.execute(f"{spark} except all {gate}").fetchall()
        assert not only_gate and not only_spark, (spec.table_name, only_gate[:3], only_spark[:3])
        compared += con.execute(f"select count(*) from ({gate})").fetchone()[0]
    assert compared == sum(report.row_counts.values())
    account = spark_table(spark_dir, "crm_export", "Account")
    planted = ["Café “Müller” – 5€", 'two\nlines, "quoted"']
    names = con.execute(f'select "Name" from {account} where "Name" in (?, ?)', planted).fetchall()
    assert sorted(names) == sorted((name,) for name in planted)
    quoted_empty_id = (export.parent / "quoted_empty_id.txt").read_text()
    state = con.execute(f'select "BillingState" from {account} where "Id" = ?', [quoted_empty_id]).fetchall()
    assert state == [(None,)]  # the quoted empty field: null, as the gate lands it
    con.close()


def test_the_spark_build_says_ok(spark_dir: Path) -> None:
    (status, as_of) = duckdb.execute(
        f"select status, as_of_date from {spark_table(spark_dir, 'build_info', 'build')}"
    ).fetchone()
    assert status == "ok"
    assert as_of


# (mart, key columns, KPI columns): a few KPIs of different kinds, compared between the engines
KPIS = [
    ("rpt_sales_monthly", ["month_start_date"], ["won_amount", "won_amount_change_rate"]),
    (
        "rpt_scorecard_rep_quarterly",
        ["owner_user_id", "fiscal_quarter_start_date"],
        ["won_amount", "win_rate_by_count", "median_days_first_contact_to_won"],
    ),
    ("rpt_activities_rep_weekly", ["owner_user_id", "week_start_date"], ["activity_points"]),
]


@pytest.mark.parametrize(("mart", "keys", "kpis"), KPIS, ids=[k[0] for k in KPIS])
def test_marts_equal_the_duckdb_build(
    spark_dir: Path, duckdb_build: Path, mart: str, keys: list[str], kpis: list[str]
) -> None:
    columns = ", ".join(keys + kpis)
    with duckdb.connect(str(duckdb_build), read_only=True) as con:
        on_duckdb = con.execute(f"select {columns} from marts.{mart}").df()
    on_spark = duckdb.execute(f"select {columns} from {spark_table(spark_dir, 'marts', mart)}").df()
    assert len(on_duckdb) > 0
    assert len(on_spark) == len(on_duckdb)
    both = on_duckdb.merge(on_spark, on=keys, how="outer", suffixes=("_duckdb", "_spark"), indicator=True)
    assert (both["_merge"] == "both").all(), both.loc[both["_merge"] != "both", keys].head()
    for kpi in kpis:
        a, b = both[f"{kpi}_duckdb"].astype(float), both[f"{kpi}_spark"].astype(float)
        assert (a.isna() == b.isna()).all(), f"{mart}.{kpi}: nulls differ"
        close = ((a - b).abs() <= TOLERANCE * b.abs().clip(lower=1)) | a.isna()
        assert close.all(), pd.concat([both[keys], a, b], axis=1)[~close].head()


def test_a_refused_export_writes_nothing_to_spark(export: Path, tmp_path: Path) -> None:
    broken = tmp_path / "export"
    broken.mkdir()
    for path in export.glob("*.csv"):
        (broken / path.name).write_bytes(path.read_bytes())
    (broken / "Opportunity.csv").unlink()
    spark = tmp_path / "spark"
    result = spark_build(spark, broken)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "error: Opportunity.csv: required file is missing" in result.stderr
    assert "Nothing was written to the Spark warehouse" in result.stderr
    assert not (spark / "warehouse").exists() and not (spark / "metastore_db").exists()
