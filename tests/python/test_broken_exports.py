"""Broken-export corpus: bad input gets a clear error naming file, column, line
and value, and the previously published warehouse stays byte-for-byte as it
was. Harmless differences of real exports (extra columns, header case,
Windows-1252) must build.

Every case runs the README's main command (scripts/build.py --export-dir) in
a subprocess, against a copy of an export generated with another seed than
the committed sample.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from conftest import BuildResult, run_build, sha256


def read_csv(path: Path) -> tuple[list[str], list[list[str]], str, str]:
    raw = path.read_bytes()
    try:
        text, encoding = raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = raw.decode("cp1252"), "cp1252"
    newline = "\r\n" if "\r\n" in text[:10000] else "\n"
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[0], rows[1:], encoding, newline


def write_csv(
    path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8", newline: str = "\n"
) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=newline).writerows([header, *rows])
    path.write_bytes(buffer.getvalue().encode(encoding))


def set_value(path: Path, row_index: int, column: str, value: str) -> int:
    """Set one value; return the 1-based line number it is on (no multi-line fields in generated exports)."""
    header, rows, encoding, newline = read_csv(path)
    rows[row_index][header.index(column)] = value
    write_csv(path, header, rows, encoding, newline)
    return row_index + 2


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory, other_export: Path) -> Path:
    """A good build, published; every failing case below must leave it untouched."""
    publish = tmp_path_factory.mktemp("published") / "sales_kpis.duckdb"
    result = run_build(publish, other_export)
    assert result.returncode == 0, result.output
    return publish


def assert_rejected(result: BuildResult, published: Path, digest: str, *expected: str) -> None:
    assert result.returncode == 1, result.output
    for text in expected:
        assert text in result.stderr, f"{text!r} not in:\n{result.stderr}"
    assert "Nothing was published" in result.stderr
    assert sha256(published) == digest, "the published warehouse changed"
    # the Data Docs of the failed run are written on purpose (they show why), dbt logs too; nothing else may remain
    leftovers = [p.name for p in published.parent.iterdir() if p.name not in (published.name, "data_docs", "logs")]
    assert not leftovers, f"build files left behind: {leftovers}"


# --- bad input: each names the problem exactly, and nothing is published ------------------------------------


def missing_required_file(export: Path) -> list[str]:
    (export / "Opportunity.csv").unlink()
    return ["error: Opportunity.csv: required file is missing"]


def missing_required_column(export: Path) -> list[str]:
    header, rows, encoding, newline = read_csv(export / "Opportunity.csv")
    drop = header.index("CloseDate")
    write_csv(
        export / "Opportunity.csv",
        header[:drop] + header[drop + 1 :],
        [r[:drop] + r[drop + 1 :] for r in rows],
        encoding,
        newline,
    )
    return ["error: Opportunity.csv, column CloseDate, line 1: required column is missing"]


def us_style_dates(export: Path) -> list[str]:
    line = set_value(export / "Opportunity.csv", 9, "CloseDate", "3/14/2025")
    return [f"error: Opportunity.csv, column CloseDate, line {line}: value '3/14/2025': expected a date YYYY-MM-DD"]


def duplicated_id(export: Path) -> list[str]:
    header, rows, encoding, newline = read_csv(export / "Lead.csv")
    rows.insert(40, list(rows[5]))
    write_csv(export / "Lead.csv", header, rows, encoding, newline)
    return [f"error: Lead.csv, column Id, line 42: value '{rows[5][0]}': duplicated key"]


def empty_file(export: Path) -> list[str]:
    (export / "Event.csv").write_bytes(b"")
    return ["error: Event.csv: the file is empty (no header line)"]


def truncated_last_line(export: Path) -> list[str]:
    """The export stopped mid-row: the last line keeps its first two fields."""
    path = export / "Opportunity.csv"
    header = path.read_text().splitlines()[0].split(",")
    lines = path.read_bytes().rstrip(b"\n").split(b"\n")
    lines[-1] = b",".join(lines[-1].split(b",")[:2])
    path.write_bytes(b"\n".join(lines))
    return [f"error: Opportunity.csv, column {header[2]}, line {len(lines)}: missing columns"]


def non_numeric_amount(export: Path) -> list[str]:
    line = set_value(export / "Opportunity.csv", 3, "Amount", "12.5k")
    return [f"error: Opportunity.csv, column Amount, line {line}: value '12.5k': expected a number"]


def several_problems_in_one_file(export: Path) -> list[str]:
    first = set_value(export / "Task.csv", 10, "ActivityDate", "2025-13-01")
    second = set_value(export / "Task.csv", 20, "IsClosed", "yes")
    return [
        f"error: Task.csv, column ActivityDate, line {first}: value '2025-13-01'",
        f"error: Task.csv, column IsClosed, line {second}: value 'yes': expected true/false or 1/0",
    ]


def unreadable_file(export: Path) -> list[str]:
    (export / "User.csv").write_bytes(b"Id,Name\n005X,\x81\x8d\x8f\x90\x9d\n")  # undefined in Windows-1252 too
    return ["error: User.csv: cannot be read as UTF-8 or Windows-1252"]


def unmapped_stage(export: Path) -> list[str]:
    """Valid CSV, but a stage the stage-mapping seed does not know: admission names it (scripts/vocabularies.py)."""
    header, rows, encoding, newline = read_csv(export / "Opportunity.csv")
    rows[0][header.index("StageName")] = "Verbal Commit"
    write_csv(export / "Opportunity.csv", header, rows, encoding, newline)
    return [
        "error: Opportunity.csv, column StageName: value 'Verbal Commit' (1 row, first at line 2, "
        f"Id {rows[0][header.index('Id')]}) is not in seeds/reference/stage_mapping.csv (record_type Opportunity): "
        "add it there"
    ]


def unmapped_roster_role(export: Path) -> list[str]:
    """Another company's role names ('AE'): an error naming value, count and the seed to edit, not a dbt test."""
    header, rows, encoding, newline = read_csv(export / "rep_roster.csv")
    role = header.index("role")
    renamed = [r for r in rows if r[role] == "account_executive"]
    for row in renamed:
        row[role] = "AE"
    write_csv(export / "rep_roster.csv", header, rows, encoding, newline)
    first = rows.index(renamed[0])
    return [
        f"error: rep_roster.csv, column role: value 'AE' ({len(renamed)} rows, first at line {first + 2}, "
        f"Id {renamed[0][header.index('user_id')]}) is not in seeds/reference/rep_roles.csv: add it there"
    ]


