"""Broken-export corpus: bad input gets a clear error naming file, column, line,
record Id and value (with how many rows are affected), and the previously
published warehouse stays byte-for-byte as it was. Harmless differences of
real exports (extra columns, header case, Windows-1252, an optional file with
a header only) must build.

Every bad case runs the README's main command (scripts/build.py --export-dir)
in a subprocess, against a copy of an export generated with another seed than
the committed sample, and the admission gate alone (load_export.py
--check-only, no dbt): both must give the same error lines, exit code 1.
The harmless differences are all made in one copy of that export, built
once: each case checks its own effect in that build, which is also the
published warehouse every bad case must leave untouched.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT_DIR, SCRIPTS, BuildResult, run_build, sha256
from input_contract import EXPORT_FILES, by_file_name


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


def set_value(path: Path, row_index: int, column: str, value: str) -> str:
    """Set one value; return where the error names it: 'line N, Id X' (no multi-line fields in generated exports)."""
    header, rows, encoding, newline = read_csv(path)
    rows[row_index][header.index(column)] = value
    write_csv(path, header, rows, encoding, newline)
    key = by_file_name(path.name).key
    return f"line {row_index + 2}, {key} {rows[row_index][header.index(key)]}"


@dataclass
class GoodBuild:
    export: Path
    publish: Path
    result: BuildResult
    data_docs_written: bool


@pytest.fixture(scope="module")
def good_build(tmp_path_factory: pytest.TempPathFactory, other_export: Path) -> GoodBuild:
    """The other export with every harmless difference below (GOOD_CASES) at once, built and published."""
    export = tmp_path_factory.mktemp("harmless") / "export"
    shutil.copytree(other_export, export)
    for make_difference in GOOD_CASES.values():
        make_difference(export)
    publish = tmp_path_factory.mktemp("published") / "sales_kpis.duckdb"
    result = run_build(publish, export)
    assert result.returncode == 0, result.output
    # checked now: the failing builds below write their own Data Docs next to it
    return GoodBuild(export, publish, result, (publish.parent / "data_docs" / "index.html").exists())


@pytest.fixture(scope="module")
def published(good_build: GoodBuild) -> Path:
    """A good build, published; every failing case below must leave it untouched."""
    return good_build.publish


def error_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("error: ")]


def check_only(export: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPTS / "load_export.py"), "--export-dir", str(export), "--check-only"],
        capture_output=True,
        text=True,
        check=False,
    )


def assert_rejected(result: BuildResult, published: Path, digest: str, *expected: str) -> None:
    assert result.returncode == 1, result.output
    for text in expected:
        assert text in result.stderr, f"{text!r} not in:\n{result.stderr}"
    assert "Nothing was published" in result.stderr
    assert sha256(published) == digest, "the published warehouse changed"
    # the Data Docs of the failed run are written on purpose (they show why), dbt logs too; beside them only the
    # last good build (its warehouse and its manifest) may remain
    kept = (published.name, published.with_suffix(".manifest.json").name, "data_docs", "logs")
    leftovers = [p.name for p in published.parent.iterdir() if p.name not in kept]
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
    where = set_value(export / "Opportunity.csv", 9, "CloseDate", "3/14/2025")
    return [f"error: Opportunity.csv, column CloseDate, {where}: value '3/14/2025': expected a date YYYY-MM-DD\n"]


def duplicated_id(export: Path) -> list[str]:
    header, rows, encoding, newline = read_csv(export / "Lead.csv")
    rows.insert(40, list(rows[5]))
    write_csv(export / "Lead.csv", header, rows, encoding, newline)
    return [
        f"error: Lead.csv, column Id, line 42: value '{rows[5][0]}': duplicated key: "
        "the same Id appears 2 times, on lines 7, 42\n"
    ]


def duplicated_ids_counted(export: Path) -> list[str]:
    """Two exports appended in part: 13 ids twice; the first 5 are shown, the count says how many there are."""
    header, rows, encoding, newline = read_csv(export / "Task.csv")
    copies = [list(r) for r in rows[100:113]]
    write_csv(export / "Task.csv", header, rows + copies, encoding, newline)
    first = len(rows) + 2
    return [
        f"error: Task.csv, column Id, line {first + i}: value '{rows[100 + i][0]}': duplicated key: the same Id "
        f"appears 2 times, on lines {102 + i}, {first + i} (13 ids duplicated, on 26 rows; first 5 shown)\n"
        for i in range(5)
    ]


def duplicated_target_key(export: Path) -> list[str]:
    """sales_targets.csv has no Id: staging keys it by user, team, period and metric (in any case)."""
    header, rows, encoding, newline = read_csv(export / "sales_targets.csv")
    copy = list(rows[3])
    copy[header.index("metric")] = copy[header.index("metric")].upper()
    write_csv(export / "sales_targets.csv", header, [*rows, copy], encoding, newline)
    key = "|".join(rows[3][header.index(c)] for c in ("user_id", "team", "period_start")) + "|" + copy[4].lower()
    return [
        f"error: sales_targets.csv, column user_id+team+period_start+metric, line {len(rows) + 2}: value '{key}': "
        f"duplicated key: the same user_id+team+period_start+metric appears 2 times, on lines 5, {len(rows) + 2}\n"
    ]


def empty_file(export: Path) -> list[str]:
    (export / "Event.csv").write_bytes(b"")
    return ["error: Event.csv: the file is empty (no header line)"]


def required_file_header_only(export: Path) -> list[str]:
    """Task.csv with its header alone used to publish (activities 58,726 -> 11,814)."""
    path = export / "Task.csv"
    path.write_bytes(path.read_bytes().split(b"\n", 1)[0] + b"\n")
    return ["error: Task.csv: the file has a header but no rows\n"]


def cut_inside_the_last_column(export: Path) -> list[str]:
    """The file stops inside the last field of a line halfway: a valid-looking short value, and no final newline."""
    path = export / "nps_responses.csv"
    header, rows, _encoding, _newline = read_csv(path)
    index = next(i for i in range(len(rows) // 2, len(rows)) if len(rows[i][-1]) > 4)
    lines = path.read_bytes().split(b"\n")
    cut = lines[index + 1][:-2]  # two characters of the comment lost
    path.write_bytes(b"\n".join([*lines[: index + 1], cut]))
    return [
        f"error: nps_responses.csv, column comment, line {index + 2}, response_id {rows[index][0]}: "
        f"value '{rows[index][-1][:-2]}': the last line is incomplete (no final newline): the file looks cut off\n"
    ]


def cut_after_two_fields(export: Path) -> list[str]:
    """The export stopped mid-row: the last line keeps its first two fields and has no final newline."""
    path = export / "Opportunity.csv"
    header = path.read_text().splitlines()[0].split(",")
    lines = path.read_bytes().rstrip(b"\n").split(b"\n")
    fields = lines[-1].split(b",")[:2]
    lines[-1] = b",".join(fields)
    path.write_bytes(b"\n".join(lines))
    return [
        f"error: Opportunity.csv, column {header[1]}, line {len(lines)}, Id {fields[0].decode()}: "
        f"value '{fields[1].decode()}': the last line is incomplete (no final newline): the file looks cut off "
        f"(missing columns: Expected Number of Columns: {len(header)} Found: 2)\n"
    ]


def missing_fields_on_the_last_line(export: Path) -> list[str]:
    """A last line with too few fields, newline included."""
    path = export / "Opportunity.csv"
    header = path.read_text().splitlines()[0].split(",")
    lines = path.read_bytes().rstrip(b"\n").split(b"\n")
    lines[-1] = b",".join(lines[-1].split(b",")[:3])
    path.write_bytes(b"\n".join(lines) + b"\n")
    return [  # DuckDB names the first missing column
        f"error: Opportunity.csv, column {header[3]}, line {len(lines)}, Id {lines[-1].split(b',')[0].decode()}: "
        "missing columns: "
        f"Expected Number of Columns: {len(header)} Found: 3 (the line reads '{lines[-1].decode()}')\n"
    ]


def unterminated_quote_on_the_last_line(export: Path) -> list[str]:
    """A quote opened in the last line's Name and never closed."""
    path = export / "Opportunity.csv"
    header, rows, encoding, newline = read_csv(path)
    name = header.index("Name")
    lines = path.read_bytes().rstrip(b"\n").split(b"\n")
    fields = lines[-1].split(b",")
    fields[name] = b'"' + fields[name]
    lines[-1] = b",".join(fields)
    path.write_bytes(b"\n".join(lines) + b"\n")
    return [
        f"error: Opportunity.csv, column Name, line {len(lines)}, Id {fields[0].decode()}: unquoted value: "
        "Value with unterminated quote found. (the line reads "
    ]


