"""The Great Expectations suites: each raw check fails on the broken input it exists for, with its
severity and the number of failing rows; the clean sample passes every blocking expectation; the mart
suites catch a broken mart; the metrics computed in the database give GX's own verdicts."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd
import pytest
from conftest import PROJECT_DIR
from data_quality import (
    BLOCKING,
    WARNING,
    DataQuality,
    QualityReport,
    Suite,
    mart_suites,
    raw_row_counts,
    raw_suites,
)
from great_expectations.util import convert_to_json_serializable
from load_export import load_export

SAMPLE = PROJECT_DIR / "seeds" / "sample_export"


@pytest.fixture(scope="module")
def loaded_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed sample as the loader lands it (schema crm_export, all text)."""
    path = tmp_path_factory.mktemp("raw") / "raw.duckdb"
    with duckdb.connect(str(path)) as con:
        assert load_export(SAMPLE, con).ok
    return path


def validate_raw(path: Path, previous_row_counts: dict[str, int] | None = None) -> QualityReport:
    with duckdb.connect(str(path), read_only=True) as con:

        def fetch(sql: str):
            return con.execute(sql).df()

        suites = raw_suites(fetch, "EUR", previous_row_counts or {})
        return DataQuality(None).validate(fetch, suites)


def test_clean_sample_passes_every_raw_expectation(loaded_sample: Path) -> None:
    report = validate_raw(loaded_sample)
    assert sorted(report.suites) == [
        "raw.Contact",
        "raw.Opportunity",
        "raw.OpportunityFieldHistory",
        "raw.OpportunityHistory",
        "raw.OpportunityLineItem",
    ]
    assert sum(passed for passed, _ in report.suites.values()) == 6
    assert report.failures == []


def test_raw_suites_can_only_warn(loaded_sample: Path) -> None:
    """Blocking rules on the export are the loader's: a raw suite that could block would split the verdict."""
    with duckdb.connect(str(loaded_sample), read_only=True) as con:
        suites = raw_suites(lambda sql: con.execute(sql).df(), "EUR", {"Lead": 10**9})
    severities = {e.meta["severity"] for suite in suites for e in suite.expectations}
    assert severities == {WARNING}


# Each case breaks the loaded sample in one way (SQL on the raw text tables) and names the expectation
# that must fail: (suite, expectation type, column, severity).
Case = tuple[str, tuple[str, str, str, str]]


def set_on_first_row(con: duckdb.DuckDBPyConnection, table: str, column: str, value: str, key: str = "Id") -> str:
    """Set one raw value on the row with the smallest key; return the value (the example the summary shows)."""
    raw = f'crm_export."{table}"'
    con.execute(f'update {raw} set "{column}" = ? where "{key}" = (select min("{key}") from {raw})', [value])
    return value


def orphaned_foreign_keys(con: duckdb.DuckDBPyConnection) -> Case:
    con.execute(
        """update crm_export."Contact" set "AccountId" = '001XX0000000000000'
        where "Id" in (select "Id" from crm_export."Contact" order by "Id" limit 100)"""
    )
    return "001XX0000000000000", ("raw.Contact", "expect_column_values_to_be_in_set", "AccountId", WARNING)


def close_date_before_created_date(con: duckdb.DuckDBPyConnection) -> Case:
    example = set_on_first_row(con, "Opportunity", "CloseDate", "2020-01-01")
    return example, ("raw.Opportunity", "expect_column_pair_values_a_to_be_greater_than_b", "CloseDate", WARNING)


RAW_CASES: dict[str, Callable[[duckdb.DuckDBPyConnection], Case]] = {
    f.__name__: f
    for f in (
        orphaned_foreign_keys,
        close_date_before_created_date,
    )
}


