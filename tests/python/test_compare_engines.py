"""scripts/compare_engines.py on hand-made tables: each kind of difference is found and named (engine pair,
mart, key, column, both values); equal marts, and numbers within the tolerance, pass."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import compare_engines  # noqa: E402

MART = "rpt_example_monthly"
GRAIN = ["account_id", "month_start_date"]
ROWS = """
    select * from (values
        ('001A', date '2026-01-01', 1200.50::decimal(18, 2), 0.25::double, 'Enterprise', date '2026-01-17', 3),
        ('001A', date '2026-02-01', 0.00::decimal(18, 2), null::double, 'Enterprise', null::date, 0),
        ('001B', date '2026-01-01', 99.99::decimal(18, 2), 1e-12::double, 'SMB', date '2026-01-30', 1)
    ) as t(account_id, month_start_date, amount, win_rate, segment, last_close_date, deals)
"""


def manifest(grain: list[str] | None = GRAIN) -> dict:
    """The few manifest fields the comparer reads: one public mart, and its grain test."""
    nodes = {
        f"model.p.{MART}": {
            "name": MART,
            "resource_type": "model",
            "config": {"schema": "marts", "contract": {"enforced": True}},
        },
        "model.p.int_helper": {
            "name": "int_helper",
            "resource_type": "model",
            "config": {"schema": "intermediate", "contract": {"enforced": False}},
        },
    }
    if grain:
        nodes["test.p.grain"] = {
            "resource_type": "test",
            "attached_node": f"model.p.{MART}",
            "column_name": None,
            "test_metadata": {"name": "unique_combination_of_columns", "kwargs": {"combination_of_columns": grain}},
        }
    return {"nodes": nodes}


def duckdb_engine(tmp_path: Path) -> compare_engines.Engine:
    """The reference: a DuckDB file with the mart in schema marts, as a published warehouse holds it."""
    path = tmp_path / "reference.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema marts")
        connection.execute(f"create table marts.{MART} as {ROWS}")
    return compare_engines.Engine("duckdb", path)


def parquet_engine(tmp_path: Path, change: str = "", name: str = "postgres", spark_layout: bool = False):
    """The same rows after `change` (SQL run on them), as a folder of Parquet: <mart>.parquet, or Spark's
    <mart>/part-*.parquet."""
    folder = tmp_path / name
    folder.mkdir()
    with duckdb.connect() as connection:
        connection.execute(f"create table t as {ROWS}")
        if change:
            connection.execute(change)
        if spark_layout:
            (folder / MART).mkdir()
            target = folder / MART / "part-00000-x.snappy.parquet"
        else:
            target = folder / f"{MART}.parquet"
        connection.execute(f"copy t to '{target}' (format parquet)")
    return compare_engines.Engine(name, folder)


def differences(tmp_path: Path, change: str, spark_layout: bool = False) -> list[compare_engines.Difference]:
    engines = [duckdb_engine(tmp_path), parquet_engine(tmp_path, change, spark_layout=spark_layout)]
    result = compare_engines.compare(engines, compare_engines.public_marts(manifest()))
    assert result.marts_compared == 1
    return result.differences


def only(found: list[compare_engines.Difference]) -> compare_engines.Difference:
    assert len(found) == 1, [str(d) for d in found]
    return found[0]


def test_equal_marts_pass(tmp_path):
    assert differences(tmp_path, "") == []


def test_spark_table_folder_is_read(tmp_path):
    found = only(differences(tmp_path, "update t set deals = 4 where account_id = '001B'", spark_layout=True))
    assert (found.column, found.reference, found.other) == ("deals", 1.0, 4.0)


def test_number_beyond_tolerance_is_named(tmp_path):
    found = only(differences(tmp_path, "update t set win_rate = 0.25 * (1 + 1e-8) where win_rate = 0.25"))
    assert found.pair == "duckdb/postgres"
    assert found.mart == MART
    assert found.key == "account_id=001A, month_start_date=2026-01-01"
    assert found.column == "win_rate"
    assert found.reference == 0.25 and found.other == pytest.approx(0.25 * (1 + 1e-8), rel=1e-15)
    assert str(found) == (
        f"duckdb/postgres {MART} [account_id=001A, month_start_date=2026-01-01] win_rate: 0.25 vs {found.other!r}"
    )


def test_numbers_within_tolerance_pass(tmp_path):
    # 1200.50 within 1e-9 relative (a double where the reference is a decimal); 1e-12 within 1e-9 of 0
    change = """
        create or replace table t as select * replace (
            case when account_id = '001A' then cast(amount as double) * (1 + 5e-10) else amount end as amount,
            case when account_id = '001B' then 0 else win_rate end as win_rate) from t
    """
    assert differences(tmp_path, change) == []


def test_missing_key_is_named(tmp_path):
    found = only(differences(tmp_path, "delete from t where account_id = '001B'"))
    assert (found.key, found.column) == ("account_id=001B, month_start_date=2026-01-01", "(row)")
    assert (found.reference, found.other) == ("present", "missing in postgres")


def test_extra_row_is_named(tmp_path):
    extra = "insert into t values ('001C', date '2026-03-01', 5, 0.5, 'SMB', null, 1)"
    found = only(differences(tmp_path, extra))
    assert (found.key, found.column) == ("account_id=001C, month_start_date=2026-03-01", "(row)")
    assert (found.reference, found.other) == ("missing in duckdb", "present")


def test_duplicate_key_is_named(tmp_path):
    found = only(differences(tmp_path, "insert into t select * from t where account_id = '001B'"))
    assert (found.key, found.reference, found.other) == (
        "account_id=001B, month_start_date=2026-01-01",
        "1 rows",
        "2 rows",
    )


@pytest.mark.parametrize(
    ("change", "column", "reference", "other"),
    [
        ("update t set win_rate = 0 where month_start_date = '2026-02-01'", "win_rate", None, 0.0),
        ("update t set amount = null where month_start_date = '2026-02-01'", "amount", 0.0, None),
        (
            "update t set last_close_date = '2026-02-03' where month_start_date = '2026-02-01'",
            "last_close_date",
            None,
            "2026-02-03",
        ),
        ("update t set segment = null where month_start_date = '2026-02-01'", "segment", "Enterprise", None),
    ],
)
def test_null_in_one_engine_only_is_named(tmp_path, change, column, reference, other):
    found = only(differences(tmp_path, change))
    assert (found.key, found.column) == ("account_id=001A, month_start_date=2026-02-01", column)
    assert (found.reference, found.other) == (reference, other)


def test_text_difference_is_named(tmp_path):
    found = only(
        differences(
            tmp_path,
            "update t set segment = 'Enterprise ' where month_start_date = '2026-01-01' and account_id = '001A'",
        )
    )
    assert (found.column, found.reference, found.other) == ("segment", "Enterprise", "Enterprise ")


def test_date_difference_is_named(tmp_path):
    found = only(
        differences(tmp_path, "update t set last_close_date = date '2026-01-16' where last_close_date = '2026-01-17'")
    )
    assert (found.key, found.column) == ("account_id=001A, month_start_date=2026-01-01", "last_close_date")
    assert (found.reference, found.other) == ("2026-01-17", "2026-01-16")


def test_date_typed_as_timestamp_is_a_difference(tmp_path):
    change = (
        "create or replace table t as select * replace (cast(last_close_date as timestamp) as last_close_date) from t"
    )
    found = only(differences(tmp_path, change))
    assert (found.key, found.column, found.reference, found.other) == (
        "column type",
        "last_close_date",
        "date",
        "timestamp",
    )


def test_missing_mart_is_a_difference_unless_allowed(tmp_path):
    engines = [duckdb_engine(tmp_path), compare_engines.Engine("spark", tmp_path)]  # no mart in tmp_path itself
    marts = compare_engines.public_marts(manifest())
    found = only(compare_engines.compare(engines, marts).differences)
    assert (found.pair, found.mart, found.other) == ("duckdb/spark", MART, "missing")
    allowed = compare_engines.compare(engines, marts, allow_missing={"spark"})
    assert allowed.differences == [] and allowed.not_compared == [f"duckdb/spark {MART}"]


def test_mart_without_grain_is_refused():
    with pytest.raises(ValueError, match=MART):
        compare_engines.public_marts(manifest(grain=None))


def test_command_exit_codes_and_report(tmp_path, capsys):
    import json

    (tmp_path / "manifest.json").write_text(json.dumps(manifest()))
    reference = duckdb_engine(tmp_path).location
    other = parquet_engine(tmp_path, "update t set segment = 'Mid-Market' where account_id = '001B'").location
    args = ["compare", "--manifest", str(tmp_path / "manifest.json"), f"duckdb={reference}", f"postgres={other}"]
    assert compare_engines.main(args) == 1
    out = capsys.readouterr().out
    key = "account_id=001B, month_start_date=2026-01-01"
    assert f"DIFFERENCE duckdb/postgres {MART} [{key}] segment: 'SMB' vs 'Mid-Market'" in out
    assert "1 marts compared, rows: duckdb 3, postgres 3; 1 differences" in out
    same = parquet_engine(tmp_path, "", name="same").location
    assert compare_engines.main([*args[:-1], f"postgres={same}"]) == 0