def one_windows_1252_row_in_a_utf8_file(export: Path) -> list[str]:
    """Lead.csv is UTF-8 (with accents); one row was pasted in from a Windows-1252 file."""
    path = export / "Lead.csv"
    header, rows, encoding, newline = read_csv(path)
    assert encoding == "utf-8" and not path.read_bytes().isascii()
    rows[30][header.index("Company")] = "Très Bien GmbH"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=newline).writerows([header, *rows])
    lines = buffer.getvalue().split(newline)
    path.write_bytes(
        newline.join(lines[:31]).encode()
        + newline.encode()
        + lines[31].encode("cp1252")
        + newline.encode()
        + newline.join(lines[32:]).encode()
    )
    return [
        f"error: Lead.csv, column Company, line 32, Id {rows[30][0]}: value 'Très Bien GmbH': byte 0xE8 ('è' in "
        "Windows-1252) is not UTF-8, while the rest of the file is UTF-8: the file mixes encodings; "
        "save it as UTF-8\n"
    ]


def non_numeric_amount(export: Path) -> list[str]:
    where = set_value(export / "Opportunity.csv", 3, "Amount", "12.5k")
    return [f"error: Opportunity.csv, column Amount, {where}: value '12.5k': expected a number"]


def amount_too_large_for_staging(export: Path) -> list[str]:
    """1e30 is a number, but not one numeric(28,6) holds: it used to crash dbt."""
    where = set_value(export / "Opportunity.csv", 3, "Amount", "1e30")
    return [
        f"error: Opportunity.csv, column Amount, {where}: value '1e30': out of range: "
        "expected a number below 10^22 in absolute value (numeric(28,6))\n"
    ]


