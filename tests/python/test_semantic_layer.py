"""The semantic layer (MetricFlow metrics in the marts' YAML) against the marts: two paths to one number.

Each metric is queried through MetricFlow's Python API (the engine `mf query` runs, one query per mart grain,
not one `mf` process per number) on the sample warehouse the other tests read, and compared with the mart
column of the same name, for every rep, team, quarter, month, week or account the mart has (and the company
total per quarter). The metric aggregates the fact marts; the mart computes the KPI in its own SQL.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import kpi_table
import pandas as pd
import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
README = PROJECT_DIR / "README.md"


@dataclass(frozen=True)
class Grain:
    """A mart and how its key maps to MetricFlow group-by items."""

    mart: str
    keys: dict[str, str]  # mart column -> MetricFlow group-by item
    where: str = "true"  # mart rows to compare (periods up to the as-of date)


QUARTERS_TO_AS_OF = "fiscal_quarter_start_date <= (select max(as_of_date) from marts_as_of)"
GRAINS = [
    Grain(
        "rpt_scorecard_rep_quarterly",
        {"owner_user_id": "rep", "fiscal_quarter_start_date": "metric_time__fiscal_quarter"},
        QUARTERS_TO_AS_OF,
    ),
    Grain(
        "rpt_scorecard_team_quarterly",
        {"team": "rep__team", "fiscal_quarter_start_date": "metric_time__fiscal_quarter"},
        QUARTERS_TO_AS_OF,
    ),
    Grain(
        "rpt_lead_conversion_rep_lead_source_quarterly",
        {
            "owner_user_id": "rep",
            "lead_source": "lead__lead_source",
            "fiscal_quarter_start_date": "metric_time__fiscal_quarter",
        },
    ),
    Grain(
        "rpt_upsell_cross_sell_rep_quarterly",
        {"owner_user_id": "rep", "fiscal_quarter_start_date": "metric_time__fiscal_quarter"},
    ),
    Grain(
        "rpt_nps_rep_quarterly",
        {"owner_user_id": "rep", "fiscal_quarter_start_date": "metric_time__fiscal_quarter"},
    ),
    Grain(
        "rpt_leaderboard_rep_quarterly",
        {"owner_user_id": "rep", "fiscal_quarter_start_date": "metric_time__fiscal_quarter"},
    ),
    Grain(
        "rpt_stage_analysis_rep_crm_stage_quarterly",
        {
            "owner_user_id": "opportunity__rep",
            "fiscal_quarter_start_date": "metric_time__fiscal_quarter",
            "stage_name": "stage_transition__transition_stage_name",
        },
    ),
    Grain("rpt_activities_rep_weekly", {"owner_user_id": "rep", "week_start_date": "metric_time__week"}),
    Grain("rpt_activities_team_weekly", {"team": "rep__team", "week_start_date": "metric_time__week"}),
    Grain("rpt_time_allocation_rep_monthly", {"owner_user_id": "rep", "month_start_date": "metric_time__month"}),
    Grain("rpt_pipeline_rep_month_end", {"owner_user_id": "rep", "snapshot_date": "metric_time__day"}),
    Grain("rpt_sales_monthly", {"month_start_date": "metric_time__month"}),
    Grain("rpt_nps_monthly", {"month_start_date": "metric_time__month"}),
    Grain("rpt_marketing_efficiency_monthly", {"month_start_date": "metric_time__month"}),
    Grain("rpt_customer_value_to_date_account", {"account_id": "account"}),
]

# Marts whose grain is finer than any metric query: their rows added up (as their descriptions say to) are
# compared; a rate is recomputed from the added-up counts.
ROLLED_UP = {
    "acv rep yearly": (
        "select owner_user_id, fiscal_year, sum(contracts_won) as contracts_won,"
        " sum(annualised_contract_value) as annualised_contract_value,"
        " sum(annualised_contract_value) / nullif(sum(contracts_won), 0) as acv"
        " from marts.rpt_acv_rep_segment_yearly group by all",
        {"owner_user_id": "rep", "fiscal_year": "metric_time__fiscal_year"},
    ),
    "company quarterly": (
        "select fiscal_quarter_start_date,"
        " sum(new_leads) as new_leads, sum(qualified_leads) as qualified_leads,"
        " sum(converted_leads) as converted_leads, sum(converted_won_leads) as converted_won_leads,"
        " sum(converted_leads) / nullif(sum(new_leads), 0) as lead_to_opportunity_rate,"
        " sum(converted_won_leads) / nullif(sum(new_leads), 0) as lead_to_customer_rate,"
        " sum(new_opportunities) as new_opportunities, sum(won_opportunities) as won_opportunities,"
        " sum(lost_opportunities) as lost_opportunities, sum(won_amount) as won_amount,"
        " sum(closed_amount) as closed_amount,"
        " sum(won_opportunities) / nullif(sum(won_opportunities + lost_opportunities), 0) as win_rate_by_count,"
        " sum(won_amount) / nullif(sum(closed_amount), 0) as win_rate_by_value,"
        " sum(won_after_quote) / nullif(sum(closed_after_quote), 0) as quote_to_close_ratio,"
        " sum(forecast_amount) as forecast_amount,"
        " sum(open_opportunities_at_quarter_start) as open_opportunities_at_quarter_start"
        f" from marts.rpt_scorecard_rep_quarterly where {QUARTERS_TO_AS_OF} group by all",
        {"fiscal_quarter_start_date": "metric_time__fiscal_quarter"},
    ),
}

# Metrics with no mart column of their own, and the metric that checks them.
CHECKED_THROUGH = {"average_days_created_to_won": "sales_velocity_per_day"}

# Relative: the marts store each factor of a product (a win rate, an average) as numeric(28,6), so a product
# of three rounded factors (F12 sales velocity) differs from the unrounded one in the 7th significant digit.
TOLERANCE = 1e-5


def catalogue_ids() -> set[str]:
    return set(kpi_table.read_catalogue(kpi_table.find_catalogue()))


def not_metric_shaped_ids() -> set[str]:
    """The KPIs the README lists as staying marts (its 'Not metric-shaped' table)."""
    text = README.read_text(encoding="utf-8")
    section = text.split("### KPIs that stay marts", 1)[1].split("\n#", 1)[0]
    return set(re.findall(r"^\| ([FCAI]\d+) \|", section, flags=re.M))


@pytest.fixture(scope="module")
def semantic_manifest(sample_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A fresh dbt parse against the sample warehouse (MetricFlow reads relation names from it), never target/."""
    assert sample_warehouse.stem == "sales_kpis", "the warehouse's catalog is named after its file: sales_kpis"
    target = tmp_path_factory.mktemp("semantic_layer_target")
    env = dict(os.environ, SALES_KPIS_TARGET="published", SALES_KPIS_PUBLISHED_PATH=str(sample_warehouse))
    dbt = Path(sys.executable).with_name("dbt")
    parse = [str(dbt), "parse", "--quiet", "--project-dir", ".", "--profiles-dir", ".", "--target-path", str(target)]
    result = subprocess.run(parse, cwd=PROJECT_DIR, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads((target / "semantic_manifest.json").read_text())


@pytest.fixture(scope="module")
def mart_frames(sample_warehouse: Path) -> dict[str, pd.DataFrame]:
    """Every mart compared, read before MetricFlow opens the file (one connection at a time)."""
    frames: dict[str, pd.DataFrame] = {}
    with duckdb.connect(str(sample_warehouse), read_only=True) as con:
        con.execute("create temp view marts_as_of as select as_of_date from marts.rpt_pipeline_health_rep")
        for grain in GRAINS:
            frames[grain.mart] = con.execute(f"select * from marts.{grain.mart} where {grain.where}").df()
        for name, (sql, _) in ROLLED_UP.items():
            frames[name] = con.execute(sql).df()
    return frames


@pytest.fixture(scope="module")
def query(semantic_manifest: dict, mart_frames: dict[str, pd.DataFrame], sample_warehouse: Path) -> Iterator[callable]:
    """query(metrics, group_by) -> DataFrame, through MetricFlow's engine on the sample warehouse."""
    from dbt.adapters.factory import get_adapter_by_type
    from dbt_metricflow.cli.dbt_connectors.adapter_backed_client import AdapterBackedSqlClient
    from dbt_metricflow.cli.dbt_connectors.dbt_config_accessor import dbtProjectMetadata
    from metricflow.engine.metricflow_engine import MetricFlowEngine, MetricFlowQueryRequest
    from metricflow_semantics.model.dbt_manifest_parser import parse_manifest_from_dbt_generated_manifest
    from metricflow_semantics.model.semantic_manifest_lookup import SemanticManifestLookup

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SALES_KPIS_TARGET", "published")
        patch.setenv("SALES_KPIS_PUBLISHED_PATH", str(sample_warehouse))
        metadata = dbtProjectMetadata.load_from_paths(profiles_path=PROJECT_DIR, project_path=PROJECT_DIR)
        adapter = get_adapter_by_type(metadata.profile.credentials.type)
        manifest = parse_manifest_from_dbt_generated_manifest(json.dumps(semantic_manifest))
        engine = MetricFlowEngine(SemanticManifestLookup(manifest), AdapterBackedSqlClient(adapter))

        def run(metrics: list[str], group_by: list[str], saved_query: str | None = None) -> pd.DataFrame:
            if saved_query:
                request = MetricFlowQueryRequest.create(saved_query_name=saved_query)
            else:
                request = MetricFlowQueryRequest.create(metric_names=metrics, group_by_names=group_by)
            table = engine.query(request).result_df
            frame = pd.DataFrame(list(table.rows), columns=list(table.column_names))
            for column in group_by:
                if column.startswith("metric_time__") and column != "metric_time__fiscal_year":
                    frame[column] = pd.to_datetime(frame[column]).dt.date
            return frame

        yield run
        adapter.cleanup_connections()
        # dbt-duckdb keeps the database open in a class-wide environment until the process ends; close it, or a
        # later test in this pytest process opening the same file (with another configuration) is refused
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager

        environment = DuckDBConnectionManager._ENV
        if environment is not None:
            environment.close()
        DuckDBConnectionManager.close_all_connections()


def metric_kpi_ids(semantic_manifest: dict) -> dict[str, str | None]:
    return {m["name"]: (m.get("config") or {}).get("meta", {}).get("kpi_id") for m in semantic_manifest["metrics"]}


def metric_serves(semantic_manifest: dict) -> dict[str, set[str]]:
    """Metric -> its kpi_id and the KPIs it also serves (meta.also_serves: one measure shown under two KPIs)."""
    serves = {}
    for metric in semantic_manifest["metrics"]:
        meta = (metric.get("config") or {}).get("meta", {})
        serves[metric["name"]] = {meta.get("kpi_id"), *meta.get("also_serves", [])}
    return serves


def compare(mart: pd.DataFrame, layer: pd.DataFrame, keys: dict[str, str], metrics: list[str]) -> list[str]:
    """Rows where a metric differs from the mart column of its name (a missing row counts as null)."""
    layer = layer.rename(columns={item: column for column, item in keys.items()})
    key_columns = list(keys)
    for column in key_columns:
        if pd.api.types.is_datetime64_any_dtype(mart[column]):
            mart[column] = mart[column].dt.date
        if mart[column].dtype != object and layer[column].dtype == object:
            layer[column] = layer[column].astype(mart[column].dtype)
    for column, item in keys.items():
        if item.startswith("metric_time__"):
            # the metric runs on to the end of the time spine: compare the periods the mart covers
            layer = layer[layer[column].between(mart[column].min(), mart[column].max())]
    merged = mart[key_columns + metrics].merge(
        layer[key_columns + metrics], on=key_columns, how="outer", suffixes=("_mart", "_metric"), indicator=True
    )
    problems = []
    for metric in metrics:
        expected = pd.to_numeric(merged[f"{metric}_mart"], errors="coerce").astype(float)
        actual = pd.to_numeric(merged[f"{metric}_metric"], errors="coerce").astype(float)
        # a row only one side has is a zero or a null on the other (the mart's spine and the metric's rows differ)
        expected = expected.where(merged["_merge"] != "right_only", actual.where(actual == 0))
        actual = actual.where(merged["_merge"] != "left_only", expected.where(expected == 0))
        both_null = expected.isna() & actual.isna()
        close = (expected - actual).abs() <= TOLERANCE * expected.abs().clip(lower=1)
        for _, row in merged[~(both_null | close)].head(3).iterrows():
            problems.append(
                f"{metric} at {dict(row[key_columns])}: mart {row[f'{metric}_mart']}, metric {row[f'{metric}_metric']}"
            )
        bad = int((~(both_null | close)).sum())
        if bad > 3:
            problems.append(f"{metric}: {bad} rows differ in all")
    return problems


def test_every_metric_equals_the_mart_column_with_its_kpi_id(
    semantic_manifest: dict, mart_frames: dict[str, pd.DataFrame], query
) -> None:
    kpi_ids = metric_kpi_ids(semantic_manifest)
    serves = metric_serves(semantic_manifest)
    column_kpi_ids = mart_column_kpi_ids()
    checked: set[str] = set()
    problems: list[str] = []
    grains = [(g.mart, g.keys) for g in GRAINS] + [(name, keys) for name, (_, keys) in ROLLED_UP.items()]
    for name, keys in grains:
        mart = mart_frames[name]
        assert len(mart) > 0, f"{name} has no rows to compare"
        metrics = sorted(set(kpi_ids) & set(mart.columns) - set(keys))
        assert metrics, f"no metric is named after a column of {name}"
        for metric in metrics:
            # the same name must mean the same KPI: the mart column's kpi_id (when it has one) is the metric's
            declared = column_kpi_ids.get((name, metric))
            if declared is not None and declared not in serves[metric]:
                problems.append(f"{name}.{metric} is {declared}, the metric {sorted(serves[metric])}")
        layer = query(metrics, list(keys.values()))
        problems += [f"{name}: {p}" for p in compare(mart.copy(), layer, keys, metrics)]
        checked |= set(metrics)
    assert problems == [], "\n".join(problems)
    unchecked = set(kpi_ids) - checked - set(CHECKED_THROUGH)
    assert unchecked == set(), f"metrics compared with no mart: {sorted(unchecked)}"
    assert set(CHECKED_THROUGH.values()) <= checked


def mart_column_kpi_ids() -> dict[tuple[str, str], str]:
    """(mart, column) -> meta.kpi_id, read from the marts' YAML."""
    import yaml

    found: dict[tuple[str, str], str] = {}
    for path in (PROJECT_DIR / "models" / "marts").rglob("*.yml"):
        for model in (yaml.safe_load(path.read_text()) or {}).get("models", []) or []:
            for column in model.get("columns", []) or []:
                meta = column.get("meta") or (column.get("config") or {}).get("meta") or {}
                if "kpi_id" in meta:
                    found[(model["name"], column["name"])] = meta["kpi_id"]
    return found


def test_every_metric_has_a_kpi_id_of_the_catalogue_and_its_wording(semantic_manifest: dict) -> None:
    ids = catalogue_ids()
    for name, kpi_id in metric_kpi_ids(semantic_manifest).items():
        assert kpi_id in ids, f"metric {name}: meta.kpi_id {kpi_id!r} is not in the catalogue"
    for metric in semantic_manifest["metrics"]:
        assert metric.get("description"), f"metric {metric['name']} has no description"


def test_every_metric_shaped_kpi_has_a_metric(semantic_manifest: dict) -> None:
    """The catalogue's KPIs are either metrics or listed in the README as staying marts, never both or neither."""
    declared = set(metric_kpi_ids(semantic_manifest).values())
    stay_marts = not_metric_shaped_ids()
    assert stay_marts, "the README lists the KPIs that stay marts"
    assert catalogue_ids() - stay_marts - declared == set(), "metric-shaped KPIs without a metric"
    assert stay_marts & declared == set(), "KPIs listed as staying marts that have a metric after all"


def test_every_dashboard_tile_has_a_saved_query_that_runs(semantic_manifest: dict, query) -> None:
    """Each saved query returns rows with a value in every metric column somewhere (no tile stays empty)."""
    saved = semantic_manifest["saved_queries"]
    assert len(saved) >= 15
    for saved_query in saved:
        metrics = list(saved_query["query_params"]["metrics"])
        frame = query(metrics, [], saved_query=saved_query["name"])
        assert len(frame) > 0, f"saved query {saved_query['name']} returns no rows"
        empty = [m for m in metrics if frame[m].isna().all()]
        assert empty == [], f"saved query {saved_query['name']}: no value at all for {empty}"
