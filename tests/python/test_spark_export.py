"""A user's export on Spark (issue 14, item 2): the admitted files land with Spark's CSV reader.

The test command's Spark stage builds the sample through the same user-folder path (gate, Spark landing,
dbt build, mart suites) and its cross-engine stage compares every mart with DuckDB's and PostgreSQL's. This
file checks what the sample lacks: a generated export with the quirks of a real one (Windows-1252 files, CRLF
line endings, a lower-case header, ignored columns) plus a name with curly quotes and the euro sign, a quoted
field spanning two lines and a quoted empty field, landed by scripts/spark_warehouse.py exactly as
scripts/build.py lands it (the gate's landing plan), without the dbt build (minutes on Spark).

- The tables Spark's CSV reader lands in crm_export equal, row for row, what the admission gate lands in
  DuckDB from the same folder (every contract column, as text, nulls in the same places).
- build_info.build says 'building' until a build ends.
- A refused export stops before anything is written to Spark.

Spark's tables are Parquet files under <SALES_KPIS_SPARK_DIR>/warehouse/<schema>.db/<table>/ (profiles.yml): the
test reads them with DuckDB's read_parquet, so that no second process opens the local Derby metastore.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT_DIR, SCRIPTS, generate
from input_contract import EXPORT_FILES
from load_export import load_export


def spark_build(spark_dir: Path, export_dir: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SALES_KPIS_")}
    env |= {"SALES_KPIS_TARGET": "spark", "SALES_KPIS_SPARK_DIR": str(spark_dir)}
    command = [sys.executable, str(SCRIPTS / "build.py"), "--export-dir", str(export_dir)]
    return subprocess.run(command, capture_output=True, text=True, cwd=PROJECT_DIR, env=env, check=False)


def add_quirks(folder: Path) -> str:
    """Account.csv (Windows-1252, rewritten with CRLF line endings, as Excel saves it): a name with characters
    only Windows-1252 has, a quoted name spanning two lines (a bare LF inside a CRLF file, as Salesforce writes
    a line break in a text field), and the last record's BillingState a quoted empty field (""), whose Id it
    returns."""
    path = folder / "Account.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="cp1252"), newline="")))
    name, state = rows[0].index("Name"), rows[0].index("BillingState")
    rows[1][name] = "Café “Müller” – 5€"
    rows[2][name] = 'two\nlines, "quoted"'
    rows[-1][state] = "QUOTED-EMPTY"
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(rows)
    assert text.getvalue().count(",QUOTED-EMPTY,") == 1
    path.write_text(text.getvalue().replace(",QUOTED-EMPTY,", ',"",'), encoding="cp1252", newline="")
    return rows[-1][rows[0].index("Id")]


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = generate(tmp_path_factory.mktemp("spark_export") / "export", 7, 0.3)
    (folder.parent / "quoted_empty_id.txt").write_text(add_quirks(folder))
    return folder


@pytest.fixture(scope="module")
def spark_landed(tmp_path_factory: pytest.TempPathFactory, export: Path) -> Path:
    """The Spark warehouse once the gate admitted the export and scripts/spark_warehouse.py landed it, with the
    landing plan scripts/build.py gives it (the gate's read_as: path, encoding, header of each file)."""
    folder = tmp_path_factory.mktemp("spark")
    with duckdb.connect(str(folder / "gate.duckdb")) as con:
        report = load_export(export, con)
    assert report.ok, report.problems
    plan = folder / "landing.json"
    plan.write_text(json.dumps(report.read_as))
    env = {k: v for k, v in os.environ.items() if not k.startswith("SALES_KPIS_")}
    env |= {"SALES_KPIS_TARGET": "spark", "SALES_KPIS_SPARK_DIR": str(folder)}
    info = json.dumps({"export_dir": str(export), "build_mode": "full"})
    command = [sys.executable, str(SCRIPTS / "spark_warehouse.py"), "begin", "--build-info", info, "--plan", str(plan)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=PROJECT_DIR, env=env, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    landed = json.loads(result.stdout.strip().splitlines()[-1])
    assert landed == {spec.table_name: report.row_counts.get(spec.file_name, 0) for spec in EXPORT_FILES}
    return folder


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


def test_the_warehouse_says_building_until_a_build_ends(spark_landed: Path) -> None:
    (status,) = duckdb.execute(f"select status from {spark_table(spark_landed, 'build_info', 'build')}").fetchone()
    assert status == "building"


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
