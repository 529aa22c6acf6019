#!/usr/bin/env python3
"""Validate an export folder against the input contract and land it in DuckDB:
the admission gate. Every rule that can stop a build on the user's data is
checked here (the rules are declared in scripts/input_contract.py), so
`--check-only` gives exactly the verdict the build gives.

    python scripts/load_export.py --export-dir ~/exports/2026-06 --check-only
    python scripts/load_export.py --export-dir ~/exports/2026-06 --database build.duckdb

Every file of scripts/input_contract.py is read with DuckDB's CSV reader
(every column as text, header names matched case-insensitively, extra columns
ignored) into schema `crm_export`, the schema the dbt sources read. Before
anything is kept, each file is checked, and *all* problems of a file are
reported at once, each naming file, column, line, record Id and value, with
how many rows are affected (the first 5 are shown):

- a required file or column that is missing, an empty file, a required file
  with a header and no rows (an optional one only gives a warning);
- a file that looks cut off: a row with too few or too many fields, an
  unterminated quote, a last line without the final newline the other lines
  have;
- a line that is not UTF-8 in a UTF-8 file (Windows-1252 mixed in);
- a value that cannot be parsed as the column's date, datetime, number,
  integer or boolean, or that does not fit the type staging casts it to
  (integer: 32 bits; number: numeric(28,6));
- a value outside the column's declared range (probability 0-100, amounts not
  negative, NPS score 0-10, conversion rate above 0) or picklist;
- an empty value where the contract wants one; a duplicated record Id or key.

Files may be UTF-8 (with or without BOM) or Windows-1252: a file with no valid
multi-byte UTF-8 sequence at all that decodes as Windows-1252 is transcoded to
UTF-8 first, because DuckDB's own latin-1 reader rejects the bytes 0x80-0x9F
that Windows-1252 uses for curly quotes and the euro sign.
Exit codes: 0 valid, 1 invalid export, 2 usage error.

Resources: DuckDB's memory_limit and threads of the connection the gate runs on
(its own with --check-only/--database, the build's when scripts/build.py calls
it) come from SALES_KPIS_DUCKDB_MEMORY_LIMIT and SALES_KPIS_DUCKDB_THREADS
(defaults 3GB and 2: scripts/duckdb_limits.py).
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))
from duckdb_limits import duckdb_limits  # noqa: E402
from input_contract import EXPORT_FILES, SQL_TYPES, Column, ExportFile  # noqa: E402

RAW_SCHEMA = "crm_export"
EXAMPLES_PER_PROBLEM = 5
CHUNK_BYTES = 1 << 24  # the encoding scan reads the file in pieces of whole lines of about this size

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
    record_id: str | None = None
    key: str = "Id"  # the name of the record Id column, shown before record_id

    def __str__(self) -> str:
        where = [self.file]
        if self.column:
            where.append(f"column {self.column}")
        if self.line:
            where.append(f"line {self.line}")
        if self.record_id:
            where.append(f"{self.key} {self.record_id}")
        text = ", ".join(where) + ": "
        if self.value is not None:
            text += f"value {self.value!r}: "
        return text + self.message


@dataclass
class LoadReport:
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    row_counts: dict[str, int] = field(default_factory=dict)
    # How each admitted file reads, by table name: {"path", "encoding", "header"} (None: an absent optional
    # file, landed empty). Another engine's loader reads the files with these (scripts/spark_warehouse.py).
    read_as: dict[str, dict | None] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


class InvalidExport(Exception):
    def __init__(self, report: LoadReport) -> None:
        self.report = report
        super().__init__(f"The export is not valid: {len(report.problems)} problem(s), listed above.")


def count_note(total: int, what: str = "rows like this") -> str:
    """' (13 rows like this; first 5 shown)': how many rows a problem affects, when more than one."""
    if total <= 1:
        return ""
    shown = f"; first {EXAMPLES_PER_PROBLEM} shown" if total > EXAMPLES_PER_PROBLEM else ""
    return f" ({total:,} {what}{shown})"


def find_file(folder: Path, file_name: str) -> Path | None:
    exact = folder / file_name
    if exact.is_file():
        return exact
    matches = [p for p in folder.iterdir() if p.is_file() and p.name.lower() == file_name.lower()]
    return matches[0] if matches else None


# --------------------------------------------------------------------------- bytes: encoding and the last line


@dataclass
class ByteScan:
    """What one pass over a file's bytes found."""

    newlines: int = 0
    ends_with_newline: bool = True
    multibyte_utf8: bool = False  # some line holds valid multi-byte UTF-8 (so the file is not Windows-1252)
    bad_lines: list[tuple[int, bytes, int]] = field(default_factory=list)  # (line, its bytes, offset of bad byte)
    bad_line_count: int = 0
    cp1252_error: tuple[int, int, int] | None = None  # (line, offset in line, byte) undefined in Windows-1252

    def note_non_ascii(self, piece: bytes) -> None:
        """Look at a piece of whole lines that holds non-ASCII bytes (line numbers continue from self.newlines)."""
        try:
            piece.decode("utf-8")
            self.multibyte_utf8 = True
            return
        except UnicodeDecodeError:
            pass
        for index, line in enumerate(piece.split(b"\n")):
            if line.isascii():
                continue
            try:
                line.decode("utf-8")
                self.multibyte_utf8 = True
            except UnicodeDecodeError as error:
                number = self.newlines + index + 1
                self.bad_line_count += 1
                if len(self.bad_lines) < EXAMPLES_PER_PROBLEM:
                    self.bad_lines.append((number, line, error.start))
                if self.cp1252_error is None:
                    try:
                        line.decode("cp1252")
                    except UnicodeDecodeError as undefined:
                        self.cp1252_error = (number, undefined.start, line[undefined.start])


