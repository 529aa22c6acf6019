"""Customer KPIs recomputed independently from the raw sample CSVs with pandas,
compared with the marts; and the planted churners' falling NPS revealed.
Fiscal years equal calendar years here (fiscal_year_start_month = 1)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from conftest import SAMPLE, flag, not_deleted
from conftest import read_export as read

AS_OF = pd.Timestamp("2026-06-30")
YEAR = pd.DateOffset(months=12)


@pytest.fixture(scope="module")
def won() -> pd.DataFrame:
    opportunities = read("Opportunity.csv")
    opportunities = opportunities[flag(opportunities["iswon"]) & not_deleted(opportunities)].copy()
    opportunities["close_date"] = pd.to_datetime(opportunities["closedate"])
    opportunities["amount"] = pd.to_numeric(opportunities["amount"])
    rates = read("DatedConversionRate.csv")
    rates["start"] = pd.to_datetime(rates["startdate"])
    rates["end"] = pd.to_datetime(rates["nextstartdate"].replace("", "2999-12-31"))
    rates["rate"] = pd.to_numeric(rates["conversionrate"])

    def to_eur(row: pd.Series) -> float:
        if row["currencyisocode"] == "EUR":
            return row["amount"]
        rate = rates[
            (rates["isocode"] == row["currencyisocode"])
            & (rates["start"] <= row["close_date"])
            & (row["close_date"] < rates["end"])
        ]["rate"].iloc[0]
        return row["amount"] / rate

    opportunities["amount_eur"] = opportunities.apply(to_eur, axis=1)
    return opportunities[opportunities["close_date"] <= AS_OF]


def spells(won: pd.DataFrame) -> pd.DataFrame:
    """Merge each account's 12-month windows after its wins into active spells."""
    rows = []
    for account, group in won.sort_values(["accountid", "close_date"]).groupby("accountid"):
        start = end = None
        for close in group["close_date"]:
            if end is not None and close <= end:
                end = max(end, close + YEAR)
            else:
                if start is not None:
                    rows.append((account, start, end))
                start, end = close, close + YEAR
        rows.append((account, start, end))
    return pd.DataFrame(rows, columns=["account", "active_from", "active_until"])


def test_acv_per_year(won, marts) -> None:
    """C1: annualised value (amount x 12 / term, 12 when empty) / contracts, per fiscal year."""
    term = pd.to_numeric(won["contracttermmonths__c"].replace("", "12"))
    won = won.assign(annualised=won["amount_eur"] * 12 / term, year=won["close_date"].dt.year)
    expected = won.groupby("year")["annualised"].agg(["sum", "size"])
    actual = marts(
        "select fiscal_year, sum(annualised_contract_value) as value, sum(contracts_won) as contracts "
        "from marts.rpt_acv_rep_segment_yearly group by 1"
    ).set_index("fiscal_year")
    assert sorted(actual.index) == sorted(expected.index) == [2024, 2025, 2026]
    for year, row in expected.iterrows():
        assert actual.loc[year, "contracts"] == row["size"]
        assert abs(float(actual.loc[year, "value"]) - row["sum"]) < 0.01 * row["size"]
        assert abs(float(actual.loc[year, "value"]) / actual.loc[year, "contracts"] - row["sum"] / row["size"]) < 0.01


def test_annual_retention(won, marts) -> None:
    """C3 for fiscal 2025: customers active on 1 January and still active on 31 December (a lapse between is kept)."""
    spell = spells(won)
    start, end = pd.Timestamp("2025-01-01"), pd.Timestamp("2025-12-31")
    at_start = spell[(spell["active_from"] <= start) & (spell["active_until"] > start)]
    at_end = spell[(spell["active_from"] <= end) & (spell["active_until"] > end)]
    retained = at_start[at_start["account"].isin(at_end["account"])]
    actual = marts(
        "select sum(customers_at_start) as base, sum(retained_customers) as kept "
        "from marts.rpt_customer_retention_segment_yearly where fiscal_year = 2025"
    )
    assert actual["base"].iloc[0] == len(at_start) > 100
    assert actual["kept"].iloc[0] == len(retained)


def test_customer_loss_at_the_as_of_date(won, marts) -> None:
    """C4: share of ever-customers with no win in the 12 months up to the as-of date."""
    ever = won.groupby("accountid")["close_date"].min()
    active = won[(won["close_date"] <= AS_OF) & (won["close_date"] + YEAR > AS_OF)]["accountid"].nunique()
    actual = marts(
        "select ever_customers, active_customers, customer_loss_rate from marts.rpt_customer_loss_monthly "
        "where measured_on = '2026-06-30'"
    )
    assert actual["ever_customers"].iloc[0] == len(ever)
    assert actual["active_customers"].iloc[0] == active
    assert abs(float(actual["customer_loss_rate"].iloc[0]) - (len(ever) - active) / len(ever)) < 1e-6


