"""Activity and team KPIs recomputed independently from the raw sample CSVs with
pandas, compared with the marts; and the planted ramp times found."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from conftest import PROJECT_DIR, SAMPLE, flag, not_deleted
from conftest import read_export as read

REFERENCE = PROJECT_DIR / "seeds" / "reference"


def test_planted_ramping_hires_ramp_inside_their_ranges(marts) -> None:
    """A8: every ramping hire's first prospect contact and first win fall in the range the generator planted."""
    facts = json.loads((SAMPLE / "planted_facts.json").read_text())
    ramp = marts("select user_id, days_to_first_prospect_contact, days_to_first_win from marts.rpt_ramp_rep")
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
        f"select activity_points, activities from marts.rpt_activities_rep_weekly "
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
        "select spend_amount, new_leads, cost_per_lead from marts.rpt_marketing_efficiency_channel_monthly "
        "where channel = 'Website & SEO' and month_start_date = '2026-05-01'"
    )
    assert actual["new_leads"].iloc[0] == len(leads) > 10
    assert abs(float(actual["spend_amount"].iloc[0]) - spend.sum()) < 0.005
    assert abs(float(actual["cost_per_lead"].iloc[0]) - spend.sum() / len(leads)) < 1e-5


def test_cost_per_lead_all_channels_for_one_month(marts) -> None:
    """A9 per month: all spend of the month / every lead created that month (unmapped sources included)."""
    leads = read("Lead.csv")
    leads = leads[~flag(leads["isdeleted"]) & leads["createddate"].str.startswith("2026-05")]
    spend = read("marketing_spend.csv")
    spend = pd.to_numeric(spend[spend["month"] == "2026-05-01"]["amount"])
    actual = marts(
        "select spend_amount, new_leads, cost_per_lead from marts.rpt_marketing_efficiency_monthly "
        "where month_start_date = '2026-05-01'"
    )
    assert actual["new_leads"].iloc[0] == len(leads) > 10
    assert abs(float(actual["spend_amount"].iloc[0]) - spend.sum()) < 0.005
    assert abs(float(actual["cost_per_lead"].iloc[0]) - spend.sum() / len(leads)) < 1e-5


REP = "005SK0000000000012"  # an account executive employed through 2025, with targets


@pytest.fixture(scope="module")
def visits() -> pd.DataFrame:
    """Completed, non-deleted visits (event types the seed marks as visits), with the account each concerns."""
    seed = read("activity_types.csv", REFERENCE)
    visit_types = set(seed.loc[(seed["activity_object"] == "Event") & flag(seed["is_visit"]), "crm_type"])
    events = read("Event.csv")
    events = events[~flag(events["isdeleted"]) & events["type"].isin(visit_types)].copy()
    contacts = read("Contact.csv").set_index("id")["accountid"]
    opportunities = read("Opportunity.csv").set_index("id")["accountid"]

    def account_of(row) -> str:
        if row.accountid:
            return row.accountid
        if row.whatid.startswith("001"):
            return row.whatid
        if row.whoid.startswith("003") and contacts.get(row.whoid, ""):
            return contacts[row.whoid]
        return opportunities.get(row.whatid, "") if row.whatid.startswith("006") else ""

    events["account"] = [account_of(row) for row in events.itertuples()]
    events["lead"] = events["whoid"].where(events["whoid"].str.startswith("00Q"), "")
    return events


def test_visits_per_day_for_one_rep_and_month(visits, marts) -> None:
    """A2: the rep's visits on every day of May 2025, and visits per working day of the weeks inside that month."""
    mine = visits[(visits["ownerid"] == REP) & visits["activitydate"].str.startswith("2025-05")]
    per_day = mine["activitydate"].value_counts()
    daily = marts(
        f"select cast(activity_date as varchar) as day, visits from marts.rpt_activities_rep_daily "
        f"where owner_user_id = '{REP}' and activity_date between '2025-05-01' and '2025-05-31' and visits > 0"
    ).set_index("day")["visits"]
    assert daily.to_dict() == per_day.to_dict()
    assert per_day.sum() > 10
    # the Mondays of the weeks that lie wholly in May 2025: 5, 12, 19 and 26 May (Monday to Friday = 5 working days)
    weekly = marts(
        f"select cast(week_start_date as varchar) as week, working_days, visits, visits_per_working_day "
        f"from marts.rpt_visits_rep_weekly where owner_user_id = '{REP}' "
        f"and week_start_date in ('2025-05-05', '2025-05-12', '2025-05-19', '2025-05-26')"
    ).set_index("week")
    for monday in ("2025-05-05", "2025-05-12", "2025-05-19", "2025-05-26"):
        days = pd.date_range(monday, periods=7).strftime("%Y-%m-%d")
        expected = int(mine["activitydate"].isin(days).sum())
        assert weekly.loc[monday, "working_days"] == 5
        assert weekly.loc[monday, "visits"] == expected
        assert abs(float(weekly.loc[monday, "visits_per_working_day"]) - expected / 5) < 1e-6


