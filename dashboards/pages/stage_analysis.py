"""Stage analysis: the funnel (records that reached each stage, conversion to the next) with the bottleneck
marked, and the time spent in each CRM stage."""

import altair as alt
import shared
import streamlit as st

REP_FUNNEL = "rpt_funnel_rep_stage_quarterly"
TEAM_FUNNEL = "rpt_funnel_team_stage_quarterly"
TIME_IN_STAGE = "rpt_stage_analysis_rep_crm_stage_quarterly"
STAGE_COLUMNS = {
    "funnel_stage": "Funnel stage",
    "journeys_reached": "Reached",
    "journeys_reached_next_stage": "Reached the next stage",
    "conversion_to_next_stage": "Conversion to the next stage",
}


def funnel_chart(frame, color: alt.Color) -> alt.Chart:
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("journeys_reached:Q", title="records that reached the stage"),
            y=alt.Y("funnel_stage:N", title="funnel stage", sort=alt.EncodingSortField("funnel_stage_order")),
            color=color,
            tooltip=["funnel_stage", "journeys_reached", alt.Tooltip("conversion_to_next_stage:Q", format=".0%")],
        )
    )


filters = shared.page("Stage analysis", REP_FUNNEL)
if filters:
    quarter = ("fiscal_quarter_start_date = ?", (filters.quarter,))
    reps = filters.reps.rename(columns={"user_id": "owner_user_id"})[["owner_user_id", "user_name"]]
    rep_funnel = shared.read(REP_FUNNEL, *quarter, order_by="owner_user_id, funnel_stage_order")
    rep_funnel = rep_funnel[rep_funnel["owner_user_id"].isin(filters.rep_ids())].merge(reps, on="owner_user_id")
    if filters.rep:
        st.subheader("Funnel of the rep, bottleneck in red")
        bottleneck = alt.Color(
            "is_bottleneck:N", title="bottleneck", scale=alt.Scale(domain=[False, True], range=["#4c78a8", "#e45756"])
        )
        shared.chart(funnel_chart(rep_funnel, bottleneck), REP_FUNNEL, "journeys_reached")
        shared.table(
            REP_FUNNEL,
            rep_funnel,
            {**STAGE_COLUMNS, "team_median_conversion": "Team median conversion", "is_bottleneck": "Bottleneck"},
        )
    else:
        st.subheader("Funnel per team")
        teams = shared.read(TEAM_FUNNEL, *quarter, order_by="team, funnel_stage_order")
        if filters.team:
            teams = teams[teams["team"] == filters.team]
        shared.chart(funnel_chart(teams, alt.Color("team:N")).encode(yOffset="team:N"), TEAM_FUNNEL, "journeys_reached")
        shared.table(TEAM_FUNNEL, teams, {"team": "Team", **STAGE_COLUMNS})
        st.subheader("Bottlenecks: each rep's transition furthest below the team median")
        flagged = rep_funnel[rep_funnel["is_bottleneck"]]
        shared.table(
            REP_FUNNEL,
            flagged,
            {
                "dim_reps.user_name": "Rep",
                "team": "Team",
                "funnel_stage": "Funnel stage",
                "conversion_to_next_stage": "Conversion to the next stage",
                "team_median_conversion": "Team median conversion",
                "gap_to_team_median": "Gap to the team median",
                "is_bottleneck": "Bottleneck",
            },
        )

    st.subheader("Time in stage (days), by CRM stage")
    stages = shared.read(TIME_IN_STAGE, *quarter)
    stages = stages[stages["owner_user_id"].isin(filters.rep_ids())].merge(reps, on="owner_user_id")
    figure = (
        alt.Chart(stages)
        .mark_rect()
        .encode(
            x=alt.X("stage_name:N", title="CRM stage", sort=alt.EncodingSortField("funnel_stage_order")),
            y=alt.Y("user_name:N", title="rep"),
            color=alt.Color("median_days_in_stage:Q", title="median days"),
            tooltip=["user_name", "stage_name", "stage_entries", "average_days_in_stage", "median_days_in_stage"],
        )
    )
    shared.chart(figure, TIME_IN_STAGE, "median_days_in_stage")
    shared.table(
        TIME_IN_STAGE,
        stages.sort_values(["user_name", "funnel_stage_order"]),
        {
            "dim_reps.user_name": "Rep",
            "stage_name": "CRM stage",
            "stage_entries": "Entries",
            "stage_exits": "Exits",
            "average_days_in_stage": "Average days",
            "median_days_in_stage": "Median days",
        },
    )
    shared.definitions_panel()