def nps_score_out_of_range(export: Path) -> list[str]:
    """A whole number the loader accepts, but no NPS score: a blocking Great Expectations expectation stops the run."""
    header, rows, encoding, newline = read_csv(export / "nps_responses.csv")
    rows[3][header.index("score")] = "11"
    write_csv(export / "nps_responses.csv", header, rows, encoding, newline)
    return ["[BLOCKING] raw.nps_responses: expect_column_values_to_be_between(column=score", "e.g. 11.0"]


BAD_CASES: dict[str, Callable[[Path], list[str]]] = {
    f.__name__: f
    for f in (
        missing_required_file,
        missing_required_column,
        us_style_dates,
        duplicated_id,
        empty_file,
        truncated_last_line,
        non_numeric_amount,
        several_problems_in_one_file,
        unreadable_file,
        unmapped_stage,
        unmapped_roster_role,
        nps_score_out_of_range,
    )
}


@pytest.mark.parametrize("case", BAD_CASES)
def test_bad_export_is_named_and_nothing_is_published(case: str, fresh_copy, published: Path) -> None:
    digest = sha256(published)
    export = fresh_copy()
    expected = BAD_CASES[case](export)
    result = run_build(published, export)
    assert_rejected(result, published, digest, *expected)


# --- harmless differences of real exports: must build ----------------------------------------------------------


def unknown_extra_columns(export: Path) -> None:
    header, rows, encoding, newline = read_csv(export / "Opportunity.csv")
    write_csv(
        export / "Opportunity.csv",
        [*header, "Region_Custom__c", "Some Other Field"],
        [[*r, "x", "y"] for r in rows],
        encoding,
        newline,
    )


def header_case_changed(export: Path) -> None:
    header, rows, encoding, newline = read_csv(export / "Opportunity.csv")
    write_csv(export / "Opportunity.csv", [h.upper() for h in header], rows, encoding, newline)


def windows_1252_file(export: Path) -> None:
    header, rows, _encoding, newline = read_csv(export / "Lead.csv")
    rows[0][header.index("Company")] = "Café “Zuid” – 5€ B.V."
    write_csv(export / "Lead.csv", header, rows, "cp1252", newline)


def optional_file_absent(export: Path) -> None:
    (export / "nps_responses.csv").unlink()


def completed_task_after_the_as_of_date(export: Path) -> None:
    """A warning-level expectation fails: the run publishes and reports it."""
    header, rows, encoding, newline = read_csv(export / "Task.csv")
    row = next(r for r in rows if r[header.index("IsClosed")].lower() == "true")
    row[header.index("ActivityDate")] = "2031-01-15"
    write_csv(export / "Task.csv", header, rows, encoding, newline)


GOOD_CASES: dict[str, Callable[[Path], None]] = {
    f.__name__: f
    for f in (
        unknown_extra_columns,
        header_case_changed,
        windows_1252_file,
        optional_file_absent,
        completed_task_after_the_as_of_date,
    )
}


@pytest.mark.parametrize("case", GOOD_CASES)
def test_harmless_difference_builds(case: str, fresh_copy, tmp_path: Path) -> None:
    export = fresh_copy()
    GOOD_CASES[case](export)
    publish = tmp_path / "warehouse" / "sales_kpis.duckdb"
    result = run_build(publish, export)
    assert result.returncode == 0, result.output
    with duckdb.connect(str(publish), read_only=True) as con:
        opportunities = con.execute("select count(*) from staging.stg_salesforce__opportunities").fetchone()[0]
        assert opportunities > 100
        if case == "windows_1252_file":
            first_lead = con.execute(
                "select company_name from staging.stg_salesforce__leads order by lead_id limit 1"
            ).fetchone()[0]
            assert first_lead == "Café “Zuid” – 5€ B.V."
            assert "Lead.csv: read as windows-1252" in result.stderr
        if case == "optional_file_absent":
            assert con.execute("select count(*) from staging.stg_sales_ops__nps_responses").fetchone()[0] == 0
            assert "warning: nps_responses.csv is absent (optional)" in result.stderr
        if case == "completed_task_after_the_as_of_date":
            assert "[WARNING] raw.Task: expect_column_values_to_be_between(column=CompletedOn" in result.stderr
            assert "1 of " in result.stderr
    assert (publish.parent / "data_docs" / "index.html").exists()


def test_another_export_builds_with_the_documented_option_alone(published: Path, other_export: Path) -> None:
    """--export-dir is the only option needed: the seed-7 export is what the warehouse now holds."""
    with duckdb.connect(str(published), read_only=True) as con:
        built = con.execute("select count(*) from staging.stg_salesforce__opportunities").fetchone()[0]
    _header, rows, _encoding, _newline = read_csv(other_export / "Opportunity.csv")
    assert built == len(rows)