def scan_bytes(path: Path) -> ByteScan:
    """One pass over the bytes: line count, final newline, and which lines are not UTF-8.

    Pieces of whole lines are checked at C speed (isascii, decode, count; an ASCII
    chunk is only counted, not copied); only a piece that fails to decode is looked
    at line by line, so line numbers are those of the file (not of a chunk).
    """
    scan = ByteScan()
    carry, last = b"", b""
    with path.open("rb") as handle:
        while True:
            chunk = handle.read(CHUNK_BYTES)
            if chunk.isascii() and carry.isascii():
                # the common case, without copying the chunk: count its lines, carry the unfinished one
                newlines = chunk.count(b"\n")
                if not newlines:
                    carry += chunk
                    if chunk:
                        continue
                else:
                    scan.newlines += newlines
                    last = b"\n"
                    carry = chunk[chunk.rfind(b"\n") + 1 :]
                    continue
            data = carry + chunk if carry else chunk
            if chunk:
                cut = data.rfind(b"\n") + 1
                piece, carry = data[:cut], data[cut:]
            else:
                piece, carry = data, b""
            if piece:
                if not piece.isascii():
                    scan.note_non_ascii(piece)
                scan.newlines += piece.count(b"\n")
                last = piece[-1:]
            if not chunk:
                break
    scan.ends_with_newline = last == b"\n"
    return scan


def _field_holding(line: bytes, offset: int, header: list[str]) -> tuple[str | None, str | None, int]:
    """The column name, value (as Windows-1252) and field index of the byte at offset of a line."""
    before = line[:offset].decode("utf-8", "replace")
    index = len(next(csv.reader([before]), [""])) - 1
    fields = next(csv.reader([line.decode("cp1252", "replace").rstrip("\r")]), [])
    column = header[index].strip() if 0 <= index < len(header) else None
    value = fields[index] if 0 <= index < len(fields) else None
    return column, value, index


def encoding_problems(name: str, path: Path, scan: ByteScan, spec: ExportFile) -> list[Problem]:
    """Problems of a file that is neither UTF-8 nor Windows-1252 (empty when it is one of them)."""
    if not scan.bad_line_count:
        return []
    with path.open("rb") as handle:
        header = next(csv.reader([handle.readline().decode("utf-8-sig", "replace").rstrip("\r\n")]), [])
    key_index = next((i for i, h in enumerate(header) if spec.key and h.strip().lower() == spec.key.lower()), None)
    if not scan.multibyte_utf8:
        if scan.cp1252_error is None:
            return []  # Windows-1252 throughout
        line, offset, byte = scan.cp1252_error
        return [
            Problem(
                name,
                f"cannot be read as UTF-8 or Windows-1252: byte 0x{byte:02X} (character {offset + 1} of the line) "
                "is neither; save the file as UTF-8",
                line=line,
            )
        ]
    problems = []
    for line, raw, offset in scan.bad_lines:
        column, value, _index = _field_holding(raw, offset, header)
        fields = next(csv.reader([raw.decode("utf-8", "replace")]), [])
        record_id = fields[key_index].strip() if key_index is not None and key_index < len(fields) else None
        as_cp1252 = bytes([raw[offset]]).decode("cp1252", "replace")
        problems.append(
            Problem(
                name,
                f"byte 0x{raw[offset]:02X} ({as_cp1252!r} in Windows-1252) is not UTF-8, while the rest of the file "
                "is UTF-8: the file mixes encodings; save it as UTF-8"
                + count_note(scan.bad_line_count, "lines like this"),
                column=column,
                line=line,
                value=value,
                record_id=record_id,
                key=spec.key or "Id",
            )
        )
    return problems


