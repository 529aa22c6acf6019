"""State of the union: the head of sales' focus KPIs per team for one quarter, with trend and target."""

import altair as alt
import pandas as pd
import shared
import streamlit as st

SCORECARD = "rpt_scorecard_team_quarterly"
# the focus KPIs (kpis.md: "the handful of focus KPIs, not 25"): column, label, format
FOCUS = [
    ("won_amount_attainment", "Won amount vs target", "{:.0%}"),
    ("win_rate_by_count", "Win rate", "{:.0%}"),
    ("forecast_realisation", "Forecast realisation", "{:.0%}"),
    ("new_opportunities_attainment", "New opportunities vs target", "{:.0%}"),
    ("sales_velocity_per_day", "Sales velocity per day", "{:,.0f}"),
]

filters = shared.page("State of the union", SCORECARD, filters=("quarter", "team"))
if filters:
    teams = shared.read(SCORECARD, order_by="team, fiscal_quarter_start_date")
    if filters.team:
        teams = teams[teams["team"] == filters.team]
    teams["fiscal_quarter_start_date"] = pd.to_datetime(teams["fiscal_quarter_start_date"]).dt.date
    quarter = teams[teams["fiscal_quarter_start_date"] == filters.quarter]
    earlier = sorted(q for q in teams["fiscal_quarter_start_date"].unique() if q < filters.quarter)
    previous = teams[teams["fiscal_quarter_start_date"] == earlier[-1]] if earlier else teams.iloc[0:0]
    if quarter.empty:
        st.warning("No scorecard rows for this quarter and team.")
    for row in quarter.itertuples():
        st.subheader(f"Team {row.team}")
        before = previous[previous["team"] == row.team]
        columns = st.columns(len(FOCUS) + 1)
        with columns[0]:
            shared.metric(SCORECARD, "won_amount", "Won amount", row.won_amount)
        for column, (name, text, fmt) in zip(columns[1:], FOCUS, strict=True):
            value = getattr(row, name)
            delta = None
            if not before.empty and pd.notna(value) and pd.notna(before[name].iloc[0]):
                delta = f"{fmt.format(value - before[name].iloc[0])} vs previous quarter"
            with column:
                shared.metric(SCORECARD, name, text, value, fmt, delta)

    st.subheader("Won amount against target, by quarter")
    # the trend ends with the as-of date's quarter (the scorecard also has the next one, with nothing won yet)
    last_quarter = max(filters.quarters["fiscal_quarter_start_date"])
    trend = teams[teams["fiscal_quarter_start_date"] <= last_quarter]
    figure = shared.team_trend_against_target(
        trend, "fiscal_quarter_start_date", "won_amount", "won_amount_target", "amount", ",.0f"
    )
    shared.chart(figure, SCORECARD, "won_amount_attainment")

    st.subheader("Company sales by month")
    monthly = shared.read("rpt_sales_monthly", order_by="month_start_date")
    latest = monthly.iloc[-1] if not monthly.empty else None
    if latest is not None:
        left, middle, right = st.columns(3)
        with left:
            shared.metric(
                "rpt_sales_monthly", "won_amount", f"Won amount, {latest.month_start_date:%b %Y}", latest.won_amount
            )
        with middle:
            shared.metric(
                "rpt_sales_monthly",
                "won_amount_change_rate",
                "Change on previous month",
                latest.won_amount_change_rate,
                "{:+.0%}",
            )
        with right:
            shared.metric("rpt_sales_monthly", "new_customers", "New customers", latest.new_customers)
    monthly["month_start_date"] = pd.to_datetime(monthly["month_start_date"])
    figure = (
        alt.Chart(monthly)
        .mark_bar()
        .encode(
            x=alt.X("month_start_date:T", title="month"),
            y=alt.Y("won_amount:Q", title="won amount"),
            tooltip=[
                "month_start_date:T",
                alt.Tooltip("won_amount:Q", format=",.0f"),
                "won_opportunities",
                "new_customers",
            ],
        )
    )
    shared.chart(figure, "rpt_sales_monthly", "won_amount")
    shared.definitions_panel()
