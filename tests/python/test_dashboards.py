"""The Streamlit dashboards (dashboards/), run headless with Streamlit's AppTest on the published sample.

Every page runs with the default filters and with a non-default quarter, team and rep; no exception, and the
figures it shows equal the marts' values queried here with SQL (joins and sums written independently of the
page's pandas code). Each page reads only the marts its dbt exposure declares, and says what to run when no
warehouse is published. Run times per page: `pytest tests/python/test_dashboards.py --durations=0`.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import PROJECT_DIR
from streamlit.testing.v1 import AppTest

DASHBOARDS = PROJECT_DIR / "dashboards"
sys.path.insert(0, str(DASHBOARDS))
import app  # noqa: E402
import shared  # noqa: E402

PAGE_FILES = {url_path: file for file, _title, url_path in app.PAGES}
TIMEOUT = 120


@dataclass(frozen=True)
class Choice:
    """The filters a run selects (None: the page's default)."""

    name: str
    quarter: dt.date | None = None
    team: str | None = None
    rep: str | None = None


@pytest.fixture(scope="module")
def sql(sample_warehouse: Path) -> Callable[..., pd.DataFrame]:
    con = duckdb.connect(str(sample_warehouse), read_only=True)
    yield lambda query, *params: con.execute(query, list(params)).df()
    con.close()


@pytest.fixture(scope="module", autouse=True)
def published(sample_warehouse: Path) -> Path:
    """Point the app at the published sample, as `SALES_KPIS_WAREHOUSE` would."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(shared.WAREHOUSE_ENV, str(sample_warehouse))
        yield sample_warehouse


@pytest.fixture(scope="module")
def manifest(sample_warehouse: Path) -> dict:
    return json.loads(sample_warehouse.with_suffix(shared.MANIFEST_SUFFIX).read_text())


@pytest.fixture(scope="module")
def as_of_quarter(sql) -> dt.date:
    query = (
        "select d.fiscal_quarter_start_date from marts.dim_dates d join build_info.build b on d.date_day = b.as_of_date"
    )
    return sql(query).iloc[0, 0].date()


@pytest.fixture(scope="module")
def choices(sql, as_of_quarter: dt.date) -> dict[str, Choice]:
    """Default filters; and the quarter before the as-of quarter with its best-selling team and that team's best rep."""
    best = sql(
        "with reps as (select s.fiscal_quarter_start_date, r.team, s.owner_user_id, s.won_amount "
        "  from marts.rpt_scorecard_rep_quarterly s join marts.dim_reps r on r.user_id = s.owner_user_id "
        "  where s.fiscal_quarter_start_date = (select max(fiscal_quarter_start_date) "
        "    from marts.rpt_scorecard_rep_quarterly where fiscal_quarter_start_date < ?)), "
        "teams as (select team, sum(won_amount) as team_won_amount from reps group by team) "
        "select reps.* from reps join teams using (team) "
        "order by team_won_amount desc, won_amount desc, owner_user_id limit 1",
        as_of_quarter,
    ).iloc[0]
    quarter = best["fiscal_quarter_start_date"].date()
    return {
        "default": Choice("default", as_of_quarter),
        "team": Choice("team", quarter, best["team"]),
        "rep": Choice("rep", quarter, best["team"], best["owner_user_id"]),
    }


def run_page(url_path: str, choice: Choice) -> AppTest:
    """Run one page as a user would: open it, then pick the filters in the sidebar one by one."""
    page = AppTest.from_file(str(DASHBOARDS / "views" / PAGE_FILES[url_path]), default_timeout=TIMEOUT)
    page.run()
    for key in ("quarter", "team", "rep"):
        wanted = getattr(choice, key)
        has_filter = any(box.key == f"_{key}" for box in page.selectbox)
        if wanted is not None and choice.name != "default" and has_filter:
            page.selectbox(key=f"_{key}").select(wanted).run()
    assert not page.exception, [e.value for e in page.exception]
    assert not page.error, [e.value for e in page.error]
    for box in page.selectbox:
        key = box.key.removeprefix("_")
        assert box.value == (getattr(choice, key) or shared.ALL), key
    return page


def charts(page: AppTest) -> list:
    return page.get("vega_lite_chart")


def whole(value: object) -> str:
    return "n/a" if pd.isna(value) else f"{value:,.0f}"


def share(value: object) -> str:
    return "n/a" if pd.isna(value) else f"{value:.0%}"


def metrics(page: AppTest) -> list[tuple[str, str]]:
    return [(m.label, m.value) for m in page.metric]


def assert_table(shown: pd.DataFrame, expected: pd.DataFrame, key: list[str]) -> None:
    """The columns of `expected`, row for row (order by `key`), in the table the page shows."""
    columns = list(expected.columns)
    left = shown[columns].sort_values(key).reset_index(drop=True)
    right = expected.sort_values(key).reset_index(drop=True)
    for frame in (left, right):
        for column in columns:
            if frame[column].map(lambda value: isinstance(value, dt.date)).any():
                frame[column] = pd.to_datetime(frame[column])
    pd.testing.assert_frame_equal(left, right, check_dtype=False, check_exact=False, rtol=1e-9)


def scope(choice: Choice) -> str:
    """The reps a page shows, as SQL: the rep, else the team's reps, else every rep."""
    if choice.rep:
        return f"select '{choice.rep}'"
    if choice.team:
        return f"select user_id from marts.dim_reps where team = '{choice.team}'"
    return "select user_id from marts.dim_reps"


VARIANTS = ["default", "team", "rep"]


@pytest.mark.parametrize("variant", VARIANTS)
def test_state_of_the_union(sql, choices, variant: str) -> None:
    choice = choices[variant]
    page = run_page("state_of_the_union", choice)
    teams = sql(
        "select * from marts.rpt_scorecard_team_quarterly where fiscal_quarter_start_date = ? "
        "and (? is null or team = ?) order by team",
        choice.quarter,
        choice.team,
        choice.team,
    )
    assert len(teams) >= 1
    expected = []
    for row in teams.itertuples():
        expected += [
            ("Won amount (F10)", whole(row.won_amount)),
            ("Won amount vs target (F10)", share(row.won_amount_attainment)),
            ("Win rate (F5)", share(row.win_rate_by_count)),
            ("Forecast realisation (F9)", share(row.forecast_realisation)),
            ("New opportunities vs target (F10)", share(row.new_opportunities_attainment)),
            ("Sales velocity per day (F12)", whole(row.sales_velocity_per_day)),
        ]
    month = sql("select * from marts.rpt_sales_monthly order by month_start_date desc limit 1").iloc[0]
    expected += [
        (f"Won amount, {month.month_start_date:%b %Y} (F11)", whole(month.won_amount)),
        ("Change on previous month (F11)", f"{month.won_amount_change_rate:+.0%}"),
        ("New customers (F11)", whole(month.new_customers)),
    ]
    assert metrics(page) == expected
    assert [h.value for h in page.subheader][: len(teams)] == [f"Team {t}" for t in teams["team"]]
    assert len(charts(page)) == 2


@pytest.mark.parametrize("variant", VARIANTS)
def test_pipeline(sql, choices, variant: str) -> None:
    choice = choices[variant]
    page = run_page("pipeline", choice)
    rows = sql(
        "with shown as (select * from marts.rpt_pipeline_rep_month_end "
        f"  where fiscal_quarter_start_date = ? and owner_user_id in ({scope(choice)})) "
        "select r.user_name, s.open_opportunities, s.pipeline_amount, s.weighted_pipeline_amount, s.pipeline_coverage "
        "from shown s join marts.dim_reps r on r.user_id = s.owner_user_id "
        "where s.snapshot_date = (select max(snapshot_date) from shown)",
        choice.quarter,
    )
    assert len(rows) >= 1
    assert_table(page.dataframe[0].value, rows, ["user_name"])
    if choice.rep:
        row = rows.iloc[0]
        assert metrics(page) == [
            ("Pipeline (F6)", whole(row.pipeline_amount)),
            ("Weighted pipeline (F6)", whole(row.weighted_pipeline_amount)),
            ("Pipeline coverage (F6)", "n/a" if pd.isna(row.pipeline_coverage) else f"{row.pipeline_coverage:.2f}"),
            ("Open opportunities", whole(row.open_opportunities)),
        ]
    health = sql(
        "select r.user_name, h.stale_opportunities, h.stale_pipeline_amount, h.average_open_opportunity_age_days "
        "from marts.rpt_pipeline_health_rep h join marts.dim_reps r on r.user_id = h.owner_user_id "
        f"where h.owner_user_id in ({scope(choice)})"
    )
    assert_table(page.dataframe[1].value, health, ["user_name"])
    assert len(charts(page)) == 1


@pytest.mark.parametrize("variant", VARIANTS)
def test_activities(sql, choices, variant: str) -> None:
    choice = choices[variant]
    page = run_page("activities", choice)
    window = (
        "week_start_date between ? and "
        "(select max(fiscal_quarter_end_date) from marts.dim_dates where fiscal_quarter_start_date = ?)"
    )
    teams = sql(
        f"select team, week_start_date, activity_points, activity_points_target, activity_points_attainment "
        f"from marts.rpt_activities_team_weekly where {window} and (? is null or team = ?)",
        choice.quarter,
        choice.quarter,
        choice.team,
        choice.team,
    )
    assert len(teams) >= 1
    assert_table(page.dataframe[0].value, teams, ["team", "week_start_date"])
    reps = sql(
        "select r.user_name, sum(a.activities) as activities, sum(a.activity_points) as activity_points, "
        "sum(a.visits) as visits from marts.rpt_activities_rep_weekly a "
        "join marts.dim_reps r on r.user_id = a.owner_user_id "
        f"where {window} and a.owner_user_id in ({scope(choice)}) group by r.user_name",
        choice.quarter,
        choice.quarter,
    )
    assert len(reps) >= 1
    assert_table(page.dataframe[1].value, reps, ["user_name"])
    assert len(charts(page)) == 1


@pytest.mark.parametrize("variant", VARIANTS)
def test_performance(sql, choices, variant: str) -> None:
    choice = choices[variant]
    page = run_page("performance", choice)
    regions = sql(
        "select r.region, sum(s.won_amount) as won_amount, sum(s.won_opportunities) as won_opportunities, "
        "sum(s.lost_opportunities) as lost_opportunities from marts.rpt_scorecard_rep_quarterly s "
        "join marts.dim_reps r on r.user_id = s.owner_user_id "
        f"where s.fiscal_quarter_start_date = ? and s.owner_user_id in ({scope(choice)}) group by r.region",
        choice.quarter,
    )
    assert len(regions) >= 1
    assert_table(page.dataframe[0].value, regions, ["region"])
    accounts = sql(
        "select a.account_name, p.revenue, p.profit from marts.rpt_customer_profitability_account_yearly p "
        "join marts.dim_accounts a on a.account_id = p.account_id "
        "where p.fiscal_year = (select fiscal_year from marts.dim_dates where date_day = ?) "
        f"and a.owner_user_id in ({scope(choice)})",
        choice.quarter,
    )
    assert_table(page.dataframe[1].value, accounts, ["account_name", "revenue", "profit"])
    products = sql(
        "select product_name, sum(line_amount) as line_amount, sum(quantity) as quantity from marts.fct_won_line_items "
        f"where close_fiscal_quarter_start_date = ? and owner_user_id in ({scope(choice)}) group by product_name",
        choice.quarter,
    )
    assert len(products) >= 1
    assert_table(page.dataframe[2].value, products, ["product_name"])
    assert len(charts(page)) == 2


@pytest.mark.parametrize("variant", VARIANTS)
def test_stage_analysis(sql, choices, variant: str) -> None:
    choice = choices[variant]
    page = run_page("stage_analysis", choice)
    rep_funnel = sql(
        "select r.user_name, f.funnel_stage, f.journeys_reached, f.conversion_to_next_stage, f.is_bottleneck "
        "from marts.rpt_funnel_rep_stage_quarterly f join marts.dim_reps r on r.user_id = f.owner_user_id "
        f"where f.fiscal_quarter_start_date = ? and f.owner_user_id in ({scope(choice)})",
        choice.quarter,
    )
    if choice.rep:
        assert len(rep_funnel) >= 1
        assert_table(page.dataframe[0].value, rep_funnel.drop(columns="user_name"), ["funnel_stage"])
    else:
        teams = sql(
            "select team, funnel_stage, journeys_reached, conversion_to_next_stage "
            "from marts.rpt_funnel_team_stage_quarterly "
            "where fiscal_quarter_start_date = ? and (? is null or team = ?)",
            choice.quarter,
            choice.team,
            choice.team,
        )
        assert len(teams) >= 1
        assert_table(page.dataframe[0].value, teams, ["team", "funnel_stage"])
        bottlenecks = rep_funnel[rep_funnel["is_bottleneck"]].drop(columns="journeys_reached")
        assert len(bottlenecks) >= 1
        assert_table(page.dataframe[1].value, bottlenecks, ["user_name", "funnel_stage"])
    in_stage = sql(
        "select r.user_name, s.stage_name, s.stage_entries, s.median_days_in_stage "
        "from marts.rpt_stage_analysis_rep_crm_stage_quarterly s join marts.dim_reps r on r.user_id = s.owner_user_id "
        f"where s.fiscal_quarter_start_date = ? and s.owner_user_id in ({scope(choice)})",
        choice.quarter,
    )
    assert len(in_stage) >= 1
    assert_table(page.dataframe[-1].value, in_stage, ["user_name", "stage_name"])
    assert len(charts(page)) == 2


@pytest.mark.parametrize("variant", VARIANTS)
def test_leaderboards(sql, choices, variant: str) -> None:
    choice = choices[variant]
    page = run_page("leaderboards", choice)
    reps = sql(
        "select user_name, won_amount_rank, won_amount, activity_points_rank, activity_points "
        "from marts.rpt_leaderboard_rep_quarterly where fiscal_quarter_start_date = ? and (? is null or team = ?)",
        choice.quarter,
        choice.team,
        choice.team,
    )
    assert len(reps) >= 1
    shown = page.dataframe[0].value
    assert_table(shown, reps, ["user_name"])
    assert shown["won_amount_rank"].is_monotonic_increasing
    teams = sql(
        "select team, won_amount, won_amount_attainment from marts.rpt_scorecard_team_quarterly "
        "where fiscal_quarter_start_date = ? and (? is null or team = ?)",
        choice.quarter,
        choice.team,
        choice.team,
    )
    assert_table(page.dataframe[1].value, teams, ["team"])
    assert len(charts(page)) == 1


@pytest.mark.parametrize("variant", VARIANTS)
def test_customers(sql, choices, variant: str) -> None:
    choice = choices[variant]
    page = run_page("customers", choice)
    nps = sql("select * from marts.rpt_nps_monthly order by month_start_date desc limit 1").iloc[0]
    clv = sql("select customer_lifetime_value from marts.rpt_customer_lifetime_value").iloc[0, 0]
    assert metrics(page) == [
        (f"NPS, {nps.month_start_date:%b %Y} (C7)", f"{nps.nps:.1f}"),
        ("Promoters (C7)", whole(nps.promoters)),
        ("Detractors (C7)", whole(nps.detractors)),
        ("Customer lifetime value (C2)", whole(clv)),
    ]
    by_rep = sql(
        "select r.user_name, n.promoters, n.detractors, n.nps from marts.rpt_nps_rep_quarterly n "
        "join marts.dim_reps r on r.user_id = n.owner_user_id "
        f"where n.fiscal_quarter_start_date = ? and n.owner_user_id in ({scope(choice)})",
        choice.quarter,
    )
    assert len(by_rep) >= 1
    assert_table(page.dataframe[0].value, by_rep, ["user_name"])
    industry = sql("select industry, customer_lifetime_value from marts.rpt_customer_lifetime_value_industry")
    assert_table(page.dataframe[1].value, industry, ["industry"])
    heat_map = [c for c in charts(page) if '"rect"' in c.proto.spec]
    assert len(charts(page)) == 2
    assert len(heat_map) == 1


@pytest.mark.parametrize("variant", VARIANTS)
def test_crm_integrity(sql, choices, variant: str) -> None:
    choice = choices[variant]
    page = run_page("crm_integrity", choice)
    assert any("a reason to ask, not a verdict" in w.value for w in page.warning)
    board = sql(
        "select user_name, integrity_score, behaviours_flagged, account_nps "
        "from marts.rpt_balanced_scorecard_rep_quarterly "
        f"where fiscal_quarter_start_date = ? and owner_user_id in ({scope(choice)})",
        choice.quarter,
    )
    assert len(board) >= 1
    assert_table(page.dataframe[0].value, board, ["user_name"])
    flags = sql(
        "select r.user_name, i.is_backdating_flagged, i.is_missing_losses_flagged "
        "from marts.rpt_integrity_rep_quarterly i "
        "join marts.dim_reps r on r.user_id = i.owner_user_id "
        f"where i.fiscal_quarter_start_date = ? and i.owner_user_id in ({scope(choice)})",
        choice.quarter,
    )
    assert_table(page.dataframe[1].value, flags, ["user_name"])
    assert len(charts(page)) == 1


@pytest.mark.parametrize("url_path", list(PAGE_FILES))
def test_every_number_has_its_definition_from_the_manifest(manifest: dict, choices, url_path: str) -> None:
    """Metric help and table column help are the manifest's descriptions; KPI ids in labels are the manifest's."""
    descriptions = {n["description"] for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    kpi_ids = set()
    for node in manifest["nodes"].values():
        for column in node.get("columns", {}).values():
            descriptions.add(column["description"])
            kpi_ids.add((column.get("meta") or column.get("config", {}).get("meta") or {}).get("kpi_id"))
    page = run_page(url_path, choices["rep"])
    for metric in page.metric:
        assert metric.help in descriptions, metric.label
        if metric.label.endswith(")"):
            assert metric.label.rsplit("(", 1)[1].rstrip(")") in kpi_ids, metric.label
    for table in page.dataframe:
        shown = {name: config for name, config in json.loads(table.proto.columns).items() if name != "_index"}
        assert set(shown) == set(table.value.columns)
        for name, config in shown.items():
            assert config["help"] in descriptions, name
    panel = page.sidebar.expander[0]
    assert panel.label == "Definitions (from dbt docs)"
    assert len(panel.markdown) >= 1


@pytest.mark.parametrize("url_path", list(PAGE_FILES))
def test_each_page_reads_exactly_what_its_exposure_declares(manifest: dict, choices, url_path: str) -> None:
    exposure = manifest["exposures"][f"exposure.sales_kpis.{url_path}"]
    declared = {manifest["nodes"][node]["name"] for node in exposure["depends_on"]["nodes"]}
    read: set[str] = set()
    for choice in (choices["default"], choices["rep"]):  # all reps (team funnels) and one rep (the rep's funnel)
        shared.TABLES_READ.clear()
        run_page(url_path, choice)
        read |= shared.TABLES_READ
    assert read == declared
    assert exposure["type"] == "dashboard"
    assert exposure["owner"]["name"]
    is_default = app.PAGES[0][2] == url_path
    assert exposure["url"] == "http://localhost:8501/" + ("" if is_default else url_path)


def test_every_page_has_an_exposure(manifest: dict) -> None:
    exposures = {e["name"] for e in manifest["exposures"].values() if e["type"] == "dashboard"}
    assert exposures == set(PAGE_FILES)


@pytest.mark.parametrize("url_path", list(PAGE_FILES))
def test_without_a_published_warehouse_every_page_says_what_to_run(tmp_path: Path, monkeypatch, url_path: str) -> None:
    monkeypatch.setenv(shared.WAREHOUSE_ENV, str(tmp_path / "nothing_here.duckdb"))
    page = AppTest.from_file(str(DASHBOARDS / "views" / PAGE_FILES[url_path]), default_timeout=TIMEOUT).run()
    assert not page.exception, [e.value for e in page.exception]
    assert len(page.error) == 1
    assert "python3 scripts/dev.py build" in page.error[0].value
    assert str(tmp_path / "nothing_here.duckdb") in page.error[0].value


def test_the_app_navigates_to_every_page(choices) -> None:
    """dashboards/app.py (what `streamlit run` starts) opens on the first page and reaches every other one; the
    quarter and team chosen on the first page carry over."""
    page = AppTest.from_file(str(DASHBOARDS / "app.py"), default_timeout=TIMEOUT).run()
    assert not page.exception, [e.value for e in page.exception]
    assert [t.value for t in page.title] == [app.PAGES[0][1]]
    chosen = choices["team"]
    page.selectbox(key="_quarter").select(chosen.quarter).run()
    page.selectbox(key="_team").select(chosen.team).run()
    for file, title, _url_path in app.PAGES[1:]:
        page.switch_page(f"views/{file}").run()
        assert not page.exception, [e.value for e in page.exception]
        assert [t.value for t in page.title] == [title]
        assert page.selectbox(key="_quarter").value == chosen.quarter
        assert page.selectbox(key="_team").value == chosen.team
