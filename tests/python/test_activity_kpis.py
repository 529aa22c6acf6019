"""Activity and team KPIs recomputed independently from the raw sample CSVs with
pandas, compared with the marts; and the planted ramp times found."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import PROJECT_DIR

SAMPLE = PROJECT_DIR / "seeds" / "sample_export"
REFERENCE = PROJECT_DIR / "seeds" / "reference"


def read(name: str, folder: Path = SAMPLE) -> pd.DataFrame:
    frame = pd.read_csv(folder / name, dtype=str, keep_default_na=False)
    frame.columns = [c.lower() for c in frame.columns]
    return frame


def flag(series: pd.Series) -> pd.Series:
    return series.str.strip().str.lower().isin(["true", "1"])


@pytest.fixture(scope="module")
def marts(sample_warehouse: Path):
    con = duckdb.connect(str(sample_warehouse), read_only=True)
    yield lambda sql: con.execute(sql).df()
    con.close()


def test_planted_ramping_hires_ramp_inside_their_ranges(marts) -> None:
    """A8: every ramping hire's first prospect contact and first win fall in the range the generator planted."""
    facts = json.loads((SAMPLE / "planted_facts.json").read_text())
    ramp = marts("select user_id, days_to_first_prospect_contact, days_to_first_win from marts.rpt_rep_ramp")
    ramp = ramp.set_index("user_id")
    assert len(facts["ramping_hires"]) >= 4
    for hire in facts["ramping_hires"]:
        contact_low, contact_high = hire["first_prospect_contact_days"]
        won_low, won_high = hire["first_won_days"]
        assert contact_low <= ramp.loc[hire["user_id"], "days_to_first_prospect_contact"] <= contact_high, hire
        assert won_low <= ramp.loc[hire["user_id"], "days_to_first_win"] <= won_high, hire


def test_activity_points_of_one_rep_for_one_week(marts) -> None:
    """A1: points of completed, non-deleted tasks and events, week of Monday 2025-06-02, per the activity_types seed."""
    points = read("activity_types.csv", REFERENCE)
    points = {(r.activity_object, r.crm_type): int(r.points) for r in points.itertuples()}
    tasks = read("Task.csv")
    tasks = tasks[flag(tasks["isclosed"]) & ~flag(tasks["isdeleted"])].assign(object="Task")
    events = read("Event.csv")
    events = events[~flag(events["isdeleted"])].assign(object="Event")
    activities = pd.concat(
        [tasks[["ownerid", "type", "activitydate", "object"]], events[["ownerid", "type", "activitydate", "object"]]]
    )
    week = activities[(activities["activitydate"] >= "2025-06-02") & (activities["activitydate"] <= "2025-06-08")]
    rep = week["ownerid"].value_counts().index[0]
    mine = week[week["ownerid"] == rep]
    expected = sum(points[(o, t)] for o, t in zip(mine["object"], mine["type"], strict=True))
    actual = marts(
        f"select activity_points, activities from marts.rpt_rep_activities_weekly "
        f"where owner_user_id = '{rep}' and week_start_date = '2025-06-02'"
    )
    assert actual["activities"].iloc[0] == len(mine) > 5
    assert actual["activity_points"].iloc[0] == expected


def test_rep_retention_for_one_year(marts) -> None:
    """A7 for 2025: account executives hired by 2024-12-31, not gone before 2025, still employed on 2025-12-31."""
    roster = read("rep_roster.csv")
    roster = roster[roster["role"] == "account_executive"]
    base = roster[
        (roster["hire_date"] <= "2024-12-31")
        & ((roster["termination_date"] == "") | (roster["termination_date"] >= "2025-01-01"))
    ]
    kept = base[(base["termination_date"] == "") | (base["termination_date"] >= "2025-12-31")]
    actual = marts(
        "select eligible_reps, retained_reps, rep_retention_rate from marts.rpt_rep_retention_yearly "
        "where fiscal_year = 2025 and team = 'all'"
    )
    assert actual["eligible_reps"].iloc[0] == len(base) > 10
    assert actual["retained_reps"].iloc[0] == len(kept)
    assert abs(float(actual["rep_retention_rate"].iloc[0]) - len(kept) / len(base)) < 1e-6


def test_cost_per_lead_for_one_channel_and_month(marts) -> None:
    """A9: the channel's spend in the month / leads created that month from the lead sources mapped to it."""
    channels = read("lead_source_channels.csv", REFERENCE)
    sources = set(channels.loc[channels["channel"] == "Website & SEO", "lead_source"])
    leads = read("Lead.csv")
    leads = leads[
        ~flag(leads["isdeleted"]) & leads["leadsource"].isin(sources) & leads["createddate"].str.startswith("2026-05")
    ]
    spend = read("marketing_spend.csv")
    spend = pd.to_numeric(spend[(spend["channel"] == "Website & SEO") & (spend["month"] == "2026-05-01")]["amount"])
    actual = marts(
        "select spend_amount, new_leads, cost_per_lead from marts.rpt_marketing_efficiency_monthly "
        "where channel = 'Website & SEO' and month_start_date = '2026-05-01'"
    )
    assert actual["new_leads"].iloc[0] == len(leads) > 10
    assert abs(float(actual["spend_amount"].iloc[0]) - spend.sum()) < 0.005
    assert abs(float(actual["cost_per_lead"].iloc[0]) - spend.sum() / len(leads)) < 1e-5