@pytest.mark.parametrize("case", RAW_CASES)
def test_each_raw_check_fails_on_its_broken_export(case: str, loaded_sample: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.duckdb"
    shutil.copy(loaded_sample, broken)
    with duckdb.connect(str(broken)) as con:
        example, (suite, expectation, column, severity) = RAW_CASES[case](con)
    report = validate_raw(broken)
    assert len(report.failures) == 1, [f.detail for f in report.failures]
    failure = report.failures[0]
    assert (failure.suite, failure.expectation, failure.severity) == (suite, expectation, severity)
    assert f"column={column}" in failure.detail or f"column_A={column}" in failure.detail
    assert example in " ".join(map(str, failure.examples))


def test_raw_orphans_are_counted_in_the_database(loaded_sample: Path, tmp_path: Path) -> None:
    """A planted violation is caught with its exact count, and a share under the tolerance stays a pass."""
    broken = tmp_path / "broken.duckdb"
    shutil.copy(loaded_sample, broken)
    with duckdb.connect(str(broken)) as con:
        rows = con.execute('select count(*) from crm_export."OpportunityHistory"').fetchone()[0]
        planted = rows // 50  # 2%: over the 1% allowed
        con.execute(
            f"""update crm_export."OpportunityHistory" set "OpportunityId" = 'missing-' || "Id"
            where "Id" in (select "Id" from crm_export."OpportunityHistory" order by "Id" limit {planted})"""
        )
        contacts = con.execute('select count(*) from crm_export."Contact"').fetchone()[0]
        con.execute(  # 0.1% of contacts: under the tolerance
            f"""update crm_export."Contact" set "AccountId" = 'missing'
            where "Id" in (select "Id" from crm_export."Contact" order by "Id" limit {contacts // 1000})"""
        )
    report = validate_raw(broken)
    assert [(f.suite, f.detail.split(": ", 1)[1]) for f in report.failures] == [
        ("raw.OpportunityHistory", f"{planted} of {rows} rows")
    ]
    assert report.suites["raw.Contact"] == (1, 0)


def test_row_count_drop_against_the_previous_build(loaded_sample: Path, tmp_path: Path) -> None:
    with duckdb.connect(str(loaded_sample), read_only=True) as con:
        counts = raw_row_counts(lambda sql: con.execute(sql).df())
    report = validate_raw(loaded_sample, {**counts, "Lead": counts["Lead"] * 2})
    assert [(f.suite, f.expectation, f.severity) for f in report.failures] == [
        ("raw.Lead", "expect_table_row_count_to_be_between", WARNING)
    ]
    assert validate_raw(loaded_sample, counts).failures == []


def test_clean_marts_pass_and_every_public_mart_has_a_suite(sample_warehouse: Path, manifest_path: Path) -> None:
    suites = mart_suites(manifest_path)
    names = {s.name for s in suites}
    assert {"marts.rpt_scorecard_rep_quarterly", "marts.rpt_nps_monthly", "reconcile.won_amount_per_quarter"} <= names
    assert len(names) >= 45
    with duckdb.connect(str(sample_warehouse), read_only=True) as con:
        report = DataQuality(None).validate(lambda sql: con.execute(sql).df(), suites)
    assert report.failures == []


def test_mart_suites_catch_a_duplicated_row_and_totals_that_do_not_reconcile(
    sample_warehouse: Path, manifest_path: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.duckdb"
    shutil.copy(sample_warehouse, broken)
    with duckdb.connect(str(broken)) as con:
        con.execute(
            "insert into marts.rpt_scorecard_rep_quarterly select * from marts.rpt_scorecard_rep_quarterly "
            "where won_amount > 0 limit 1"
        )
        con.execute("update marts.rpt_nps_monthly set nps = 150 where month_start_date = '2025-03-01'")
    with duckdb.connect(str(broken), read_only=True) as con:
        report = DataQuality(None).validate(lambda sql: con.execute(sql).df(), mart_suites(manifest_path))
    with duckdb.connect(str(broken), read_only=True) as con:
        scorecard_rows, nps_rows = con.execute(
            "select (select count(*) from marts.rpt_scorecard_rep_quarterly), "
            "(select count(*) from marts.rpt_nps_monthly)"
        ).fetchone()
    failed = {(f.suite, f.expectation): f.detail.rsplit(": ", 1)[1] for f in report.failures}
    assert failed == {
        ("marts.rpt_scorecard_rep_quarterly", "expect_compound_columns_to_be_unique"): f"2 of {scorecard_rows} rows",
        ("reconcile.won_amount_per_quarter", "expect_column_values_to_be_between"): failed.get(
            ("reconcile.won_amount_per_quarter", "expect_column_values_to_be_between"), "missing"
        ),
        ("marts.rpt_nps_monthly", "expect_column_values_to_be_between"): f"1 of {nps_rows} rows",
    }
    assert failed[("reconcile.won_amount_per_quarter", "expect_column_values_to_be_between")].startswith("1 of ")
    assert all(f.severity == BLOCKING for f in report.failures)


# --------------------------------------------------------------------------- SQL metrics against GX's own


PANDAS_ORACLE_CASES: list[gxe.Expectation] = [
    gxe.ExpectColumnValuesToBeUnique(column="key"),
    gxe.ExpectCompoundColumnsToBeUnique(column_list=["key", "other"], ignore_row_if="never"),
    gxe.ExpectCompoundColumnsToBeUnique(column_list=["key", "other"], ignore_row_if="any_value_is_missing"),
    gxe.ExpectCompoundColumnsToBeUnique(column_list=["key", "other"], ignore_row_if="all_values_are_missing"),
    gxe.ExpectColumnValuesToBeBetween(column="amount", min_value=0, max_value=10),
    gxe.ExpectColumnValuesToBeBetween(column="amount", min_value=0, max_value=10, strict_max=True),
    gxe.ExpectColumnValuesToBeBetween(column="amount", min_value=-0.5),
    gxe.ExpectColumnValuesToBeInSet(column="other", value_set=["a", "b"]),
    gxe.ExpectColumnValuesToBeInSet(column="other", value_set=["a", "b", "c"], mostly=0.5),
    gxe.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A="amount", column_B="floor", or_equal=True, ignore_row_if="either_value_is_missing"
    ),
    gxe.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A="amount", column_B="floor", ignore_row_if="either_value_is_missing"
    ),
    gxe.ExpectTableRowCountToBeBetween(min_value=3, max_value=5),
]


