"""Pipeline per rep: open pipeline, weighted pipeline and coverage at the quarter's last month end (the as-of
date in the current quarter), pipeline by funnel stage, and pipeline health at the as-of date."""

import altair as alt
import pandas as pd
import shared
import streamlit as st

PIPELINE = "rpt_pipeline_rep_month_end"
BY_STAGE = "rpt_pipeline_rep_stage_month_end"
HEALTH = "rpt_pipeline_health_rep"

filters = shared.page("Pipeline per rep", PIPELINE)
if filters:
    reps = filters.reps[["user_id", "user_name", "team"]].rename(columns={"user_id": "owner_user_id"})
    pipeline = shared.read(PIPELINE, "fiscal_quarter_start_date = ?", (filters.quarter,))
    pipeline = pipeline[pipeline["owner_user_id"].isin(filters.rep_ids())]
    snapshot = pipeline["snapshot_date"].max()
    if pd.isna(snapshot):
        st.warning("No pipeline snapshot in this quarter for these reps.")
    else:
        pipeline = pipeline[pipeline["snapshot_date"] == snapshot].merge(reps, on="owner_user_id")
        pipeline = pipeline.sort_values("pipeline_amount", ascending=False)
        st.subheader(f"Open pipeline on {snapshot:%Y-%m-%d}")
        if filters.rep and not pipeline.empty:
            row = pipeline.iloc[0]
            columns = st.columns(4)
            for column, (name, text, fmt) in zip(
                columns,
                [
                    ("pipeline_amount", "Pipeline", "{:,.0f}"),
                    ("weighted_pipeline_amount", "Weighted pipeline", "{:,.0f}"),
                    ("pipeline_coverage", "Pipeline coverage", "{:.2f}"),
                    ("open_opportunities", "Open opportunities", "{:,.0f}"),
                ],
                strict=True,
            ):
                with column:
                    shared.metric(PIPELINE, name, text, row[name], fmt)
        shared.table(
            PIPELINE,
            pipeline,
            {
                "dim_reps.user_name": "Rep",
                "dim_reps.team": "Team",
                "open_opportunities": "Open opportunities",
                "pipeline_amount": "Pipeline",
                "weighted_pipeline_amount": "Weighted pipeline",
                "pipeline_closing_in_quarter": "Closing this quarter",
                "won_amount_quarter_to_date": "Won quarter to date",
                "won_amount_target": "Target",
                "pipeline_coverage": "Coverage",
            },
        )

        st.subheader("Pipeline by funnel stage")
        stages = shared.read(BY_STAGE, "snapshot_date = ?", (snapshot,))
        stages = stages[stages["owner_user_id"].isin(filters.rep_ids())].merge(reps, on="owner_user_id")
        figure = (
            alt.Chart(stages)
            .mark_bar()
            .encode(
                x=alt.X("sum(pipeline_amount):Q", title="pipeline"),
                y=alt.Y("user_name:N", title="rep", sort="-x"),
                color=alt.Color("funnel_stage:N", title="funnel stage"),
                tooltip=[
                    "user_name",
                    "funnel_stage",
                    alt.Tooltip("pipeline_amount:Q", format=",.0f"),
                    "open_opportunities",
                ],
            )
        )
        shared.chart(figure, BY_STAGE, "pipeline_amount")

    st.subheader("Pipeline health at the as-of date")
    health = shared.read(HEALTH)
    health = health[health["owner_user_id"].isin(filters.rep_ids())].merge(reps, on="owner_user_id")
    shared.table(
        HEALTH,
        health.sort_values("stale_pipeline_amount", ascending=False),
        {
            "dim_reps.user_name": "Rep",
            "open_opportunities": "Open opportunities",
            "average_open_opportunity_age_days": "Average age (days)",
            "stale_opportunities": "Stale deals",
            "stale_pipeline_amount": "Stale value",
            "open_leads": "Open leads",
            "average_open_lead_age_days": "Average lead age (days)",
        },
    )
    shared.definitions_panel()