def transcode_cp1252(path: Path, scratch: Path) -> Path:
    target = scratch / path.name
    with path.open("r", encoding="cp1252", newline="") as src, target.open("w", encoding="utf-8", newline="") as dst:
        shutil.copyfileobj(src, dst, 1 << 22)
    return target


def read_header(path: Path) -> list[str]:
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        return next(csv.reader(handle), [])


def last_line_fields(path: Path) -> list[str]:
    """The fields of the file's last physical line (the part after the last newline)."""
    with path.open("rb") as handle:
        handle.seek(0, 2)
        size = handle.tell()
        handle.seek(max(0, size - (1 << 20)))
        tail = handle.read().rsplit(b"\n", 1)[-1]
    return next(csv.reader([tail.decode("utf-8", "replace")]), [])


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


def _shorten(text: str, limit: int = 100) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# --------------------------------------------------------------------------- values: the contract's rules


@dataclass
class Check:
    """One rule on one column, as a SQL condition true on the rows that break it."""

    column: Column
    condition: str
    message: str


def _number(value: float) -> str:
    return f"{value:g}"


def column_checks(column: Column) -> list[Check]:
    v = f"trim({_q(column.name)})"
    present = f"nullif({v}, '') is not null"
    checks = []
    if column.kind in _INVALID:
        invalid = _INVALID[column.kind].replace("VALUE", v)
        checks.append(Check(column, f"{present} and ({invalid})", f"expected {_EXPECTED[column.kind]}"))
        if column.kind in SQL_TYPES:
            sql_type = SQL_TYPES[column.kind]
            checks.append(
                Check(
                    column,
                    f"{present} and not ({invalid}) and try_cast({v} as {sql_type.sql}) is null",
                    f"out of range: expected {sql_type.description}",
                )
            )
    if column.min is not None or column.max is not None:
        number = f"try_cast({v} as double)"
        outside, wanted = [], []
        if column.min is not None:
            outside.append(f"{number} {'<=' if column.min_exclusive else '<'} {column.min}")
            wanted.append(f"{'above' if column.min_exclusive else 'at least'} {_number(column.min)}")
        if column.max is not None:
            outside.append(f"{number} > {column.max}")
            wanted.append(f"at most {_number(column.max)}")
        if column.min is not None and column.max is not None and not column.min_exclusive:
            wanted = [f"between {_number(column.min)} and {_number(column.max)}"]
        checks.append(
            Check(column, " or ".join(outside), f"out of range: must be {' and '.join(wanted)} ({column.why})")
        )
    if column.values:
        allowed = ", ".join(_literal(x) for x in column.values)
        checks.append(
            Check(
                column,
                f"{present} and {v} not in ({allowed})",
                f"not one of {', '.join(column.values)} ({column.why})",
            )
        )
    if column.not_empty:
        checks.append(Check(column, f"not ({present})", "must not be empty"))
    return checks


@dataclass
class Finding:
    """A broken row: where it is (DuckDB row ordinal) and what is wrong."""

    ordinal: int
    column: str
    value: str | None
    record_id: str | None
    message: str
    order: int  # the column's position in the contract, to list problems column by column


def value_findings(con: duckdb.DuckDBPyConnection, spec: ExportFile, table: str, present: set[str]) -> list[Finding]:
    """Run every rule of the contract on the landed table: one pass for the counts, one query per broken rule."""
    checks = [c for column in spec.columns if column.name in present for c in column_checks(column)]
    if not checks:
        return []
    counts = con.execute(
        "select " + ", ".join(f"count(*) filter (where {c.condition})" for c in checks) + f" from {table}"
    ).fetchone()
    key = _q(spec.key) if spec.key else "null"
    order = {c.name: i for i, c in enumerate(spec.columns)}
    findings = []
    for check, total in zip(checks, counts, strict=True):
        if not total:
            continue
        rows = con.execute(
            f"select rowid, {_q(check.column.name)}, trim({key}) from {table} where {check.condition} "
            f"order by rowid limit {EXAMPLES_PER_PROBLEM}"
        ).fetchall()
        for ordinal, value, record_id in rows:
            own_key = check.column.name == spec.key
            findings.append(
                Finding(
                    ordinal,
                    check.column.name,
                    value,
                    None if own_key else record_id,
                    check.message + count_note(total),
                    order[check.column.name],
                )
            )
    return findings