@pytest.mark.parametrize("expectation", PANDAS_ORACLE_CASES, ids=lambda e: e.expectation_type)
def test_metrics_computed_in_sql_give_the_result_of_gx_pandas(expectation: gxe.Expectation) -> None:
    """The same expectation on the same rows: GX's pandas engine and the pushed-down SQL agree on every count."""
    frame = pd.DataFrame(
        {
            "key": [1, 2, 2, 3, None, None, 4, 5],
            "other": ["a", "b", "b", "c", "a", None, None, "x"],
            "amount": [0.0, 10.0, 11.0, -1.0, None, 5.0, 3.0, 10.0],
            "floor": [0.0, 10.0, 12.0, None, 1.0, 6.0, 2.0, 9.0],
        }
    )
    with duckdb.connect(":memory:") as con:
        con.register("frame_view", frame)
        con.execute("create table batch_table as select * from frame_view")
        pushed = DataQuality(None).validate_suite(
            lambda sql: con.execute(sql).df(), Suite("oracle", "select * from batch_table", [expectation]), "duckdb"
        )
    context = gx.get_context(mode="ephemeral")
    batch = context.data_sources.add_pandas("p").add_dataframe_asset("a").add_batch_definition_whole_dataframe("w")
    oracle = batch.get_batch(batch_parameters={"dataframe": frame}).validate(
        gxe.__dict__[type(expectation).__name__](**expectation.configuration.kwargs),
        result_format={"result_format": "SUMMARY", "partial_unexpected_count": 20},
    )
    ours = pushed.results[0]
    assert ours.success == oracle.success
    keys = ("element_count", "missing_count", "unexpected_count", "unexpected_percent", "observed_value")
    assert {k: ours.result.get(k) for k in keys} == {k: oracle.result.get(k) for k in keys}
    assert examples(ours.result) == examples(oracle.result)


def examples(result: dict) -> list[str]:
    """The failing values a result shows, in an order and a form that do not depend on the engine."""
    values = result.get("partial_unexpected_list") or []
    return sorted(json.dumps(convert_to_json_serializable(v), sort_keys=True) for v in values)


def test_a_value_set_given_as_a_query_counts_like_the_same_set_given_as_a_list() -> None:
    """The orphan checks compare with the Ids of another table inside the database, nulls skipped."""
    frame = pd.DataFrame({"parent_id": ["p1", "p2", "orphan", None, "p1", "orphan"]})
    as_query = gxe.ExpectColumnValuesToBeInSet(column="parent_id", value_set={"$PARAMETER": "parents"}, mostly=0.9)
    as_list = gxe.ExpectColumnValuesToBeInSet(column="parent_id", value_set=["p1", "p2"], mostly=0.9)
    results = []
    with duckdb.connect(":memory:") as con:
        con.register("frame_view", frame)
        con.execute("create table children as select * from frame_view")
        con.execute("create table parents as select * from (values ('p1'), ('p2'), (null)) as t(id)")
        for expectation in (as_query, as_list):
            suite = Suite("orphans", "select * from children", [expectation], {"parents": "select id from parents"})
            results.append(DataQuality(None).validate_suite(lambda sql: con.execute(sql).df(), suite, "duckdb"))
    (by_query,), (by_list,) = (r.results for r in results)
    assert not by_query.success
    assert {k: by_query.result[k] for k in ("element_count", "missing_count", "unexpected_count")} == {
        "element_count": 6,
        "missing_count": 1,
        "unexpected_count": 2,
    }
    assert by_query.result == by_list.result
