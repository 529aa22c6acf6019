"""Great Expectations suites for the raw export and the public marts, with severities.

The main command (scripts/build.py) runs the raw-export suites on the checked
export before dbt builds anything, and the mart suites on the finished
warehouse before it is published. A failed *blocking* expectation stops the
run and nothing is published; a failed *warning* is reported and the run goes
on. Raw suites only warn (orphans, dates, row-count drops): every rule that
blocks a build on the user's data belongs to the admission gate,
scripts/load_export.py. Either way the Data Docs (HTML) are written and a one-screen summary is
printed.

How the suites reach the data: they are validated where the data is. Each
suite is a query (its batch) on the warehouse (DuckDB, or PostgreSQL or Spark
for the mart suites of those targets); for each expectation, GX says which metrics it
needs (Expectation.get_validation_dependencies: row count, null count, failing
row count, the first failing values), pushed_down_metrics() computes them with
one aggregate query in the database (plus, only when some rows fail, a query
for the first five of them), and GX itself decides the result from them
(Expectation.metrics_validate: `mostly`, "N of M rows", examples). The results
go to GX's validation store, so the Data Docs are GX's own. No column travels
to Python: at 10 million tasks the raw suites took over 10 minutes in pandas
(every parent Id pulled into a value_set; issue 12) and take about 8 s here.

Why not GX's own SQL datasource: over duckdb-engine, GX 1.24 fails on plain
tables ("list index out of range" resolving table.row_count in
SqlAlchemyExecutionEngine.resolve_metric_bundle; reported upstream as
great_expectations issues #10738 and #11579, whose proposed fix, #11635, only
words the error better; a native DuckDB engine is an open pull request,
#12084); it would add SQLAlchemy and duckdb-engine to the dependencies; and
an orphan check, a column against the Ids of another table, has no SQL form
there but a literal IN list of every Id. Here an orphan check
keeps its expectation type, expect_column_values_to_be_in_set, with a suite
parameter as value set ({"$PARAMETER": "crm_export.Account.Id"}) that the
suite maps to a query, and the database runs it as an anti-join.

Only the expectation types the suites use are translated (_map_condition); any
other raises NotImplementedError rather than passing unchecked.
tests/python/test_data_quality.py checks every translation against GX's pandas
engine on the same rows.

Suites are code: raw_suites() and mart_suites() below. The mart suites are
derived from the dbt manifest (grain and declared ranges of every public
mart) plus the reconciliations no single dbt test expresses.

    python scripts/data_quality.py raw --database warehouse/sales_kpis.duckdb
    python scripts/data_quality.py marts --database warehouse/sales_kpis.duckdb
    python scripts/data_quality.py marts --postgres   # the PostgreSQL target (profiles.yml env vars)
    python scripts/data_quality.py marts --spark --manifest target/spark/manifest.json   # the Spark target

The raw suites read the export as scripts/load_export.py lands it in DuckDB
(schema crm_export, every column text), whichever target dbt builds.
"""

from __future__ import annotations

import argparse
import datetime
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
from great_expectations.core.expectation_validation_result import ExpectationSuiteValidationResult  # noqa: E402
from great_expectations.core.run_identifier import RunIdentifier  # noqa: E402
from great_expectations.data_context.types.base import ProgressBarsConfig  # noqa: E402
from great_expectations.data_context.types.resource_identifiers import (  # noqa: E402
    ExpectationSuiteIdentifier,
    ValidationResultIdentifier,
)
from great_expectations.validator.validation_statistics import calc_validation_statistics  # noqa: E402

PROJECT_DIR = Path(__file__).resolve().parent.parent
RAW_SCHEMA = "crm_export"
MART_SCHEMA = "marts"

BLOCKING = "blocking"
WARNING = "warning"

# Raw checks with a tolerance rather than a yes/no.
ORPHAN_SHARE_ALLOWED = 0.01  # foreign keys pointing at nothing: up to 1% is a warning-free export
ROW_COUNT_DROP_ALLOWED = 0.10  # a file losing more than 10% of its rows since the last publish is reported
UNIQUENESS = ("expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique")
PARTIAL_UNEXPECTED_COUNT = 5  # failing values a result shows (Data Docs); the summary prints 3

Fetch = Callable[[str], pd.DataFrame]


