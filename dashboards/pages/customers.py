"""Customers: retention by first-purchase cohort (heat map), Net Promoter Score, customer lifetime value."""

import altair as alt
import pandas as pd
import shared
import streamlit as st

COHORTS = "rpt_customer_retention_cohort_yearly"
NPS = "rpt_nps_monthly"
NPS_REP = "rpt_nps_rep_quarterly"
CLV = "rpt_customer_lifetime_value"
CLV_COLUMNS = {
    "customers_at_start": "Customers at the window's start",
    "average_purchase_value": "Average purchase value",
    "purchase_frequency": "Purchase frequency",
    "annual_churn_rate": "Annual churn rate",
    "customer_lifetime_years": "Lifetime (years)",
    "customer_lifetime_value": "CLV",
}

filters = shared.page("Customers", COHORTS)
if filters:
    st.subheader("Retention by cohort of first purchase (whole company)")
    cohorts = shared.read(COHORTS, order_by="cohort_fiscal_year, years_since_first_purchase")
    figure = (
        alt.Chart(cohorts)
        .mark_rect()
        .encode(
            x=alt.X("years_since_first_purchase:O", title="years since first purchase"),
            y=alt.Y("cohort_fiscal_year:O", title="cohort (fiscal year of first purchase)"),
            color=alt.Color("cohort_retention_rate:Q", title="retention", scale=alt.Scale(domain=[0, 1])),
            tooltip=[
                "cohort_fiscal_year",
                "fiscal_year",
                "cohort_customers",
                "active_customers",
                alt.Tooltip("cohort_retention_rate:Q", format=".0%"),
            ],
        )
    )
    shared.chart(figure, COHORTS, "cohort_retention_rate")

    st.subheader("Net Promoter Score by month (whole company)")
    nps = shared.read(NPS, order_by="month_start_date")
    if not nps.empty:
        latest = nps.iloc[-1]
        left, middle, right = st.columns(3)
        with left:
            shared.metric(NPS, "nps", f"NPS, {latest.month_start_date:%b %Y}", latest.nps, "{:.1f}")
        with middle:
            shared.metric(NPS, "promoters", "Promoters", latest.promoters)
        with right:
            shared.metric(NPS, "detractors", "Detractors", latest.detractors)
    nps["month_start_date"] = pd.to_datetime(nps["month_start_date"])
    figure = (
        alt.Chart(nps)
        .mark_line(point=True)
        .encode(
            x=alt.X("month_start_date:T", title="month"),
            y=alt.Y("nps:Q", title="NPS", scale=alt.Scale(domain=[-100, 100])),
            tooltip=["month_start_date:T", "nps", "promoters", "passives", "detractors"],
        )
    )
    shared.chart(figure, NPS, "nps")

    st.subheader("NPS of the reps' accounts in the quarter")
    by_rep = shared.read(NPS_REP, "fiscal_quarter_start_date = ?", (filters.quarter,))
    by_rep = by_rep[by_rep["owner_user_id"].isin(filters.rep_ids())]
    by_rep = by_rep.merge(filters.reps.rename(columns={"user_id": "owner_user_id"}), on="owner_user_id")
    shared.table(
        NPS_REP,
        by_rep.sort_values("nps", ascending=False),
        {
            "dim_reps.user_name": "Rep (account owner)",
            "scored_responses": "Scored responses",
            "promoters": "Promoters",
            "passives": "Passives",
            "detractors": "Detractors",
            "nps": "NPS",
        },
    )

    st.subheader("Customer lifetime value (trailing 12 months at the as-of date)")
    clv = shared.read(CLV)
    if not clv.empty:
        shared.metric(CLV, "customer_lifetime_value", "Customer lifetime value", clv["customer_lifetime_value"].iloc[0])
    for model, key, text in (
        ("rpt_customer_lifetime_value_industry", "industry", "Industry"),
        ("rpt_customer_lifetime_value_size_band", "size_band", "Size band"),
    ):
        shared.table(model, shared.read(model, order_by=key), {key: text, **CLV_COLUMNS})
    shared.definitions_panel()
