"""Rep and team leaderboards for the quarter: ranks from the marts, never re-ranked here."""

import altair as alt
import shared
import streamlit as st

REPS = "rpt_leaderboard_rep_quarterly"
TEAMS = "rpt_scorecard_team_quarterly"

filters = shared.page("Leaderboards", REPS, filters=("quarter", "team"))
if filters:
    quarter = ("fiscal_quarter_start_date = ?", (filters.quarter,))
    board = shared.read(REPS, *quarter, order_by="won_amount_rank, user_name")
    if filters.team:
        board = board[board["team"] == filters.team]
    st.subheader("Reps by won amount")
    figure = (
        alt.Chart(board)
        .mark_bar()
        .encode(
            x=alt.X("won_amount:Q", title="won amount"),
            y=alt.Y("user_name:N", title="rep", sort="-x"),
            color="team:N",
            tooltip=["user_name", "team", alt.Tooltip("won_amount:Q", format=",.0f"), "won_amount_rank"],
        )
    )
    shared.chart(figure, REPS, "won_amount")
    shared.table(
        REPS,
        board,
        {
            "won_amount_rank": "Rank (won amount)",
            "user_name": "Rep",
            "team": "Team",
            "won_amount": "Won amount",
            "won_opportunities": "Won deals",
            "won_amount_attainment": "Attainment",
            "win_rate_by_count": "Win rate",
            "activity_points_rank": "Rank (activity points)",
            "activity_points": "Activity points",
            "visits": "Visits",
        },
    )
    st.subheader("Teams by won amount attainment")
    teams = shared.read(TEAMS, *quarter).sort_values("won_amount_attainment", ascending=False)
    if filters.team:
        teams = teams[teams["team"] == filters.team]
    shared.table(
        TEAMS,
        teams,
        {
            "team": "Team",
            "won_amount": "Won amount",
            "won_amount_target": "Target",
            "won_amount_attainment": "Attainment",
            "win_rate_by_count": "Win rate",
            "new_opportunities": "New opportunities",
            "sales_velocity_per_day": "Sales velocity per day",
        },
    )
    shared.definitions_panel()
