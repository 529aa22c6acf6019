"""The sample generator: deterministic, complete, realistic, with its quirks and planted facts."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import PROJECT_DIR, generate
from input_contract import EXPORT_FILES

SAMPLE = PROJECT_DIR / "seeds" / "sample_export"


def read_rows(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", seed=3, scale=0.2)
    second = generate(tmp_path / "b", seed=3, scale=0.2)
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_another_seed_gives_another_company(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", seed=3, scale=0.2)
    second = generate(tmp_path / "b", seed=4, scale=0.2)
    assert (first / "Opportunity.csv").read_bytes() != (second / "Opportunity.csv").read_bytes()


def test_committed_sample_is_what_the_generator_writes(tmp_path: Path) -> None:
    """seeds/sample_export is reproducible: seed 42, scale 1, --for-dbt-seed."""
    fresh = generate(tmp_path / "sample", 42, 1.0, "--for-dbt-seed")
    for path in sorted(SAMPLE.iterdir()):
        assert path.read_bytes() == (fresh / path.name).read_bytes(), f"{path.name} differs from a fresh generation"


def test_every_contract_file_and_column_is_written(other_export: Path) -> None:
    for spec in EXPORT_FILES:
        rows = read_rows(other_export / spec.file_name)
        assert rows, spec.file_name
        header = {h.lower() for h in rows[0]}
        assert {c.name.lower() for c in spec.columns} <= header, spec.file_name


def test_volumes_match_the_brief() -> None:
    """~25 reps, ~1,500 accounts (+-40%), ~6,000 leads, ~3,000 opportunities, ~60,000 activities, 12 products."""
    counts = json.loads((SAMPLE / "planted_facts.json").read_text())["row_counts"]
    reps = [r for r in read_rows(SAMPLE / "rep_roster.csv") if r["role"] == "account_executive"]
    assert 22 <= len(reps) <= 28
    assert 1_000 <= counts["Account.csv"] <= 2_100
    assert 5_000 <= counts["Lead.csv"] <= 7_000
    assert 2_400 <= counts["Opportunity.csv"] <= 3_600
    assert 50_000 <= counts["Task.csv"] + counts["Event.csv"] <= 70_000
    assert counts["Product2.csv"] == 12
    teams = {(r["team"], r["region"]) for r in reps}
    assert len(teams) == 4


def test_history_spans_two_and_a_half_years_with_two_currencies() -> None:
    opportunities = read_rows(SAMPLE / "Opportunity.csv")
    created = sorted(o["CreatedDate"][:10] for o in opportunities)
    assert created[0] < "2024-02-01" and created[-1] > "2026-05-01"
    assert {o["CurrencyIsoCode"] for o in opportunities} == {"EUR", "GBP"}
    rates = read_rows(SAMPLE / "DatedConversionRate.csv")
    assert {r["IsoCode"] for r in rates} == {"EUR", "GBP"}


def test_reps_are_hired_and_leave_during_the_period() -> None:
    roster = [r for r in read_rows(SAMPLE / "rep_roster.csv") if r["role"] == "account_executive"]
    assert sum("2024-01-01" <= r["hire_date"] <= "2026-06-30" for r in roster) >= 4
    assert sum(bool(r["termination_date"]) for r in roster) >= 2


def test_opportunity_history_walks_mapped_stages() -> None:
    mapped = {r["crm_value"] for r in read_rows(PROJECT_DIR / "seeds" / "reference" / "stage_mapping.csv")}
    history = read_rows(SAMPLE / "OpportunityHistory.csv")
    assert {h["StageName"] for h in history} <= mapped
    # more than one change per opportunity on average: the walk is recorded, not just the end state
    assert len(history) > 3 * len(read_rows(SAMPLE / "Opportunity.csv"))


def test_quirks_of_real_exports_are_present(other_export: Path) -> None:
    account_bytes = (other_export / "Account.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        account_bytes.decode("utf-8")
    assert "“".encode("cp1252") in account_bytes  # curly quote 0x93: rejected by DuckDB's latin-1 reader
    assert b"\r\n" in (other_export / "Task.csv").read_bytes()
    assert b"\r\n" not in (other_export / "Opportunity.csv").read_bytes()
    assert (other_export / "Contact.csv").read_text().startswith("id,accountid,ownerid")
    assert "Legacy_Id__c" in (other_export / "Opportunity.csv").read_text().splitlines()[0]
    opportunities = read_rows(other_export / "Opportunity.csv")
    assert any(o["IsDeleted"] == "true" for o in opportunities)
    assert any(o["ContractTermMonths__c"] == "" for o in opportunities)


def test_seed_copy_is_utf8_for_dbt_seed() -> None:
    for path in SAMPLE.glob("*.csv"):
        path.read_bytes().decode("utf-8")  # dbt seed reads UTF-8 only


def test_planted_facts_name_distinct_existing_reps() -> None:
    facts = json.loads((SAMPLE / "planted_facts.json").read_text())
    rep_ids = {r["user_id"] for r in read_rows(SAMPLE / "rep_roster.csv")}
    behaviours = [
        "backdating",
        "close_date_pushing",
        "late_registration",
        "probability_massaging",
        "hiding_lost_deals",
        "quarter_end_closing",
        "selective_prospecting",
        "bottleneck",
    ]
    planted = [f["user_id"] for b in behaviours for f in facts[b]]
    assert set(planted) <= rep_ids
    assert len(planted) == len(set(planted)), "each planted rep has one behaviour, so detection is unambiguous"
    assert {(b["from_stage"], b["to_stage"]) for b in facts["bottleneck"]} == {
        ("Approach", "Demo"),
        ("Demo", "Quote"),
        ("Quote", "Close"),
    }
    assert len(facts["ramping_hires"]) >= 4
    assert len(facts["churned_accounts"]) >= 20


def test_backdaters_log_late_and_honest_reps_do_not() -> None:
    """The planted back-dating is visible in the raw rows (the I2 KPI must find it later)."""
    facts = json.loads((SAMPLE / "planted_facts.json").read_text())
    backdaters = {f["user_id"] for f in facts["backdating"]}
    late: dict[str, list[int]] = {}
    for task in read_rows(SAMPLE / "Task.csv"):
        if task["ActivityDate"] >= "2025-01-01" and task["Status"] == "Completed":
            lag = (_days(task["CreatedDate"][:10]) - _days(task["ActivityDate"])) > 3
            late.setdefault(task["OwnerId"], []).append(lag)
    shares = {rep: sum(v) / len(v) for rep, v in late.items() if len(v) > 50}
    for rep, share in shares.items():
        if rep in backdaters:
            assert share > 0.4, (rep, share)
        else:
            assert share < 0.05, (rep, share)


def _days(iso_date: str) -> int:
    from datetime import date

    return date.fromisoformat(iso_date).toordinal()


def test_closed_and_won_flags_agree_with_the_final_stage() -> None:
    """Win/loss come from the flags (catalogue rule); the generator must write flags and stages that agree."""
    for opportunity in read_rows(SAMPLE / "Opportunity.csv"):
        stage = opportunity["StageName"]
        assert (opportunity["IsClosed"] == "true") == (stage in ("Closed Won", "Closed Lost")), opportunity["Id"]
        assert (opportunity["IsWon"] == "true") == (stage == "Closed Won"), opportunity["Id"]
