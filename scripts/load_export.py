#!/usr/bin/env python3
"""Validate an export folder against the input contract and land it in DuckDB.

    python scripts/load_export.py --export-dir ~/exports/2026-06 --check-only
    python scripts/load_export.py --export-dir ~/exports/2026-06 --database build.duckdb

Every file of scripts/input_contract.py is read with DuckDB's CSV reader
(every column as text, header names matched case-insensitively, extra columns
ignored) into schema `crm_export`, the schema the dbt sources read. Before
anything is kept, each file is checked, and *all* problems of a file are
reported at once, each naming file, column, line and value:

- a required file or column that is missing, an empty file;
- a row with too few or too many fields (a truncated last line, say);
- a value that cannot be parsed as the column's date, datetime, number,
  integer or boolean; an empty key; a duplicated key.

Files may be UTF-8 (with or without BOM) or Windows-1252; the latter is
transcoded to UTF-8 first, because DuckDB's own latin-1 reader rejects the
bytes 0x80-0x9F that Windows-1252 uses for curly quotes and the euro sign.
Exit codes: 0 valid, 1 invalid export, 2 usage error.
"""

from __future__ import annotations

import argparse
import codecs
import csv
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))
from input_contract import EXPORT_FILES, Column, ExportFile  # noqa: E402

RAW_SCHEMA = "crm_export"
EXAMPLES_PER_PROBLEM = 5

# SQL condition, on a text VALUE, that is true when VALUE is NOT a valid value of the kind.
_INVALID = {
    "boolean": "lower(VALUE) not in ('true', 'false', '1', '0')",
    "date": r"not regexp_full_match(VALUE, '\d{4}-\d{2}-\d{2}') or try_cast(VALUE as date) is null",
    "datetime": (
        r"not regexp_full_match(VALUE, '\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?Z?')"
        " or try_cast(replace(replace(VALUE, 'T', ' '), 'Z', '') as timestamp) is null"
    ),
    "number": r"not regexp_full_match(VALUE, '[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?')",
    "integer": r"not regexp_full_match(VALUE, '[-+]?\d+') or try_cast(VALUE as bigint) is null",
}
_EXPECTED = {
    "boolean": "true/false or 1/0",
    "date": "a date YYYY-MM-DD",
    "datetime": "an ISO 8601 UTC datetime (2024-03-01T10:15:00.000Z or 2024-03-01 10:15:00)",
    "number": "a number with '.' as decimal separator",
    "integer": "a whole number",
}


@dataclass
class Problem:
    file: str
    message: str
    column: str | None = None
    line: int | None = None
    value: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.column:
            where.append(f"column {self.column}")
        if self.line:
            where.append(f"line {self.line}")
        text = ", ".join(where) + ": "
        if self.value is not None:
            text += f"value {self.value!r}: "
        return text + self.message


@dataclass
class LoadReport:
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    row_counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


class InvalidExport(Exception):
    def __init__(self, report: LoadReport) -> None:
        self.report = report
        super().__init__(f"The export is not valid: {len(report.problems)} problem(s), listed above.")


def find_file(folder: Path, file_name: str) -> Path | None:
    exact = folder / file_name
    if exact.is_file():
        return exact
    matches = [p for p in folder.iterdir() if p.is_file() and p.name.lower() == file_name.lower()]
    return matches[0] if matches else None


