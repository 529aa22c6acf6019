"""Another company's export (`generate_sample.py --company other`) and the seed edits that map its vocabulary.

`map_other_company_vocabulary(reference_dir)` is what a user of that company does after cloning: append the
company's roster roles, lead status, activity types, lead source and target metrics to (a copy of)
seeds/reference. The end-to-end tests (with the edits the build publishes and the KPIs match the pandas
recomputation; without them `--check-only` and the build fail with the same named messages) use it on a
temporary copy of the project.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from conftest import PROJECT_DIR, generate, sha256

REFERENCE = PROJECT_DIR / "seeds" / "reference"

# Rows the other company adds to each reference seed (seed file -> rows, column -> value).
OTHER_COMPANY_SEED_ROWS: dict[str, list[dict[str, str]]] = {
    "stage_mapping.csv": [
        {
            "record_type": "Lead",
            "crm_value": "Nurturing",
            "funnel_stage": "Prospect",
            "funnel_stage_order": "2",
            "default_probability_pct": "",
            "is_closed": "false",
            "is_won": "false",
        },
    ],
    "activity_types.csv": [
        # a demo given remotely and logged as a task: a demo, not a visit
        {
            "activity_object": "Task",
            "crm_type": "Demo",
            "activity_category": "intake_demo",
            "points": "12",
            "time_category": "quoting",
            "is_visit": "false",
            "is_two_way_contact": "true",
        },
        {
            "activity_object": "Event",
            "crm_type": "Site Visit - Custom",
            "activity_category": "meeting_visit",
            "points": "8",
            "time_category": "customer_visits",
            "is_visit": "true",
            "is_two_way_contact": "true",
        },
        {
            "activity_object": "Event",
            "crm_type": "QBR",
            "activity_category": "meeting_visit",
            "points": "8",
            "time_category": "customer_visits",
            "is_visit": "true",
            "is_two_way_contact": "true",
        },
    ],
    "lead_source_channels.csv": [{"lead_source": "Webinar", "channel": "Email marketing"}],
    "rep_roles.csv": [
        {"crm_role": "VP Sales", "role": "head_of_sales", "is_quota_carrying": "false"},
        {"crm_role": "Sales Manager", "role": "manager", "is_quota_carrying": "false"},
        {"crm_role": "AE", "role": "account_executive", "is_quota_carrying": "true"},
        {"crm_role": "Sales Rep", "role": "account_executive", "is_quota_carrying": "true"},
        {"crm_role": "SDR", "role": "sales_development_rep", "is_quota_carrying": "false"},
        {"crm_role": "Queue", "role": "other", "is_quota_carrying": "false"},
    ],
    "target_metrics.csv": [
        {"crm_metric": "Bookings", "metric": "won_amount"},
        {"crm_metric": "New Leads", "metric": "new_leads"},
        {"crm_metric": "SQLs", "metric": "qualified_leads"},
        {"crm_metric": "Opps Created", "metric": "new_opportunities"},
        {"crm_metric": "Visits per Day", "metric": "visits_per_day"},
    ],
}

# The two seeds the vocabulary work adds, as they hold by default (written when a copy predates them).
DEFAULT_SEEDS: dict[str, str] = {
    "rep_roles.csv": (
        "crm_role,role,is_quota_carrying\n"
        "account_executive,account_executive,true\n"
        "manager,manager,false\n"
        "head_of_sales,head_of_sales,false\n"
    ),
    "target_metrics.csv": (
        "crm_metric,metric\n"
        "won_amount,won_amount\n"
        "new_leads,new_leads\n"
        "qualified_leads,qualified_leads\n"
        "new_opportunities,new_opportunities\n"
        "activity_points,activity_points\n"
        "visits_per_day,visits_per_day\n"
    ),
}


def map_other_company_vocabulary(reference_dir: Path) -> Path:
    """Append the other company's vocabulary to the seeds in reference_dir, a COPY of seeds/reference
    (e.g. inside a temporary copy of the project). Refuses the project's own folder. Returns reference_dir."""
    if reference_dir.resolve() == REFERENCE.resolve():
        raise ValueError(f"{reference_dir} is the project's own seeds/reference: edit a copy")
    for seed, rows in OTHER_COMPANY_SEED_ROWS.items():
        path = reference_dir / seed
        if not path.exists():
            path.write_text(DEFAULT_SEEDS[seed], encoding="utf-8")
        text = path.read_text(encoding="utf-8")
        header = next(csv.reader(io.StringIO(text)))
        if header != list(rows[0]):
            raise ValueError(f"{path}: header {header} is not {list(rows[0])}: update OTHER_COMPANY_SEED_ROWS")
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
        writer.writerows(rows)
        path.write_text(text + ("" if text.endswith("\n") else "\n") + buffer.getvalue(), encoding="utf-8")
    return reference_dir


def copy_reference_with_other_company(target: Path) -> Path:
    """A copy of seeds/reference at target with the other company's vocabulary mapped."""
    shutil.copytree(REFERENCE, target)
    return map_other_company_vocabulary(target)


def read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def reference_rows(folder: Path, seed: str) -> list[dict[str, str]]:
    path = folder / seed
    if path.exists():
        return read_csv(path)
    return list(csv.DictReader(io.StringIO(DEFAULT_SEEDS[seed])))


