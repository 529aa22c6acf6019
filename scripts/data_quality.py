"""Great Expectations suites for the raw export and the public marts, with severities.

The main command (scripts/build.py) runs the raw-export suites on the checked
export before dbt builds anything, and the mart suites on the finished
warehouse before it is published. A failed *blocking* expectation stops the
run and nothing is published; a failed *warning* is reported and the run goes
on. Raw suites only warn (orphans, dates, row-count drops): every rule that
blocks a build on the user's data belongs to the admission gate,
scripts/load_export.py. Either way the Data Docs (HTML) are written and a one-screen summary is
printed.

How the suites reach the data: Great Expectations' pandas datasource, fed one
DataFrame per suite by a SQL query on the warehouse (DuckDB, or PostgreSQL for
the mart suites of that target). Its SQL datasource over duckdb-engine fails
on plain tables in GX 1.24 ("list index out of range" resolving
table.row_count), and the pandas path validates a 60,000-row table in well
under a second. Each query selects only the columns its expectations read, so
a big table does not travel whole.

Suites are code: raw_suites() and mart_suites() below. The mart suites are
derived from the dbt manifest (grain and declared ranges of every public
mart) plus the reconciliations no single dbt test expresses.

    python scripts/data_quality.py raw --database warehouse/sales_kpis.duckdb
    python scripts/data_quality.py marts --database warehouse/sales_kpis.duckdb
    python scripts/data_quality.py marts --postgres   # the PostgreSQL target (profiles.yml env vars)

The raw suites read the export as scripts/load_export.py lands it in DuckDB
(schema crm_export, every column text), whichever target dbt builds.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")  # no network calls home

import great_expectations as gx  # noqa: E402
import great_expectations.expectations as gxe  # noqa: E402
from great_expectations.data_context.types.base import ProgressBarsConfig  # noqa: E402

PROJECT_DIR = Path(__file__).resolve().parent.parent
RAW_SCHEMA = "crm_export"
MART_SCHEMA = "marts"

BLOCKING = "blocking"
WARNING = "warning"

# Raw checks with a tolerance rather than a yes/no.
ORPHAN_SHARE_ALLOWED = 0.01  # foreign keys pointing at nothing: up to 1% is a warning-free export
ROW_COUNT_DROP_ALLOWED = 0.10  # a file losing more than 10% of its rows since the last publish is reported

Fetch = Callable[[str], pd.DataFrame]


@dataclass
class Suite:
    """One expectation suite and the query whose result it validates."""

    name: str
    query: str
    expectations: list[gxe.Expectation]


@dataclass
class Failure:
    suite: str
    expectation: str
    severity: str
    detail: str
    examples: list[object]


@dataclass
class QualityReport:
    suites: dict[str, tuple[int, int]] = field(default_factory=dict)  # name -> (passed, failed)
    failures: list[Failure] = field(default_factory=list)
    docs_index: Path | None = None

    @property
    def blocking(self) -> list[Failure]:
        return [f for f in self.failures if f.severity == BLOCKING]

    @property
    def warnings(self) -> list[Failure]:
        return [f for f in self.failures if f.severity == WARNING]

    def merge(self, other: QualityReport) -> None:
        self.suites.update(other.suites)
        self.failures.extend(other.failures)
        self.docs_index = other.docs_index or self.docs_index


def _meta(severity: str, why: str) -> dict[str, str]:
    return {"severity": severity, "why": why}


def _day(column: str) -> str:
    return f"cast(substr(nullif(trim({column}), ''), 1, 10) as date)"


# --------------------------------------------------------------------------- raw export


def raw_suites(fetch: Fetch, reporting_currency: str, previous_row_counts: dict[str, int]) -> list[Suite]:
    """Warning-level suites on the raw export (tables of schema crm_export), for the summary and Data Docs.

    They cannot block: every rule that stops a build on the user's data (ids,
    ranges, picklists, currencies) is the admission gate's, scripts/load_export.py,
    so that `load_export.py --check-only` gives the build's verdict.
    `reporting_currency` is kept for the callers' signature. Nothing here depends on the as-of date: it is
    resolved once, in SQL (int_export_as_of_date), and records dated after it are counted by the rules of
    rpt_data_quality_exclusions_rule (opportunity_closed_after_as_of, task_completed_after_as_of).
    """
    tables = set(
        fetch(f"select table_name from information_schema.tables where table_schema = '{RAW_SCHEMA}'")["table_name"]
    )

    def t(name: str) -> str:
        return f'{RAW_SCHEMA}."{name}"'

    def ids(table: str, column: str = "Id") -> list[str]:
        if table not in tables:
            return []
        return fetch(f'select distinct "{column}" as id from {t(table)} where "{column}" is not null')["id"].tolist()

    account_ids = ids("Account")
    opportunity_ids = ids("Opportunity")

    def orphans(column: str, parent_ids: list[str], parent: str) -> gxe.Expectation:
        return gxe.ExpectColumnValuesToBeInSet(
            column=column,
            value_set=parent_ids,
            mostly=1 - ORPHAN_SHARE_ALLOWED,
            meta=_meta(WARNING, f"at most {ORPHAN_SHARE_ALLOWED:.0%} of {column} may point at no {parent} row"),
        )

    # Warnings only: every rule that blocks a build on the export is the loader's (scripts/load_export.py).
    specific: dict[str, tuple[str, list[gxe.Expectation]]] = {
        "Contact": ('"AccountId"', [orphans("AccountId", account_ids, "Account")]),
        "Opportunity": (
            f'"AccountId", {_day("CreatedDate")} as "CreatedDay", {_day("CloseDate")} as "CloseDate"',
            [
                orphans("AccountId", account_ids, "Account"),
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A="CloseDate",
                    column_B="CreatedDay",
                    or_equal=True,
                    ignore_row_if="either_value_is_missing",
                    meta=_meta(WARNING, "an opportunity cannot close before it was created"),
                ),
            ],
        ),
        "OpportunityHistory": ('"OpportunityId"', [orphans("OpportunityId", opportunity_ids, "Opportunity")]),
        "OpportunityFieldHistory": ('"OpportunityId"', [orphans("OpportunityId", opportunity_ids, "Opportunity")]),
        "OpportunityLineItem": ('"OpportunityId"', [orphans("OpportunityId", opportunity_ids, "Opportunity")]),
    }

    suites = []
    for table in sorted(tables):
        columns, expectations = specific.get(table, ("1 as row_marker", []))
        previous = previous_row_counts.get(table)
        if previous:
            expectations = [
                *expectations,
                gxe.ExpectTableRowCountToBeBetween(
                    min_value=int(previous * (1 - ROW_COUNT_DROP_ALLOWED)),
                    meta=_meta(WARNING, f"the previous published build had {previous} rows"),
                ),
            ]
        if expectations:
            suites.append(Suite(f"raw.{table}", f"select {columns} from {t(table)}", expectations))
    assert all(e.meta["severity"] == WARNING for suite in suites for e in suite.expectations), (
        "a raw expectation may only warn: blocking rules on the export belong to scripts/load_export.py"
    )
    return suites


def raw_row_counts(fetch: Fetch) -> dict[str, int]:
    tables = fetch(f"select table_name from information_schema.tables where table_schema = '{RAW_SCHEMA}'")
    return {
        name: int(fetch(f'select count(*) as n from {RAW_SCHEMA}."{name}"')["n"].iloc[0])
        for name in tables["table_name"]
    }


# --------------------------------------------------------------------------- marts


def _public_marts(manifest: dict) -> dict[str, dict]:
    return {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        and node["config"].get("schema") == MART_SCHEMA
        and node["config"].get("contract", {}).get("enforced")
    }


def mart_suites(manifest_path: Path) -> list[Suite]:
    """One suite per public mart: its grain, the ranges its YAML declares, NPS columns within -100..100."""
    manifest = json.loads(manifest_path.read_text())
    marts = _public_marts(manifest)
    grains: dict[str, list[list[str]]] = {name: [] for name in marts}
    ranges: dict[str, list[tuple[str, float | None, float | None]]] = {name: [] for name in marts}
    for node in manifest["nodes"].values():
        metadata = node.get("test_metadata") or {}
        attached = (node.get("attached_node") or "").rsplit(".", 1)[-1]
        if node["resource_type"] != "test" or attached not in marts:
            continue
        kwargs = metadata.get("kwargs", {})
        if metadata.get("name") == "unique":
            grains[attached].append([node["column_name"]])
        elif metadata.get("name") == "unique_combination_of_columns":
            grains[attached].append(list(kwargs["combination_of_columns"]))
        elif metadata.get("name") == "accepted_range":
            ranges[attached].append((node["column_name"], kwargs.get("min_value"), kwargs.get("max_value")))
    suites = []
    for name, node in sorted(marts.items()):
        columns = list(node["columns"])
        for column in columns:
            if (column == "nps" or column.endswith("_nps")) and not any(r[0] == column for r in ranges[name]):
                ranges[name].append((column, -100, 100))
        expectations: list[gxe.Expectation] = []
        for grain in grains[name]:
            why = f"one row per {', '.join(grain)}"
            if len(grain) == 1:
                expectations.append(gxe.ExpectColumnValuesToBeUnique(column=grain[0], meta=_meta(BLOCKING, why)))
            else:
                expectations.append(
                    gxe.ExpectCompoundColumnsToBeUnique(
                        column_list=grain, ignore_row_if="never", meta=_meta(BLOCKING, why)
                    )
                )
        for column, low, high in ranges[name]:
            expectations.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column=column,
                    min_value=low,
                    max_value=high,
                    meta=_meta(BLOCKING, f"declared range [{low}, {high}] (rates are fractions, NPS -100..100)"),
                )
            )
        used = sorted({c for grain in grains[name] for c in grain} | {r[0] for r in ranges[name]})
        if expectations:
            select = ", ".join(f'"{c}"' for c in used)
            suites.append(Suite(f"marts.{name}", f"select {select} from {MART_SCHEMA}.{name}", expectations))
    return suites + reconciliation_suites()


def reconciliation_suites() -> list[Suite]:
    """Totals that must agree across marts of different grains (a cent of rounding allowed)."""

    def agrees(column: str, why: str) -> gxe.Expectation:
        return gxe.ExpectColumnValuesToBeBetween(
            column=column, min_value=-0.01, max_value=0.01, meta=_meta(BLOCKING, why)
        )

    won_by_quarter = f"""
        with reps as (
            select fiscal_quarter_start_date, sum(won_amount) as won_amount
            from {MART_SCHEMA}.rpt_scorecard_rep_quarterly group by fiscal_quarter_start_date
        ),
        teams as (
            select fiscal_quarter_start_date, sum(won_amount) as won_amount
            from {MART_SCHEMA}.rpt_scorecard_team_quarterly group by fiscal_quarter_start_date
        ),
        company as (
            select dates.fiscal_quarter_start_date, sum(company.won_amount) as won_amount
            from {MART_SCHEMA}.rpt_sales_monthly as company
            inner join {MART_SCHEMA}.dim_dates as dates on company.month_start_date = dates.date_day
            group by dates.fiscal_quarter_start_date
        )
        select
            company.fiscal_quarter_start_date,
            coalesce(reps.won_amount, 0) - company.won_amount as rep_minus_company,
            coalesce(teams.won_amount, 0) - company.won_amount as team_minus_company
        from company
        left join reps on company.fiscal_quarter_start_date = reps.fiscal_quarter_start_date
        left join teams on company.fiscal_quarter_start_date = teams.fiscal_quarter_start_date
    """
    points_by_week = f"""
        with reps as (
            select weekly.week_start_date, reps.team, sum(weekly.activity_points) as points
            from {MART_SCHEMA}.rpt_activities_rep_weekly as weekly
            inner join {MART_SCHEMA}.dim_reps as reps on weekly.owner_user_id = reps.user_id
            where reps.team is not null
            group by weekly.week_start_date, reps.team
        )
        select reps.week_start_date, reps.team, reps.points - coalesce(teams.activity_points, 0) as rep_minus_team
        from reps
        left join {MART_SCHEMA}.rpt_activities_team_weekly as teams
            on reps.week_start_date = teams.week_start_date and reps.team = teams.team
    """
    return [
        Suite(
            "reconcile.won_amount_per_quarter",
            won_by_quarter,
            [
                agrees("rep_minus_company", "the reps' won amounts add up to the company's, per quarter"),
                agrees("team_minus_company", "the teams' won amounts add up to the company's, per quarter"),
            ],
        ),
        Suite(
            "reconcile.activity_points_per_team_week",
            points_by_week,
            [agrees("rep_minus_team", "the reps' activity points add up to their team's, per week")],
        ),
    ]


# --------------------------------------------------------------------------- running


class DataQuality:
    """One Great Expectations context for a run: validate suites stage by stage, then write the Data Docs."""

    def __init__(self, docs_dir: Path | None) -> None:
        self.docs_dir = docs_dir
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        if docs_dir is not None:
            self.context.add_data_docs_site(
                "sales_kpis",
                {
                    "class_name": "SiteBuilder",
                    "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
                    "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                },
            )
        self.source = self.context.data_sources.add_pandas("sales_kpis")

    def validate(self, fetch: Fetch, suites: list[Suite]) -> QualityReport:
        report = QualityReport()
        for suite in suites:
            frame = fetch(suite.query)
            batch = self.source.add_dataframe_asset(suite.name).add_batch_definition_whole_dataframe("whole")
            gx_suite = self.context.suites.add(gx.ExpectationSuite(name=suite.name, expectations=suite.expectations))
            definition = self.context.validation_definitions.add(
                gx.ValidationDefinition(name=suite.name, data=batch, suite=gx_suite)
            )
            validation = definition.run(
                batch_parameters={"dataframe": frame},
                result_format={"result_format": "SUMMARY", "partial_unexpected_count": 5},
            )
            report.suites[suite.name] = self._collect(suite.name, validation.results, report)
        return report

    @staticmethod
    def _collect(suite: str, outcomes: list, report: QualityReport) -> tuple[int, int]:
        passed = failed = 0
        for outcome in outcomes:
            if outcome.success:
                passed += 1
                continue
            failed += 1
            config = outcome.expectation_config
            details = outcome.result or {}
            kwargs = {k: v for k, v in config.kwargs.items() if k not in ("batch_id", "value_set")}
            detail = f"{config.type}({', '.join(f'{k}={v}' for k, v in kwargs.items())})"
            if "unexpected_count" in details:
                detail += f": {details['unexpected_count']} of {details.get('element_count')} rows"
            elif "observed_value" in details:
                detail += f": observed {details['observed_value']}"
            if outcome.exception_info and outcome.exception_info.get("raised_exception"):
                detail += f": {outcome.exception_info.get('exception_message')}"
            report.failures.append(
                Failure(
                    suite,
                    config.type,
                    (config.meta or {}).get("severity", BLOCKING),
                    detail,
                    list(details.get("partial_unexpected_list") or [])[:3],
                )
            )
        return passed, failed

    def write_docs(self) -> Path | None:
        if self.docs_dir is None:
            return None
        self.context.build_data_docs(site_names=["sales_kpis"])
        return self.docs_dir / "index.html"


def summary_lines(report: QualityReport, title: str) -> list[str]:
    total_passed = sum(p for p, _ in report.suites.values())
    total_failed = sum(f for _, f in report.suites.values())
    lines = [
        f"Great Expectations, {title}: {len(report.suites)} suites, {total_passed} expectations passed, "
        f"{total_failed} failed ({len(report.blocking)} blocking, {len(report.warnings)} warnings)"
    ]
    for suite, (passed, failed) in sorted(report.suites.items()):
        if failed:
            lines.append(f"  {suite}: {passed} passed, {failed} failed")
    for failure in report.failures:
        examples = f" e.g. {', '.join(map(str, failure.examples))}" if failure.examples else ""
        lines.append(f"  [{failure.severity.upper()}] {failure.suite}: {failure.detail}{examples}")
    if report.docs_index:
        lines.append(f"  Data Docs: {report.docs_index}")
    return lines


def duckdb_fetch(path: Path) -> tuple[Fetch, Callable[[], None]]:
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    return (lambda sql: con.execute(sql).df()), con.close


def postgres_fetch() -> tuple[Fetch, Callable[[], None]]:
    """A connection to the PostgreSQL target, from the environment variables profiles.yml reads."""
    import psycopg2

    con = psycopg2.connect(
        host=os.environ.get("SALES_KPIS_PG_HOST", "localhost"),
        port=int(os.environ.get("SALES_KPIS_PG_PORT", "5432")),
        user=os.environ.get("SALES_KPIS_PG_USER", "postgres"),
        password=os.environ.get("SALES_KPIS_PG_PASSWORD", ""),
        dbname=os.environ.get("SALES_KPIS_PG_DATABASE", "sales_kpis"),
    )

    def fetch(sql: str) -> pd.DataFrame:
        with con.cursor() as cursor:
            cursor.execute(sql)
            names = [d[0] for d in cursor.description]
            return pd.DataFrame(cursor.fetchall(), columns=names)

    return fetch, con.close


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("stage", choices=["raw", "marts"])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--database", type=Path, help="a DuckDB warehouse file")
    where.add_argument("--postgres", action="store_true", help="the PostgreSQL target of profiles.yml")
    parser.add_argument("--manifest", type=Path, default=PROJECT_DIR / "target" / "manifest.json")
    parser.add_argument("--docs-dir", type=Path, help="write Data Docs here")
    parser.add_argument("--reporting-currency", default="EUR")
    options = parser.parse_args(argv)
    if options.stage == "raw" and options.postgres:
        parser.error("the raw suites read the export as the DuckDB loader lands it: use --database")
    fetch, close = postgres_fetch() if options.postgres else duckdb_fetch(options.database)
    try:
        if options.stage == "raw":
            suites = raw_suites(fetch, options.reporting_currency, {})
        else:
            suites = mart_suites(options.manifest)
        quality = DataQuality(options.docs_dir)
        report = quality.validate(fetch, suites)
        report.docs_index = quality.write_docs()
    finally:
        close()
    print("\n".join(summary_lines(report, options.stage)))
    return 1 if report.blocking else 0


if __name__ == "__main__":
    sys.exit(main())