def test_nps_per_month(marts) -> None:
    """C7: 100 x (promoters - detractors) / scored responses, per month; unscored responses apart; responses
    of a soft-deleted account do not count."""
    responses = read("nps_responses.csv")
    responses = responses[not_deleted(responses, account_column="account_id")].copy()
    responses["month"] = pd.to_datetime(responses["responded_at"].str[:7] + "-01")
    responses["score"] = pd.to_numeric(responses["score"].replace("", None))
    grouped = responses.groupby("month")
    expected = pd.DataFrame(
        {
            "scored": grouped["score"].count(),
            "unscored": grouped["score"].apply(lambda s: s.isna().sum()),
            "nps": grouped["score"].apply(lambda s: 100 * ((s >= 9).sum() - (s <= 6).sum()) / s.notna().sum()),
        }
    )
    actual = marts("select * from marts.rpt_nps_monthly").set_index("month_start_date")
    actual.index = pd.to_datetime(actual.index)
    assert len(actual) == len(expected) > 20
    joined = expected.join(actual, suffixes=("_x", "_y"))
    assert (joined["scored"] == joined["scored_responses"]).all()
    assert (joined["unscored"] == joined["unscored_responses"]).all()
    assert ((joined["nps_x"] - joined["nps_y"].astype(float)).abs() < 1e-5).all()


def test_planted_churners_nps_fell_before_they_left(marts) -> None:
    """The generator's churned customers score lower in the 6 months before their last purchase."""
    facts = json.loads((SAMPLE / "planted_facts.json").read_text())
    churned = {f["account_id"]: pd.Timestamp(f["last_purchase"]) for f in facts["churned_accounts"]}
    responses = marts("select account_id, responded_date, score from marts.fct_nps_responses where score is not null")
    responses["responded_date"] = pd.to_datetime(responses["responded_date"])
    last = responses["account_id"].map(churned)
    before_leaving = responses[
        last.notna()
        & (responses["responded_date"] >= last - pd.DateOffset(months=6))
        & (responses["responded_date"] <= last)
    ]
    others = responses[last.isna()]

    def nps(scores: pd.Series) -> float:
        return 100 * ((scores >= 9).sum() - (scores <= 6).sum()) / len(scores)

    assert len(before_leaving) >= 20
    assert before_leaving["score"].mean() < others["score"].mean() - 2
    assert nps(before_leaving["score"]) < nps(others["score"]) - 30


def test_lift_of_the_top_product_pair(won, marts) -> None:
    """C5: over customers with a won product line, lift(X -> Y) = P(Y | X) / P(Y); the mart's top pair agrees."""
    lines = read("OpportunityLineItem.csv")
    lines = lines[~flag(lines["isdeleted"])].merge(won[["id", "accountid"]], left_on="opportunityid", right_on="id")
    baskets = lines.groupby("accountid")["product2id"].apply(set)
    customers = len(baskets)
    top = marts(
        "select product_id, paired_product_id, lift, support from marts.rpt_product_affinity_product_pair "
        "order by lift desc, product_id, paired_product_id limit 1"
    ).iloc[0]
    with_x = sum(top["product_id"] in basket for basket in baskets)
    with_y = sum(top["paired_product_id"] in basket for basket in baskets)
    both = sum({top["product_id"], top["paired_product_id"]} <= basket for basket in baskets)
    assert both >= 2
    assert abs(float(top["lift"]) - (both / with_x) / (with_y / customers)) < 1e-5
    assert abs(float(top["support"]) - both / customers) < 1e-6
    # and no pair above the minimum support has a higher lift than the one the mart ranks first
    products = sorted(set().union(*baskets))
    best = 0.0
    for x in products:
        for y in products:
            if x == y:
                continue
            pair_both = sum({x, y} <= basket for basket in baskets)
            if pair_both / customers >= 0.01:
                px = sum(x in basket for basket in baskets)
                py = sum(y in basket for basket in baskets)
                best = max(best, (pair_both / px) / (py / customers))
    assert abs(float(top["lift"]) - best) < 1e-5


def test_historical_value_to_date_per_account(won: pd.DataFrame, marts) -> None:
    """C2 historical value to date: every account's won amounts in EUR up to the as-of date, and the total."""
    expected = won.groupby("accountid")["amount_eur"].sum()
    actual = marts(
        "select account_id, historical_value_to_date, won_opportunities, unconverted_won_opportunities "
        "from marts.rpt_customer_value_to_date_account"
    ).set_index("account_id")
    assert actual["unconverted_won_opportunities"].sum() == 0
    assert actual["won_opportunities"].sum() == len(won) > 100
    buyers = actual[actual["won_opportunities"] > 0]
    assert set(buyers.index) == set(expected.index)
    difference = (buyers["historical_value_to_date"].astype(float) - expected.reindex(buyers.index)).abs()
    assert difference.max() < 0.01
    assert (actual.loc[actual["won_opportunities"] == 0, "historical_value_to_date"] == 0).all()