def as_utf8(path: Path, scratch: Path) -> tuple[Path, str]:
    """Return a UTF-8 copy of the file (the file itself when it is UTF-8) and the encoding found."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        try:
            while chunk := handle.read(1 << 22):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return path, "utf-8"
        except UnicodeDecodeError:
            pass
    target = scratch / path.name
    with path.open("r", encoding="cp1252", newline="") as src, target.open("w", encoding="utf-8", newline="") as dst:
        shutil.copyfileobj(src, dst, 1 << 22)
    return target, "windows-1252"


def read_header(path: Path) -> list[str]:
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        return next(csv.reader(handle), [])


def record_start_lines(path: Path, records: set[int]) -> dict[int, int]:
    """Map record numbers (1 = header) to the physical line each record starts on."""
    found: dict[int, int] = {}
    if not records:
        return found
    wanted = max(records)
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        previous_end = 0
        for number, _row in enumerate(reader, start=1):
            if number in records:
                found[number] = previous_end + 1
            previous_end = reader.line_num
            if number >= wanted:
                break
    return found


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def check_and_land(
    con: duckdb.DuckDBPyConnection, spec: ExportFile, path: Path, report: LoadReport, scratch: Path
) -> None:
    """Check one file; when it is valid, (re)create its raw table with the contract's columns as text."""
    name = path.name
    if path.stat().st_size == 0 or not path.read_bytes()[:4096].strip():
        report.problems.append(Problem(name, "the file is empty (no header line)"))
        return
    try:
        utf8_path, encoding = as_utf8(path, scratch)
    except UnicodeDecodeError as error:
        report.problems.append(
            Problem(name, f"cannot be read as UTF-8 or Windows-1252 ({error.reason} at byte {error.start})")
        )
        return
    if encoding != "utf-8":
        report.warnings.append(f"{name}: read as {encoding} and converted to UTF-8")
    header = read_header(utf8_path)
    by_lower: dict[str, str] = {}
    for column in header:
        key = column.strip().lower()
        if key in by_lower:
            report.problems.append(Problem(name, "the header names this column twice", column=column.strip()))
        by_lower[key] = column
    missing = [c for c in spec.columns if c.required and c.name.lower() not in by_lower]
    for column in missing:
        report.problems.append(
            Problem(
                name,
                f"required column is missing (the header has: {', '.join(h.strip() for h in header)})",
                column=column.name,
                line=1,
            )
        )
    if missing:
        return

    staging = f"__check_{spec.table_name}"
    reader = (
        f"read_csv({_literal(str(utf8_path))}, header = true, all_varchar = true, delim = ',', quote = '\"', "
        "escape = '\"', strict_mode = true, store_rejects = true, rejects_table = '__rejects', "
        "rejects_scan = '__reject_scans', sample_size = -1)"
    )
    try:
        # DuckDB appends to an existing rejects table: start each file with empty ones.
        con.execute("drop table if exists __rejects; drop table if exists __reject_scans")
        con.execute(f"create or replace temp table {_q(staging)} as select * from {reader}")
    except duckdb.Error as error:
        report.problems.append(Problem(name, f"cannot be read as CSV: {str(error).splitlines()[0]}"))
        return
    # one problem per broken line (DuckDB lists a short line once per missing column)
    rejects = con.execute(
        "select line, min_by(column_name, column_idx), min(error_type), min(csv_line),"
        " min_by(error_message, column_idx) from __rejects group by line order by line"
    ).fetchall()
    raw_columns = {row[0].lower(): row[0] for row in con.execute(f"describe {_q(staging)}").fetchall()}

    value_problems: list[tuple[int, Column, str, str]] = []  # (row ordinal, column, value, message)
    for column in spec.columns:
        source = raw_columns.get(column.name.lower())
        if source is None:
            continue
        v = f"trim({_q(source)})"
        checks = []
        if column.kind in _INVALID:
            condition = _INVALID[column.kind].replace("VALUE", v)
            checks.append((f"nullif({v}, '') is not null and ({condition})", f"expected {_EXPECTED[column.kind]}"))
        if column.not_empty:
            checks.append((f"nullif({v}, '') is null", "must not be empty"))
        for condition, message in checks:
            rows = con.execute(
                f"select rowid, {_q(source)}, count(*) over () from {_q(staging)} where {condition} "
                f"order by rowid limit {EXAMPLES_PER_PROBLEM}"
            ).fetchall()
            for ordinal, value, total in rows:
                value_problems.append(
                    (
                        ordinal,
                        column,
                        value,
                        message
                        if total <= EXAMPLES_PER_PROBLEM
                        else f"{message} ({total:,} rows like this in the file; first {EXAMPLES_PER_PROBLEM} shown)",
                    )
                )
    if spec.key:
        key = _q(raw_columns[spec.key.lower()])
        duplicates = con.execute(
            f"select {key}, list(rowid order by rowid) from {_q(staging)} where nullif(trim({key}), '') is not null "
            f"group by {key} having count(*) > 1 order by min(rowid) limit {EXAMPLES_PER_PROBLEM}"
        ).fetchall()
        for value, ordinals in duplicates:
            for ordinal in ordinals[1:]:
                value_problems.append(
                    (
                        ordinal,
                        spec.column(spec.key),
                        value,
                        f"duplicated key: the same {spec.key} appears {len(ordinals)} times",
                    )
                )

    # Turn DuckDB's record numbers into the physical lines a person opens in an editor.
    rejected_records = {line for line, *_ in rejects}
    record_of_ordinal: dict[int, int] = {}
    if value_problems:
        ordinals = sorted({o for o, *_ in value_problems})
        record, ordinal_index, accepted = 1, 0, -1
        while ordinal_index < len(ordinals):
            record += 1
            if record in rejected_records:
                continue
            accepted += 1
            if accepted == ordinals[ordinal_index]:
                record_of_ordinal[accepted] = record
                ordinal_index += 1
    lines = record_start_lines(utf8_path, rejected_records | set(record_of_ordinal.values()))
    for line, column_name, error_type, csv_line, message in rejects:
        report.problems.append(
            Problem(
                name,
                f"{error_type.lower()}: {message} (the line reads {csv_line!r})",
                column=column_name,
                line=lines.get(line, line),
            )
        )
    for ordinal, column, value, message in sorted(value_problems, key=lambda p: (p[1].name, p[0])):
        record = record_of_ordinal[ordinal]
        report.problems.append(Problem(name, message, column=column.name, line=lines.get(record, record), value=value))
    if rejects or value_problems:
        return

    extra = sorted(set(raw_columns) - {c.name.lower() for c in spec.columns})
    if extra:
        report.warnings.append(f"{name}: ignored columns not in the input contract: {', '.join(extra)}")
    select = ", ".join(
        f"{_q(raw_columns[c.name.lower()])} as {_q(c.name)}"
        if c.name.lower() in raw_columns
        else f"cast(null as varchar) as {_q(c.name)}"
        for c in spec.columns
    )
    con.execute(f"create or replace table {RAW_SCHEMA}.{_q(spec.table_name)} as select {select} from {_q(staging)}")
    con.execute(f"drop table {_q(staging)}")
    report.row_counts[spec.file_name] = con.execute(
        f"select count(*) from {RAW_SCHEMA}.{_q(spec.table_name)}"
    ).fetchone()[0]