@pytest.fixture(scope="module")
def other_company(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("other") / "export", 3, 0.2, "--company", "other")


def export_vocabulary(export: Path) -> dict[str, set[tuple[str, ...]]]:
    """Every picklist value the export holds, keyed like the seed rows that map it."""
    leads = read_csv(export / "Lead.csv")
    opportunities = read_csv(export / "Opportunity.csv")
    return {
        "stage_mapping.csv": {("Lead", r["Status"]) for r in leads}
        | {("Opportunity", r["StageName"]) for r in opportunities},
        "activity_types.csv": {("Task", r["Type"]) for r in read_csv(export / "Task.csv")}
        | {("Event", r["Type"]) for r in read_csv(export / "Event.csv")},
        "lead_source_channels.csv": {(r["LeadSource"],) for r in leads + opportunities if r["LeadSource"]},
        "rep_roles.csv": {(r["role"].strip().lower(),) for r in read_csv(export / "rep_roster.csv")},
        "target_metrics.csv": {(r["metric"].strip().lower(),) for r in read_csv(export / "sales_targets.csv")},
    }


def seed_vocabulary(folder: Path) -> dict[str, set[tuple[str, ...]]]:
    def rows(seed: str) -> list[dict[str, str]]:
        return reference_rows(folder, seed)

    return {
        "stage_mapping.csv": {(r["record_type"], r["crm_value"]) for r in rows("stage_mapping.csv")},
        "activity_types.csv": {(r["activity_object"], r["crm_type"]) for r in rows("activity_types.csv")},
        "lead_source_channels.csv": {(r["lead_source"],) for r in rows("lead_source_channels.csv")},
        "rep_roles.csv": {(r["crm_role"].lower(),) for r in rows("rep_roles.csv")},
        "target_metrics.csv": {(r["crm_metric"].lower(),) for r in rows("target_metrics.csv")},
    }


def test_the_seed_edits_map_exactly_what_the_reference_seeds_lack(other_company: Path, tmp_path: Path) -> None:
    in_export = export_vocabulary(other_company)
    reference = seed_vocabulary(REFERENCE)
    edited = seed_vocabulary(copy_reference_with_other_company(tmp_path / "reference"))
    for seed, values in in_export.items():
        added = edited[seed] - reference[seed]
        assert values - reference[seed] == added, seed  # each edit is needed, and nothing else is
        assert added, seed
        assert values <= edited[seed], seed


def test_the_seed_edits_mean_what_the_generator_planted(other_company: Path, tmp_path: Path) -> None:
    facts = json.loads((other_company / "planted_facts.json").read_text())["company_profile"]
    edited = copy_reference_with_other_company(tmp_path / "reference")
    roles = {r["crm_role"]: r["role"] for r in read_csv(edited / "rep_roles.csv")}
    assert {label: roles[label] for label in facts["roster_roles"]} == {
        label: f["means"] for label, f in facts["roster_roles"].items()
    }
    metrics = {r["crm_metric"]: r["metric"] for r in read_csv(edited / "target_metrics.csv")}
    assert {label: metrics[label] for label in facts["target_metrics"]} == facts["target_metrics"]
    statuses = {r["crm_value"]: r for r in read_csv(edited / "stage_mapping.csv") if r["record_type"] == "Lead"}
    for planted in facts["lead_statuses"]:  # an extra open status in the funnel stage of the one it stands in for
        assert statuses[planted["value"]]["funnel_stage"] == statuses[planted["replaces"]]["funnel_stage"]
        assert statuses[planted["value"]]["is_closed"] == statuses[planted["replaces"]]["is_closed"] == "false"
    channels = {r["lead_source"]: r["channel"] for r in read_csv(edited / "lead_source_channels.csv")}
    for planted in facts["lead_sources"]:
        assert channels[planted["value"]] == channels[planted["replaces"]]


def test_the_edits_only_append_and_never_touch_the_project_seeds(tmp_path: Path) -> None:
    before = {p.name: sha256(p) for p in REFERENCE.iterdir()}
    edited = copy_reference_with_other_company(tmp_path / "reference")
    assert {p.name: sha256(p) for p in REFERENCE.iterdir()} == before
    for seed, rows in OTHER_COMPANY_SEED_ROWS.items():
        original = (REFERENCE / seed).read_text() if (REFERENCE / seed).exists() else DEFAULT_SEEDS[seed]
        text = (edited / seed).read_text()
        assert text.startswith(original), seed
        assert len(text.splitlines()) == len(original.splitlines()) + len(rows), seed
    with pytest.raises(ValueError, match="is the project's own seeds/reference: edit a copy"):
        map_other_company_vocabulary(REFERENCE)


def test_a_seed_with_another_header_is_reported_not_mangled(tmp_path: Path) -> None:
    reference = tmp_path / "reference"
    shutil.copytree(REFERENCE, reference)
    (reference / "rep_roles.csv").write_text("crm_role,canonical_role\nAE,account_executive\n")
    with pytest.raises(ValueError, match=r"rep_roles.csv: header \['crm_role', 'canonical_role'\] is not"):
        map_other_company_vocabulary(reference)