def duplicate_findings(con: duckdb.DuckDBPyConnection, spec: ExportFile, table: str) -> tuple[list[Finding], dict]:
    """Duplicated record Ids and duplicated keys of files without an Id, as staging builds them.

    Each duplicated value is shown once, at the line of its second occurrence; the
    lines it is on are looked up later (the ordinals are returned for that).
    """
    findings: list[Finding] = []
    occurrences: dict[int, list[int]] = {}  # ordinal of a finding -> ordinals of the first occurrences
    keys = [(spec.key,)] if spec.key else []
    if spec.unique_together:
        keys.append(spec.unique_together)
    order = {c.name: i for i, c in enumerate(spec.columns)}
    for names in keys:
        parts = []
        for name in names:
            part = f"trim(coalesce({_q(name)}, ''))"
            parts.append(f"lower({part})" if spec.column(name).ignore_case else part)
        key = " || '|' || ".join(parts)
        # Equal keys have equal hashes, so no repeated hash means no duplicate: grouping 64-bit hashes is a
        # few times cheaper than grouping the strings with their ordinals, which runs only when one repeats.
        # Trimming millions of values costs more than the grouping: when no value has spaces to trim (the
        # usual case), the untrimmed values are the keys.
        untrimmed = " or ".join(f"{_q(name)} <> trim({_q(name)})" for name in names)
        if con.execute(f"select count(*) filter (where {untrimmed}) from {table}").fetchone()[0]:
            hashed = key
        else:
            hashed = " || '|' || ".join(
                f"lower(coalesce({_q(name)}, ''))" if spec.column(name).ignore_case else f"coalesce({_q(name)}, '')"
                for name in names
            )
        repeated = con.execute(
            f"select count(*) from (select hash({hashed}) as h from {table} where {hashed} <> '' "
            "group by h having count(*) > 1)"
        ).fetchone()[0]
        if not repeated:
            continue
        rows = con.execute(
            f"""
            with keyed as (select rowid as ordinal, {key} as k from {table} where {key} <> ''),
            duplicated as (
                select k, list(ordinal order by ordinal)[1:3] as ordinals, count(*) as n
                from keyed group by k having count(*) > 1
            )
            select k, ordinals, n, count(*) over (), sum(n) over () from duplicated
            order by ordinals[1] limit {EXAMPLES_PER_PROBLEM}
            """
        ).fetchall()
        for value, ordinals, n, ids, total_rows in rows:
            label = "+".join(names)
            what = "ids" if spec.key and names == (spec.key,) else "keys"
            note = f" ({ids:,} {what} duplicated, on {int(total_rows):,} rows"
            note += f"; first {EXAMPLES_PER_PROBLEM} shown)" if ids > EXAMPLES_PER_PROBLEM else ")"
            more = ", ..." if n > len(ordinals) else ""
            message = (
                f"duplicated key: the same {label} appears {n} times, on lines LINES{more}{note if ids > 1 else ''}"
            )
            findings.append(Finding(ordinals[1], label, value, None, message, order[names[0]]))
            occurrences[ordinals[1]] = list(ordinals)
    return findings, occurrences


# --------------------------------------------------------------------------- one file


