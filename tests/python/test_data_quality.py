"""The Great Expectations suites: each raw check fails on the broken input it exists for, with its
severity; the clean sample passes every blocking expectation; the mart suites catch a broken mart."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT_DIR
from data_quality import (
    BLOCKING,
    WARNING,
    DataQuality,
    QualityReport,
    mart_suites,
    raw_row_counts,
    raw_suites,
)
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


def test_row_count_drop_against_the_previous_build(loaded_sample: Path, tmp_path: Path) -> None:
    with duckdb.connect(str(loaded_sample), read_only=True) as con:
        counts = raw_row_counts(lambda sql: con.execute(sql).df())
    report = validate_raw(loaded_sample, {**counts, "Lead": counts["Lead"] * 2})
    assert [(f.suite, f.expectation, f.severity) for f in report.failures] == [
        ("raw.Lead", "expect_table_row_count_to_be_between", WARNING)
    ]
    assert validate_raw(loaded_sample, counts).failures == []


@pytest.fixture(scope="module")
def manifest() -> Path:
    path = PROJECT_DIR / "target" / "manifest.json"
    assert path.exists(), "the sample build writes target/manifest.json"
    return path


def test_clean_marts_pass_and_every_public_mart_has_a_suite(sample_warehouse: Path, manifest: Path) -> None:
    suites = mart_suites(manifest)
    names = {s.name for s in suites}
    assert {"marts.rpt_scorecard_rep_quarterly", "marts.rpt_nps_monthly", "reconcile.won_amount_per_quarter"} <= names
    assert len(names) >= 45
    with duckdb.connect(str(sample_warehouse), read_only=True) as con:
        report = DataQuality(None).validate(lambda sql: con.execute(sql).df(), suites)
    assert report.failures == []


def test_mart_suites_catch_a_duplicated_row_and_totals_that_do_not_reconcile(
    sample_warehouse: Path, manifest: Path, tmp_path: Path
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
        report = DataQuality(None).validate(lambda sql: con.execute(sql).df(), mart_suites(manifest))
    failed = {(f.suite, f.expectation) for f in report.failures}
    assert failed == {
        ("marts.rpt_scorecard_rep_quarterly", "expect_compound_columns_to_be_unique"),
        ("reconcile.won_amount_per_quarter", "expect_column_values_to_be_between"),
        ("marts.rpt_nps_monthly", "expect_column_values_to_be_between"),
    }
    assert all(f.severity == BLOCKING for f in report.failures)