def test_capacity_plan_of_one_rep_for_one_year(visits, marts) -> None:
    """A4 for 2025, every step recomputed from the roster, targets, events and opportunities."""
    roster = read("rep_roster.csv").set_index("user_id")
    hire, leave = roster.loc[REP, "hire_date"], roster.loc[REP, "termination_date"]
    assert hire < "2025-01-01" and leave == "", "the test needs a rep employed all of 2025"
    working_days = 220.0  # var working_days_per_year, employed on every weekday of the year

    opportunities = read("Opportunity.csv")
    opportunities = opportunities[not_deleted(opportunities)]
    won = opportunities[flag(opportunities["iswon"])]
    first_won = won.groupby("accountid")["closedate"].min()
    mine = visits[(visits["ownerid"] == REP) & visits["activitydate"].str.startswith("2025")]

    def is_loyalty(account: str, day: str) -> bool:
        if not account or first_won.get(account, "9999") > day:
            return False
        deals = opportunities[opportunities["accountid"] == account]
        open_then = (deals["createddate"].str[:10] <= day) & (~flag(deals["isclosed"]) | (deals["closedate"] >= day))
        return not open_then.any()

    loyalty = sum(is_loyalty(a, d) for a, d in zip(mine["account"], mine["activitydate"], strict=True))

    targets = read("sales_targets.csv")
    targets = targets[(targets["user_id"] == REP) & targets["period_start"].str.startswith("2025")]
    visits_per_day = pd.to_numeric(targets.loc[targets["metric"] == "visits_per_day", "target_value"]).mean()
    won_target = pd.to_numeric(targets.loc[targets["metric"] == "won_amount", "target_value"]).sum()

    orders = won[(won["ownerid"] == REP) & won["closedate"].str.startswith("2025")]
    assert (orders["currencyisocode"] == "EUR").all(), "amounts are taken as EUR here"
    average_order_size = pd.to_numeric(orders["amount"]).sum() / len(orders)
    visits_per_order = len(mine) / len(orders)

    visit_capacity = working_days * visits_per_day
    sales_capacity = visit_capacity - loyalty
    revenue_capacity = visits_per_order * won_target / average_order_size
    expected = {
        "working_days": working_days,
        "visits_per_day": visits_per_day,
        "visit_capacity": visit_capacity,
        "service_visits": loyalty,
        "sales_capacity": sales_capacity,
        "won_amount_target": won_target,
        "average_order_size": average_order_size,
        "visits_per_order": visits_per_order,
        "revenue_capacity": revenue_capacity,
        "rest_capacity": sales_capacity - revenue_capacity,
    }
    actual = marts(
        f"select * from marts.rpt_capacity_plan_rep_yearly where owner_user_id = '{REP}' and fiscal_year = 2025"
    ).iloc[0]
    assert loyalty > 0 and len(orders) > 3 and won_target > 0
    for column, value in expected.items():
        assert abs(float(actual[column]) - value) < 1e-3 * max(1.0, abs(value)), (column, actual[column], value)
    assert bool(actual["is_rest_capacity_negative"]) == (expected["rest_capacity"] < 0)


def test_rep_retention_hire_cohort_matches_the_roster(marts) -> None:
    """A7 per hire cohort (team 'all'): hired, eligible (12 months over by the as-of date 2026-06-30) and still
    employed on the day 12 months after hire, recomputed per fiscal year of hire from rep_roster.csv.
    (No sample rep leaves within 12 months; the unit test covers a leaver.)"""
    roster = read("rep_roster.csv")
    roster = roster[roster["role"] == "account_executive"].copy()
    hired = pd.to_datetime(roster["hire_date"])
    anniversary = hired + pd.DateOffset(months=12)
    left = pd.to_datetime(roster["termination_date"].replace("", None))
    roster["cohort"] = hired.dt.year
    roster["eligible"] = anniversary <= pd.Timestamp("2026-06-30")
    roster["retained"] = roster["eligible"] & (left.isna() | (left >= anniversary))
    expected = roster.groupby("cohort")[["eligible", "retained"]].sum()
    expected["hired"] = roster.groupby("cohort").size()
    actual = marts(
        "select hire_fiscal_year, hired_reps, eligible_reps, retained_reps "
        "from marts.rpt_rep_retention_hire_cohort where team = 'all'"
    ).set_index("hire_fiscal_year")
    assert sorted(actual.index) == sorted(expected.index)
    assert actual["hired_reps"].sum() == len(roster) > 10
    for cohort, row in expected.iterrows():
        assert actual.loc[cohort].tolist() == [row["hired"], row["eligible"], row["retained"]], cohort


def test_rep_ramp_hire_cohort_rolls_up_the_per_rep_ramp(marts) -> None:
    """A8 per hire cohort: counts and medians equal a pandas roll-up of rpt_ramp_rep, cohort by cohort."""
    ramp = marts("select * from marts.rpt_ramp_rep")
    rollup = marts("select * from marts.rpt_ramp_hire_cohort_quarterly").set_index("hire_fiscal_quarter_start_date")
    assert rollup["hired_reps"].sum() == len(ramp) > 10
    for cohort, reps in ramp.groupby("hire_fiscal_quarter_start_date"):
        row = rollup.loc[cohort]
        assert row["hired_reps"] == len(reps)
        assert row["reps_with_first_win"] == reps["days_to_first_win"].notna().sum()
        if reps["days_to_first_win"].notna().any():
            assert abs(float(row["median_days_to_first_win"]) - reps["days_to_first_win"].median()) < 1e-6


def test_territory_acch_counts_the_contacts_of_its_accounts(marts) -> None:
    """A6 over contacts: per territory, the non-deleted contacts created by 2026-06-30 of the territory's
    non-deleted accounts; contacts of no account under 'Unknown'; contacts of a deleted account are deleted."""
    accounts = read("Account.csv")
    accounts = accounts[~flag(accounts["isdeleted"])].set_index("id")["territory__c"]
    contacts = read("Contact.csv")
    contacts = contacts[not_deleted(contacts) & (contacts["createddate"].str[:10] <= "2026-06-30")]
    territory = contacts["accountid"].map(accounts).fillna("").replace("", "Unknown")
    expected = territory.value_counts()
    actual = marts(
        "select territory, contact_members from marts.rpt_acch_territory_quarterly "
        "where fiscal_quarter_start_date = '2026-04-01'"
    ).set_index("territory")["contact_members"]
    assert actual.sum() == len(contacts) > 1000
    assert actual.to_dict() == expected.to_dict()