def check_and_land(
    con: duckdb.DuckDBPyConnection, spec: ExportFile, path: Path, report: LoadReport, scratch: Path
) -> None:
    """Check one file; when it is valid, (re)create its raw table with the contract's columns as text."""
    name = path.name
    with path.open("rb") as handle:
        start = handle.read(4096)
    if not start.strip():
        report.problems.append(Problem(name, "the file is empty (no header line)"))
        return
    scan = scan_bytes(path)
    problems = encoding_problems(name, path, scan, spec)
    if problems:
        report.problems.extend(problems)
        return
    utf8_path = path
    if scan.bad_line_count:
        utf8_path = transcode_cp1252(path, scratch)
        report.warnings.append(f"{name}: read as windows-1252 and converted to UTF-8")
    header = read_header(utf8_path)
    position: dict[str, int] = {}
    for index, column in enumerate(header):
        lowered = column.strip().lower()
        if lowered in position:
            report.problems.append(Problem(name, "the header names this column twice", column=column.strip()))
        position[lowered] = index
    missing = [c for c in spec.columns if c.required and c.name.lower() not in position]
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

    # Columns are named by position (c0, c1, ...) and typed by us: no sniffing, which gives up on a broken line.
    types = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(header)))
    reader = (
        f"read_csv({_literal(str(utf8_path))}, header = true, auto_detect = false, columns = {{{types}}}, "
        "delim = ',', quote = '\"', escape = '\"', strict_mode = true, store_rejects = true, "
        "rejects_table = '__rejects', rejects_scan = '__reject_scans')"
    )
    present = {c.name for c in spec.columns if c.name.lower() in position}
    select = ", ".join(
        f"c{position[c.name.lower()]} as {_q(c.name)}"
        if c.name in present
        else f"cast(null as varchar) as {_q(c.name)}"
        for c in spec.columns
    )
    table = f"{RAW_SCHEMA}.{_q('__check_' + spec.table_name)}"
    try:
        # DuckDB appends to an existing rejects table: start each file with empty ones.
        con.execute("drop table if exists __rejects; drop table if exists __reject_scans")
        con.execute(f"create or replace table {table} as select {select} from {reader}")
    except duckdb.Error as error:
        report.problems.append(Problem(name, f"cannot be read as CSV: {str(error).splitlines()[0]}"))
        return
    try:
        problems = file_problems(con, spec, name, table, utf8_path, scan, header)
        rows = con.execute(f"select count(*) from {table}").fetchone()[0]
        if not problems and rows == 0:
            if spec.required:
                problems.append(Problem(name, "the file has a header but no rows"))
            else:
                report.warnings.append(
                    f"{name}: the file has a header but no rows (optional): the KPIs that need it will be empty"
                )
        if problems:
            report.problems.extend(problems)
            return
        extra = sorted({h.strip().lower() for h in header} - {c.name.lower() for c in spec.columns})
        if extra:
            report.warnings.append(f"{name}: ignored columns not in the input contract: {', '.join(extra)}")
        con.execute(f"drop table if exists {RAW_SCHEMA}.{_q(spec.table_name)}")
        con.execute(f"alter table {table} rename to {_q(spec.table_name)}")
        report.row_counts[spec.file_name] = rows
        report.read_as[spec.table_name] = {
            "path": str(path),
            "encoding": "UTF-8" if utf8_path == path else "windows-1252",
            "header": header,
        }
    finally:
        con.execute(
            f"drop table if exists {table}; drop table if exists __rejects; drop table if exists __reject_scans"
        )


