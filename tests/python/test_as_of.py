"""The as-of invariant: the KPIs measured at a date D are the same whether the export was taken on D or later.

(a) the export as it stood on D (`generate_sample.py --as-of D`: the generator simulates, so it knows) is
built as it is; (b) the later export of the same company is built with `build.py --as-of-date D`. Every
public mart (schema marts) must be equal row for row, apart from columns documented as "current value"
(the export keeps no history of them, so a later export can only show today's value).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from conftest import generate, run_build

SEED = 7  # the other company (conftest.other_export), not the committed sample

# Columns of public marts that hold the value in the export, not the value at the as-of date: the export keeps
# no history of them. Each is documented in the marts' YAML with meta {as_of: current value}.
CURRENT_VALUE_COLUMNS: dict[str, dict[str, str]] = {
    "dim_accounts": {
        "account_name": "Account.Name has no history in the export",
        "owner_user_id": "Account.OwnerId has no history in the export",
        "territory": "Account.Territory__c has no history in the export",
        "billing_country": "Account.BillingCountry has no history in the export",
        "industry": "Account.Industry has no history in the export",
        "number_of_employees": "Account.NumberOfEmployees has no history in the export",
        "size_band": "derived from Account.NumberOfEmployees, which has no history",
        "is_deleted": "the export does not say when a record was deleted",
    },
    "dim_reps": {
        "user_name": "User.Name has no history in the export",
        "job_title": "User.Title has no history in the export",
        "manager_user_id": "User.ManagerId has no history in the export",
        "manager_name": "User.Name of the manager has no history in the export",
        "team": "rep_roster.csv keeps no history of moves between teams",
        "region": "rep_roster.csv keeps no history of moves between regions",
        "territory": "rep_roster.csv keeps no history of moves between territories",
    },
    "rpt_customer_value_to_date_account": {
        "is_deleted": "dim_accounts.is_deleted: the export does not say when a record was deleted",
    },
}

# Reference data read straight from staging, not cut at the as-of date (see models/intermediate/as_of/).
UNCUT_STAGING = (
    "users",
    "user_roles",
    "products",
    "campaigns",
    "dated_conversion_rates",
    "sales_targets",
)


def _build(tmp: Path, name: str, export: Path, *extra: str) -> Path:
    publish = tmp / name / "sales_kpis.duckdb"
    result = run_build(publish, export, *extra)
    assert result.returncode == 0, result.output
    return publish


@pytest.fixture(scope="module")
def full_export(other_export: Path) -> Path:
    """The later export: conftest's seed-7 export (generated once per session, only read here)."""
    return other_export


def _as_of(warehouse: Path) -> tuple[str, str]:
    """The as-of date the models used and where it came from; build_info records that same date."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        day, source = con.execute(
            "select cast(as_of_date as varchar), as_of_date_source from intermediate.int_export_as_of_date"
        ).fetchone()
        recorded = con.execute("select cast(as_of_date as varchar) from build_info.build").fetchone()[0]
    assert recorded == day
    return day, source


def _mart_differences(left: Path, right: Path) -> dict[str, tuple[int, int]]:
    """Per mart table: rows only in left, rows only in right (current-value columns left out)."""
    differences: dict[str, tuple[int, int]] = {}
    with duckdb.connect() as con:
        con.execute(f"attach '{left}' as lhs (read_only)")
        con.execute(f"attach '{right}' as rhs (read_only)")
        tables = [
            t
            for (t,) in con.execute(
                "select table_name from information_schema.tables "
                "where table_catalog = 'lhs' and table_schema = 'marts' order by 1"
            ).fetchall()
        ]
        assert len(tables) > 30, tables
        for table in tables:
            columns = con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_catalog = 'lhs' and table_schema = 'marts' and table_name = ? order by ordinal_position",
                [table],
            ).fetchall()
            skip = CURRENT_VALUE_COLUMNS.get(table, {})
            # doubles (averages, medians) may differ in the last bits with the order rows are added in
            select = ", ".join(
                f'round("{name}", 9)' if data_type in ("DOUBLE", "FLOAT") else f'"{name}"'
                for name, data_type in columns
                if name not in skip
            )
            only_left, only_right = (
                con.execute(
                    f"select count(*) from (select {select} from {a}.marts.{table} "
                    f"except all select {select} from {b}.marts.{table})"
                ).fetchone()[0]
                for a, b in (("lhs", "rhs"), ("rhs", "lhs"))
            )
            if only_left or only_right:
                differences[table] = (only_left, only_right)
    return differences


@pytest.mark.parametrize("as_of", ["2025-11-19", "2025-09-30"], ids=["mid_quarter", "quarter_end"])
def test_marts_at_a_date_do_not_depend_on_when_the_export_was_taken(
    as_of: str, full_export: Path, tmp_path: Path
) -> None:
    export_then = generate(tmp_path / "export_then", SEED, 1.0, "--as-of", as_of)
    then = _build(tmp_path, "then", export_then)
    later = _build(tmp_path, "later", full_export, "--as-of-date", as_of)
    assert _as_of(then) == (as_of, "latest export timestamp")
    assert _as_of(later) == (as_of, "var as_of_date")
    assert _mart_differences(then, later) == {}


def test_as_of_date_after_the_export_builds(full_export: Path, tmp_path: Path) -> None:
    """A future date within the calendar (the export ends 2026-06-30): the build works and measures there.
    (A past and a quarter-end --as-of-date are built by the invariant test above.)"""
    warehouse = _build(tmp_path, "future", full_export, "--as-of-date", "2026-09-15")
    assert _as_of(warehouse) == ("2026-09-15", "var as_of_date")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        snapshot = con.execute(
            "select count(*) from marts.fct_opportunity_snapshots where is_as_of_snapshot "
            "and snapshot_date = date '2026-09-15'"
        ).fetchone()[0]
        open_now = con.execute(
            "select count(*) from marts.fct_opportunities where is_open and not is_deleted"
        ).fetchone()[0]
    assert snapshot == open_now > 0


def test_facts_enter_only_through_the_as_of_boundary(manifest: dict) -> None:
    """Only the as-of models (and int_export_as_of_date, which finds the date) read the staging models of
    facts, so no model can forget the cut."""
    models = {key: node for key, node in manifest["nodes"].items() if node["resource_type"] == "model"}
    facts = {
        key
        for key, node in models.items()
        if node["name"].startswith("stg_") and not any(ref in node["name"] for ref in UNCUT_STAGING)
    }
    offenders = sorted(
        (node["name"], models[parent]["name"])
        for node in models.values()
        if "/as_of/" not in node["original_file_path"]
        and node["name"] != "int_export_as_of_date"
        and not node["name"].startswith("stg_")
        for parent in node["depends_on"]["nodes"]
        if parent in facts
    )
    assert not offenders, offenders


def test_current_value_columns_are_documented_as_such(manifest: dict) -> None:
    documented = {
        (node["name"], column["name"])
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        for column in node["columns"].values()
        if (column.get("meta") or {}).get("as_of") == "current value"
    }
    listed = {(table, column) for table, columns in CURRENT_VALUE_COLUMNS.items() for column in columns}
    assert listed <= documented, sorted(listed - documented)
