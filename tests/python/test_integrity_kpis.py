"""The planted gaming behaviours of the sample generator are the test of the CRM-integrity
KPIs (I1-I8): each KPI flags exactly the planted reps in the planted quarters."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import PROJECT_DIR

FACTS = json.loads((PROJECT_DIR / "seeds" / "sample_export" / "planted_facts.json").read_text())

# planted behaviour in planted_facts.json -> the flag column of rpt_integrity_rep_quarterly
BEHAVIOURS = {
    "late_registration": "is_late_registration_flagged",
    "backdating": "is_backdating_flagged",
    "close_date_pushing": "is_close_date_pushing_flagged",
    "quarter_end_closing": "is_quarter_end_closing_flagged",
    "probability_massaging": "is_probability_massaging_flagged",
    "hiding_lost_deals": "is_missing_losses_flagged",
    "selective_prospecting": "is_selective_prospecting_flagged",
}


@pytest.fixture(scope="module")
def integrity(sample_warehouse: Path) -> pd.DataFrame:
    con = duckdb.connect(str(sample_warehouse), read_only=True)
    frame = con.execute("select * from marts.rpt_integrity_rep_quarterly").df()
    con.close()
    frame["quarter"] = pd.to_datetime(frame["fiscal_quarter_start_date"])
    return frame


def planted_quarters(fact: dict) -> list[pd.Timestamp]:
    """Fiscal (= calendar, the sample's default) quarters wholly inside the planted window."""
    starts = pd.date_range(fact["from"], fact["to"], freq="QS")
    return [start for start in starts if start + pd.offsets.QuarterEnd(0) <= pd.Timestamp(fact["to"])]


@pytest.mark.parametrize("behaviour", sorted(BEHAVIOURS))
def test_each_kpi_flags_exactly_the_planted_reps(behaviour: str, integrity: pd.DataFrame) -> None:
    flag = BEHAVIOURS[behaviour]
    planted = {(fact["user_id"], quarter) for fact in FACTS[behaviour] for quarter in planted_quarters(fact)}
    assert len(planted) >= 6
    rows = integrity[integrity[flag]]
    flagged = set(zip(rows["owner_user_id"], rows["quarter"], strict=True))
    missed = planted - flagged
    false_flags = flagged - planted
    assert not missed, f"{flag} missed planted rep-quarters {sorted(missed)}"
    assert len(false_flags) <= 1, f"{flag} flagged honest rep-quarters {sorted(false_flags)}"


def test_backdating_is_flagged_in_every_planted_month(sample_warehouse: Path) -> None:
    """I2 at its own grain, rep x month."""
    con = duckdb.connect(str(sample_warehouse), read_only=True)
    monthly = con.execute("select * from marts.rpt_backdated_logging_rep_monthly").df()
    con.close()
    monthly["month"] = pd.to_datetime(monthly["month_start_date"])
    planted = set()
    for fact in FACTS["backdating"]:
        for month in pd.date_range(fact["from"], fact["to"], freq="MS"):
            planted.add((fact["user_id"], month))
    rows = monthly[monthly["is_backdating_flagged"]]
    flagged = set(zip(rows["owner_user_id"], rows["month"], strict=True))
    assert planted <= flagged
    assert len(flagged - planted) <= 1


def test_honest_reps_score_above_gaming_reps(integrity: pd.DataFrame) -> None:
    """I8: in every planted quarter, every gaming rep scores below every honest rep but one at most."""
    window = FACTS["gaming_window"]
    gaming = {fact["user_id"] for behaviour in BEHAVIOURS for fact in FACTS[behaviour]}
    quarters = planted_quarters(window)
    for quarter in quarters:
        rows = integrity[integrity["quarter"] == quarter]
        honest = rows.loc[~rows["owner_user_id"].isin(gaming), "integrity_score"].astype(float).sort_values()
        cheats = rows.loc[rows["owner_user_id"].isin(gaming), "integrity_score"].astype(float)
        assert len(honest) >= 5 and len(cheats) >= 5
        lowest_honest = honest.iloc[1] if len(honest) > 1 else honest.iloc[0]
        assert cheats.max() < lowest_honest, quarter
    averages = integrity[integrity["quarter"].isin(quarters)].groupby("owner_user_id")["integrity_score"].mean()
    assert averages[list(gaming)].max() < averages.drop(list(gaming)).min()