def file_problems(
    con: duckdb.DuckDBPyConnection,
    spec: ExportFile,
    name: str,
    table: str,
    path: Path,
    scan: ByteScan,
    header: list[str],
) -> list[Problem]:
    """Every problem of one landed file: broken lines, a cut-off end, broken values, duplicated keys."""
    present = {c.name for c in spec.columns if c.name.lower() in {h.strip().lower() for h in header}}
    rows = con.execute(f"select count(*) from {table}").fetchone()[0]
    rejected_records = [line for (line,) in con.execute("select distinct line from __rejects order by line").fetchall()]
    records = 1 + rows + len(rejected_records)  # the header is record 1
    # one example line per broken record (DuckDB lists a short line once per missing column), 5 per kind of error
    rejects = con.execute(
        f"""
        with per_line as (
            select line, min_by(column_name, column_idx) as column_name, min(error_type) as error_type,
                min(csv_line) as csv_line, min_by(error_message, column_idx) as error_message
            from __rejects group by line
        )
        select line, column_name, error_type, csv_line, error_message,
            count(*) over (partition by error_type) as total
        from per_line
        qualify row_number() over (partition by error_type order by line) <= {EXAMPLES_PER_PROBLEM}
        order by line
        """
    ).fetchall()

    problems: list[Problem] = []
    key_index = next((i for i, h in enumerate(header) if spec.key and h.strip().lower() == spec.key.lower()), None)
    cut_off = not scan.ends_with_newline and scan.newlines > 0
    if cut_off:
        # A cut inside the last column reads as a valid short value: the missing newline is the only sign.
        fields = last_line_fields(path)
        index = min(len(fields), len(header)) - 1
        # DuckDB's complaint about that last record (too few fields, an open quote) is this same problem
        detail = "".join(f" ({r[2].lower()}: {r[4]})" for r in rejects if r[0] == records)
        rejects = [r for r in rejects if r[0] != records]
        problems.append(
            Problem(
                name,
                f"the last line is incomplete (no final newline): the file looks cut off{detail}",
                column=header[index].strip() if index >= 0 else None,
                line=scan.newlines + 1,
                value=_shorten(fields[index]) if index >= 0 else None,
                record_id=fields[key_index] if key_index is not None and key_index < len(fields) else None,
                key=spec.key or "Id",
            )
        )

    findings = value_findings(con, spec, table, present)
    duplicates, occurrences = duplicate_findings(con, spec, table)
    findings += duplicates

    # Turn DuckDB's row ordinals and record numbers into the physical lines a person opens in an editor.
    ordinals = sorted({f.ordinal for f in findings} | {o for seen in occurrences.values() for o in seen})
    record_of_ordinal: dict[int, int] = {}
    rejected = set(rejected_records)
    record, index, accepted = 1, 0, -1
    while index < len(ordinals):
        record += 1
        if record in rejected:
            continue
        accepted += 1
        if accepted == ordinals[index]:
            record_of_ordinal[accepted] = record
            index += 1
    physical_lines = scan.newlines + (0 if scan.ends_with_newline else 1)
    wanted = {r for r, *_ in rejects} | set(record_of_ordinal.values())
    # when no field spans lines, the record number is the line number: no pass over the file needed
    lines = {r: r for r in wanted} if physical_lines == records else record_start_lines(path, wanted)

    def line_of(ordinal: int) -> int:
        record = record_of_ordinal[ordinal]
        return lines.get(record, record)

    for line, column_name, error_type, csv_line, message, total in rejects:
        fields = next(csv.reader([csv_line.strip()]), [])
        problems.append(
            Problem(
                name,
                f"{error_type.lower()}: {message} (the line reads {_shorten(csv_line.strip())!r})"
                + count_note(total, "lines like this"),
                column=header[int(column_name[1:])].strip() if column_name else None,
                line=lines.get(line, line),
                record_id=fields[key_index] if key_index is not None and key_index < len(fields) else None,
                key=spec.key or "Id",
            )
        )
    for finding in sorted(findings, key=lambda f: (f.order, f.column, f.ordinal)):
        message = finding.message
        if finding.ordinal in occurrences:
            message = message.replace("LINES", ", ".join(str(line_of(o)) for o in occurrences[finding.ordinal]))
        problems.append(
            Problem(
                name,
                message,
                column=finding.column,
                line=line_of(finding.ordinal),
                value=finding.value,
                record_id=finding.record_id,
                key=spec.key or "Id",
            )
        )
    return problems


def land_empty(con: duckdb.DuckDBPyConnection, spec: ExportFile) -> None:
    columns = ", ".join(f"cast(null as varchar) as {_q(c.name)}" for c in spec.columns)
    con.execute(f"create or replace table {RAW_SCHEMA}.{_q(spec.table_name)} as select {columns} limit 0")


def apply_resource_settings(con: duckdb.DuckDBPyConnection) -> None:
    """Set DuckDB's memory_limit and threads on the gate's connection (scripts/duckdb_limits.py)."""
    for setting, value in duckdb_limits().items():
        con.execute(f"set {setting} = {_literal(value)}")


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
    apply_resource_settings(con)
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
                    report.read_as[spec.table_name] = None
                continue
            check_and_land(con, spec, path, report, Path(scratch))
            if on_file is not None:
                on_file(path.name, report.row_counts.get(spec.file_name))
    # The picklists the project maps through seeds/reference (stage, lead status, role, target metric,
    # currency; activity type and lead source as warnings) are checked here on the landed tables, once
    # every file parsed cleanly: scripts/vocabularies.py.
    if not report.problems:
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
    target.add_argument(
        "--check-only", action="store_true", help="validate only, keep nothing (lands in a temporary file)"
    )
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="sales_kpis_check_") as scratch:
        # --check-only lands in a throwaway file, not in memory: a large export then needs no more memory
        # than a real landing (DuckDB keeps a file's tables on disk, compressed).
        con = duckdb.connect(str(Path(scratch) / "check.duckdb") if options.check_only else str(options.database))
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