def employees_beyond_32_bits(export: Path) -> list[str]:
    """3,000,000,000 is a whole number, but not a 32-bit one: it used to crash dbt ("Could not convert ... INT32")."""
    where = set_value(export / "Account.csv", 12, "NumberOfEmployees", "3000000000")
    return [
        f"error: Account.csv, column NumberOfEmployees, {where}: value '3000000000': out of range: "
        "expected a whole number from -2,147,483,648 to 2,147,483,647\n"
    ]


def probability_150(export: Path) -> list[str]:
    where = set_value(export / "Opportunity.csv", 7, "Probability", "150")
    return [
        f"error: Opportunity.csv, column Probability, {where}: value '150': out of range: "
        "must be between 0 and 100 (a probability is a percentage)\n"
    ]


def negative_amount(export: Path) -> list[str]:
    where = set_value(export / "Opportunity.csv", 8, "Amount", "-5000")
    return [
        f"error: Opportunity.csv, column Amount, {where}: value '-5000': out of range: "
        "must be at least 0 (a negative amount would be subtracted from the totals)\n"
    ]


def several_problems_in_one_file(export: Path) -> list[str]:
    first = set_value(export / "Task.csv", 10, "ActivityDate", "2025-13-01")
    second = set_value(export / "Task.csv", 20, "IsClosed", "yes")
    return [
        f"error: Task.csv, column ActivityDate, {first}: value '2025-13-01'",
        f"error: Task.csv, column IsClosed, {second}: value 'yes': expected true/false or 1/0",
    ]


def unreadable_file(export: Path) -> list[str]:
    (export / "User.csv").write_bytes(b"Id,Name\n005X,\x81\x8d\x8f\x90\x9d\n")  # undefined in Windows-1252 too
    return [
        "error: User.csv, line 2: cannot be read as UTF-8 or Windows-1252: byte 0x81 (character 6 of the line) "
        "is neither; save the file as UTF-8\n"
    ]


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
    """A whole number, but no NPS score."""
    where = set_value(export / "nps_responses.csv", 3, "score", "11")
    return [
        f"error: nps_responses.csv, column score, {where}: value '11': out of range: "
        "must be between 0 and 10 (an NPS score)\n"
    ]


def conversion_rate_zero(export: Path) -> list[str]:
    header, rows, encoding, newline = read_csv(export / "DatedConversionRate.csv")
    rows[2][header.index("ConversionRate")] = "0"
    write_csv(export / "DatedConversionRate.csv", header, rows, encoding, newline)
    return [
        "error: DatedConversionRate.csv, column ConversionRate, line 4: value '0': out of range: "
        "must be above 0 (a conversion rate is positive)\n"
    ]


BAD_CASES: dict[str, Callable[[Path], list[str]]] = {
    f.__name__: f
    for f in (
        missing_required_file,
        missing_required_column,
        us_style_dates,
        duplicated_id,
        duplicated_ids_counted,
        duplicated_target_key,
        empty_file,
        required_file_header_only,
        cut_inside_the_last_column,
        cut_after_two_fields,
        missing_fields_on_the_last_line,
        unterminated_quote_on_the_last_line,
        one_windows_1252_row_in_a_utf8_file,
        non_numeric_amount,
        amount_too_large_for_staging,
        employees_beyond_32_bits,
        probability_150,
        negative_amount,
        several_problems_in_one_file,
        unreadable_file,
        unmapped_stage,
        unmapped_roster_role,
        nps_score_out_of_range,
        conversion_rate_zero,
    )
}


