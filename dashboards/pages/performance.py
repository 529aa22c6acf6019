"""Performance of closed deals by region, account and product, for the selected quarter (accounts: its fiscal
year). Region and product figures are sums of the marts' rows; no rate is recomputed here."""

import altair as alt
import shared
import streamlit as st

SCORECARD = "rpt_scorecard_rep_quarterly"
ACCOUNTS = "rpt_customer_profitability_account_yearly"
LINES = "fct_won_line_items"
SUMMED = ["won_opportunities", "lost_opportunities", "won_amount", "closed_amount"]

filters = shared.page("Performance by region, account and product", SCORECARD)
if filters:
    reps = filters.reps.rename(columns={"user_id": "owner_user_id"})

    st.subheader("By region (the reps' region in the roster)")
    deals = shared.read(SCORECARD, "fiscal_quarter_start_date = ?", (filters.quarter,))
    deals = deals[deals["owner_user_id"].isin(filters.rep_ids())].merge(
        reps[["owner_user_id", "region"]], on="owner_user_id"
    )
    regions = deals.groupby("region", as_index=False)[SUMMED].sum().sort_values("won_amount", ascending=False)
    figure = (
        alt.Chart(regions)
        .mark_bar()
        .encode(
            x=alt.X("won_amount:Q", title="won amount"),
            y=alt.Y("region:N", sort="-x"),
            tooltip=["region", alt.Tooltip("won_amount:Q", format=",.0f"), "won_opportunities", "lost_opportunities"],
        )
    )
    shared.chart(figure, SCORECARD, "won_amount")
    shared.table(
        SCORECARD,
        regions,
        {
            "dim_reps.region": "Region",
            "won_opportunities": "Won deals",
            "lost_opportunities": "Lost deals",
            "won_amount": "Won amount",
            "closed_amount": "Closed amount",
        },
    )

    st.subheader(f"By account, fiscal year {filters.fiscal_year} (accounts owned by the selected reps)")
    accounts = shared.read(ACCOUNTS, "fiscal_year = ?", (filters.fiscal_year,))
    names = shared.read("dim_accounts")[["account_id", "account_name", "owner_user_id"]]
    accounts = accounts.merge(names, on="account_id")
    accounts = accounts[accounts["owner_user_id"].isin(filters.rep_ids())]
    accounts = accounts.sort_values("revenue", ascending=False)
    shared.table(
        ACCOUNTS,
        accounts,
        {
            "dim_accounts.account_name": "Account",
            "industry": "Industry",
            "size_band": "Size band",
            "revenue": "Revenue",
            "product_cost": "Product cost",
            "acquisition_cost": "Acquisition cost",
            "cost_to_serve": "Cost to serve",
            "profit": "Profit",
        },
    )

    st.subheader("By product (won lines closed in the quarter)")
    lines = shared.read(LINES, "close_fiscal_quarter_start_date = ?", (filters.quarter,))
    lines = lines[lines["owner_user_id"].isin(filters.rep_ids())]
    products = (
        lines.groupby("product_name", as_index=False)
        .agg(quantity=("quantity", "sum"), line_amount=("line_amount", "sum"))
        .sort_values("line_amount", ascending=False)
    )
    figure = (
        alt.Chart(products)
        .mark_bar()
        .encode(
            x=alt.X("line_amount:Q", title="won line amount"),
            y=alt.Y("product_name:N", title="product", sort="-x"),
            tooltip=["product_name", alt.Tooltip("line_amount:Q", format=",.0f"), "quantity"],
        )
    )
    shared.chart(figure, LINES, "line_amount")
    shared.table(LINES, products, {"product_name": "Product", "quantity": "Quantity", "line_amount": "Won line amount"})
    shared.definitions_panel()