@dataclass
class Suite:
    """One expectation suite and the query whose result it validates (the batch).

    value_sets names the queries that a `{"$PARAMETER": name}` value set of an expectation stands for
    (an orphan check compares a column with the Ids of another table, inside the database).
    """

    name: str
    query: str
    expectations: list[gxe.Expectation]
    value_sets: dict[str, str] = field(default_factory=dict)


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

    def ids(table: str) -> str:
        """The parent Ids as a query: the check runs in the database, no Id travels to Python."""
        where = "" if table in tables else " where false"
        return f'select "Id" from {t(table)}{where}'

    value_sets = {f"{RAW_SCHEMA}.{parent}.Id": ids(parent) for parent in ("Account", "Opportunity")}

    def orphans(column: str, parent: str) -> gxe.Expectation:
        return gxe.ExpectColumnValuesToBeInSet(
            column=column,
            value_set={"$PARAMETER": f"{RAW_SCHEMA}.{parent}.Id"},
            mostly=1 - ORPHAN_SHARE_ALLOWED,
            meta=_meta(WARNING, f"at most {ORPHAN_SHARE_ALLOWED:.0%} of {column} may point at no {parent} row"),
        )

    # Warnings only: every rule that blocks a build on the export is the loader's (scripts/load_export.py).
    specific: dict[str, tuple[str, list[gxe.Expectation]]] = {
        "Contact": ('"AccountId"', [orphans("AccountId", "Account")]),
        "Opportunity": (
            f'"AccountId", {_day("CreatedDate")} as "CreatedDay", {_day("CloseDate")} as "CloseDate"',
            [
                orphans("AccountId", "Account"),
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A="CloseDate",
                    column_B="CreatedDay",
                    or_equal=True,
                    ignore_row_if="either_value_is_missing",
                    meta=_meta(WARNING, "an opportunity cannot close before it was created"),
                ),
            ],
        ),
        "OpportunityHistory": ('"OpportunityId"', [orphans("OpportunityId", "Opportunity")]),
        "OpportunityFieldHistory": ('"OpportunityId"', [orphans("OpportunityId", "Opportunity")]),
        "OpportunityLineItem": ('"OpportunityId"', [orphans("OpportunityId", "Opportunity")]),
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
            suites.append(Suite(f"raw.{table}", f"select {columns} from {t(table)}", expectations, value_sets))
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


