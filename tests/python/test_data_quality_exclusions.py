"""Records real CRMs contain are counted, not fatal: a back-dated won deal, a custom task type and an
opportunity whose account and owner the export lacks publish, with the deal's duration null, the type
in category 'unmapped', a warning naming the type, and all counted in rpt_data_quality_exclusions_rule."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import duckdb
from conftest import PROJECT_DIR, run_build

SAMPLE = PROJECT_DIR / "seeds" / "sample_export"


def rewrite(path: Path, change) -> list[str]:
    """Rewrite a CSV file row by row; change(row) edits a row in place and returns True when it did."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames, list(reader)
    changed = [row["Id"] for row in rows if change(row)]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return changed


def test_backdated_close_custom_type_and_orphans_publish_and_are_counted(tmp_path: Path) -> None:
    export = tmp_path / "export"
    shutil.copytree(SAMPLE, export, ignore=shutil.ignore_patterns("*.yml", "*.json"))
    state = {"done": False}

    def backdate(row: dict[str, str]) -> bool:
        if (
            state["done"]
            or row["IsWon"].strip().lower() not in ("true", "1")
            or row["IsDeleted"].strip().lower() in ("true", "1")
        ):
            return False
        created = dt.date.fromisoformat(row["CreatedDate"][:10])
        row["CloseDate"] = (created - dt.timedelta(days=400)).isoformat()
        state["done"] = True
        return True

    (backdated,) = rewrite(export / "Opportunity.csv", backdate)
    state["orphan"] = False

    def orphan(row: dict[str, str]) -> bool:
        if state["orphan"] or row["IsDeleted"].strip().lower() in ("true", "1") or not row["AccountId"].strip():
            return False
        row["AccountId"], row["OwnerId"], state["orphan"] = "001000000000MISSING", "005000000000MISSING", True
        return True

    (orphaned,) = rewrite(export / "Opportunity.csv", orphan)
    webinars = rewrite(export / "Task.csv", lambda row: row["Type"] == "Voicemail" and not row.update(Type="Webinar"))

    publish = tmp_path / "w.duckdb"
    result = run_build(publish, export)

    assert result.returncode == 0, result.output
    assert (f"warning: Task.csv, column Type: value 'Webinar' ({len(webinars):,} rows, first at line ") in result.stderr
    # the build summary lists the same counts as the mart
    assert "    opportunity_closed_before_created (Opportunity.csv): 1 kept" in result.stdout, result.stdout
    assert f"    activity_type_unmapped_task (Task.csv): {len(webinars):,} kept" in result.stdout, result.stdout
    with duckdb.connect(str(publish), read_only=True) as con:
        counts = dict(con.execute("select rule_name, row_count from marts.rpt_data_quality_exclusions_rule").fetchall())
        assert counts["won_before_first_contact"] == 1
        assert counts["opportunity_closed_before_created"] == 1
        assert counts["activity_type_unmapped_task"] == len(webinars)
        assert counts["opportunity_account_not_in_export"] == 1
        assert counts["opportunity_owner_not_in_users"] == 1
        assert con.execute(
            "select example_ids from marts.rpt_data_quality_exclusions_rule"
            " where rule_name = 'opportunity_owner_not_in_users'"
        ).fetchone() == (orphaned,)
        durations = con.execute(
            "select days_created_to_close, days_first_contact_to_won, is_won, amount is not null"
            " from marts.fct_opportunities where opportunity_id = ?",
            [backdated],
        ).fetchone()
        assert durations == (None, None, True, True)
        assert con.execute("select min(days_first_contact_to_won) >= 0 from marts.fct_opportunities").fetchone() == (
            True,
        )
        assert (
            con.execute(
                "select count(*) from marts.fct_activities"
                " where crm_type = 'Webinar' and activity_category = 'unmapped'"
            ).fetchone()[0]
            > 0
        )
