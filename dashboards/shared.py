"""What every dashboard page shares: the published warehouse (read-only), the KPI definitions from dbt's manifest,
the as-of banner and the filters.

Every page reads the marts through `read()`, the app's one data-access function. It records the tables a page
reads in `TABLES_READ`, which tests/python/test_dashboards.py compares with the page's dbt exposure.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

import altair as alt
import duckdb
import pandas as pd
import streamlit as st

PROJECT_DIR = Path(__file__).resolve().parent.parent
WAREHOUSE_ENV = "SALES_KPIS_WAREHOUSE"
# the default publish path of scripts/build.py (its DEFAULT_PUBLISH_PATH)
DEFAULT_WAREHOUSE = PROJECT_DIR / "warehouse" / "sales_kpis.duckdb"
# scripts/build.py publishes dbt's manifest beside the warehouse under this suffix (its MANIFEST_SUFFIX)
MANIFEST_SUFFIX = ".manifest.json"
MARTS = "marts"
BUILD_COMMAND = "python3 scripts/dev.py build"
ALL = "All"

# tables (marts) read since the test last cleared it; the exposure test compares them with depends_on
TABLES_READ: set[str] = set()


class NoWarehouse(Exception):
    """No published warehouse (or no manifest beside it) where the app looks."""


def warehouse_path() -> Path:
    return Path(os.environ.get(WAREHOUSE_ENV) or DEFAULT_WAREHOUSE).expanduser().resolve()


def manifest_path() -> Path:
    return warehouse_path().with_suffix(MANIFEST_SUFFIX)


def _version() -> float:
    """The published file's modification time: a new build invalidates every cached query."""
    path = warehouse_path()
    if not path.exists():
        raise NoWarehouse(
            f"No published warehouse at {path}. Run `{BUILD_COMMAND}` (or set {WAREHOUSE_ENV} to a published "
            "sales_kpis.duckdb), then reload this page."
        )
    return path.stat().st_mtime


@st.cache_data(show_spinner=False)
def _query(path: str, version: float, sql: str, params: tuple) -> pd.DataFrame:
    with duckdb.connect(path, read_only=True) as con:
        return con.execute(sql, list(params)).df()


def read(table: str, where: str = "", params: tuple = (), order_by: str = "") -> pd.DataFrame:
    """`select * from marts.<table> [where ...] [order by ...]` on the published warehouse, read-only."""
    version = _version()
    TABLES_READ.add(table)
    sql = f'select * from {MARTS}."{table}"'
    if where:
        sql += f" where {where}"
    if order_by:
        sql += f" order by {order_by}"
    return _query(str(warehouse_path()), version, sql, tuple(params))


def build_info() -> dict[str, object]:
    """build_info.build of the published file: build time and as-of date."""
    frame = _query(str(warehouse_path()), _version(), "select built_at, as_of_date from build_info.build", ())
    return frame.iloc[0].to_dict()


@dataclass(frozen=True)
class Definition:
    model: str
    column: str
    kpi_id: str | None
    description: str


@st.cache_data(show_spinner=False)
def _definitions(path: str, version: float) -> dict[tuple[str, str], Definition]:
    manifest = json.loads(Path(path).read_text())
    found: dict[tuple[str, str], Definition] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model":
            continue
        found[(node["name"], "")] = Definition(node["name"], "", None, node.get("description", ""))
        for name, column in node["columns"].items():
            meta = column.get("meta") or column.get("config", {}).get("meta") or {}
            found[(node["name"], name)] = Definition(node["name"], name, meta.get("kpi_id"), column["description"])
    return found


def definition(model: str, column: str = "") -> Definition:
    """The model's (or column's) description and meta.kpi_id, from the manifest published with the warehouse."""
    path = manifest_path()
    if not path.exists():
        raise NoWarehouse(f"No dbt manifest at {path} beside the warehouse. Run `{BUILD_COMMAND}`, then reload.")
    definitions = _definitions(str(path), path.stat().st_mtime)
    if (model, column) not in definitions:
        raise KeyError(f"{model}.{column} is not in the dbt manifest {path}")
    return definitions[(model, column)]


def shown_definitions() -> list[Definition]:
    return st.session_state.setdefault("_shown_definitions", [])


def label(model: str, column: str, text: str) -> str:
    """'<text> (<kpi_id>)' for a mart column; its definition goes to the page's side panel."""
    found = definition(model, column)
    if found not in shown_definitions():
        shown_definitions().append(found)
    return f"{text} ({found.kpi_id})" if found.kpi_id else text


def metric(model: str, column: str, text: str, value: object, fmt: str = "{:,.0f}", delta: str | None = None) -> None:
    """One figure of a mart, labelled with its KPI id, its definition on hover."""
    shown = "n/a" if value is None or pd.isna(value) else fmt.format(value)
    st.metric(label(model, column, text), shown, delta=delta, help=definition(model, column).description)


def table(model: str, frame: pd.DataFrame, labels: dict[str, str]) -> None:
    """A mart's rows; each column headed by its label (KPI id) with its definition on hover.

    `labels` maps the mart's column to its header, in the order shown; columns not in the mart (a rep's name
    looked up in dim_reps) give their own model as 'model.column'."""
    config = {}
    for column, text in labels.items():
        source, _, name = column.rpartition(".")
        source = source or model
        config[name] = st.column_config.Column(label(source, name, text), help=definition(source, name).description)
    st.dataframe(frame[list(config)], column_config=config, hide_index=True)


