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


def test_sample_has_deleted_accounts_with_live_records() -> None:
    """Soft-deleted accounts that still carry live won opportunities, contacts and NPS responses (an export
    Salesforce's cascade would not write, but real migrations do): the effect of excluding them is measurable
    (rpt_data_quality_exclusions_rule: soft_deleted_account, opportunity_of_deleted_account, ...)."""
    deleted = {a["Id"] for a in read_rows(SAMPLE / "Account.csv") if a["IsDeleted"] == "true"}
    live_won = [
        o
        for o in read_rows(SAMPLE / "Opportunity.csv")
        if o["AccountId"] in deleted and o["IsDeleted"] == "false" and o["IsWon"] == "true"
    ]
    contacts = [
        c for c in read_rows(SAMPLE / "Contact.csv") if c["accountid"] in deleted and c["isdeleted"] == "false"
    ]  # lower-case header: a quirk
    responses = [r for r in read_rows(SAMPLE / "nps_responses.csv") if r["account_id"] in deleted]
    assert (len(deleted), len(live_won), len(contacts), len(responses)) == (12, 7, 24, 30)


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


# ------------------------------------------------------------------ another company (--company other)


@pytest.fixture(scope="module")
def other_company(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("other_company") / "export", 7, 0.5, "--company", "other")


def profile_facts(export: Path) -> dict:
    return json.loads((export / "planted_facts.json").read_text())["company_profile"]


