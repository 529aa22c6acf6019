"""CRM integrity: the balanced scorecard (I8) beside results, activity and the NPS of the rep's accounts, and
which behaviours (I1-I7) were flagged."""

import altair as alt
import shared
import streamlit as st

SCORECARD = "rpt_balanced_scorecard_rep_quarterly"
INTEGRITY = "rpt_integrity_rep_quarterly"
FLAGS = {
    "is_late_registration_flagged": "Late registration",
    "is_backdating_flagged": "Back-dated logging",
    "is_close_date_pushing_flagged": "Close-date pushes",
    "is_quarter_end_closing_flagged": "Quarter-end timing",
    "is_probability_massaging_flagged": "Probability massaging",
    "is_missing_losses_flagged": "Missing losses",
    "is_selective_prospecting_flagged": "Selective prospecting",
}

filters = shared.page("CRM integrity", SCORECARD)
if filters:
    # the README's wording (section "CRM integrity"): a flag starts a conversation, it does not end one
    st.warning(
        "Check the flags against your own CRM before a flag reaches a conversation: they are insight KPIs, "
        "a reason to ask, not a verdict."
    )
    quarter = ("fiscal_quarter_start_date = ?", (filters.quarter,))
    board = shared.read(SCORECARD, *quarter, order_by="integrity_score, user_name")
    board = board[board["owner_user_id"].isin(filters.rep_ids())]
    st.subheader("Balanced scorecard")
    figure = (
        alt.Chart(board)
        .mark_bar()
        .encode(
            x=alt.X("integrity_score:Q", title="integrity score (0-100)", scale=alt.Scale(domain=[0, 100])),
            y=alt.Y("user_name:N", title="rep", sort="x"),
            color="team:N",
            tooltip=["user_name", "team", "integrity_score", "behaviours_flagged"],
        )
    )
    shared.chart(figure, SCORECARD, "integrity_score")
    shared.table(
        SCORECARD,
        board,
        {
            "user_name": "Rep",
            "team": "Team",
            "integrity_score": "Integrity score",
            "behaviours_flagged": "Behaviours flagged",
            "won_amount": "Won amount",
            "won_amount_attainment": "Attainment",
            "win_rate_by_count": "Win rate",
            "activity_points": "Activity points",
            "visits": "Visits",
            "account_nps": "Account NPS",
        },
    )
    st.subheader("Behaviours flagged (I1-I7)")
    flags = shared.read(INTEGRITY, *quarter)
    flags = flags[flags["owner_user_id"].isin(filters.rep_ids())]
    flags = flags.merge(filters.reps.rename(columns={"user_id": "owner_user_id"})[["owner_user_id", "user_name"]])
    shared.table(INTEGRITY, flags.sort_values("user_name"), {"dim_reps.user_name": "Rep", **FLAGS})
    shared.definitions_panel()