@pytest.mark.parametrize("case", BAD_CASES)
def test_check_only_names_every_problem(case: str, fresh_copy) -> None:
    """The admission gate alone (no dbt): exit 1 and the exact messages."""
    export = fresh_copy()
    expected = BAD_CASES[case](export)
    result = check_only(export)
    assert result.returncode == 1, result.stdout + result.stderr
    for text in expected:
        assert text in result.stderr + "\n", f"{text!r} not in:\n{result.stderr}"
    assert result.stderr.endswith("problem(s): the export was not loaded.\n")


@pytest.mark.parametrize("case", BAD_CASES)
def test_bad_export_is_named_and_nothing_is_published(case: str, fresh_copy, published: Path) -> None:
    digest = sha256(published)
    export = fresh_copy()
    expected = BAD_CASES[case](export)
    result = run_build(published, export)
    assert_rejected(result, published, digest, *expected)
    # one verdict: the build refuses the export with exactly the errors --check-only gives
    assert error_lines(result.stderr) == error_lines(check_only(export).stderr)


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


def optional_file_header_only(export: Path) -> None:
    """An optional file with its header alone is a warning: the KPIs that need it are empty."""
    path = export / "marketing_spend.csv"
    path.write_bytes(path.read_bytes().split(b"\n", 1)[0] + b"\n")


def completed_task_after_the_as_of_date(export: Path) -> None:
    """A completed task dated ahead: the run publishes, counts it by its rule and says so in the summary."""
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
        optional_file_header_only,
        completed_task_after_the_as_of_date,
    )
}


@pytest.mark.parametrize("case", GOOD_CASES)
def test_harmless_difference_builds(case: str, good_build: GoodBuild) -> None:
    result = good_build.result
    with duckdb.connect(str(good_build.publish), read_only=True) as con:
        opportunities = con.execute("select count(*) from staging.stg_salesforce__opportunities").fetchone()[0]
        assert opportunities == len(read_csv(good_build.export / "Opportunity.csv")[1]) > 100
        if case == "windows_1252_file":
            first_lead = con.execute(
                "select company_name from staging.stg_salesforce__leads order by lead_id limit 1"
            ).fetchone()[0]
            assert first_lead == "Café “Zuid” – 5€ B.V."
            assert "Lead.csv: read as windows-1252" in result.stderr
        if case == "optional_file_absent":
            assert con.execute("select count(*) from staging.stg_sales_ops__nps_responses").fetchone()[0] == 0
            assert "warning: nps_responses.csv is absent (optional)" in result.stderr
        if case == "optional_file_header_only":
            assert con.execute("select count(*) from staging.stg_sales_ops__marketing_spend").fetchone()[0] == 0
            assert (
                "warning: marketing_spend.csv: the file has a header but no rows (optional): "
                "the KPIs that need it will be empty\n" in result.stderr
            )
        if case == "completed_task_after_the_as_of_date":
            counted = con.execute(
                "select row_count, kept_or_excluded from marts.rpt_data_quality_exclusions_rule "
                "where rule_name = 'task_completed_after_as_of'"
            ).fetchall()
            assert counted == [(1, "kept")]
            assert "task_completed_after_as_of (Task.csv): 1 kept" in result.output
    assert good_build.data_docs_written


def test_another_export_builds_with_the_documented_option_alone(published: Path, other_export: Path) -> None:
    """--export-dir is the only option needed: the seed-7 export is what the warehouse now holds."""
    with duckdb.connect(str(published), read_only=True) as con:
        built = con.execute("select count(*) from staging.stg_salesforce__opportunities").fetchone()[0]
    _header, rows, _encoding, _newline = read_csv(other_export / "Opportunity.csv")
    assert built == len(rows)


def test_staging_casts_match_the_contract() -> None:
    """The loader checks each value against its contract kind: staging must cast it to that same kind."""
    kinds: dict[str, set[str]] = {}
    for spec in EXPORT_FILES:
        for column in spec.columns:
            kinds.setdefault(column.name, set()).add(column.kind)
    macro_kind = {
        "integer": "integer",
        "number": "number",
        "date": "date",
        "timestamp": "datetime",
        "boolean": "boolean",
    }
    casts = {
        (macro, column)
        for sql in (PROJECT_DIR / "models" / "staging").rglob("*.sql")
        for macro, column in re.findall(r"parse_(\w+)\('(\w+)'\)", sql.read_text())
        if macro in macro_kind
    }
    assert len(casts) > 40
    mismatched = sorted((m, c, kinds.get(c)) for m, c in casts if kinds.get(c) != {macro_kind[m]})
    assert not mismatched
