"""The admission check of picklists (scripts/vocabularies.py): unmapped values that decide KPIs are
errors naming value, count, line, Id and seed; unmapped activity types and lead sources are warnings."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT_DIR, SCRIPTS
from load_export import RAW_SCHEMA
from vocabularies import check_vocabularies

SAMPLE = PROJECT_DIR / "seeds" / "sample_export"


def land(folder: Path, files: dict[str, list[dict[str, str]]]) -> duckdb.DuckDBPyConnection:
    """Write small CSV files into folder and land each as an all-text table in crm_export, as the loader does."""
    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute(f"create schema {RAW_SCHEMA}")
    for name, rows in files.items():
        path = folder / name
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        con.execute(
            f'create table {RAW_SCHEMA}."{name.removesuffix(".csv")}" as '
            f"select * from read_csv('{path}', header = true, all_varchar = true)"
        )
    return con


def leads(*statuses: str, source: str = "Web") -> list[dict[str, str]]:
    return [{"Id": f"00Q{i:03d}", "Status": s, "LeadSource": source} for i, s in enumerate(statuses, start=1)]


def test_unmapped_lead_status_is_an_error_with_count_line_id_and_seed(tmp_path: Path) -> None:
    con = land(tmp_path, {"Lead.csv": leads("Open - Not Contacted", "Nurturing", "Nurturing", "Working - Contacted")})
    problems, warnings = check_vocabularies(con, tmp_path)
    assert [str(p) for p in problems] == [
        "Lead.csv, column Status: value 'Nurturing' (2 rows, first at line 3, Id 00Q002) is not in "
        "seeds/reference/stage_mapping.csv (record_type Lead): add it there"
    ]
    assert warnings == []


def test_opportunity_stage_is_not_a_lead_status_and_empty_is_an_error(tmp_path: Path) -> None:
    con = land(tmp_path, {"Lead.csv": leads("Closed Won", "")})
    problems, _ = check_vocabularies(con, None)
    assert [str(p) for p in problems] == [
        "Lead.csv, column Status: value 'Closed Won' (1 row, first at line 2, Id 00Q001) is not in "
        "seeds/reference/stage_mapping.csv (record_type Lead): add it there",
        "Lead.csv, column Status: empty (1 row, first at line 3, Id 00Q002): every row needs a value mapped in "
        "seeds/reference/stage_mapping.csv (record_type Lead)",
    ]


def test_roles_and_metrics_match_in_any_case_and_unmapped_ones_are_errors(tmp_path: Path) -> None:
    roster = [{"user_id": f"005{i}", "role": r} for i, r in enumerate(["Account_Executive", "AE", "AE", "Queue"])]
    targets = [{"metric": m} for m in ["WON_AMOUNT", "meetings", "won_amount"]]
    con = land(tmp_path, {"rep_roster.csv": roster, "sales_targets.csv": targets})
    problems, _ = check_vocabularies(con, tmp_path)
    assert [str(p) for p in problems] == [
        "rep_roster.csv, column role: value 'AE' (2 rows, first at line 3, Id 0051) is not in "
        "seeds/reference/rep_roles.csv: add it there",
        "rep_roster.csv, column role: value 'Queue' (1 row, first at line 5, Id 0053) is not in "
        "seeds/reference/rep_roles.csv: add it there",
        "sales_targets.csv, column metric: value 'meetings' (1 row, first at line 3) is not in "
        "seeds/reference/target_metrics.csv: add it there",
    ]


def test_unmapped_activity_type_and_lead_source_are_warnings_with_counts(tmp_path: Path) -> None:
    tasks = [{"Id": f"00T{i}", "Type": t} for i, t in enumerate(["Call", "Webinar", "Webinar", "Webinar", ""])]
    events = [{"Id": "00U1", "Type": "Call"}]  # a Task type is no Event type
    con = land(tmp_path, {"Task.csv": tasks, "Event.csv": events, "Lead.csv": leads("Open - Not Contacted", source="")})
    con.execute(f"""insert into {RAW_SCHEMA}."Lead" values ('00Q9', 'Open - Not Contacted', 'Podcast')""")
    problems, warnings = check_vocabularies(con, None)
    assert problems == []
    assert warnings == [
        "Task.csv, column Type: value 'Webinar' (3 rows, first at line 3, Id 00T1) is not in "
        "seeds/reference/activity_types.csv (activity_object Task): counted as activity category 'unmapped' "
        "(0 points); add it there to map it",
        "Task.csv, column Type: empty value (1 row, first at line 6, Id 00T4) is not in "
        "seeds/reference/activity_types.csv (activity_object Task): counted as activity category 'unmapped' "
        "(0 points); add it there to map it",
        "Event.csv, column Type: value 'Call' (1 row, first at line 2, Id 00U1) is not in "
        "seeds/reference/activity_types.csv (activity_object Event): counted as activity category 'unmapped' "
        "(0 points); add it there to map it",
        "Lead.csv, column LeadSource: value 'Podcast' (1 row, first at line 3, Id 00Q9) is not in "
        "seeds/reference/lead_source_channels.csv: counted as channel 'Unmapped'; add it there to map it",
    ]


def opportunity(record_id: str, currency: str, close: str = "2025-03-31", created: str = "2025-01-15T10:00:00Z"):
    return {"Id": record_id, "StageName": "Closed Won", "CurrencyIsoCode": currency, "CloseDate": close,
            "CreatedDate": created}  # fmt: skip


def rate(code: str, start: str, next_start: str = "") -> dict[str, str]:
    return {"IsoCode": code, "ConversionRate": "1.1", "StartDate": start, "NextStartDate": next_start}


def test_a_rate_must_be_valid_on_the_conversion_date_for_both_currencies(tmp_path: Path) -> None:
    opportunities = [
        opportunity("006A", "GBP", close="2023-06-30"),  # before the first GBP rate
        opportunity("006B", "GBP", close="", created="2023-07-01 08:00:00"),  # open: created date
        opportunity("006C", "GBP", close="2025-03-31"),  # covered
        opportunity("006D", "EUR", close="2022-01-01"),  # reporting currency: no rate needed
    ]
    rates = [rate("GBP", "2024-01-01"), rate("EUR", "2023-07-01", "2024-01-01"), rate("EUR", "2024-01-01")]
    con = land(tmp_path, {"Opportunity.csv": opportunities, "DatedConversionRate.csv": rates})
    problems, _ = check_vocabularies(con, tmp_path, currency="EUR")
    assert [str(p) for p in problems] == [
        "Opportunity.csv, column CurrencyIsoCode: value 'GBP' (2 rows, first at line 2, Id 006A): "
        "DatedConversionRate.csv has no GBP rate valid on the conversion date (CloseDate, else CreatedDate: "
        "2023-06-30 to 2023-07-01): add a rate whose StartDate/NextStartDate cover it",
        "Opportunity.csv, column CurrencyIsoCode: 1 row in other currencies (first at line 2, Id 006A): "
        "DatedConversionRate.csv has no EUR rate valid on the conversion date (CloseDate, else CreatedDate: "
        "2023-06-30): add a rate whose StartDate/NextStartDate cover it",
    ]


def test_currency_without_any_rate_is_an_error_and_the_reporting_currency_needs_none(tmp_path: Path) -> None:
    opportunities = [
        opportunity("006A", "eur"),
        opportunity("006B", "GBP"),
        opportunity("006C", "CHF"),
        opportunity("006D", "chf"),
        opportunity("006E", ""),
    ]
    rates = [rate("GBP", "2024-01-01")]
    con = land(tmp_path, {"Opportunity.csv": opportunities, "DatedConversionRate.csv": rates})
    problems, _ = check_vocabularies(con, tmp_path, currency="EUR")
    assert [str(p) for p in problems] == [
        "Opportunity.csv, column CurrencyIsoCode: value 'CHF' (2 rows, first at line 4, Id 006C) has no rate in "
        "DatedConversionRate.csv: add its rates there (the reporting currency EUR needs none)",
        "DatedConversionRate.csv, column IsoCode: the reporting currency EUR (dbt var reporting_currency) has no "
        "rate, so amounts in CHF, GBP cannot be converted: add its rates (1.0 when it is the corporate currency)",
    ]


def test_without_a_rates_file_every_currency_is_taken_as_is(tmp_path: Path) -> None:
    opportunities = [opportunity("006A", "CHF")]
    rates = [rate("", "")]
    con = land(tmp_path, {"Opportunity.csv": opportunities, "DatedConversionRate.csv": rates})
    con.execute(f'delete from {RAW_SCHEMA}."DatedConversionRate"')
    assert check_vocabularies(con, tmp_path, currency="EUR") == ([], [])


def test_the_line_is_the_physical_line_when_a_value_spans_lines(tmp_path: Path) -> None:
    rows = [{"Id": "00Q1", "Status": "Open - Not Contacted", "LeadSource": "two\nlines"}, *leads("Nurturing")]
    con = land(tmp_path, {"Lead.csv": rows})
    problems, _ = check_vocabularies(con, tmp_path)
    assert "first at line 4, Id 00Q001" in str(problems[0])


@pytest.fixture(scope="module")
def sample_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("vocab") / "export"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns("*.yml", "*.json"))
    return folder


def test_check_only_names_the_unmapped_lead_status_and_exits_1(sample_copy: Path) -> None:
    lead_file = sample_copy / "Lead.csv"
    text = lead_file.read_text(encoding="utf-8")
    count = text.count(",Working - Contacted,")
    lead_file.write_text(text.replace(",Working - Contacted,", ",Nurturing,"), encoding="utf-8")
    with lead_file.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        line = 2  # the physical line the next record starts on
        for row in reader:
            if row["Status"] == "Nurturing":
                first = (line, row["Id"])
                break
            line = reader.line_num + 1
    result = subprocess.run(
        [sys.executable, str(SCRIPTS / "load_export.py"), "--export-dir", str(sample_copy), "--check-only"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert (
        f"error: Lead.csv, column Status: value 'Nurturing' ({count:,} rows, first at line {first[0]}, Id {first[1]}) "
        "is not in seeds/reference/stage_mapping.csv (record_type Lead): add it there\n"
    ) in result.stderr
    assert "1 problem(s): the export was not loaded." in result.stderr
