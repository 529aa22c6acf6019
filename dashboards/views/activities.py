"""Team activities: activity points per week against target (A1), and each rep's activities in the quarter."""

import shared
import streamlit as st

TEAM = "rpt_activities_team_weekly"
REP = "rpt_activities_rep_weekly"
TYPES = {
    "call_activities": "Calls",
    "voicemail_activities": "Voicemails",
    "email_activities": "E-mails",
    "linkedin_message_activities": "LinkedIn messages",
    "meeting_visit_activities": "Meetings / visits",
    "intake_demo_activities": "Intakes / demos",
    "activities": "All activities",
    "visits": "Visits",
    "activity_points": "Activity points",
}

filters = shared.page("Team activities", TEAM)
if filters:
    in_quarter = "week_start_date between ? and ?"
    window = (filters.quarter, filters.quarter_end)
    teams = shared.read(TEAM, in_quarter, window, order_by="team, week_start_date")
    if filters.team:
        teams = teams[teams["team"] == filters.team]
    st.subheader("Activity points per week against target")
    figure = shared.team_trend_against_target(
        teams, "week_start_date", "activity_points", "activity_points_target", "activity points"
    )
    shared.chart(figure, TEAM, "activity_points")
    shared.table(
        TEAM,
        teams,
        {
            "team": "Team",
            "week_start_date": "Week",
            "active_reps": "Active reps",
            "activities": "Activities",
            "visits": "Visits",
            "activity_points": "Activity points",
            "activity_points_target": "Target",
            "activity_points_attainment": "Attainment",
        },
    )

    st.subheader("Each rep's activities in the quarter (sum of the weeks)")
    reps = shared.read(REP, in_quarter, window)
    reps = reps[reps["owner_user_id"].isin(filters.rep_ids())]
    totals = reps.groupby("owner_user_id", as_index=False)[list(TYPES)].sum()
    totals = totals.merge(filters.reps.rename(columns={"user_id": "owner_user_id"}), on="owner_user_id")
    totals = totals.sort_values("activity_points", ascending=False)
    shared.table(REP, totals, {"dim_reps.user_name": "Rep", "dim_reps.team": "Team", **TYPES})
    if filters.rep:
        shared.table(
            REP,
            reps.sort_values("week_start_date"),
            {
                "week_start_date": "Week",
                **TYPES,
                "activity_points_target": "Target",
                "activity_points_attainment": "Attainment",
            },
        )
    shared.definitions_panel()