def land_empty(con: duckdb.DuckDBPyConnection, spec: ExportFile) -> None:
    columns = ", ".join(f"cast(null as varchar) as {_q(c.name)}" for c in spec.columns)
    con.execute(f"create or replace table {RAW_SCHEMA}.{_q(spec.table_name)} as select {columns} limit 0")


def load_export(
    folder: Path, con: duckdb.DuckDBPyConnection, on_file: Callable[[str, int | None], None] | None = None
) -> LoadReport:
    """Check every contract file in the folder and land the valid ones in schema crm_export.

    on_file(file name, rows landed or None when the file has problems) is called after each file that is present.
    """
    report = LoadReport()
    if not folder.is_dir():
        report.problems.append(Problem(str(folder), "the export folder does not exist"))
        return report
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    with tempfile.TemporaryDirectory(prefix="sales_kpis_load_") as scratch:
        for spec in EXPORT_FILES:
            path = find_file(folder, spec.file_name)
            if path is None:
                if spec.required:
                    report.problems.append(Problem(spec.file_name, f"required file is missing from {folder}"))
                else:
                    report.warnings.append(
                        f"{spec.file_name} is absent (optional): the KPIs that need it will be empty"
                    )
                    land_empty(con, spec)
                continue
            check_and_land(con, spec, path, report, Path(scratch))
            if on_file is not None:
                on_file(path.name, report.row_counts.get(spec.file_name))
    if not report.problems:  # the picklists, once every file is landed (scripts/vocabularies.py)
        from vocabularies import check_vocabularies

        problems, warnings = check_vocabularies(con, folder)
        report.problems += problems
        report.warnings += warnings
    return report


def iter_report_lines(report: LoadReport) -> Iterator[str]:
    for warning in report.warnings:
        yield f"warning: {warning}"
    for problem in report.problems:
        yield f"error: {problem}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--export-dir", type=Path, required=True, help="folder with the exported CSV files")
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--database", type=Path, help="DuckDB file to land the raw tables in")
    target.add_argument("--check-only", action="store_true", help="validate only, keep nothing")
    options = parser.parse_args(argv)
    con = duckdb.connect(":memory:" if options.check_only else str(options.database))
    report = load_export(options.export_dir, con)
    con.close()
    for line in iter_report_lines(report):
        print(line, file=sys.stderr)
    if not report.ok:
        print(f"{len(report.problems)} problem(s): the export was not loaded.", file=sys.stderr)
        return 1
    print(f"ok: {sum(report.row_counts.values()):,} rows in {len(report.row_counts)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