def chart(figure: alt.Chart, model: str, column: str) -> None:
    """An Altair chart of one mart column, its KPI id and definition in the caption."""
    found = definition(model, column)
    st.altair_chart(figure, width="stretch")
    st.caption(f"{found.kpi_id or ''} {model}.{column}: {found.description}".strip())


def team_trend_against_target(
    frame: pd.DataFrame, period: str, actual: str, target: str, value_title: str, tooltip_format: str = ""
) -> alt.Chart:
    """Lines per team over `period`: the actual column solid, its target dashed."""
    long = frame.melt(id_vars=["team", period], value_vars=[actual, target], var_name="measure", value_name="value")
    long[period] = pd.to_datetime(long[period])
    value = alt.Tooltip("value:Q", title=value_title, format=tooltip_format) if tooltip_format else "value"
    return (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(
            x=alt.X(f"{period}:T", title=period.removesuffix("_start_date").replace("_", " ")),
            y=alt.Y("value:Q", title=value_title),
            color="team:N",
            strokeDash=alt.StrokeDash("measure:N", title="actual / target"),
            tooltip=["team", f"{period}:T", "measure", value],
        )
    )


@dataclass(frozen=True)
class Filters:
    quarter: dt.date
    team: str | None
    rep: str | None
    reps: pd.DataFrame  # dim_reps rows of the selected team (all reps when no team is selected)
    quarters: pd.DataFrame  # fiscal quarters of dim_dates up to the as-of date, latest first

    @property
    def fiscal_year(self) -> int:
        return int(self._quarter_row["fiscal_year"])

    @property
    def quarter_end(self) -> dt.date:
        return self._quarter_row["fiscal_quarter_end_date"]

    @property
    def _quarter_row(self) -> pd.Series:
        return self.quarters.loc[self.quarters["fiscal_quarter_start_date"] == self.quarter].iloc[0]

    def rep_ids(self) -> list[str]:
        """The reps the page shows: the selected rep, else the team's, else every rep."""
        if self.rep:
            return [self.rep]
        return self.reps["user_id"].tolist()


def _remember(key: str) -> None:
    # widget state is dropped when a page without that widget runs: keep the choice under a plain key
    st.session_state[key] = st.session_state[f"_{key}"]


def _select(key: str, text: str, options: list, default: object, format_func=str) -> object:
    chosen = st.session_state.get(key, default)
    st.session_state[f"_{key}"] = chosen if chosen in options else default
    return st.sidebar.selectbox(text, options, key=f"_{key}", format_func=format_func, on_change=_remember, args=(key,))


def page(title: str, model: str, filters: tuple[str, ...] = ("quarter", "team", "rep")) -> Filters | None:
    """Title, as-of banner and filters of a page; None (with what to run) when nothing is published."""
    st.title(title)
    shown_definitions().clear()
    try:
        info = build_info()
        st.caption(definition(model).description)
    except NoWarehouse as missing:
        st.error(str(missing))
        return None
    st.info(
        f"Figures as of **{info['as_of_date']:%Y-%m-%d}** (the as-of date of the export), "
        f"warehouse built **{info['built_at']:%Y-%m-%d %H:%M} UTC**."
    )
    dates = read("dim_dates", "date_day <= ?", (info["as_of_date"],))
    quarters = (
        dates[["fiscal_quarter_start_date", "fiscal_quarter_end_date", "fiscal_year", "fiscal_quarter_label"]]
        .drop_duplicates()
        .sort_values("fiscal_quarter_start_date", ascending=False)
    )
    for column in ("fiscal_quarter_start_date", "fiscal_quarter_end_date"):
        quarters[column] = pd.to_datetime(quarters[column]).dt.date
    labels = dict(zip(quarters["fiscal_quarter_start_date"], quarters["fiscal_quarter_label"], strict=True))
    quarter = quarters["fiscal_quarter_start_date"].iloc[0]
    if "quarter" in filters:
        quarter = _select("quarter", "Fiscal quarter", list(labels), quarter, format_func=labels.get)
    reps = read("dim_reps", order_by="user_name")
    team = rep = None
    if "team" in filters:
        teams = sorted(reps["team"].dropna().unique())
        team = _select("team", "Team", [ALL, *teams], ALL)
        team = None if team == ALL else team
        if team:
            reps = reps[reps["team"] == team]
    if "rep" in filters:
        names = dict(zip(reps["user_id"], reps["user_name"], strict=True))
        rep = _select("rep", "Rep", [ALL, *names], ALL, format_func=lambda key: names.get(key, key))
        rep = None if rep == ALL else rep
    return Filters(quarter=quarter, team=team, rep=rep, reps=reps, quarters=quarters)


def definitions_panel() -> None:
    """The side panel: the definition of every KPI the page showed, from dbt's manifest."""
    with st.sidebar.expander("Definitions (from dbt docs)", expanded=False):
        for found in shown_definitions():
            st.markdown(f"**{found.kpi_id or ''} `{found.model}.{found.column}`**: {found.description}")