def test_other_company_is_deterministic(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", 3, 0.2, "--company", "other")
    second = generate(tmp_path / "b", 3, 0.2, "--company", "other")
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_company_sample_is_the_default_and_other_is_the_same_company_in_other_words(tmp_path: Path) -> None:
    default = generate(tmp_path / "default", 3, 0.2)
    sample = generate(tmp_path / "sample", 3, 0.2, "--company", "sample")
    other = generate(tmp_path / "other", 3, 0.2, "--company", "other")
    for path in sorted(default.iterdir()):
        assert path.read_bytes() == (sample / path.name).read_bytes(), path.name
    assert "company_profile" not in json.loads((default / "planted_facts.json").read_text())
    # the other company's own draws do not disturb the company itself
    for name in ("Account.csv", "Contact.csv", "Product2.csv", "OpportunityLineItem.csv", "nps_responses.csv"):
        assert (default / name).read_bytes() == (other / name).read_bytes(), name
    changed = [p.name for p in sorted(default.glob("*.csv")) if p.read_bytes() != (other / p.name).read_bytes()]
    assert changed == [
        "Event.csv",
        "Lead.csv",
        "Opportunity.csv",
        "OpportunityHistory.csv",
        "Task.csv",
        "User.csv",
        "marketing_spend.csv",
        "rep_roster.csv",
        "sales_targets.csv",
    ]


def test_other_company_roster_speaks_its_own_roles(other_company: Path) -> None:
    facts = profile_facts(other_company)
    roster = read_rows(other_company / "rep_roster.csv")
    counts: dict[str, int] = {}
    for row in roster:
        counts[row["role"]] = counts.get(row["role"], 0) + 1
    assert {label: f["rows"] for label, f in facts["roster_roles"].items()} == counts
    assert {label: f["means"] for label, f in facts["roster_roles"].items()} == {
        "VP Sales": "head_of_sales",
        "Sales Manager": "manager",
        "AE": "account_executive",
        "Sales Rep": "account_executive",
        "SDR": "sales_development_rep",
        "Queue": "other",
    }
    assert counts["VP Sales"] == 1 and counts["Sales Manager"] == 4 and counts["SDR"] == 2 and counts["Queue"] == 1
    assert {r["team"] for r in roster if r["role"] == "Sales Rep"} == {"UK&I"}
    users = {u["Id"]: u for u in read_rows(other_company / "User.csv")}
    assert {r["user_id"] for r in roster} <= set(users)
    queue = facts["queue"]
    assert users[queue["user_id"]]["Name"] == "Inbound Leads Queue"
    leads = read_rows(other_company / "Lead.csv")
    queued = [lead for lead in leads if lead["OwnerId"] == queue["user_id"]]
    assert len(queued) == queue["owned_leads"] > 0
    assert {lead["Status"] for lead in queued} == {"Open - Not Contacted"}
    staff = {s["user_id"] for s in facts["extra_staff"]} | {queue["user_id"]}
    for name in ("Opportunity.csv", "Task.csv", "Event.csv"):
        assert not any(row["OwnerId"] in staff for row in read_rows(other_company / name)), name


def test_other_company_has_its_own_status_types_sources_and_metrics(other_company: Path) -> None:
    facts = profile_facts(other_company)
    leads = read_rows(other_company / "Lead.csv")
    mapped = read_rows(PROJECT_DIR / "seeds" / "reference" / "stage_mapping.csv")
    statuses = {lead["Status"] for lead in leads}
    assert statuses - {m["crm_value"] for m in mapped if m["record_type"] == "Lead"} == {"Nurturing"}
    assert facts["lead_statuses"] == [
        {
            "column": "Status",
            "replaces": "Working - Contacted",
            "rows": sum(lead["Status"] == "Nurturing" for lead in leads),
            "value": "Nurturing",
        }
    ]
    assert facts["lead_statuses"][0]["rows"] > 0
    assert [(s["value"], s["rows"]) for s in facts["lead_sources"]] == [
        ("Webinar", sum(lead["LeadSource"] == "Webinar" for lead in leads))
    ]
    types = read_rows(PROJECT_DIR / "seeds" / "reference" / "activity_types.csv")
    for name, obj in (("Task.csv", "Task"), ("Event.csv", "Event")):
        rows = read_rows(other_company / name)
        unmapped = {r["Type"] for r in rows} - {t["crm_type"] for t in types if t["activity_object"] == obj}
        planted = {t["value"]: t["rows"] for t in facts["activity_types"] if t["file"] == name}
        assert unmapped == set(planted), name
        for value, count in planted.items():
            assert sum(r["Type"] == value for r in rows) == count > 0, value
    assert set(planted) == {"Site Visit - Custom", "QBR"}
    metrics = {t["metric"] for t in read_rows(other_company / "sales_targets.csv")}
    assert metrics == set(facts["target_metrics"]) | {"activity_points"}
    assert facts["target_metrics"]["Bookings"] == "won_amount"


def test_other_company_has_back_dated_closes(other_company: Path) -> None:
    """A few won deals closed before they were created and before any first contact (real CRMs have them)."""
    backdated = profile_facts(other_company)["backdated_closes"]
    assert len(backdated) == 3
    opportunities = {o["Id"]: o for o in read_rows(other_company / "Opportunity.csv")}
    history = read_rows(other_company / "OpportunityHistory.csv")
    activities = read_rows(other_company / "Task.csv") + read_rows(other_company / "Event.csv")
    leads = read_rows(other_company / "Lead.csv")
    for deal in backdated:
        opportunity = opportunities[deal["opportunity_id"]]
        assert opportunity["IsWon"] == "true" and opportunity["IsDeleted"] == "false"
        assert opportunity["CloseDate"] == deal["close_date"] < opportunity["CreatedDate"][:10] == deal["created_date"]
        assert deal["close_date"] < deal["first_contact_date"]
        won = [h for h in history if h["OpportunityId"] == deal["opportunity_id"] and h["StageName"] == "Closed Won"]
        assert won[-1]["CloseDate"] == deal["close_date"]
        lead_ids = {lead["Id"] for lead in leads if lead["ConvertedOpportunityId"] == deal["opportunity_id"]}
        assert all(lead["CreatedDate"][:10] > deal["close_date"] for lead in leads if lead["Id"] in lead_ids)
        linked = [a for a in activities if a["WhatId"] == deal["opportunity_id"] or a["WhoId"] in lead_ids]
        assert linked and min(a["ActivityDate"] for a in linked) > deal["close_date"]
    # only those: every other won deal closes on or after its creation
    others = [
        o
        for o in opportunities.values()
        if o["IsWon"] == "true" and o["Id"] not in {d["opportunity_id"] for d in backdated}
    ]
    assert all(o["CloseDate"] >= o["CreatedDate"][:10] for o in others)


def test_other_company_writes_a_header_only_file_and_odd_header_case(other_company: Path) -> None:
    facts = profile_facts(other_company)
    assert facts["header_only_files"] == ["marketing_spend.csv"]
    assert (other_company / "marketing_spend.csv").read_bytes() == b"month,channel,amount,currency\n"
    assert json.loads((other_company / "planted_facts.json").read_text())["row_counts"]["marketing_spend.csv"] == 0
    header = (other_company / "Lead.csv").read_text().splitlines()[0].split(",")
    assert "EMAIL" in header and "phone" in header and "Email" not in header and "Phone" not in header
    assert facts["windows_1252_files"] == ["Account.csv", "User.csv"]
    with pytest.raises(UnicodeDecodeError):
        (other_company / "User.csv").read_bytes().decode("utf-8")


def test_other_company_has_deals_without_account_or_amount(other_company: Path) -> None:
    anomalies = {a["rule"]: a["ids"] for a in profile_facts(other_company)["anomalies"]}
    assert {rule: len(ids) for rule, ids in anomalies.items()} == {
        "open_opportunity_without_account": 2,
        "opportunity_amount_zero": 2,
        "won_opportunity_without_amount": 2,
    }
    opportunities = read_rows(other_company / "Opportunity.csv")
    assert {o["Id"] for o in opportunities if o["AccountId"] == ""} == set(
        anomalies["open_opportunity_without_account"]
    )
    assert all(o["IsClosed"] == "false" for o in opportunities if o["AccountId"] == "")
    zero = {o["Id"] for o in opportunities if o["Amount"] == "0.00"}
    assert zero == set(anomalies["opportunity_amount_zero"])
    assert all(o["IsWon"] == "false" and o["IsClosed"] == "true" for o in opportunities if o["Id"] in zero)
    empty = {o["Id"] for o in opportunities if o["Amount"] == ""}
    assert empty == set(anomalies["won_opportunity_without_amount"])
    assert all(o["IsWon"] == "true" for o in opportunities if o["Id"] in empty)
    history = read_rows(other_company / "OpportunityHistory.csv")
    assert {h["Amount"] for h in history if h["OpportunityId"] in zero} == {"0.00"}
    assert {h["Amount"] for h in history if h["OpportunityId"] in empty} == {""}
    backdated = {d["opportunity_id"] for d in profile_facts(other_company)["backdated_closes"]}
    assert not backdated & (zero | empty | set(anomalies["open_opportunity_without_account"]))