def _ident(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


def _literal(value: object) -> str:
    if isinstance(value, bool) or value is None:
        raise NotImplementedError(f"no SQL literal for {value!r} in a pushed-down expectation")
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def _any_null(columns: list[str], every: bool) -> str:
    joiner = " and " if every else " or "
    return "(" + joiner.join(f"{_ident(c)} is null" for c in columns) + ")"


def _in_set(column: str, value_set: object, value_sets: dict[str, str]) -> str:
    if isinstance(value_set, dict):  # {"$PARAMETER": name}: a query of the suite returning the set
        query = value_sets[value_set["$PARAMETER"]]
        return f"{column} in (select v from ({query}) as value_set(v) where v is not null)"
    values = list(value_set or [])
    return f"{column} in ({', '.join(map(_literal, values))})" if values else "false"


def _map_condition(expectation: gxe.Expectation, value_sets: dict[str, str]) -> tuple[str, str, list[str]]:
    """SQL for one map expectation: (rows it looks at, rows that fail, columns its examples show).

    The same rules as GX's own map metrics: a column expectation skips nulls (they count as missing),
    a pair or compound expectation skips rows by its ignore_row_if, uniqueness counts every row of a
    repeated value.
    """
    kind = expectation.expectation_type
    kwargs = expectation.configuration.kwargs
    if "column" in kwargs:
        column = _ident(kwargs["column"])
        kept = f"{column} is not null"
        if kind == "expect_column_values_to_be_in_set":
            failing = f"not ({_in_set(column, kwargs['value_set'], value_sets)})"
        elif kind == "expect_column_values_to_be_between":
            low, high = kwargs.get("min_value"), kwargs.get("max_value")
            bounds = []
            if low is not None:
                bounds.append(f"{column} {'<=' if kwargs.get('strict_min') else '<'} {_literal(low)}")
            if high is not None:
                bounds.append(f"{column} {'>=' if kwargs.get('strict_max') else '>'} {_literal(high)}")
            failing = " or ".join(bounds) or "false"
        elif kind == "expect_column_values_to_be_unique":
            failing = f"count(*) over (partition by {column}) > 1"
        else:
            raise NotImplementedError(f"{kind} is not pushed down to SQL yet (scripts/data_quality.py)")
        return kept, failing, [kwargs["column"]]
    if kind == "expect_column_pair_values_a_to_be_greater_than_b":
        pair = [kwargs["column_A"], kwargs["column_B"]]
        a, b = map(_ident, pair)
        kept = {
            "both_values_are_missing": f"not {_any_null(pair, every=True)}",
            "either_value_is_missing": f"not {_any_null(pair, every=False)}",
        }[kwargs.get("ignore_row_if", "both_values_are_missing")]
        return kept, f"not ({a} {'>=' if kwargs.get('or_equal') else '>'} {b})", pair
    if kind == "expect_compound_columns_to_be_unique":
        columns = list(kwargs["column_list"])
        kept = {
            "all_values_are_missing": f"not {_any_null(columns, every=True)}",
            "any_value_is_missing": f"not {_any_null(columns, every=False)}",
            "never": "true",
        }[kwargs.get("ignore_row_if", "all_values_are_missing")]
        # kept depends only on which grain columns are null, so each partition is wholly kept or skipped
        return kept, f"count(*) over (partition by {', '.join(map(_ident, columns))}) > 1", columns
    raise NotImplementedError(f"{kind} is not pushed down to SQL yet (scripts/data_quality.py)")


def pushed_down_metrics(
    fetch: Fetch, suite: Suite, expectation: gxe.Expectation, dependencies: dict[str, object]
) -> dict[str, object]:
    """The values of the metrics GX asks for (`dependencies`: metric name -> its id), computed in the database.

    One aggregate query gives the counts; the failing rows themselves are fetched only when there are
    some, and then only the first few (ordered, so the examples do not change from run to run).
    """
    limit = PARTIAL_UNEXPECTED_COUNT
    if expectation.expectation_type == "expect_table_row_count_to_be_between":
        kept, failing, shown, missing = "true", "false", [], "false"
    else:
        kept, failing, shown = _map_condition(expectation, suite.value_sets)
        missing = f"{_ident(shown[0])} is null" if "column" in expectation.configuration.kwargs else "false"
    marked = f"""
        with batch as ({suite.query}),
        marked as (select *, ({kept}) as gx_kept, ({failing}) as gx_failing from batch)
    """
    if expectation.expectation_type in UNIQUENESS:
        # a hash aggregate counts the rows of repeated values about twice as fast as the window of `failing`
        grain = ", ".join(map(_ident, shown))
        counts = fetch(
            f"""
            with batch as ({suite.query}),
            groups as (select count(*) as n from batch where {kept} group by {grain})
            select
                (select count(*) from batch) as row_count,
                (select count(*) from batch where {missing}) as null_count,
                (select coalesce(sum(n), 0) from groups) as filtered_row_count,
                (select coalesce(sum(n), 0) from groups where n > 1) as unexpected_count"""
        ).iloc[0]
    else:
        counts = fetch(
            f"""{marked}
            select
                count(*) as row_count,
                count(*) filter (where {missing}) as null_count,
                count(*) filter (where gx_kept) as filtered_row_count,
                count(*) filter (where gx_kept and gx_failing) as unexpected_count
            from marked"""
        ).iloc[0]
    counts = {name: int(value) for name, value in counts.items()}
    examples: list[object] = []
    if counts["unexpected_count"] and shown:
        columns = ", ".join(map(_ident, shown))
        rows = fetch(
            f"{marked} select {columns} from marked where gx_kept and gx_failing order by {columns} limit {limit}"
        )
        kwargs = expectation.configuration.kwargs
        if "column" in kwargs:
            examples = rows.iloc[:, 0].tolist()
        elif "column_A" in kwargs:
            examples = list(zip(rows.iloc[:, 0].tolist(), rows.iloc[:, 1].tolist(), strict=True))
        else:
            examples = rows.to_dict("records")
    values: dict[str, object] = {}
    for name, metric_id in dependencies.items():
        if name == "table.row_count":
            value: object = counts["row_count"]
        elif name == "column_values.nonnull.unexpected_count":
            value = counts["null_count"]
        elif name.endswith(".unexpected_count"):
            value = counts["unexpected_count"]
        elif name.endswith(".filtered_row_count"):
            value = counts["filtered_row_count"]
        elif name.endswith(".unexpected_values"):
            value = examples
        elif name.endswith((".unexpected_index_list", ".unexpected_index_query")):
            value = None  # row positions mean nothing in a database table
        else:
            raise NotImplementedError(f"metric {name} of {expectation.expectation_type} is not computed in SQL")
        values[metric_id] = value
    return values


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

    def validate(self, fetch: Fetch, suites: list[Suite], source: str = "duckdb") -> QualityReport:
        report = QualityReport()
        for suite in suites:
            validation = self.validate_suite(fetch, suite, source)
            report.suites[suite.name] = self._collect(suite.name, validation.results, report)
        return report

    def validate_suite(self, fetch: Fetch, suite: Suite, source: str) -> ExpectationSuiteValidationResult:
        """GX decides each expectation (Expectation.metrics_validate) from metrics computed in the database."""
        gx_suite = self.context.suites.add(gx.ExpectationSuite(name=suite.name, expectations=suite.expectations))
        runtime = {"result_format": {"result_format": "SUMMARY", "partial_unexpected_count": PARTIAL_UNEXPECTED_COUNT}}
        results = []
        for expectation in gx_suite.expectations:
            dependencies = expectation.get_validation_dependencies(runtime_configuration=dict(runtime))
            needed = {name: config.id for name, config in dependencies.metric_configurations.items()}
            metrics = pushed_down_metrics(fetch, suite, expectation, needed)
            outcome = expectation.metrics_validate(metrics, runtime_configuration=dict(runtime))
            outcome.expectation_config = expectation.configuration
            results.append(outcome)
        statistics = calc_validation_statistics(results)
        run_id = RunIdentifier(run_time=datetime.datetime.now(datetime.UTC))
        batch_id = f"{source}-{suite.name}"
        validation = ExpectationSuiteValidationResult(
            success=statistics.success,
            results=results,
            suite_name=suite.name,
            suite_parameters={name: f"the values of: {query}" for name, query in suite.value_sets.items()},
            statistics={
                "evaluated_expectations": statistics.evaluated_expectations,
                "successful_expectations": statistics.successful_expectations,
                "unsuccessful_expectations": statistics.unsuccessful_expectations,
                "success_percent": statistics.success_percent,
            },
            meta={
                "great_expectations_version": gx.__version__,
                "batch_spec": {"data_asset_name": suite.name, "query": " ".join(suite.query.split())},
                "active_batch_definition": {"datasource_name": source, "data_asset_name": suite.name},
                "run_id": run_id,
                "validation_time": run_id.run_time,
            },
            batch_id=batch_id,
        )
        suite_id = ExpectationSuiteIdentifier(name=suite.name)
        self.context.validation_results_store.store_validation_results(
            suite_validation_result=validation,
            suite_validation_result_identifier=ValidationResultIdentifier(suite_id, run_id, batch_id),
            expectation_suite_identifier=suite_id,
        )
        return validation

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


def spark_fetch(spark=None) -> tuple[Fetch, Callable[[], None]]:  # noqa: ANN001  (pyspark: a slow import)
    """A Spark session on the warehouse and metastore of profiles.yml's spark target (scripts/spark_warehouse.py).

    The local profile's metastore is an embedded Derby database that one process at a time may open: call
    this after dbt has exited (or give the session this process already holds). The suites' SQL is ANSI SQL
    with double-quoted identifiers, as DuckDB and PostgreSQL read it; Spark reads it so with ANSI mode and
    spark.sql.ansi.doubleQuotedIdentifiers on (set here, for this session only: without it Spark takes
    "won_amount" for a string literal, and a range check would compare text).
    """
    from spark_warehouse import spark_session

    spark = spark or spark_session()
    spark.conf.set("spark.sql.ansi.enabled", "true")
    spark.conf.set("spark.sql.ansi.doubleQuotedIdentifiers", "true")
    return (lambda sql: spark.sql(sql).toPandas()), spark.stop


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("stage", choices=["raw", "marts"])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--database", type=Path, help="a DuckDB warehouse file")
    where.add_argument("--postgres", action="store_true", help="the PostgreSQL target of profiles.yml")
    where.add_argument("--spark", action="store_true", help="the Spark target of profiles.yml (after dbt exited)")
    parser.add_argument("--manifest", type=Path, default=PROJECT_DIR / "target" / "manifest.json")
    parser.add_argument("--docs-dir", type=Path, help="write Data Docs here")
    parser.add_argument("--reporting-currency", default="EUR")
    options = parser.parse_args(argv)
    if options.stage == "raw" and (options.postgres or options.spark):
        parser.error("the raw suites read the export as the DuckDB loader lands it: use --database")
    if options.postgres:
        source, (fetch, close) = "postgres", postgres_fetch()
    elif options.spark:
        source, (fetch, close) = "spark", spark_fetch()
    else:
        source, (fetch, close) = "duckdb", duckdb_fetch(options.database)
    try:
        if options.stage == "raw":
            suites = raw_suites(fetch, options.reporting_currency, {})
        else:
            suites = mart_suites(options.manifest)
        quality = DataQuality(options.docs_dir)
        report = quality.validate(fetch, suites, source)
        report.docs_index = quality.write_docs()
    finally:
        close()
    print("\n".join(summary_lines(report, options.stage)))
    return 1 if report.blocking else 0


if __name__ == "__main__":
    sys.exit(main())
